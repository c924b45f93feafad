"""A weekly calendar figure of one household's plans (separate, linked, or both side by side).

Colours are the Okabe–Ito colour-blind-safe palette; double-booked sessions are also hatched and
outlined, so the figure does not rely on colour alone. Every figure comes with a title that states
the finding and an alt-text string.
"""

from __future__ import annotations

import textwrap
from typing import Sequence

from .core import DAYS, Plan, _clock

__all__ = ["OKABE_ITO", "PLAN_COLOURS", "calendar_figure", "plan_sentence"]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
}
PLAN_COLOURS = {
    "wtw": OKABE_ITO["blue"],          # welfare-to-work only
    "cws": OKABE_ITO["orange"],        # child welfare only
    "both": OKABE_ITO["bluish_green"],  # accepted by both programs (counted once when linked)
    "double": OKABE_ITO["vermillion"],  # double-booking outline
}


def _kind(accepted_by, plan: str) -> str:
    return "both" if len(accepted_by) == 2 else plan


def _hours(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def plan_sentence(plan: Plan, label: str, minutes_per_place: float | None = None) -> str:
    s = plan.summary(minutes_per_place)
    db = s["double_bookings"]
    return (f"{label}: {_hours(s['hours_demanded'])} hours a week ({_hours(s['activity_hours'])} in activities, "
            f"{_hours(s['travel_hours'])} travelling to {s['place_days']} place-days), "
            f"{'no' if db == 0 else db} double-booking{'' if db == 1 else 's'}")


def _lanes(sessions):
    """Assign overlapping sessions of one day to side-by-side lanes (greedy interval colouring)."""
    lanes, ends = [], []
    for s in sessions:
        for k, e in enumerate(ends):
            if s.start >= e:
                ends[k] = s.end
                lanes.append(k)
                break
        else:
            ends.append(s.end)
            lanes.append(len(ends) - 1)
    return lanes, max(len(ends), 1)


def _draw(ax, plan: Plan, title: str, hours_range: tuple[float, float], days: Sequence[str]):
    from matplotlib.patches import Rectangle

    doubles = plan.double_bookings()
    clash = {x for d in doubles for x in (d.first, d.second)}
    sessions = plan.sessions()
    for di, day in enumerate(days):
        today = [s for s in sessions if s.day == day]
        lanes, n_lanes = _lanes(today)
        width = 0.9 / n_lanes
        for s, lane in zip(today, lanes):
            kind = _kind(s.accepted_by, s.plan)
            x = di - 0.45 + lane * width
            double = s in clash
            rect = ax.add_patch(Rectangle((x, s.start), width, s.end - s.start, facecolor=PLAN_COLOURS[kind],
                                   edgecolor=PLAN_COLOURS["double"] if double else "white",
                                   linewidth=2.5 if double else 1.0, hatch="///" if double else None,
                                   alpha=0.9))
            if s.end - s.start >= 0.75:
                wrap = max(5, int(13 / n_lanes))
                label = textwrap.fill(s.activity, wrap)
                if (s.end - s.start) >= 0.5 * (label.count("\n") + 2):
                    label += "\n" + textwrap.shorten(s.place, wrap + 3, placeholder="…")
                txt = ax.text(x + width / 2, s.start + 0.1, label, ha="center", va="top",
                              fontsize=6.5 if n_lanes == 1 else 5.5,
                              color="black" if kind in ("both", "cws") else "white")
                txt.set_clip_path(rect)
    ax.set_xlim(-0.5, len(days) - 0.5)
    ax.set_ylim(hours_range[1], hours_range[0])
    ax.set_xticks(range(len(days)), days)
    ticks = range(int(hours_range[0]), int(hours_range[1]) + 1, 2)
    ax.set_yticks(list(ticks), [_clock(t) for t in ticks])
    ax.grid(axis="y", color="0.85", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(title, fontsize=9)


def calendar_figure(plan: Plan, linked: Plan | None = None, *, title: str | None = None,
                    minutes_per_place: float | None = None, person: str = "The parent", tight: bool = True):
    """The week of ``plan`` (and, if given, of ``linked`` beside it).

    Returns ``(fig, alt_text)``. The title states the finding, e.g. "Linking the plans cuts the
    week from 41 to 29 hours and removes 2 double-bookings". ``tight=False`` skips the automatic
    layout (a second pass over every label): for callers that set the size and margins themselves.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    plans = [plan] if linked is None else [plan, linked]
    all_sessions = [s for p in plans for s in p.sessions()]
    lo = min([s.start for s in all_sessions] + [8.0])
    hi = max([s.end for s in all_sessions] + [17.0])
    hours_range = (float(int(lo)), float(min(24, int(hi + 0.999))))
    used = {s.day for s in all_sessions}
    days = [d for d in DAYS if d in used or d in DAYS[:5]]
    labels = ["Separate plans" if linked is not None else (plan.name or "Plan").capitalize(), "Linked plan"]
    fig, axes = plt.subplots(1, len(plans), figsize=(5.2 * len(plans), 4.6), sharey=True, squeeze=False)
    sums = [p.summary(minutes_per_place) for p in plans]
    for ax, p, lab, s in zip(axes[0], plans, labels, sums):
        db = s["double_bookings"]
        _draw(ax, p, f"{lab}: {_hours(s['hours_demanded'])} h a week incl. travel, "
                     f"{'no' if db == 0 else db} double-booking{'' if db == 1 else 's'}", hours_range, days)
    if title is None:
        if linked is None:
            s = sums[0]
            title = (f"{person} is asked for {_hours(s['hours_demanded'])} hours a week"
                     + (f", with {s['double_bookings']} double-booked slot{'s' if s['double_bookings'] != 1 else ''}"
                        if s["double_bookings"] else ", with no double-bookings"))
        else:
            a, b = sums
            saved = a["hours_demanded"] - b["hours_demanded"]
            dd = a["double_bookings"] - b["double_bookings"]
            if saved > 0.05 or dd > 0:
                title = (f"Linking the plans cuts the week from {_hours(a['hours_demanded'])} to "
                         f"{_hours(b['hours_demanded'])} hours"
                         + (f" and removes {dd} double-booking{'s' if dd != 1 else ''}" if dd > 0 else ""))
            else:
                title = "Linking changes nothing here: no activity is accepted by both programs"
    fig.suptitle(title, fontsize=11)
    handles = [Patch(facecolor=PLAN_COLOURS["wtw"], label="welfare-to-work only"),
               Patch(facecolor=PLAN_COLOURS["cws"], label="child welfare only"),
               Patch(facecolor=PLAN_COLOURS["both"], label="accepted by both programs"),
               Patch(facecolor="white", edgecolor=PLAN_COLOURS["double"], hatch="///", linewidth=2,
                     label="double-booked")]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8, frameon=False)
    if tight:
        fig.tight_layout(rect=(0, 0.06, 1, 0.95))

    parts = [f"Weekly calendar. {title}."]
    for p, lab in zip(plans, labels):
        parts.append(plan_sentence(p, lab, minutes_per_place) + ".")
        dbl = p.double_bookings()
        if dbl:
            parts.append("Double-booked: " + "; ".join(d.sentence() for d in dbl) + ".")
        by = {k: sum(a.hours_per_week for a in p.activities if _kind(a.accepted_by, a.plan) == k)
              for k in ("wtw", "cws", "both")}
        parts.append(f"Hours by colour: {_hours(by['wtw'])} welfare-to-work only (blue), "
                     f"{_hours(by['cws'])} child welfare only (orange), "
                     f"{_hours(by['both'])} accepted by both (green).")
    return fig, " ".join(parts)

