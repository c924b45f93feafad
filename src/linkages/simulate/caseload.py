"""From the synthetic population's tables to the arrays the vectorised engine steps.

:func:`prepare` validates the households (and activities) tables and builds a
:class:`Caseload`: one array per household attribute, the plan arithmetic from
:mod:`linkages.plans`, and look-up tables built *from the rules* (MAP by month, the clock,
family-reunification aid and reunification deadlines by removal month) so the monthly loop can
index them instead of calling the scalar rules a million times. The reference stepper
(:mod:`linkages.simulate.reference`) calls the scalar rules directly; a test holds the two equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..dates import add_months
from ..household import Child
from ..params import as_date, value
from ..plans import caseload_metrics, linked_reduction
from ..rules import calworks as C
from ..rules import cws as W
from .errors import CaseloadError, EmptyCaseloadError
from .model import BARRIERS, ModelParams

__all__ = ["Caseload", "prepare", "plan_arrays", "STATUS", "STATUS_CODE", "COMP", "COMP_CODE", "EVENTS",
           "FR_NONE", "FR_SERVICES", "FR_CASH", "month_index", "infer_start", "resolve_start", "first_month_on_or_after", "REQUIRED_COLUMNS"]

#: Work status codes: the rules' WORK_STATUSES in order, then "none" (no welfare-to-work this month).
STATUS = ("participating", "exempt", "non_compliant", "sanctioned", "good_cause", "none")
STATUS_CODE = {s: i for i, s in enumerate(STATUS)}
#: Child welfare component codes ("aftercare" = the months after reunification; "exited" = exit to
#: legal permanency by adoption or guardianship).
COMP = ("none", "emergency_response", "family_maintenance", "family_reunification", "permanency", "aftercare",
        "exited")
COMP_CODE = {c: i for i, c in enumerate(COMP)}
#: Event bits recorded per household-month.
EVENTS = {"referral": 1, "removal_in_home": 2, "reentry": 4, "reunification": 8, "permanency_exit": 16,
          "permanency_step": 32, "sanction": 64, "cure": 128, "extension": 256}
FR_NONE, FR_SERVICES, FR_CASH = 0, 1, 2
_FR_KIND = {"none": FR_NONE, "services only": FR_SERVICES, "cash and services": FR_CASH}

#: Model parameters :func:`prepare` reads (plans defaults, hearing dates for the deadlines).
PREPARE_PARAMS = ("plans.default_wtw_place_days", "plans.default_cws_hours", "plans.default_cws_place_days",
                  "plans.default_cws_shared_hours", "cws.jurisdiction_days_after_removal",
                  "cws.disposition_days_after_removal")

REQUIRED_COLUMNS = ["household_id", "county", "n_adults", "n_children", "children_ages", "youngest_age", "exempt_map",
                    "earnings", "employed_persons", "clock_months_used", "work_status", *BARRIERS, "cw_component",
                    "removal_date", "children_removed", "in_calworks"]


def infer_start(households: pd.DataFrame) -> dt.date:
    """The run's default start: the first day of the month on or after the latest removal or case
    opening date in the table (so every family's history is before the run), or, with no such
    date, the synthetic population's "as of" date."""
    latest = None
    for col in ("removal_date", "cw_start_date"):
        if col in households.columns:
            m = pd.to_datetime(households[col]).max()
            if not pd.isna(m) and (latest is None or m.date() > latest):
                latest = m.date()
    if latest is None:
        try:
            from ..families import DEFAULT_AS_OF as latest  # type: ignore[no-redef]
        except ImportError:
            latest = dt.date(2025, 1, 1)
    return latest if latest.day == 1 else add_months(latest.replace(day=1), 1)


def resolve_start(households: pd.DataFrame, start: Any) -> dt.date:
    """``start`` as the first day of its month; ``None`` means :func:`infer_start`."""
    if start is None:
        return infer_start(households)
    return as_date(start).replace(day=1)


def month_index(day: dt.date, start: dt.date) -> int:
    """Calendar months from ``start``'s month to ``day``'s month (negative before)."""
    return (day.year - start.year) * 12 + (day.month - start.month)


def first_month_on_or_after(day: dt.date, start: dt.date) -> int:
    """The first month index ``t`` whose first day ``add_months(start, t)`` is on or after ``day``
    (so a rule "in force while date < day" holds exactly for ``t`` below it)."""
    t = month_index(day, start)
    return t if day.day == 1 else t + 1


def child_for(age_at_removal: int, removal: dt.date, params: ModelParams) -> Child:
    """The :class:`~linkages.household.Child` the deadline rule reads for a removal: hearings at the
    assumed days after removal (``model.cws.jurisdiction_days_after_removal``,
    ``...disposition_days_after_removal``); a household whose youngest child was under the rule's
    young-child age counts as a sibling group with a child under 3."""
    young = age_at_removal < value("cws.reunification.young_child_age", removal)
    return Child(age_at_removal=int(min(max(age_at_removal, 0), 17)), removal_date=removal,
                 jurisdiction_date=removal + dt.timedelta(days=int(params["cws.jurisdiction_days_after_removal"])),
                 disposition_date=removal + dt.timedelta(days=int(params["cws.disposition_days_after_removal"])),
                 sibling_under_3=bool(young))


def age_at_removal(youngest_now: int, removal: dt.date, start: dt.date) -> int:
    """The youngest child's age at ``removal``, from the age now (at ``start``)."""
    return int(ages_at_removal(np.array([youngest_now]), np.array([(start - removal).days]))[0])


def ages_at_removal(youngest_now: np.ndarray, days_since_removal: np.ndarray) -> np.ndarray:
    """:func:`age_at_removal` for many households at once (whole years of 365.25 days)."""
    years = np.floor_divide(np.asarray(days_since_removal, dtype=np.int64), 365.25).astype(np.int64)
    return np.maximum(np.asarray(youngest_now, dtype=np.int64) - np.maximum(years, 0), 0)


@dataclass
class Caseload:
    ids: np.ndarray
    start: dt.date
    months: int
    dates: list
    a: dict  # static per-household arrays
    tab: dict  # per-month and per-removal-month tables
    depends: dict  # the model parameters the preparation used (a change means preparing again)

    def fits(self, start: dt.date, months: int, params: ModelParams) -> bool:
        return (self.start == start and self.months >= months
                and all(params[k] == v for k, v in self.depends.items()))

    @property
    def n(self) -> int:
        return len(self.ids)


def _coded(col: pd.Series, codes: dict, missing: int | None = None) -> np.ndarray:
    """A text column as the integer ``codes`` of its values (looked up once per distinct value);
    a value not in ``codes`` gets ``missing`` (``None``: it cannot happen, validation said so)."""
    code, uniq = pd.factorize(col.astype(str))
    return np.array([codes.get(u, missing) for u in uniq], dtype=np.int64)[code]


def _bool(s: pd.Series) -> np.ndarray:
    if s.dtype == bool:
        return s.to_numpy()
    return s.fillna(False).astype(bool).to_numpy()


def validate(households: pd.DataFrame) -> None:
    if households is None or len(households) == 0:
        raise EmptyCaseloadError("The caseload is empty: give at least one household to simulate.")
    missing = [c for c in REQUIRED_COLUMNS if c not in households.columns]
    if missing:
        raise CaseloadError(f"The households table lacks the column(s) {', '.join(missing)}.")
    if households["household_id"].duplicated().any():
        dup = households.loc[households["household_id"].duplicated(), "household_id"].iloc[0]
        raise CaseloadError(f"Household '{dup}' appears more than once.")
    comp = households["cw_component"].astype(str)
    bad = sorted(set(pd.unique(comp)) - set(COMP[:5]))
    if bad:
        raise CaseloadError(f"cw_component {', '.join(map(repr, bad))} is not one of {', '.join(COMP[:5])}.")
    needs = comp.isin(["family_reunification", "permanency"])
    no_date = needs & households["removal_date"].isna()
    if no_date.any():
        ids = households.loc[no_date, "household_id"].head(3).tolist()
        raise CaseloadError(f"Households in reunification or permanency need a removal date ({', '.join(map(str, ids))} have none).")
    kids = households["n_children"].to_numpy()
    removed = households["children_removed"].fillna(0).to_numpy()
    bad_rm = (needs.to_numpy() & (removed < 1)) | (removed > kids)
    if bad_rm.any():
        ids = households.loc[bad_rm, "household_id"].head(3).tolist()
        raise CaseloadError(f"children_removed must be 1..n_children for removed children ({', '.join(map(str, ids))}).")
    counted = households["children_ages"].astype(str).str.count(";").to_numpy() + 1
    if (counted != kids).any():
        bad_id = households.loc[counted != kids, "household_id"].iloc[0]
        raise CaseloadError(f"Household '{bad_id}': children_ages lists a different number of children than n_children.")
    if (kids < 1).any():
        raise CaseloadError("Every household in the model has at least one child.")
    adults = households["n_adults"].to_numpy()
    if not np.isin(adults, [1, 2]).all():
        raise CaseloadError("n_adults must be 1 or 2.")


def plan_arrays(households: pd.DataFrame, activities: pd.DataFrame | None, start: dt.date,
                params: ModelParams) -> dict[str, np.ndarray]:
    """Per-household plan numbers both engines read (computed once by :mod:`linkages.plans`).

    For each of welfare-to-work alone (``wtw_``), the case plan alone (``cws_``), both side by side
    (``sep_``) and the linked plan (``lnk_``): activity hours ``_h``, place-days ``_pd`` and
    double-bookings ``_db``. A household without activity rows gets the default plans
    (``model.plans.default_*``): the welfare-to-work requirement at one place, and a default case
    plan, part of which welfare-to-work accepts.
    """
    ids = households["household_id"].to_numpy()
    adults = households["n_adults"].to_numpy()
    exempt = households["work_status"].astype(str).to_numpy() == "exempt"
    req0 = C.work_hours_required_array(adults, np.where(exempt, adults, 0), households["youngest_age"].to_numpy(),
                                       households["n_children"].to_numpy(), start).astype(float)
    if activities is None or len(activities) == 0:
        cols = ["household_id", "plan", "activity", "hours_per_week", "place", "days", "start_hour", "accepted_by"]
        activities = pd.DataFrame(columns=cols)
    m = caseload_metrics(activities, household_ids=ids, required_hours=req0, on=start)
    f = {k: m[k].to_numpy(dtype=float) for k in m.columns}
    has_w, has_c = f["wtw_hours"] > 0, f["cws_hours"] > 0
    d_wpd = float(params["plans.default_wtw_place_days"])
    d_ch, d_cpd = float(params["plans.default_cws_hours"]), float(params["plans.default_cws_place_days"])
    d_share = float(params["plans.default_cws_shared_hours"])
    out = {
        "wtw_h": np.where(has_w, f["wtw_hours"], req0),
        "wtw_pd": np.where(has_w, f["wtw_place_days"], np.where(req0 > 0, d_wpd, 0.0)),
        "wtw_db": np.where(has_w, f["wtw_double"], 0.0),
        "cws_h": np.where(has_c, f["cws_hours"], d_ch),
        "cws_pd": np.where(has_c, f["cws_place_days"], d_cpd),
        "cws_db": np.where(has_c, f["cws_double"], 0.0),
    }
    both = has_w & has_c
    out["sep_h"] = out["wtw_h"] + out["cws_h"]
    out["sep_pd"] = np.where(both, f["sep_place_days"], out["wtw_pd"] + out["cws_pd"])
    out["sep_db"] = np.where(both, f["sep_double"], out["wtw_db"] + out["cws_db"])
    credit = np.where(has_c, f["credit_hours"], d_share)
    cut_default = linked_reduction(out["wtw_h"], credit, req0)
    out["lnk_h"] = out["sep_h"] - np.where(both, f["linked_cut_hours"], cut_default)
    out["lnk_pd"] = np.where(both, f["linked_place_days"], out["sep_pd"])
    out["lnk_db"] = np.where(both, f["linked_double"], out["sep_db"])
    out["has_wtw_rows"], out["has_cws_rows"] = has_w, has_c
    return out


def _fr_entry(removal: dt.date, start: dt.date, aided: bool, all_removed: bool, timed_out: bool,
              sanctioned: bool) -> tuple[int, int]:
    """Family-reunification aid for a removal, from the rule (the model assumes child welfare finds
    the services needed, ``services_needed=True``, for every removal)."""
    aid = C.family_reunification_aid(removal, aided_at_removal=aided, all_children_removed=all_removed,
                                     timed_out=timed_out, sanctioned=sanctioned)
    kind = _FR_KIND[aid.kind]
    end = first_month_on_or_after(aid.ends, start) if aid.ends is not None else -10**6
    return kind, end


def _deadlines(child: Child, start: dt.date) -> tuple[int, int]:
    d = W.reunification_deadlines(child)
    return first_month_on_or_after(d.services_end, start), first_month_on_or_after(d.extension_end, start)


def prepare(households: pd.DataFrame, activities: pd.DataFrame | None, start: Any, months: int,
            params: ModelParams) -> Caseload:
    """Validate the tables and build the arrays and rule tables for ``months`` from ``start``."""
    validate(households)
    start = resolve_start(households, start)
    hh = households.reset_index(drop=True)
    n = len(hh)
    dates = [add_months(start, t) for t in range(months)]
    a: dict[str, np.ndarray] = {}
    c_code, c_uniq = pd.factorize(hh["county"].astype(str))
    a["region"] = np.array([C.region(c, start) for c in c_uniq], dtype=np.int64)[c_code]
    a["exempt_map"] = _bool(hh["exempt_map"]).astype(np.int64)
    a["adults"] = hh["n_adults"].to_numpy(dtype=np.int64)
    a["n_children"] = hh["n_children"].to_numpy(dtype=np.int64)
    a["youngest0"] = hh["youngest_age"].to_numpy(dtype=np.int64)
    a["earnings"] = hh["earnings"].fillna(0).to_numpy(dtype=float)
    ws = hh["work_status"].astype(str).to_numpy()
    a["exempt"] = ws == "exempt"
    a["exempt_adults"] = np.where(a["exempt"], a["adults"], 0)
    bars = np.stack([_bool(hh[b]) for b in BARRIERS], axis=1)
    a["barriers"] = bars
    a["transport"] = bars[:, BARRIERS.index("transportation")]
    in_cal = _bool(hh["in_calworks"])
    comp = _coded(hh["cw_component"], COMP_CODE)
    a["comp0"] = comp
    kids_out = np.where(np.isin(comp, [3, 4]), hh["children_removed"].fillna(0).to_numpy(dtype=np.int64), 0)
    a["kids_out0"] = kids_out
    clock = hh["clock_months_used"].fillna(0).to_numpy(dtype=np.int64)
    a["clock0"] = clock
    limit0 = C.adult_time_limit(start)
    a["timed_out0"] = in_cal & (clock >= limit0)
    a["status0"] = np.where(in_cal, _coded(hh["work_status"], STATUS_CODE, STATUS_CODE["none"]), STATUS_CODE["none"])
    # removals before the start: episode start, deadlines and family-reunification aid from the rules
    rem = np.isin(comp, [3, 4])
    ep, dls, dlx = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    frk, fre = np.zeros(n, np.int64), np.full(n, -10**6, np.int64)
    if rem.any():
        rdates = pd.to_datetime(hh.loc[rem, "removal_date"]).dt.date.to_numpy()
        idx = np.nonzero(rem)[0]
        # the rules are asked once per distinct removal date (and circumstance), not per household
        rcode, rdays = pd.factorize(rdates)
        rdays = list(rdays)
        late = np.flatnonzero(np.array([r > start for r in rdays])[rcode])
        if late.size:
            r, latest = rdates[late[0]], max(rdays)
            raise CaseloadError(
                f"Household '{hh.at[idx[late[0]], 'household_id']}' has a removal date ({r}) after the start of the run "
                f"({start}); start on or after {latest.replace(day=1) if latest.day == 1 else add_months(latest.replace(day=1), 1)}.")
        ages = ages_at_removal(a["youngest0"][rem], np.array([(start - r).days for r in rdays])[rcode])
        young = ages < np.array([value("cws.reunification.young_child_age", r) for r in rdays])[rcode]
        ep[idx] = np.array([month_index(r, start) for r in rdays], dtype=np.int64)[rcode]
        # deadlines by (date, young): the first household of each pair stands for it, as it always has
        keys, first, inv = np.unique(rcode * 2 + young, return_index=True, return_inverse=True)
        got = np.array([_deadlines(child_for(ages[j], rdays[rcode[j]], params), start) for j in first],
                       dtype=np.int64).reshape(-1, 2)
        dls[idx], dlx[idx] = got[inv, 0], got[inv, 1]
        # family-reunification aid by (date, aided, all removed, timed out, sanctioned)
        flags = np.stack([in_cal[rem], kids_out[rem] == a["n_children"][rem], a["timed_out0"][rem],
                          a["status0"][rem] == STATUS_CODE["sanctioned"]], axis=1).astype(np.int64)
        keys, first, inv = np.unique(rcode * 16 + flags @ np.array([8, 4, 2, 1]), return_index=True,
                                     return_inverse=True)
        got = np.array([_fr_entry(rdays[rcode[j]], start, *map(bool, flags[j])) for j in first],
                       dtype=np.int64).reshape(-1, 2)
        frk[idx], fre[idx] = got[inv, 0], got[inv, 1]
    a["ep_start0"], a["dl_serv0"], a["dl_ext0"] = ep, dls, dlx
    all_out = rem & (kids_out == a["n_children"])
    fr_cash_now = all_out & in_cal & (frk == FR_CASH) & (0 < fre)
    a["fr_kind0"] = frk
    a["fr_end0"] = fre
    a["fr_claim0"] = fr_cash_now
    a["on_aid0"] = in_cal & ~(all_out & ~fr_cash_now)
    a["aid_lost0"] = in_cal & all_out & ~fr_cash_now
    a.update(plan_arrays(hh, activities, start, params))

    # --- per-month tables from the rules ----------------------------------------------------
    tab: dict[str, Any] = {}
    tab["map"] = np.stack([C.map_table(d) for d in dates])
    tab["map_cap"] = np.array([value("calworks.map.max_au_size", d) for d in dates])
    tab["limit"] = np.array([C.adult_time_limit(d) for d in dates])
    tab["counts"] = np.array([[C.month_counts_on_clock(s, d) for s in STATUS[:5]] + [False] for d in dates])
    tab["income_counts"] = np.array([bool(value("calworks.sanction.sanctioned_income_counts", d)) for d in dates])
    tab["removed_per_sanction"] = np.array(
        [int(value("calworks.sanction.persons_removed_per_sanctioned_adult", d)) for d in dates])
    tab["young_wtw_age"] = np.array(
        [C.young_child_age(d) for d in dates])
    tab["young_cws_age"] = np.array([value("cws.reunification.young_child_age", d) for d in dates])
    # removal in month t: deadlines [t, young] and family-reunification aid
    # [t, aided, all_removed, timed_out, sanctioned] -> (kind, end month)
    dl = np.zeros((months, 2, 2), np.int64)
    frt = np.zeros((months, 2, 2, 2, 2, 2), np.int64)
    for t, d in enumerate(dates):
        for young in (0, 1):
            dl[t, young] = _deadlines(child_for(0 if young else 10, d, params), start)
        for ad, al, to, sa in np.ndindex(2, 2, 2, 2):
            frt[t, ad, al, to, sa] = _fr_entry(d, start, bool(ad), bool(al), bool(to), bool(sa))
    tab["dl"] = dl
    tab["fr"] = frt
    window = int(value("calworks.sanction.compliance_window_days", start))
    tab["window_months"] = max(1, int(round(window / (365.25 / 12))))
    depends = {k: params[k] for k in PREPARE_PARAMS}
    return Caseload(hh["household_id"].to_numpy(), start, months, dates, a, tab, depends)
