"""Grading, the fast parts (no kernel): the course specs, repair, collection, messages, the
in-notebook check, feedback and the cohort report."""

from __future__ import annotations

import copy
import json
import os
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from linkages.grading import authoring
from linkages.grading.check import check, run_checks
from linkages.grading.collect import collect, learner_id
from linkages.grading.course import Course, GradingError, kit_root
from linkages.grading.feedback import HIDDEN_FAILED, HIDDEN_PLACEHOLDER, plain_outputs
from linkages.grading.messages import error_line, hidden_regions, kind, plain_error, remove_hidden
from linkages.grading.repair import repair_notebook, repair_submission
from linkages.grading.report import difficulty, difficulty_figure, learner_totals
from linkages.grading.selfgrade import release_version

COURSE = kit_root() / "exercises"
MODULES = {1: "CalWORKs in brief", 2: "Child welfare services in brief", 3: "Shared families",
           4: "Coordinated case planning", 5: "Data systems and confidentiality", 6: "Flexible financing",
           7: "Organisational structures, change and training", 8: "Measuring outcomes and planning for your county"}


def specs():
    return [authoring.load_spec(p) for p in authoring.specs(COURSE)]


def source_nb(name):
    return nbformat.read(str(COURSE / "source" / name / f"{name}.ipynb"), as_version=4)


# --- the course -------------------------------------------------------------------------------

def test_one_assignment_per_module_with_the_module_titles():
    got = {s.module: s.title for s in specs()}
    assert got == MODULES
    assert Course(COURSE).assignments() == sorted(s.name for s in specs())


@pytest.mark.parametrize("spec", specs(), ids=lambda s: s.name)
def test_committed_notebook_and_rubric_are_what_the_spec_builds(spec):
    nb_text, rubric = authoring.render(spec)
    assert (COURSE / "source" / spec.name / f"{spec.name}.ipynb").read_text(encoding="utf-8") == nb_text, \
        "rebuild with: python -m linkages.grading.authoring exercises"
    assert (COURSE / "rubrics" / f"{spec.name}.md").read_text(encoding="utf-8") == rubric


@pytest.mark.parametrize("spec", specs(), ids=lambda s: s.name)
def test_every_assignment_has_tests_hidden_tests_and_a_rubric_graded_answer(spec):
    nb, rubrics = spec.notebook()
    kinds = [kind(c) for c in nb.cells]
    assert kinds.count("written") >= 1 and rubrics
    tests = [c for c in nb.cells if kind(c) == "test"]
    assert any("BEGIN HIDDEN TESTS" in c.source for c in tests)
    for c in tests:
        visible = remove_hidden(c.source)
        assert "assert" in visible, f"{c.metadata.nbgrader.grade_id} needs a visible check that fails on a blank answer"
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
    # every auto-graded question has typical wrong answers or is all-or-nothing by design
    assert sum(len(a.wrong) for a in spec.answers().values()) >= len(spec.answers())


@pytest.mark.parametrize("spec", specs(), ids=lambda s: s.name)
def test_rubric_points_add_up_and_mark_scheme_is_in_the_source_cell(spec):
    nb, rubrics = spec.notebook()
    cells = {c.metadata.nbgrader.grade_id: c for c in nb.cells if kind(c) == "written"}
    for r in rubrics:
        assert sum(p for p, _ in r.criteria) == r.points == cells[r.qid].metadata.nbgrader.points
        assert "Mark scheme" in cells[r.qid].source and r.model.split()[0] in cells[r.qid].source


def test_release_version_hides_solutions_model_answers_and_hidden_tests():
    for spec in specs():
        src = source_nb(spec.name)
        rel = release_version(src)
        text = json.dumps(rel.cells)
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN" not in text and "Mark scheme" not in text
        for a in spec.answers().values():
            assert a.solution not in text


# --- messages ---------------------------------------------------------------------------------

def test_plain_errors_are_sentences_without_tracebacks():
    assert plain_error("NameError", "name 'grant' is not defined").startswith("`grant` does not exist yet")
    assert "not been written" in plain_error("NotImplementedError", "")
    assert plain_error("AssertionError", "Give a number.") == "Give a number."
    assert plain_error("AssertionError", "") == "A check did not hold."
    assert "too long" in plain_error("CellTimeoutError", "")
    for e in ("TypeError", "KeyError", "ValueError", "ZeroDivisionError", "Weird"):
        msg = plain_error(e, "x" * 1000)
        assert "Traceback" not in msg and len(msg) < 400


def test_hidden_regions_and_error_lines():
    src = "assert a\n### BEGIN HIDDEN TESTS\nassert b == 3\n### END HIDDEN TESTS\nassert c"
    assert hidden_regions(src) == [(2, 4)]
    assert remove_hidden(src) == "assert a\nassert c"
    assert remove_hidden(src, "# hidden") == "assert a\n# hidden\nassert c"
    tb = ["\x1b[31mAssertionError\x1b[0m  Traceback", "Cell \x1b[32mIn[7], line 3\x1b[0m\n  assert b == 3"]
    assert error_line(tb) == 3


# --- repair -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def released():
    return release_version(source_nb("m1_calworks"))


def ids(nb):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_a_clean_notebook_needs_no_repair(released):
    nb = copy.deepcopy(released)
    assert repair_notebook(nb, released) == []
    assert nb == released


def test_deleted_test_and_prompt_cells_come_back_in_place(released):
    nb = copy.deepcopy(released)
    before = ids(nb)
    nb.cells = [c for c in nb.cells if ids(nbformat.v4.new_notebook(cells=[c]))[0] not in ("q2_countable", "q2_prompt", "w1")]
    done = repair_notebook(nb, released)
    assert ids(nb) == before
    assert {d[0] for d in done if d[1] == "restored_deleted"} == {"q2_countable", "q2_prompt", "w1"}


def test_edited_test_cell_is_restored_and_retyped_answer_gets_its_type_back(released):
    nb = copy.deepcopy(released)
    i = ids(nb).index("q1_shape")
    nb.cells[i].source = "assert True"
    j = ids(nb).index("q1")
    md = nbformat.v4.new_markdown_cell("hours_owed = {}", metadata=nb.cells[j].metadata)
    md["id"] = nb.cells[j]["id"]
    nb.cells[j] = md
    done = {(d[0], d[1]) for d in repair_notebook(nb, released)}
    assert ("q1_shape", "restored_edited") in done and ("q1", "restored_type") in done
    assert nb.cells[i].source == released.cells[i].source
    assert nb.cells[j].cell_type == "code" and nb.cells[j].source == "hours_owed = {}"


def test_duplicates_answers_run_tests_dedupe_written_merge(released):
    nb = copy.deepcopy(released)
    j = ids(nb).index("q1")
    a = copy.deepcopy(nb.cells[j])
    a["id"] = "copy1"
    nb.cells[j].source = "hours_owed = {}"
    a.source = "hours_owed = {'CAST-000001': 20}"
    nb.cells.insert(j + 1, a)
    t = ids(nb).index("q1_shape")
    dup_test = copy.deepcopy(nb.cells[t])
    dup_test["id"] = "copy2"
    nb.cells.append(dup_test)
    w = ids(nb).index("w1")
    second = copy.deepcopy(nb.cells[w])
    second["id"] = "copy3"
    nb.cells[w].source, second.source = "First half of my note.", "Second half."
    nb.cells.insert(w + 1, second)
    done = {(d[0], d[1]) for d in repair_notebook(nb, released)}
    assert {("q1", "duplicate_answer"), ("q1_shape", "duplicate_removed"), ("w1", "answers_merged")} <= done
    assert ids(nb).count("q1") == 1 and ids(nb).count("q1_shape") == 1 and ids(nb).count("w1") == 1
    assert nb.cells[ids(nb).index("q1")].source == "hours_owed = {'CAST-000001': 20}"  # the last copy is graded
    assert any(c.source == "hours_owed = {}" and not c.metadata.get("nbgrader") for c in nb.cells)  # still runs
    assert nb.cells[ids(nb).index("w1")].source == "First half of my note.\n\nSecond half."
    nbformat.validate(nb)


def test_unknown_grade_ids_are_dropped(released):
    nb = copy.deepcopy(released)
    nb.cells.append(nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"grade_id": "mine", "solution": True}}))
    assert ("mine", "unknown_cell") in {(d[0], d[1]) for d in repair_notebook(nb, released)}
    assert "nbgrader" not in nb.cells[-1].metadata


def test_repair_submission_handles_unreadable_renamed_and_missing(tmp_path, released):
    rel = tmp_path / "release"
    rel.mkdir()
    nbformat.write(released, str(rel / "m1_calworks.ipynb"))
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "m1_calworks.ipynb").write_text('{"cells": [ not json', encoding="utf-8")
    out = repair_submission(sub, rel, "ana", "m1_calworks", keep_broken=tmp_path / "broken")
    assert [r.action for r in out] == ["unreadable"]
    assert nbformat.read(str(sub / "m1_calworks.ipynb"), as_version=4) == released
    assert len(list((tmp_path / "broken").iterdir())) == 1
    (sub / "m1_calworks.ipynb").rename(sub / "m1_calworks (1).ipynb")
    out = repair_submission(sub, rel, "ana", "m1_calworks")
    assert out[0].action == "renamed_notebook" and (sub / "m1_calworks.ipynb").exists()
    (sub / "m1_calworks.ipynb").unlink()
    assert [r.action for r in repair_submission(sub, rel, "ana", "m1_calworks")] == ["missing_notebook"]


# --- the in-notebook check --------------------------------------------------------------------

def test_check_runs_visible_checks_only_and_answers_in_words(tmp_path):
    src = source_nb("m1_calworks")
    path = tmp_path / "m1_calworks.ipynb"
    nbformat.write(src, str(path))  # the source, hidden tests and all: check() must still not run them
    from linkages.rules import calworks

    ns = {"calworks": calworks, "family": lambda hid: None}
    r = check("q4", notebook=path, show=False, namespace=ns)
    assert r.total and r.passed == 0 and "does not exist yet" in r.text()
    ns["months_left"] = {"CAST-000003": 1, "CAST-000007": 2}  # right shape, wrong values
    r = check("q4", notebook=path, show=False, namespace=ns)
    assert r.ok and r.hidden and "34" not in r.text() and "50" not in r.text()
    assert "More checks run when your work is graded" in r.text()
    assert "months_left" not in ns or ns["months_left"] == {"CAST-000003": 1, "CAST-000007": 2}
    r = check("q9", notebook=path, show=False, namespace=ns)
    assert not r.ok and "There is no question 'q9'" in r.text()


def test_check_finds_the_notebook_in_the_working_folder(tmp_path, monkeypatch, capsys):
    nbformat.write(release_version(source_nb("m7_organisation")), str(tmp_path / "m7_organisation.ipynb"))
    monkeypatch.chdir(tmp_path)
    assert check("q2", namespace={"least_common": "data_match", "PRACTICES": {"data_match": ""}}) is None
    out = capsys.readouterr().out
    assert "q2: 1 of 1 visible check passed" in out


def test_run_checks_reports_a_broken_check_without_a_traceback():
    out = run_checks("x = 1 / 0\nassert x", {})
    assert len(out) == 1 and not out[0].passed and "Traceback" not in out[0].message


# --- feedback ---------------------------------------------------------------------------------

def test_feedback_hides_hidden_checks_and_turns_errors_into_sentences():
    cell = nbformat.v4.new_code_cell(
        "# Checks\nassert isinstance(x, int), 'x is a number'\n### BEGIN HIDDEN TESTS\nassert x == 42\n### END HIDDEN TESTS",
        metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "q1_a", "locked": True, "points": 1}})
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="",
                                           traceback=["Cell In[4], line 4", "assert x == 42"])]
    plain_outputs(cell)
    assert "42" not in cell.source and HIDDEN_PLACEHOLDER in cell.source
    assert cell.outputs[0]["output_type"] == "stream" and HIDDEN_FAILED in cell.outputs[0]["text"]
    other = nbformat.v4.new_code_cell("y = undefined")
    other.outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="name 'undefined' is not defined",
                                            traceback=["Traceback (most recent call last)", "..."])]
    plain_outputs(other)
    assert "does not exist yet" in other.outputs[0]["text"] and "Traceback" not in other.outputs[0]["text"]


# --- collection -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, want", [("doejane_12345_67890_", "doejane"),
                                       ("Jane Doe_12345_assignsubmission_file_", "jane_doe"),
                                       ("ana", "ana"), ("12345_", None), ("Zoë O'Neil", "zo_oneil")])
def test_learner_ids_from_lms_names(raw, want):
    assert learner_id(raw) == want


def test_collect_from_a_folder_and_an_lms_zip(tmp_path):
    course = tmp_path / "course"
    (course / "source" / "m1_calworks").mkdir(parents=True)
    (course / "source" / "m1_calworks" / "m1_calworks.ipynb").write_text("{}")
    (course / "source" / "m4_case_planning").mkdir(parents=True)
    (course / "source" / "m4_case_planning" / "m4_case_planning.ipynb").write_text("{}")
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    c = Course(course)
    z = tmp_path / "download.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("doejane_12345_67890_m1_calworks.ipynb", '{"a": 1}')
        f.writestr(zipfile.ZipInfo("doejane_12345_67890_m1_calworks-1.ipynb", (2030, 1, 1, 0, 0, 0)), '{"newer": 1}')
        f.writestr("Jane Doe_555_assignsubmission_file_m4_case_planning.ipynb", "{}")
        f.writestr("bob/m1_calworks/m1_calworks.ipynb", "{}")
        f.writestr("__MACOSX/._bob.ipynb", "junk")
        f.writestr("notes.ipynb", "{}")
        f.writestr("doejane_12345_67890_m1_calworks.pdf", "%PDF")  # handed in instead of the notebook
        f.writestr("bob/m1_calworks/cast_plans.csv", "a,b")  # the assignment's own data file
        f.writestr("bob/.DS_Store", "junk")
    (course / "source" / "m1_calworks" / "cast_plans.csv").write_text("a,b")
    rep = collect(z, c)
    placed = {(w, a) for w, a, _, _ in rep.placed}
    assert placed == {("doejane", "m1_calworks"), ("jane_doe", "m4_case_planning"), ("bob", "m1_calworks")}
    assert json.loads((course / "submitted" / "doejane" / "m1_calworks" / "m1_calworks.ipynb").read_text()) == {"newer": 1}
    # every file that could not be placed is listed, with why; files the computer made are counted
    assert len(rep.replaced) == 1
    skipped = dict(rep.skipped)
    assert sorted(skipped) == ["bob/m1_calworks/cast_plans.csv", "doejane_12345_67890_m1_calworks.pdf", "notes.ipynb"]
    assert "not a notebook" in skipped["doejane_12345_67890_m1_calworks.pdf"]
    assert "data file" in skipped["bob/m1_calworks/cast_plans.csv"]
    text = "\n".join(rep.sentences())
    assert "Left out doejane_12345_67890_m1_calworks.pdf: it is not a notebook" in text
    assert "Left out 2 file(s) made by the computer" in text
    folder = tmp_path / "inbox" / "carla"
    folder.mkdir(parents=True)
    (folder / "m4_case_planning.ipynb").write_text("{}")
    assert {(w, a) for w, a, _, _ in collect(tmp_path / "inbox", c).placed} == {("carla", "m4_case_planning")}
    with pytest.raises(GradingError, match="neither a folder nor a zip"):
        collect(course / "nbgrader_config.py", c)


# --- report -----------------------------------------------------------------------------------

def test_difficulty_totals_and_the_figure():
    rows = []
    for s, (a, b, w) in {"ana": (1, 2, 3), "bo": (0, 2, 0), "cy": (1, 0, None)}.items():
        rows += [dict(student=s, assignment="m1", notebook="m1", cell="q1_a", question="q1", kind="auto", score=a,
                      max_score=1, needs_marking=False, flagged=False),
                 dict(student=s, assignment="m1", notebook="m1", cell="q2_a", question="q2", kind="auto", score=b,
                      max_score=2, needs_marking=False, flagged=False),
                 dict(student=s, assignment="m1", notebook="m1", cell="w1", question="w1", kind="written",
                      score=w or 0, max_score=4, needs_marking=w is None, flagged=False)]
    scores = pd.DataFrame(rows)
    d = difficulty(scores).set_index("question")
    assert d.loc["q1", "facility"] == pytest.approx(2 / 3) and d.loc["q2", "full_marks"] == pytest.approx(2 / 3)
    t = learner_totals(scores).set_index("student")
    assert t.loc["ana", "auto"] == 3 and t.loc["cy", "to_mark"] == 1 and t.loc["bo", "written"] == 0
    fig, alt = difficulty_figure(difficulty(scores))
    assert "Hardest: m1 q1" in fig.axes[0].get_title(loc="left") and "m1 q1 67%" in alt
    from linkages.grading.report import OKABE_ITO_ORDER

    colours = {tuple(round(v, 3) for v in p.get_facecolor()[:3]) for p in fig.axes[0].patches}
    import matplotlib.colors as mc

    assert colours <= {tuple(round(v, 3) for v in mc.to_rgb(h)) for h in OKABE_ITO_ORDER}


def test_cli_gives_sentences_not_tracebacks(tmp_path, capsys):
    from linkages.grading import cli, selfgrade

    assert cli.main(["--course", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "There is no nbgrader course" in err and "Traceback" not in err
    assert selfgrade.main([str(tmp_path / "missing.ipynb")]) == 2
    assert "There is no notebook or folder" in capsys.readouterr().err
    assert cli.main(["--jobs", "many"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    course = tmp_path / "c"
    (course / "source").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    assert cli.main(["--course", str(course), "--assignment", "m9"]) == 2
    assert "no assignments" in capsys.readouterr().err
    assert os.environ.get("PATH")


def test_selfgrade_new_copy_is_the_learners_version_and_is_found(tmp_path, monkeypatch):
    from linkages.grading import selfgrade as sg

    target = sg.new_copy("m5_data_confidentiality", dest=tmp_path / "mine" / "m5_data_confidentiality")
    text = target.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN" not in text and "raise NotImplementedError()" in text
    assert (target.parent / "thresholds.csv").exists()
    with pytest.raises(GradingError, match="already have a copy"):
        sg.new_copy("m5_data_confidentiality", dest=target.parent)
    with pytest.raises(GradingError, match="no exercise called m9"):
        sg.new_copy("m9")
    monkeypatch.chdir(tmp_path / "mine")
    assert sg._notebooks(None) == [target]
    assert sg._notebooks(tmp_path / "mine") == [target]
