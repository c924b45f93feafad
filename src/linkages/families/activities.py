"""Case-plan activities: a welfare-to-work plan for non-exempt CalWORKs adults and a child
welfare case plan for families in family maintenance or reunification.

Each plan is written by its own program, so a service both programs ask for (substance use
treatment, say) appears twice, at two places: the clash a linked case plan removes. Hours come
from ``families.activities``, schedules from ``families.activity_schedule``, and which program
counts an activity from ``catalogue.yaml`` (W&I 11320.1(b)(1) for substance use, mental health
and domestic violence services; parenting classes only where the county counts them).
"""

from __future__ import annotations

import datetime as dt
import itertools
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

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
    return yaml.safe_load((Path(__file__).parent / "catalogue.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _day_sets(k: int) -> np.ndarray:
    return np.array([";".join(c) for c in itertools.combinations(WEEKDAYS, k)], dtype=object)


def activities_for(hh: pd.DataFrame, rng: np.random.Generator, on: dt.date) -> pd.DataFrame:
    """The activities table for households ``hh`` (one row per activity), in household order,
    welfare-to-work plan first."""
    n = len(hh)
    hours_p, sched_p = param("families.activities"), param("families.activity_schedule")
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

    rows: list[pd.DataFrame] = []

    def add(mask: np.ndarray, plan: str, activity: str, hours) -> None:
        info = cat[plan][activity]
        sched = sched_p.at(on, f"{plan}/{activity}")
        day_sets = _day_sets(int(sched["days_per_week"]))
        starts = np.asarray(sched["start_hours"], dtype=np.int64)
        # draws for every household, used for those in the mask: the stream does not depend on it
        days = day_sets[rng.integers(0, len(day_sets), n)]
        start = starts[rng.integers(0, len(starts), n)]
        hours = np.round(np.broadcast_to(np.asarray(hours, dtype=float), (n,)), 1)
        idx = np.flatnonzero(mask & (hours > 0))
        if idx.size == 0:
            return
        accepted = info["accepted_by"]
        if "county_practice" in info:  # e.g. parenting: both programs only where the county counts it
            accepted = np.where(county_counts_parenting[idx], info["county_practice"], accepted)
        rows.append(pd.DataFrame({
            "_key": idx * 2 + (plan == "cws"),
            "household_id": ids[idx], "plan": plan, "activity": activity,
            "hours_per_week": hours[idx], "place": info["place"],
            "days": days[idx], "start_hour": start[idx], "accepted_by": accepted,
        }))

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

    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "start_hour" else "float64" if c == "hours_per_week"
                                          else "str") for c in ACTIVITY_COLUMNS})
    out = pd.concat(rows, ignore_index=True)
    # household order, welfare-to-work plan first, then in the order added
    out = out.iloc[np.argsort(out["_key"].to_numpy(), kind="stable")].reset_index(drop=True)
    return out[ACTIVITY_COLUMNS]
