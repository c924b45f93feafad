"""Plain-language messages for errors in a learner's notebook, and the bits of nbgrader cell
metadata the checker, the self-grader and the feedback pages all read.

Nothing here ever returns a traceback: an error becomes one or two sentences.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

__all__ = ["strip_ansi", "plain_error", "hidden_regions", "remove_hidden", "error_line", "kind",
           "grade_id", "question_of", "HIDDEN_BEGIN", "HIDDEN_END"]

HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"
HIDDEN_END = "END HIDDEN TESTS"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_NAME = re.compile(r"name '([^']+)' is not defined")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text or "")


def _short(text: str, n: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def plain_error(ename: str, evalue: str) -> str:
    """One or two sentences for an error a cell raised."""
    evalue = strip_ansi(str(evalue or "")).strip()
    if ename == "AssertionError":
        return _short(evalue) if evalue else "A check did not hold."
    if ename in ("NameError", "UnboundLocalError"):
        m = _NAME.search(evalue)
        name = m.group(1) if m else "a name"
        return (f"`{name}` does not exist yet: write your answer in the answer cell above and run it "
                "(and the cells before it).")
    if ename == "NotImplementedError":
        return "This answer has not been written yet (the cell still says raise NotImplementedError())."
    if ename in ("CellTimeoutError", "KeyboardInterrupt", "TimeoutError", "DeadKernelError"):
        return ("This cell ran for too long and was stopped. Look for a loop that never ends, then run the "
                "notebook again from the top.")
    if ename == "ModuleNotFoundError":
        return f"A Python package is missing here ({_short(evalue, 120)}); ask your trainer to set up the kit."
    if ename == "KeyError":
        return f"Something was looked up that is not there: {_short(evalue, 120)}. Check the spelling of ids and column names."
    if ename == "TypeError":
        return f"A value is not of the kind expected here ({_short(evalue, 160)})."
    if ename in ("ValueError", "InputError", "PlanError", "ParameterError"):
        return f"A value could not be used: {_short(evalue, 200)}"
    if ename == "SyntaxError" or ename == "IndentationError":
        return f"Python could not read this code ({_short(evalue, 120)}): check brackets, quotes and indentation."
    if ename in ("AttributeError", "IndexError", "ZeroDivisionError"):
        return f"This could not be worked out ({_short(evalue, 160)})."
    return f"This did not run ({ename}: {_short(evalue, 160)})."


def hidden_regions(source: str) -> list[tuple[int, int]]:
    """1-based (first, last) line numbers of the hidden-test regions, delimiters included."""
    out, start = [], None
    for i, line in enumerate(source.split("\n"), start=1):
        if HIDDEN_BEGIN in line and start is None:
            start = i
        elif HIDDEN_END in line and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(source.split("\n"))))
    return out


def remove_hidden(source: str, placeholder: str | None = None) -> str:
    """The source without its hidden-test regions (optionally a placeholder line in their place)."""
    lines = source.split("\n")
    regions = hidden_regions(source)
    keep = []
    for i, line in enumerate(lines, start=1):
        r = next((r for r in regions if r[0] <= i <= r[1]), None)
        if r is None:
            keep.append(line)
        elif i == r[0] and placeholder:
            keep.append(placeholder)
    return "\n".join(keep)


_CELL_LINE = re.compile(r"(?:Cell In\s*\[\d*\]|<ipython-input-[^>]*>|<cell line: \d+>|Input In \[\d*\]),\s*line (\d+)")


def error_line(traceback: Iterable[str]) -> int | None:
    """The line of the cell itself where an error was raised, from an IPython traceback."""
    for entry in traceback or []:
        m = _CELL_LINE.search(strip_ansi(entry))
        if m:
            return int(m.group(1))
    return None


def grade_id(cell: Any) -> str | None:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def kind(cell: Any) -> str | None:
    """``test``, ``answer``, ``written``, ``locked`` or None (an ordinary cell)."""
    nbg = cell.get("metadata", {}).get("nbgrader") or {}
    if not nbg.get("grade_id"):
        return None
    grade, solution = bool(nbg.get("grade")), bool(nbg.get("solution"))
    if grade and not solution:
        return "test"
    if solution and not grade:
        return "answer"
    if solution and grade:
        return "written"
    if nbg.get("task"):
        return "task"
    if nbg.get("locked"):
        return "locked"
    return None


def question_of(gid: str) -> str:
    """``q3_value`` → ``q3``: the question a test cell belongs to (the part before the first ``_``)."""
    return gid.split("_", 1)[0]
