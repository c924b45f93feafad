"""Case plans: activities, the weekly schedule, double-bookings, hours and travel, and the
linked plan in which activities both programs accept are counted once.

- :mod:`linkages.plans.core` — one household: :class:`Activity`, :class:`Plan`, :func:`link`.
- :mod:`linkages.plans.caseload` — the same arithmetic vectorised over a caseload's activities.
- :mod:`linkages.plans.calendar` — the weekly calendar figure (Okabe–Ito colours, alt text).

Travel minutes per place per day are an assumption parameter
(``model.plans.travel_minutes_per_place``).
"""

from .calendar import OKABE_ITO, PLAN_COLOURS, calendar_figure, plan_sentence
from .caseload import METRIC_COLUMNS, caseload_metrics
from .core import (
    DAYS,
    PROGRAMS,
    Activity,
    DoubleBooking,
    Plan,
    PlanError,
    Session,
    activities_frame,
    compare_plans,
    link,
    linked_reduction,
    paid_work_activities,
    plans_for,
    travel_minutes_per_place,
)

__all__ = [
    "DAYS", "PROGRAMS", "Activity", "DoubleBooking", "Plan", "PlanError", "Session",
    "activities_frame", "compare_plans", "link", "linked_reduction", "paid_work_activities",
    "plans_for", "travel_minutes_per_place", "caseload_metrics", "METRIC_COLUMNS",
    "OKABE_ITO", "PLAN_COLOURS", "calendar_figure", "plan_sentence",
]
