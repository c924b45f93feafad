"""Synthetic-family generation and rules throughput, on one core.

Prints households generated per second (target: 100,000 households in under 5 s), and the rules'
throughput, scalar (one Household at a time) and array-friendly (a whole caseload at once), as a
ratio."""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import datetime as dt  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from linkages.families import generate, to_household  # noqa: E402
from linkages.rules import calworks  # noqa: E402


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main():
    generate(100, seed=1)  # warm imports and caches
    t_gen, pop = best_of(lambda: generate(100_000, seed=2026))
    print(f"generate 100,000 households: {t_gen:.2f} s  ({100_000 / t_gen:,.0f} households/s; target < 5 s)"
          f"  -> {len(pop.members):,} people, {len(pop.activities):,} activities")

    on = dt.date(2025, 6, 1)
    rows = pop.households.head(20_000).to_dict("records")
    households = [to_household(r) for r in rows]
    t_scalar, _ = best_of(lambda: [calworks.monthly_grant(h, on) for h in households], repeat=1)
    t_hours, _ = best_of(lambda: [calworks.work_hours_required(h, on) for h in households], repeat=1)
    hh = pop.households

    def vector():
        table = calworks.map_table(on)
        size = np.minimum(hh["n_children"].to_numpy() - hh["children_removed"].to_numpy() + hh["n_adults"].to_numpy()
                          - (hh["work_status"].to_numpy() == "sanctioned"), 10)
        m = table[hh["region"].to_numpy(), hh["exempt_map"].to_numpy().astype(int), size]
        return calworks.grant_from(m, calworks.countable_earnings(hh["earnings"].to_numpy(), on))

    t_vec, _ = best_of(vector)
    n = len(households)
    print(f"rules, scalar: monthly_grant {n / t_scalar:,.0f} households/s; work_hours_required {n / t_hours:,.0f}/s")
    print(f"rules, array-friendly (same parameters): grant {len(hh) / t_vec:,.0f} households/s "
          f"= {(len(hh) / t_vec) / (n / t_scalar):,.0f}x the scalar rule")


if __name__ == "__main__":
    main()
