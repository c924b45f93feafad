"""``check("q3")``: run the visible checks of one question in the learner's own kernel and say,
in plain words, what passed and what to look at.

It reads the notebook file (the saved copy; the test cells are read-only, so saving is not
needed for them), takes the test cells of that question, leaves out any hidden-test region, and
runs the visible checks one statement at a time against the variables in the kernel. It needs
no hub, no grader and no network, and it never shows a hidden check or a traceback.

Which notebook: ``notebook=`` if given; else the notebook this kernel belongs to (Jupyter puts
its path in ``__session__``); else the ``.ipynb`` files in the working folder that have a
question with that id (the most recently saved first).
"""

from __future__ import annotations

import ast
import inspect
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .messages import kind, plain_error, question_of, remove_hidden

__all__ = ["check", "CheckResult", "Outcome"]


@dataclass
class Outcome:
    passed: bool
    message: str


@dataclass
class CheckResult:
    question: str
    notebook: str
    outcomes: list[Outcome] = field(default_factory=list)
    problem: str = ""  # set when the checks could not run at all
    hidden: bool = False  # the question has more checks at grading time

    @property
    def passed(self) -> int:
        return sum(o.passed for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def ok(self) -> bool:
        return not self.problem and self.total > 0 and self.passed == self.total

    def text(self) -> str:
        if self.problem:
            return f"{self.question}: {self.problem}"
        lines = [f"{self.question}: {self.passed} of {self.total} visible check{'s' if self.total != 1 else ''} passed."]
        for o in self.outcomes:
            lines.append(f"  {'✓' if o.passed else '✗'} {o.message}")
        if self.ok:
            lines.append("Well done. " + ("More checks run when your work is graded, so make sure the answer "
                                          "follows the rules in the question, not just the shape the checks test."
                                          if self.hidden else "That is every check for this question."))
        else:
            lines.append("Look at the ✗ lines, change your answer cell, run it again, then check again.")
        return "\n".join(lines)

    def __repr__(self) -> str:  # what a notebook shows
        return self.text()


def _session_notebook(ns: dict) -> Path | None:
    for value in (ns.get("__session__"), os.environ.get("JPY_SESSION_NAME")):
        if value and str(value).endswith(".ipynb"):
            p = Path(str(value))
            for cand in (p, Path.cwd() / p.name):
                if cand.is_file():
                    return cand
    return None


def _test_cells(nb: dict, qid: str) -> list[dict]:
    return [c for c in nb.get("cells", []) if kind(c) == "test"
            and question_of(c["metadata"]["nbgrader"]["grade_id"]) == qid]


def _questions(nb: dict) -> list[str]:
    out = []
    for c in nb.get("cells", []):
        if kind(c) in ("test", "written"):
            q = question_of(c["metadata"]["nbgrader"]["grade_id"])
            if q not in out:
                out.append(q)
    return out


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _find_notebook(qid: str, ns: dict, notebook: str | os.PathLike | None) -> tuple[Path | None, dict | None, str]:
    if notebook is not None:
        p = Path(notebook)
        nb = _read(p)
        if nb is None:
            return None, None, f"I could not read the notebook {p}."
        return p, nb, ""
    p = _session_notebook(ns)
    if p is not None:
        nb = _read(p)
        if nb is not None and _test_cells(nb, qid):
            return p, nb, ""
    files = sorted(Path.cwd().glob("*.ipynb"), key=lambda f: f.stat().st_mtime, reverse=True)
    for f in files:
        nb = _read(f)
        if nb is not None and _test_cells(nb, qid):
            return f, nb, ""
    if p is not None and (nb := _read(p)) is not None:
        qs = _questions(nb)
        return p, nb, (f"There is no question '{qid}' in this notebook"
                       + (f" (its questions are {', '.join(qs)})." if qs else "."))
    return None, None, (f"I could not find a notebook with a question '{qid}' in {Path.cwd()}. "
                        "Save the notebook (Ctrl+S) and try again, or pass its name: check('q1', notebook='m1_calworks.ipynb').")


def _namespace() -> dict:
    try:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            return ip.user_ns
    except ImportError:  # pragma: no cover
        pass
    frame = inspect.currentframe()
    caller = frame.f_back.f_back if frame and frame.f_back else None
    return caller.f_globals if caller else {}


def _assert_message(node: ast.Assert, src: str, ns: dict) -> str:
    if node.msg is not None:
        try:
            return str(eval(compile(ast.Expression(node.msg), "<check>", "eval"), ns))
        except Exception:  # noqa: BLE001 — a message that cannot be built is not the learner's fault
            pass
    return "This should hold: " + (ast.get_source_segment(src, node.test) or "a check")


def run_checks(source: str, ns: dict) -> list[Outcome]:
    """Run the visible checks of one test cell's source in ``ns``; one outcome per assert."""
    src = remove_hidden(source)
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return [Outcome(False, "The checks of this question could not be read (was the test cell edited?). "
                               "The grader uses the original checks.")]
    outcomes: list[Outcome] = []
    for node in tree.body:
        code = compile(ast.Module([node], type_ignores=[]), "<check>", "exec")
        if isinstance(node, ast.Assert):
            msg = _assert_message(node, src, ns)
            try:
                exec(code, ns)
            except AssertionError:
                outcomes.append(Outcome(False, msg))
            except Exception as e:  # noqa: BLE001
                outcomes.append(Outcome(False, plain_error(type(e).__name__, str(e))))
                break  # later checks need this one
            else:
                outcomes.append(Outcome(True, msg))
        elif isinstance(node, ast.Expr):
            continue  # a partial-credit score at the end of a test cell: nothing to say
        else:
            try:
                exec(code, ns)
            except Exception as e:  # noqa: BLE001
                outcomes.append(Outcome(False, plain_error(type(e).__name__, str(e))))
                break
    return outcomes


def check(question: str, notebook: str | os.PathLike | None = None, show: bool = True,
          namespace: dict | None = None):
    """Run the visible checks of ``question`` (e.g. ``"q3"``) and say what passed.

    With ``show=True`` (the default) the result is printed; with ``show=False`` it is returned
    as a :class:`CheckResult`. ``namespace``: the variables to check (default: the notebook's).
    """
    qid = str(question).strip().lower()
    ns = namespace if namespace is not None else _namespace()
    path, nb, problem = _find_notebook(qid, ns, notebook)
    result = CheckResult(qid, str(path.name) if path else "")
    if problem:
        result.problem = problem
    else:
        cells = _test_cells(nb, qid)
        if not cells:
            qs = _questions(nb)
            result.problem = (f"There is no question '{qid}' with checks in {path.name}"
                              + (f" (questions with checks: {', '.join(q for q in qs if _test_cells(nb, q))})." if qs else "."))
        else:
            scratch = dict(ns)  # the checks never change the learner's variables
            for c in cells:
                src = c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                if "HIDDEN" in src or "# More checks run when your work is graded" in src:
                    result.hidden = True
                result.outcomes += run_checks(src, scratch)
    if show:
        print(result.text())
        return None
    return result
