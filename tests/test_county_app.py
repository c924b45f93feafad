"""The county what-if's logic without a browser: control values → caseload, tables, sentences,
figures, downloads; and the widget callbacks (bad input leaves everything else as it was)."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pandas as pd
import pytest

from linkages.outcomes import OutcomesChart
from linkages.simulate import LEVERS
from linkages.ui import county_app as C
from linkages.ui import export as X

ALL = {k: 1.0 for k in LEVERS}


@pytest.fixture(scope="module")
def small():
    return C.caseload_for(C.STATEWIDE, 400)


@pytest.fixture(scope="module")
def model():
    return C.WhatIf()


# --- inputs --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [("10000", 10000), ("1,000", 1000), (" 500 ", 500), ("2500.0", 2500)])
def test_size_parses(text, expected):
    assert C.parse_size(text) == expected


@pytest.mark.parametrize("text, words", [("abc", "not a number"), ("0", "at least 50"), ("", "Type a number"),
                                         ("10001", "At most 10,000"), ("-5", "at least"), ("12.5", "not a number")])
def test_bad_size_is_a_sentence(text, words):
    with pytest.raises(C.SizeError, match=words):
        C.parse_size(text)


def test_strength_bounds():
    assert C.parse_strength("0.5") == 0.5
    assert C.parse_strength("0,25") == 0.25
    with pytest.raises(C.StrengthError, match="from 0 to 1; 1.5 is outside"):
        C.parse_strength("1.5")
    with pytest.raises(C.StrengthError, match="not a strength"):
        C.parse_strength("lots")
    with pytest.raises(C.StrengthError):
        C.parse_strength("nan")


def test_replicates_keep_the_budget():
    assert C.replicates_for(10_000) == 3
    assert C.replicates_for(1_000) == 20
    assert C.replicates_for(50) == 20
    assert C.replicates_for(10_000) * 10_000 <= C.RUN_BUDGET


# --- caseloads -----------------------------------------------------------------------------

def test_statewide_reader_is_the_checked_loader(monkeypatch):
    """The what-if reads datasets/ through the checked loader (checksums, else every check) and
    gets exactly the validating loader's tables."""
    from linkages import families
    from linkages.families import load
    from linkages.simulate.caseload import REQUIRED_COLUMNS

    C.statewide.cache_clear()
    seen = []
    real = families.load_checked
    monkeypatch.setattr(families, "load_checked", lambda *a, **k: seen.append(a) or real(*a, **k))
    try:
        fast, acts = C.statewide()
    finally:
        C.statewide.cache_clear()
    assert seen == [("caseload",)]
    slow = load("caseload")
    assert len(fast) == 10_000 and len(acts) == len(slow.activities) and "vignette" not in fast.columns
    for col in REQUIRED_COLUMNS:
        a, b = fast[col], slow.households[col]
        if col in ("removal_date",):
            assert (pd.to_datetime(a).fillna(pd.Timestamp(0)) == pd.to_datetime(b).fillna(pd.Timestamp(0))).all()
        else:
            assert [str(x) for x in a] == [str(x) for x in b], col


def test_caseload_choices(small):
    assert small.n == 400 and set(small.activities["household_id"]) <= set(small.households["household_id"])
    assert "first 400" in small.description
    la = C.caseload_for("Los Angeles", 120)
    assert (la.households["county"] == "Los Angeles").all() and la.n == 120
    alpine = C.caseload_for("Alpine", 150)  # far fewer there: the seeded generator draws 150
    assert alpine.n == 150 and (alpine.households["county"] == "Alpine").all()
    assert "seeded generator" in alpine.description
    again = C.caseload_for("Alpine", 150)
    assert again.households["household_id"].tolist() == alpine.households["household_id"].tolist()
    assert C.default_size(C.STATEWIDE) == 10_000
    assert C.default_size("Alpine") == 100
    with pytest.raises(C.SizeError):
        C.caseload_for("Atlantis", 100)
    with pytest.raises(C.SizeError):
        C.caseload_for(C.STATEWIDE, "0")


# --- model ---------------------------------------------------------------------------------

def test_baseline_runs_once_and_settings_are_cached(small, model):
    e1 = model.entry(small)
    cmp1 = model.compare(small, ALL)
    assert model.entry(small) is e1
    r1 = model.runs(e1, ALL)
    assert model.runs(e1, ALL) is r1 or model.runs(e1, ALL).equals(r1)
    assert len(cmp1.baseline_runs) == e1.replicates == C.replicates_for(400)


def test_no_practice_means_no_difference(small, model):
    cmp = model.compare(small, {k: 0.0 for k in LEVERS})
    nums = C.numbers_table(cmp)
    assert (nums["difference"].abs() == 0).all()
    s = C.summary_sentences(nums, {k: 0.0 for k in LEVERS}, small.description, 4)
    assert any("No practice is switched on" in x for x in s)


def test_a_practice_changes_the_numbers(small, model):
    a = C.numbers_table(model.compare(small, ALL))
    b = C.numbers_table(model.compare(small, {**ALL, "case_conference": 0.0}))
    assert not a[["scenario", "difference"]].equals(b[["scenario", "difference"]])
    assert (a["baseline"] == b["baseline"]).all()  # the baseline is the same runs
    c = C.numbers_table(model.compare(small, {**ALL, "linked_plan": 0.5}))
    h = {"a": a.set_index("key").at["hours_demanded", "scenario"], "c": c.set_index("key").at["hours_demanded", "scenario"]}
    assert h["a"] < h["c"]  # half a linked plan asks for more hours than a full one


def test_numbers_table_is_what_the_csv_and_the_screen_show(small, model):
    nums = C.numbers_table(model.compare(small, ALL))
    assert set(nums["key"]) >= {"permanency_12", "foster_care_cost", "staff_hours", "public_cost"}
    perm = nums.set_index("key").loc["permanency_12"]
    assert perm["unit"].startswith("%") and 0 <= perm["baseline"] <= 100
    assert perm["baseline_lowest_run"] <= perm["baseline"] <= perm["baseline_highest_run"]
    back = pd.read_csv(io.StringIO(X.csv_text(nums.drop(columns=["decimals"]))))
    assert np.allclose(back["difference"].to_numpy(), nums["difference"].to_numpy(), equal_nan=True)
    html = C.numbers_html(nums)
    cells = re.findall(r"data-key='permanency_12'.*?</tr>", html)[0]
    shown = [float(x.replace("−", "-").replace(",", "").replace("+", ""))
             for x in re.findall(r"<td class='lk-v[^']*' data-col='[a-z_]+'>([^<]+)</td>", cells)]
    assert shown == [perm[c] for c in C.value_columns()]
    assert "−0.0" not in html and "-0.0" not in html


def test_intervals_are_called_what_they_are(small, model):
    """With a handful of paired runs the interval is the lowest and highest run, computed exactly
    so, and every place that shows it says so: headers, CSV columns, sentences, figures."""
    from linkages.outcomes import MEASURES

    cmp = model.compare(small, ALL)
    n = len(cmp.seeds)
    nums = C.numbers_table(cmp).set_index("key")
    for key in ("months_sanctioned", "permanency_12", "public_cost"):
        f = 100.0 if key in MEASURES and MEASURES[key].percent else 1.0
        d = int(nums.at[key, "decimals"])
        for group, runs in (("baseline", cmp.baseline_runs[key]), ("scenario", cmp.scenario_runs[key]),
                            ("difference", cmp.differences[key])):
            assert nums.at[key, f"{group}_lowest_run"] == pytest.approx(round(runs.min() * f, d))
            assert nums.at[key, f"{group}_highest_run"] == pytest.approx(round(runs.max() * f, d))
    pc = cmp.baseline_runs["foster_care_cost"] + cmp.baseline_runs["coordination_cost"]
    assert nums.at["public_cost", "baseline_highest_run"] == pytest.approx(round(pc.max()))
    assert (nums["paired_runs"] == n).all()
    csv_cols = list(C.numbers_table(cmp).drop(columns=["decimals"]).columns)
    assert "difference_lowest_run" in csv_cols and not any(c.endswith(("_low", "_high")) for c in csv_cols)
    table = C.numbers_html(C.numbers_table(cmp))
    assert table.count("<th>lowest run</th>") == 3 and f"Means of the {n} paired runs" in table
    words = f"lowest to highest of the {n} runs"
    text = " ".join(C.summary_sentences(C.numbers_table(cmp), ALL, small.description, n))
    assert words in text
    alt, title = OutcomesChart().update(cmp)
    assert words in alt and f"in all {n} paired runs" in title
    cost = X.render("costs", C.cost_figure(C.numbers_table(cmp)))
    assert words in cost.alt
    for shown in (table, text, alt, title, cost.alt):
        assert "percentile" not in shown and "97.5" not in shown


def test_summary_sentences_follow_the_numbers(small, model):
    lev = {**{k: 0.0 for k in LEVERS}, "identification": 1.0, "linked_plan": 0.6}
    nums = C.numbers_table(model.compare(small, lev))
    s = C.summary_sentences(nums, lev, small.description, 7)
    text = " ".join(s)
    assert text.startswith("400 households") and "7 paired runs" in text
    assert "shared-client identification and linked case plan (strength 0.60)" in text
    fc = nums.set_index("key").loc["foster_care_cost"]
    assert "Coordination takes" in text and f"{abs(fc['difference']) / 1e6:,.1f} million" in text or "$" in text
    perm = nums.set_index("key").loc["permanency_12"]
    assert f"{perm['baseline']:.1f}%" in text
    assert "federal standard: 40.5% or more" in text and "standard: 8.3% or less" in text


def test_federal_standards_come_from_the_parameters(small, model, monkeypatch):
    import linkages.params as params

    real = params.value
    fake = {"federal.cfsr3_permanency_12_months": 0.412, "federal.cfsr3_reentry_12_months": 0.077}
    monkeypatch.setattr(params, "value", lambda name, on, key=None: fake.get(name, None) or real(name, on, key))
    assert C.federal_standards() == ("41.2%", "7.7%")
    nums = C.numbers_table(model.compare(small, ALL))
    text = " ".join(C.summary_sentences(nums, ALL, small.description, 3))
    assert "federal standard: 41.2% or more" in text and "standard: 7.7% or less" in text


def _figure_texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _assert_display_names(fig_alt, raw=()) -> None:
    """No title, label, note or alt text of the figure carries a code name."""
    import matplotlib.pyplot as plt

    from linkages.outcomes import MEASURES

    fig, alt = fig_alt
    texts = _figure_texts(fig) + [alt]
    plt.close(fig)
    assert len(texts) > 3
    codes = [k for k in (*LEVERS, *MEASURES, *raw) if "_" in k or "." in k] + ["leave_one_out", "runs_per_set"]
    for t in texts:
        assert "_" not in t, t
        assert not [c for c in codes if c in t], t


def test_attribution_adds_up(small, model):
    lev = {**{k: 0.0 for k in LEVERS}, "identification": 1.0, "case_conference": 1.0, "pooled_funding": 1.0}
    for step in model.attribution_steps(small, lev):
        step()
    df = model.attribution(small, lev)
    fc = df[df["measure"] == "foster_care_months"]
    assert set(fc["lever"]) == {"identification", "case_conference", "pooled_funding", "interaction"}
    assert fc["contribution"].sum() == pytest.approx(fc["total_difference"].iloc[0])
    assert model.attribution(small, {k: 0.0 for k in LEVERS}) is None


def test_attribution_figure_explains_the_remainder_in_plain_words(small, model):
    from linkages.outcomes import attribution_figure

    lev = {**{k: 0.0 for k in LEVERS}, "identification": 1.0, "case_conference": 1.0, "pooled_funding": 1.0}
    for step in model.attribution_steps(small, lev):
        step()
    df = model.attribution(small, lev)
    for m in C.ATTRIBUTION_MEASURES:
        d = df[df["measure"] == m]
        if not np.isfinite(d["share"]).all():
            continue
        fig, alt = attribution_figure(df, m)
        ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert {"Shared-client identification", "Joint case conference / liaison", "Flexible (pooled) funding"} <= set(ticks)
        rest = float(d.loc[d["lever"] == "interaction", "share"].iloc[0])
        label = "Counted in more than one share" if rest < 0 else "Carried by no single practice"
        assert label in ticks and label in alt
        total = 100 * (1 - rest)
        assert f"add up to {'only ' if rest > 0 else ''}{total:.0f}%" in alt  # the separate shares' sum
        assert "what the scenario loses when that practice alone is switched off" in alt
        note = " ".join(_figure_texts(fig)).replace("\n", " ")
        assert "switched off" in note  # explained on the figure too, not only in the alt text
        _assert_display_names((fig, alt))


def test_outcome_and_cost_figures_speak_in_display_names(small, model):
    from linkages.outcomes import outcomes_figure

    lev = {**ALL, "linked_plan": 0.6}
    cmp = model.compare(small, lev)
    _assert_display_names(outcomes_figure(cmp))
    _assert_display_names(C.cost_figure(C.numbers_table(cmp)))
    chart = OutcomesChart()
    alt, title = chart.update(cmp)
    _assert_display_names((chart.fig, alt))


def test_plural_scenario_names_read_right(small, model):
    from linkages.outcomes import outcomes_figure

    cmp = model.compare(small, ALL)
    named = type(cmp)(cmp.baseline, cmp.scenario.with_(name="linked plans and case conferences"), cmp.seeds,
                      cmp.interval, cmp.baseline_runs, cmp.scenario_runs, [], [], cmp.n_households)
    fig, alt = outcomes_figure(named)
    title = fig.axes[0].get_title().replace("\n", " ")
    assert title.startswith("Linked plans and case conferences: ")  # no verb agrees with the name
    n = int(re.search(r": (\d+) of \d+ rated measures (improves?) ", title).group(1))
    assert (" improves " in title) == (n == 1)


def test_sensitivity_builds_a_tornado_table(model, monkeypatch):
    monkeypatch.setattr(C, "SENSITIVITY_BUDGET", 150)  # one paired run per setting
    tiny = C.caseload_for(C.STATEWIDE, 150)
    lev = {**{k: 0.0 for k in LEVERS}, "identification": 1.0, "case_conference": 1.0}
    seen = []
    for step in model.sensitivity_steps(tiny, lev, progress=lambda i, n: seen.append((i, n))):
        step()
    sens = model.sensitivity(tiny, lev)
    names = C.sensitivity_parameters(lev)
    assert seen[-1] == (len(names), len(names))
    assert set(sens["parameter"]) == set(names)
    assert "levers.case_conference.removal_reduction" in names
    assert not any(n.endswith("staff_hours_per_family_month") for n in names)
    from linkages.outcomes import tornado_figure

    r = X.render("t", tornado_figure(sens, "foster_care_months"))
    assert r.png.startswith(b"\x89PNG") and "Tornado" in r.alt
    _assert_display_names(tornado_figure(sens, "foster_care_months"), names)


def test_cost_figure_and_assumptions(small, model):
    nums = C.numbers_table(model.compare(small, ALL))
    r = X.render("costs", C.cost_figure(nums))
    assert r.png.startswith(b"\x89PNG")
    assert "Foster care cost" in r.alt and "public cost" in r.title
    a = C.assumptions_table()
    assert {"parameter", "value", "status", "source"} <= set(a.columns)
    assert (a["status"] == "assumption").any() and (a["status"] == "sourced").any()
    assert a["parameter"].iloc[0].startswith("model.levers.")


# --- export --------------------------------------------------------------------------------

def test_summary_page_is_self_contained(small, model):
    nums = C.numbers_table(model.compare(small, ALL))
    fig = X.render("costs", C.cost_figure(nums))
    page = X.summary_page("County caseload what-if", ["Sentence one.", "Sentence <two> & more."], figures=[fig],
                          tables=[("Numbers", C.numbers_html(nums))])
    assert "Teaching illustration, not a forecast" in page
    assert "Sentence &lt;two&gt; &amp; more." in page
    assert "data:image/png;base64," in page
    assert not re.search(r"(src|href)=['\"]https?:", page) and "<script" not in page and "@import" not in page
    links = X.links_html(X.Bundle("whatif", [fig], [("numbers", "CSV", nums)], page))
    m = re.search(r'class="lk-download lk-dl-html" download="whatif_summary.html" href="data:text/html;charset=utf-8;base64,([^"]+)"', links)
    assert base64.b64decode(m.group(1)).decode() == page


# --- the widgets, driven without a browser ----------------------------------------------------

def _find(root, cls):
    out = []
    stack = [root]
    while stack:
        wd = stack.pop()
        if cls in getattr(wd, "_dom_classes", ()):
            out.append(wd)
        stack.extend(getattr(wd, "children", ()))
    return out[0] if out else None


@pytest.fixture
def page(monkeypatch):
    # a small default caseload keeps this test fast: the statewide default is the same code path
    monkeypatch.setattr(C, "default_size", lambda area: 300)
    monkeypatch.setattr(C, "ATTRIBUTION_BUDGET", 2_400)  # one run per leave-one-out set
    real = C.caseload_for
    monkeypatch.setattr(C, "caseload_for", lambda area, size: real(area, 300 if area == C.STATEWIDE and str(size) == "10000" else size))
    return C.build_app(C.WhatIf())


def test_app_controls(page):
    numbers, size, size_msg = _find(page, "lk-numbers"), _find(page, "lk-size"), _find(page, "lk-size-msg")
    assert "Permanency within 12 months" in numbers.value
    assert _find(page, "lk-fig-attribution").value.startswith("<img")  # steps ran (no event loop here)
    assert "lk-dl-csv" in _find(page, "lk-export").value
    before = numbers.value
    _find(page, "lk-on-case_conference").value = False
    assert numbers.value != before
    after_lever = numbers.value
    for bad in ("abc", "0"):
        size.value = bad
        assert "lk-problem" in size_msg.value
        assert numbers.value == after_lever  # nothing else changed
        assert _find(page, "lk-on-case_conference").value is False  # the visitor's setting is kept
    size.value = "250"
    assert size_msg.value == "" and "250 households" in _find(page, "lk-caseload").value
    txt, msg = _find(page, "lk-strength-text-linked_plan"), _find(page, "lk-strength-msg-linked_plan")
    slider = _find(page, "lk-strength-linked_plan")
    cur = numbers.value
    txt.value = "1.5"
    assert "outside" in msg.value and slider.value == 1.0 and numbers.value == cur
    txt.value = "0.4"
    assert msg.value == "" and slider.value == pytest.approx(0.4) and numbers.value != cur
    slider.value = 0.7
    assert txt.value == "0.70"
    assert _find(page, "lk-status").value == ""


def test_everything_off_still_draws(page):
    _find(page, "lk-all-off").click()
    assert "No practice is switched on" in _find(page, "lk-summary").value
    assert "Switch a practice on" in _find(page, "lk-fig-attribution").value
    _find(page, "lk-sens-button").click()
    assert _find(page, "lk-fig-tornado").value.startswith("<img")
    _find(page, "lk-attr-measure").value = "permanency_12"
    assert _find(page, "lk-status").value == ""
    _find(page, "lk-all-on").click()
    assert "With every Linkages practice" in _find(page, "lk-summary").value
    assert _find(page, "lk-fig-tornado").value == ""  # the tornado was for the old setting


# --- the short cut: scenario runs step only the households they reach ---------------------------

SETTINGS = [ALL, {**ALL, "identification": 0.0}, {"identification": 0.4, "linked_plan": 0.7},
            {"case_conference": 1.0}, {"identification": 1.0}]


def test_subset_runs_equal_full_runs(small):
    """Bit for bit: every record of every household, and so every measure."""
    from linkages.outcomes import run_measures
    from linkages.outcomes.subset import SubsetRunner
    from linkages.simulate import ModelParams, Scenario, prepare, replicate_seeds
    from linkages.simulate.engine import RECORD_FIELDS, run_vectorised
    from linkages.simulate.levers import validate_levers

    start = C.start_date()
    P = ModelParams.load(start)
    cl = prepare(small.households, small.activities, start, C.MONTHS, P)
    seeds = replicate_seeds(C.SEED, 2)
    runner = SubsetRunner(cl, P)
    assert all(runner.prepare(s) for s in seeds)
    reached = []
    for lev in SETTINGS:
        for s in seeds:
            full = run_vectorised(cl, validate_levers(lev), P, s)
            part = runner.run(lev, s)
            for k in RECORD_FIELDS:
                assert np.array_equal(full[k], part[k]), (lev, s, k)
            reached.append(runner.last_reached)
        sc = Scenario(levers=lev, months=C.MONTHS, seed=C.SEED)
        want, _, _ = run_measures(small.households, sc, seeds, start=start, activities=small.activities,
                                  caseload=cl, keep_monthly=False)
        assert runner.measures(sc, seeds, small.households).equals(want)
    assert 0 < min(reached) and max(reached) < 0.6  # the short cut really skipped most households


def test_subset_runs_with_only_some_seeds_prepared(small):
    """While the page prepares the short cut seed by seed, an update mixes the two: the prepared
    seeds stepped together, the others in full runs — the same numbers either way."""
    from linkages.outcomes import run_measures
    from linkages.outcomes.subset import SubsetRunner
    from linkages.simulate import ModelParams, Scenario, prepare, replicate_seeds

    start = C.start_date()
    P = ModelParams.load(start)
    cl = prepare(small.households, small.activities, start, C.MONTHS, P)
    seeds = replicate_seeds(C.SEED, 3)
    runner = SubsetRunner(cl, P)
    assert runner.prepare(seeds[1])
    sc = Scenario(levers=ALL, months=C.MONTHS, seed=C.SEED)
    want, _, _ = run_measures(small.households, sc, seeds, start=start, activities=small.activities, caseload=cl,
                              keep_monthly=False)
    assert runner.measures(sc, seeds, small.households).equals(want)
    assert runner.prepare(seeds[0]) and runner.prepare(seeds[2])
    assert runner.measures(sc, seeds, small.households).equals(want)
    assert runner.measures(sc, seeds[::-1], small.households).equals(want.iloc[::-1].reset_index(drop=True))
    with pytest.raises(ValueError, match="not the caseload"):
        runner.measures(sc, seeds, small.households.head(5))


def test_subset_falls_back_when_its_check_fails(small, monkeypatch):
    """If marking every shared family identified changed a baseline path, no short cut is taken."""
    from linkages.outcomes import subset as U
    from linkages.simulate import ModelParams, prepare
    from linkages.simulate.engine import run_vectorised
    from linkages.simulate.levers import validate_levers

    start = C.start_date()
    P = ModelParams.load(start)
    cl = prepare(small.households.head(120), small.activities, start, 12, P)
    real = U.run_vectorised

    def meddled(cl_, levers, P_, seed, draws=None, force_identified=None):
        rec = real(cl_, levers, P_, seed, draws=draws, force_identified=force_identified)
        if force_identified is not None:
            rec["grant"][3, 0] += 1.0
        return rec

    monkeypatch.setattr(U, "run_vectorised", meddled)
    runner = U.SubsetRunner(cl, P)
    assert runner.prepare(7) is False
    out = runner.run(ALL, 7)
    assert runner.last_reached == 1.0
    assert np.array_equal(out["status"], run_vectorised(cl, validate_levers(ALL), P, 7)["status"])


def test_what_if_numbers_are_the_same_with_and_without_the_short_cut(small):
    a, b = C.WhatIf(), C.WhatIf()
    for st in a.shortcut_steps(small):
        st()
    assert all(a.entry(small).runner.prepared(s) for s in a.entry(small).seeds)
    assert not any(b.entry(small).runner.prepared(s) for s in b.entry(small).seeds)
    for lev in SETTINGS[:3]:
        assert C.numbers_table(a.compare(small, lev)).equals(C.numbers_table(b.compare(small, lev)))


# --- the outcomes chart, kept and redrawn in place --------------------------------------------------

def _pixels(png: bytes):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_outcomes_chart_redrawn_in_place_is_the_full_picture(small, model):
    one, two = model.compare(small, ALL), model.compare(small, {**ALL, "identification": 0.3, "linked_plan": 0.4})
    chart = OutcomesChart()
    chart.update(one)
    first = chart.png()
    fig = chart.fig
    alt, title = chart.update(two)
    assert chart.fig is fig  # not rebuilt
    blitted = chart.png()
    fresh = OutcomesChart()
    assert fresh.update(two) == (alt, title)
    full = fresh.png(blit=False)
    a, b = _pixels(blitted), _pixels(full)
    assert a.shape == b.shape
    assert np.abs(a - b).mean() < 0.5 and (np.abs(a - b).max(axis=2) > 40).mean() < 0.002
    assert np.abs(_pixels(first) - a).max(axis=2).mean() > 0  # the picture did change
    assert blitted.startswith(b"\x89PNG") and len(blitted) < 30_000  # a small palette PNG


# --- the page --------------------------------------------------------------------------------------

def test_strength_controls_have_names_with_the_practice():
    names = C.accessible_names()
    assert len(names) == 2 * len(LEVERS)
    assert names["lk-strength-linked_plan"] == ("slider", "Strength of linked case plan")
    assert names["lk-strength-text-linked_plan"][1].startswith("Strength of linked case plan")
    js = C.accessible_names_js()
    for cls, (role, label) in names.items():
        assert cls in js and label in js
    assert "aria-label" in js and "MutationObserver" in js and "http" not in js


def test_an_update_sends_the_numbers_before_the_downloads(page):
    """Phase 1 carries the numbers and a one-line placeholder; the downloads (figures and the
    summary embedded, a large payload) follow once, after the figures."""
    seen = []
    for cls in ("lk-numbers", "lk-fig-outcomes", "lk-export"):
        _find(page, cls).observe(lambda c, cls=cls: seen.append((cls, len(c["new"]))), "value")
    _find(page, "lk-strength-case_conference").value = 0.5
    order = [c for c, _ in seen]
    assert order[0] == "lk-numbers"
    assert seen[order.index("lk-export")] == ("lk-export", len(C.DOWNLOADS_PENDING))
    assert order.index("lk-fig-outcomes") < len(order) - 1 - order[::-1].index("lk-export")
    assert order.count("lk-export") == 2 and seen[-1][0] == "lk-export" and seen[-1][1] > 10_000
