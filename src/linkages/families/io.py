"""Reading and writing dataset folders, validated.

A dataset folder holds ``households.csv``, ``members.csv`` and ``activities.csv``. :func:`load`
checks every value (types, allowed values, ranges) and the relationships between columns and
tables; a bad file raises :class:`DatasetError` whose message is one sentence naming the file,
the row (as a spreadsheet numbers it: the header is row 1) and the column — never a traceback.
:func:`save` writes byte-stable CSVs (sorted, fixed float format, ``\\n`` line ends).
:func:`load_checked` is the simulators' fast path: files whose SHA-256 matches
``datasets/SHA256SUMS`` are read without validating them again; any other folder gets :func:`load`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd

from .generate import Population
from .schema import DTYPES, TABLES, DatasetError, coherence_problem, explain_error, row_label, schemas

__all__ = ["DatasetError", "DATASETS", "load", "load_checked", "save", "explain_error", "checksums", "validate"]

DATASETS = Path(__file__).resolve().parents[3] / "datasets"
NAMED = ("cast", "caseload")
FLOAT_FORMAT = "%.2f"
DATE_FORMAT = "%Y-%m-%d"


def _display(path: Path) -> str:
    """A path as a person would recognise it: relative to the repository where it is inside it."""
    try:
        return path.resolve().relative_to(DATASETS.parent).as_posix()
    except ValueError:
        return str(path)


def _convert(df: pd.DataFrame, table: str, file: str) -> pd.DataFrame:
    """Text cells to the table's types, with a sentence for the first cell that will not convert."""
    for col, dtype in DTYPES[table].items():
        if col not in df.columns:
            continue
        s = df[col]
        present = s.notna()
        if dtype.startswith("datetime"):
            parsed = pd.to_datetime(s, errors="coerce", format=DATE_FORMAT)
            what = "a date (YYYY-MM-DD)"
        elif dtype == "bool":
            low = s.str.strip().str.lower()
            parsed = low.map({"true": True, "false": False})
            what = "true or false"
        elif dtype in ("int64", "float64"):
            parsed = pd.to_numeric(s.str.strip(), errors="coerce")
            parsed = parsed.mask(~np.isfinite(parsed.to_numpy(dtype=float, na_value=np.nan)))  # inf is no amount
            what = "a number"
            if dtype == "int64":
                fractional = parsed.notna() & (parsed != np.floor(parsed.fillna(0)))
                parsed = parsed.mask(fractional)
                what = "a whole number"
        else:
            continue
        bad = present & parsed.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DatasetError(f"{file}, {row_label(i)}, column '{col}': {s.iloc[i]!r} is not {what}.")
        if dtype == "bool" and (~present).any():
            i = int(np.flatnonzero((~present).to_numpy())[0])
            raise DatasetError(f"{file}, {row_label(i)}, column '{col}': is empty, but needs true or false.")
        df[col] = parsed
    return df


def _validate_table(df: pd.DataFrame, table: str, file: str) -> pd.DataFrame:
    from pandera.errors import SchemaError, SchemaErrors

    try:
        out = schemas()[table].validate(df, lazy=True)
    except (SchemaErrors, SchemaError) as exc:
        raise DatasetError(explain_error(exc, file)) from None
    return out.astype(DTYPES[table])


def validate(pop: Population, files: dict[str, str] | None = None) -> Population:
    """Check a population's three tables (types, values, relationships); raise :class:`DatasetError`."""
    files = files or {t: f"{t} table" for t in TABLES}
    for t, what in RECORD.items():
        if len(getattr(pop, t)) == 0:
            first = next(iter(DTYPES[t]))
            raise DatasetError(f"{files[t]}, row 2, column '{first}': there are no rows under the header (row 1); the "
                               f"table needs one row per {what}, at least one.")
    tables = {t: _validate_table(getattr(pop, t), t, files[t]) for t in TABLES}
    try:
        problem = coherence_problem(tables, files)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:  # a sentence, never a traceback
        raise DatasetError(f"{files['households']}: the tables could not be checked against each other "
                           f"({type(exc).__name__}); check that each file is a table the kit wrote.") from None
    if problem:
        raise DatasetError(problem)
    return Population(**tables)


#: What one row of each table is, for the sentence about a table with no rows.
RECORD = {"households": "household", "members": "person"}


def _check_shape(path: Path, file: str, table: str) -> None:
    """Every record has as many values as the header has columns, and a table that needs rows
    has at least one; otherwise one sentence naming the file, the row and the column."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise DatasetError(f"{file} is empty: it needs a header row and one row per record.")
        n, i = len(header), -1
        for row in reader:
            if not row:
                continue  # a blank line is skipped (as the reader of the values skips it)
            i += 1
            if len(row) > n:
                raise DatasetError(
                    f"{file}, {row_label(i)}, column '{header[-1]}': the row has {len(row)} values but the header "
                    f"names {n} columns, so there is a value after the last column (an unquoted comma?).")
            if len(row) < n:
                raise DatasetError(
                    f"{file}, {row_label(i)}, column '{header[len(row)]}': the row has only {len(row)} values but "
                    f"the header names {n} columns, so '{header[len(row)]}'"
                    f"{' and the columns after it are' if len(row) < n - 1 else ' is'} missing.")
    if i < 0 and table in RECORD:
        raise DatasetError(f"{file}, row 2, column '{header[0]}': there are no rows under the header (row 1); the "
                           f"table needs one row per {RECORD[table]}, at least one.")


def _read(path: Path, table: str) -> pd.DataFrame:
    file = _display(path)
    if not path.is_file():
        raise DatasetError(f"{file} is missing: a dataset folder needs {', '.join(t + '.csv' for t in TABLES)}.")
    try:
        _check_shape(path, file, table)
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except DatasetError:
        raise
    except UnicodeDecodeError:
        raise DatasetError(f"{file} is not a UTF-8 text file (was it saved as a spreadsheet?).") from None
    except pd.errors.EmptyDataError:
        raise DatasetError(f"{file} is empty: it needs a header row and one row per record.") from None
    except csv.Error as exc:
        raise DatasetError(f"{file} could not be read as CSV ({exc}).") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DatasetError(f"{file} could not be read as CSV ({type(exc).__name__}).") from None
    return _convert(df, table, file)


def folder_for(name_or_path: str | Path) -> Path:
    """``"cast"`` / ``"caseload"`` name the committed datasets; anything else is a folder path."""
    if isinstance(name_or_path, str) and name_or_path in NAMED:
        return DATASETS / name_or_path
    return Path(name_or_path)


def load(name_or_path: str | Path = "cast") -> Population:
    """Load and validate a dataset folder: ``"cast"``, ``"caseload"`` or a folder path."""
    if not isinstance(name_or_path, (str, Path)):
        raise DatasetError(f"Give a dataset name ('cast' or 'caseload') or a folder path, not {name_or_path!r}.")
    folder = folder_for(name_or_path)
    if not folder.is_dir():
        raise DatasetError(f"There is no dataset folder at {_display(folder)} "
                           f"(try {' or '.join(repr(n) for n in NAMED)}, or a folder path).")
    paths = {t: folder / f"{t}.csv" for t in TABLES}
    frames = {t: _read(p, t) for t, p in paths.items()}
    return validate(Population(**frames), {t: _display(p) for t, p in paths.items()})


def _sums(path: Path) -> dict[str, str]:
    """``{relative path: sha256}`` from a ``SHA256SUMS`` file (empty if there is none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        digest, _, name = line.strip().partition("  ")
        if digest and name:
            out[name.strip()] = digest.lower()
    return out


def load_checked(name_or_path: str | Path = "cast", sums: str | Path | None = None) -> Population:
    """Load a dataset folder fast when its files are the ones the checksums vouch for.

    Each CSV's SHA-256 is compared with its line in ``sums`` (default ``datasets/SHA256SUMS``;
    paths in it are relative to its folder). When all three match, the files are exactly the
    ones :func:`save` wrote and the tests validated, so the tables are read and typed without
    checking them again (about five times faster on the 10,000-household caseload). Otherwise —
    a file edited, missing, or a folder the checksums do not cover — this is :func:`load`, with
    every check and its one-sentence :class:`DatasetError`. Either way the tables are the same.
    """
    if not isinstance(name_or_path, (str, Path)):
        return load(name_or_path)  # the sentence for a wrong argument
    folder = folder_for(name_or_path)
    sums_path = Path(sums) if sums is not None else DATASETS / "SHA256SUMS"
    expected = _sums(sums_path)
    paths = {t: folder / f"{t}.csv" for t in TABLES}
    try:
        rel = {t: p.resolve().relative_to(sums_path.resolve().parent).as_posix() for t, p in paths.items()}
    except (ValueError, OSError):
        return load(name_or_path)
    if not expected or any(r not in expected for r in rel.values()):
        return load(name_or_path)
    data = {}
    for t, p in paths.items():
        try:
            raw = p.read_bytes()
        except OSError:
            return load(name_or_path)
        if hashlib.sha256(raw).hexdigest() != expected[rel[t]]:
            return load(name_or_path)
        data[t] = raw
    return Population(**{t: _read_trusted(raw, t) for t, raw in data.items()})


def _read_trusted(raw: bytes, table: str) -> pd.DataFrame:
    """A CSV that :func:`save` wrote (its checksum says so), read straight into the table's types:
    the parser types the numbers, ``true``/``false`` and the dates itself (no text pass)."""
    types = DTYPES[table]
    dates = [c for c, d in types.items() if d.startswith("datetime")]
    read_as = {c: ("bool" if d == "bool" else d) for c, d in types.items() if not d.startswith("datetime")}
    df = pd.read_csv(io.BytesIO(raw), dtype=read_as, keep_default_na=False, na_values=[""], encoding="utf-8",
                     true_values=["true"], false_values=["false"])
    for c in dates:
        df[c] = pd.to_datetime(df[c], format=DATE_FORMAT)
    return df[list(types)].astype(types)


# --- writing ----------------------------------------------------------------------------------

def _csv_frame(df: pd.DataFrame, table: str) -> pd.DataFrame:
    out = df[list(DTYPES[table])].copy()
    for col, dtype in DTYPES[table].items():
        s = out[col]
        if dtype.startswith("datetime"):
            out[col] = s.dt.strftime(DATE_FORMAT)
        elif dtype == "bool":
            out[col] = np.where(s.to_numpy(bool), "true", "false")
    key = "household_id"
    return out.sort_values(key, kind="stable") if table != "households" else out.sort_values(key)


def save(pop: Population, folder: str | Path) -> Path:
    """Validate a population, then write its CSVs to ``folder`` in a byte-stable format."""
    folder = Path(folder)
    pop = validate(pop, {t: f"{t} (before saving)" for t in TABLES})
    folder.mkdir(parents=True, exist_ok=True)
    for t in TABLES:
        _csv_frame(getattr(pop, t), t).to_csv(folder / f"{t}.csv", index=False, lineterminator="\n", na_rep="",
                                              float_format=FLOAT_FORMAT, encoding="utf-8")
    return folder


def checksums(folder: str | Path) -> str:
    """``SHA256SUMS`` text for every CSV under a folder (relative paths, sorted)."""
    folder = Path(folder)
    lines = [f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(folder).as_posix()}"
             for f in sorted(folder.rglob("*.csv"))]
    return "\n".join(lines) + "\n"
