"""One household's case plans: activities, the weekly schedule, double-bookings, travel, and the
linked plan.

A plan is a set of activities. Each activity has hours a week, a place, the days it meets and a
start hour; its hours are split evenly over its days (one session a day). ``accepted_by`` says
which programs count it: welfare-to-work (``wtw``), child welfare (``cws``), or both.

Linking (:func:`link`) follows the Linkages "linked case plan": the two plans stay, and
activities both programs accept are counted once. Concretely:

1. a welfare-to-work activity with the same name as a case-plan activity that welfare-to-work
   accepts is the same activity: it is attended once, at the case plan's time (the
   welfare-to-work copy drops by up to the case-plan copy's hours);
2. the rest of the case-plan hours welfare-to-work accepts (the *credit* not used by step 1) can
   replace other welfare-to-work hours, as long as the hours that count for welfare-to-work still
   reach the requirement (``required_hours``; by default the welfare-to-work plan's own total):
   the other welfare-to-work activities shrink from the last listed back; paid work is never
   trimmed (parameter ``model.plans.paid_work_activities``). A trimmed activity keeps its days
   and start hour and ends earlier; at zero hours it is dropped.

So a linked plan never has more hours, travel or double-bookings than the two plans side by side
(the tests check this with random plans).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

import pandas as pd

from ..params import value

__all__ = [
    "DAYS",
    "PROGRAMS",
    "PlanError",
    "Activity",
    "Plan",
    "Session",
    "DoubleBooking",
    "link",
    "plans_for",
    "compare_plans",
    "travel_minutes_per_place",
    "paid_work_activities",
]

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PROGRAMS = ("wtw", "cws")
PROGRAM_NAMES = {"wtw": "welfare-to-work", "cws": "child welfare"}
_DEFAULT_DATE = dt.date(2025, 1, 1)


class PlanError(ValueError):
    """A plan or activity that cannot describe a real week; the message is a sentence."""


def travel_minutes_per_place(on: Any = _DEFAULT_DATE) -> float:
    """Minutes of travel per distinct place per day (``model.plans.travel_minutes_per_place``,
    an assumption)."""
    return float(value("model.plans.travel_minutes_per_place", on))


def paid_work_activities(on: Any = _DEFAULT_DATE) -> frozenset[str]:
    """Activity names a linked plan never trims (``model.plans.paid_work_activities``)."""
    return frozenset(str(a).lower() for a in value("model.plans.paid_work_activities", on))


def _split(text: Any, sep: str = ";") -> tuple[str, ...]:
    if text is None or (isinstance(text, float) and text != text):
        return ()
    if isinstance(text, (list, tuple, set, frozenset)):
        return tuple(str(t).strip() for t in text if str(t).strip())
    return tuple(t.strip() for t in str(text).split(sep) if t.strip())


@dataclass(frozen=True)
class Session:
    day: str
    start: float
    end: float
    activity: str
    plan: str
    place: str
    accepted_by: frozenset

    @property
    def hours(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class DoubleBooking:
    day: str
    first: Session
    second: Session

    @property
    def overlap_hours(self) -> float:
        return min(self.first.end, self.second.end) - max(self.first.start, self.second.start)

    def sentence(self) -> str:
        return (f"{self.day} {_clock(max(self.first.start, self.second.start))}: "
                f"{self.first.activity} ({PROGRAM_NAMES[self.first.plan]}) and "
                f"{self.second.activity} ({PROGRAM_NAMES[self.second.plan]})")


def _clock(hour: float) -> str:
    h = int(hour)
    m = int(round((hour - h) * 60))
    if m == 60:
        h, m = h + 1, 0
    return f"{h}:{m:02d}"


@dataclass(frozen=True)
class Activity:
    """One activity of a case plan.

    activity        what it is ("job search", "parenting class", ...)
    plan            the plan that asks for it: ``wtw`` or ``cws``
    hours_per_week  weekly hours, split evenly over ``days``
    place           where it happens (travel is counted per distinct place per day)
    days            e.g. ``("Mon", "Wed")`` or ``"Mon;Wed"``
    start_hour      hour of the day it starts, 0–24 (9.5 = 9:30)
    accepted_by     programs that count it: ``{"wtw"}``, ``{"cws"}`` or both (``"wtw;cws"``);
                    the plan that asks for it is always included
    """

    activity: str
    plan: str
    hours_per_week: float
    place: str
    days: tuple[str, ...]
    start_hour: float
    accepted_by: frozenset = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        days = _split(self.days)
        # the plan that asks for an activity always counts it
        acc = frozenset(_split(self.accepted_by)) | {self.plan}
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "accepted_by", acc)
        object.__setattr__(self, "hours_per_week", float(self.hours_per_week))
        object.__setattr__(self, "start_hour", float(self.start_hour))
        problems = []
        if self.plan not in PROGRAMS:
            problems.append(f"an activity belongs to the 'wtw' or 'cws' plan, not {self.plan!r}")
        if not acc or not acc <= set(PROGRAMS):
            problems.append(f"'{self.activity}' is accepted by {sorted(acc)}; use wtw, cws or both")
        if self.hours_per_week < 0:
            problems.append(f"'{self.activity}' cannot take a negative number of hours")
        if not days:
            problems.append(f"'{self.activity}' needs at least one day")
        bad = [d for d in days if d not in DAYS]
        if bad:
            problems.append(f"{', '.join(bad)} is not a day (use {', '.join(DAYS)})")
        if len(set(days)) != len(days):
            problems.append(f"'{self.activity}' lists a day twice")
        if not 0 <= self.start_hour < 24:
            problems.append(f"'{self.activity}' starts at {self.start_hour}, outside 0–24")
        elif days and self.start_hour + self.hours_per_week / len(days) > 24:
            problems.append(f"'{self.activity}' runs past midnight ({self.hours_per_week:g} hours over {len(days)} days)")
        if problems:
            text = "; ".join(problems)
            raise PlanError(text[:1].upper() + text[1:] + ".")

    @property
    def session_hours(self) -> float:
        return self.hours_per_week / len(self.days)

    @property
    def shared(self) -> bool:
        """Both programs accept it."""
        return len(self.accepted_by) == 2

    def sessions(self) -> list[Session]:
        if self.hours_per_week <= 0:
            return []
        end = self.start_hour + self.session_hours
        return [Session(d, self.start_hour, end, self.activity, self.plan, self.place, self.accepted_by)
                for d in self.days]

    def with_hours(self, hours: float) -> "Activity":
        return replace(self, hours_per_week=hours)


@dataclass(frozen=True)
class Plan:
    """A set of activities (one plan, two plans side by side, or a linked plan)."""

    activities: tuple[Activity, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "activities", tuple(self.activities))

    def __add__(self, other: "Plan") -> "Plan":
        """Two plans side by side (separate plans: nothing counted once)."""
        return Plan(self.activities + other.activities, name="separate plans")

    def __len__(self) -> int:
        return len(self.activities)

    def program(self, plan: str) -> "Plan":
        return Plan(tuple(a for a in self.activities if a.plan == plan), name=PROGRAM_NAMES.get(plan, plan))

    # -- the week -----------------------------------------------------------------------
    def sessions(self) -> list[Session]:
        out = [s for a in self.activities for s in a.sessions()]
        return sorted(out, key=lambda s: (DAYS.index(s.day), s.start, s.end))

    def schedule(self) -> pd.DataFrame:
        """One row per session: day, start, end, hours, activity, plan, place, accepted_by."""
        rows = [{"day": s.day, "start": s.start, "end": s.end, "hours": s.hours, "activity": s.activity,
                 "plan": s.plan, "place": s.place, "accepted_by": ";".join(sorted(s.accepted_by))}
                for s in self.sessions()]
        return pd.DataFrame(rows, columns=["day", "start", "end", "hours", "activity", "plan", "place", "accepted_by"])

    @property
    def total_hours(self) -> float:
        """Weekly activity hours (travel not included)."""
        total = 0.0
        for a in self.activities:
            total += a.hours_per_week
        return total

    def hours_for(self, program: str) -> float:
        """Weekly hours that ``program`` counts."""
        return sum(a.hours_per_week for a in self.activities if program in a.accepted_by)

    def place_days(self) -> int:
        """Distinct (day, place) pairs: each is a trip."""
        return len({(s.day, s.place) for s in self.sessions()})

    def travel_hours(self, minutes_per_place: float | None = None) -> float:
        """Weekly travel: every distinct place on every day costs ``minutes_per_place``
        (default ``model.plans.travel_minutes_per_place``)."""
        minutes = travel_minutes_per_place() if minutes_per_place is None else minutes_per_place
        return self.place_days() * minutes / 60.0

    def demand_hours(self, minutes_per_place: float | None = None) -> float:
        """Activity hours plus travel: what the week asks of the parent."""
        return self.total_hours + self.travel_hours(minutes_per_place)

    def double_bookings(self) -> list[DoubleBooking]:
        """Every pair of sessions on the same day whose times overlap."""
        out = []
        by_day: dict[str, list[Session]] = {}
        for s in self.sessions():
            by_day.setdefault(s.day, []).append(s)
        for day in DAYS:
            ss = by_day.get(day, [])
            for i in range(len(ss)):
                for j in range(i + 1, len(ss)):
                    a, b = ss[i], ss[j]
                    if a.start < b.end and b.start < a.end:
                        out.append(DoubleBooking(day, a, b))
        return out

    def summary(self, minutes_per_place: float | None = None) -> dict:
        return {
            "activity_hours": self.total_hours,
            "travel_hours": self.travel_hours(minutes_per_place),
            "hours_demanded": self.demand_hours(minutes_per_place),
            "double_bookings": len(self.double_bookings()),
            "place_days": self.place_days(),
            "wtw_countable_hours": self.hours_for("wtw"),
            "cws_hours": self.hours_for("cws"),
        }

    # -- building -----------------------------------------------------------------------
    @classmethod
    def from_frame(cls, df: pd.DataFrame, name: str = "") -> "Plan":
        """Activities from rows with the columns of ``linkages.families`` activities."""
        need = ["plan", "activity", "hours_per_week", "place", "days", "start_hour", "accepted_by"]
        missing = [c for c in need if c not in df.columns]
        if missing:
            raise PlanError(f"The activities table lacks the column(s) {', '.join(missing)}.")
        acts = tuple(
            Activity(str(r.activity), str(r.plan), float(r.hours_per_week), str(r.place), r.days,
                     float(r.start_hour), r.accepted_by)
            for r in df[need].itertuples(index=False)
        )
        return cls(acts, name=name)


def plans_for(activities: pd.DataFrame, household_id: Any) -> tuple[Plan, Plan]:
    """The welfare-to-work plan and the child welfare case plan of one household."""
    rows = activities[activities["household_id"] == household_id]
    return (Plan.from_frame(rows[rows["plan"] == "wtw"], name="welfare-to-work"),
            Plan.from_frame(rows[rows["plan"] == "cws"], name="child welfare"))


def linked_reduction(wtw_hours, credit, required_hours, already_cut=0.0):
    """Step 2 of linking, array-friendly: how many more welfare-to-work hours can go once
    ``already_cut`` duplicate hours have gone. At most the unused credit, never so many that the
    hours welfare-to-work counts (``wtw_hours - already_cut + credit``) fall below the
    requirement (default: ``wtw_hours``), never below 0."""
    import numpy as np

    req = wtw_hours if required_hours is None else required_hours
    rest = np.asarray(wtw_hours, dtype=float) - already_cut
    return np.clip(np.minimum(credit - already_cut, rest + credit - req), 0.0, np.maximum(rest, 0.0))


def link(wtw: Plan, cws: Plan, required_hours: float | None = None, on: Any = _DEFAULT_DATE) -> Plan:
    """The linked plan of a welfare-to-work plan and a child welfare case plan (module docstring).

    ``required_hours``: the weekly welfare-to-work requirement
    (:func:`linkages.rules.calworks.work_hours_required`); by default the welfare-to-work plan's
    own total, i.e. it was written to meet the requirement exactly.
    """
    for a in wtw.activities:
        if a.plan != "wtw":
            raise PlanError(f"'{a.activity}' is in the child welfare plan, not the welfare-to-work plan.")
    for a in cws.activities:
        if a.plan != "cws":
            raise PlanError(f"'{a.activity}' is in the welfare-to-work plan, not the child welfare plan.")
    credit, accepted = 0.0, {}
    for a in cws.activities:
        if "wtw" in a.accepted_by:
            credit += a.hours_per_week
            key = a.activity.lower()
            accepted[key] = accepted.get(key, 0.0) + a.hours_per_week
    hours = [a.hours_per_week for a in wtw.activities]
    # step 1: duplicates of an accepted case-plan activity, attended once (last listed first)
    done: dict[str, float] = {}
    dup_cut = 0.0
    for i in reversed(range(len(hours))):
        key = wtw.activities[i].activity.lower()
        if key in accepted:
            h = hours[i]
            before = done.get(key, 0.0)
            cut = min(max(accepted[key] - before, 0.0), h)
            done[key] = before + h
            hours[i] = h - cut
            dup_cut += cut
    # step 2: the remaining credit replaces other welfare-to-work hours, down to the requirement
    reduction = float(linked_reduction(wtw.total_hours, credit, required_hours, dup_cut))
    paid = paid_work_activities(on)
    cum = 0.0
    for i in reversed(range(len(hours))):
        if wtw.activities[i].activity.lower() in paid:
            continue
        h = hours[i]
        cut = min(max(reduction - cum, 0.0), h)
        cum += h
        hours[i] = h - cut
    kept = tuple(a.with_hours(h) for a, h in zip(wtw.activities, hours) if h > 0)
    return Plan(cws.activities + kept, name="linked plan")


def compare_plans(wtw: Plan, cws: Plan, required_hours: float | None = None,
                  minutes_per_place: float | None = None) -> pd.DataFrame:
    """Separate plans vs the linked plan, side by side (one row each)."""
    sep = wtw + cws
    lnk = link(wtw, cws, required_hours)
    return pd.DataFrame([sep.summary(minutes_per_place), lnk.summary(minutes_per_place)],
                        index=pd.Index(["separate plans", "linked plan"], name="plan"))


def activities_frame(plans: Iterable[tuple[Any, Plan]]) -> pd.DataFrame:
    """The inverse of :meth:`Plan.from_frame`: rows for ``(household_id, plan)`` pairs."""
    rows = []
    for hid, plan in plans:
        for a in plan.activities:
            rows.append({"household_id": hid, "plan": a.plan, "activity": a.activity,
                         "hours_per_week": a.hours_per_week, "place": a.place, "days": ";".join(a.days),
                         "start_hour": a.start_hour, "accepted_by": ";".join(sorted(a.accepted_by))})
    return pd.DataFrame(rows, columns=["household_id", "plan", "activity", "hours_per_week", "place",
                                       "days", "start_hour", "accepted_by"])
