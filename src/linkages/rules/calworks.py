"""CalWORKs rules: work hours, the Maximum Aid Payment, income tests, the grant, sanctions,
the adult time limit, temporary homeless assistance and family-reunification aid.

Each rule is a small pure function of a :class:`~linkages.household.Household` (or a few plain
values) and a date. Every figure comes from :mod:`linkages.params`; the docstrings name the
parameter and its source. Functions marked *array-friendly* also accept NumPy arrays, so the
caseload simulation uses these same rules rather than copies of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..dates import add_months
from ..household import WORK_STATUSES, Household, InputError
from ..params import ParameterError, as_date, param, value

__all__ = [
    "region",
    "au_size",
    "work_hours_required",
    "work_hours_required_array",
    "young_child_age",
    "max_aid_payment",
    "map_table",
    "mbsac",
    "IncomeTest",
    "applicant_income_test",
    "countable_earnings",
    "grant_from",
    "monthly_grant",
    "grant_if_sanctioned",
    "adult_time_limit",
    "month_counts_on_clock",
    "HomelessAssistance",
    "temporary_homeless_assistance",
    "ReunificationAid",
    "family_reunification_aid",
]


# --- who and where ----------------------------------------------------------------------

def region(county: str, on: Any = "2025-01-01") -> int:
    """MAP region (1 or 2) of a county.

    Parameter ``calworks.region1_counties`` (W&I 11452.018, via PolicyEngine-US): the listed
    counties are Region 1, all others Region 2.
    """
    counties = value("calworks.counties", on)
    name = str(county).strip()
    match = next((c for c in counties if c.lower() == name.lower()), None)
    if match is None:
        raise InputError(f"'{county}' is not one of California's 58 counties.")
    return 1 if match in value("calworks.region1_counties", on) else 2


def au_size(hh: Household, on: Any = "2025-01-01") -> int:
    """Persons in the assistance unit: children at home plus caretaker adults not sanctioned.

    Each sanctioned adult is removed from the AU (parameter
    ``calworks.sanction.persons_removed_per_sanctioned_adult``; W&I 11327.5). Removed children
    leave the AU too (a child temporarily absent under family-reunification rules is handled by
    :func:`family_reunification_aid`).
    """
    removed = value("calworks.sanction.persons_removed_per_sanctioned_adult", on)
    return max(hh.children_at_home + hh.adults - removed * hh.sanctioned_adults, 0)


# --- welfare-to-work hours --------------------------------------------------------------

def young_child_age(on: Any) -> int:
    """Age under which a child lowers a single adult's hours (``calworks.work_hours.young_child_age``).

    The young-child rule starts on that file's first effective date (1 January 2013, when the
    single-parent hours were split by the children's ages); before it, a single parent owed the
    same hours whatever the ages, and the age in force from that date is used for the child-care
    need the model asks about.
    """
    p = param("calworks.work_hours.young_child_age")
    return int(p.at(max(as_date(on), p.change_dates()[0])))


def work_hours_required(hh: Household, on: Any) -> int:
    """Weekly welfare-to-work hours the household must meet.

    - two-parent AU: 35 hours combined (``calworks.work_hours.two_parent``);
    - one adult with a child under 6: 20 hours (``...single_with_child_under_6``);
    - one adult otherwise: 30 hours (``...single_no_child_under_6``);
    - before the young-child rule (the first effective date of ``...young_child_age``, 1/1/2013)
      a single parent owed 32 hours whatever the children's ages.
    Adults who are exempt from welfare-to-work owe nothing; in a two-parent AU where one adult
    is exempt, the other owes the single-adult hours. Source: Contra Costa EHSD WTW page
    (effective 1/1/2013); UCLA Luskin (32 hours before 2013).
    """
    day = as_date(on)
    owing = hh.adults - hh.wtw_exempt_adults
    if owing <= 0 or hh.children == 0:
        return 0
    if owing == 2:
        return int(value("calworks.work_hours.two_parent", day))
    young = young_child_age(day)
    if hh.youngest_age is not None and hh.youngest_age < young:
        return int(value("calworks.work_hours.single_with_child_under_6", day))
    return int(value("calworks.work_hours.single_no_child_under_6", day))


def work_hours_required_array(adults, exempt_adults, youngest_age, children, on: Any) -> np.ndarray:
    """*Array-friendly* :func:`work_hours_required` for a caseload: one entry per household.

    ``adults``, ``exempt_adults``, ``youngest_age`` and ``children`` (counts of children in the
    AU, removed ones included) are equal-length arrays; ``on`` is one date. Same parameters and
    same logic as the scalar rule (tests hold the two together).
    """
    day = as_date(on)
    adults = np.asarray(adults)
    owing = adults - np.asarray(exempt_adults)
    young = young_child_age(day)
    single = np.where(np.asarray(youngest_age) < young,
                      int(value("calworks.work_hours.single_with_child_under_6", day)),
                      int(value("calworks.work_hours.single_no_child_under_6", day)))
    hours = np.where(owing == 2, int(value("calworks.work_hours.two_parent", day)), single)
    return np.where((owing <= 0) | (np.asarray(children) == 0), 0, hours).astype(np.int64)


# --- the Maximum Aid Payment ------------------------------------------------------------

def _map_param(reg: int, exempt: bool):
    return param(f"calworks.map.region{reg}.{'exempt' if exempt else 'non_exempt'}")


def max_aid_payment(hh: Household, on: Any, size: int | None = None) -> int:
    """Maximum Aid Payment for the household's AU (or for ``size`` persons) on ``on``.

    Parameters ``calworks.map.region{1,2}.{exempt,non_exempt}`` (ACL 24-55 and earlier ACLs,
    via PolicyEngine-US), broken down by AU size 1–10; larger units are paid at
    ``calworks.map.max_au_size``. An AU of 0 gets nothing.
    """
    n = au_size(hh, on) if size is None else int(size)
    if n <= 0:
        return 0
    cap = value("calworks.map.max_au_size", on)
    return int(_map_param(region(hh.county, on), hh.exempt_map).at(on, min(n, cap)))


@lru_cache(maxsize=64)
def _map_table(day: dt.date) -> np.ndarray:
    cap = value("calworks.map.max_au_size", day)
    table = np.zeros((3, 2, cap + 1), dtype=np.int64)
    for reg in (1, 2):
        for ex in (0, 1):
            p = _map_param(reg, bool(ex))
            table[reg, ex, 1:] = [p.at(day, s) for s in range(1, cap + 1)]
    table.setflags(write=False)
    return table


def map_table(on: Any) -> np.ndarray:
    """*Array-friendly* MAP look-up table ``[region, exempt, au_size]`` for ``on``.

    ``map_table(d)[region, exempt, min(size, 10)]`` equals :func:`max_aid_payment` for the same
    household; index 0 of the size axis is 0 (an empty AU gets nothing).
    """
    return _map_table(as_date(on))


def mbsac(size: int, reg: int, on: Any) -> int:
    """Minimum Basic Standard of Adequate Care (the applicant income limit) for ``size`` persons.

    Parameters ``calworks.income.mbsac.region{1,2}`` (CDSS MBSAC ACLs via PolicyEngine-US);
    above ``calworks.income.mbsac.max_au_size`` add ``...additional_person`` for each person.
    """
    cap = value("calworks.income.mbsac.max_au_size", on)
    base = value(f"calworks.income.mbsac.region{reg}", on, min(max(size, 1), cap))
    extra = max(size - cap, 0) * value("calworks.income.mbsac.additional_person", on, reg)
    return int(base + extra)


# --- income -----------------------------------------------------------------------------

@dataclass(frozen=True)
class IncomeTest:
    passes: bool
    countable: float
    limit: int
    disregard: float


def applicant_income_test(hh: Household, on: Any) -> IncomeTest:
    """Applicant eligibility: gross earnings less the per-employed-person disregard must not
    exceed the MBSAC for the AU size.

    Parameters ``calworks.income.applicant_disregard_per_employed`` ($450 from 7/1/2022, $90
    before; AB 135) and ``calworks.income.mbsac.*``. Source: PolicyEngine-US
    ``ca_tanf_applicant_financial_test``; LA DPSS ePolicy 44-111.23.
    """
    per = value("calworks.income.applicant_disregard_per_employed", on)
    disregard = min(per * hh.employed_persons, hh.earnings)
    countable = hh.earnings - disregard
    limit = mbsac(max(au_size(hh, on), 1), region(hh.county, on), on)
    return IncomeTest(countable <= limit, float(countable), limit, float(disregard))


def countable_earnings(earnings, on: Any):
    """*Array-friendly* countable earned income of a recipient: earnings less the flat
    disregard, then less the percentage disregard of the rest.

    Parameters ``calworks.income.recipient_flat_disregard`` ($600 from 6/2022) and
    ``calworks.income.recipient_percentage_disregard`` (50%). Source: PolicyEngine-US
    ``ca_tanf_countable_income_recipient``; LA DPSS ePolicy 44-111.23.
    """
    flat = value("calworks.income.recipient_flat_disregard", on)
    share = value("calworks.income.recipient_percentage_disregard", on)
    return np.maximum(np.asarray(earnings, dtype=float) - flat, 0.0) * (1.0 - share)


def grant_from(map_amount, countable):
    """*Array-friendly* grant: MAP less countable income, never below 0 nor above MAP."""
    m = np.asarray(map_amount, dtype=float)
    return np.clip(m - np.asarray(countable, dtype=float), 0.0, m)


def monthly_grant(hh: Household, on: Any) -> float:
    """Monthly cash grant of a recipient household with earnings.

    grant = max(MAP − countable earnings, 0), at most MAP (PolicyEngine-US ``ca_tanf``).
    Worked example (domain brief): one adult, two children, Region 1, non-exempt, $1,000
    earnings in November 2024 → countable (1,000 − 600) × 0.5 = $200 → 1,175 − 200 = $975.
    A sanctioned adult's earnings still count (``calworks.sanction.sanctioned_income_counts``,
    an assumption: typical, UNVERIFIED in the sources read).
    """
    earnings = hh.earnings
    if hh.sanctioned_adults and not value("calworks.sanction.sanctioned_income_counts", on):
        earnings = 0.0
    return float(grant_from(max_aid_payment(hh, on), countable_earnings(earnings, on)))


def grant_if_sanctioned(hh: Household, on: Any, adults: int = 1) -> float:
    """The grant if ``adults`` more adults were sanctioned (removed from the AU).

    Sanction effect: the non-complying adult is removed from the AU and the MAP recomputed at
    the smaller size (W&I 11327.5; Santa Clara CWES handbook). Worked example: the $975 family
    above gets 930 − 200 = $730 with the parent sanctioned.
    """
    n = min(hh.sanctioned_adults + adults, hh.adults)
    return monthly_grant(hh.with_(sanctioned_adults=n), on)


# --- time limits ------------------------------------------------------------------------

def adult_time_limit(on: Any) -> int:
    """Lifetime months of cash aid for an adult: 60 from 1998, 48 from 2011-07-01 (SB 72),
    60 again from 2022-05-01 (AB 79). Parameter ``calworks.time_limit.adult_months``; source
    Santa Clara CalWORKs handbook. Children are not time-limited."""
    return int(value("calworks.time_limit.adult_months", on))


def month_counts_on_clock(status: str, on: Any, good_cause_share: float | None = None) -> bool:
    """Whether a month with this welfare-to-work ``status`` counts on the adult's clock.

    Exempt and sanctioned months never count (``calworks.time_limit.statuses_not_counted``).
    From 2022-05-01, a month in which good cause excuses at least half the required hours does
    not count (``calworks.time_limit.good_cause_share_stops_clock``; reg.summaries 2021).
    ``good_cause_share`` is the share of the required hours good cause excused; left out (``None``),
    a ``good_cause`` month is taken as wholly excused and any other month as not excused at all.
    An explicit 0 means no hours were excused, so a good-cause month with 0 counts.
    """
    if status not in WORK_STATUSES:
        raise InputError(f"'{status}' is not a work status (one of {', '.join(WORK_STATUSES)}).")
    if good_cause_share is not None:
        try:
            good_cause_share = float(good_cause_share)
        except (TypeError, ValueError):
            raise InputError("The share of hours excused by good cause must be a number between 0 and 1.") from None
    if good_cause_share is not None and not 0.0 <= good_cause_share <= 1.0:
        raise InputError("The share of hours excused by good cause must be between 0 and 1.")
    if status in value("calworks.time_limit.statuses_not_counted", on):
        return False
    try:
        threshold = value("calworks.time_limit.good_cause_share_stops_clock", on)
    except ParameterError:
        return True  # before 5/2022 the rule did not exist
    if good_cause_share is None:
        share = 1.0 if status == "good_cause" else 0.0
    else:
        share = good_cause_share
    return not share >= threshold


# --- homeless assistance ----------------------------------------------------------------

@dataclass(frozen=True)
class HomelessAssistance:
    daily: int
    max_days: int
    total: int
    once_every_months: int


def temporary_homeless_assistance(persons: int, on: Any) -> HomelessAssistance:
    """Temporary Homeless Assistance for a family of ``persons``: $85 a day for up to 4 people,
    $15 for each more, at most $145 a day, for up to 16 days, once every 12 months (from
    1/1/2017, AB 1603). Parameter ``calworks.homeless.temporary``; source CDSS HA page."""
    if persons < 1:
        raise InputError("A family needs at least one person to get homeless assistance.")
    p = param("calworks.homeless.temporary")
    base, size = p.at(on, "base_daily"), p.at(on, "base_family_size")
    daily = min(base + max(persons - size, 0) * p.at(on, "per_additional_person"),
                p.at(on, "max_daily"))
    days = p.at(on, "max_days")
    return HomelessAssistance(int(daily), int(days), int(daily * days), int(p.at(on, "once_every_months")))


# --- family reunification ---------------------------------------------------------------

@dataclass(frozen=True)
class ReunificationAid:
    kind: str  # "cash and services", "services only", "none"
    eligible: bool
    ends: dt.date | None
    reason: str
    source: str


def family_reunification_aid(
    removal_date: Any,
    *,
    on: Any | None = None,
    aided_at_removal: bool = True,
    all_children_removed: bool = True,
    services_needed: bool = True,
    timed_out: bool = False,
    sanctioned: bool = False,
) -> ReunificationAid:
    """Whether, what kind and until when CalWORKs keeps helping a parent whose children were
    removed.

    - From 2025-01-01 (AB 135; ACL 25-05): cash aid, child care and reunification services for
      up to six full months (``calworks.family_reunification.ab135_cash_months``) after the
      first month of temporary absence, when *all* eligible children were removed.
    - Before that (AB 429, Ch. 111 Stats. 2001): welfare-to-work services, not cash, for 180
      days (``...ab429_services_days``).

    The conditions are the flags of ``calworks.family_reunification.eligibility``, each read on
    the removal date: ``requires_aid_at_removal`` (the family was on CalWORKs when the children
    were removed), ``requires_cws_finding_services_needed`` (child welfare found the services
    needed for reunification: ``services_needed``), ``timed_out_parent_excluded`` and
    ``sanctioned_parent_may_participate`` (Santa Clara AB 429 overview), and
    ``requires_all_children_removed`` (AB 135 cash). The domain brief gives the aid, finding,
    sanctioned and timed-out conditions for AB 429 only; for AB 135 the file carries them on as
    *assumptions* marked UNVERIFIED (the brief's summary of ACL 25-05 does not list them). So AB 135
    cash here also needs the child welfare finding — the kit's assumption, not a settled rule.

    Which law applies is decided by the **removal date**, not the month asked about: children
    removed on 31 December 2024 get AB 429 services only, even in February 2025; children removed
    on 1 January 2025 or later get AB 135 cash (the kit's reading; the brief does not say how
    removals just before the change were treated).
    """
    removed = as_date(removal_date)
    day = as_date(on) if on is not None else removed
    elig = param("calworks.family_reunification.eligibility")
    cash = param("calworks.family_reunification.ab135_cash_months")
    months = cash.at(removed)
    src = cash.reference[0]["title"] if months else param(
        "calworks.family_reunification.ab429_services_days").reference[0]["title"]
    law = "AB 135" if months else "AB 429"

    def none(reason: str) -> ReunificationAid:
        return ReunificationAid("none", False, None, reason, src)

    if elig.at(removed, "requires_aid_at_removal") and not aided_at_removal:
        return none("The family was not receiving CalWORKs when the children were removed.")
    if timed_out and elig.at(removed, "timed_out_parent_excluded"):
        return none("A parent who has used all their months of aid cannot get family-reunification aid.")
    if sanctioned and not elig.at(removed, "sanctioned_parent_may_participate"):
        return none(f"A sanctioned parent cannot get family-reunification aid under {law}.")
    if elig.at(removed, "requires_cws_finding_services_needed") and not services_needed:
        return none("Child welfare has not found the services needed for reunification"
                    + (" (for AB 135 cash this condition is the kit's assumption, UNVERIFIED)." if months else "."))
    if months:
        if elig.at(removed, "requires_all_children_removed") and not all_children_removed:
            return none("Family-reunification cash aid needs all the family's eligible children to have been removed; "
                        "the children at home keep the grant.")
        first = value("calworks.family_reunification.initial_temporary_absence_months", removed)
        ends = add_months(removed, int(first + months))
        active = day < ends
        return ReunificationAid("cash and services", active, ends,
                                f"Up to {months} full months of cash aid, child care and reunification services after {first} month of temporary absence (AB 135, from 1 January 2025).",
                                src)
    days = value("calworks.family_reunification.ab429_services_days", removed)
    ends = removed + dt.timedelta(days=int(days))
    return ReunificationAid("services only", day < ends, ends,
                            f"Welfare-to-work services (not cash) for {days} days after removal (AB 429).", src)
