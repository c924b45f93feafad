"""Benchmark: match 2 x 100,000 synthetic records (welfare and CWS extracts); print time and F1.

Target: the match (both stages, training included) in 60 s or less on a 2-core machine.
Usage: python benchmarks/bench_matching.py [records_per_extract] [seed]
"""

from __future__ import annotations

import sys
import time

from linkages.matching import evaluate, match
from linkages.matching.extracts import extracts_of_size

TARGET_SECONDS = 60.0


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 100_000
    seed = int(argv[1]) if len(argv) > 1 else 2025
    t0 = time.perf_counter()
    ex = extracts_of_size(n, seed=seed)
    t_gen = time.perf_counter() - t0
    print(f"extracts: welfare {len(ex.welfare):,} records, CWS {len(ex.cws):,} records "
          f"({len(ex.shared_households):,} shared families) made in {t_gen:.1f} s")
    t0 = time.perf_counter()
    result = match(ex.welfare, ex.cws, seed=seed)
    t_match = time.perf_counter() - t0
    s = evaluate(result, ex)
    print(f"match:    {t_match:.1f} s for {len(ex.welfare):,} x {len(ex.cws):,} records "
          f"({t_match / TARGET_SECONDS:.2f} of the {TARGET_SECONDS:.0f} s target)")
    print(f"quality:  F1 {s.f1:.4f}  precision {s.precision:.4f}  recall {s.recall:.4f}  "
          f"(exact stage {s.exact_pairs:,} pairs, {s.exact_wrong} wrong)")
    print(f"families: {s.families_found:,} of {s.families_shared:,} shared families found, "
          f"{s.wrong_family_links} wrong family links; review queue {s.review_pairs:,} pairs")
    return 0 if t_match <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
