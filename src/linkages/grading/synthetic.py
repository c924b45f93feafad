"""Synthetic learners: submissions made from the released notebooks, for trying the pipeline
(``linkages grade --demo 5``), the tests and the benchmark.

Each learner answers each question, at random (seeded), with the solution, one of the typical
wrong answers the assignment's spec lists (``exercises/authoring/``), or nothing; and each
written answer with the model answer, a short attempt, or nothing. :func:`make_cohort` returns
what every auto-graded question should then score, so a test can hold the real grader to the
partial credit the specs intend.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .authoring import load_spec
from .course import Course, GradingError
from .messages import grade_id, kind

__all__ = ["Submission", "make_cohort", "coverage_cohort", "expected_points", "write_notebook", "learner_notebook", "BLANK", "BROKEN_KINDS"]

BLANK = "blank"
SHORT_WRITTEN = "I would explain the plan to the family and check that they understand it."

#: Ways a learner breaks a notebook (:func:`learner_notebook` ``breakage``).
BROKEN_KINDS = ("delete_test", "edit_test", "duplicate_answer", "split_written", "retype_answer", "loop_forever",
                "loop_printing", "unreadable")


@dataclass
class Submission:
    student: str
    assignment: str
    choices: dict  # qid -> "solution" | "blank" | "wrong0", "wrong1", ...  (written: "model" | "short" | "blank")
    expected: dict  # qid -> auto-graded points the question should score


def _spec(course: Course, assignment: str):
    path = course.root / "authoring" / f"{assignment}.py"
    if not path.exists():
        raise GradingError(f"There is no spec {path.name} in {path.parent} to make synthetic learners from.")
    return load_spec(path)


def learner_notebook(course: Course, assignment: str, choices: dict, breakage: str | None = None):
    """The released notebook of ``assignment`` answered as ``choices`` say (see :class:`Submission`),
    optionally broken in one of the :data:`BROKEN_KINDS` ways. Returns the notebook, or raw
    bytes for ``unreadable``."""
    spec = _spec(course, assignment)
    answers, rubrics = spec.answers(), spec.rubrics()
    rel = course.release / assignment / f"{assignment}.ipynb"
    if not rel.exists():
        raise GradingError(f"Generate the student version of {assignment} first (release/ is missing).")
    nb = nbformat.read(str(rel), as_version=4)
    for c in nb.cells:
        gid = grade_id(c)
        if gid in answers and kind(c) == "answer":
            a, choice = answers[gid], choices.get(gid, "solution")
            if choice == "solution":
                c.source = a.learner_source(a.solution)
            elif choice.startswith("wrong"):
                c.source = a.learner_source(a.wrong[int(choice[5:])][0])
        elif gid in rubrics and kind(c) == "written":
            choice = choices.get(gid, "model")
            if choice == "model":
                c.source = rubrics[gid].model
            elif choice == "short":
                c.source = SHORT_WRITTEN
    if breakage:
        nb = _break(nb, breakage)
    return nb


def _break(nb, how: str):
    cells = nb.cells
    tests = [i for i, c in enumerate(cells) if kind(c) == "test"]
    answers = [i for i, c in enumerate(cells) if kind(c) == "answer"]
    writtens = [i for i, c in enumerate(cells) if kind(c) == "written"]
    if how == "delete_test":
        del cells[tests[0]]
    elif how == "edit_test":
        cells[tests[0]].source = "# I made the checks easier\nassert True"
    elif how == "duplicate_answer":
        import copy

        i = answers[0]
        dup = copy.deepcopy(cells[i])
        dup["id"] = cells[i]["id"] + "-copy"
        cells.insert(i + 1, dup)
    elif how == "split_written":
        import copy

        i = writtens[0]
        text = cells[i].source
        half = len(text) // 2
        second = copy.deepcopy(cells[i])
        second["id"] = cells[i]["id"] + "-split"
        cells[i].source, second.source = text[:half], text[half:]
        cells.insert(i + 1, second)
    elif how == "retype_answer":
        c = cells[answers[0]]
        nbformat_cell = nbformat.v4.new_markdown_cell(c.source, metadata=c.metadata)
        nbformat_cell["id"] = c["id"]
        cells[answers[0]] = nbformat_cell
    elif how == "loop_forever":
        c = cells[answers[0]]
        # a loop the kernel cannot interrupt (interrupts ignored, as some libraries do): only the
        # per-notebook time limit stops it
        c.source = c.source + "\nimport signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"
    elif how == "loop_printing":
        # the same, printing as it goes: the kernel looks alive, so nothing but the per-notebook
        # time limit ends it
        c = cells[answers[0]]
        c.source = c.source + ("\nimport signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                               "while True:\n    print('still working...')\n    time.sleep(0.5)\n")
    elif how == "unreadable":
        return b'{"cells": [ this is not json'
    else:
        raise ValueError(f"Unknown breakage {how!r}; one of {', '.join(BROKEN_KINDS)}.")
    return nb


def write_notebook(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, bytes):
        path.write_bytes(nb)
    else:
        nbformat.write(nb, str(path))


def expected_points(course: Course, assignment: str, choices: dict) -> dict:
    """What each auto-graded question should score for ``choices``."""
    spec = _spec(course, assignment)
    pts = spec.points()
    out = {}
    for qid, a in spec.answers().items():
        c = choices.get(qid, "solution")
        out[qid] = pts.get(qid, 0) if c == "solution" else 0 if c == BLANK else a.wrong[int(c[5:])][1]
    return out


def make_cohort(course: Course, n: int, seed: int = 0, assignments: list[str] | None = None,
                prefix: str = "learner", mix: tuple[float, float, float] = (0.6, 0.3, 0.1),
                folder: Path | None = None) -> list[Submission]:
    """Write ``n`` synthetic learners' submissions into ``folder`` (default: the course's
    ``submitted/``) and return what each should score. ``mix``: chances of the solution, a typical
    wrong answer, and a blank answer."""
    rng = random.Random(seed)
    folder = folder or course.submitted
    assignments = assignments or course.assignments()
    out = []
    for i in range(1, n + 1):
        student = f"{prefix}{i:02d}"
        for a in assignments:
            spec = _spec(course, a)
            choices = {}
            for qid, ans in spec.answers().items():
                r = rng.random()
                if r < mix[0] or (not ans.wrong and r < mix[0] + mix[1]):
                    choices[qid] = "solution"
                elif r < mix[0] + mix[1]:
                    choices[qid] = f"wrong{rng.randrange(len(ans.wrong))}"
                else:
                    choices[qid] = BLANK
            for qid in spec.rubrics():
                choices[qid] = rng.choices(["model", "short", BLANK], weights=[5, 4, 1])[0]
            nb = learner_notebook(course, a, choices)
            write_notebook(nb, folder / student / a / f"{a}.ipynb")
            out.append(Submission(student, a, choices, expected_points(course, a, choices)))
    return out


def coverage_cohort(course: Course, assignments: list[str] | None = None, folder: Path | None = None,
                    breakage: dict | None = None) -> list[Submission]:
    """Learners that cover every answer of the specs: ``solutions`` (every solution and model
    answer), ``blank`` (the released notebook untouched) and ``wrongK`` (the K-th typical wrong
    answer of every question that has one, the solution elsewhere). ``breakage`` maps a learner
    id to a :data:`BROKEN_KINDS` way to break that learner's notebooks."""
    folder = folder or course.submitted
    assignments = assignments or course.assignments()
    breakage = breakage or {}
    out = []
    for a in assignments:
        spec = _spec(course, a)
        answers = spec.answers()
        most = max((len(x.wrong) for x in answers.values()), default=0)
        people = {"solutions": {q: "solution" for q in answers} | {q: "model" for q in spec.rubrics()},
                  "blank": {q: BLANK for q in answers} | {q: BLANK for q in spec.rubrics()}}
        for k in range(most):
            people[f"wrong{k}"] = ({q: (f"wrong{k}" if len(x.wrong) > k else "solution") for q, x in answers.items()}
                                   | {q: "short" for q in spec.rubrics()})
        for student, choices in people.items():
            nb = learner_notebook(course, a, choices, breakage.get(student))
            write_notebook(nb, folder / student / a / f"{a}.ipynb")
            out.append(Submission(student, a, choices, expected_points(course, a, choices)))
    return out
