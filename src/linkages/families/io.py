"""Reading and writing dataset folders, validated against schemas.

A dataset folder holds ``households.csv``, ``members.csv`` and ``activities.csv``. Loading
validates each table with pandera; a bad file raises :class:`DatasetError` whose message is one
sentence naming the file, the row and the column — never a raw traceback.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..household import WORK_STATUSES
from ..params import value
from .generate import BARRIERS, COMPONENTS, Population

__all__ = ["DatasetError", "SCHEMAS", "load", "save", "explain_error", "checksums", "DATASETS"]

DATASETS = Path(__file__).resolve().parents[3] / "datasets"
TABLES = ("households", "members", "activities")
DATE_COLUMNS = {"households": ["cw_start_date", "removal_date"], "members": ["birth_date"], "activities": []}


class DatasetError(ValueError):
    """A dataset file that cannot be used; the message says where and why in one sentence."""


def _counties() -> list[str]:
    return list(value("calworks.counties", "2025-01-01"))


def _schemas() -> dict[str, pa.DataFrameSchema]:
    C = pa.Column
    Chk = pa.Check
    hh = {
        "household_id": C(str, Chk.str_matches(r"^[A-Z]{2,4}-\d{6}$"), unique=True),
        "county": C(str, Chk.isin(_counties())),
        "region": C(int, Chk.isin([1, 2])),
        "n_adults": C(int, Chk.isin([1, 2])),
        "n_children": C(int, Chk.in_range(1, 10)),
        "children_ages": C(str, Chk.str_matches(r"^\d{1,2}(;\d{1,2})*$")),
        "youngest_age": C(int, Chk.in_range(0, 17)),
        "parent_age": C(int, Chk.in_range(16, 90)),
        "exempt_map": C(bool),
        "earnings": C(float, Chk.ge(0)),
        "employed_persons": C(int, Chk.in_range(0, 4)),
        "months_on_aid": C(int, Chk.ge(0)),
        "clock_months_used": C(int, Chk.in_range(0, 60)),
        "work_status": C(str, Chk.isin(list(WORK_STATUSES) + ["none"])),
        **{b: C(bool) for b in BARRIERS},
        "cw_component": C(str, Chk.isin(list(COMPONENTS))),
        "cw_start_date": C("datetime64[ns]", nullable=True),
        "removal_date": C("datetime64[ns]", nullable=True),
        "children_removed": C(int, Chk.ge(0)),
        "in_calworks": C(bool),
        "in_cws": C(bool),
        "shared": C(bool),
        "vignette": C(str, Chk.str_length(20, 1000)),
    }
    members = {
        "household_id": C(str),
        "person_id": C(str, unique=True),
        "role": C(str, Chk.isin(["adult", "child"])),
        "first_name": C(str, Chk.str_length(1, 40)),
        "last_name": C(str, Chk.str_length(1, 40)),
        "sex": C(str, Chk.isin(["F", "M"])),
        "birth_date": C("datetime64[ns]"),
        "age": C(int, Chk.in_range(0, 100)),
        "ssn": C(str, Chk.str_matches(r"^9\d{2}-\d{2}-\d{4}$"), nullable=True),
    }
    acts = {
        "household_id": C(str),
        "plan": C(str, Chk.isin(["wtw", "cws"])),
        "activity": C(str),
        "hours_per_week": C(float, Chk.in_range(0, 60)),
        "place": C(str),
        "days": C(str, Chk.str_matches(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(;(Mon|Tue|Wed|Thu|Fri|Sat|Sun))*$")),
        "start_hour": C(int, Chk.in_range(0, 23)),
        "accepted_by": C(str, Chk.isin(["wtw", "cws", "wtw;cws"])),
    }
    return {
        "households": pa.DataFrameSchema(hh, strict=True, coerce=True, ordered=True),
        "members": pa.DataFrameSchema(members, strict=True, coerce=True, ordered=True),
        "activities": pa.DataFrameSchema(acts, strict=True, coerce=True, ordered=True),
    }


SCHEMAS = None  # built lazily: see schemas()


def schemas() -> dict[str, pa.DataFrameSchema]:
    global SCHEMAS
    if SCHEMAS is None:
        SCHEMAS = _schemas()
    return SCHEMAS


def _first_failure(exc: SchemaErrors) -> tuple:
    fc = exc.failure_cases
    row = fc.iloc[0]
    return row.get("column"), row.get("index"), row.get("failure_case"), row.get("check")


def explain_error(exc: Exception, file: str = "the file") -> str:
    """One sentence for a person, from a pandera or reading error."""
    if isinstance(exc, DatasetError):
        return str(exc)
    if isinstance(exc, SchemaErrors):
        column, index, case, check = _first_failure(exc)
        more = len(exc.failure_cases) - 1
        tail = f" ({more} more problem{'s' if more != 1 else ''} in this file)" if more > 0 else ""
        if index is None or pd.isna(index):
            what = str(check)
            if "column_in_dataframe" in what or "column_in_schema" in what:
                return f"{file}: column '{case}' is {'missing' if 'column_in_dataframe' in what else 'not expected'}{tail}."
            return f"{file}, column '{column}': {what}{tail}."
        row_no = int(index) + 2  # 1-based, after the header line, as a spreadsheet shows it
        return (f"{file}, row {row_no}, column '{column}': {case!r} fails the check {check}{tail}.")
    return f"{file} could not be read: {exc}."


def _validate(name: str, df: pd.DataFrame, file: str) -> pd.DataFrame:
    try:
        return schemas()[name].validate(df, lazy=True)
    except SchemaErrors as exc:
        raise DatasetError(explain_error(exc, file)) from None


def _read(path: Path, name: str) -> pd.DataFrame:
    if not path.exists():
        raise DatasetError(f"{path} is missing: a dataset folder needs {', '.join(t + '.csv' for t in TABLES)}.")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except Exception as exc:  # unreadable bytes, broken quoting...
        raise DatasetError(f"{path} could not be read as CSV ({type(exc).__name__}).") from None
    for col in DATE_COLUMNS[name]:
        if col in df.columns:
            parsed = pd.to_datetime(df[col], errors="coerce", format="%Y-%m-%d")
            bad = df[col].notna() & parsed.isna()
            if bad.any():
                i = int(bad.to_numpy().nonzero()[0][0])
                raise DatasetError(f"{path}, row {i + 2}, column '{col}': {df[col].iloc[i]!r} is not a date (YYYY-MM-DD).")
            df[col] = parsed
    for col in df.columns:
        if col in schemas()[name].columns and schemas()[name].columns[col].dtype is not None:
            dtype = str(schemas()[name].columns[col].dtype)
            if dtype == "bool":
                low = df[col].str.lower()
                ok = low.isin(["true", "false"])
                if not ok.all():
                    i = int((~ok).to_numpy().nonzero()[0][0])
                    raise DatasetError(f"{path}, row {i + 2}, column '{col}': {df[col].iloc[i]!r} is not true or false.")
                df[col] = low == "true"
            elif dtype.startswith(("int", "float")):
                num = pd.to_numeric(df[col], errors="coerce")
                bad = df[col].notna() & num.isna()
                if bad.any():
                    i = int(bad.to_numpy().nonzero()[0][0])
                    raise DatasetError(f"{path}, row {i + 2}, column '{col}': {df[col].iloc[i]!r} is not a number.")
                df[col] = num
    return _validate(name, df, str(path))


def load(name_or_path: str | Path = "cast") -> Population:
    """Load and validate a dataset folder: ``"cast"``, ``"caseload"`` or a path."""
    p = Path(name_or_path)
    folder = p if p.is_dir() or p.is_absolute() or len(p.parts) > 1 else DATASETS / str(name_or_path)
    if not folder.is_dir():
        raise DatasetError(f"There is no dataset folder at {folder} (try 'cast', 'caseload' or a folder path).")
    tables = {t: _read(folder / f"{t}.csv", t) for t in TABLES}
    return Population(tables["households"], tables["members"], tables["activities"])


def _to_csv(df: pd.DataFrame, path: Path) -> None:
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(s):
            out[col] = s.map({True: "true", False: "false"})
        elif pd.api.types.is_float_dtype(s):
            out[col] = s.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    out.to_csv(path, index=False, lineterminator="\n", na_rep="")


def save(pop: Population, folder: str | Path) -> Path:
    """Write a population as CSVs, validated first, in a byte-stable format."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for t in TABLES:
        df = getattr(pop, t)
        _validate(t, df, f"{t} (before saving)")
        _to_csv(df, folder / f"{t}.csv")
    return folder


def checksums(folder: str | Path) -> str:
    """``SHA256SUMS`` text for every CSV in a folder tree (relative paths, sorted)."""
    folder = Path(folder)
    lines = []
    for f in sorted(folder.rglob("*.csv")):
        lines.append(f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(folder).as_posix()}")
    return "\n".join(lines) + "\n"
