"""Integrity repair of a submitted notebook before nbgrader grades it.

Learners duplicate, split, delete, retype and edit cells. nbgrader copes with some of it (it keeps
the last of two cells with the same id, and puts back the source of an edited read-only cell),
but silently, and a deleted cell either scores nothing or, with ``add_missing_cells``, can stop
the notebook's grading altogether. This step repairs the notebook against the released copy the
learner started from, so every notebook can be graded on the original tests, and reports each
repair in words.

Repairs (``action`` in the report):

``duplicate_removed``   a test or read-only cell appeared more than once (copied or split): one
                        copy is kept, the others are removed (the original source comes back).
``duplicate_answer``    an answer cell appeared more than once: every copy still runs, in order;
                        the last copy is the one graded (as nbgrader does).
``answers_merged``      a written answer appeared more than once: the texts are joined into one
                        cell, so nothing the learner wrote is lost.
``restored_deleted``    a cell of the released notebook was missing: the released cell is put
                        back after the cell that came before it.
``restored_edited``     a test or read-only cell had been edited: its source is put back (the
                        hidden checks come back at grading).
``restored_type``       a cell's type had been changed (code ↔ markdown ↔ raw): the type is put
                        back; the learner's text is kept.
``unknown_cell``        a cell carried a grading id this assignment does not have: the id is
                        removed (the cell still runs).
``renamed_notebook``    the expected notebook was missing but one other notebook was there
                        (say ``m1_calworks (1).ipynb``): it is graded under the expected name.
``unreadable``          the file was not a readable notebook: it is graded as the blank released
                        copy (0 points), and the original kept beside the report.
``missing_notebook``    no notebook was submitted for this assignment: 0 points.

The pipeline adds ``timed_out`` (stopped after the per-notebook time limit) and ``error``.
"""

from __future__ import annotations

import copy
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .messages import grade_id, kind

__all__ = ["Repair", "repair_notebook", "repair_submission", "ACTIONS", "write_report", "read_report"]

ACTIONS = ("duplicate_removed", "duplicate_answer", "answers_merged", "restored_deleted", "restored_edited",
           "restored_type", "unknown_cell", "renamed_notebook", "unreadable", "missing_notebook", "timed_out",
           "error")


@dataclass
class Repair:
    student: str
    assignment: str
    notebook: str
    cell: str
    action: str
    detail: str

    def sentence(self) -> str:
        where = f"{self.student} / {self.assignment}/{self.notebook}"
        return f"{where}{' [' + self.cell + ']' if self.cell else ''}: {self.detail}"


_KIND_WORDS = {"test": "test cell", "answer": "answer cell", "written": "written answer", "locked": "read-only cell",
               "task": "task cell"}


def _src(cell) -> str:
    s = cell.get("source", "")
    return s if isinstance(s, str) else "".join(s)


def _retype(cell: NotebookNode, new_type: str) -> NotebookNode:
    out = NotebookNode({"cell_type": new_type, "metadata": cell.get("metadata", {}), "source": _src(cell)})
    if "id" in cell:
        out["id"] = cell["id"]
    if new_type == "code":
        out["outputs"] = []
        out["execution_count"] = None
    if "attachments" in cell and new_type in ("markdown", "raw"):
        out["attachments"] = cell["attachments"]
    return out


def repair_notebook(nb: NotebookNode, reference: NotebookNode) -> list[tuple[str, str, str]]:
    """Repair ``nb`` in place against ``reference`` (the released notebook).

    Returns ``(cell id, action, detail)`` triples, in the order the repairs were made.
    """
    done: list[tuple[str, str, str]] = []
    ref_cells = [c for c in reference.cells if grade_id(c)]
    ref_by_id = {grade_id(c): c for c in ref_cells}
    ref_order = [grade_id(c) for c in ref_cells]
    stub = {gid: _src(c) for gid, c in ref_by_id.items()}

    # 1. cells with ids this assignment does not have
    for c in nb.cells:
        gid = grade_id(c)
        if gid and gid not in ref_by_id:
            c.metadata.pop("nbgrader", None)
            done.append((gid, "unknown_cell", f"A cell carried the grading id '{gid}', which this assignment does not "
                                              "have; the id was removed and the cell still runs."))

    # 2. duplicates
    positions: dict[str, list[int]] = {}
    for i, c in enumerate(nb.cells):
        gid = grade_id(c)
        if gid:
            positions.setdefault(gid, []).append(i)
    drop: set[int] = set()
    for gid, idx in positions.items():
        if len(idx) < 2:
            continue
        k = kind(ref_by_id[gid])
        n = len(idx)
        if k == "answer":
            for i in idx[:-1]:
                nb.cells[i].metadata.pop("nbgrader", None)
            done.append((gid, "duplicate_answer", f"The answer cell {gid} appeared {n} times (copied or split). "
                                                  "All copies still run, in order; the last one is graded as the answer."))
        elif k == "written":
            texts = []
            for i in idx:
                t = _src(nb.cells[i]).strip()
                if t and t != stub[gid].strip() and t not in texts:
                    texts.append(t)
            keep = idx[-1]
            nb.cells[keep]["source"] = "\n\n".join(texts) if texts else stub[gid]
            drop.update(idx[:-1])
            done.append((gid, "answers_merged", f"The written answer {gid} appeared {n} times; "
                                                f"{'the texts were joined into one answer' if len(texts) > 1 else 'one copy was kept'}, "
                                                "so nothing written is lost."))
        else:
            drop.update(idx[1:])
            done.append((gid, "duplicate_removed", f"The {_KIND_WORDS.get(k, 'cell')} {gid} appeared {n} times "
                                                   "(copied or split); one copy was kept with its original content."))
    if drop:
        nb.cells = [c for i, c in enumerate(nb.cells) if i not in drop]

    # 3. types and edits of the cells that are there
    for i, c in enumerate(nb.cells):
        gid = grade_id(c)
        if not gid:
            continue
        ref = ref_by_id[gid]
        k = kind(ref)
        if c.get("cell_type") != ref.cell_type:
            old = c.get("cell_type")
            nb.cells[i] = c = _retype(c, ref.cell_type)
            done.append((gid, "restored_type", f"The {_KIND_WORDS.get(k, 'cell')} {gid} had been changed from "
                                               f"{ref.cell_type} to {old}; it is {ref.cell_type} again, with its text kept."))
        if k in ("test", "locked") and _src(c) != _src(ref):
            c["source"] = _src(ref)
            if ref.cell_type == "code":
                c["outputs"] = []
                c["execution_count"] = None
            done.append((gid, "restored_edited", f"The {_KIND_WORDS[k]} {gid} had been edited; its original content "
                                                 "was put back, so it is graded on the original checks."))
        # the grading metadata itself (points, locked, type) comes back from the released cell
        if k in ("test", "locked", "written", "answer"):
            c.metadata["nbgrader"] = copy.deepcopy(ref.metadata["nbgrader"])

    # 4. deleted cells: put each back after the nearest earlier cell of the released notebook
    present = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
    for pos, gid in enumerate(ref_order):
        if gid in present:
            continue
        ref = ref_by_id[gid]
        anchor = next((present[p] for p in reversed(ref_order[:pos]) if p in present), -1)
        cell = copy.deepcopy(ref)
        if cell.cell_type == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.pop("id", None)
        nb.cells.insert(anchor + 1, cell)
        present = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
        k = kind(ref)
        what = {"answer": "A blank answer cell was put back, so this question's checks run on whatever the notebook "
                          "defines (usually nothing: 0 points).",
                "written": "A blank answer cell was put back (0 points unless the answer is found elsewhere by the marker).",
                }.get(k, "It was put back from the released notebook.")
        done.append((gid, "restored_deleted", f"The {_KIND_WORDS.get(k, 'cell')} {gid} had been deleted. {what}"))

    # cell ids must be unique for nbformat 4.5
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5):
        seen = set()
        for c in nb.cells:
            cid = c.get("id")
            if not cid or cid in seen:
                base = (grade_id(c) or "cell").replace(".", "-")
                cid, n = base, 1
                while cid in seen:
                    n += 1
                    cid = f"{base}-{n}"
                c["id"] = cid
            seen.add(cid)
    return done


def _read_nb(path: Path) -> NotebookNode | None:
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:  # noqa: BLE001 — any unreadable file is handled the same way
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None
    for c in nb.cells:
        if not isinstance(c, dict) or c.get("cell_type") not in ("code", "markdown", "raw"):
            return None
        c.setdefault("metadata", NotebookNode())
        c.setdefault("source", "")
        if c["cell_type"] == "code":
            c.setdefault("outputs", [])
            c.setdefault("execution_count", None)
    return nb


def repair_submission(folder: Path, release: Path, student: str, assignment: str,
                      keep_broken: Path | None = None) -> list[Repair]:
    """Repair every notebook of one submission folder in place, against the released folder.

    ``keep_broken``: a folder to copy unreadable originals to (they are replaced in ``folder``).
    """
    reports: list[Repair] = []
    expected = sorted(p.stem for p in release.glob("*.ipynb"))
    present = sorted(folder.glob("*.ipynb"))
    names = {p.stem for p in present}
    missing = [n for n in expected if n not in names]
    extra = [p for p in present if p.stem not in expected]
    if len(missing) == 1 and len(extra) == 1:
        target = folder / f"{missing[0]}.ipynb"
        extra[0].rename(target)
        reports.append(Repair(student, assignment, missing[0], "", "renamed_notebook",
                              f"The notebook was handed in as '{extra[0].name}'; it was graded as '{target.name}'."))
        missing = []
    for name in missing:
        reports.append(Repair(student, assignment, name, "", "missing_notebook",
                              f"No notebook '{name}.ipynb' was handed in; its auto-graded questions score 0."))
    for name in expected:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            continue
        ref = nbformat.read(str(release / f"{name}.ipynb"), as_version=4)
        nb = _read_nb(path)
        if nb is None:
            if keep_broken is not None:
                keep_broken.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, keep_broken / f"{student}__{assignment}__{name}.ipynb.unreadable")
            shutil.copy2(release / f"{name}.ipynb", path)
            reports.append(Repair(student, assignment, name, "", "unreadable",
                                  "The file could not be read as a notebook, so it was graded as the blank released "
                                  "copy (0 points for the auto-graded questions); the original was kept for the trainer."))
            continue
        fixes = repair_notebook(nb, ref)
        if fixes:
            try:
                nbformat.validate(nb)
            except nbformat.ValidationError:
                pass  # nbgrader reads it anyway; writing below must not fail on a stray field
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        reports += [Repair(student, assignment, name, cell, action, detail) for cell, action, detail in fixes]
    return reports


def write_report(repairs: list[Repair], folder: Path) -> tuple[Path, Path]:
    """``repairs.csv`` (one row per repair) and ``repairs.txt`` (one sentence per repair)."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    csv_path, txt_path = folder / "repairs.csv", folder / "repairs.txt"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["student", "assignment", "notebook", "cell", "action", "detail"])
        w.writeheader()
        for r in repairs:
            w.writerow(asdict(r))
    lines = [r.sentence() for r in repairs] or ["No notebook needed repair."]
    txt_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return csv_path, txt_path


def read_report(path: Path) -> list[Repair]:
    import csv

    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return [Repair(**row) for row in csv.DictReader(f)]
