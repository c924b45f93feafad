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


def test_self_assessment_widgets_without_a_browser(tmp_path):
    from linkages.ui.self_assessment_app import build_app

    def find(w, cls, out):
        if cls in getattr(w, "_dom_classes", ()):
            out.append(w)
        for c in getattr(w, "children", ()):
            find(c, cls, out)
        return out

    store = AnswerStore(tmp_path)
    app = build_app(store)
    one = lambda cls: find(app, cls, [])[0]  # noqa: E731
    one("lk-item-team_cochairs").value = 2          # before a county: kept on screen
    one("lk-county").value = "Yolo"                 # ... and carried to the county
    assert store.load("Yolo").answers == {"team_cochairs": 2}
    one("lk-session").value = "B"                   # a new session starts from what is on screen
    one("lk-item-policy_case_plans").value = 0
    assert store.load("Yolo", "B").answers == {"team_cochairs": 2, "policy_case_plans": 0}
    one("lk-make-plan").click()
    assert "lk-plan-csv" in one("lk-plan-links").value
    again = build_app(store)
    find(again, "lk-session", [])[0].value = "B"
    find(again, "lk-county", [])[0].value = "Yolo"
    assert find(again, "lk-item-policy_case_plans", [])[0].value == 0
    assert "Loaded 2 saved answers" in find(again, "lk-saved", [])[0].value
