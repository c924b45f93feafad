"""The synthetic county survey, the readiness items, next steps, the work plan and the store."""

from __future__ import annotations

import csv
import io
import json

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from linkages.params import value  # noqa: E402
from linkages.survey import (  # noqa: E402
    LEVELS,
    PRACTICES,
    AnswerError,
    AnswerStore,
    adoption_by,
    adoption_figure,
    adoption_rates,
    catalogue,
    county_profile,
    next_steps,
    practice_levels,
    profile_figure,
    synthetic_survey,
    validate_answers,
    work_plan,
    work_plan_csv,
    work_plan_html,
)


@pytest.fixture(scope="module")
def survey():
    return synthetic_survey(seed=3)


def test_survey_covers_the_58_counties_and_says_it_is_synthetic(survey):
    assert sorted(survey.county) == sorted(value("calworks.counties", "2025-01-01"))
    assert len(survey) == 58
    assert survey.data_source.str.startswith("SYNTHETIC").all()
    assert survey.attrs["synthetic"] is True
    assert "not found" in survey.attrs["note"]
    for k in PRACTICES:
        assert list(survey[k].cat.categories) == list(LEVELS)


def test_survey_is_seeded(survey):
    pd.testing.assert_frame_equal(survey, synthetic_survey(seed=3))
    assert not survey.equals(synthetic_survey(seed=4))


def test_adoption_helpers(survey):
    r = adoption_rates(survey)
    assert set(r.index) == set(PRACTICES) and r.between(0, 1).all()
    assert (adoption_rates(survey, "planning") >= r).all()
    by = adoption_by(survey, "size_band")
    assert by.loc["counties"].sum() == 58
    assert set(by.columns) == {"large", "medium", "small"}
    assert adoption_by(survey, "map_region").loc["counties"].sum() == 58
    with pytest.raises(ValueError, match="Group counties by"):
        adoption_by(survey, "colour")
    assert by.attrs["synthetic"] and r.attrs["synthetic"]
    fig, alt = adoption_figure(survey, "map_region")
    assert fig._suptitle.get_text().startswith("Synthetic survey") and alt.startswith("Grouped bar chart from a SYNTHETIC")


def test_county_profile_beside_peers(survey):
    p = county_profile(survey, "tehama")  # case does not matter
    assert len(p) == len(PRACTICES)
    assert p.peers.iloc[0] == (survey.size_band == "small").sum() - 1
    assert p.data_source.str.startswith("SYNTHETIC").all()
    with pytest.raises(ValueError, match="58 counties"):
        county_profile(survey, "Atlantis")
    fig, alt = profile_figure(p, title_county="Tehama")
    assert fig._suptitle.get_text().startswith("Synthetic survey")
    assert "SYNTHETIC" in alt and "Tehama" in alt


def test_catalogue_follows_the_road_map_and_work_plan_shape():
    c = catalogue()
    assert [s.order for s in c.road_map] == sorted(s.order for s in c.road_map)
    assert c.road_map[0].title.lower().startswith("build the implementation team")
    assert len(c.topics) == 12 and len(c.categories) == 3
    for s in c.road_map:  # every step has at least one item
        assert any(i.step == s.id for i in c.items), s.id
    for t in c.topics:
        assert any(i.topic == t.id for i in c.items), t.id
    assert {i.practice for i in c.items if i.practice} == set(PRACTICES)


def test_next_steps_walk_the_road_map_in_order():
    everything = {i.id: 3 for i in catalogue().items}
    assert next_steps(everything) == []
    a = dict(everything, team_members=1, policy_case_plans=0)
    steps = next_steps(a, n=5)
    assert [s["item"] for s in steps] == ["team_members", "policy_case_plans"]
    assert steps[0]["step"] == "Build the implementation team"


def test_answers_are_checked():
    assert validate_answers({"team_cochairs": "2", "team_members": None}) == {"team_cochairs": 2}
    with pytest.raises(AnswerError, match="not one of the readiness items"):
        validate_answers({"nope": 1})
    with pytest.raises(AnswerError, match="0–3"):
        validate_answers({"team_cochairs": 7})


def test_work_plan_export_contains_the_answers():
    a = {"team_cochairs": 3, "target_count": 2, "policy_case_plans": 0}
    rows = work_plan(a, "Tehama")
    assert len(rows) == 12 and len({r["category"] for r in rows}) == 3
    text = work_plan_csv(a, "Tehama", "March workshop")
    lines = list(csv.DictReader(io.StringIO(text)))
    answered = {(r["readiness item"], r["answer"]) for r in lines if r["readiness item"]}
    c = catalogue()
    for iid, v in a.items():
        item = next(i for i in c.items if i.id == iid)
        assert (item.text, c.label(v)) in answered
    h = work_plan_html(a, "Tehama", "March workshop", goal="Reach shared families sooner")
    assert "Tehama" in h and "Reach shared families sooner" in h and "SYNTHETIC" in h
    assert "Partly in place" in h and "Not started" in h
    assert practice_levels(a) == {"data_match": 2 / 3, "linked_case_plans": 0.0}


def test_work_plan_csv_is_one_tidy_row_per_item():
    from linkages.survey.readiness import CSV_COLUMNS

    c = catalogue()
    a = {"team_cochairs": 3, "target_count": 2, "policy_case_plans": 0}
    df = pd.read_csv(io.StringIO(work_plan_csv(a, "Tehama", "March workshop")), dtype=str, keep_default_na=False)
    assert tuple(df.columns) == CSV_COLUMNS
    assert len(df) == len(c.items) == 25 and df["item id"].tolist() == [
        i.id for t in c.topics for i in c.items if i.topic == t.id]
    assert (df != "").all().all(), "no blank cells: every row is an item with its topic beside it"
    topic_of = {i.id: c.topic(i.topic).title for i in c.items}
    assert all(df["topic area"] == df["item id"].map(topic_of))
    assert df.groupby("topic area")["topic status"].nunique().max() == 1  # a topic's columns agree
    row = df.set_index("item id")
    assert row.loc["team_cochairs", "answer"] == "In place"
    assert row.loc["team_cochairs", "action step"].startswith("Keep it in place")
    assert row.loc["policy_case_plans", "answer"] == "Not started"
    assert row.loc["policy_case_plans", "action step"] == next(i.next_step for i in c.items if i.id == "policy_case_plans")
    assert row.loc["team_members", "answer"] == "Not answered"


def test_store_keeps_answers_between_visits(tmp_path):
    st = AnswerStore(tmp_path)
    st.save("San Luis Obispo", "team A", {"team_cochairs": 2}, goal="g")
    again = AnswerStore(tmp_path).load("San Luis Obispo", "team A")
    assert again.answers == {"team_cochairs": 2} and again.goal == "g"
    assert AnswerStore(tmp_path).load("San Luis Obispo", "team B") is None
    (tmp_path / "bad-x.json").write_text("{not json")
    with pytest.raises(AnswerError, match="could not be read"):
        st.load("bad", "x")
    assert json.loads(st.path("San Luis Obispo", "team A").read_text())["county"] == "San Luis Obispo"


def test_simulator_notebook_is_thin_clean_and_runs(tmp_path, monkeypatch):
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("LINKAGES_SELF_ASSESSMENT_DIR", str(tmp_path / "answers"))
    path = Path(__file__).resolve().parents[1] / "simulators" / "self_assessment.ipynb"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and all(not c.get("outputs") for c in code)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outs = code[0].outputs
    assert not [o for o in outs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outs)


def _find(w, cls, out=None):
    out = [] if out is None else out
    if cls in getattr(w, "_dom_classes", ()):
        out.append(w)
    for c in getattr(w, "children", ()):
        _find(c, cls, out)
    return out


def _one(app, cls):
    return _find(app, cls)[0]


def test_self_assessment_widgets_without_a_browser(tmp_path):
    from linkages.ui.self_assessment_app import build_app

    store = AnswerStore(tmp_path)
    app = build_app(store)
    one = lambda cls: _one(app, cls)  # noqa: E731
    county = one("lk-county")
    assert county.value == "" and county.index == 0 and county.options[0][0] == "Choose a county…"  # not blank
    one("lk-item-team_cochairs").value = 2          # before a county: kept on screen
    county.value = "Yolo"                           # ... and carried to the county
    assert store.load("Yolo").answers == {"team_cochairs": 2}
    one("lk-session").value = "B"                   # a new session starts from what is on screen
    one("lk-item-policy_case_plans").value = 0
    assert store.load("Yolo", "B").answers == {"team_cochairs": 2, "policy_case_plans": 0}
    assert "?county=Yolo&amp;session=B" in one("lk-saved").value  # the link, after a save
    one("lk-make-plan").click()
    assert "lk-plan-csv" in one("lk-plan-links").value
    # a plain reload: the page opens on the county and session saved last, and says so
    again = build_app(store)
    assert _one(again, "lk-county").value == "Yolo" and _one(again, "lk-session").value == "B"
    assert _one(again, "lk-item-policy_case_plans").value == 0
    msg = _one(again, "lk-saved").value
    assert "Restored the answers for Yolo, session “B”, saved at" in msg
    assert store.load("Yolo", "B").updated.replace("T", " ") in msg
    assert "?county=Yolo&amp;session=B" in msg
    _one(again, "lk-session").value = ""            # switching loads, and offers the link too
    loaded = _one(again, "lk-saved").value
    assert "Loaded 1 saved answer for Yolo" in loaded and 'href="?county=Yolo"' in loaded
    assert _one(again, "lk-item-policy_case_plans").value is None
    # the address names a county: that wins over the latest
    store.save("Tehama", "", {"team_members": 1})
    import os

    os.environ["QUERY_STRING"] = "county=Yolo&session=B"
    try:
        third = build_app(store)
    finally:
        del os.environ["QUERY_STRING"]
    assert _one(third, "lk-county").value == "Yolo" and "Loaded 2 saved answers" in _one(third, "lk-saved").value


def test_store_merges_two_writers_changing_different_items(tmp_path):
    a, b = AnswerStore(tmp_path), AnswerStore(tmp_path)  # two windows, two stores, one folder
    a.update("Merced", "March", {"team_cochairs": 3})
    b.update("Merced", "March", {"team_members": 1})
    a.update("Merced", "March", goal="Find shared families sooner")
    b.update("Merced", "March", unset=["team_cochairs"], set_answers={"policy_case_plans": 2})
    got = AnswerStore(tmp_path).load("Merced", "March")
    assert got.answers == {"team_members": 1, "policy_case_plans": 2} and got.goal == "Find shared families sooner"
    assert not list(tmp_path.glob(".tmp-*"))  # atomic: no half-written files left


def _writer(folder, items):
    st = AnswerStore(folder)
    for i, item in enumerate(items):
        st.update("Merced", "", {item: i % 4})


def test_store_merges_concurrent_processes(tmp_path):
    """Two processes (two visitors' kernels) updating different items at once lose nothing."""
    import multiprocessing as mp

    items = [i.id for i in catalogue().items]
    halves = (items[::2], items[1::2])
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), h * 4)) for h in halves]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert set(AnswerStore(tmp_path).load("Merced").answers) == set(items)


def test_two_windows_on_one_county_keep_each_others_answers(tmp_path):
    from linkages.ui.self_assessment_app import build_app

    store = AnswerStore(tmp_path)
    w1, w2 = build_app(store, restore_latest=False), build_app(store, restore_latest=False)
    for w in (w1, w2):
        _one(w, "lk-county").value = "Merced"
    _one(w1, "lk-item-team_cochairs").value = 3
    _one(w2, "lk-item-team_members").value = 1
    assert store.load("Merced").answers == {"team_cochairs": 3, "team_members": 1}
    assert _one(w2, "lk-item-team_cochairs").value == 3  # window 2 now shows window 1's answer
    assert "1 answer saved from another window is shown too" in _one(w2, "lk-saved").value
    _one(w1, "lk-goal").value = "Our goal"
    _one(w2, "lk-item-team_members").value = 2
    assert store.load("Merced").goal == "Our goal"
    assert store.load("Merced").answers == {"team_cochairs": 3, "team_members": 2}


def test_clearing_asks_first_and_can_be_undone(tmp_path):
    from linkages.ui.self_assessment_app import build_app

    store = AnswerStore(tmp_path)
    app = build_app(store)
    one = lambda cls: _one(app, cls)  # noqa: E731
    one("lk-county").value = "Tehama"
    one("lk-item-team_cochairs").value = 3
    one("lk-item-target_count").value = 2
    one("lk-clear").click()
    assert one("lk-confirm").layout.display == ""  # asked, nothing cleared yet
    assert "Clear all 2 answers for Tehama?" in one("lk-confirm-text").value
    assert len(store.load("Tehama").answers) == 2
    one("lk-clear-no").click()
    assert one("lk-confirm").layout.display == "none" and len(store.load("Tehama").answers) == 2
    assert one("lk-item-team_cochairs").value == 3
    one("lk-clear").click()
    one("lk-clear-yes").click()
    assert store.load("Tehama").answers == {} and one("lk-item-team_cochairs").value is None
    assert store.backup("Tehama").answers == {"team_cochairs": 3, "target_count": 2}
    assert one("lk-restore").layout.display == ""
    # the backup outlives a reload: the reopened page offers it and restores it
    again = build_app(store)
    assert _one(again, "lk-restore").layout.display == ""
    _one(again, "lk-restore").click()
    assert store.load("Tehama").answers == {"team_cochairs": 3, "target_count": 2}
    assert _one(again, "lk-item-target_count").value == 2 and store.backup("Tehama") is None
    assert _one(again, "lk-restore").layout.display == "none"


def test_answer_buttons_name_their_item_and_say_which_is_chosen(tmp_path):
    from linkages.ui.self_assessment_app import STYLE, build_app, css_string

    app = build_app(AnswerStore(tmp_path), restore_latest=False)
    for item in catalogue().items:
        tb = _one(app, f"lk-item-{item.id}")
        assert all(t.startswith(item.text) for t in tb.tooltips) and len(tb.tooltips) == 4
        assert f'.lk-item-{item.id} .widget-toggle-button::before {{content: "" / {css_string(item.text + ": ")}}}' in STYLE
        assert (f'.lk-item-{item.id} .widget-toggle-button.mod-active::before {{content: "\\2713\\00a0" / '
                f'{css_string(item.text + ", chosen: ")}}}') in STYLE
    assert css_string('say "hi" \\ ok') == '"say \\"hi\\" \\\\ ok"'


def test_peer_chart_states_no_finding_without_practice_answers(survey):
    prof = county_profile(survey, "Merced")
    fig, alt = profile_figure(prof, own=practice_levels({"team_cochairs": 3}), title_county="Merced")
    title = fig._suptitle.get_text().replace("\n", " ")
    assert "answer the practice items" in title and "in step" not in title and "answer the practice items" in alt


def test_peer_chart_title_states_the_real_finding(survey):
    import numpy as np

    prof = county_profile(survey, "Merced")
    share = prof.peer_share_in_place.to_numpy()
    fig, _ = profile_figure(prof, own={k: 1.0 for k in PRACTICES}, title_county="Merced")
    title = fig._suptitle.get_text().replace("\n", " ")
    assert "Merced has all 8 practices in place" in title and "in step" not in title
    assert f"{share.min():.0%}–{share.max():.0%}" in title and f"median {np.median(share):.0%}" in title
    none, _ = profile_figure(prof, own={k: 0.0 for k in PRACTICES}, title_county="Merced")
    t0 = none._suptitle.get_text().replace("\n", " ")
    assert "Merced has 0 of 8 practices in place" in t0
    if share.max() >= 0.5:
        assert "most peers" in t0
