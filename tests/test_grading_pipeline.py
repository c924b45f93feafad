"""Grading end to end with the real nbgrader, on throwaway course folders: released notebooks
hide solutions and hidden tests and fail every visible test; solutions score full marks, blanks
zero, typical wrong answers the partial credit the specs intend; broken notebooks are repaired;
a notebook that loops forever is stopped and the rest of the cohort is still graded; feedback,
CSV and the cohort report come out; plain serial nbgrader gives the same scores; the learner's
self-grade and in-notebook check work in a real kernel.

The pipeline runs as the ``linkages`` command (a fresh process), as a trainer would run it.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from linkages.grading import authoring
from linkages.grading.course import Course, kit_root
from linkages.grading.messages import hidden_regions
from linkages.grading.synthetic import coverage_cohort, learner_notebook, make_cohort, write_notebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading")]

KIT = kit_root()
COURSE = KIT / "exercises"
ALL = Course(COURSE).assignments()


def env(**extra):
    e = dict(os.environ)
    e["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), e.get("PATH", "")])
    e.update({k: str(v) for k, v in extra.items()})
    return e


def linkages(*args, timeout=900, **extra):
    return subprocess.run([sys.executable, "-m", "linkages.cli", *args], capture_output=True, text=True,
                          env=env(**extra), timeout=timeout, cwd=str(KIT))


def make_course(root: Path, assignments: list[str]) -> Course:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(COURSE / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(COURSE / "authoring", root / "authoring")
    for a in assignments:
        shutil.copytree(COURSE / "source" / a, root / "source" / a)
    c = Course(root)
    from linkages.grading.cli import generate

    generate(c, assignments, force=True)
    return c


def scores(course: Course) -> pd.DataFrame:
    return pd.read_csv(course.reports / "scores.csv")


def auto_by_question(s: pd.DataFrame) -> pd.Series:
    return s[s.kind == "auto"].groupby(["student", "assignment", "question"]).score.sum()


def hidden_lines(nb) -> set[str]:
    out = set()
    for c in nb.cells:
        lines = c.source.split("\n")
        for a, b in hidden_regions(c.source):
            out |= {line.strip() for line in lines[a:b - 1] if len(line.strip()) > 12}
    return out


# --- the released notebooks -------------------------------------------------------------------

def test_released_notebooks_hide_solutions_and_fail_every_visible_test(tmp_path):
    c = make_course(tmp_path / "course", ALL)
    paths = []
    for spec in (authoring.load_spec(p) for p in authoring.specs(COURSE)):
        src = nbformat.read(str(COURSE / "source" / spec.name / f"{spec.name}.ipynb"), as_version=4)
        path = c.release / spec.name / f"{spec.name}.ipynb"
        paths.append(str(path))
        text = path.read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN", "END HIDDEN", "Mark scheme", "Model answer"):
            assert marker not in text, f"{spec.name}: '{marker}' reached the learner's copy"
        for line in hidden_lines(src):
            assert json.dumps(line)[1:-1] not in text, f"{spec.name}: hidden test line leaked: {line}"
        outside = json.dumps([c.source for c in src.cells if "BEGIN SOLUTION" not in c.source])
        for a in spec.answers().values():
            for line in a.solution.split("\n"):
                quoted = json.dumps(line.strip())[1:-1]
                if len(line.strip()) > 12 and quoted not in outside:  # not also in a prompt
                    assert quoted not in text, f"{spec.name}: solution line leaked: {line}"
        for r in spec.rubrics().values():
            assert json.dumps(r.model.split(".")[0])[1:-1] not in text, f"{spec.name}: model answer leaked"
        assert all(f.name in {p.name for p in (c.release / spec.name).iterdir()}
                   for f in (COURSE / "source" / spec.name).iterdir())  # data files go with the notebook
    r = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "--invert", *paths], capture_output=True,
                       text=True, env=env(), cwd=str(c.root), timeout=900)
    assert r.stdout.count("Success! The notebook does not pass any tests.") == len(paths), r.stdout + r.stderr


# --- a cohort, end to end ---------------------------------------------------------------------

BROKEN = {  # learner -> (answers, how the notebook is broken)
    "editor": ("blank", "edit_test"),
    "deleter": ("solution", "delete_test"),
    "copier": ("solution", "duplicate_answer"),
    "splitter": ("solution", "split_written"),
    "retyper": ("solution", "retype_answer"),
    "garbled": ("solution", "unreadable"),
    "looper": ("solution", "loop_forever"),
    "chatter": ("solution", "loop_printing"),
}
STOPPED = ("looper", "chatter")


# what a browser fetches (or follows) from another host: src/href/action attributes, CSS url()
# and @import, with http(s) or protocol-relative addresses; and any CDN by name
OUTSIDE = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*|url\(\s*["']?|@import\s+["']?)"""
                     r"""(?:https?:)?//|cdnjs|cdn\.jsdelivr|unpkg\.com|mathjax\.org""", re.I)


def outside_urls(page: str) -> list[str]:
    """The places where a page would ask another host for something (a stylesheet's licence
    comment naming a web site asks for nothing)."""
    return [page[max(0, m.start() - 40): m.end() + 60] for m in OUTSIDE.finditer(page)]


def test_the_outside_url_check_finds_what_a_browser_would_fetch():
    nbgrader_feedback = '<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js"> </script>'
    for page in (nbgrader_feedback, "<link rel='stylesheet' href='//fonts.example.org/a.css'>",
                 "<style>@import url(http://x.org/a.css)</style>", '<img src="http://x.org/a.png">',
                 "<a href='https://example.org'>more</a>"):
        assert outside_urls(page), page
    assert not outside_urls("<style>/*! Bootstrap v3.3.4 (http://getbootstrap.com) */</style><img src='data:image/png;base64,AA'>")


@pytest.fixture(scope="module")
def graded_cohort(tmp_path_factory):
    """Every assignment: learners ``solutions``, ``blank`` and ``wrongK`` (each typical wrong answer
    of the specs), graded in parallel as `linkages grade` does, plus broken m1 notebooks (the
    broken learners hand in m1 only: their other assignments are not submitted)."""
    root = tmp_path_factory.mktemp("cohort") / "course"
    c = make_course(root, ALL)
    subs = coverage_cohort(c, ALL)
    spec = authoring.load_spec(c.root / "authoring" / "m1_calworks.py")
    for who, (answers, how) in BROKEN.items():
        choices = {q: ("blank" if answers == "blank" else "solution") for q in spec.answers()}
        choices.update({q: "model" for q in spec.rubrics()})
        nb = learner_notebook(c, "m1_calworks", choices, how)
        write_notebook(nb, c.submitted / who / "m1_calworks" / "m1_calworks.ipynb")
    r = linkages("grade", "--course", str(c.root), "--notebook-timeout", "45", LINKAGES_CELL_TIMEOUT=15)
    return c, subs, r


def test_cohort_output_names_every_learner_and_stops_only_the_loop(graded_cohort):
    c, subs, r = graded_cohort
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    for who in STOPPED:
        assert f"{who} / m1_calworks: STOPPED (time limit)" in r.stdout
    assert r.stdout.count(": graded in") == len(subs) + len(BROKEN) - len(STOPPED)
    assert "COULD NOT BE GRADED" not in r.stdout


def test_solutions_full_blank_zero_wrong_answers_partial_credit(graded_cohort):
    c, subs, _ = graded_cohort
    got = auto_by_question(scores(c))
    assert {sub.assignment for sub in subs} == set(ALL) and len(ALL) == 8
    for sub in subs:
        for q, want in sub.expected.items():
            assert got[(sub.student, sub.assignment, q)] == pytest.approx(want), (sub.student, sub.assignment, q)
    for a in ALL:  # the solutions score every point, the blank none, and each assignment has partial credit
        spec = authoring.load_spec(c.root / "authoring" / f"{a}.py")
        top = sum(v for q, v in spec.points().items() if q in spec.answers())
        assert sum(got[("solutions", a, q)] for q in spec.answers()) == pytest.approx(top), a
        assert sum(got[("blank", a, q)] for q in spec.answers()) == 0, a
        partial = [(got[(w.student, a, q)], spec.points()[q]) for w in subs
                   if w.assignment == a and w.student.startswith("wrong")
                   for q in spec.answers() if w.choices[q].startswith("wrong")]
        assert any(0 < x < top_q for x, top_q in partial), f"{a}: no typical wrong answer earns partial credit"
    s = scores(c)
    written = s[s.kind == "written"].set_index(["student", "assignment"])
    assert (written.loc["solutions"].needs_marking).all()  # answered: waits for a trainer
    assert (written.loc["blank"].score == 0).all() and not written.loc["blank"].needs_marking.any()


def test_broken_notebooks_are_repaired_and_graded_on_the_original_tests(graded_cohort):
    c, _, _ = graded_cohort
    got = auto_by_question(scores(c))
    full = {"q1": 3, "q2": 3, "q3": 2, "q4": 1}
    for who in ("deleter", "copier", "splitter", "retyper"):
        for q, pts in full.items():
            assert got[(who, "m1_calworks", q)] == pts, (who, q)
    for who in ("editor", "garbled") + STOPPED:
        assert sum(got[(who, "m1_calworks", q)] for q in full) == 0, who
    with open(c.reports / "repairs.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    actions = {(r["student"], r["action"], r["cell"]) for r in rows}
    assert ("editor", "restored_edited", "q1_shape") in actions
    assert ("deleter", "restored_deleted", "q1_shape") in actions
    assert ("copier", "duplicate_answer", "q1") in actions
    assert ("splitter", "answers_merged", "w1") in actions
    assert ("retyper", "restored_type", "q1") in actions
    assert any(r["student"] == "garbled" and r["action"] == "unreadable" for r in rows)
    for who in STOPPED:
        assert any(r["student"] == who and r["action"] == "timed_out" for r in rows)
    assert not any(r["student"] in ("solutions", "blank", "wrong0", "wrong1") for r in rows)
    text = (c.reports / "repairs.txt").read_text(encoding="utf-8")
    assert "editor / m1_calworks/m1_calworks [q1_shape]: The test cell q1_shape had been edited" in text
    merged = nbformat.read(str(c.autograded / "splitter" / "m1_calworks" / "m1_calworks.ipynb"), as_version=4)
    model = authoring.load_spec(c.root / "authoring" / "m1_calworks.py").rubrics()["w1"].model
    w1 = next(x for x in merged.cells if x.metadata.get("nbgrader", {}).get("grade_id") == "w1")
    assert w1.source.replace("\n\n", "") == model
    assert list((c.reports / "unreadable").iterdir())


@pytest.mark.parametrize("who", STOPPED)
def test_a_stopped_notebook_is_flagged_zero_and_told_why(graded_cohort, who):
    c, _, _ = graded_cohort
    s = scores(c)
    mine = s[s.student == who]
    assert mine.flagged.all() and (mine[mine.kind == "auto"].score == 0).all()
    page = (c.feedback / who / "m1_calworks" / "m1_calworks.html").read_text(encoding="utf-8")
    assert "could not be graded this time" in page and "loop" in page
    assert (c.autograded / who / "m1_calworks" / "m1_calworks.ipynb").exists()  # written answer still markable


def test_feedback_csv_and_cohort_report(graded_cohort):
    c, subs, _ = graded_cohort
    leaks = {a: hidden_lines(nbformat.read(str(COURSE / "source" / a / f"{a}.ipynb"), as_version=4)) for a in ALL}
    for sub in subs:
        page = (c.feedback / sub.student / sub.assignment / f"{sub.assignment}.html").read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in page and "BEGIN HIDDEN" not in page
        assert not any(json.dumps(x)[1:-1] in page for x in leaks[sub.assignment]), (sub.student, sub.assignment)
    blank = (c.feedback / "blank" / "m1_calworks" / "m1_calworks.html").read_text(encoding="utf-8")
    assert "does not exist yet" in blank
    # every page the pipeline wrote works offline: no MathJax from a CDN, no outside host at all
    pages = sorted(p for folder in (c.feedback, c.reports) for p in folder.rglob("*.html"))
    assert len(pages) >= len(subs) + 1
    for p in pages:
        found = outside_urls(p.read_text(encoding="utf-8"))
        assert not found, f"{p.relative_to(c.root)} names another host: {found[0]!r}"
    with open(c.reports / "grades.csv", newline="", encoding="utf-8") as f:
        grades = list(csv.DictReader(f))
    row = {(g["student_id"], g["assignment"]): g for g in grades}
    assert len(grades) == len({g["student_id"] for g in grades}) * len(ALL)
    for a in ALL:
        spec = authoring.load_spec(c.root / "authoring" / f"{a}.py")
        top = sum(v for q, v in spec.points().items() if q in spec.answers())
        assert float(row[("solutions", a)]["score"]) == pytest.approx(top)  # written answers not marked yet
        assert float(row[("blank", a)]["score"]) == 0 and row[("blank", a)]["status"] == "submitted"
    assert float(row[("solutions", "m1_calworks")]["score"]) == 9
    # the broken learners handed in m1 only: their other assignments are "not submitted", not 0
    for who in BROKEN:
        assert row[(who, "m1_calworks")]["status"] == "submitted"
        for a in ALL[1:]:
            assert row[(who, a)]["status"] == "not submitted" and row[(who, a)]["score"] == "", (who, a)
    report = (c.reports / "cohort_report.html").read_text(encoding="utf-8")
    assert re.search(r"<img src='data:image/png;base64,[^']+' alt='Bar chart of \d+ auto-graded questions", report)
    assert "wait for marking" in report and "looper" in report
    timings = pd.read_csv(c.reports / "timings.csv")
    assert set(timings.status) == {"graded", "timed_out"}


def test_regrading_is_idempotent_and_keeps_manual_grades(graded_cohort):
    c, _, _ = graded_cohort
    from nbgrader.api import Gradebook

    with Gradebook(c.db_url, c.course_id) as gb:
        g = gb.find_grade("w1", "m1_calworks", "m1_calworks", "solutions")
        g.manual_score = 3.5
        gb.db.commit()
    r = linkages("grade", "--course", str(c.root), "--student", "solutions", "--assignment", "m1_calworks",
                 "--no-feedback")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 generated, 1 already up to date" in r.stdout
    s = scores(c).set_index(["student", "assignment", "cell"])
    assert s.loc[("solutions", "m1_calworks", "w1"), "score"] == 3.5
    assert s.loc[("solutions", "m1_calworks", "q1_values"), "score"] == 2


# --- the learner kit: what learners get on a hub ------------------------------------------------

def test_learner_kit_has_the_released_exercises_and_no_solution_or_hidden_check(graded_cohort, tmp_path):
    from linkages.grading.distribute import build_learner_kit, find_leaks, secrets

    c, _, _ = graded_cohort
    out = tmp_path / "linkages-learner"
    kit = build_learner_kit(out, c, kit=KIT)
    assert kit.committed and (out / ".git").is_dir()
    for folder in ("notebooks", "simulators", "datasets", "src/linkages"):
        assert (out / folder).is_dir(), folder
    for a in ALL:  # each released notebook, with the data files it reads
        assert {p.name for p in (COURSE / "source" / a).iterdir()} <= {p.name for p in (out / "exercises" / a).iterdir()}
        nb = (out / "exercises" / a / f"{a}.ipynb").read_text(encoding="utf-8")
        assert "raise NotImplementedError()" in nb and "BEGIN SOLUTION" not in nb and "BEGIN HIDDEN" not in nb
    for absent in ("exercises/source", "exercises/rubrics", "exercises/authoring", "exercises/nbgrader_config.py",
                   "exercises/gradebook.db", "exercises/submitted", "exercises/feedback", "curriculum", "tests",
                   "benchmarks"):
        assert not (out / absent).exists(), f"{absent} reached the learner kit"
    # no file of the kit holds a line of a solution, a hidden check, a model answer or a mark scheme
    everything = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in out.rglob("*")
                           if p.is_file() and ".git" not in p.parts)
    secret = secrets(c, KIT)
    assert all(len(lines) >= 5 for lines in secret.values())
    for a, lines in secret.items():
        for line in lines:
            assert line not in everything and json.dumps(line)[1:-1] not in everything, f"{a}: {line}"
    assert find_leaks(out, c, KIT) == []
    # a rebuild with nothing changed makes no new commit; the check finds a planted source notebook
    assert build_learner_kit(out, c, kit=KIT).committed is None
    shutil.copy2(COURSE / "source" / "m6_financing" / "m6_financing.ipynb", out / "notebooks" / "leak.ipynb")
    assert any("leak.ipynb" in x for x in find_leaks(out, c, KIT))
    # nbgitpuller clones it like any repository
    r = subprocess.run(["git", "clone", "-q", str(out), str(tmp_path / "home")], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and (tmp_path / "home" / "exercises" / "m1_calworks" / "m1_calworks.ipynb").exists()


def test_learner_kit_refuses_a_folder_it_would_wreck(tmp_path):
    from linkages.grading.course import GradingError
    from linkages.grading.distribute import build_learner_kit

    with pytest.raises(GradingError, match="holds the kit itself"):
        build_learner_kit(KIT, kit=KIT, git=False)
    with pytest.raises(GradingError, match="build/ or out/"):
        build_learner_kit(KIT / "notebooks" / "kit", kit=KIT, git=False)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("x")
    with pytest.raises(GradingError, match="not a learner kit"):
        build_learner_kit(tmp_path / "mine", kit=KIT, git=False)


# --- plain nbgrader, one after another, gives the same scores ---------------------------------

def test_serial_plain_nbgrader_gives_the_same_scores(tmp_path):
    a = make_course(tmp_path / "serial", ["m1_calworks"])
    b = make_course(tmp_path / "parallel", ["m1_calworks"])
    make_cohort(a, 3, seed=5, assignments=["m1_calworks"])
    make_cohort(b, 3, seed=5, assignments=["m1_calworks"])
    r = linkages("grade", "--course", str(a.root), "--serial", "--no-feedback")
    assert r.returncode == 0, r.stdout + r.stderr
    r = linkages("grade", "--course", str(b.root), "--no-feedback")
    assert r.returncode == 0, r.stdout + r.stderr
    from linkages.grading.report import score_table

    sa, sb = (score_table(x).sort_values(["student", "cell"]).reset_index(drop=True) for x in (a, b))
    pd.testing.assert_frame_equal(sa[["student", "cell", "score", "needs_marking"]],
                                  sb[["student", "cell", "score", "needs_marking"]])


# --- a learner alone ----------------------------------------------------------------------------

def test_selfgrade_gives_the_graders_score_without_showing_hidden_checks(tmp_path):
    c = make_course(tmp_path / "course", ["m4_case_planning"])
    subs = coverage_cohort(c, ["m4_case_planning"], folder=tmp_path / "mine")
    me = tmp_path / "mine" / "wrong0" / "m4_case_planning"
    shutil.copy2(COURSE / "source" / "m4_case_planning" / "cast_plans.csv", me)
    nb_path = me / "m4_case_planning.ipynb"
    before = nb_path.read_bytes()
    r = linkages("selfgrade", str(nb_path))
    assert r.returncode == 0, r.stdout + r.stderr
    want = sum(next(s for s in subs if s.student == "wrong0").expected.values())
    spec = authoring.load_spec(c.root / "authoring" / "m4_case_planning.py")
    top = sum(v for q, v in spec.points().items() if q in spec.answers())
    assert f"m4_case_planning.ipynb: {want:g} of {top:g} auto-graded points (visible and hidden checks)" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr and "WARNING" not in r.stderr
    page = (me / "m4_case_planning_selfgrade.html").read_text(encoding="utf-8")
    src = nbformat.read(str(COURSE / "source" / "m4_case_planning" / "m4_case_planning.ipynb"), as_version=4)
    assert not any(json.dumps(x)[1:-1] in page + r.stdout for x in hidden_lines(src))
    assert "Still double-booked" in page  # a visible check's message, in words
    assert not outside_urls(page), "the self-grade page asks another host for something"
    assert nb_path.read_bytes() == before  # the learner's file is untouched
    r = linkages("selfgrade", str(nb_path), "--visible-only")
    assert "(visible checks only)" in r.stdout


def test_check_in_a_real_kernel_and_kernel_memory(tmp_path):
    from nbclient import NotebookClient

    c = make_course(tmp_path / "course", ["m1_calworks"])
    nb = learner_notebook(c, "m1_calworks", {"q1": "wrong0"})
    nb.cells.append(nbformat.v4.new_code_cell('check("q1")'))
    nb.cells.append(nbformat.v4.new_code_cell('check("q2")'))
    folder = tmp_path / "work"
    folder.mkdir()
    write_notebook(nb, folder / "m1_calworks.ipynb")
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    q1 = "".join(o.get("text", "") for o in nb.cells[-2].outputs)
    q2 = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "q1: 4 of 4 visible checks passed" in q1 and "More checks run when your work is graded" in q1
    assert "q2: 4 of 4 visible checks passed" in q2
    assert not any(o.output_type == "error" for o in nb.cells[-1].outputs + nb.cells[-2].outputs)
    from linkages.grading.memory import kernel_memory

    m = kernel_memory(c.release / "m1_calworks" / "m1_calworks.ipynb", solutions_from=c)
    assert 50 < m["peak_rss_mb"] < 2000 and m["cells"] > 5
