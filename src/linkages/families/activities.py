"""Case-plan activities: a welfare-to-work plan for non-exempt CalWORKs adults and a child
welfare case plan for families in family maintenance or reunification.

Each plan is written by its own program, so a service both programs ask for (substance use
treatment, say) appears twice, at two places: the clash a linked case plan removes. Hours come
from ``families.activities``, schedules from ``families.activity_schedule``, and which program
counts an activity from ``catalogue.yaml`` (W&I 11320.1(b)(1) for substance use, mental health
and domestic violence services; parenting classes only where the county counts them).

Each worker books her own plan without clashes (an assumption: a worker does not double-book
her own client). The activities of one plan are booked in the order they are added, paid work
first (it never moves). An activity keeps its drawn days and start hour when they overlap nothing
already booked in the same plan (touching is fine); otherwise it starts at the nearest free whole
hour on the drawn days (``start_hour`` is a whole hour; on a tie, the later hour), within the day
``families.plan_day`` allows (8:00 to 20:00); failing that, on another set of as many weekdays
(the sets sharing most days with the drawn one first). A household whose plan still has a clash
is booked again with the activities that meet on most days first (paid work still first): a
long daily job search fits around a one-day appointment better than the other way round. Only
if that fails too does the plan keep a clash (the activity that found no slot stays where it
was drawn; ``report["kept_clashes"]`` counts such plans: about one in 10,000 households). The
schedule draws nothing, so the random numbers, and every other column, are what they were.
Nobody books around the *other* program's plan, so the two plans still clash with each other:
the clash a linked case plan removes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from ..yamlio import safe_load

from ..params import param, value
from ..rules.calworks import work_hours_required_array

__all__ = ["ACTIVITY_COLUMNS", "WEEKDAYS", "WTW_STATUSES", "activities_for", "catalogue"]

ACTIVITY_COLUMNS = ["household_id", "plan", "activity", "hours_per_week", "place", "days", "start_hour", "accepted_by"]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
#: Work statuses with a welfare-to-work plan (exempt adults have none).
WTW_STATUSES = ("participating", "non_compliant", "sanctioned", "good_cause")
#: Components with a child welfare case plan (an emergency response has none yet; a permanency
#: case no longer offers reunification services).
CWS_PLAN_COMPONENTS = ("family_maintenance", "family_reunification")
#: Calendar constant: weeks in an average month.
WEEKS_PER_MONTH = 52 / 12


@lru_cache(maxsize=1)
def catalogue() -> dict:
    """Places and which programs count each activity, by plan (``catalogue.yaml``)."""
    return safe_load((Path(__file__).parent / "catalogue.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _day_sets(k: int) -> np.ndarray:
    return np.array([";".join(c) for c in itertools.combinations(WEEKDAYS, k)], dtype=object)


@lru_cache(maxsize=None)
def _day_masks(k: int) -> np.ndarray:
    """The day sets of ``_day_sets(k)`` as bit masks (Mon = 1, Tue = 2, ...)."""
    return np.array([sum(1 << WEEKDAYS.index(d) for d in c) for c in itertools.combinations(WEEKDAYS, k)],
                    dtype=np.int64)


@lru_cache(maxsize=None)
def _day_order(k: int) -> np.ndarray:
    """Row ``i``: the day sets to try for a session drawn on set ``i`` — itself first, then the
    others by days shared with it (most first), then in order."""
    m = _day_masks(k)
    shared = np.array([[bin(a & b).count("1") for b in m] for a in m])
    return np.array([sorted(range(len(m)), key=lambda j: (j != i, -shared[i, j], j)) for i in range(len(m))],
                    dtype=np.int64)


def _free(booked: list, rows: np.ndarray, mask: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether sessions on days ``mask`` from ``start`` to ``end`` overlap nothing booked for
    households ``rows`` (touching is fine; the same test as :meth:`Plan.double_bookings`)."""
    ok = np.ones(len(rows), dtype=bool)
    for b_mask, b_start, b_end in booked:
        ok &= ((b_mask[rows] & mask) == 0) | (start >= b_end[rows]) | (b_start[rows] >= end)
    return ok


def _book(booked: list, idx: np.ndarray, di: np.ndarray, start: np.ndarray, hours: np.ndarray, k: int,
          day: tuple[int, int], fixed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Book one activity for households ``idx`` (drawn day set ``di``, start ``start``, weekly
    ``hours`` over ``k`` days) around what ``booked`` already holds for the same plan: the
    (day set, start) it gets, and the positions in ``idx`` that keep a clash (nothing fits, or
    ``fixed``: it keeps its drawn slot whatever)."""
    masks = _day_masks(k)
    length = hours / k  # as Activity.sessions() computes a session
    di, start = di.copy(), start.copy()
    todo = np.flatnonzero(~_free(booked, idx, masks[di], start, start + length))
    if fixed or todo.size == 0:
        return di, start, todo
    first, last_end = day
    order = _day_order(k)
    offsets = [o for d in range(1, last_end - first + 1) for o in (d, -d)]  # nearest first, later on a tie
    for r in range(len(masks)):
        for o in ([0] if r else []) + offsets:
            c_di, c_start = order[di[todo], r], start[todo] + o
            inside = (c_start >= first) & (c_start + length[todo] <= last_end)
            if not inside.any():
                continue
            t, c_start_in = todo[inside], c_start[inside]
            fit = np.zeros(len(todo), dtype=bool)
            fit[inside] = _free(booked, idx[t], masks[c_di[inside]], c_start_in, c_start_in + length[t])
            if fit.any():
                won = todo[fit]
                di[won], start[won] = c_di[fit], c_start[fit]
                todo = todo[~fit]
                if todo.size == 0:
                    return di, start, todo
    return di, start, todo


@dataclass
class _Booking:
    """One activity of one plan to book: households ``idx``, their drawn day set and start."""

    idx: np.ndarray
    di: np.ndarray
    start: np.ndarray
    hours: np.ndarray
    k: int
    fixed: bool


def _book_plan(items: list[_Booking], n: int, day: tuple[int, int], order, only: np.ndarray | None = None):
    """Book one plan's activities in ``order`` for the households ``only`` selects (all by
    default): per activity (which of its households were booked, day set, start), and which
    households keep a clash."""
    booked: list = []
    out: list = [None] * len(items)
    clash = np.zeros(n, dtype=bool)
    for j in order:
        it = items[j]
        sel = np.ones(len(it.idx), dtype=bool) if only is None else only[it.idx]
        idx = it.idx[sel]
        di, start, left = _book(booked, idx, it.di[sel], it.start[sel], it.hours[sel], it.k, day, it.fixed)
        clash[idx[left]] = True
        out[j] = (sel, di, start)
        b_mask, b_start, b_end = np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n)
        b_mask[idx], b_start[idx] = _day_masks(it.k)[di], start
        b_end[idx] = b_start[idx] + it.hours[sel] / it.k
        booked.append((b_mask, b_start, b_end))
    return out, clash


def _schedule(items: list[_Booking], n: int, day: tuple[int, int]) -> tuple[list, int]:
    """Each activity's (day set, start) per household of a plan booked without clashes inside
    itself, and how many households keep a clash. In the order added; a household for which
    that leaves a clash is booked again with the activities that meet on most days first
    (paid work still first), which fits a long daily session around a one-day appointment."""
    res, clash = _book_plan(items, n, day, range(len(items)))
    final = [(it_di, it_start) for _, it_di, it_start in res]
    if not clash.any():
        return final, 0
    again = sorted(range(len(items)), key=lambda j: (not items[j].fixed, -items[j].k))
    res2, clash2 = _book_plan(items, n, day, again, only=clash)
    better = clash & ~clash2
    for j, (sel, di, start) in enumerate(res2):
        take = better[items[j].idx[sel]]
        pos = np.flatnonzero(sel)[take]
        final[j][0][pos], final[j][1][pos] = di[take], start[take]
    return final, int((clash & clash2).sum())


def activities_for(hh: pd.DataFrame, rng: np.random.Generator, on: dt.date,
                   report: dict | None = None) -> pd.DataFrame:
    """The activities table for households ``hh`` (one row per activity), in household order,
    welfare-to-work plan first. Each plan is booked without clashes inside itself (module
    docstring); ``report``, if given, gets ``kept_clashes``: how many plans keep a clash inside
    themselves because no free slot was found."""
    n = len(hh)
    hours_p, sched_p = param("families.activities"), param("families.activity_schedule")
    day = (int(value("families.plan_day", on, "earliest_start")), int(value("families.plan_day", on, "latest_end")))
    paid_work = {str(a).lower() for a in value("model.plans.paid_work_activities", on)}
    cat = catalogue()
    ids = hh["household_id"].to_numpy(dtype=object)
    status = hh["work_status"].to_numpy()
    comp = hh["cw_component"].to_numpy()
    b = {k: hh[k].to_numpy(bool) for k in ("substance_use", "mental_health", "domestic_violence", "no_diploma")}
    timed_out = hh["clock_months_used"].to_numpy() >= value("calworks.time_limit.adult_months", on)
    in_wtw = hh["in_calworks"].to_numpy(bool) & np.isin(status, WTW_STATUSES) & ~timed_out
    services_only = in_wtw & (status == "good_cause")  # good cause: services, no work requirement
    required = work_hours_required_array(hh["n_adults"].to_numpy(), 0, hh["youngest_age"].to_numpy(),
                                         hh["n_children"].to_numpy(), on).astype(float)
    county_counts_parenting = rng.random(n) < value("families.parenting_counts_share", on)

    rows: dict[str, list[dict]] = {"wtw": [], "cws": []}
    items: dict[str, list[_Booking]] = {"wtw": [], "cws": []}  # per plan, in the order added

    def add(mask: np.ndarray, plan: str, activity: str, hours) -> None:
        info = cat[plan][activity]
        sched = sched_p.at(on, f"{plan}/{activity}")
        k = int(sched["days_per_week"])
        day_sets = _day_sets(k)
        starts = np.asarray(sched["start_hours"], dtype=np.int64)
        # draws for every household, used for those in the mask: the stream does not depend on it
        drawn_days = rng.integers(0, len(day_sets), n)
        drawn_start = starts[rng.integers(0, len(starts), n)]
        hours = np.round(np.broadcast_to(np.asarray(hours, dtype=float), (n,)), 1)
        idx = np.flatnonzero(mask & (hours > 0))
        if idx.size == 0:
            return
        items[plan].append(_Booking(idx, drawn_days[idx], drawn_start[idx], hours[idx], k,
                                    fixed=activity.replace("_", " ").lower() in paid_work))
        accepted = info["accepted_by"]
        if "county_practice" in info:  # e.g. parenting: both programs only where the county counts it
            accepted = np.where(county_counts_parenting[idx], info["county_practice"], accepted)
        rows[plan].append({
            "_key": idx * 2 + (plan == "cws"),
            "household_id": ids[idx], "plan": plan, "activity": activity,
            "hours_per_week": hours[idx], "place": info["place"],
            "days": day_sets, "start_hour": None, "accepted_by": accepted,
        })

    H = lambda a: float(hours_p.at(on, a))  # noqa: E731

    # welfare-to-work: paid work first, then services, then training or job search for the rest
    left = np.where(in_wtw & ~services_only, required, 0.0)
    wage = float(param("families.employment").at(on, "hourly_wage"))
    work = np.minimum(hh["earnings"].to_numpy() / wage / WEEKS_PER_MONTH, left)
    add(in_wtw & (work > 0), "wtw", "employment", work)
    left = left - work
    for activity, barrier in (("substance_use_treatment", "substance_use"),
                              ("mental_health_counseling", "mental_health"),
                              ("domestic_violence_services", "domestic_violence")):
        h = np.where(services_only, H(activity), np.minimum(H(activity), left))
        add(in_wtw & b[barrier], "wtw", activity, h)
        left = left - np.where(in_wtw & b[barrier] & ~services_only, h, 0.0)
    training = b["no_diploma"]
    add(in_wtw & training, "wtw", "vocational_training", left)
    add(in_wtw & ~training, "wtw", "job_search", left)

    # child welfare case plan
    plan = np.isin(comp, CWS_PLAN_COMPONENTS)
    add(plan, "cws", "parenting_class", H("parenting_class"))
    add(plan & b["substance_use"], "cws", "substance_use_treatment", H("substance_use_treatment"))
    add(plan & b["substance_use"], "cws", "drug_testing", H("drug_testing"))
    add(plan & b["mental_health"], "cws", "mental_health_counseling", H("mental_health_counseling"))
    add(plan & b["domestic_violence"], "cws", "domestic_violence_services", H("domestic_violence_services"))
    add(comp == "family_reunification", "cws", "visitation", H("visitation"))
    add(comp == "family_maintenance", "cws", "family_therapy", H("family_therapy"))

    # each plan's own worker books it without clashes inside the plan (not around the other plan)
    kept = 0
    for plan_name, plan_rows in rows.items():
        slots, clashes = _schedule(items[plan_name], n, day)
        kept += clashes
        for row, (di, start) in zip(plan_rows, slots):
            row["days"], row["start_hour"] = row["days"][di], start
    if report is not None:
        report["kept_clashes"] = kept
    table = rows["wtw"] + rows["cws"]
    if not table:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "start_hour" else "float64" if c == "hours_per_week"
                                          else "str") for c in ACTIVITY_COLUMNS})
    out = pd.concat([pd.DataFrame(r) for r in table], ignore_index=True)
    # household order, welfare-to-work plan first, then in the order added
    out = out.iloc[np.argsort(out["_key"].to_numpy(), kind="stable")].reset_index(drop=True)
    return out[ACTIVITY_COLUMNS]
