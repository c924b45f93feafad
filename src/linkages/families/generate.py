"""The seeded synthetic-family generator.

``generate(n, seed)`` draws households, their members and their case-plan activities, using
only NumPy draws from one seeded generator, in a fixed order, so the same seed gives the same
tables on every machine. Every distribution comes from ``linkages.params.families.*`` (most are
labelled ``assumption``; the data dictionary in ``datasets/README.md`` says which).
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..household import Household
from ..params import param, value
from ..rules.calworks import work_hours_required_array
from .vignettes import vignettes

__all__ = ["Population", "generate", "to_household", "BARRIERS", "COMPONENTS", "DEFAULT_AS_OF"]

DEFAULT_AS_OF = dt.date(2025, 6, 1)
BARRIERS = ("substance_use", "mental_health", "domestic_violence", "housing_instability",
            "limited_english", "no_diploma", "disability", "transportation")
COMPONENTS = ("none", "emergency_response", "family_maintenance", "family_reunification", "permanency")
STATUSES = ("participating", "exempt", "non_compliant", "sanctioned", "good_cause")
MAX_CHILDREN = 5
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")


@dataclass
class Population:
    """Three tables: one row per household, per person, and per case-plan activity."""

    households: pd.DataFrame
    members: pd.DataFrame
    activities: pd.DataFrame

    def household(self, household_id: str) -> pd.Series:
        return self.households.set_index("household_id").loc[household_id]


@lru_cache(maxsize=1)
def name_lists() -> dict:
    return yaml.safe_load((Path(__file__).parent / "names.yaml").read_text(encoding="utf-8"))


def _table(name: str, on) -> tuple[list, np.ndarray]:
    p = param(name)
    keys = p.keys()
    return keys, np.array([p.at(on, k) for k in keys], dtype=float)


def _probs(name: str, on) -> tuple[list, np.ndarray]:
    keys, w = _table(name, on)
    return keys, w / w.sum()


def _pick(rng, items, size, p=None):
    return np.asarray(items, dtype=object)[rng.choice(len(items), size=size, p=p)]


def generate(n_households: int, seed: int = 2026, as_of: dt.date = DEFAULT_AS_OF,
             id_prefix: str = "HH") -> Population:
    """Draw ``n_households`` synthetic households as of ``as_of``. Same seed, same tables."""
    if int(n_households) < 1:
        raise ValueError("Ask for at least one household.")
    n = int(n_households)
    on = as_of
    rng = np.random.default_rng(seed)
    was_enabled = gc.isenabled()
    gc.disable()  # many small strings: the cyclic collector only slows this down
    try:
        hh = _households(rng, n, on, id_prefix)
        members = _members(rng, hh, on)
        hh["vignette"] = vignettes(hh, members)
        acts = activities_for(hh, np.random.default_rng([seed, 1]), on)
    finally:
        if was_enabled:
            gc.enable()
    return Population(hh, members, acts)


# --- households ---------------------------------------------------------------------------

def _households(rng, n: int, on: dt.date, prefix: str) -> pd.DataFrame:
    groups, gp = _probs("families.program_mix", on)
    group = _pick(rng, groups, n, gp)
    in_cal = group != "cws_only"
    in_cws = group != "calworks_only"

    counties, cw = _probs("families.county_weight", on)
    county = _pick(rng, counties, n, cw)
    region1 = set(value("calworks.region1_counties", on))
    region = np.where(np.isin(county, list(region1)), 1, 2)

    adults = np.where(rng.random(n) < value("families.two_adult_share", on), 2, 1)
    sizes, sp = _probs("families.children_count", on)
    n_children = np.asarray(sizes)[rng.choice(len(sizes), size=n, p=sp)].astype(int)

    age_p = param("families.parent_age")
    amin, amax, gap = (int(age_p.at(on, k)) for k in ("min", "max", "min_gap_to_child"))
    parent_age = rng.integers(amin, amax + 1, size=n)
    oldest_possible = np.clip(parent_age - gap, 0, 17)
    ages = (rng.random((n, MAX_CHILDREN)) * (oldest_possible[:, None] + 1)).astype(int)
    ages = np.sort(ages, axis=1)
    mask = np.arange(MAX_CHILDREN)[None, :] < n_children[:, None]
    ages = np.where(mask, ages, 99)
    ages = np.sort(ages, axis=1)
    youngest = ages[:, 0]
    ages_text = np.array([";".join(str(a) for a in row[:k]) for row, k in zip(ages.tolist(), n_children)])

    emp = param("families.employment")
    employed = in_cal & (rng.random(n) < emp.at(on, "employed_share"))
    earn = np.exp(np.log(emp.at(on, "earnings_median")) + emp.at(on, "earnings_sigma") * rng.standard_normal(n))
    earnings = np.where(employed, np.round(earn, 0), 0.0)

    statuses, stp = _probs("families.work_status", on)
    work_status = np.where(in_cal, _pick(rng, statuses, n, stp), "none").astype(object)

    aid = param("families.aid_history")
    months_on_aid = np.where(in_cal, 1 + rng.geometric(1.0 / aid.at(on, "months_on_aid_mean"), n), 0)
    limit = value("calworks.time_limit.adult_months", on)
    clock = np.minimum((months_on_aid * aid.at(on, "clock_share_of_months_on_aid")).astype(int), limit)
    timed_out = in_cal & (rng.random(n) < aid.at(on, "timed_out_share"))
    clock = np.where(timed_out, limit, clock)
    months_on_aid = np.maximum(months_on_aid, clock)

    bar = param("families.barriers")
    mult = bar.at(on, "cws_multiplier")
    flags = {}
    for b in BARRIERS:
        p = bar.at(on, b) * np.where(in_cws & (b in ("substance_use", "mental_health", "domestic_violence",
                                                      "housing_instability")), mult, 1.0)
        flags[b] = rng.random(n) < np.minimum(p, 0.95)

    comps, cp = _probs("families.cw_component", on)
    component = np.where(in_cws, _pick(rng, comps, n, cp), "none").astype(object)
    timing = param("families.cw_timing")
    open_months = rng.integers(0, int(timing.at(on, "case_open_max_months")) + 1, n)
    fr_months = rng.integers(0, int(timing.at(on, "fr_removal_max_months")) + 1, n)
    perm_months = rng.integers(int(timing.at(on, "permanency_removal_min_months")),
                               int(timing.at(on, "permanency_removal_max_months")) + 1, n)
    extra_days = rng.integers(0, 28, n)
    removed_case = np.isin(component, ["family_reunification", "permanency"])
    removal_months = np.where(component == "permanency", perm_months, fr_months)
    base = np.datetime64(on, "D")
    removal = base - (removal_months * 30.44).astype("timedelta64[D]") - extra_days.astype("timedelta64[D]")
    cw_start = np.where(removed_case, removal - np.timedelta64(3, "D"),
                        base - (open_months * 30.44).astype("timedelta64[D]") - extra_days.astype("timedelta64[D]"))
    all_removed = rng.random(n) < timing.at(on, "all_children_removed_share")
    children_removed = np.where(removed_case, np.where(all_removed, n_children, np.maximum(1, n_children // 2)), 0)

    ex_share = value("families.exempt_map_share", on)
    exempt_map = in_cal & (rng.random(n) < ex_share)

    df = pd.DataFrame({
        "household_id": [f"{prefix}-{i + 1:06d}" for i in range(n)],
        "county": county.astype(str),
        "region": region,
        "n_adults": adults,
        "n_children": n_children,
        "children_ages": ages_text,
        "youngest_age": youngest,
        "parent_age": parent_age,
        "exempt_map": exempt_map,
        "earnings": earnings,
        "employed_persons": employed.astype(int),
        "months_on_aid": months_on_aid,
        "clock_months_used": clock,
        "work_status": work_status.astype(str),
        **flags,
        "cw_component": component.astype(str),
        "cw_start_date": pd.to_datetime(np.where(in_cws, cw_start, np.datetime64("NaT"))),
        "removal_date": pd.to_datetime(np.where(removed_case, removal, np.datetime64("NaT"))),
        "children_removed": children_removed,
        "in_calworks": in_cal,
        "in_cws": in_cws,
    })
    df["shared"] = df["in_calworks"] & df["in_cws"]
    return df


# --- members --------------------------------------------------------------------------------

def _members(rng, hh: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    names = name_lists()
    groups, gp = _probs("families.name_groups", on)
    n = len(hh)
    group = _pick(rng, groups, n, gp)
    adults = hh["n_adults"].to_numpy()
    kids = hh["n_children"].to_numpy()
    per = adults + kids
    hidx = np.repeat(np.arange(n), per)
    slot = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
    is_adult = slot < adults[hidx]
    total = len(hidx)

    # sexes: first adult mostly female (most CalWORKs caretakers are mothers), second adult the other
    u = rng.random(total)
    first_sex = np.where(rng.random(n) < 0.85, "F", "M")
    sex = np.where(is_adult & (slot == 0), first_sex[hidx],
                   np.where(is_adult, np.where(first_sex[hidx] == "F", "M", "F"), np.where(u < 0.5, "F", "M")))

    g = group[hidx]
    first = np.empty(total, dtype=object)
    last = np.empty(total, dtype=object)
    fam_last_idx = rng.random(n)
    other_last_idx = rng.random(total)
    first_idx = rng.random(total)
    shares_last = rng.random(total) < 0.6
    for grp in groups:
        lists = names[grp]
        in_g = g == grp
        for s, key in (("F", "female"), ("M", "male")):
            m = in_g & (sex == s)
            pool = np.asarray(lists[key], dtype=object)
            first[m] = pool[(first_idx[m] * len(pool)).astype(int)]
        lasts = np.asarray(lists["last"], dtype=object)
        fam = lasts[(fam_last_idx * len(lasts)).astype(int)]
        m = in_g
        own = lasts[(other_last_idx[m] * len(lasts)).astype(int)]
        second_adult = is_adult[m] & (slot[m] == 1) & ~shares_last[m]
        last[m] = np.where(second_adult, own, fam[hidx[m]])

    parent_age = hh["parent_age"].to_numpy()
    second_age = np.clip(parent_age + rng.integers(-4, 8, n), 18, 70)
    ages_children = [list(map(int, s.split(";"))) for s in hh["children_ages"]]
    child_ages = np.array([a for row in ages_children for a in row], dtype=int)
    age = np.empty(total, dtype=int)
    age[is_adult & (slot == 0)] = parent_age[hidx[is_adult & (slot == 0)]]
    age[is_adult & (slot == 1)] = second_age[hidx[is_adult & (slot == 1)]]
    age[~is_adult] = child_ages
    days = rng.integers(0, 365, total)
    birth = (np.datetime64(on, "D") - (age * 365.25).astype("timedelta64[D]") - days.astype("timedelta64[D]"))

    # identifiers: the never-issued 900-999 area range only, unique, some missing
    serial = rng.choice(100 * 100 * 10_000, size=total, replace=False)
    area = 900 + serial // 1_000_000
    group_no = (serial // 10_000) % 100
    last4 = serial % 10_000
    ssn = pd.Series(np.char.add(np.char.add(np.char.add(area.astype("U3"), "-"),
                                            np.char.add(np.char.zfill(group_no.astype("U2"), 2), "-")),
                                np.char.zfill(last4.astype("U4"), 4)), dtype="string")
    ssn = ssn.mask(rng.random(total) < value("families.ssn_missing_share", on))

    hid = hh["household_id"].to_numpy()[hidx]
    return pd.DataFrame({
        "household_id": hid,
        "person_id": [f"{h}-P{s + 1}" for h, s in zip(hid, slot)],
        "role": np.where(is_adult, "adult", "child"),
        "first_name": first.astype(str),
        "last_name": last.astype(str),
        "sex": sex,
        "birth_date": pd.to_datetime(birth),
        "age": age,
        "ssn": ssn,
    })


# --- activities -----------------------------------------------------------------------------

def activities_for(hh: pd.DataFrame, rng, on: dt.date) -> pd.DataFrame:
    """Welfare-to-work and child welfare case-plan activities for each household.

    Welfare-to-work plans go to non-exempt CalWORKs adults and fill the required weekly hours
    (the rules' :func:`~linkages.rules.calworks.work_hours_required_array`); child welfare plans
    go to families in family maintenance or reunification. Each plan is written by its own
    program, so a service both programs ask for appears twice, at two places — the clash a
    linked case plan removes.
    """
    n = len(hh)
    hours_p = param("families.activities")
    H = {k: float(hours_p.at(on, k)) for k in hours_p.keys()}
    wage = param("families.employment").at(on, "hourly_wage")
    status = hh["work_status"].to_numpy()
    needs_wtw = hh["in_calworks"].to_numpy() & np.isin(status, ["participating", "non_compliant", "sanctioned", "good_cause"])
    required = work_hours_required_array(hh["n_adults"], 0, hh["youngest_age"], hh["n_children"], on)
    comp = hh["cw_component"].to_numpy()
    cws_plan = np.isin(comp, ["family_maintenance", "family_reunification"])
    b = {k: hh[k].to_numpy(bool) for k in BARRIERS}
    parenting_counts = rng.random(n) < value("families.parenting_counts_share", on)

    frames = []

    def add(mask, plan, activity, hours, place, days, start, accepted):
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        hours = np.broadcast_to(np.asarray(hours, dtype=float), (n,))[idx]
        keep = hours > 0
        idx, hours = idx[keep], hours[keep]
        frames.append(pd.DataFrame({
            "household_id": hh["household_id"].to_numpy()[idx],
            "plan": plan,
            "activity": activity,
            "hours_per_week": np.round(hours, 1),
            "place": place,
            "days": np.broadcast_to(np.asarray(days, dtype=object), (n,))[idx],
            "start_hour": np.broadcast_to(np.asarray(start), (n,))[idx].astype(int),
            "accepted_by": np.broadcast_to(np.asarray(accepted, dtype=object), (n,))[idx],
        }))

    combos = {k: np.array([";".join(c) for c in itertools.combinations(WEEKDAYS, k)], dtype=object)
              for k in range(1, 6)}

    def days_of(k):  # k distinct weekdays, in week order, drawn per household
        return combos[k][rng.integers(0, len(combos[k]), n)]

    # welfare-to-work plan
    left = required.astype(float) * needs_wtw
    work_h = np.minimum(hh["earnings"].to_numpy() / wage / (52 / 12), left)
    add(needs_wtw & (work_h > 0), "wtw", "employment", work_h, "Workplace", days_of(4), rng.choice([8, 9, 14], n), "wtw")
    left -= np.where(needs_wtw, work_h, 0)
    for act, barrier, place in (("substance_use_treatment", "substance_use", "County treatment program"),
                                ("mental_health_counseling", "mental_health", "Behavioral health clinic"),
                                ("domestic_violence_services", "domestic_violence", "Family justice center")):
        m = needs_wtw & b[barrier] & (left > 0)
        h = np.minimum(H[act], left)
        add(m, "wtw", act, h, place, days_of(3 if act == "substance_use_treatment" else 1),
            rng.choice([9, 10, 13], n), "wtw;cws")
        left -= np.where(m, h, 0)
    edu = needs_wtw & b["no_diploma"] & (left > 0)
    add(edu, "wtw", "vocational_training", left, "Adult school", days_of(5), rng.choice([8, 9, 13], n), "wtw")
    add(needs_wtw & ~edu & (left > 0), "wtw", "job_search", left, "WTW office", days_of(5), rng.choice([9, 10, 13], n), "wtw")

    # child welfare case plan
    add(cws_plan, "cws", "parenting_class", H["parenting_class"], "Family resource center", days_of(1),
        rng.choice([10, 13, 17], n), np.where(parenting_counts, "wtw;cws", "cws"))
    add(cws_plan & b["substance_use"], "cws", "substance_use_treatment", H["substance_use_treatment"],
        "Recovery center (child welfare referral)", days_of(3), rng.choice([9, 10, 13], n), "wtw;cws")
    add(cws_plan & b["substance_use"], "cws", "drug_testing", H["drug_testing"], "Testing site", days_of(1),
        rng.choice([8, 9, 15], n), "cws")
    add(cws_plan & b["mental_health"], "cws", "mental_health_counseling", H["mental_health_counseling"],
        "Counseling office", days_of(1), rng.choice([10, 14, 16], n), "wtw;cws")
    add(cws_plan & b["domestic_violence"], "cws", "domestic_violence_services", H["domestic_violence_services"],
        "Survivor support group", days_of(1), rng.choice([10, 17], n), "wtw;cws")
    add(comp == "family_reunification", "cws", "visitation", H["visitation"], "Child welfare office", days_of(2),
        rng.choice([10, 14, 15], n), "cws")
    add(comp == "family_maintenance", "cws", "family_therapy", H["family_therapy"], "Family therapy clinic",
        days_of(1), rng.choice([15, 16, 17], n), "cws")

    cols = ["household_id", "plan", "activity", "hours_per_week", "place", "days", "start_hour", "accepted_by"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["_order"] = out["plan"].map({"wtw": 0, "cws": 1})
    out = out.sort_values(["household_id", "_order"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)[cols]


# --- rows to rules --------------------------------------------------------------------------

def to_household(row) -> Household:
    """A households-table row as the rules' :class:`~linkages.household.Household`."""
    ages = tuple(int(a) for a in str(row["children_ages"]).split(";") if a != "")
    status = row["work_status"]
    return Household(
        adults=int(row["n_adults"]),
        children_ages=ages,
        county=str(row["county"]),
        earnings=float(row["earnings"]),
        employed_persons=int(row["employed_persons"]),
        exempt_map=bool(row["exempt_map"]),
        sanctioned_adults=1 if status == "sanctioned" else 0,
        wtw_exempt_adults=int(row["n_adults"]) if status == "exempt" else 0,
        children_removed=int(row["children_removed"]),
        household_id=str(row["household_id"]),
    )
