"""``linkages grade`` (``make grade``): grade a cohort with nbgrader, end to end.

1. generate the student versions of every assignment (``nbgrader generate_assignment``);
2. collect submissions from ``--from`` (a folder, or a zip downloaded from an LMS) into
   ``submitted/<learner>/<assignment>/``;
3. repair each notebook (duplicated, split, deleted, retyped, edited cells) and autograde the
   cohort in parallel, one worker per core, each notebook stopped after ``--notebook-timeout``;
4. feedback pages in ``feedback/`` (plain sentences, hidden checks kept hidden);
5. ``reports/``: ``grades.csv`` (nbgrader's export), ``scores.csv`` (per question),
   ``repairs.csv``/``repairs.txt``, ``timings.csv`` and ``cohort_report.html``.

Every problem is reported as a sentence; the full log of nbgrader goes to ``reports/grading.log``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from .course import STUDENT_ID, Course, GradingError, cores, fix_path, run_nbgrader

__all__ = ["main", "generate", "add_students", "grade_serial", "tasks_for", "run"]


def _quiet_logs(log_file: Path) -> logging.Handler:
    """Send nbgrader's (traitlets') log to a file instead of the terminal."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    for name in ("traitlets", "nbgrader", "NbGraderAPI", "alembic"):
        lg = logging.getLogger(name)
        lg.handlers = [handler]
        lg.propagate = False
        lg.setLevel(logging.INFO)
    return handler


def _quiet_warnings() -> None:
    """nbgrader's gradebook triggers SQLAlchemy warnings that mean nothing to a trainer."""
    import warnings

    warnings.filterwarnings("ignore", module=r"nbgrader(\.|$)")
    try:
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
    except ImportError:  # pragma: no cover
        pass


def _up_to_date(course: Course, a: str) -> bool:
    """The released copy of ``a`` is newer than every file of its source, and the gradebook knows it."""
    rel = course.release / a
    if not rel.is_dir() or not course.db.exists():
        return False
    src_files = [p for p in (course.source / a).rglob("*") if p.is_file()]
    newest = max((p.stat().st_mtime for p in src_files), default=0)
    for nb in course.notebooks(a):
        r = rel / f"{nb}.ipynb"
        if not r.exists() or r.stat().st_mtime < newest:
            return False
    if (course.root / "nbgrader_config.py").stat().st_mtime > min(
            (rel / f"{nb}.ipynb").stat().st_mtime for nb in course.notebooks(a)):
        return False
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            gb.find_assignment(a)
        except MissingEntry:
            return False
    return True


def generate(course: Course, assignments: list[str], force: bool = False) -> list[str]:
    """``nbgrader generate_assignment`` for each assignment whose source changed since its last
    release (or all, with ``force``), in this process. Returns the assignments generated."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    fix_path()
    cfg = course.config()
    done = []
    for a in assignments:
        if not force and _up_to_date(course, a):
            continue
        done.append(a)
        cd = CourseDirectory(config=cfg)
        cd.assignment_id = a
        app = GenerateAssignment(coursedir=cd, config=cfg)
        app.force = True
        app.create_assignment = True
        try:
            app.start()
        except Exception as e:  # noqa: BLE001
            raise GradingError(f"The student version of {a} could not be generated ({type(e).__name__}: {e}). "
                               "Check the source notebook with `nbgrader validate`.") from None
    return done


def add_students(course: Course, students: list[str]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        for s in students:
            gb.update_or_create_student(s)


def tasks_for(course: Course, assignments: list[str], students: list[str] | None) -> tuple[list, list[str]]:
    """(tasks, problems): every (learner, assignment) with a submission folder."""
    from .parallel import Task

    problems, tasks = [], []
    for s in course.students_submitted():
        if students and s not in students:
            continue
        if not STUDENT_ID.match(s):
            problems.append(f"Skipped the folder submitted/{s}: a learner id may hold only letters, digits, "
                            "dot, dash and underscore.")
            continue
        for a in assignments:
            if (course.submitted / s / a).is_dir():
                tasks.append(Task(s, a))
    return tasks, problems


def grade_serial(course: Course, assignments: list[str], feedback: bool = True) -> float:
    """Plain nbgrader, one notebook after another (``nbgrader autograde <a>``), no repair: the
    baseline the benchmark compares with. Returns the seconds taken."""
    t0 = time.perf_counter()
    for a in assignments:
        r = run_nbgrader(["autograde", a, "--force"], course.root)
        if r.returncode != 0:
            raise GradingError(f"nbgrader autograde {a} failed: {r.stderr.strip().splitlines()[-1:]}")
        if feedback:
            run_nbgrader(["generate_feedback", a, "--force"], course.root)
    return time.perf_counter() - t0


def run(course: Course, *, source: str | None = None, assignments: list[str] | None = None,
        students: list[str] | None = None, jobs: int | None = None, notebook_timeout: float = 300.0,
        feedback: bool = True, demo: int = 0, say=print) -> dict:
    """The whole pipeline (see the module docstring). Returns a summary dictionary."""
    import pandas as pd

    from .collect import collect
    from .parallel import grade_parallel
    from .repair import write_report
    from .report import cohort_report, export_grades

    fix_path()
    _quiet_logs(course.reports / "grading.log")
    _quiet_warnings()
    names = course.check_assignments(assignments)
    say(f"Course: {course.root} ({len(names)} assignment(s): {', '.join(names)})")
    made = generate(course, names)
    say(f"1/5 Student versions in release/: {len(made)} generated"
        + (f", {len(names) - len(made)} already up to date." if len(made) < len(names) else "."))
    if demo:
        from .synthetic import make_cohort

        make_cohort(course, demo, seed=0, assignments=names, prefix="demo")
        say(f"    Made {demo} synthetic learner(s) (demo01...) in submitted/ to try the pipeline.")
    if source:
        rep = collect(source, course)
        for line in rep.sentences():
            say(f"2/5 {line}" if line.startswith("Collected") else f"    {line}")
    else:
        say("2/5 Submissions: using what is in submitted/ (pass --from FOLDER_OR_ZIP to collect first).")
    tasks, problems = tasks_for(course, names, students)
    for p in problems:
        say(f"    {p}")
    summary = {"tasks": len(tasks), "graded": 0, "timed_out": 0, "error": 0, "repairs": 0}
    if not tasks:
        say("No submissions to grade. Put them in submitted/<learner>/<assignment>/<notebook>.ipynb, pass "
            "--from FOLDER_OR_ZIP, or try --demo 5.")
        return summary
    add_students(course, sorted({t.student for t in tasks}))
    n_jobs = max(1, int(jobs or cores()))
    say(f"3/5 Autograding {len(tasks)} notebook(s) with {n_jobs} worker(s) at a time "
        f"(each stopped after {notebook_timeout:.0f} s)...")

    def progress(r):
        extra = f", {len(r.repairs)} repair(s)" if r.repairs and r.ok else ""
        word = {"graded": "graded", "timed_out": "STOPPED (time limit)", "error": "COULD NOT BE GRADED"}[r.status]
        say(f"    {r.student} / {r.assignment}: {word} in {r.seconds:.1f} s{extra}")

    t0 = time.perf_counter()
    results = grade_parallel(course, tasks, jobs=n_jobs, notebook_timeout=notebook_timeout, feedback=feedback,
                             progress=progress)
    wall = time.perf_counter() - t0
    repairs = [r for res in results for r in res.repairs]
    for res in results:
        summary[res.status] += 1
    summary["repairs"] = len([r for r in repairs if r.action not in ("timed_out", "error")])
    summary["seconds"] = wall
    say(f"    {summary['graded']} graded, {summary['timed_out']} stopped, {summary['error']} not graded, "
        f"in {wall:.1f} s.")
    say(f"4/5 Feedback: {'pages in feedback/<learner>/<assignment>/' if feedback else 'skipped (--no-feedback)'}.")
    timings = pd.DataFrame([{"student": r.student, "assignment": r.assignment, "status": r.status,
                             "seconds": round(r.seconds, 2)} for r in results])
    course.reports.mkdir(parents=True, exist_ok=True)
    timings.to_csv(course.reports / "timings.csv", index=False)
    csv_path, txt_path = write_report(repairs, course.reports)
    grades, scores = export_grades(course, course.reports)
    report = cohort_report(course, course.reports / "cohort_report.html", repairs, timings)
    rel = lambda p: os.path.relpath(p, course.root)  # noqa: E731
    say(f"5/5 Grades: {rel(grades)}, {rel(scores)}. Report: {rel(report)}. Repairs: {rel(txt_path)} "
        f"({summary['repairs']} repair(s)).")
    summary.update(report=str(report), grades=str(grades), scores=str(scores), repairs_csv=str(csv_path))
    return summary


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="linkages grade", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--course", help="the nbgrader course folder (default: exercises/)")
    p.add_argument("--from", dest="source", default=os.environ.get("LINKAGES_SUBMISSIONS"),
                   help="a folder or an LMS .zip of learners' notebooks to collect first "
                        "(or set LINKAGES_SUBMISSIONS)")
    p.add_argument("--assignment", action="append", help="grade only this assignment (repeatable)")
    p.add_argument("--student", action="append", help="grade only this learner (repeatable)")
    p.add_argument("--jobs", type=int, default=None, help="workers at a time (default: the machine's cores)")
    p.add_argument("--notebook-timeout", type=float, default=300.0,
                   help="seconds after which one notebook's grading is stopped (default 300)")
    p.add_argument("--cell-timeout", type=int, default=None, help="seconds one cell may run (default 60)")
    p.add_argument("--no-feedback", action="store_true", help="skip the feedback pages")
    p.add_argument("--demo", type=int, default=0, metavar="N",
                   help="first make N synthetic learners' submissions, to try the pipeline")
    p.add_argument("--serial", action="store_true",
                   help="plain nbgrader autograde, one notebook after another, no repair (for comparison)")
    return p


class _Exit(Exception):
    def __init__(self, code):
        self.code = code


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    parser.exit = lambda status=0, message=None: (_ for _ in ()).throw(_Exit((status, message)))  # type: ignore
    try:
        args = parser.parse_args(argv)
    except _Exit as e:
        status, message = e.code
        if message:
            print(message.strip(), file=sys.stderr)
        return int(status)
    if args.cell_timeout:
        os.environ["LINKAGES_CELL_TIMEOUT"] = str(args.cell_timeout)
    course = None
    try:
        course = Course.find(args.course)
        if args.serial:
            names = course.check_assignments(args.assignment)
            _quiet_logs(course.reports / "grading.log")
            generate(course, names)
            secs = grade_serial(course, names, feedback=not args.no_feedback)
            print(f"Graded with plain nbgrader, one notebook after another, in {secs:.1f} s.")
            return 0
        run(course, source=args.source, assignments=args.assignment, students=args.student, jobs=args.jobs,
            notebook_timeout=args.notebook_timeout, feedback=not args.no_feedback, demo=args.demo)
        return 0
    except GradingError as e:
        print(str(e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Stopped. What was graded so far is in the gradebook.", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 — a trainer gets a sentence; the details go to the log
        where = course.reports / "errors.log" if course else Path("linkages-grade-errors.log")
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            where.write_text(traceback.format_exc(), encoding="utf-8")
        except OSError:
            where = None
        print(f"Grading stopped unexpectedly ({type(e).__name__}: {e})."
              + (f" The details are in {where}." if where else ""), file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
