"""``linkages data`` — regenerate the committed datasets, byte for byte.

Writes ``cast/`` (the teaching cast), ``caseload/`` (generated households) and ``SHA256SUMS``
under ``--out``. The same seed gives the same bytes on every machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cast import build_cast
from .generate import DEFAULT_SEED, generate
from .io import DatasetError, checksums, save

CASELOAD_SIZE = 10_000


def build(out: Path, seed: int = DEFAULT_SEED, caseload: int = CASELOAD_SIZE) -> Path:
    """Write ``out/cast``, ``out/caseload`` and ``out/SHA256SUMS``."""
    out = Path(out)
    save(build_cast(seed), out / "cast")
    save(generate(caseload, seed=seed, id_prefix="HH"), out / "caseload")
    (out / "SHA256SUMS").write_text(checksums(out), encoding="utf-8", newline="\n")
    return out


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # a sentence, not a usage dump with a traceback-like tone
        self.exit(2, f"linkages data: {message}. Try 'linkages data --help'.\n")


def main(argv: list[str] | None = None) -> int:
    ap = _Parser(prog="linkages data", description="Regenerate the synthetic datasets (byte-identical for a seed).")
    ap.add_argument("--out", default="datasets", help="folder to write (default: datasets)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    ap.add_argument("--caseload", type=int, default=CASELOAD_SIZE,
                    help=f"households in the caseload (default: {CASELOAD_SIZE:,})")
    args = ap.parse_args(argv)
    if not 1 <= args.caseload <= 999_999:
        print("The caseload needs between 1 and 999,999 households.", file=sys.stderr)
        return 2
    try:
        out = build(Path(args.out), args.seed, args.caseload)
    except (DatasetError, ValueError) as exc:
        print(f"Could not build the datasets: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Could not write to {args.out}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    n_cast = sum(1 for _ in open(out / "cast" / "households.csv", encoding="utf-8")) - 1
    print(f"Wrote {out}/cast ({n_cast} households), {out}/caseload ({args.caseload:,} households) "
          f"and {out}/SHA256SUMS.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
