"""The learner kit: what learners get on a hub (or a USB stick), and nothing they should not see.

``make learner-kit`` (``python -m linkages.grading.distribute [FOLDER]``) builds, in ``FOLDER``
(default ``build/learner-kit``):

- the learner modules (``notebooks/``), the simulators (``simulators/``), the datasets
  (``datasets/``), the ``linkages`` package (``src/``) with ``pyproject.toml``,
  ``environment.yml`` and the ``Makefile``, so the folder installs and runs on its own;
- the **released** version of every exercise (``exercises/<assignment>/``: nbgrader's student
  version, made by ``nbgrader generate_assignment``, with its data files) and a short
  ``exercises/README.md`` for learners;
- a ``README.md`` saying what the folder is.

Left out: the assignments' source notebooks (solutions, hidden checks, mark schemes), the
rubrics, the specs they are built from (``exercises/authoring/``), the gradebook and everything
graded, the trainer material (``curriculum/``: the knowledge check's answer key is there), the
tests and the benchmarks. Before the folder is committed, every text file in it is searched
for the assignments' solution lines, hidden-check lines, model answers and mark schemes; if any
is found, the build stops and says where.

The folder is a git repository (one commit per build that changed something, on branch
``main``) for nbgitpuller to pull from; ``--no-git`` leaves git out. Files that the previous
build put there and this one does not are removed; anything else in the folder (a
``.egg-info`` an editable install wrote, say) is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .course import Course, GradingError, kit_root

__all__ = ["build_learner_kit", "secrets", "find_leaks", "LearnerKit", "main", "MARKER"]

#: Lists the files the last build wrote (so a rebuild removes only its own stale files).
MARKER = ".linkages-learner-kit"

#: What goes into the learner kit from the trainer's copy (folders whole, or single files).
INCLUDE = ("src", "notebooks", "simulators", "datasets", "pyproject.toml", "environment.yml", "Makefile")
#: Never copied, wherever they are.
_JUNK_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".hypothesis"}
_JUNK_SUFFIXES = (".pyc", ".pyo")

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "Mark scheme",
           "Model answer (instructor notes")

README = """# Linkages Kit: the learner's copy

The learner modules, the simulators and the exercises of the Linkages Kit, a training kit on how
California's CalWORKs and Child Welfare Services can coordinate around the families they share.
Every family in it is synthetic.

- `notebooks/`: the learner modules, in order; start with `00_welcome.ipynb`.
- `exercises/`: one exercise per module (1-8). Open it, answer in the cells that say
  `YOUR CODE HERE`, and type `check("q1")` for instant feedback in words.
- `simulators/`: point-and-click apps (`make demo` on a laptop).

This copy has no solutions, hidden checks or mark schemes: your trainer grades the exercises.
On a laptop without a hub: `make lab` (Python 3.10+ and `make`).

Built from the kit by `make learner-kit`; changes here are overwritten by the next build.
"""

EXERCISES_README = """# Exercises

One exercise per learner module. Each folder holds the notebook and the data files it reads.

1. Open the notebook and run the set-up cell first.
2. Write each answer in the cell that says `YOUR CODE HERE` (delete the
   `raise NotImplementedError()` line) and run it.
3. Run the checks under it, or type `check("q1")` for a summary in words. Some checks are
   hidden: they run only when your trainer grades your work.
4. Written answers are marked by your trainer with a rubric.
5. Save, then hand the notebook in the way your trainer asks (on a hub: *Assignments* tab,
   **Submit**).

`linkages selfgrade <notebook>` in a terminal grades a copy of your notebook on the visible
checks and writes a feedback page next to it; your notebook itself is not changed.
"""


@dataclass
class LearnerKit:
    folder: Path
    files: list = field(default_factory=list)  # relative paths written
    removed: list = field(default_factory=list)  # stale files of the previous build removed
    committed: str | None = None  # the commit made, if any

    def sentences(self) -> list[str]:
        out = [f"Learner kit in {self.folder}: {len(self.files)} file(s); no source notebooks, rubrics, "
               "specs or trainer material, and no solution or hidden-check text (checked)."]
        if self.removed:
            out.append(f"Removed {len(self.removed)} file(s) the previous build had and this one does not.")
        if self.committed:
            out.append(f"Committed as {self.committed[:10]} on branch main: point nbgitpuller at this repository.")
        return out


# --- what must never reach a learner -----------------------------------------------------------

def _solution_free_text(nb) -> str:
    """The text of the source notebook a learner sees anyway (prompts, set-up, visible checks)."""
    from .messages import remove_hidden

    parts = []
    for c in nb.cells:
        nbg = c.metadata.get("nbgrader", {})
        if nbg.get("solution"):
            continue
        parts.append(remove_hidden(c.source))
    return "\n".join(parts)


def _public_text(kit: Path) -> str:
    """The code and prose the learner modules and simulators show on purpose."""
    parts = []
    for folder in ("notebooks", "simulators"):
        for path in sorted((kit / folder).glob("*.ipynb")):
            parts += [c.source for c in nbformat.read(str(path), as_version=4).cells]
    return "\n".join(parts)


def secrets(course: Course, kit: Path | None = None) -> dict[str, set[str]]:
    """Per assignment, the lines that must not reach learners: every line of a solution and of a
    hidden check (longer than 12 characters, and neither in what the assignment shows a learner
    nor in the learner modules, which teach some of the same code), and the model answers' and
    mark schemes' sentences."""
    from .authoring import load_spec
    from .messages import hidden_regions

    public = _public_text(Path(kit) if kit else kit_root())
    out: dict[str, set[str]] = {}
    for a in course.assignments():
        lines: set[str] = set()
        for path in (course.source / a).glob("*.ipynb"):
            nb = nbformat.read(str(path), as_version=4)
            visible = _solution_free_text(nb)
            for c in nb.cells:
                src = c.source.split("\n")
                nbg = c.metadata.get("nbgrader", {})
                if nbg.get("solution") and c.cell_type == "code":
                    inside = False
                    for line in src:
                        if "BEGIN SOLUTION" in line:
                            inside = True
                        elif "END SOLUTION" in line:
                            inside = False
                        elif inside:
                            lines.add(line.strip())
                elif nbg.get("solution"):  # a written answer's cell: model answer and mark scheme
                    lines |= {s.strip() for s in c.source.replace("\n", " ").split(". ")}
                for lo, hi in hidden_regions(c.source):
                    lines |= {line.strip() for line in src[lo:hi - 1]}
            lines = {x for x in lines if len(x) > 12 and x not in visible and x not in public}
        spec_path = course.root / "authoring" / f"{a}.py"
        if spec_path.exists():
            for r in load_spec(spec_path).rubrics().values():
                lines |= {s.strip() for s in r.model.replace("\n", " ").split(". ") if len(s.strip()) > 30}
                lines |= {what.strip() for _, what in r.criteria if len(what.strip()) > 30}
        out[a] = lines
    return out


def find_leaks(folder: Path, course: Course, kit: Path | None = None) -> list[str]:
    """Sentences naming each file of ``folder`` that holds a solution line, a hidden-check line,
    a model answer or a mark scheme of ``course``'s assignments, or (a notebook or a file under
    ``exercises/``) nbgrader's solution and hidden-test markers. (The ``linkages`` package itself
    names the markers, in the code that reads them.)"""
    folder = Path(folder)
    secret = secrets(course, kit)
    found = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or ".git" in p.relative_to(folder).parts:
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        rel = p.relative_to(folder)
        if p.suffix == ".ipynb" or rel.parts[0] == "exercises":
            for m in MARKERS:
                if m in text:
                    found.append(f"{rel} holds the grading marker '{m}'.")
        for a, lines in secret.items():
            for line in lines:
                if line in text or json.dumps(line)[1:-1] in text:
                    found.append(f"{rel} holds a line of {a}'s solutions, hidden checks or mark scheme: {line[:70]}")
                    break
    for bad in ("exercises/source", "exercises/rubrics", "exercises/authoring", "curriculum"):
        if (folder / bad).exists():
            found.append(f"{bad}/ is in the learner kit; it must not be.")
    return found


# --- building ---------------------------------------------------------------------------------

def _tracked(kit: Path) -> list[Path] | None:
    """Files git tracks in the kit (so git-ignored things never travel), or None if not a checkout."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=kit, capture_output=True, timeout=60, check=True).stdout
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    return [kit / p for p in out.decode("utf-8").split("\0") if p]


def _kit_files(kit: Path) -> list[Path]:
    tracked = _tracked(kit)
    out = []
    for top in INCLUDE:
        base = kit / top
        if base.is_file():
            cands = [base]
        elif base.is_dir():
            cands = [p for p in base.rglob("*") if p.is_file()]
        else:
            continue
        for p in cands:
            rel = p.relative_to(kit)
            if any(part in _JUNK_DIRS or part.endswith(".egg-info") for part in rel.parts) or p.suffix in _JUNK_SUFFIXES:
                continue
            out.append(p)
    if tracked is not None:
        keep = set(tracked)
        out = [p for p in out if p in keep]
    return sorted(out)


def _check_target(folder: Path, kit: Path) -> None:
    f, k = folder.resolve(), kit.resolve()
    if f == k or k.is_relative_to(f):
        raise GradingError(f"{folder} holds the kit itself; choose an empty folder for the learner kit.")
    if f.is_relative_to(k) and not any(f.is_relative_to(k / d) for d in ("build", "out")):
        raise GradingError(f"Inside the kit, build the learner kit under build/ or out/ (which git ignores), "
                           f"not in {folder}.")
    if f.exists() and any(f.iterdir()) and not (f / MARKER).exists():
        raise GradingError(f"{folder} already holds files that are not a learner kit; choose an empty folder "
                           "(the build replaces what is there).")


def _write(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    os.chmod(dest, 0o644)


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=Linkages Kit", "-c", "user.email=linkages-kit@localhost",
                           "-c", "init.defaultBranch=main", *args], cwd=folder, capture_output=True, text=True,
                          timeout=120)


def _commit(folder: Path) -> str | None:
    if not (folder / ".git").exists():
        r = _git(folder, "init", "-q")
        if r.returncode != 0:
            raise GradingError(f"git could not start a repository in {folder}: {r.stderr.strip()[:200]}")
        _git(folder, "checkout", "-q", "-B", "main")
    (folder / ".gitignore").write_text("*.egg-info/\n__pycache__/\n.ipynb_checkpoints/\nbuild/\n", encoding="utf-8")
    _git(folder, "add", "-A", ".")
    if _git(folder, "diff", "--cached", "--quiet").returncode == 0:
        return None
    r = _git(folder, "commit", "-q", "-m", "Learner kit: modules, simulators, datasets, released exercises")
    if r.returncode != 0:
        raise GradingError(f"git could not commit the learner kit: {r.stderr.strip()[:200]}")
    return _git(folder, "rev-parse", "HEAD").stdout.strip()


def build_learner_kit(folder: Path, course: Course | None = None, kit: Path | None = None,
                      git: bool = True) -> LearnerKit:
    """Build (or update) the learner kit in ``folder``; see the module docstring."""
    from .cli import generate

    kit = Path(kit) if kit else kit_root()
    course = course or Course(kit / "exercises")
    folder = Path(folder)
    _check_target(folder, kit)
    names = course.check_assignments(None)
    generate(course, names)  # nbgrader's student versions, in the course's release/
    plan: dict[str, Path] = {}
    for p in _kit_files(kit):
        plan[str(p.relative_to(kit))] = p
    for a in names:
        rel = course.release / a
        for p in sorted(rel.rglob("*")):
            if p.is_file() and not any(part in _JUNK_DIRS for part in p.relative_to(rel).parts):
                plan[f"exercises/{a}/{p.relative_to(rel)}"] = p
    folder.mkdir(parents=True, exist_ok=True)
    previous = set()
    if (folder / MARKER).exists():
        previous = set((folder / MARKER).read_text(encoding="utf-8").split("\n")) - {""}
    for rel, src in plan.items():
        _write(src, folder / rel)
    (folder / "README.md").write_text(README, encoding="utf-8")
    (folder / "exercises" / "README.md").write_text(EXERCISES_README, encoding="utf-8")
    written = sorted(set(plan) | {"README.md", "exercises/README.md"})
    removed = []
    for rel in sorted(previous - set(written)):
        p = folder / rel
        if p.is_file():
            p.unlink()
            removed.append(rel)
    (folder / MARKER).write_text("\n".join(written) + "\n", encoding="utf-8")
    for d in sorted((p for p in folder.rglob("*") if p.is_dir() and ".git" not in p.parts), reverse=True):
        if not any(d.iterdir()):
            d.rmdir()
        else:
            os.chmod(d, 0o755)
    os.chmod(folder, 0o755)
    leaks = find_leaks(folder, course, kit)
    if leaks:
        raise GradingError("The learner kit was not committed: " + " ".join(leaks[:5]))
    result = LearnerKit(folder, written, removed)
    if git:
        result.committed = _commit(folder)
    return result


def main(argv: list[str] | None = None) -> int:
    from .course import fix_path

    ap = argparse.ArgumentParser(prog="python -m linkages.grading.distribute",
                                 description="Build the learner kit (no solutions, hidden checks or rubrics).")
    ap.add_argument("folder", nargs="?", default=None, help="where to build it (default build/learner-kit)")
    ap.add_argument("--course", default=None, help="the nbgrader course folder (default: the kit's exercises/)")
    ap.add_argument("--no-git", action="store_true", help="do not make the folder a git repository")
    args = ap.parse_args(argv)
    fix_path()
    try:
        course = Course.find(args.course) if args.course else Course(kit_root() / "exercises")
        from .cli import _quiet_logs

        _quiet_logs(course.reports / "grading.log")
        folder = Path(args.folder) if args.folder else kit_root() / "build" / "learner-kit"
        kit = build_learner_kit(folder, course, git=not args.no_git)
    except GradingError as e:
        print(str(e), file=sys.stderr)
        return 2
    for line in kit.sentences():
        print(line)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
