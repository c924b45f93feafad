"""A weekly calendar figure of one household's plans (separate, linked, or both side by side).

Colours are the Okabe–Ito colour-blind-safe palette; double-booked sessions are also hatched and
outlined, and sessions a linked plan moved have a dashed outline, so the figure does not rely on
colour alone. Every figure comes with a title that states the finding and an alt-text string.

Each block is labelled with the activity's display name ("Mental health counseling", never
``mental_health_counseling``), wrapped on word boundaries only — a word is never broken. The
label takes the largest type the block holds; the place goes on a second line only when it fits
too (the place is dropped before the name is made smaller). A block too narrow for the name
(side-by-side clashes) has it turned to read upwards; one too small for a readable name either
way stays unlabelled (the alt text names every session).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from .core import DAY_NAMES, DAYS, PROGRAM_NAMES, Plan, _clock, describe_moves, display_name

__all__ = ["OKABE_ITO", "PLAN_COLOURS", "ALT_TEXT_LIMIT", "WeekCanvas", "calendar_figure", "plan_sentence",
           "block_label", "wrap_words", "moves_sentence", "week_words"]

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
    "moved": OKABE_ITO["black"],       # dashed outline: moved by the linked plan
}
#: Type sizes (points) a block label may take, largest first; below the last a label is not
#: readable in the figure as shown, and the block stays unlabelled.
LABEL_SIZES = (10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5)
PLACE_SIZE_STEP = 1.0  # the place line is set this much smaller than the name
LINE_SPACING = 1.2  # matplotlib's default line height, in ems
PAD_PT = 2.0  # inner margin of a block label, points
GAP_PT = 2.0  # between the name and the place, points


def _kind(accepted_by, plan: str) -> str:
    return "both" if len(accepted_by) == 2 else plan


def _hours(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def moves_sentence(plan: Plan) -> str:
    """"Moved so nothing clashes: Family therapy moved from Wednesday 17:00 to Tuesday 11:30 so it
    no longer clashes with job search." — or "" when the plan moved nothing."""
    moves = plan.moves()
    if not moves:
        return ""
    return "Moved so nothing clashes: " + "; ".join(describe_moves(moves)) + "."


def plan_sentence(plan: Plan, label: str, minutes_per_place: float | None = None) -> str:
    s = plan.summary(minutes_per_place)
    db = s["double_bookings"]
    moves = plan.moves()
    moved = ""
    if moves:
        names = list(dict.fromkeys(display_name(m.activity, start=False) for m in moves))
        moved = (f", {len(moves)} session{'' if len(moves) == 1 else 's'} moved to end clashes ("
                 + ", ".join(names) + ")")
    return (f"{label}: {_hours(s['hours_demanded'])} hours a week ({_hours(s['activity_hours'])} in activities, "
            f"{_hours(s['travel_hours'])} travelling to {s['place_days']} place-days), "
            f"{'no' if db == 0 else db} double-booking{'' if db == 1 else 's'}{moved}")


# --- labels ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _font():
    from matplotlib.font_manager import FontProperties, findfont, get_font

    return get_font(findfont(FontProperties()))


@lru_cache(maxsize=4096)
def _advance(ch: str) -> float:
    """Advance width of ``ch`` in ems of the default font (the font block labels are set in)."""
    f = _font()
    f.set_size(100, 72)  # the font object is shared with the renderer: set the size each time
    return f.load_char(ord(ch)).linearHoriAdvance / 65536 / 100


def text_width(text: str, size: float) -> float:
    """Width of one line of ``text`` at ``size`` points, in points (kerning ignored: a little
    generous)."""
    return sum(_advance(c) for c in text) * size * 1.04 + 0.5


def wrap_words(text: str, width_pt: float, size: float) -> list[str] | None:
    """``text`` broken into lines no wider than ``width_pt`` at ``size`` points, on spaces only;
    ``None`` if one word alone is wider (a word is never broken)."""
    lines: list[str] = []
    for word in text.split():
        if text_width(word, size) > width_pt:
            return None
        if lines and text_width(lines[-1] + " " + word, size) <= width_pt:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def block_label(name: str, place: str, width_pt: float, height_pt: float):
    """How to label a block ``width_pt`` × ``height_pt`` points: ``(name_lines, name_size,
    place_lines, place_size)`` — the name in the largest of :data:`LABEL_SIZES` that fits, the
    place under it only if it fits too (``place_lines`` empty otherwise) — or ``None`` when no
    readable size fits the name."""
    w, h = width_pt - 2 * PAD_PT, height_pt - 2 * PAD_PT
    for size in LABEL_SIZES:
        lines = wrap_words(name, w, size)
        if lines is None or len(lines) * size * LINE_SPACING > h:
            continue
        used = len(lines) * size * LINE_SPACING
        psize = max(size - PLACE_SIZE_STEP, LABEL_SIZES[-1])
        plines = wrap_words(place, w, psize) if place else None
        if plines is None or used + GAP_PT + len(plines) * psize * LINE_SPACING > h:
            plines = []
        return lines, size, plines, psize
    return None


# --- the figure -----------------------------------------------------------------------------

def _lanes(sessions):
    """Side-by-side lanes for the overlapping sessions of one day (sorted by start): each group
    of sessions that overlap one another (directly or through others) is split into as many lanes
    as it needs (greedy interval colouring); a session that overlaps nothing keeps the full width.
    Returns ``(lane, lanes in its group)`` for each session."""
    out: list[tuple[int, int]] = []
    group: list[int] = []  # indices of the current group
    ends: list[float] = []  # lane ends within the current group
    group_end = None

    def close():
        n = max(len(ends), 1)
        for g in group:
            out[g] = (out[g][0], n)

    for i, s in enumerate(sessions):
        if group_end is not None and s.start >= group_end:
            close()
            group, ends, group_end = [], [], None
        for k, e in enumerate(ends):
            if s.start >= e:
                ends[k] = s.end
                lane = k
                break
        else:
            ends.append(s.end)
            lane = len(ends) - 1
        out.append((lane, 0))
        group.append(i)
        group_end = s.end if group_end is None else max(group_end, s.end)
    if group:
        close()
    return out


def _draw(ax, plan: Plan, title: str, hours_range: tuple[float, float], days: Sequence[str]):
    from matplotlib.patches import Rectangle

    ax.set_xlim(-0.5, len(days) - 0.5)
    ax.set_ylim(hours_range[1], hours_range[0])
    # points per day column and per hour, for the labels
    fig = ax.figure
    box = ax.get_position()
    w_in, h_in = fig.get_size_inches()
    pt_day = box.width * w_in * 72 / len(days)
    pt_hour = box.height * h_in * 72 / (hours_range[1] - hours_range[0])

    doubles = plan.double_bookings()
    clash = {x for d in doubles for x in (d.first, d.second)}
    sessions = plan.sessions()
    for di, day in enumerate(days):
        today = [s for s in sessions if s.day == day]
        for s, (lane, n_lanes) in zip(today, _lanes(today)):
            width = 0.9 / n_lanes
            kind = _kind(s.accepted_by, s.plan)
            x = di - 0.45 + lane * width
            double = s in clash
            moved = s.moved_from is not None
            edge = PLAN_COLOURS["double"] if double else PLAN_COLOURS["moved"] if moved else "white"
            rect = ax.add_patch(Rectangle((x, s.start), width, s.end - s.start, facecolor=PLAN_COLOURS[kind],
                                          edgecolor=edge, linewidth=2.5 if double else 1.6 if moved else 1.0,
                                          linestyle=(0, (3, 2)) if moved and not double else "solid",
                                          hatch="///" if double else None, alpha=0.9))
            colour = "black" if kind in ("both", "cws") else "white"
            # over a hatched block the label sits on a patch of the block's own colour
            back = dict(boxstyle="square,pad=0.15", facecolor=PLAN_COLOURS[kind], edgecolor="none") if double else None
            name = display_name(s.activity)
            w_pt, h_pt = width * pt_day, (s.end - s.start) * pt_hour
            fit = block_label(name, s.place, w_pt, h_pt)
            if fit is None:
                # a narrow, tall block (side-by-side clashes): the name alone, turned to read upwards
                up = block_label(name, "", h_pt, w_pt)
                if up is not None:
                    t = ax.text(x + width / 2, (s.start + s.end) / 2, "\n".join(up[0]), rotation=90, ha="center",
                                va="center", fontsize=up[1], color=colour, bbox=back, rotation_mode="anchor")
                    t.set_clip_path(rect)
                continue
            lines, size, plines, psize = fit
            t = ax.annotate("\n".join(lines), (x + width / 2, s.start), xytext=(0, -PAD_PT), textcoords="offset points",
                            ha="center", va="top", fontsize=size, color=colour, bbox=back, annotation_clip=False)
            t.set_clip_path(rect)
            if plines:
                t = ax.annotate("\n".join(plines), (x + width / 2, s.start),
                                xytext=(0, -PAD_PT - GAP_PT - len(lines) * size * LINE_SPACING),
                                textcoords="offset points",
                                ha="center", va="top", fontsize=psize, color=colour, bbox=back,
                                annotation_clip=False)
                t.set_clip_path(rect)
    ax.set_xticks(range(len(days)), days)
    ticks = range(int(hours_range[0]), int(hours_range[1]) + 1, 2)
    ax.set_yticks(list(ticks), [_clock(t) for t in ticks])
    ax.grid(axis="y", color="0.85", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(title, fontsize=9)


def _session_words(s) -> str:
    who = "accepted by both" if len(s.accepted_by) == 2 else PROGRAM_NAMES[s.plan]
    moved = (f", moved from {DAY_NAMES[s.moved_from[0]]} {_clock(s.moved_from[1])}" if s.moved_from else "")
    return f"{display_name(s.activity)} {_clock(s.start)}–{_clock(s.end)} ({who}, {s.place}{moved})"


def week_words(plan: Plan) -> str:
    """Every session of the week in words, day by day (for alt text)."""
    parts = []
    for day in DAYS:
        today = [s for s in plan.sessions() if s.day == day]
        if today:
            parts.append(f"{DAY_NAMES[day]}: " + ", ".join(_session_words(s) for s in today))
    return "; ".join(parts)


#: Longest alt text kept: a browser drops an accessible name much longer than this (Chromium
#: gives an image with a 1,000-character alt no name at all). Longer descriptions are cut to the
#: most important sentences; the full week is in :func:`week_words` for a caption.
ALT_TEXT_LIMIT = 900


def _fit_alt(parts: list[tuple], limit: int = ALT_TEXT_LIMIT) -> str:
    """Join ``(priority, sentence[, shorter sentence])`` parts in their order until the text fits
    ``limit``: first the least important parts (highest number) take their shorter form, then
    they are left out."""
    keep = [list(p) + [None] * (3 - len(p)) for p in parts]

    def text() -> str:
        return " ".join(p[1] for p in keep)

    for i in sorted(range(len(keep)), key=lambda i: (-keep[i][0], -i)):
        if len(text()) <= limit:
            break
        if keep[i][2]:
            keep[i][1], keep[i][2] = keep[i][2], None
    while len(text()) > limit and len(keep) > 1:
        keep.pop(max(range(len(keep)), key=lambda i: (keep[i][0], i)))
    out = text()
    return out if len(out) <= limit else out[: limit - 1].rsplit(" ", 1)[0] + "…"


class WeekCanvas:
    """A calendar figure's frame — one or two weeks side by side at a fixed size and margins —
    that :meth:`draw` fills with plans, again and again: the figure, its axes, their ticks and
    the drawing canvas are made once (a redraw reuses them, and the renderer's text layouts).
    :func:`calendar_figure` makes a new one per call; both give the same picture."""

    #: frames (hours range, days, legend) kept drawn for :meth:`render`: about 1 MB each on screen
    KEEP_FRAMES = 6

    def __init__(self, n_plans: int = 1, *, size: tuple[float, float] | None = None, margins: dict | None = None,
                 tight: bool = True):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.n, self.tight, self.margins = n_plans, tight, margins
        self.fig = Figure(figsize=size or (5.2 * n_plans, 4.6))
        FigureCanvasAgg(self.fig)
        self.axes = self.fig.subplots(1, n_plans, sharey=True, squeeze=False)[0]
        if margins:
            self.fig.subplots_adjust(**margins)
        elif tight:
            self.fig.subplots_adjust(left=0.08, right=0.98, top=0.84, bottom=0.16, wspace=0.08)  # near the tight layout
        self._legend = None
        self._frame = None  # what the frame shows: hours, days, legend (set by draw)
        self._bgs: dict = {}  # the frames drawn (by hours, days, legend, size), for render()

    def draw(self, plan: Plan, linked: Plan | None = None, *, title: str | None = None,
             minutes_per_place: float | None = None, person: str = "The parent", axes_titles: bool = True):
        """The week of ``plan`` (and of ``linked`` beside it): ``(fig, alt_text)``."""
        from matplotlib.patches import Patch

        plans = [plan] if linked is None else [plan, linked]
        if len(plans) != self.n:
            raise ValueError(f"This calendar holds {self.n} week(s), not {len(plans)}.")
        fig = self.fig
        for ax in self.axes:
            for artist in list(ax.patches) + list(ax.texts):
                artist.remove()
        if self._legend is not None:
            self._legend.remove()
        all_sessions = [s for p in plans for s in p.sessions()]
        lo = min([s.start for s in all_sessions] + [8.0])
        hi = max([s.end for s in all_sessions] + [17.0])
        hours_range = (float(int(lo)), float(min(24, int(hi + 0.999))))
        used = {s.day for s in all_sessions}
        days = [d for d in DAYS if d in used or d in DAYS[:5]]
        labels = ["Separate plans" if linked is not None else (plan.name or "Plan").capitalize(), "Linked plan"]
        sums = [p.summary(minutes_per_place) for p in plans]
        for ax, p, lab, s in zip(self.axes, plans, labels, sums):
            db = s["double_bookings"]
            _draw(ax, p, (f"{lab}: {_hours(s['hours_demanded'])} h a week incl. travel, "
                          f"{'no' if db == 0 else db} double-booking{'' if db == 1 else 's'}") if axes_titles else "",
                  hours_range, days)
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
        if any(p.moves() for p in plans):
            handles.append(Patch(facecolor="white", edgecolor=PLAN_COLOURS["moved"], linestyle=(0, (3, 2)),
                                 linewidth=1.6, label="moved so nothing clashes"))
        # one week: the legend in two rows (the same layout with or without the "moved" entry)
        self._legend = fig.legend(handles=handles, loc="lower center", ncol=len(handles) if len(plans) > 1 else 3,
                                  fontsize=8, frameon=False)
        if self.tight and not self.margins:
            fig.tight_layout(rect=(0, 0.06 if len(plans) > 1 else 0.1, 1, 0.95))
            self._bgs.clear()  # the layout may have moved the frame
        self._frame = (hours_range, tuple(days), tuple(h.get_label() for h in handles))

        flat = " ".join(title.split())  # an accessible name is one line
        parts: list[tuple[int, str]] = [(0, f"Weekly calendar. {flat}.")]
        for p, lab in zip(plans, labels):
            parts.append((0, plan_sentence(p, lab, minutes_per_place) + "."))
            dbl = p.double_bookings()
            if dbl:
                when = list(dict.fromkeys(f"{DAY_NAMES[d.day]} {_clock(max(d.first.start, d.second.start))}" for d in dbl))
                parts.append((2, "Double-booked: " + "; ".join(d.sentence() for d in dbl) + ".",
                              "Double-booked: " + ", ".join(when) + "."))
            moved = moves_sentence(p)
            if moved:
                parts.append((1, moved))
            by = {k: sum(a.hours_per_week for a in p.activities if _kind(a.accepted_by, a.plan) == k)
                  for k in ("wtw", "cws", "both")}
            parts.append((3, f"Hours by colour: {_hours(by['wtw'])} welfare-to-work only (blue), "
                             f"{_hours(by['cws'])} child welfare only (orange), "
                             f"{_hours(by['both'])} accepted by both (green)."))
        return fig, _fit_alt(parts)


    def render(self, dpi: float | None = None, blit: bool = True):
        """Draw the week :meth:`draw` last filled on the figure's Agg canvas, at ``dpi`` (default:
        the figure's), and return the canvas (its pixels: ``canvas.buffer_rgba()``).

        ``blit``: the frame — hour and day ticks, grid, legend — is drawn once for each hours
        range, days, legend and size (the last few are kept), then pasted, and only the week's
        blocks, the axes' edges, the block labels and the titles are drawn on it, in the order a
        full draw takes: the same picture as ``blit=False``, in about half the time. The figure itself stays whole (``savefig`` draws everything as usual)."""
        fig = self.fig
        canvas = fig.canvas
        if dpi is not None and fig.dpi != dpi:
            fig.set_dpi(dpi)
        if not blit or self._frame is None:
            canvas.draw()
            return canvas
        blocks = [[*ax.patches, *ax.texts] for ax in self.axes]
        titles = [ax.title for ax in self.axes] + ([fig._suptitle] if fig._suptitle is not None else [])
        key = (fig.dpi, tuple(fig.get_size_inches()), self._frame)
        bg = self._bgs.get(key)
        if bg is None:
            moving = [a for b in blocks for a in b] + titles + [sp for ax in self.axes for sp in ax.spines.values()]
            shown = [a.get_visible() for a in moving]
            for a in moving:
                a.set_visible(False)
            canvas.draw()
            for a, v in zip(moving, shown):
                a.set_visible(v)
            while len(self._bgs) >= self.KEEP_FRAMES:
                self._bgs.pop(next(iter(self._bgs)))
            self._bgs[key] = canvas.copy_from_bbox(fig.bbox)
        else:
            canvas.restore_region(bg)
        for ax, arts in zip(self.axes, blocks):
            arts = sorted(arts, key=lambda a: a.get_zorder())  # stable: as a full draw orders them
            for a in arts:
                if a.get_zorder() < 2.5:  # below the axes' edges: the blocks
                    ax.draw_artist(a)
            for sp in ax.spines.values():
                ax.draw_artist(sp)
            for a in arts:
                if a.get_zorder() >= 2.5:  # the labels
                    ax.draw_artist(a)
        for t in titles:
            fig.draw_artist(t)
        return canvas


def calendar_figure(plan: Plan, linked: Plan | None = None, *, title: str | None = None,
                    minutes_per_place: float | None = None, person: str = "The parent", tight: bool = True,
                    size: tuple[float, float] | None = None, margins: dict | None = None):
    """The week of ``plan`` (and, if given, of ``linked`` beside it), in a new figure.

    Returns ``(fig, alt_text)``; the alt text stays within :data:`ALT_TEXT_LIMIT` characters
    (:func:`week_words` gives every session, for a caption). The title states the finding, e.g.
    "Linking the plans cuts the week from 41 to 29 hours and removes 2 double-bookings".
    ``tight=False`` skips the automatic layout (a second pass over every label): for callers
    that set the size and margins themselves — pass them as ``size`` (inches) and ``margins``
    (``subplots_adjust`` keywords), so the block labels are fitted to the figure as drawn.
    A caller drawing many calendars of one size can keep a :class:`WeekCanvas` instead.
    """
    canvas = WeekCanvas(1 if linked is None else 2, size=size, margins=margins, tight=tight)
    return canvas.draw(plan, linked, title=title, minutes_per_place=minutes_per_place, person=person)
