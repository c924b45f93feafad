"""Benchmark: the vectorised caseload model against the per-household reference stepper.

Prints, in one run: 100,000 households x 36 months through the vectorised engine, both for the
monthly loop alone (a prepared caseload reused, as replicate runs do) and WITH ``prepare()`` (the
plans and rule tables built from the tables, as a first run pays) — target at most 1 s on one core
for each; the reference stepper's time for the same input, EXTRAPOLATED from a 2,000-household
subset (per household; about two and a half minutes for the full 100,000 on an idle core — pass
``--full-reference`` to run it on the whole input and compare every record); the ratio (target:
at least 50x); and peak memory (target: at most 1 GB). Run: ``make bench`` or
``python benchmarks/bench_simulate.py [households] [--full-reference]``.
"""

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
           "VECLIB_MAXIMUM_THREADS"):
    os.environ[_v] = "1"  # one core, set before numpy is imported

import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

from linkages.simulate import ALL_LEVERS, ModelParams, prepare, simulate  # noqa: E402
from linkages.simulate.caseload import infer_start  # noqa: E402
from linkages.simulate.fixture import population  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
FULL_REFERENCE = "--full-reference" in sys.argv[1:]
N = int(ARGS[0]) if ARGS else 100_000
MONTHS, SUBSET = 36, 2_000
TARGET_S, TARGET_RATIO, TARGET_MB = 1.0, 50.0, 1024.0


def main() -> int:
    t = time.perf_counter()
    pop = population(N, 2025)
    t_pop = time.perf_counter() - t
    scenario = ALL_LEVERS.with_(months=MONTHS, seed=7)
    START = infer_start(pop.households)
    params = ModelParams.load(START)

    # with prepare(): the tables -> arrays and rule tables, then the months (what a first run costs)
    runs_with, preps = [], []
    for _ in range(3):
        t = time.perf_counter()
        cl = prepare(pop.households, pop.activities, START, MONTHS, params)
        t_p = time.perf_counter() - t
        simulate(pop.households, scenario, START, caseload=cl)
        runs_with.append(time.perf_counter() - t)
        preps.append(t_p)
    t_with, t_prep = min(runs_with), min(preps)

    # without: the prepared caseload reused (what each replicate run costs)
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        simulate(pop.households, scenario, START, caseload=cl)
        runs.append(time.perf_counter() - t)
    t_vec = min(runs)

    sub = pop.households.iloc[:SUBSET]
    sub_act = pop.activities[pop.activities["household_id"].isin(sub["household_id"])]
    t = time.perf_counter()
    ref = simulate(sub, scenario, START, activities=sub_act, engine="reference")
    t_ref_sub = time.perf_counter() - t
    vec_sub = simulate(sub, scenario, START, activities=sub_act)
    same = all(np.array_equal(ref[k], vec_sub[k]) for k in ref.records.data)
    t_ref = t_ref_sub / SUBSET * N
    if FULL_REFERENCE:
        t = time.perf_counter()
        ref_full = simulate(pop.households, scenario, START, activities=pop.activities, engine="reference")
        t_ref = time.perf_counter() - t
        vec_full = simulate(pop.households, scenario, START, caseload=cl)
        same = same and all(np.array_equal(ref_full[k], vec_full[k]) for k in ref_full.records.data)
        del ref_full, vec_full
    ratio = t_ref / t_vec

    tracemalloc.start()
    simulate(pop.households, scenario, START, caseload=cl)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux

    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    print(f"population: {N:,} households generated in {t_pop:.1f} s (not timed below); run from {START}")
    print(f"vectorised WITHOUT prepare(): {N:,} households x {MONTHS} months, all levers: {t_vec:.3f} s "
          f"(best of 3: {', '.join(f'{x:.3f}' for x in runs)}) "
          f"[target <= {TARGET_S:.0f} s: {ok(t_vec <= TARGET_S)}]")
    print(f"vectorised WITH prepare(): {t_with:.3f} s (best of 3: {', '.join(f'{x:.3f}' for x in runs_with)}; "
          f"prepare alone {t_prep:.3f} s) [target <= {TARGET_S:.0f} s: {ok(t_with <= TARGET_S)}]")
    if FULL_REFERENCE:
        print(f"reference (RUN on all {N:,}): {t_ref:.0f} s ({t_ref / N / MONTHS * 1e6:.0f} us per household-month; "
              f"the {SUBSET:,} subset took {t_ref_sub:.2f} s); identical to the vectorised engine, every record: {same}")
    else:
        print(f"reference (EXTRAPOLATED from a subset, not run on {N:,}): {SUBSET:,} households took {t_ref_sub:.2f} s "
              f"-> about {t_ref:.0f} s for {N:,} ({t_ref_sub / SUBSET / MONTHS * 1e6:.0f} us per household-month); "
              f"identical to the vectorised engine on the subset: {same}")
    print(f"ratio reference ({'run' if FULL_REFERENCE else 'extrapolated'}) / vectorised without prepare(): {ratio:.0f}x "
          f"[target >= {TARGET_RATIO:.0f}x: {ok(ratio >= TARGET_RATIO)}]; "
          f"with prepare(): {t_ref / t_with:.0f}x")
    print(f"peak memory: simulation {peak / 2**20:.0f} MB (tracemalloc), process {rss_mb:.0f} MB (max RSS) "
          f"[target <= {TARGET_MB:.0f} MB: {ok(rss_mb <= TARGET_MB)}]")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
