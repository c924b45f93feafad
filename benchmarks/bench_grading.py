"""Benchmark: autograde a cohort of synthetic learners × every assignment, twice on identical
copies of the course — serially with plain ``nbgrader autograde <assignment>`` (one notebook after
another), and with the kit's parallel pipeline (repair, then one forked worker per core, each
with its own gradebook copy, merged into the main gradebook), interleaved assignment by
assignment in alternating order so other load on the machine falls on both alike — check the
scores are identical,
and print the speed-up and the time per notebook. Then measure the memory of a learner's kernel
running each assignment, and of an idle Jupyter server, for sizing a hub (exercises/HUB.md).

Target: speed-up ≥ 1.8× on 2 cores, identical scores.
Usage: python benchmarks/bench_grading.py [learners=30] [--jobs N] [--assignments m1_calworks,...] [--no-memory]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.8


def _course(root: Path, kit_course: Path, assignments: list[str]):
    from linkages.grading.course import Course

    root.mkdir(parents=True)
    shutil.copy2(kit_course / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(kit_course / "authoring", root / "authoring")
    for a in assignments:
        shutil.copytree(kit_course / "source" / a, root / "source" / a)
    return Course(root)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("learners", nargs="?", type=int, default=30)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--assignments", default="")
    p.add_argument("--no-memory", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the temporary courses")
    args = p.parse_args(argv)

    import warnings

    warnings.filterwarnings("ignore")
    from linkages.grading.cli import _quiet_logs, add_students, generate
    from linkages.grading.course import Course, fix_path, kit_root, run_nbgrader
    from linkages.grading.parallel import Task, grade_parallel
    from linkages.grading.report import score_table
    from linkages.grading.synthetic import make_cohort

    fix_path()
    kit_course = kit_root() / "exercises"
    names = args.assignments.split(",") if args.assignments else Course(kit_course).assignments()
    tmp = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    print(f"cohort: {args.learners} synthetic learners × {len(names)} assignments = {args.learners * len(names)} "
          f"notebooks; {os.cpu_count()} cores; workers {args.jobs}")
    try:
        serial, parallel = (_course(tmp / n, kit_course, names) for n in ("serial", "parallel"))
        for c in (serial, parallel):
            _quiet_logs(c.reports / "grading.log")
            generate(c, names, force=True)
        make_cohort(serial, args.learners, seed=0, assignments=names)
        shutil.copytree(serial.submitted, parallel.submitted)
        students = sorted(p.name for p in serial.submitted.iterdir())
        add_students(serial, students)
        add_students(parallel, students)

        # Interleaved, assignment by assignment, the order alternating, so that anything else the
        # machine does in the meantime slows both ways of grading about equally:
        # 1. plain nbgrader, one notebook after another (``nbgrader autograde <assignment>``);
        # 2. the kit's pipeline: repair + forked workers + merge, the same learners' notebooks.
        per_assignment, par_assignment, results = {}, {}, []
        for i, a in enumerate(names):
            for way in (("serial", "parallel") if i % 2 == 0 else ("parallel", "serial")):
                ta = time.perf_counter()
                if way == "serial":
                    r = run_nbgrader(["autograde", a, "--force"], serial.root)
                    per_assignment[a] = time.perf_counter() - ta
                    if r.returncode != 0:
                        print(f"plain nbgrader autograde {a} failed:\n{r.stderr[-2000:]}")
                        return 2
                else:
                    results += grade_parallel(parallel, [Task(s, a) for s in students], jobs=args.jobs,
                                              feedback=False)
                    par_assignment[a] = time.perf_counter() - ta
        t_serial, t_parallel = sum(per_assignment.values()), sum(par_assignment.values())
        tasks = [Task(s, a) for s in students for a in names]
        bad = [r for r in results if not r.ok]

        sa = score_table(serial).sort_values(["student", "assignment", "cell"]).reset_index(drop=True)
        sb = score_table(parallel).sort_values(["student", "assignment", "cell"]).reset_index(drop=True)
        cols = ["student", "assignment", "cell", "score", "max_score", "needs_marking"]
        identical = len(sa) > 0 and sa[cols].equals(sb[cols])
        n = len(tasks)
        ratio = t_serial / t_parallel
        worker = [r.seconds for r in results]
        print(f"plain nbgrader autograde, serial: {t_serial:7.1f} s  ({t_serial / n:.2f} s per notebook)")
        for a in names:
            print(f"    {a:<26} {per_assignment[a]:6.1f} s  ({per_assignment[a] / args.learners:.2f} s per notebook); "
                  f"kit pipeline {par_assignment[a]:6.1f} s  ({per_assignment[a] / par_assignment[a]:.2f}x)")
        print(f"kit pipeline, {args.jobs} workers:      {t_parallel:7.1f} s  ({t_parallel / n:.2f} s per notebook "
              f"of wall time; {statistics.median(worker):.2f} s median, {max(worker):.2f} s longest inside a worker, "
              f"repair and merge included)")
        print(f"speed-up: {ratio:.2f}x  (target {TARGET_RATIO}x)   scores identical: {identical} "
              f"({len(sa)} graded cells)   not graded: {len(bad)}")
        if not identical:
            diff = sa[cols].compare(sb[cols]) if len(sa) == len(sb) else None
            print("score differences:\n", diff)

        if not args.no_memory:
            from linkages.grading.memory import kernel_memory, server_memory

            print("memory of a learner's kernel running each assignment (solutions filled in):")
            peaks = []
            for a in names:
                m = kernel_memory(parallel.release / a / f"{a}.ipynb", solutions_from=parallel)
                peaks.append(m["peak_rss_mb"])
                print(f"    {a:<26} peak RSS {m['peak_rss_mb']:6.1f} MB, at the end {m['final_rss_mb']:6.1f} MB, "
                      f"{m['seconds']:.1f} s")
            modules = []
            print("memory of a kernel running each learner module (notebooks/):")
            for nb in sorted((kit_root() / "notebooks").glob("0*.ipynb")):
                m = kernel_memory(nb, timeout=600)
                modules.append(m["peak_rss_mb"])
                print(f"    {nb.stem:<34} peak RSS {m['peak_rss_mb']:6.1f} MB, {m['seconds']:.1f} s")
            srv = server_memory()
            print(f"idle Jupyter server (one per hub user): {srv:.1f} MB; per user with an exercise open: "
                  f"{srv + max(peaks):.0f} MB; with an exercise and a learner module open: "
                  f"{srv + max(peaks) + max(modules, default=0):.0f} MB")
        return 0 if identical and ratio >= TARGET_RATIO and not bad else 1
    finally:
        if args.keep:
            print(f"courses kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
