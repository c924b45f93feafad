"""Synthetic-family generation and rules throughput, on one core.

Prints the time to generate 100,000 households (target: under 5 s) and households per second;
the time to turn 20,000 rows into the rules' ``Household`` (``to_household``); and calls per
second of ``linkages.rules.calworks.monthly_grant`` and ``work_hours_required`` on them, with the
array-friendly rule for comparison. Run: ``python benchmarks/bench_families.py`` (``make bench``).
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[var] = "1"

import datetime as dt  # noqa: E402
import time  # noqa: E402

from linkages.families import generate, to_household  # noqa: E402

N_HOUSEHOLDS = 100_000
N_RULE_ROWS = 20_000
TARGET_SECONDS = 5.0
ON = dt.date(2025, 6, 1)


def timed(fn, repeat=3):
    """(best wall seconds, best CPU seconds of this process) over ``repeat`` runs, and the last result.
    On a shared machine the CPU time is the steadier figure: it leaves out time spent waiting."""
    wall, cpu, out = [], [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu), out


def bench_generation():
    generate(100, seed=1)  # warm imports, parameter and name caches
    best, cpu, pop = timed(lambda: generate(N_HOUSEHOLDS, seed=2026))
    verdict = "within" if best < TARGET_SECONDS else "OVER"
    print(f"generate {N_HOUSEHOLDS:,} households: {best:.2f} s wall, {cpu:.2f} s CPU (best of 3) "
          f"= {N_HOUSEHOLDS / best:,.0f} households/s; {verdict} the {TARGET_SECONDS:.0f} s target "
          f"[machine load {os.getloadavg()[0]:.1f}]")
    print(f"  -> {len(pop.members):,} people, {len(pop.activities):,} activities")
    return pop


def bench_rules(pop):
    try:
        from linkages.rules import calworks
    except ImportError:
        print("rules: linkages.rules.calworks is not installed yet; skipped")
        return
    rows = pop.households.head(N_RULE_ROWS).to_dict("records")
    t_conv, _, households = timed(lambda: [to_household(r) for r in rows], repeat=1)
    n = len(households)
    print(f"to_household: {n:,} rows in {t_conv:.2f} s ({n / t_conv:,.0f} rows/s)")
    for name in ("monthly_grant", "work_hours_required"):
        fn = getattr(calworks, name, None)
        if fn is None:
            print(f"rules: calworks.{name} is not there yet; skipped")
            continue
        t, _, _ = timed(lambda: [fn(h, ON) for h in households], repeat=1)
        print(f"calworks.{name}: {n / t:,.0f} calls/s")
    array_rule = getattr(calworks, "work_hours_required_array", None)
    if array_rule is not None:
        hh = pop.households
        t, _, _ = timed(lambda: array_rule(hh["n_adults"].to_numpy(), 0, hh["youngest_age"].to_numpy(),
                                           hh["n_children"].to_numpy(), ON))
        print(f"calworks.work_hours_required_array: {len(hh) / t:,.0f} households/s on {len(hh):,} at once")


if __name__ == "__main__":
    bench_rules(bench_generation())
