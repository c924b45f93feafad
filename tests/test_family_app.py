"""The family simulator's logic without a browser: a cast family or a described one → the week,
the 24-month bands, the sentences, the downloads; and the widget callbacks."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pandas as pd
import pytest

from linkages.ui import export as X
from linkages.ui import family_app as F


@pytest.fixture(scope="module")
def linh():
    return F.family_result(F.cast_family("CAST-000004"))


def test_cast_choices_name_the_family_and_its_vignette():
    ch = F.cast_choices()
    assert len(ch) == 12
    label, hid = ch[0]
    assert hid == "CAST-000001" and label.startswith("Maribel (Alameda) — Maribel, 29,")
    assert any(lab.startswith("Darnell and Keisha") for lab, _ in ch)
    assert F.DEFAULT_FAMILY in dict((v, k) for k, v in ch)


def test_the_week_separate_and_linked(linh):
    t = F.hours_table(linh).set_index("plans")
    sep, lnk = t.loc["separate plans"], t.loc["linked plan"]
    assert sep["hours_asked_per_week"] > lnk["hours_asked_per_week"]
    assert sep["double_bookings"] >= lnk["double_bookings"]
    assert sep["hours_asked_per_week"] == pytest.approx(sep["activity_hours"] + sep["travel_hours"], abs=0.11)
    s = F.summary_sentences(linh)
    assert s[0].startswith(f"Under separate plans she is asked for {sep['hours_asked_per_week']:g} hours a week")
    cal = F.calendar_png(linh, "separate")
    assert cal.png.startswith(b"\x89PNG") and "Double-booked" in cal.alt
    assert cal.title.startswith("Separate plans:") and "linked plan" in cal.title
    assert F.calendar_png(linh, "linked").title.startswith("Linked plan:")


def test_bands_over_replicate_runs(linh):
    assert linh.replicates == F.REPLICATES == 30
    g = linh.bands["separate"]["grant"]
    assert g.shape == (30, F.MONTHS)
    assert len(np.unique(g.sum(axis=1))) > 1  # the runs differ: each copy draws its own numbers
    p = F.paths_table(linh)
    assert len(p) == F.MONTHS
    for path in ("separate", "linked"):
        for what in ("grant", "sanctioned", "children_in_care", "reunified"):
            lo, m, hi = (p[f"{path}_{what}_{x}"] for x in ("low", "mean", "high"))
            assert ((lo <= m + 1e-9) & (m <= hi + 1e-9)).all()
    # linking helps Linh: fewer months sanctioned on average
    assert linh.bands["linked"]["sanctioned"].sum(axis=1).mean() < linh.bands["separate"]["sanctioned"].sum(axis=1).mean()
    fig = X.render("paths", F.path_figure(linh))
    assert "30 runs" in fig.alt and fig.title


def test_another_family_other_numbers(linh):
    tasha = F.family_result(F.cast_family("CAST-000003"))
    assert F.summary_sentences(tasha) != F.summary_sentences(linh)
    assert not F.hours_table(tasha).equals(F.hours_table(linh))
    assert any("come home" in s for s in F.summary_sentences(tasha))


def test_results_are_cached_and_reproducible(linh):
    again = F.family_result(F.cast_family("CAST-000004"))
    assert again is linh
    F._RESULTS.clear()
    fresh = F.family_result(F.cast_family("CAST-000004"))
    assert np.array_equal(fresh.bands["linked"]["grant"], linh.bands["linked"]["grant"])


def test_describe_a_family():
    f = F.describe_family(2, "1, 4, 9", "Fresno", "non_compliant", "family_maintenance",
                          ["substance_use", "transportation"])
    hh = f.households
    assert len(hh) == 1 and hh["n_children"].iloc[0] == 3 and hh["children_ages"].iloc[0] == "1;4;9"
    assert hh["in_calworks"].iloc[0] and hh["in_cws"].iloc[0] and hh["substance_use"].iloc[0]
    assert set(f.activities["plan"]) == {"wtw", "cws"}
    res = F.family_result(f)
    s = " ".join(F.summary_sentences(res))
    assert "they are asked for" in s.lower() or "they have only" in s.lower()
    removed = F.family_result(F.describe_family(1, "2", "Kern", "participating", "family_reunification", []))
    assert removed.bands["separate"]["children_in_care"][:, 0].mean() > 0.9
    assert removed.story.household["cw_component"] == "family_reunification"


@pytest.mark.parametrize("ages, words", [("", "at least one child"), ("two", "'two' is not an age"),
                                         ("3, 19", "19 is not a child's age"), ("1,2,3,4,5,6,7", "Up to 6")])
def test_bad_ages_are_sentences(ages, words):
    with pytest.raises(F.InputError, match=words) as e:
        F.describe_family(1, ages, "Kern", "participating", "none", [])
    assert e.value.field == "ages"


def test_neither_program_is_refused():
    with pytest.raises(F.InputError, match="neither program") as e:
        F.describe_family(1, "3", "Kern", "none", "none", [])
    assert e.value.field == "cws"


def test_assumptions_are_labelled():
    a = F.assumptions_table()
    assert (a["status"] == "assumption").any()
    assert a["parameter"].str.startswith("model.levers.").any()


# --- the widgets, driven without a browser ----------------------------------------------------

def _find(root, cls):
    stack = [root]
    while stack:
        wd = stack.pop()
        if cls in getattr(wd, "_dom_classes", ()):
            return wd
        stack.extend(getattr(wd, "children", ()))
    return None


def _links(html: str) -> dict[str, bytes]:
    return {name: base64.b64decode(data) for name, data in
            re.findall(r'download="([^"]+)" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"', html)}


def test_app_controls():
    page = F.build_app()
    summary, family = _find(page, "lk-summary"), _find(page, "lk-family")
    assert family.value == F.DEFAULT_FAMILY
    assert "Under separate plans she is asked for" in summary.value
    files = _links(_find(page, "lk-export").value)
    week = pd.read_csv(io.BytesIO(files["family_linh_week.csv"]))
    assert week["hours_asked_per_week"].tolist() == F.hours_table(F.family_result(F.cast_family(F.DEFAULT_FAMILY)))[
        "hours_asked_per_week"].tolist()
    first = re.sub("<[^>]+>", "", summary.value.split("</p>")[0].split("<p>")[1])
    assert first.replace("&#x27;", "'") in files["family_linh_summary.html"].decode().replace("&#x27;", "'")
    assert files["family_linh_calendar_separate.png"].startswith(b"\x89PNG")

    before = summary.value
    family.value = "CAST-000003"
    assert summary.value != before and "Tasha" in summary.value
    hours = _find(page, "lk-hours-box")
    assert "<tr class='lk-current'><td>separate plans" in hours.value
    _find(page, "lk-mode").value = "linked"
    assert "<tr class='lk-current'><td>linked plan" in hours.value
    assert "calendar_linked.png" in _find(page, "lk-export").value

    _find(page, "lk-source").value = "describe"
    described = summary.value
    ages, msg = _find(page, "lk-ages"), _find(page, "lk-ages-msg")
    ages.value = "2, seven"
    assert "not an age" in msg.value and summary.value == described
    assert _find(page, "lk-county").value == "Alameda"  # the rest the visitor set is kept
    ages.value = "5"
    assert msg.value == "" and summary.value != described
    _find(page, "lk-calworks").value = "none"
    _find(page, "lk-cws").value = "none"
    assert "neither program" in _find(page, "lk-cws-msg").value
    assert _find(page, "lk-status").value == ""


# --- what the summary and the figures say -----------------------------------------------------

RUN_LEADS = ("Across 30 runs, ", "Of the runs in which they are removed, ", "In one of these 30 runs (an example, not an "
             "average), ", "In the same run, ")


@pytest.mark.parametrize("hid", ["CAST-000003", "CAST-000004", "CAST-000006"])
def test_every_sentence_says_whether_it_is_the_week_an_average_or_one_run(hid):
    res = F.family_result(F.cast_family(hid))
    groups = F.summary_groups(res)
    (_, week), (avg_head, avg), (one_head, one) = groups
    assert "30 runs" in avg_head and "an example" in one_head
    assert F.summary_sentences(res) == week + avg + one
    assert all(s.startswith(RUN_LEADS[:2]) for s in avg) and avg
    assert one[0].startswith(RUN_LEADS[2]) and all(s.startswith(RUN_LEADS[3]) for s in one[1:])
    assert not any(s.startswith(RUN_LEADS) for s in week)
    # the one run told is the first replicate: its months sanctioned are those of the bands' run 1
    ms = int(res.bands["separate"]["sanctioned"][0].sum())
    if ms:
        assert f"sanctioned in {ms} of {F.MONTHS} months" in one[0]


def test_average_sentences_follow_the_numbers(linh):
    b = linh.bands
    s_sanc, l_sanc = b["separate"]["sanctioned"].sum(axis=1).mean(), b["linked"]["sanctioned"].sum(axis=1).mean()
    text = " ".join(F.summary_sentences(linh))
    assert f"sanctioned in {s_sanc:.1f} of 24 months on average under separate plans and {l_sanc:.1f}" in text
    removed = {p: (b[p]["children_in_care"].max(axis=1) > 0) | (b[p]["reunified"][:, -1] > 0) for p in b}
    assert f"removed at some point in {100 * removed['separate'].mean():.0f}% of runs" in text
    # home again: a share of the runs with a removal, not of all runs
    for p in ("separate", "linked"):
        share, n = F.home_again(linh, p)
        assert n[-1] == removed[p].sum()
        if n[-1]:
            home = (b[p]["reunified"][:, -1] > 0) & removed[p]
            assert share[-1] == pytest.approx(home.sum() / removed[p].sum())
    words = f"{100 * F.home_again(linh, 'separate')[0][-1]:.0f}% of the {int(F.home_again(linh, 'separate')[1][-1])}"
    assert words in text and words in F.path_figure(linh)[1]
    table = F.paths_table(linh)
    assert (table["separate_runs_removed"].diff().fillna(0) >= 0).all()  # removed by then: never fewer later
    got = table["separate_home_again_of_removed_mean"].dropna()
    assert ((got >= 0) & (got <= 1)).all()


def test_the_week_in_words_and_what_moved(linh):
    caption, week = F.week_story(linh, "linked")
    assert caption.startswith("Moved so nothing clashes: Family therapy moved from Wednesday 17:00")
    assert "_" not in caption + week and "Monday:" in week
    sep_caption, _ = F.week_story(linh, "separate")
    assert sep_caption.startswith("Double-booked: Wednesday 17:00: job search (welfare-to-work) and family therapy")
    for mode in ("separate", "linked"):
        cal = F.calendar_png(linh, mode)
        assert "_" not in cal.alt and len(cal.alt) <= 900 and "\n" not in cal.alt
    assert "Moved so nothing clashes" in F.calendar_png(linh, "linked").alt
    evelyn = F.family_result(F.cast_family("CAST-000006"))  # a case plan only: nothing to link
    assert F.week_story(evelyn, "linked")[0].startswith("With only one program's plan there is nothing to link")
    assert "nothing to link" in F.calendar_png(evelyn, "linked").title


def test_kept_figure_frames_draw_what_new_figures_draw(linh):
    from PIL import Image

    from linkages.plans import calendar_figure

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    def screen(png):
        """A full-colour PNG in the simulator's 256 colours (the same quantizer, so the same
        picture gives the same pixels)."""
        rgb = Image.open(io.BytesIO(png)).convert("RGB")
        return np.asarray(rgb.quantize(256, method=Image.Quantize.FASTOCTREE).convert("RGB"))

    tasha = F.family_result(F.cast_family("CAST-000003"))  # 8:00-20:00, and a linked week with moves
    maribel = F.family_result(F.cast_family("CAST-000001"))  # 8:00-17:00
    # each drawing reuses the figure the one before left behind; the calendar pastes a frame
    # (hours, days, legend) drawn for an earlier family when it has one: tasha's, at the end
    for res in (tasha, linh, maribel, tasha):
        kept = F._path_png(res)
        assert np.array_equal(pixels(kept.png), screen(X.render("paths", F.path_figure(res)).png))
        for mode in ("separate", "linked"):
            got = F.calendar_png(res, mode)
            plan = res.story.linked_plan if mode == "linked" else res.story.wtw_plan + res.story.cws_plan
            fig, alt = calendar_figure(plan, title=got.title, tight=False, size=F.CALENDAR_SIZE,
                                       margins=F.CALENDAR_MARGINS)
            fig.axes[0].set_title("")
            assert np.array_equal(pixels(got.png), screen(X.render("x", (fig, alt)).png)) and got.alt == alt
    frames = F._WEEKS["week"]._bgs
    assert 3 <= len(frames) <= F._WEEKS["week"].KEEP_FRAMES  # pasted, not drawn again


def test_toggle_buttons_say_their_group_and_choice():
    page = F.build_app()
    for cls, group in (("lk-source", "Family"), ("lk-adults", "Adults"), ("lk-mode", "Show the week as")):
        toggle = _find(page, cls)
        assert toggle.description == group  # the visible label
        assert f'.{cls} .widget-toggle-button::before {{content: "" / "{group}: "}}' in F.STYLE
        assert f".{cls} .widget-toggle-button.mod-active::before" in F.STYLE
    assert '"\\2713\\00a0"' in F.STYLE and "\x00" not in F.STYLE  # a tick and a space, as CSS escapes
    week_text = _find(page, "lk-week-text")
    assert "Moved so nothing clashes" not in week_text.value  # the separate plans are shown first
    assert "Double-booked: Wednesday 17:00" in week_text.value and "The week in words" in week_text.value
    _find(page, "lk-mode").value = "linked"
    assert "Moved so nothing clashes" in week_text.value
    summary = _find(page, "lk-summary").value
    assert summary.count("<h4>") == 2 and "Averages over 30 runs" in summary
