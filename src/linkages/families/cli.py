"""``linkages data`` — regenerate the committed datasets, byte for byte."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cast import build_cast
from .generate import generate
from .io import DatasetError, checksums, save

DEFAULT_SEED = 2026
CASELOAD_SIZE = 10_000


def build(out: Path, seed: int = DEFAULT_SEED, caseload: int = CASELOAD_SIZE) -> Path:
    """Write ``out/cast``, ``out/caseload`` and ``out/SHA256SUMS``."""
    save(build_cast(seed), out / "cast")
    save(generate(caseload, seed=seed, id_prefix="HH"), out / "caseload")
    (out / "SHA256SUMS").write_text(checksums(out), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="linkages data", description="Regenerate the synthetic datasets.")
    ap.add_argument("--out", default="datasets", help="folder to write (default: datasets)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--caseload", type=int, default=CASELOAD_SIZE, help="households in the caseload")
    args = ap.parse_args(argv)
    if args.caseload < 1:
        print("The caseload needs at least one household.", file=sys.stderr)
        return 2
    try:
        out = build(Path(args.out), args.seed, args.caseload)
    except (DatasetError, OSError) as exc:
        print(f"Could not write the datasets: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {out}/cast (12 households) and {out}/caseload ({args.caseload:,} households); "
          f"checksums in {out}/SHA256SUMS.")
    return 0
