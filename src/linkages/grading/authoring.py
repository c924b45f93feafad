"""Build the nbgrader source notebooks and their rubrics from the short specs in
``exercises/authoring/`` (one Python file per assignment).

A spec is a list of cells made with the helpers below; each helper writes the nbgrader
metadata a trainer would otherwise set by hand in the "Create Assignment" toolbar:

- :func:`text` — a read-only instruction cell (restored from the source if a learner deletes or
  edits it);
- :func:`setup` — a read-only code cell that loads data (runs before every answer);
- :func:`answer` — an auto-graded answer: the solution between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` is replaced by a stub in the learner's copy;
- :func:`tests` — a test cell worth ``points``: visible checks the learner sees and can run with
  ``check("q1")``, then hidden checks (``### BEGIN HIDDEN TESTS``) that exist only in the source
  and come back at grading. Every test cell starts with a visible check that fails on a blank
  answer, so ``nbgrader validate --invert`` holds for the released copy;
- :func:`written` — a rubric-graded written answer: the learner sees a stub; the source holds a
  model answer and the mark scheme (the instructor notes), and the rubric is also written to
  ``exercises/rubrics/<assignment>.md``.

``python -m linkages.grading.authoring [course]`` rebuilds every source notebook and rubric; a
test checks that the committed notebooks are what the specs build.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

__all__ = ["text", "setup", "answer", "tests", "written", "Answer", "Rubric", "Assignment", "build", "build_all",
           "load_spec", "specs", "render", "main"]

HIDDEN_NOTE = "# More checks run when your work is graded; they are not shown here."


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None) -> dict:
    nbg = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
           "solution": solution, "task": False}
    if grade:
        nbg["points"] = points
    meta: dict = {"nbgrader": nbg}
    if locked:
        meta["deletable"] = False
        meta["editable"] = False
    return meta


def _clean(s: str) -> str:
    return dedent(s).strip("\n")


def _cell_id(grade_id: str) -> str:
    return grade_id.replace(".", "-")


def text(grade_id: str, markdown: str):
    """A read-only markdown cell (instructions, a question's prompt)."""
    c = new_markdown_cell(_clean(markdown), metadata=_meta(grade_id, locked=True))
    c["id"] = _cell_id(grade_id)
    return c


def setup(grade_id: str, code: str):
    """A read-only code cell (imports, data loading)."""
    c = new_code_cell(_clean(code), metadata=_meta(grade_id, locked=True))
    c["id"] = _cell_id(grade_id)
    return c


@dataclass
class Answer:
    """An answer cell and the typical wrong answers of its question, each with the points the
    question's tests should give it (the tests check these through the real grader)."""

    cell: object
    qid: str
    wrong: list  # [(code, expected points for the whole question), ...]
    before: str = ""
    after: str = ""
    solution: str = ""

    def learner_source(self, code: str) -> str:
        """The answer cell as a learner who wrote ``code`` would hand it in."""
        parts = [p for p in (self.before, _clean(code), self.after) if p]
        return "\n".join(parts)


def answer(qid: str, solution: str, before: str = "", after: str = "", wrong: list | None = None) -> Answer:
    """An auto-graded answer cell: ``before`` and ``after`` stay in the learner's copy; the
    solution is replaced by nbgrader's stub. ``wrong``: typical wrong answers as
    ``(code, points the question should then score)``."""
    parts = [_clean(before)] if before.strip() else []
    parts += ["### BEGIN SOLUTION", _clean(solution), "### END SOLUTION"]
    if after.strip():
        parts.append(_clean(after))
    c = new_code_cell("\n".join(parts), metadata=_meta(qid, solution=True))
    c["id"] = _cell_id(qid)
    return Answer(c, qid, list(wrong or []), _clean(before) if before.strip() else "",
                  _clean(after) if after.strip() else "", _clean(solution))


def tests(qid: str, part: str, points: float, visible: str, hidden: str = "", about: str = ""):
    """A test cell ``<qid>_<part>`` worth ``points``. ``visible`` must fail on a blank answer."""
    head = f'# Checks for {qid}{": " + about if about else ""}. Run this cell, or type check("{qid}") for a summary in words.'
    lines = [head, _clean(visible)]
    if hidden.strip():
        lines += [HIDDEN_NOTE, "### BEGIN HIDDEN TESTS", _clean(hidden), "### END HIDDEN TESTS"]
    grade_id = f"{qid}_{part}"
    c = new_code_cell("\n".join(lines), metadata=_meta(grade_id, grade=True, locked=True, points=points))
    c["id"] = _cell_id(grade_id)
    return c


@dataclass
class Rubric:
    qid: str
    points: float
    prompt: str
    criteria: list  # [(points, "what earns them"), ...]
    model: str


def written(qid: str, points: float, prompt: str, model: str, criteria: list[tuple[float, str]]):
    """A rubric-graded written answer (markdown). Returns ``(cell, rubric)``; the spec lists the
    cell and :func:`build` collects the rubric."""
    total = sum(p for p, _ in criteria)
    if abs(total - points) > 1e-9:
        raise ValueError(f"The mark scheme for {qid} adds up to {total}, not {points}.")
    scheme = "\n".join(f"- **{p:g} point{'s' if p != 1 else ''}**: {what}" for p, what in criteria)
    src = (f"**Model answer (instructor notes; not in the learner's copy).**\n\n{_clean(model)}\n\n"
           f"**Mark scheme ({points:g} points; instructor notes; not in the learner's copy).**\n\n{scheme}")
    c = new_markdown_cell(src, metadata=_meta(qid, grade=True, solution=True, points=points))
    c["id"] = _cell_id(qid)
    return c, Rubric(qid, points, _clean(prompt), list(criteria), _clean(model))


@dataclass
class Assignment:
    """One assignment: its folder name, title, module number and cells (written answers as the
    ``(cell, rubric)`` pairs :func:`written` returns)."""

    name: str
    title: str
    module: int
    cells: list

    def notebook(self):
        cells, rubrics = [], []
        for c in self.cells:
            if isinstance(c, tuple):
                cells.append(c[0])
                rubrics.append(c[1])
            elif isinstance(c, Answer):
                cells.append(c.cell)
            else:
                cells.append(c)
        nb = new_notebook(cells=cells)
        nb.metadata = {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        }
        nb.nbformat, nb.nbformat_minor = 4, 5
        ids = [c.metadata["nbgrader"]["grade_id"] for c in cells if "nbgrader" in c.metadata]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"{self.name}: grade ids used twice: {', '.join(sorted(dup))}")
        return nb, rubrics

    def answers(self) -> dict:
        """``{qid: Answer}`` of the auto-graded questions."""
        return {c.qid: c for c in self.cells if isinstance(c, Answer)}

    def rubrics(self) -> dict:
        """``{qid: Rubric}`` of the written answers."""
        return {c[1].qid: c[1] for c in self.cells if isinstance(c, tuple)}

    def points(self) -> dict:
        """``{qid: points}`` for every question (tests summed; written answers)."""
        out: dict = {}
        nb, _ = self.notebook()
        for c in nb.cells:
            nbg = c.metadata.get("nbgrader", {})
            if nbg.get("grade"):
                q = nbg["grade_id"].split("_", 1)[0]
                out[q] = out.get(q, 0) + nbg["points"]
        return out

    def rubric_markdown(self, rubrics: list[Rubric]) -> str:
        out = [f"# Rubric: {self.title} (module {self.module})", "",
               "Mark schemes for the written answers of this assignment. The same text sits in the",
               "source notebook's answer cell (instructor notes), which nbgrader removes from the",
               "learner's copy. Auto-graded questions are marked by their tests; see the source notebook.",
               ""]
        for r in rubrics:
            out += [f"## {r.qid} ({r.points:g} points)", "", "**Prompt.** " + r.prompt, "", "**Mark scheme.**", ""]
            out += [f"- **{p:g} point{'s' if p != 1 else ''}**: {what}" for p, what in r.criteria]
            out += ["", "**Model answer.**", "", r.model, ""]
            out += ["Marking notes: award the points of a line only when the answer shows it in its own words. "
                    "Language that blames the parent, labels them by a problem (\"an addict\"), or makes promises "
                    "the programs cannot keep loses the language point even when the facts are right.", ""]
        return "\n".join(out)


def load_spec(path: Path) -> Assignment:
    spec = importlib.util.spec_from_file_location(f"_linkages_spec_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod.ASSIGNMENT


def specs(course: Path) -> list[Path]:
    return sorted((course / "authoring").glob("m[0-9]*.py"))


def render(a: Assignment) -> tuple[str, str]:
    """The notebook JSON text and the rubric markdown of one assignment."""
    nb, rubrics = a.notebook()
    return nbformat.writes(nb) + "\n", a.rubric_markdown(rubrics)


def build(a: Assignment, course: Path) -> list[Path]:
    nb_text, rubric = render(a)
    folder = course / "source" / a.name
    folder.mkdir(parents=True, exist_ok=True)
    written_paths = []
    target = folder / f"{a.name}.ipynb"
    target.write_text(nb_text, encoding="utf-8")
    written_paths.append(target)
    r = course / "rubrics" / f"{a.name}.md"
    r.parent.mkdir(parents=True, exist_ok=True)
    r.write_text(rubric, encoding="utf-8")
    written_paths.append(r)
    return written_paths


def build_all(course: Path) -> list[Path]:
    out = []
    for p in specs(course):
        out += build(load_spec(p), course)
    return out


def main(argv: list[str] | None = None) -> int:
    from .course import find_course

    argv = list(sys.argv[1:] if argv is None else argv)
    course = find_course(argv[0] if argv else None)
    for p in build_all(course):
        print(p.relative_to(course))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
