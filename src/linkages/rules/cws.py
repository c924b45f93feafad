"""Child Welfare Services rules: the case plan due date, the "entered foster care" date,
reunification service limits by the child's age, six-month reviews, and ASFA's 15 of 22 months.

Pure functions of a :class:`~linkages.household.Child` (or a few dates). Figures come from
:mod:`linkages.params` (``cws.*``); the docstrings name the parameter and the source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from ..dates import DAYS_PER_MONTH as _DAYS_PER_MONTH
from ..dates import add_months
from ..household import Child, InputError
from ..params import as_date, value

__all__ = [
    "add_months",
    "case_plan_due_date",
    "entered_foster_care_date",
    "ReunificationDeadlines",
    "reunification_deadlines",
    "review_dates",
    "months_in_care",
    "meets_15_of_22",
]

def case_plan_due_date(event_date: Any, disposition_date: Any | None = None) -> dt.date:
    """The date the child welfare case plan is due: 60 days from removal (or from the in-person
    response when the child was not removed), or the dispositional hearing if that comes first.

    Parameter ``cws.case_plan_due_days``; source W&I 16501.1 (Child Welfare Information Gateway).
    """
    start = as_date(event_date)
    due = start + dt.timedelta(days=int(value("cws.case_plan_due_days", start)))
    if disposition_date is not None:
        disp = as_date(disposition_date)
        if disp < start:
            raise InputError("The dispositional hearing cannot come before the removal or response.")
        due = min(due, disp)
    return due


def entered_foster_care_date(removal_date: Any, jurisdiction_date: Any | None = None) -> dt.date:
    """The date a child "entered foster care": the earlier of the jurisdictional hearing or
    60 days after removal. Parameter ``cws.entered_foster_care_days``; source California courts
    judicial education 05-04 (W&I 361.49) and the CFSR reviewer brief."""
    removal = as_date(removal_date)
    sixty = removal + dt.timedelta(days=int(value("cws.entered_foster_care_days", removal)))
    if jurisdiction_date is None:
        return sixty
    juris = as_date(jurisdiction_date)
    if juris < removal:
        raise InputError("The jurisdictional hearing cannot come before the removal.")
    return min(juris, sixty)


@dataclass(frozen=True)
class ReunificationDeadlines:
    entered_foster_care: dt.date
    services_end: dt.date
    extension_end: dt.date
    exceptional_end: dt.date
    rule: str


def reunification_deadlines(child: Child) -> ReunificationDeadlines:
    """When court-ordered reunification services end for a removed child.

    - Under 3 at removal (or in a sibling group with a child under 3): 6 months from the
      dispositional hearing, but no more than 12 months from entering foster care. Without a
      disposition date, the 12-month cap is used.
    - 3 or older: 12 months from entering foster care.
    - Extension: up to 18 months from removal when return is substantially probable; 24 months
      in the specified cases of the subsequent permanency review.
    Parameters ``cws.reunification.*``; source W&I 361.5, 366.21, 366.22 (California courts
    judicial education 05-04 and 06-02). Past these dates the case moves to the permanency track.
    """
    removal = child.removal_date
    entered = entered_foster_care_date(removal, child.jurisdiction_date)
    on = removal
    young_age = value("cws.reunification.young_child_age", on)
    cap = add_months(entered, value("cws.reunification.young_child_cap_months_from_entry", on))
    if child.age_at_removal < young_age or child.sibling_under_3:
        who = (f"under {young_age} at removal" if child.age_at_removal < young_age
               else f"in a sibling group with a child under {young_age}")
        months = value("cws.reunification.young_child_months_from_disposition", on)
        if child.disposition_date is not None:
            end = min(add_months(child.disposition_date, months), cap)
            rule = (f"Child {who}: {months} months from the dispositional hearing, "
                    f"no later than 12 months after entering foster care.")
        else:
            end = cap
            rule = (f"Child {who}: {months} months from the dispositional hearing, at most 12 "
                    "months after entering foster care (no disposition date given, so the cap is shown).")
    else:
        months = value("cws.reunification.months_from_entry", on)
        end = add_months(entered, months)
        rule = f"Child {young_age} or older at removal: {months} months from entering foster care."
    ext = add_months(removal, value("cws.reunification.extension_months_from_removal", on))
    exc = add_months(removal, value("cws.reunification.exceptional_months_from_removal", on))
    return ReunificationDeadlines(entered, end, max(ext, end), max(exc, ext, end), rule)


def review_dates(start: Any, until: Any) -> list[dt.date]:
    """Six-monthly review dates after ``start`` (removal or disposition) up to ``until``.
    Parameter ``cws.review_interval_months``; the case plan is updated at least as often
    (``cws.case_plan_update_months``; W&I 16501.1)."""
    first = as_date(start)
    last = as_date(until)
    step = int(value("cws.review_interval_months", first))
    out, k = [], 1
    while (d := add_months(first, step * k)) <= last:
        out.append(d)
        k += 1
    return out


def _periods(periods: Iterable[tuple[Any, Any | None]], on: dt.date) -> list[tuple[dt.date, dt.date]]:
    out = []
    for start, end in periods:
        s = as_date(start)
        if end is not None and as_date(end) < s:
            raise InputError(f"A placement period ends ({as_date(end)}) before it starts ({s}).")
        if s > on:  # a period that starts after the date asked has not happened yet
            continue
        e = on if end is None else as_date(end)
        out.append((s, min(e, on)))
    return out


def months_in_care(periods: Iterable[tuple[Any, Any | None]], on: Any,
                   entered_foster_care: Any | None = None) -> float:
    """Months in foster care within the ASFA look-back window ending on ``on``.

    ``periods`` are ``(start, end)`` pairs of time in care (``end`` None = still in care); every
    period given counts (whether trial home visits or runaway episodes should be left out is not
    in the domain brief: UNVERIFIED, so the caller decides). Time before ``entered_foster_care`` (the
    ASFA clock's start) does not count. Months are days / (365.25 / 12).
    """
    day = as_date(on)
    window_start = add_months(day, -int(value("cws.asfa.window_months", day)))
    if entered_foster_care is not None:
        window_start = max(window_start, as_date(entered_foster_care))
    days = 0
    for s, e in _periods(periods, day):
        lo, hi = max(s, window_start), e
        if hi > lo:
            days += (hi - lo).days
    return days / _DAYS_PER_MONTH


def meets_15_of_22(periods: Iterable[tuple[Any, Any | None]], on: Any,
                   entered_foster_care: Any | None = None) -> bool:
    """Whether a child has been in care 15 of the most recent 22 months on ``on`` — when the
    state must file to terminate parental rights unless an exception applies (relative care,
    a documented compelling reason, services not provided). Parameters ``cws.asfa.*``;
    source SSA §475(5)(E) and the CFSR reviewer brief."""
    day = as_date(on)
    return months_in_care(periods, day, entered_foster_care) >= value("cws.asfa.months_in_care", day)
