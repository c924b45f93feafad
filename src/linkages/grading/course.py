"""The nbgrader course folder: where it is, its assignments and notebooks, its configuration,
and running nbgrader with the environment it needs on these machines.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GradingError", "Course", "find_course", "kit_root", "nbgrader_env", "fix_path", "run_nbgrader",
           "STUDENT_ID", "cores"]

#: Learner ids the pipeline accepts: letters, digits, dot, dash, underscore (nbgrader uses them as
#: folder names).
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class GradingError(Exception):
    """Something the trainer or learner can fix; the message is a sentence for a person."""


def cores() -> int:
    """CPUs this process may use (the container's share, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def kit_root() -> Path:
    """The kit's checkout (``src/linkages/grading`` → three levels up)."""
    return Path(__file__).resolve().parents[3]


def fix_path() -> None:
    """nbgrader calls ``alembic`` by name: put this Python's ``bin/`` first on PATH."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if not parts or parts[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir] + [p for p in parts if p != bindir])


def nbgrader_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bindir, env.get("PATH", "")])
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    if extra:
        env.update(extra)
    return env


def run_nbgrader(args: list[str], cwd: Path, timeout: float | None = None) -> subprocess.CompletedProcess:
    """``nbgrader ARGS`` in ``cwd`` (a course folder), with this venv's tools on PATH."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=str(cwd), env=nbgrader_env(),
                          capture_output=True, text=True, timeout=timeout)


def find_course(path: str | os.PathLike | None = None) -> Path:
    """The course folder: ``path``, else ``$LINKAGES_COURSE``, else ``./exercises``, else the
    kit's ``exercises/``. It must hold ``nbgrader_config.py``."""
    candidates = []
    if path:
        candidates.append(Path(path))
    elif os.environ.get("LINKAGES_COURSE"):
        candidates.append(Path(os.environ["LINKAGES_COURSE"]))
    else:
        candidates += [Path.cwd(), Path.cwd() / "exercises", kit_root() / "exercises"]
    for c in candidates:
        if (c / "nbgrader_config.py").is_file():
            return c.resolve()
    where = candidates[0]
    raise GradingError(f"There is no nbgrader course at {where}: a course folder holds nbgrader_config.py "
                       "and a source/ folder (the kit's is exercises/).")


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def find(cls, path=None) -> "Course":
        return cls(find_course(path))

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def db(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db}"

    @property
    def course_id(self) -> str:
        return str(self.config().CourseDirectory.get("course_id", "linkages"))

    def assignments(self) -> list[str]:
        if not self.source.is_dir():
            return []
        return sorted(p.name for p in self.source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

    def notebooks(self, assignment: str) -> list[str]:
        return sorted(p.stem for p in (self.source / assignment).glob("*.ipynb"))

    def check_assignments(self, names: list[str] | None) -> list[str]:
        known = self.assignments()
        if not known:
            raise GradingError(f"The course at {self.root} has no assignments in source/.")
        if not names:
            return known
        bad = [n for n in names if n not in known]
        if bad:
            raise GradingError(f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not an assignment of this course "
                               f"(the assignments are {', '.join(known)}).")
        return list(names)

    def config(self):
        """The course's ``nbgrader_config.py`` as a traitlets Config, with ``root`` set."""
        from traitlets.config.loader import PyFileConfigLoader

        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        cfg.CourseDirectory.root = str(self.root)
        return cfg

    def students_submitted(self, assignment: str | None = None) -> list[str]:
        if not self.submitted.is_dir():
            return []
        out = []
        for s in sorted(p for p in self.submitted.iterdir() if p.is_dir()):
            if assignment is None or (s / assignment).is_dir():
                out.append(s.name)
        return out

    def clean_generated(self) -> None:
        for d in (self.release, self.autograded, self.feedback):
            shutil.rmtree(d, ignore_errors=True)
