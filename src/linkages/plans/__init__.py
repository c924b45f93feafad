"""Case plans: activities, the weekly schedule, double-bookings, hours and travel, and the
linked plan in which activities both programs accept are counted once and the sessions that still
clash are moved to free slots (the week the two workers agree).

- :mod:`linkages.plans.core` — one household: :class:`Activity`, :class:`Plan`, :func:`link`.
- :mod:`linkages.plans.caseload` — the same arithmetic vectorised over a caseload's activities.
- :mod:`linkages.plans.calendar` — the weekly calendar figure (Okabe–Ito colours, alt text).

Travel minutes per place per day are an assumption parameter
(``model.plans.travel_minutes_per_place``).
"""

from .calendar import OKABE_ITO, PLAN_COLOURS, calendar_figure, moves_sentence, plan_sentence
from .caseload import METRIC_COLUMNS, caseload_metrics
from .core import (
    DAY_NAMES,
    DAYS,
    PROGRAMS,
    Activity,
    DoubleBooking,
    Move,
    Plan,
    PlanError,
    Session,
    activities_frame,
    compare_plans,
    describe_moves,
    display_name,
    fixed_activities,
    link,
    linked_reduction,
    paid_work_activities,
    plans_for,
    reschedule,
    travel_minutes_per_place,
)

__all__ = [
    "DAY_NAMES", "DAYS", "PROGRAMS", "Activity", "DoubleBooking", "Move", "Plan", "PlanError", "Session",
    "activities_frame", "compare_plans", "describe_moves", "display_name", "fixed_activities", "link", "linked_reduction",
    "paid_work_activities", "plans_for", "reschedule", "travel_minutes_per_place", "caseload_metrics",
    "METRIC_COLUMNS", "OKABE_ITO", "PLAN_COLOURS", "calendar_figure", "moves_sentence", "plan_sentence",
]
