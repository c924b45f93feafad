"""Autograde a cohort in parallel, one (learner, assignment) per worker process.

nbgrader's gradebook is one SQLite file that does not like several writers, and ``nbgrader
autograde`` grades one notebook after another. Here each (learner, assignment) is graded by its
own short-lived worker process, **forked** from this one after nbgrader is imported (so a worker
starts in milliseconds, not the four seconds nbgrader takes to import), in its own temporary
copy of the course:

1. the worker's course holds the course's ``nbgrader_config.py``, a link to ``source/<a>``, a copy
   of the learner's ``submitted/<learner>/<a>`` and **its own copy of the gradebook** (taken
   once, after ``generate_assignment``, so it knows every assignment and learner);
2. the worker repairs the submission (:mod:`.repair`) against ``release/<a>``;
3. it runs nbgrader's own ``Autograde`` converter (and ``GenerateFeedback``) in-process on its
   copy, then writes the grades it produced to ``result.json``;
4. the parent — the only writer of the real gradebook — merges each result as it arrives
   (``update_or_create_submission`` then every grade's auto score and auto comment; manual
   grades already in the gradebook are kept, as nbgrader keeps them) and copies the autograded
   notebook and feedback page into the course.

At most ``jobs`` workers run at once (default: the machine's cores). A worker still running after
``notebook_timeout`` seconds is stopped with its kernel; its auto-graded cells score 0, the
notebook is flagged in the gradebook and a feedback page says why. A worker that fails is
reported the same way. Either way the rest of the cohort is graded.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing import connection, get_context
from pathlib import Path

from .course import Course, cores, fix_path
from .feedback import timed_out_page
from .repair import Repair, repair_submission

__all__ = ["Task", "TaskResult", "grade_parallel", "grade_one", "merge_result", "record_failure"]


@dataclass(frozen=True)
class Task:
    student: str
    assignment: str


@dataclass
class TaskResult:
    student: str
    assignment: str
    status: str  # graded | timed_out | error
    seconds: float
    message: str = ""
    repairs: list = field(default_factory=list)
    notebooks: dict = field(default_factory=dict)  # name -> {"seconds": s}

    @property
    def ok(self) -> bool:
        return self.status == "graded"


def _import_nbgrader():
    fix_path()
    from nbgrader.api import Gradebook  # noqa: F401
    from nbgrader.converters import Autograde, GenerateFeedback  # noqa: F401
    from nbgrader.coursedir import CourseDirectory  # noqa: F401


def _worker_course(course: Course, task: Task, tdir: Path, template_db: Path) -> None:
    tdir.mkdir(parents=True)
    shutil.copy2(course.root / "nbgrader_config.py", tdir / "nbgrader_config.py")
    (tdir / "source").mkdir()
    os.symlink(course.source / task.assignment, tdir / "source" / task.assignment)
    sub = tdir / "submitted" / task.student / task.assignment
    shutil.copytree(course.submitted / task.student / task.assignment, sub,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(template_db, tdir / "gradebook.db")


def _grades_of(db_url: str, course_id: str, task: Task) -> dict:
    from nbgrader.api import Gradebook

    out = {"notebooks": {}}
    with Gradebook(db_url, course_id) as gb:
        sub = gb.find_submission(task.assignment, task.student)
        out["timestamp"] = sub.timestamp.isoformat() if sub.timestamp else None
        for nb in sub.notebooks:
            out["notebooks"][nb.name] = {
                "late_penalty": nb.late_submission_penalty,
                "grades": {g.name: {"auto_score": g.auto_score, "needs_manual_grade": g.needs_manual_grade}
                           for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            }
    return out


class CellTimedOut(Exception):
    """nbgrader gave up on a notebook because a cell kept running after it was interrupted."""


class _ErrorCatcher(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        try:
            self.messages.append(record.getMessage())
        except Exception:  # noqa: BLE001
            pass

    def timed_out(self) -> bool:
        text = "\n".join(self.messages)
        return any(k in text for k in ("CellTimeoutError", "Timeout waiting", "timed out", "DeadKernelError"))


def grade_one(course: Course, task: Task, tdir: Path, template_db: Path, feedback: bool = True) -> dict:
    """Grade one (learner, assignment) in the temporary course ``tdir`` (what a worker runs).

    Returns the result dictionary also written to ``tdir/result.json``.
    """
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    t0 = time.perf_counter()
    _worker_course(course, task, tdir, template_db)
    repairs = repair_submission(tdir / "submitted" / task.student / task.assignment, course.release / task.assignment,
                                task.student, task.assignment, keep_broken=tdir / "broken")
    (tdir / "repairs.json").write_text(json.dumps([r.__dict__ for r in repairs]), encoding="utf-8")
    wc = Course(tdir)
    cfg = wc.config()
    cd = CourseDirectory(config=cfg)
    cd.assignment_id, cd.student_id = task.assignment, task.student
    app = Autograde(coursedir=cd, config=cfg)
    app.force = True
    app.create_student = True
    catcher = _ErrorCatcher()
    app.log.addHandler(catcher)
    try:
        app.start()
    except Exception:
        if catcher.timed_out():
            raise CellTimedOut() from None
        raise
    finally:
        app.log.removeHandler(catcher)
    t1 = time.perf_counter()
    if feedback:
        fb = GenerateFeedback(coursedir=cd, config=cfg)
        fb.force = True
        fb.start()
    result = {"status": "graded", "seconds": time.perf_counter() - t0, "autograde_seconds": t1 - t0,
              "repairs": [r.__dict__ for r in repairs], "grades": _grades_of(wc.db_url, course.course_id, task)}
    (tdir / "result.json").write_text(json.dumps(result), encoding="utf-8")
    return result


def _child(course_root: str, task: Task, tdir: str, template_db: str, feedback: bool) -> None:
    """Body of a forked worker: grade, write result.json, and leave without running any cleanup
    the parent owns."""
    code = 0
    try:
        os.setpgrp()  # the worker and anything it starts can be stopped together
    except OSError:
        pass
    log = open(Path(tdir).parent / f"{Path(tdir).name}.log", "w", encoding="utf-8")
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    try:
        grade_one(Course(Path(course_root)), task, Path(tdir), Path(template_db), feedback)
    except BaseException as e:  # noqa: BLE001 — everything becomes a sentence for the trainer
        code = 1
        try:
            traceback.print_exc()
            Path(tdir).mkdir(parents=True, exist_ok=True)
            status = "timed_out" if isinstance(e, CellTimedOut) else "error"
            (Path(tdir) / "result.json").write_text(json.dumps({
                "status": status, "message": f"{type(e).__name__}: {e}"[:400]}), encoding="utf-8")
        except BaseException:  # noqa: BLE001
            pass
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001
            pass
        os._exit(code)


def _kill_tree(pid: int) -> None:
    try:
        import psutil
    except ImportError:  # pragma: no cover
        psutil = None
    procs = []
    if psutil is not None:
        try:
            parent = psutil.Process(pid)
            procs = parent.children(recursive=True) + [parent]
        except psutil.NoSuchProcess:
            procs = []
    for p in procs:
        try:
            p.kill()
        except Exception:  # noqa: BLE001
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except (OSError, ProcessLookupError):
        pass
    if psutil is not None and procs:
        psutil.wait_procs(procs, timeout=5)


def merge_result(gb, task: Task, grades: dict) -> None:
    """Write one worker's grades into the main gradebook ``gb`` (an open nbgrader Gradebook)."""
    import datetime as dt

    ts = grades.get("timestamp")
    kwargs = {"timestamp": dt.datetime.fromisoformat(ts)} if ts else {}
    sub = gb.update_or_create_submission(task.assignment, task.student, **kwargs)
    for nb in sub.notebooks:
        data = grades["notebooks"].get(nb.name)
        if not data:
            continue
        nb.late_submission_penalty = data.get("late_penalty")
        for g in nb.grades:
            d = data["grades"].get(g.name)
            if d is not None:
                g.auto_score = d["auto_score"]
                g.needs_manual_grade = bool(d["needs_manual_grade"]) or g.manual_score is not None
        for c in nb.comments:
            if c.name in data["comments"]:
                c.auto_comment = data["comments"][c.name]
    gb.db.commit()


def record_failure(gb, course: Course, task: Task, why: str) -> None:
    """A notebook that could not be graded: auto-graded cells 0, notebook flagged, a comment."""
    sub = gb.update_or_create_submission(task.assignment, task.student)
    for nb in sub.notebooks:
        nb.flagged = True
        for g in nb.grades:
            if g.cell_type == "code":
                g.auto_score = 0.0
                g.needs_manual_grade = False
            else:
                g.needs_manual_grade = True
        first = True
        for c in nb.comments:
            if first:
                c.auto_comment = why
                first = False
    gb.db.commit()


def _install_failed(course: Course, task: Task, tdir: Path, seconds: float, timed_out: bool) -> None:
    """Put the (repaired) submission in autograded/ so the trainer can still mark written answers,
    and a feedback page that says why there are no auto grades."""
    src = tdir / "submitted" / task.student / task.assignment
    if not src.is_dir():
        src = course.submitted / task.student / task.assignment
    dest = course.autograded / task.student / task.assignment
    shutil.rmtree(dest, ignore_errors=True)
    if src.is_dir():
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name in course.notebooks(task.assignment):
        page = course.feedback / task.student / task.assignment / f"{name}.html"
        if timed_out:
            timed_out_page(page, task.student, task.assignment, name, seconds)


def _install(course: Course, task: Task, tdir: Path) -> None:
    for kind_dir, dest_root in (("autograded", course.autograded), ("feedback", course.feedback)):
        src = tdir / kind_dir / task.student / task.assignment
        dest = dest_root / task.student / task.assignment
        if src.is_dir():
            shutil.rmtree(dest, ignore_errors=True)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(src, dest)


def grade_parallel(course: Course, tasks: list[Task], jobs: int | None = None, notebook_timeout: float = 300.0,
                   feedback: bool = True, workdir: Path | None = None, progress=None) -> list[TaskResult]:
    """Grade ``tasks`` with at most ``jobs`` workers at once; merge into the course's gradebook.

    ``progress(result)`` is called as each task ends. Assignments must have been generated
    (``release/`` and the gradebook know them) and learners added to the gradebook.
    """
    from nbgrader.api import Gradebook

    _import_nbgrader()
    jobs = max(1, int(jobs or cores()))
    own_tmp = workdir is None
    work = Path(tempfile.mkdtemp(prefix="linkages-grade-")) if own_tmp else Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    template = work / "template.db"
    shutil.copy2(course.db, template)
    ctx = get_context("fork")
    pending = list(tasks)
    running: dict = {}  # sentinel -> (process, task, tdir, start)
    results: list[TaskResult] = []
    cid = course.course_id
    try:
        with Gradebook(course.db_url, cid) as gb:
            while pending or running:
                while pending and len(running) < jobs:
                    task = pending.pop(0)
                    tdir = work / f"{task.student}__{task.assignment}"
                    shutil.rmtree(tdir, ignore_errors=True)
                    p = ctx.Process(target=_child, args=(str(course.root), task, str(tdir), str(template), feedback),
                                    daemon=False)
                    p.start()
                    running[p.sentinel] = (p, task, tdir, time.perf_counter())
                now = time.perf_counter()
                wait = max(0.05, min(start + notebook_timeout - now for (_, _, _, start) in running.values()))
                ready = connection.wait(list(running), timeout=wait)
                now = time.perf_counter()
                finished = []
                for s in ready:
                    p, task, tdir, start = running.pop(s)
                    p.join()
                    finished.append((p, task, tdir, start, False))
                for s, (p, task, tdir, start) in list(running.items()):
                    if now - start > notebook_timeout:
                        _kill_tree(p.pid)
                        p.join(5)
                        running.pop(s)
                        finished.append((p, task, tdir, start, True))
                for p, task, tdir, start, timed_out in finished:
                    res = _finish(gb, course, task, tdir, time.perf_counter() - start, timed_out, notebook_timeout)
                    results.append(res)
                    if progress:
                        progress(res)
    finally:
        if own_tmp:
            shutil.rmtree(work, ignore_errors=True)
    return results


def _finish(gb, course: Course, task: Task, tdir: Path, seconds: float, timed_out: bool,
            limit: float) -> TaskResult:
    rfile = tdir / "result.json"
    data = {}
    if rfile.exists():
        try:
            data = json.loads(rfile.read_text(encoding="utf-8"))
        except ValueError:
            data = {}
    repairs = []
    rep = tdir / "repairs.json"
    if rep.exists():
        try:
            repairs = [Repair(**r) for r in json.loads(rep.read_text(encoding="utf-8"))]
        except (ValueError, TypeError):
            repairs = []
    _keep_broken(course, tdir)
    log = tdir.parent / f"{tdir.name}.log"
    if (timed_out or data.get("status") != "graded") and log.exists():
        dest = course.reports / "logs"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(log, dest / log.name)
    if not timed_out and data.get("status") == "graded":
        merge_result(gb, task, data["grades"])
        _install(course, task, tdir)
        return TaskResult(task.student, task.assignment, "graded", seconds, repairs=repairs)
    if not timed_out and data.get("status") == "timed_out":
        timed_out = True
        why = ("Grading stopped: a cell kept running past the cell time limit and did not stop when interrupted "
               "(often a loop that never ends). Auto-graded questions score 0; written answers can still be marked.")
        status = "timed_out"
    elif timed_out:
        why = (f"Grading stopped after {limit:.0f} seconds: a cell kept running (often a loop that never ends). "
               "Auto-graded questions score 0; written answers can still be marked.")
        status = "timed_out"
    else:
        why = ("This notebook could not be graded (" + (data.get("message") or "the grader stopped unexpectedly")
               + "). Auto-graded questions score 0 for now; regrade it after a look.")
        status = "error"
    record_failure(gb, course, task, why)
    _install_failed(course, task, tdir, seconds, timed_out)
    if not timed_out:
        for name in course.notebooks(task.assignment):
            page = course.feedback / task.student / task.assignment / f"{name}.html"
            _error_page(page, why)
    repairs.append(Repair(task.student, task.assignment, ",".join(course.notebooks(task.assignment)), "", status, why))
    return TaskResult(task.student, task.assignment, status, seconds, why, repairs)


def _error_page(path: Path, why: str) -> None:
    import html

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html lang='en'><meta charset='utf-8'><title>Feedback</title>"
                    f"<body style='font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto'>"
                    f"<h1>Feedback</h1><p>{html.escape(why)}</p></body></html>", encoding="utf-8")


def _keep_broken(course: Course, tdir: Path) -> None:
    b = tdir / "broken"
    if b.is_dir():
        dest = course.reports / "unreadable"
        dest.mkdir(parents=True, exist_ok=True)
        for f in b.iterdir():
            shutil.copy2(f, dest / f.name)
