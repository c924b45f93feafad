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

3. the two workers agree the week (:func:`reschedule`): a session that still clashes with another
   moves to a free slot of the same week — the same day first, then the nearest day — within the
   days and hours the two plans already use. A move never changes an activity's hours, never
   creates a new clash, never adds a trip (a place on a day), and never touches fixed sessions:
   paid work (``model.plans.paid_work_activities``) and appointments set by a court
   (``model.plans.fixed_activities``). Welfare-to-work sessions move first; a case-plan session
   moves only when no welfare-to-work session of the clash can. Each move is recorded
   (:class:`Move`) with the activities it clashed with, for the sentence that explains it. Only a
   family with both plans has a linked plan to agree: a single plan is left as it is.

So a linked plan never has more hours, travel or double-bookings than the two plans side by side
(the tests check this with random plans).

Activities are shown by their display names (:func:`display_name`, from ``activity_names.yaml``):
"Job search", never ``job_search``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
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
    "Move",
    "describe_moves",
    "link",
    "reschedule",
    "display_name",
    "fixed_activities",
    "plans_for",
    "compare_plans",
    "travel_minutes_per_place",
    "paid_work_activities",
]

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))
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


def _norm(name: Any) -> str:
    return " ".join(str(name).replace("_", " ").lower().split())


def fixed_activities(on: Any = _DEFAULT_DATE) -> frozenset[str]:
    """Activity names a linked plan never moves: paid work (``model.plans.paid_work_activities``)
    and appointments a court sets (``model.plans.fixed_activities``), compared in lower case with
    underscores read as spaces."""
    names = list(value("model.plans.paid_work_activities", on)) + list(value("model.plans.fixed_activities", on))
    return frozenset(_norm(a) for a in names)


@lru_cache(maxsize=1)
def _display_names() -> dict[str, str]:
    from ..yamlio import safe_load

    raw = safe_load((Path(__file__).parent / "activity_names.yaml").read_text(encoding="utf-8")) or {}
    return {_norm(k): str(v) for k, v in raw.items()}


def display_name(activity: Any, *, start: bool = True) -> str:
    """How an activity is named for people: ``job_search`` → "Job search" (``activity_names.yaml``);
    an id not listed there gets spaces for underscores. ``start=False``: the form used inside a
    sentence ("job search")."""
    key = _norm(activity)
    name = _display_names().get(key) or " ".join(str(activity).replace("_", " ").split())
    if not name:
        return name
    if start:
        return name[:1].upper() + name[1:]
    # mid-sentence: lower-case the first letter, unless the word is an acronym ("WTW office")
    first = name.split(" ", 1)[0]
    return name if first.isupper() and len(first) > 1 else name[:1].lower() + name[1:]


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
    moved_from: tuple | None = None  # (day, start) before the linked plan moved it

    @property
    def hours(self) -> float:
        return self.end - self.start

    @property
    def name(self) -> str:
        """The activity's display name ("Job search")."""
        return display_name(self.activity)


@dataclass(frozen=True)
class DoubleBooking:
    day: str
    first: Session
    second: Session

    @property
    def overlap_hours(self) -> float:
        return min(self.first.end, self.second.end) - max(self.first.start, self.second.start)

    def sentence(self) -> str:
        return (f"{DAY_NAMES[self.day]} {_clock(max(self.first.start, self.second.start))}: "
                f"{display_name(self.first.activity, start=False)} ({PROGRAM_NAMES[self.first.plan]}) and "
                f"{display_name(self.second.activity, start=False)} ({PROGRAM_NAMES[self.second.plan]})")


@dataclass(frozen=True)
class Move:
    """One session the linked plan moved to end a double-booking: from ``from_day`` at
    ``from_start`` to ``to_day`` at ``to_start``, same length; ``clashed_with`` names the
    activities it clashed with where it was."""

    activity: str
    plan: str
    from_day: str
    from_start: float
    to_day: str
    to_start: float
    clashed_with: tuple = ()

    def sentence(self) -> str:
        """"Job search moved from Wednesday 13:00 to Thursday 9:00 so it no longer clashes with
        family therapy"."""
        where = (f"{DAY_NAMES[self.from_day]} {_clock(self.from_start)} to "
                 + (f"{_clock(self.to_start)} the same day" if self.to_day == self.from_day
                    else f"{DAY_NAMES[self.to_day]} {_clock(self.to_start)}"))
        others = [display_name(a, start=False) for a in dict.fromkeys(self.clashed_with)]
        why = (" so it no longer clashes with " + _and(others)) if others else ""
        return f"{display_name(self.activity)} moved from {where}{why}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_moves(moves: Iterable[Move]) -> list[str]:
    """Sentences for a linked plan's moves, one per move — except that the same move of one
    activity on several days is one sentence: "Job search moved from 9:00 to 12:00 on Tuesday,
    Thursday and Friday so it no longer clashes with substance use treatment"."""
    groups: dict[tuple, list[Move]] = {}
    for m in moves:
        key = ((m.activity, m.from_start, m.to_start, tuple(sorted(set(m.clashed_with))))
               if m.to_day == m.from_day else (id(m),))
        groups.setdefault(key, []).append(m)
    out = []
    for ms in groups.values():
        m = ms[0]
        if len(ms) == 1:
            out.append(m.sentence())
            continue
        others = [display_name(a, start=False) for a in dict.fromkeys(m.clashed_with)]
        why = (" so it no longer clashes with " + _and(others)) if others else ""
        out.append(f"{display_name(m.activity)} moved from {_clock(m.from_start)} to {_clock(m.to_start)} on "
                   f"{_and([DAY_NAMES[x.from_day] for x in ms])}{why}")
    return out


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
    moves           sessions a linked plan moved (:class:`Move`): the session of ``from_day``
                    meets on ``to_day`` from ``to_start`` instead (same length); empty otherwise
    """

    activity: str
    plan: str
    hours_per_week: float
    place: str
    days: tuple[str, ...]
    start_hour: float
    accepted_by: frozenset = field(default=None)  # type: ignore[assignment]
    moves: tuple = ()

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
        moves = tuple(self.moves)
        object.__setattr__(self, "moves", moves)
        if moves and days and not problems:
            froms = [m.from_day for m in moves]
            meets = [m.to_day for m in moves] + [d for d in days if d not in froms]
            if any(m.from_day not in days for m in moves) or len(set(froms)) != len(froms):
                problems.append(f"'{self.activity}' moves a session from a day it does not meet on")
            elif len(set(meets)) != len(meets) or any(m.to_day not in DAYS for m in moves):
                problems.append(f"'{self.activity}' would meet twice on one day")
            elif any(not 0 <= m.to_start or m.to_start + self.hours_per_week / len(days) > 24 for m in moves):
                problems.append(f"'{self.activity}' is moved outside the day")
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

    @property
    def name(self) -> str:
        """The display name ("Job search" for ``job_search``)."""
        return display_name(self.activity)

    def sessions(self) -> list[Session]:
        if self.hours_per_week <= 0:
            return []
        h = self.session_hours
        end = self.start_hour + h
        moved = {m.from_day: m for m in self.moves}
        out = []
        for d in self.days:
            m = moved.get(d)
            if m is None:
                out.append(Session(d, self.start_hour, end, self.activity, self.plan, self.place, self.accepted_by))
            else:
                out.append(Session(m.to_day, m.to_start, m.to_start + h, self.activity, self.plan, self.place,
                                   self.accepted_by, (d, self.start_hour)))
        return out

    def with_hours(self, hours: float) -> "Activity":
        return replace(self, hours_per_week=hours)

    def unmoved(self) -> "Activity":
        """The activity as its plan wrote it (no session moved)."""
        return replace(self, moves=()) if self.moves else self


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

    def moves(self) -> list[Move]:
        """The sessions a linked plan moved to end its double-bookings, in the order of the week."""
        out = [m for a in self.activities for m in a.moves]
        return sorted(out, key=lambda m: (DAYS.index(m.from_day), m.from_start, m.activity))

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


def link(wtw: Plan, cws: Plan, required_hours: float | None = None, on: Any = _DEFAULT_DATE, *,
         reschedule: bool = True) -> Plan:
    """The linked plan of a welfare-to-work plan and a child welfare case plan (module docstring).

    ``required_hours``: the weekly welfare-to-work requirement
    (:func:`linkages.rules.calworks.work_hours_required`); by default the welfare-to-work plan's
    own total, i.e. it was written to meet the requirement exactly. ``reschedule=False``: count
    shared activities once but leave every session where it was (steps 1 and 2 only), e.g. to
    let a learner do step 3 by hand.
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
    linked = Plan(cws.activities + kept, name="linked plan")
    if reschedule and wtw.total_hours > 0 and cws.total_hours > 0:
        # step 3: the two workers agree the week, within the days and hours the plans already use
        linked = _reschedule(linked, wtw + cws, on)
    return linked


def reschedule(plan: Plan, bounds: Plan | None = None, on: Any = _DEFAULT_DATE) -> Plan:
    """``plan`` with its clashing sessions moved to free slots (step 3 of linking, module
    docstring), within the days and hours that ``bounds`` (default: ``plan`` itself) uses."""
    return _reschedule(plan, plan if bounds is None else bounds, on)


def _reschedule(plan: Plan, bounds: Plan, on: Any) -> Plan:
    """Step 3 of linking (:func:`linkages.plans.week.agree`, the code the caseload version runs
    too), within the days and hours ``bounds`` uses; the moves are recorded on the activities."""
    import numpy as np

    from .week import agree

    frame = bounds.sessions()
    if not frame:
        return plan
    acts = plan.activities
    # the sessions in the order of Plan.sessions(): by day, start and end, ties by activity
    recs = sorted(((i, DAYS.index(x.day), x.start, x.end) for i, a in enumerate(acts) for x in a.sessions()),
                  key=lambda r: (r[1], r[2], r[3]))
    if len(recs) < 2:
        return plan
    places = {p: k for k, p in enumerate(dict.fromkeys(a.place for a in acts))}
    fixed = fixed_activities(on)
    ai = np.array([r[0] for r in recs])
    mask = np.zeros((1, 7), dtype=bool)
    mask[0, sorted({DAYS.index(x.day) for x in frame})] = True
    day, start, end, moved, partners = agree(
        np.zeros(len(recs), dtype=np.int64), ai, [r[1] for r in recs], [r[2] for r in recs], [r[3] for r in recs],
        [places[acts[i].place] for i in ai], [acts[i].plan == "wtw" for i in ai],
        [_norm(acts[i].activity) not in fixed for i in ai], [min(x.start for x in frame)], [max(x.end for x in frame)],
        mask, partners=True)
    if not moved.any():
        return plan
    moves: dict[int, list[Move]] = {}
    for k, others in zip(np.flatnonzero(moved), partners):
        a = acts[ai[k]]
        moves.setdefault(int(ai[k]), []).append(Move(
            a.activity, a.plan, DAYS[recs[k][1]], recs[k][2], DAYS[int(day[k])], float(start[k]),
            tuple(acts[ai[o]].activity for o in others)))
    out = tuple(replace(a, moves=tuple(moves[i])) if i in moves else a for i, a in enumerate(acts))
    return Plan(out, name=plan.name)


def compare_plans(wtw: Plan, cws: Plan, required_hours: float | None = None,
                  minutes_per_place: float | None = None, *, reschedule: bool = True) -> pd.DataFrame:
    """Separate plans vs the linked plan, side by side (one row each); ``reschedule`` as in
    :func:`link`."""
    sep = wtw + cws
    lnk = link(wtw, cws, required_hours, reschedule=reschedule)
    return pd.DataFrame([sep.summary(minutes_per_place), lnk.summary(minutes_per_place)],
                        index=pd.Index(["separate plans", "linked plan"], name="plan"))


def activities_frame(plans: Iterable[tuple[Any, Plan]]) -> pd.DataFrame:
    """The inverse of :meth:`Plan.from_frame`: rows for ``(household_id, plan)`` pairs. A moved
    session (a linked plan's) becomes a row of its own, so the rows give the same week."""
    rows = []
    for hid, plan in plans:
        for a in plan.activities:
            parts = [(a.hours_per_week, a.days, a.start_hour)]
            if a.moves:
                h = a.session_hours
                stay = tuple(d for d in a.days if d not in {m.from_day for m in a.moves})
                parts = ([(h * len(stay), stay, a.start_hour)] if stay else []) + [(h, (m.to_day,), m.to_start)
                                                                                 for m in a.moves]
            for hours, days, start in parts:
                rows.append({"household_id": hid, "plan": a.plan, "activity": a.activity,
                             "hours_per_week": hours, "place": a.place, "days": ";".join(days),
                             "start_hour": start, "accepted_by": ";".join(sorted(a.accepted_by))})
    return pd.DataFrame(rows, columns=["household_id", "plan", "activity", "hours_per_week", "place",
                                       "days", "start_hour", "accepted_by"])
