"""Check an uploaded extract and say, in sentences, what is wrong with it.

:func:`read_extract` takes the bytes of an uploaded file and returns the extract as a table, or
the list of problems found: an unreadable or empty file, missing columns, values of the wrong
kind (dates that are not dates, SSNs that are not nine digits, a sex code the kit does not know),
repeated record ids. It never raises on bad input. The column checks are a pandera schema.

The kit works on synthetic data only. W&I 10850 restricts the use of welfare records to the
administration of the programs, so an uploaded file whose SSNs are not all in the never-issued
9xx range (where no real person's SSN is) is refused, with that reason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd

from linkages.matching.extracts import EXTRACT_COLUMNS

__all__ = ["UploadCheck", "read_extract", "check_extract", "MAX_BYTES"]

#: The largest file the simulator accepts (bytes); larger files are refused with a sentence.
MAX_BYTES = 50 * 1024 * 1024

_WHAT = {
    "record_id": "a record id",
    "case_id": "a case id",
    "first_name": "a first name",
    "last_name": "a last name",
    "sex": "F, M or X (or blank)",
    "birth_date": "a date (YYYY-MM-DD)",
    "ssn": "nine digits in the never-issued 9xx range, like 912-34-5678 (or blank)",
}


@dataclass
class UploadCheck:
    extract: pd.DataFrame | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.extract is not None and not self.problems

    def message(self) -> str:
        if self.ok:
            return f"Read {len(self.extract):,} records; every check passed."
        return "The file was not used:\n" + "\n".join(f"• {p}" for p in self.problems)


def _schema():
    import pandera.pandas as pa

    digits = r"^\s*9\d{2}-?\d{2}-?\d{4}\s*$"
    return pa.DataFrameSchema(
        {
            "record_id": pa.Column(str, nullable=False, unique=True),
            "case_id": pa.Column(str, nullable=False),
            "first_name": pa.Column(str, nullable=True),
            "last_name": pa.Column(str, nullable=True),
            "sex": pa.Column(str, pa.Check.isin(["F", "M", "X", "f", "m", "x"]), nullable=True),
            "birth_date": pa.Column(str, pa.Check(lambda s: pd.to_datetime(s, errors="coerce", format="mixed").notna(),
                                                  element_wise=False, name="is_date"), nullable=True),
            "ssn": pa.Column(str, pa.Check.str_matches(digits, name="ssn_9xx"), nullable=True),
        },
        strict=False,
    )


def _rows(idx) -> str:
    rows = sorted({int(i) + 2 for i in idx if pd.notna(i)})  # +2: header line, 1-based
    shown = ", ".join(map(str, rows[:5]))
    return f"line{'s' if len(rows) != 1 else ''} {shown}{' …' if len(rows) > 5 else ''}"


def check_extract(df: pd.DataFrame) -> list[str]:
    """Problems with an extract already read as a table (empty list when it is fine)."""
    import pandera.pandas as pa

    problems = []
    cols = [str(c).strip() for c in df.columns]
    df = df.copy()
    df.columns = cols
    missing = [c for c in EXTRACT_COLUMNS if c not in cols]
    if missing:
        problems.append(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
            f"An extract needs {', '.join(EXTRACT_COLUMNS)}."
        )
    if df.empty:
        problems.append("The file has a header but no records.")
    present = [c for c in EXTRACT_COLUMNS if c in cols]
    if not present or df.empty:
        return problems
    sub = df[present].astype(object).where(df[present].notna(), None)
    sub = sub.apply(lambda s: s.map(lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else str(v)))
    schema = _schema()
    schema = schema.select_columns(present) if hasattr(schema, "select_columns") else schema
    try:
        schema.validate(sub, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        for col, grp in fc.groupby("column", sort=False):
            checks = " ".join(map(str, grp.check.unique()))
            if "unique" in checks:
                problems.append(f"Column {col}: the same id appears more than once ({_rows(grp['index'])}).")
            elif "not_nullable" in checks or "nullable" in checks:
                problems.append(f"Column {col}: blank where every record needs {_WHAT[col]} ({_rows(grp['index'])}).")
            else:
                sample = ", ".join(f"'{v}'" for v in grp.failure_case.astype(str).unique()[:3])
                problems.append(
                    f"Column {col}: {len(grp)} value{'s are' if len(grp) > 1 else ' is'} not "
                    f"{_WHAT[col]} (e.g. {sample}; {_rows(grp['index'])})."
                )
                if col == "ssn":
                    problems.append(
                        "This kit takes synthetic data only: an SSN outside the never-issued 9xx "
                        "range could be a real person's, and W&I 10850 keeps welfare records to "
                        "the administration of the programs."
                    )
    except Exception:  # noqa: BLE001 - a schema the data cannot even be fed to
        problems.append("The columns could not be checked; is every line the same number of fields?")
    return problems


def read_extract(content: bytes, filename: str = "upload.csv") -> UploadCheck:
    """Read an uploaded CSV extract; never raises on bad input."""
    name = filename or "the file"
    if not content:
        return UploadCheck(None, [f"{name} is empty."])
    if len(content) > MAX_BYTES:
        return UploadCheck(None, [f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB; "
                                  "split it or use the command line."])
    if not name.lower().endswith((".csv", ".txt")):
        return UploadCheck(None, [f"{name} is not a CSV file; save the extract as CSV (comma-separated) and try again."])
    text = None
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text[:4096]:
        return UploadCheck(None, [f"{name} could not be read as text; is it really a CSV file?"])
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except Exception:  # noqa: BLE001 - pandas raises several kinds here
        return UploadCheck(None, [
            f"{name} could not be read as CSV: its lines do not split cleanly into columns "
            "(an unclosed quotation mark, or a separator other than commas?)"
        ])
    problems = check_extract(df)
    if problems:
        return UploadCheck(None, problems)
    df.columns = [str(c).strip() for c in df.columns]
    df["birth_date"] = pd.to_datetime(df["birth_date"], errors="coerce", format="mixed")
    return UploadCheck(df, [])
