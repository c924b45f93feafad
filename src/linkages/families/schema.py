"""What a valid dataset is: column types and allowed values (pandera schemas), and the
coherence rules that tie columns and tables together. Every problem becomes one sentence naming
the file, the row (as a spreadsheet numbers it: the header is row 1) and the column.
Rules that change over time (the adult time limit) are read as of the kit's date, DEFAULT_AS_OF.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..household import MAX_CHILD_AGE, WORK_STATUSES
from ..params import param, value
from .activities import ACTIVITY_COLUMNS, WTW_STATUSES, catalogue
from .households import BARRIERS, COMPONENTS, DEFAULT_AS_OF, REMOVAL_COMPONENTS
from .members import MEMBER_COLUMNS

__all__ = ["DTYPES", "TABLES", "DatasetError", "schemas", "coherence_problem", "explain_error", "row_label",
           "SSN_PATTERN"]

TABLES = ("households", "members", "activities")
SSN_PATTERN = r"^9\d{2}-\d{2}-\d{4}$"
DAYS_PATTERN = r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(;(Mon|Tue|Wed|Thu|Fri|Sat|Sun))*$"

_HOUSEHOLD_DTYPES = {
    "household_id": "str", "county": "str", "region": "int64", "n_adults": "int64", "n_children": "int64",
    "children_ages": "str", "youngest_age": "int64", "parent_age": "int64", "exempt_map": "bool",
    "earnings": "float64", "employed_persons": "int64", "months_on_aid": "int64", "clock_months_used": "int64",
    "work_status": "str", **{b: "bool" for b in BARRIERS}, "cw_component": "str",
    "cw_start_date": "datetime64[ns]", "removal_date": "datetime64[ns]", "children_removed": "int64",
    "in_calworks": "bool", "in_cws": "bool", "shared": "bool", "vignette": "str",
}
_MEMBER_DTYPES = {"household_id": "str", "person_id": "str", "role": "str", "first_name": "str", "last_name": "str",
                  "sex": "str", "birth_date": "datetime64[ns]", "age": "int64", "ssn": "str"}
_ACTIVITY_DTYPES = {"household_id": "str", "plan": "str", "activity": "str", "hours_per_week": "float64",
                    "place": "str", "days": "str", "start_hour": "int64", "accepted_by": "str"}
#: The canonical columns, in order, with their pandas dtypes: what generate() and load() return.
DTYPES = {"households": _HOUSEHOLD_DTYPES, "members": _MEMBER_DTYPES, "activities": _ACTIVITY_DTYPES}
assert list(_MEMBER_DTYPES) == MEMBER_COLUMNS and list(_ACTIVITY_DTYPES) == ACTIVITY_COLUMNS

#: What a value of a patterned column looks like, for the sentence when one does not.
EXAMPLES = {"household_id": "HH-000123", "children_ages": "2;7", "ssn": "9xx-xx-xxxx (or empty)",
            "days": "Mon;Wed", "person_id": "HH-000123-P1"}


class DatasetError(ValueError):
    """A dataset file that cannot be used; the message says where and why in one sentence."""


@lru_cache(maxsize=1)
def schemas() -> dict[str, pa.DataFrameSchema]:
    """The pandera schema of each table (types, allowed values, ranges).

    pandera is imported here, not with the module: a simulator reading vouched files
    (:func:`linkages.families.io.load_checked`) never needs it, and saves its import."""
    import pandera.pandas as pa

    C, K = pa.Column, pa.Check
    counties = list(value("calworks.counties", DEFAULT_AS_OF))
    longest_limit = max(int(v.value) for v in param("calworks.time_limit.adult_months").history())
    activities = sorted({a for plan in catalogue().values() for a in plan})
    hh = {
        "household_id": C(str, K.str_matches(r"^[A-Z]{2,4}-\d{6}$"), unique=True),
        "county": C(str, K.isin(counties)),
        "region": C(int, K.isin([1, 2])),
        "n_adults": C(int, K.isin([1, 2])),
        "n_children": C(int, K.in_range(1, 12)),
        "children_ages": C(str, K.str_matches(r"^\d{1,2}(;\d{1,2})*$")),
        "youngest_age": C(int, K.in_range(0, 17)),
        "parent_age": C(int, K.in_range(16, 90)),
        "exempt_map": C(bool),
        "earnings": C(float, K.ge(0)),
        "employed_persons": C(int, K.in_range(0, 4)),
        "months_on_aid": C(int, K.ge(0)),
        "clock_months_used": C(int, K.in_range(0, longest_limit)),
        "work_status": C(str, K.isin(list(WORK_STATUSES) + ["none"])),
        **{b: C(bool) for b in BARRIERS},
        "cw_component": C(str, K.isin(list(COMPONENTS))),
        "cw_start_date": C("datetime64[ns]", nullable=True),
        "removal_date": C("datetime64[ns]", nullable=True),
        "children_removed": C(int, K.ge(0)),
        "in_calworks": C(bool),
        "in_cws": C(bool),
        "shared": C(bool),
        "vignette": C(str, K.str_length(20, 1000)),
    }
    members = {
        "household_id": C(str, K.str_matches(r"^[A-Z]{2,4}-\d{6}$")),
        "person_id": C(str, K.str_matches(r"^[A-Z]{2,4}-\d{6}-P\d{1,2}$"), unique=True),
        "role": C(str, K.isin(["adult", "child"])),
        "first_name": C(str, K.str_length(1, 40)),
        "last_name": C(str, K.str_length(1, 40)),
        "sex": C(str, K.isin(["F", "M"])),
        "birth_date": C("datetime64[ns]"),
        "age": C(int, K.in_range(0, 100)),
        "ssn": C(str, K.str_matches(SSN_PATTERN), nullable=True),
    }
    acts = {
        "household_id": C(str, K.str_matches(r"^[A-Z]{2,4}-\d{6}$")),
        "plan": C(str, K.isin(["wtw", "cws"])),
        "activity": C(str, K.isin(activities)),
        "hours_per_week": C(float, K.in_range(0, 60)),
        "place": C(str, K.str_length(1, 80)),
        "days": C(str, K.str_matches(DAYS_PATTERN)),
        "start_hour": C(int, K.in_range(0, 23)),
        "accepted_by": C(str, K.isin(["wtw", "cws", "wtw;cws"])),
    }
    make = lambda cols: pa.DataFrameSchema(cols, strict=True, coerce=True, ordered=True)  # noqa: E731
    return {"households": make(hh), "members": make(members), "activities": make(acts)}


# --- sentences ------------------------------------------------------------------------------

def row_label(index) -> str:
    """A 0-based data row index as a spreadsheet row number (the header is row 1)."""
    return f"row {int(index) + 2}"


def _show(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "an empty cell"
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v)).lower()
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}" if abs(int(v)) >= 10_000 else str(int(v))
    if isinstance(v, (float, np.floating)):
        return str(int(v)) if float(v).is_integer() else f"{float(v):g}"
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    return repr(str(v))


def _problem(err: SchemaError, column: str, case) -> str:
    """What is wrong with one value, as the end of a sentence."""
    stats = getattr(err.check, "statistics", None) or {}
    name = getattr(err.check, "name", str(err.check))
    reason = str(err.reason_code).rsplit(".", 1)[-1]
    if reason == "SERIES_CONTAINS_NULLS":
        return "is empty, but every row needs a value"
    if reason == "SERIES_CONTAINS_DUPLICATES":
        return f"{_show(case)} appears more than once"
    if reason in ("DATATYPE_COERCION", "WRONG_DATATYPE"):
        return f"{_show(case)} is not of the right kind for this column"
    if name == "greater_than_or_equal_to":
        return f"{_show(case)} is below {_show(stats['min_value'])}"
    if name == "in_range":
        return f"{_show(case)} is outside {_show(stats['min_value'])}–{_show(stats['max_value'])}"
    if name == "isin":
        allowed = [str(a) for a in stats["allowed_values"]]
        shown = ", ".join(allowed[:8]) + (f" (and {len(allowed) - 8} more)" if len(allowed) > 8 else "")
        return f"{_show(case)} is not one of {shown}"
    if name == "str_matches":
        return f"{_show(case)} does not look like {EXAMPLES.get(column, 'the expected form')}"
    if name == "str_length":
        return (f"{_show(case)} should be {stats.get('min_value')} to {stats.get('max_value')} characters long")
    return f"{_show(case)} fails the check {name}"


def explain_error(exc: BaseException, file: str = "the file") -> str:
    """One sentence for a person, from a :class:`DatasetError`, a pandera error or a reading error."""
    if isinstance(exc, DatasetError):
        return str(exc)
    from pandera.errors import SchemaError, SchemaErrors

    errors = exc.schema_errors if isinstance(exc, SchemaErrors) else [exc] if isinstance(exc, SchemaError) else None
    if errors is None:
        return f"{file} could not be read ({type(exc).__name__}: {exc})."
    # structure first (missing, extra or out-of-order columns), then the earliest bad row
    for err in errors:
        reason = str(err.reason_code).rsplit(".", 1)[-1]
        fc = err.failure_cases
        case = fc["failure_case"].iloc[0] if isinstance(fc, pd.DataFrame) and len(fc) else fc
        if reason == "COLUMN_NOT_IN_DATAFRAME":
            return f"{file}: the column '{case}' is missing."
        if reason == "COLUMN_NOT_IN_SCHEMA":
            return f"{file}: the column '{case}' is not one this table has."
        if reason == "COLUMN_NOT_ORDERED":
            return f"{file}: the columns are not in the expected order (at '{case}')."
    best = None
    for err in errors:
        fc = err.failure_cases
        column = getattr(err.schema, "name", None)
        if not isinstance(fc, pd.DataFrame) or "index" not in fc or column is None:
            continue
        rows = fc.dropna(subset=["index"])
        if str(err.reason_code).endswith("SERIES_CONTAINS_DUPLICATES"):
            rows = rows.sort_values("index")
            rows = rows[rows["failure_case"].duplicated()]  # the repeats, not the first one
        if rows.empty:
            continue
        i = int(rows["index"].astype(int).min())
        case = rows.loc[rows["index"].astype(int) == i, "failure_case"].iloc[0]
        if best is None or i < best[0]:
            best = (i, column, err, case)
    if best is None:
        err = errors[0]
        column = getattr(err.schema, "name", None)
        return f"{file}, column '{column}': {_problem(err, column, None)}."
    i, column, err, case = best
    return f"{file}, {row_label(i)}, column '{column}': {_problem(err, column, case)}."


# --- coherence across columns and tables ----------------------------------------------------

def _ranges(rs) -> str:
    return ", ".join(f"{lo}–{hi}" if lo != hi else f"{lo}" for lo, hi in rs)


def _ssn_problem(ssn: pd.Series, file: str) -> str | None:
    """The first synthetic identifier outside the ranges the generator uses
    (``families.synthetic_ssn``: a never-issued 9xx area, a group no IRS number uses, a serial
    that is not 0000), as a sentence, or ``None``."""
    p = param("families.synthetic_ssn")
    a0, a1 = int(p.at(DEFAULT_AS_OF, "area_min")), int(p.at(DEFAULT_AS_OF, "area_max"))
    s0, s1 = int(p.at(DEFAULT_AS_OF, "serial_min")), int(p.at(DEFAULT_AS_OF, "serial_max"))
    groups = [(int(lo), int(hi)) for lo, hi in p.at(DEFAULT_AS_OF, "groups")]
    have = ssn.notna().to_numpy()
    if not have.any():
        return None
    text = ssn.where(ssn.notna(), "000-00-0000").astype(str)
    area = text.str.slice(0, 3).astype(int).to_numpy()
    group = text.str.slice(4, 6).astype(int).to_numpy()
    serial = text.str.slice(7, 11).astype(int).to_numpy()
    ok_group = np.zeros(len(text), bool)
    for lo, hi in groups:
        ok_group |= (group >= lo) & (group <= hi)
    checks = [
        ((area < a0) | (area > a1), lambda i: f"has area {area[i]:03d}; synthetic identifiers use only the areas "
                                              f"{a0}–{a1}, which are never issued as SSNs"),
        (~ok_group, lambda i: f"has group {group[i]:02d}; synthetic identifiers use only the groups {_ranges(groups)}, "
                              f"which no real SSN in this area nor any IRS number (ITIN, ATIN, IRSN) uses"),
        ((serial < s0) | (serial > s1), lambda i: f"has serial {serial[i]:04d}, which is never used"),
    ]
    for bad, say in checks:
        i = _first(have & bad)
        if i is not None:
            return f"{file}, {row_label(i)}, column 'ssn': {_show(ssn.iloc[i])} {say(i)}."
    return None


def _first(mask: pd.Series | np.ndarray) -> int | None:
    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    return int(hits[0]) if hits.size else None


def coherence_problem(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> str | None:
    """The first broken relationship between columns or tables, as a sentence, or ``None``.

    ``tables`` are schema-valid frames (0-based row positions); ``files`` names each table's file.
    """
    hh = tables["households"]
    f = files["households"]
    ages = hh["children_ages"].str.split(";")
    n_ages = ages.str.len().to_numpy()
    min_age = ages.map(lambda a: min(int(x) for x in a)).to_numpy()
    max_age = ages.map(lambda a: max(int(x) for x in a)).to_numpy()
    comp = hh["cw_component"].to_numpy()
    removal_case = np.isin(comp, REMOVAL_COMPONENTS)
    cal, cws = hh["in_calworks"].to_numpy(bool), hh["in_cws"].to_numpy(bool)
    gap = int(param("families.parent_age").at(DEFAULT_AS_OF, "min_gap_to_child"))
    rules = [
        ("children_ages", max_age > MAX_CHILD_AGE,
         lambda i: f"has a child aged {max_age[i]}; a child in the assistance unit is 0 to {MAX_CHILD_AGE}"),
        ("n_children", n_ages != hh["n_children"].to_numpy(),
         lambda i: f"says {hh['n_children'].iloc[i]} children but children_ages lists {n_ages[i]}"),
        ("youngest_age", min_age != hh["youngest_age"].to_numpy(),
         lambda i: f"is {hh['youngest_age'].iloc[i]}, but the youngest age in children_ages is {min_age[i]}"),
        ("children_ages", max_age > hh["parent_age"].to_numpy() - gap,
         lambda i: f"has a child aged {max_age[i]}, too old for a first adult aged {hh['parent_age'].iloc[i]}"),
        ("shared", hh["shared"].to_numpy(bool) != (cal & cws),
         lambda i: "must be true exactly when in_calworks and in_cws are both true"),
        ("in_cws", ~(cal | cws), lambda i: "is false and so is in_calworks: every household is in at least one program"),
        ("cw_component", (comp == "none") == cws,
         lambda i: f"is '{comp[i]}', which does not agree with in_cws ({str(cws[i]).lower()})"),
        ("work_status", (hh["work_status"].to_numpy() == "none") == cal,
         lambda i: f"is '{hh['work_status'].iloc[i]}', which does not agree with in_calworks ({str(cal[i]).lower()})"),
        ("earnings", (hh["employed_persons"].to_numpy() == 0) & (hh["earnings"].to_numpy() > 0),
         lambda i: f"is {_show(hh['earnings'].iloc[i])} but employed_persons is 0"),
        ("clock_months_used", hh["clock_months_used"].to_numpy() > hh["months_on_aid"].to_numpy(),
         lambda i: f"is {hh['clock_months_used'].iloc[i]}, more than months_on_aid ({hh['months_on_aid'].iloc[i]})"),
        ("children_removed", hh["children_removed"].to_numpy() > hh["n_children"].to_numpy(),
         lambda i: f"is {hh['children_removed'].iloc[i]}, more than n_children ({hh['n_children'].iloc[i]})"),
        ("children_removed", (hh["children_removed"].to_numpy() > 0) != removal_case,
         lambda i: (f"is {hh['children_removed'].iloc[i]}: children are removed in family reunification and "
                    f"permanency cases only, and this one is '{comp[i]}'")),
        ("removal_date", hh["removal_date"].notna().to_numpy() != removal_case,
         lambda i: (f"is empty, but a '{comp[i]}' case needs the date the children were removed" if removal_case[i]
                    else f"is set, but only family reunification and permanency cases have one (this one is '{comp[i]}')")),
        ("cw_start_date", hh["cw_start_date"].notna().to_numpy() != cws,
         lambda i: "must be set exactly for households in child welfare (in_cws)"),
        ("cw_start_date", (hh["cw_start_date"] > hh["removal_date"]).to_numpy(),
         lambda i: f"is {_show(hh['cw_start_date'].iloc[i])}, after the removal date {_show(hh['removal_date'].iloc[i])}"),
    ]
    for column, bad, say in rules:
        i = _first(bad)
        if i is not None:
            return f"{f}, {row_label(i)}, column '{column}': {say(i)}."

    ids = pd.Index(hh["household_id"])
    m, fm = tables["members"], files["members"]
    unknown = _first(~m["household_id"].isin(ids))
    if unknown is not None:
        return (f"{fm}, {row_label(unknown)}, column 'household_id': {_show(m['household_id'].iloc[unknown])} "
                f"is not a household in {f}.")
    ssn = m["ssn"]
    dup = _first(ssn.notna() & ssn.duplicated(keep="first"))
    if dup is not None:
        return f"{fm}, {row_label(dup)}, column 'ssn': {_show(ssn.iloc[dup])} appears more than once."
    counts = pd.crosstab(m["household_id"], m["role"]).reindex(ids, fill_value=0)
    for role, col in (("adult", "n_adults"), ("child", "n_children")):
        have = counts[role].to_numpy() if role in counts else np.zeros(len(ids), dtype=int)
        i = _first(have != hh[col].to_numpy())
        if i is not None:
            return (f"{f}, {row_label(i)}, column '{col}': says {hh[col].iloc[i]}, but {fm} lists {have[i]} "
                    f"{role}{'ren' if role == 'child' and have[i] != 1 else '' if have[i] == 1 else 's'} "
                    f"for household {_show(ids[i])}.")
    kids = m.loc[m["role"] == "child", ["household_id", "age"]].sort_values(["household_id", "age"], kind="stable")
    listed = kids.groupby("household_id", sort=False)["age"].agg(tuple).reindex(ids)
    stated = ages.map(lambda a: tuple(sorted(int(x) for x in a)))
    i = _first(listed.to_numpy(dtype=object) != stated.to_numpy(dtype=object))
    if i is not None:
        shown = ", ".join(map(str, listed.iloc[i]))
        return (f"{f}, {row_label(i)}, column 'children_ages': lists {hh['children_ages'].iloc[i]}, but {fm} lists "
                f"children aged {shown} for household {_show(ids[i])}.")
    problem = _ssn_problem(ssn, fm)
    if problem:
        return problem
    first_adult_age = m[m["role"] == "adult"].groupby("household_id")["age"].first()
    older = m["household_id"].map(first_adult_age)
    i = _first((m["role"] == "child") & (m["age"] > older - gap))
    if i is not None:
        return (f"{fm}, {row_label(i)}, column 'age': a child aged {m['age'].iloc[i]} is too old for a first adult "
                f"aged {int(older.iloc[i])}.")

    a, fa = tables["activities"], files["activities"]
    unknown = _first(~a["household_id"].isin(ids))
    if unknown is not None:
        return (f"{fa}, {row_label(unknown)}, column 'household_id': {_show(a['household_id'].iloc[unknown])} "
                f"is not a household in {f}.")
    by_id = hh.set_index("household_id")
    cal_a = a["household_id"].map(by_id["in_calworks"]).to_numpy(bool)
    comp_a = a["household_id"].map(by_id["cw_component"]).to_numpy()
    i = _first((a["plan"].to_numpy() == "wtw") & ~cal_a)
    if i is not None:
        return f"{fa}, {row_label(i)}, column 'plan': a welfare-to-work activity for a household not in CalWORKs."
    status_a = a["household_id"].map(by_id["work_status"]).to_numpy()
    i = _first((a["plan"].to_numpy() == "wtw") & ~np.isin(status_a, WTW_STATUSES))
    if i is not None:
        return (f"{fa}, {row_label(i)}, column 'plan': a welfare-to-work activity for an adult whose status is "
                f"'{status_a[i]}' (only {', '.join(WTW_STATUSES)} adults have a plan).")
    limit = value("calworks.time_limit.adult_months", DEFAULT_AS_OF)
    clock_a = a["household_id"].map(by_id["clock_months_used"]).to_numpy()
    i = _first((a["plan"].to_numpy() == "wtw") & (clock_a >= limit))
    if i is not None:
        return (f"{fa}, {row_label(i)}, column 'plan': a welfare-to-work activity for an adult who has used all "
                f"{limit} months of aid (a timed-out adult has no welfare-to-work plan).")
    i = _first((a["plan"].to_numpy() == "cws") & (comp_a == "none"))
    if i is not None:
        return f"{fa}, {row_label(i)}, column 'plan': a child welfare activity for a household with no open case."
    return None
