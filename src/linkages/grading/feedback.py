"""Feedback pages without tracebacks, and with hidden checks kept hidden.

:class:`PlainFeedback` is an nbconvert preprocessor the course's ``nbgrader_config.py`` adds to
``nbgrader generate_feedback``: every error output becomes a sentence (see
:func:`~linkages.grading.messages.plain_error`); the hidden part of a test cell is replaced by a
one-line note, and an error raised inside it says only that a hidden check did not pass, so the
page can be shared with learners and the same hidden tests used for the next cohort.

:func:`timed_out_page` writes the feedback page of a notebook that the grader had to stop.
"""

from __future__ import annotations

import html
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from .messages import error_line, hidden_regions, kind, plain_error, remove_hidden

__all__ = ["PlainFeedback", "plain_outputs", "timed_out_page", "offline_template_dirs", "HIDDEN_PLACEHOLDER",
           "HIDDEN_FAILED"]

HIDDEN_PLACEHOLDER = "# (hidden checks ran here; they are not shown)"
HIDDEN_FAILED = ("One of the hidden checks did not pass. Read the question again and compare your answer "
                 "with the rules in the module; the visible checks only test the shape of the answer.")


def plain_outputs(cell: NotebookNode) -> None:
    """Replace error outputs of one cell (in place) with plain sentences; hide hidden tests."""
    regions = hidden_regions(cell.get("source", "")) if kind(cell) == "test" else []
    new = []
    for out in cell.get("outputs", []) or []:
        if out.get("output_type") != "error":
            new.append(out)
            continue
        line = error_line(out.get("traceback", []))
        if regions and line is not None and any(a <= line <= b for a, b in regions):
            msg = HIDDEN_FAILED
        elif regions and line is None and out.get("ename") == "AssertionError":
            msg = HIDDEN_FAILED  # cannot tell where: say nothing a hidden check might reveal
        else:
            msg = plain_error(out.get("ename", ""), out.get("evalue", ""))
        new.append(NotebookNode({"output_type": "stream", "name": "stdout", "text": f"Not passed: {msg}\n"}))
    if "outputs" in cell:
        cell["outputs"] = new
    if regions:
        cell["source"] = remove_hidden(cell["source"], HIDDEN_PLACEHOLDER)


class PlainFeedback(Preprocessor):
    """nbconvert preprocessor: :func:`plain_outputs` on every cell."""

    enabled = Bool(True).tag(config=True)  # nbconvert's default is off for registered preprocessors

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") == "code":
            plain_outputs(cell)
        return cell, resources


def offline_template_dirs() -> list[str]:
    """Template folders for nbgrader's feedback pages, for ``HTMLExporter.extra_template_basedirs``
    in the course's ``nbgrader_config.py``: the kit's (first: its ``feedback/mathjax.html.j2``
    loads no MathJax from a CDN), then nbgrader's own (its feedback template, unchanged)."""
    import nbgrader

    kit = Path(__file__).resolve().parent / "templates"
    ours = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"
    return [str(kit), str(ours)]


def timed_out_page(path: Path, student: str, assignment: str, notebook: str, seconds: float) -> Path:
    """A feedback page for a notebook the grader stopped after ``seconds``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Feedback: {html.escape(assignment)} / {html.escape(notebook)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5;padding:0 1rem}}</style>
</head><body>
<h1>Feedback: {html.escape(notebook)}</h1>
<p>Learner: {html.escape(student)}. Assignment: {html.escape(assignment)}.</p>
<p><strong>Your notebook could not be graded this time.</strong> It was still running after
{seconds:.0f} seconds, so the grader stopped it and recorded 0 points for the auto-graded questions.
This usually means a loop that never ends.</p>
<p>What to do: open the notebook, choose <em>Kernel → Restart and run all</em>, and look for a cell that
keeps running (its marker shows <code>[*]</code>). Fix or remove the loop, save, and send the notebook
again. Your trainer can regrade it; your written answers are still marked by hand.</p>
</body></html>
"""
    path.write_text(body, encoding="utf-8")
    return path
