"""Drawing the households table: who is in each household, their aid history, circumstances
and child welfare case, all as NumPy arrays over the caseload.

Every figure comes from ``linkages.params.families.*`` (and the rules' own parameters for the
county regions and the time limit); nothing here is a hard-coded share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..params import param, value
from .names import group_names

__all__ = ["DEFAULT_AS_OF", "BARRIERS", "COMPONENTS", "REMOVAL_COMPONENTS", "DAYS_PER_MONTH", "Draws", "draw_households",
           "probabilities", "max_children", "age_on"]

BARRIERS = ("substance_use", "mental_health", "domestic_violence", "housing_instability",
            "limited_english", "no_diploma", "disability", "transportation")
#: Barriers more common in families with an open child welfare case (``families.barriers``' multiplier).
CWS_RAISED = ("substance_use", "mental_health", "domestic_violence", "housing_instability")
COMPONENTS = ("none", "emergency_response", "family_maintenance", "family_reunification", "permanency")
REMOVAL_COMPONENTS = ("family_reunification", "permanency")
#: The date the kit's synthetic population describes (the datasets and the default for generate()).
DEFAULT_AS_OF = dt.date(2025, 6, 1)
#: Calendar constant (not a model figure): average days in a month.
DAYS_PER_MONTH = 365.25 / 12
#: A child is under 18 (the age CalWORKs and juvenile dependency use for a minor).
MAX_CHILD_AGE = 17
#: Calendar constant: days in the shortest year (a child this many days old times k is at most k).
DAYS_PER_YEAR_MIN = 365


@dataclass
class Draws:
    """What the members table and the vignettes need beyond the households table."""

    name_group: np.ndarray      # int code into group_names(), first adult and children
    partner_group: np.ndarray   # int code, second adult (same as name_group for most couples)
    partner_age: np.ndarray     # second adult's age (unused for one-adult households)
    ages: np.ndarray            # (n, max children) children's ages ascending, -1 where no child
    child_birth: np.ndarray     # (n, max children) children's birth dates (datetime64[D]), same order


def probabilities(name: str, on) -> tuple[list, np.ndarray]:
    """Keys and normalised weights of a broken-down parameter."""
    p = param(name)
    keys = p.keys()
    w = np.array([p.at(on, k) for k in keys], dtype=float)
    return keys, w / w.sum()


def max_children(on) -> int:
    return int(max(param("families.children_count").keys()))


def _choose(rng, n: int, name: str, on) -> tuple[list, np.ndarray]:
    keys, p = probabilities(name, on)
    return keys, rng.choice(len(keys), size=n, p=p)


def draw_households(rng: np.random.Generator, n: int, on: dt.date, prefix: str) -> tuple[pd.DataFrame, Draws]:
    """``n`` households as of ``on``; ids ``{prefix}-000001`` onwards. Draw order is fixed."""
    item = lambda name, key: param(name).at(on, key)  # noqa: E731

    # programs, place, household shape
    mix, g = _choose(rng, n, "families.program_mix", on)
    group = np.asarray(mix, dtype=object)[g]
    in_cal = group != "cws_only"
    in_cws = group != "calworks_only"
    counties, c = _choose(rng, n, "families.county_weight", on)
    county = np.asarray(counties, dtype=object)[c]
    region = np.where(np.isin(county, list(value("calworks.region1_counties", on))), 1, 2)
    adults = np.where(rng.random(n) < value("families.two_adult_share", on), 2, 1)
    sizes, s = _choose(rng, n, "families.children_count", on)
    n_children = np.asarray(sizes, dtype=int)[s]

    # names and ages
    groups = group_names()
    gkeys, gp = probabilities("families.name_groups", on)
    order = [groups.index(k) for k in gkeys]
    name_group = np.asarray(order)[rng.choice(len(gkeys), size=n, p=gp)]
    other = np.asarray(order)[rng.choice(len(gkeys), size=n, p=gp)]
    partner_group = np.where(rng.random(n) < item("families.members", "partner_other_name_group_share"),
                             other, name_group)
    amin, amax, gap = (int(item("families.parent_age", k)) for k in ("min", "max", "min_gap_to_child"))
    parent_age = rng.integers(amin, amax + 1, size=n)
    # children: days old, youngest first, siblings at least `spacing` days apart (uniform over
    # such spacings: sorted uniform points on a shortened line, then spread out)
    maxc = max_children(on)
    oldest_possible = np.clip(parent_age - gap, 0, MAX_CHILD_AGE)
    span = (oldest_possible + 1) * DAYS_PER_YEAR_MIN - 1   # a child of that age is at most this many days old
    has = np.arange(maxc)[None, :] < n_children[:, None]
    spacing = np.minimum(float(item("families.members", "min_sibling_spacing_days")),
                         span / np.maximum(n_children - 1, 1))
    room = span - spacing * (n_children - 1)
    points = np.sort(np.where(has, rng.random((n, maxc)) * room[:, None], np.inf), axis=1)
    days_old = np.where(has, np.floor(points + spacing[:, None] * np.arange(maxc)[None, :]), 0).astype(int)
    child_birth = np.datetime64(on, "D") - days_old.astype("timedelta64[D]")
    ages = np.where(has, age_on(child_birth, on), -1)
    youngest = ages[:, 0]
    oldest = ages[np.arange(n), n_children - 1]
    gap_lo = int(item("families.members", "partner_age_gap_min"))
    gap_hi = int(item("families.members", "partner_age_gap_max"))
    partner_age = np.maximum(parent_age + rng.integers(gap_lo, gap_hi + 1, size=n), np.maximum(amin, oldest + gap))

    # work and earnings
    emp = lambda k: float(item("families.employment", k))  # noqa: E731
    share = np.where(in_cal, emp("employed_share"), np.where(in_cws, emp("cws_only_employed_share"), 0.0))
    first_works = rng.random(n) < share
    second_works = first_works & (adults == 2) & (rng.random(n) < emp("second_earner_share"))
    mu, sigma = np.log(emp("earnings_median")), emp("earnings_sigma")
    pay = np.exp(mu + sigma * rng.standard_normal((n, 2)))
    earnings = np.round(np.where(first_works, pay[:, 0], 0.0) + np.where(second_works, pay[:, 1], 0.0), 0)
    employed_persons = first_works.astype(int) + second_works.astype(int)

    # circumstances
    bar = param("families.barriers")
    mult = float(bar.at(on, "cws_multiplier"))
    cap = float(bar.at(on, "max_share"))
    le_keys, _ = probabilities("families.limited_english", on)
    le_share = np.zeros(len(groups))
    for k in le_keys:
        le_share[groups.index(k)] = float(item("families.limited_english", k))
    draws = rng.random((n, len(BARRIERS)))
    flags = {}
    for j, b in enumerate(BARRIERS):
        if b == "limited_english":
            p = le_share[name_group]
        else:
            p = float(bar.at(on, b)) * np.where(in_cws & (b in CWS_RAISED), mult, 1.0)
        flags[b] = draws[:, j] < np.minimum(p, cap)

    # welfare-to-work status and the clock
    statuses, st = _choose(rng, n, "families.work_status", on)
    status = np.asarray(statuses, dtype=object)[st]
    exempt_by_disability = flags["disability"] & (rng.random(n) < value("families.disability_exemption", on))
    status = np.where(exempt_by_disability, "exempt", status)
    work_status = np.where(in_cal, status, "none")
    aid = lambda k: float(item("families.aid_history", k))  # noqa: E731
    limit = int(value("calworks.time_limit.adult_months", on))
    adult_months = np.maximum(12 * (parent_age - int(aid("adult_age"))), 0)
    months = np.minimum(rng.geometric(1.0 / aid("months_on_aid_mean"), n), np.maximum(adult_months, 1))
    clock = np.minimum((months * aid("clock_share_of_months_on_aid")).astype(int), np.minimum(limit, adult_months))
    timed_out = in_cal & (rng.random(n) < aid("timed_out_share")) & (adult_months >= limit)
    clock = np.where(timed_out, limit, clock)
    months_on_aid = np.where(in_cal, np.maximum(months, clock), 0)
    clock = np.where(in_cal, clock, 0)
    exempt_map = in_cal & (rng.random(n) < value("families.exempt_map_share", on))

    # child welfare
    comps, cc = _choose(rng, n, "families.cw_component", on)
    component = np.where(in_cws, np.asarray(comps, dtype=object)[cc], "none")
    t = lambda k: item("families.cw_timing", k)  # noqa: E731
    month_days = lambda m: np.round(m * DAYS_PER_MONTH).astype(int)  # noqa: E731
    er_days = rng.integers(1, int(t("er_open_max_days")) + 1, n)
    fm_days = month_days(rng.integers(int(t("fm_open_min_months")), int(t("fm_open_max_months")) + 1, n))
    fr_days = month_days(rng.integers(0, int(t("fr_removal_max_months")) + 1, n))
    perm_min = month_days(int(t("permanency_removal_min_months")))
    perm_days = month_days(rng.integers(int(t("permanency_removal_min_months")),
                                        int(t("permanency_removal_max_months")) + 1, n))
    day_offset = rng.integers(1, int(round(DAYS_PER_MONTH)), n)
    lead_days = rng.integers(0, int(t("referral_to_removal_max_days")) + 1, n)
    all_removed = rng.random(n) < float(t("all_children_removed_share"))

    # A removed child was born before the removal: the oldest child at least.
    fits = np.where(has, days_old, -1)
    removal_days = np.where(component == "permanency", perm_days, fr_days) + day_offset
    removal_days = np.minimum(removal_days, fits[np.arange(n), n_children - 1])
    component = np.where((component == "permanency") & (removal_days < perm_min), "family_reunification", component)
    removal_case = np.isin(component, REMOVAL_COMPONENTS)
    eligible = ((fits >= removal_days[:, None]) & has).sum(axis=1)  # the oldest `eligible` children
    children_removed = np.where(removal_case, np.where(all_removed, eligible, np.maximum(1, eligible // 2)), 0)
    open_days = np.select([component == "emergency_response", component == "family_maintenance", removal_case],
                          [er_days, fm_days + day_offset, removal_days + lead_days], 0)

    base = np.datetime64(on, "D")
    nat = np.datetime64("NaT", "D")
    cw_start = np.where(in_cws, base - open_days.astype("timedelta64[D]"), nat)
    removal = np.where(removal_case, base - removal_days.astype("timedelta64[D]"), nat)

    ages_text = _join_ages(ages, n_children)
    df = pd.DataFrame({
        "household_id": _ids(prefix, n),
        "county": county,
        "region": region,
        "n_adults": adults,
        "n_children": n_children,
        "children_ages": ages_text,
        "youngest_age": youngest,
        "parent_age": parent_age,
        "exempt_map": exempt_map,
        "earnings": earnings,
        "employed_persons": employed_persons,
        "months_on_aid": months_on_aid,
        "clock_months_used": clock,
        "work_status": work_status,
        **flags,
        "cw_component": component,
        "cw_start_date": cw_start.astype("datetime64[ns]"),
        "removal_date": removal.astype("datetime64[ns]"),
        "children_removed": children_removed,
        "in_calworks": in_cal,
        "in_cws": in_cws,
    })
    df["shared"] = df["in_calworks"] & df["in_cws"]
    return df, Draws(name_group, partner_group, partner_age, ages, child_birth)


def age_on(birth: np.ndarray, on: dt.date) -> np.ndarray:
    """Whole years between birth dates (datetime64[D]) and ``on``."""
    b = np.asarray(birth, dtype="datetime64[D]")
    years = b.astype("datetime64[Y]").astype(int) + 1970
    month = b.astype("datetime64[M]").astype(int) % 12 + 1
    day = (b - b.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    before_birthday = (on.month < month) | ((on.month == month) & (on.day < day))
    return on.year - years - before_birthday


def _ids(prefix: str, n: int) -> np.ndarray:
    return np.array([f"{prefix}-{i:06d}" for i in range(1, n + 1)], dtype=object)


def _join_ages(ages: np.ndarray, n_children: np.ndarray) -> np.ndarray:
    """``"2;7"`` per row, built column by column with object-array concatenation."""
    text = np.array([str(a) for a in range(100)], dtype=object)
    out = text[np.maximum(ages[:, 0], 0)]
    for j in range(1, ages.shape[1]):
        out = np.where(j < n_children, out + ";" + text[np.maximum(ages[:, j], 0)], out)
    return out
