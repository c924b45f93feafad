"""``linkages selfgrade [notebook or folder]`` (``make selfgrade``): a learner grades their own copy.

Studying alone, without a hub: ``linkages selfgrade --new m1_calworks`` makes your own copy of an
exercise in ``exercises/mine/m1_calworks/`` (the learner's version: no solutions, no hidden
checks) to open in JupyterLab; ``make selfgrade`` then grades every exercise in
``exercises/mine/`` (or give a notebook or folder).

It works on a copy (your notebook file is never changed), offline, with no hub and no trainer:

1. finds the assignment's source notebook in the kit (``exercises/source/<name>/<name>.ipynb``),
   or the one given with ``--source``;
2. repairs the copy the way the cohort grader does (a deleted, duplicated, retyped or edited
   check or instruction cell is put back), and says what it repaired;
3. runs the copy top to bottom in a fresh kernel (each cell stopped after ``--cell-timeout``);
4. scores each check as nbgrader would, and writes a feedback page
   (``<name>_selfgrade.html`` next to the notebook) and a summary in the terminal.

**Hidden checks.** When the source notebook is on this machine (it is, in a checkout of the kit),
the hidden checks run too, so the score is the one the grader would give. Their text and their
messages are never shown: the page says only how many passed. ``--visible-only`` leaves them out
(the score then covers the visible checks only). Written answers are marked by a trainer with the
rubric; the self-grade says whether one is there.
"""

from __future__ import annotations

import argparse
import copy
import html
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .course import GradingError, kit_root
from .messages import error_line, grade_id, hidden_regions, kind, plain_error, question_of, remove_hidden
from .repair import _read_nb, repair_notebook

__all__ = ["main", "selfgrade", "SelfGrade", "find_source", "release_version", "new_copy", "MINE"]

#: Where ``--new`` puts a learner's own copies, inside the kit's course folder (git-ignored).
MINE = "mine"

TEXT_STUB = "YOUR ANSWER HERE"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


@dataclass
class CellResult:
    cell: str
    question: str
    points: float
    max_points: float
    passed: bool
    messages: list = field(default_factory=list)
    hidden: int = 0  # hidden regions in this check
    hidden_failed: bool = False


@dataclass
class SelfGrade:
    notebook: Path
    assignment: str
    with_hidden: bool
    source_found: bool
    checks: list = field(default_factory=list)  # CellResult
    written: dict = field(default_factory=dict)  # qid -> (max points, answered?)
    repairs: list = field(default_factory=list)  # sentences
    page: Path | None = None

    @property
    def score(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.checks)

    def by_question(self) -> dict:
        out: dict = {}
        for c in self.checks:
            q = out.setdefault(c.question, {"points": 0.0, "max": 0.0, "messages": [], "hidden_failed": 0,
                                             "hidden": 0})
            q["points"] += c.points
            q["max"] += c.max_points
            q["messages"] += c.messages
            q["hidden"] += c.hidden
            q["hidden_failed"] += int(c.hidden_failed)
        return out

    def text(self) -> str:
        lines = [f"{self.notebook.name}: {self.score:g} of {self.max_score:g} auto-graded points "
                 f"({'visible and hidden checks' if self.with_hidden else 'visible checks only'})."]
        for q, r in self.by_question().items():
            mark = "✓" if r["points"] >= r["max"] - 1e-9 else "✗"
            lines.append(f"  {mark} {q}: {r['points']:g} of {r['max']:g}")
            for m in dict.fromkeys(r["messages"]):
                lines.append(f"      - {m}")
            if r["hidden_failed"]:
                lines.append("      - A hidden check did not pass: read the question again; the visible checks only "
                             "test the shape of the answer.")
        for q, (pts, answered) in self.written.items():
            lines.append(f"  • {q} (written, {pts:g} points): {'answered' if answered else 'not answered yet'}; "
                         "your trainer marks it with the rubric.")
        for r in self.repairs:
            lines.append(f"  Repaired in the copy graded: {r}")
        if not self.source_found:
            lines.append("  (The assignment's source notebook was not found, so only the checks in your notebook ran.)")
        if self.page:
            lines.append(f"Feedback page: {self.page}")
        return "\n".join(lines)


def find_source(notebook: Path, source: str | os.PathLike | None = None) -> Path | None:
    """The assignment's source notebook: ``source`` if given, else ``exercises/source/<stem>/<stem>.ipynb``
    under the kit, the notebook's parents, or ``$LINKAGES_COURSE``."""
    if source:
        p = Path(source)
        if p.is_dir():
            p = p / f"{notebook.stem}.ipynb"
        return p if p.is_file() else None
    stem = notebook.stem
    roots = [kit_root() / "exercises"]
    if os.environ.get("LINKAGES_COURSE"):
        roots.insert(0, Path(os.environ["LINKAGES_COURSE"]))
    for parent in notebook.resolve().parents:
        roots.append(parent / "exercises")
        roots.append(parent)
    for r in roots:
        p = r / "source" / stem / f"{stem}.ipynb"
        if p.is_file():
            return p
    return None


def _clear_solution(src: str) -> str:
    lines, out, inside = src.split("\n"), [], False
    for line in lines:
        if "BEGIN SOLUTION" in line:
            inside = True
            out.extend(CODE_STUB.split("\n"))
        elif "END SOLUTION" in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def release_version(source_nb, with_hidden: bool = False):
    """The learner's version of a source notebook: solutions and model answers replaced by stubs,
    hidden checks removed unless ``with_hidden``."""
    nb = copy.deepcopy(source_nb)
    for c in nb.cells:
        k = kind(c)
        if k == "answer":
            c.source = _clear_solution(c.source)
        elif k == "written":
            c.source = TEXT_STUB
        elif k == "test" and not with_hidden:
            c.source = remove_hidden(c.source)
    return nb


def _execute(nb, cwd: Path, cell_timeout: int) -> None:
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, record_timing=False,
                            error_on_timeout={"ename": "CellTimeoutError", "evalue": "", "traceback": []},
                            resources={"metadata": {"path": str(cwd)}})
    from .memory import quiet_stderr

    with quiet_stderr():  # the kernel inherits stderr; ipykernel warns there about its transport
        client.execute()


def _score(cell) -> tuple[float, float, list[str], int, bool]:
    from nbgrader.utils import determine_grade

    score, max_points = determine_grade(cell)
    score = float(score or 0.0)
    regions = hidden_regions(cell.source)
    messages, hidden_failed = [], False
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            line = error_line(out.get("traceback", []))
            if regions and (line is None or any(a <= line <= b for a, b in regions)) and out.get("ename") == "AssertionError":
                hidden_failed = True
            elif regions and line is not None and any(a <= line <= b for a, b in regions):
                hidden_failed = True
            else:
                messages.append(plain_error(out.get("ename", ""), out.get("evalue", "")))
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            messages.append("The check printed a warning, which counts as not passed; run the cell to see it.")
    if score < max_points and not messages and not hidden_failed and regions:
        hidden_failed = True  # partial credit from hidden checks
    return score, float(max_points), messages, len(regions), hidden_failed


def selfgrade(notebook: str | os.PathLike, source: str | os.PathLike | None = None, visible_only: bool = False,
              cell_timeout: int = 60, out: str | os.PathLike | None = None) -> SelfGrade:
    path = Path(notebook)
    if not path.is_file():
        raise GradingError(f"There is no notebook at {path}.")
    nb = _read_nb(path)
    if nb is None:
        raise GradingError(f"{path.name} could not be read as a notebook (is it saved, and not damaged?).")
    src_path = find_source(path, source)
    src_nb = nbformat.read(str(src_path), as_version=4) if src_path else None
    with_hidden = bool(src_nb is not None and not visible_only)
    result = SelfGrade(path, path.stem, with_hidden, src_nb is not None)
    if src_nb is not None:
        fixes = repair_notebook(nb, release_version(src_nb, with_hidden=False))
        result.repairs = [d for _, _, d in fixes]
        if with_hidden:
            full = {grade_id(c): c.source for c in src_nb.cells if kind(c) == "test"}
            for c in nb.cells:
                if kind(c) == "test" and grade_id(c) in full:
                    c.source = full[grade_id(c)]
    if not any(kind(c) == "test" for c in nb.cells):
        raise GradingError(f"{path.name} has no checks to run: is it one of the kit's exercises?")
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    _execute(nb, path.parent.resolve(), cell_timeout)
    for c in nb.cells:
        k = kind(c)
        if k == "test":
            score, max_points, messages, hidden, hidden_failed = _score(c)
            result.checks.append(CellResult(grade_id(c), question_of(grade_id(c)), score, max_points,
                                            score >= max_points - 1e-9, messages, hidden, hidden_failed))
        elif k == "written":
            text = c.source.strip()
            result.written[grade_id(c)] = (float(c.metadata["nbgrader"].get("points", 0)),
                                           bool(text) and text != TEXT_STUB)
    page = Path(out) if out else path.with_name(f"{path.stem}_selfgrade.html")
    result.page = _write_page(result, page)
    return result


def _write_page(r: SelfGrade, page: Path) -> Path:
    rows = []
    for q, d in r.by_question().items():
        ok = d["points"] >= d["max"] - 1e-9
        notes = [html.escape(m) for m in dict.fromkeys(d["messages"])]
        if d["hidden_failed"]:
            notes.append("A hidden check did not pass: read the question again; the visible checks only test the "
                         "shape of the answer.")
        rows.append(f"<tr><th scope='row'>{html.escape(q)}</th><td>{d['points']:g} of {d['max']:g}</td>"
                    f"<td>{'passed' if ok else 'not yet'}</td><td>{'<br>'.join(notes) or '—'}</td></tr>")
    written = "".join(f"<li>{html.escape(q)} ({p:g} points): {'answered' if a else 'not answered yet'}. "
                      "Your trainer marks written answers with the rubric.</li>" for q, (p, a) in r.written.items())
    repairs = "".join(f"<li>{html.escape(x)}</li>" for x in r.repairs)
    scope = ("visible and hidden checks (the hidden ones are not shown)" if r.with_hidden
             else "visible checks only")
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Self-grade: {html.escape(r.notebook.name)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
table{{border-collapse:collapse}}th,td{{border:1px solid #bbb;padding:.3rem .6rem;text-align:left;vertical-align:top}}</style>
</head><body>
<h1>Self-grade: {html.escape(r.notebook.name)}</h1>
<p><strong>{r.score:g} of {r.max_score:g}</strong> auto-graded points, from the {scope}.
Your notebook file was not changed: a copy was run from the top in a fresh kernel.</p>
<table><thead><tr><th scope="col">Question</th><th scope="col">Points</th><th scope="col">Result</th>
<th scope="col">What to look at</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
{'<h2>Written answers</h2><ul>' + written + '</ul>' if written else ''}
{'<h2>Repaired in the copy graded</h2><ul>' + repairs + '</ul>' if repairs else ''}
{'' if r.source_found else '<p>The source of this assignment was not found on this computer, so only the checks in your notebook ran.</p>'}
</body></html>
"""
    try:
        page.write_text(body, encoding="utf-8")
    except OSError:
        return None
    return page


def new_copy(assignment: str, course: Path | None = None, dest: Path | None = None) -> Path:
    """Make a learner's own copy of ``assignment`` (its notebook in the learner's version, and its
    data files) in ``dest`` (default ``exercises/mine/<assignment>/``). An existing copy is kept."""
    course = course or kit_root() / "exercises"
    src = course / "source" / assignment
    if not (src / f"{assignment}.ipynb").is_file():
        names = sorted(p.name for p in (course / "source").iterdir() if p.is_dir()) if (course / "source").is_dir() else []
        raise GradingError(f"There is no exercise called {assignment}" + (f" (the exercises are {', '.join(names)})." if names else "."))
    dest = dest or course / MINE / assignment
    target = dest / f"{assignment}.ipynb"
    if target.exists():
        raise GradingError(f"You already have a copy at {target}; open it, or move it away to start again.")
    dest.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file() and f.suffix != ".ipynb":
            (dest / f.name).write_bytes(f.read_bytes())
    nbformat.write(release_version(nbformat.read(str(src / f"{assignment}.ipynb"), as_version=4)), str(target))
    return target


def _exercise_notebooks(folder: Path) -> list[Path]:
    out = []
    for p in sorted(folder.glob("*.ipynb")):
        nb = _read_nb(p)
        if nb is not None and any(kind(c) == "test" for c in nb.cells):
            out.append(p)
    return out


def _notebooks(target: Path | None) -> list[Path]:
    if target is None:  # here, else the assignment folders here, else exercises/mine/*/
        here = Path.cwd()
        found = _exercise_notebooks(here)
        for folder in ([p for p in sorted(here.iterdir()) if p.is_dir() and p.name[:1] == "m"],
                       sorted((kit_root() / "exercises" / MINE).glob("*/"))):
            if not found:
                found = [nb for d in folder for nb in _exercise_notebooks(d)]
        return found
    if target.is_file():
        return [target]
    if target.is_dir():
        return _exercise_notebooks(target) or [nb for d in sorted(target.glob("*/")) for nb in _exercise_notebooks(d)]
    raise GradingError(f"There is no notebook or folder at {target}.")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="linkages selfgrade", description="Grade your own copy of an exercise.")
    p.add_argument("path", nargs="?", default=None,
                   help="your notebook, or a folder of them (default: here, else exercises/mine/)")
    p.add_argument("--new", metavar="ASSIGNMENT", help="make your own copy of an exercise in exercises/mine/")
    p.add_argument("--source", help="the assignment's source notebook or folder (default: found in the kit)")
    p.add_argument("--visible-only", action="store_true", help="run only the checks you can see")
    p.add_argument("--cell-timeout", type=int, default=60, help="seconds one cell may run (default 60)")
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        if args.new:
            target = new_copy(args.new, dest=Path(args.path) if args.path else None)
            print(f"Your copy of {args.new} is at {target}. Open it in JupyterLab, answer the questions, save, "
                  f"then run `linkages selfgrade {target}` (or `make selfgrade`).")
            return 0
        books = _notebooks(Path(args.path) if args.path else None)
        if not books:
            where = Path(args.path).resolve() if args.path else Path.cwd()
            print(f"There is no exercise notebook in {where}. Give the path of yours, for example "
                  "`linkages selfgrade m1_calworks.ipynb`, or make a copy first: `linkages selfgrade --new m1_calworks`.",
                  file=sys.stderr)
            return 2
        for b in books:
            print(f"Grading {b} (this takes a little while: it runs the whole notebook)...")
            print(selfgrade(b, args.source, args.visible_only, args.cell_timeout).text())
        return 0
    except GradingError as e:
        print(str(e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 — a learner gets a sentence, never a traceback
        print(f"The self-grade could not finish ({type(e).__name__}: {e}). Save the notebook, restart its kernel, "
              "and try again; if it happens again, show this message to your trainer.", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
