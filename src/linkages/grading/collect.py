"""Collect learners' notebooks from a folder or an LMS zip into ``submitted/<learner>/<assignment>/``.

Accepted layouts (mixed freely, in a folder or a ``.zip``):

- ``<learner>/<assignment>/<notebook>.ipynb`` — nbgrader's own layout (e.g. copied from a hub);
- ``<learner>/<notebook>.ipynb`` — one folder per learner;
- ``<learner>_<notebook>.ipynb`` — a flat download, the learner id first. LMS downloads add
  their own numbers and words (Canvas: ``doejane_12345_67890_m1_calworks.ipynb``; Moodle:
  ``Jane Doe_12345_assignsubmission_file_m1_calworks.ipynb``); those are dropped, and the
  learner id is the rest in lower case with spaces as underscores (``doejane``, ``jane_doe``).
  The LMS's own suffix for a second attempt (``m1_calworks-1.ipynb``, ``m1_calworks (2).ipynb``)
  is understood too.

The notebook is recognised by its name (the assignments' notebook names). When the same learner
handed in the same notebook twice, the most recently modified file is kept. Every file that
cannot be placed is listed, with the reason, and left alone: a notebook whose name or learner
cannot be told, and any file that is not a notebook (a PDF or a screenshot handed in instead,
an assignment's data file). Files the operating system or Jupyter made (``__MACOSX/``,
``.DS_Store``, ``.ipynb_checkpoints/``, hidden files) are counted in one sentence.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .course import STUDENT_ID, Course, GradingError

__all__ = ["collect", "CollectReport", "learner_id"]

_SKIP_DIRS = {"__MACOSX", ".ipynb_checkpoints"}
_LMS_WORDS = re.compile(r"(?:_|\b)(?:late|assignsubmission_file|assignsubmission_onlinetext|onlinetext|submission)(?:_|\b)", re.I)
_ATTEMPT = re.compile(r"(?:\s*\(\d+\)|-\d+|_\d+)$")


@dataclass
class CollectReport:
    placed: list = field(default_factory=list)  # (learner, assignment, notebook, from)
    skipped: list = field(default_factory=list)  # (file, reason)
    replaced: list = field(default_factory=list)  # (learner, notebook, older file)

    system: list = field(default_factory=list)  # files made by the OS or Jupyter, not by the learner

    def sentences(self) -> list[str]:
        out = [f"Collected {len(self.placed)} notebook(s) from {len({p[0] for p in self.placed})} learner(s)."]
        out += [f"Kept the newer of two copies of {nb} from {who} (left out {old})." for who, nb, old in self.replaced]
        out += [f"Left out {f}: {why}" for f, why in self.skipped]
        if self.system:
            out.append(f"Left out {len(self.system)} file(s) made by the computer, not the learners "
                       f"(such as {self.system[0]}).")
        return out


def learner_id(raw: str) -> str | None:
    """A safe learner id from an LMS name: lower case, spaces → underscores, LMS numbers dropped."""
    s = _LMS_WORDS.sub("_", raw)
    parts = [p for p in re.split(r"[_\s]+", s.strip()) if p]
    # LMS ids are numbers: keep the words before the first purely numeric part
    words = []
    for p in parts:
        if p.isdigit():
            break
        words.append(p)
    if not words:
        return None
    ident = "_".join(words).lower()
    ident = re.sub(r"[^a-z0-9._-]", "", ident).strip("._-")
    return ident if ident and STUDENT_ID.match(ident) else None


def _notebook_names(course: Course) -> dict[str, str]:
    """notebook stem -> assignment"""
    out = {}
    for a in course.assignments():
        for nb in course.notebooks(a):
            out[nb] = a
    return out


def _match_notebook(stem: str, names: dict[str, str]) -> tuple[str | None, str]:
    """(notebook name, what comes before it in the file name)."""
    base = _ATTEMPT.sub("", stem)
    for candidate in (stem, base):
        for nb in sorted(names, key=len, reverse=True):
            if candidate == nb:
                return nb, ""
            if candidate.endswith(nb):
                return nb, candidate[: -len(nb)]
    return None, ""


def _files(root: Path) -> tuple[list[Path], list[Path]]:
    """(files a learner may have handed in, files the OS or Jupyter made)."""
    out, system = [], []
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            if d in _SKIP_DIRS or d.startswith("."):
                system += [p for p in sorted((Path(dirpath) / d).rglob("*")) if p.is_file()]
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        for f in filenames:
            (system if f.startswith(".") or f in ("Thumbs.db", "desktop.ini") else out).append(Path(dirpath) / f)
    return sorted(out), sorted(system)


def _data_files(course: Course) -> set[str]:
    """Names of the files that come with the assignments (cast_plans.csv, ...)."""
    return {p.name for a in course.assignments() for p in (course.source / a).iterdir()
            if p.is_file() and p.suffix != ".ipynb"}


def collect(source: str | os.PathLike, course: Course) -> CollectReport:
    """Copy every notebook found in ``source`` (a folder or a .zip) into the course's submitted/."""
    src = Path(source)
    if not src.exists():
        raise GradingError(f"There is nothing at {src} to collect submissions from.")
    tmp = None
    if src.is_file():
        if not zipfile.is_zipfile(src):
            raise GradingError(f"{src.name} is neither a folder nor a zip file.")
        tmp = Path(tempfile.mkdtemp(prefix="linkages-collect-"))
        try:
            with zipfile.ZipFile(src) as z:
                for info in z.infolist():
                    name = info.filename
                    if name.endswith("/") or ".." in Path(name).parts or Path(name).is_absolute():
                        continue
                    target = tmp / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(info) as fin, open(target, "wb") as fout:
                        shutil.copyfileobj(fin, fout)
                    t = __import__("datetime").datetime(*info.date_time).timestamp()
                    os.utime(target, (t, t))
        except zipfile.BadZipFile as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise GradingError(f"{src.name} could not be opened as a zip file ({e}).") from None
        root = tmp
    else:
        root = src
    names = _notebook_names(course)
    assignments = set(course.assignments())
    report = CollectReport()
    chosen: dict[tuple[str, str], Path] = {}
    data_files = _data_files(course)
    try:
        files, system = _files(root)
        report.system = [str(p.relative_to(root)) for p in system]
        for f in files:
            rel = f.relative_to(root)
            parts = list(rel.parts[:-1])
            if f.suffix.lower() != ".ipynb":
                why = ("it is a data file that comes with the assignment; the grader uses the course's own copy."
                       if f.name in data_files else
                       "it is not a notebook (.ipynb), so it cannot be graded; if it was handed in instead of the "
                       "notebook, ask the learner for the notebook itself.")
                report.skipped.append((str(rel), why))
                continue
            nb, prefix = _match_notebook(f.stem, names)
            if nb is None:
                report.skipped.append((str(rel), "its name is not one of the course's notebooks "
                                                 f"({', '.join(sorted(names))})."))
                continue
            assignment = names[nb]
            who = None
            folders = [p for p in parts if p not in assignments]
            if folders:
                who = learner_id(folders[-1]) if len(folders) == 1 else learner_id(folders[0])
            if who is None and prefix.strip("_- "):
                who = learner_id(prefix)
            if who is None:
                report.skipped.append((str(rel), "the learner could not be told from its folder or file name."))
                continue
            key = (who, nb)
            if key in chosen:
                older, newer = sorted([chosen[key], f], key=lambda p: p.stat().st_mtime)
                report.replaced.append((who, nb, str(older.relative_to(root))))
                chosen[key] = newer
            else:
                chosen[key] = f
        for (who, nb), f in sorted(chosen.items()):
            assignment = names[nb]
            dest = course.submitted / who / assignment
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest / f"{nb}.ipynb")
            report.placed.append((who, assignment, nb, str(f.relative_to(root))))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return report
