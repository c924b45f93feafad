"""A small stand-in for ``linkages.families`` with the same columns, used only while that module
is absent (and by a few tests that need a hand-made household). :func:`population` prefers the
real generator when it is installed.

The numbers here only shape test data; none of them is a model parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import BARRIERS

__all__ = ["Population", "fixture_population", "population"]

_COUNTIES = ["Los Angeles", "Fresno", "Alameda", "Kern", "Sacramento", "Shasta", "San Bernardino", "Santa Clara"]
_COMPONENTS = ["none", "emergency_response", "family_maintenance", "family_reunification", "permanency"]


@dataclass
class Population:
    households: pd.DataFrame
    activities: pd.DataFrame


def population(n: int, seed: int = 0):
    """The synthetic population: ``linkages.families.generate`` when present, else the fixture."""
    try:
        from ..families import generate  # type: ignore[attr-defined]
    except ImportError:
        return fixture_population(n, seed)
    return generate(n, seed)


def fixture_population(n: int = 1000, seed: int = 0, on: dt.date = dt.date(2025, 1, 1)) -> Population:
    rng = np.random.default_rng(seed)
    ids = np.array([f"F{seed:02d}-{i:06d}" for i in range(n)])
    adults = np.where(rng.random(n) < 0.78, 1, 2)
    n_children = rng.choice([1, 2, 3, 4], size=n, p=[0.4, 0.33, 0.18, 0.09])
    ages = [np.sort(rng.integers(0, 17, size=k)) for k in n_children]
    youngest = np.array([a[0] for a in ages])
    in_cal = rng.random(n) < 0.8
    in_cws = rng.random(n) < np.where(in_cal, 0.3, 0.9)
    comp = np.where(in_cws, rng.choice(_COMPONENTS[1:], size=n, p=[0.15, 0.42, 0.33, 0.10]), "none")
    earnings = np.where(rng.random(n) < 0.35, np.round(rng.uniform(300, 2200, n), 2), 0.0)
    employed = (earnings > 0).astype(int)
    status = np.where(in_cal, rng.choice(["participating", "exempt", "non_compliant", "sanctioned", "good_cause"],
                                         size=n, p=[0.66, 0.14, 0.07, 0.1, 0.03]), "none")
    bar = {b: rng.random(n) < p for b, p in zip(BARRIERS, [0.18, 0.25, 0.15, 0.2, 0.1, 0.3, 0.08, 0.22])}
    months_ago = np.where(comp == "permanency", rng.integers(13, 30, n), rng.integers(0, 12, n))
    removal = [on - dt.timedelta(days=int(30.4 * m) + int(d)) for m, d in zip(months_ago, rng.integers(0, 28, n))]
    has_removal = np.isin(comp, ["family_reunification", "permanency"])
    removed = np.where(has_removal, np.where(rng.random(n) < 0.8, n_children, np.maximum(1, n_children // 2)), 0)
    cw_start = [on - dt.timedelta(days=int(d)) for d in rng.integers(10, 400, n)]
    hh = pd.DataFrame({
        "household_id": ids,
        "county": rng.choice(_COUNTIES, size=n),
        "region": 0,
        "n_adults": adults,
        "n_children": n_children,
        "children_ages": [";".join(map(str, a)) for a in ages],
        "youngest_age": youngest,
        "exempt_map": rng.random(n) < 0.05,
        "earnings": earnings,
        "employed_persons": employed,
        "months_on_aid": np.where(in_cal, rng.integers(1, 60, n), 0),
        "clock_months_used": np.where(in_cal, rng.integers(0, 58, n), 0),
        "work_status": status,
        **bar,
        "cw_component": comp,
        "cw_start_date": [d if c != "none" else pd.NaT for d, c in zip(cw_start, comp)],
        "removal_date": [r if h else pd.NaT for r, h in zip(removal, has_removal)],
        "children_removed": removed,
        "in_calworks": in_cal,
        "in_cws": in_cws,
    })
    hh["shared"] = hh["in_calworks"] & hh["in_cws"]
    from ..rules.calworks import region

    regions = {c: region(c) for c in _COUNTIES}
    hh["region"] = hh["county"].map(regions)
    return Population(hh, _activities(hh, rng))


def _activities(hh: pd.DataFrame, rng) -> pd.DataFrame:
    rows = []
    wk = ["Mon", "Tue", "Wed", "Thu", "Fri"]

    def add(hid, plan, act, hours, place, days, start, acc):
        rows.append((hid, plan, act, float(hours), place, ";".join(days), float(start), acc))

    for r in hh.itertuples(index=False):
        need_wtw = r.in_calworks and r.work_status not in ("exempt", "none")
        cw = r.cw_component in ("family_maintenance", "family_reunification")
        total = 35 if r.n_adults == 2 else (20 if r.youngest_age < 6 else 30)
        if need_wtw:
            used = 0.0
            if r.earnings > 0:
                h = float(min(total, rng.choice([10, 15, 20])))
                add(r.household_id, "wtw", "employment", h, "Workplace", ["Mon", "Wed", "Fri"] if h <= 15 else wk[:4],
                    rng.choice([8, 9]), "wtw")
                used += h
            if r.substance_use and rng.random() < 0.6:
                add(r.household_id, "wtw", "substance use treatment", 6, "Treatment center", ["Mon", "Wed", "Fri"], 9,
                    "wtw;cws")
                used += 6
            rest = total - used
            if rest > 0:
                if r.no_diploma and rng.random() < 0.5:
                    add(r.household_id, "wtw", "adult education", rest, "Adult school", wk, rng.choice([9, 13]), "wtw")
                else:
                    add(r.household_id, "wtw", "job club", rest, "WTW office", wk, rng.choice([9, 10, 13]), "wtw")
        if cw:
            add(r.household_id, "cws", "parenting class", 3, "Family resource center", [rng.choice(wk)],
                rng.choice([10, 13, 17]), "cws" if rng.random() < 0.5 else "wtw;cws")
            if r.substance_use:
                add(r.household_id, "cws", "substance use treatment", 6, "Treatment center", ["Mon", "Wed", "Fri"], 9,
                    "wtw;cws")
            if r.mental_health:
                add(r.household_id, "cws", "counseling", 2, "Clinic", [rng.choice(wk)], rng.choice([10, 14]), "wtw;cws")
            if r.domestic_violence:
                add(r.household_id, "cws", "domestic violence group", 2, "DV agency", [rng.choice(wk)], 18, "wtw;cws")
            if r.cw_component == "family_reunification":
                add(r.household_id, "cws", "visitation", 4, "CWS office", ["Tue", "Thu"], rng.choice([10, 14, 15]), "cws")
    return pd.DataFrame(rows, columns=["household_id", "plan", "activity", "hours_per_week", "place", "days",
                                       "start_hour", "accepted_by"])
