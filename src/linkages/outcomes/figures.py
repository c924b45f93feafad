"""Standard figures: trajectories with bands, outcomes with intervals, practice attribution, tornado.

Every function returns ``(fig, alt_text)``; titles state the finding; colours are Okabe–Ito
(colour-blind safe), and no figure relies on colour alone (labels, markers, hatching). Figures
and alt texts speak in display names — the practices' titles (:data:`linkages.simulate.LEVERS`),
the measures' titles, the parameters' descriptions (:func:`parameter_label`) — never in code names,
and they name their intervals as :func:`linkages.outcomes.interval_label` does (a range of three
runs is called that, not a percentile).

:class:`OutcomesChart` is the outcomes figure for an app that redraws it on every change: built
once, then updated in place and drawn by blitting only what moved; :func:`light_png` encodes a
figure as a small palette PNG.
"""

from __future__ import annotations

import io
import re
import textwrap
from typing import Sequence

import numpy as np
import pandas as pd

from ..plans.calendar import OKABE_ITO
from .compare import agreement_words, interval_bands, interval_label
from .measures import HEADLINE, MEASURES

__all__ = ["trajectories_figure", "outcomes_figure", "attribution_figure", "tornado_figure", "COLUMN_LABELS",
           "OutcomesChart", "light_png", "canvas_png", "practice_name", "parameter_label", "interaction_label", "INTERACTION"]

BASE_COLOUR, SCEN_COLOUR = OKABE_ITO["orange"], OKABE_ITO["blue"]
GOOD, BAD, NEUTRAL = OKABE_ITO["bluish_green"], OKABE_ITO["vermillion"], "#7F7F7F"
#: The attribution row that belongs to no single practice (leave-one-out's remainder).
INTERACTION = "interaction"

COLUMN_LABELS = {
    "sanctioned": "families sanctioned", "participating": "families meeting the hours",
    "work_participation_rate": "work participation rate", "grant_dollars": "grant dollars a month",
    "families_with_children_in_care": "families with children in foster care",
    "children_in_care": "children in foster care", "removals_in_home": "removals from in-home cases",
    "reunifications": "reunifications", "reentries": "re-entries", "identified": "shared families identified",
    "staff_hours": "staff hours a month", "families_on_aid": "families on aid",
}

#: Default rows of the outcomes figure, in order.
OUTCOME_KEYS = (*HEADLINE, "work_participation_rate", "hours_demanded", "double_bookings", "clock_months_used",
                "grant_dollars")


def _plt():
    import matplotlib.pyplot as plt

    return plt


# --- words ------------------------------------------------------------------------------------

def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _mid(s: str) -> str:
    """A title in the middle of a sentence: first letter lower case unless it starts an acronym."""
    return s if len(s) > 1 and s[1].isupper() else s[:1].lower() + s[1:]


def _words(key: str) -> str:
    """A code name's words: ``"reentry_reduction"`` → ``"re-entry reduction"``."""
    s = re.sub(r"_usd\b", " (USD)", str(key))
    s = re.sub(r"_rr\b", " (relative risk)", s)
    s = s.replace("_", " ")
    return re.sub(r"\breentry\b", "re-entry", s)


def practice_name(key: str, sentence_start: bool = False) -> str:
    """A practice's display name ("linked case plan") from its key ("linked_plan")."""
    from ..simulate.levers import LEVERS

    title = LEVERS[key].title if key in LEVERS else _words(key)
    return _cap(title) if sentence_start else _mid(title)


def interaction_label(value: float) -> str:
    """The label of the leave-one-out remainder, by its sign: practices that depend on each other
    are counted in more than one share (negative); practices that overlap leave part of the
    difference to no single one (positive)."""
    return "Counted in more than one share" if value < 0 else "Carried by no single practice"


def _short_description(text: str, limit: int = 90) -> str:
    """The first sentence of a parameter description, without asides in brackets, at most
    ``limit`` characters (cut at a comma where one is late enough, else at a word, with "…")."""
    s = re.split(r"(?<=[a-z0-9)])\. ", str(text).strip(), maxsplit=1)[0].rstrip(".")
    while True:  # asides in brackets, innermost first
        t = re.sub(r"\s*\([^()]*\)", "", s)
        if t == s:
            break
        s = t
    s = re.sub(r"\s+", " ", s).strip()
    if len(s) > limit:
        comma = s.rfind(", ", 0, limit)
        s = s[:comma] if comma >= 40 else s[: s.rfind(" ", 0, limit - 1)].rstrip(",;:") + "…"
    return s.replace("_", " ")


def parameter_label(name: str) -> str:
    """A model parameter's readable name for a figure: its description from
    :mod:`linkages.params`, shortened ("Relative removal hazard in a month the case plan was not
    met"); a practice's effect as the practice and the effect ("Joint case conference / liaison —
    removal reduction")."""
    from ..params import ParameterError, param
    from ..simulate.levers import LEVERS

    parts = str(name).split(".")
    if parts[0] == "levers" and len(parts) == 3 and parts[1] in LEVERS:
        return f"{LEVERS[parts[1]].title} — {_words(parts[2])}"
    for full, key in ((f"model.{name}", None), (f"model.{'.'.join(parts[:-1])}", parts[-1])):
        try:
            p = param(full)
        except (ParameterError, KeyError):
            continue
        if key is not None and key not in p.keys():
            continue
        text = _short_description(p.description)
        return f"{text} — {_words(key)}" if key is not None else text
    return _words(str(name).replace(".", ": "))


# --- PNG --------------------------------------------------------------------------------------

def _agg(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas
    if not hasattr(canvas, "copy_from_bbox"):
        canvas = FigureCanvasAgg(fig)
    return canvas


def _encode(canvas) -> bytes:
    """The canvas's pixels as a 256-colour PNG (the kit's figures use a few dozen colours, and
    anti-aliasing: about a third of the bytes of a true-colour PNG, and quicker to write)."""
    from PIL import Image

    w, h = canvas.get_width_height(physical=True)
    im = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    im = im.quantize(256, method=Image.Quantize.FASTOCTREE)
    buf = io.BytesIO()
    im.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def canvas_png(canvas) -> bytes:
    """A drawn Agg canvas as the kit's small palette PNG (:func:`light_png` without the drawing)."""
    return _encode(canvas)


def light_png(fig, dpi: float | None = None) -> bytes:
    """``fig`` drawn once (at ``dpi``, else its own) and encoded as a small palette PNG."""
    if dpi is not None:
        fig.set_dpi(dpi)
    canvas = _agg(fig)
    canvas.draw()
    return _encode(canvas)


# --- trajectories -----------------------------------------------------------------------------

def _stack(frames: Sequence[pd.DataFrame], column: str) -> np.ndarray:
    return np.vstack([f[column].to_numpy(dtype=float) for f in frames])


def trajectories_figure(comparison, column: str = "sanctioned"):
    """Monthly mean of ``column`` for baseline and scenario, with a band over the runs (the
    comparison's interval kind, named in the legend)."""
    if not comparison.baseline_monthly:
        raise ValueError("This comparison kept no monthly summaries (compare(..., keep_monthly=True)).")
    plt = _plt()
    label = COLUMN_LABELS.get(column, _words(column))
    months = comparison.baseline_monthly[0]["month"]
    runs = len(comparison.baseline_monthly)
    band = interval_label(comparison.interval, runs)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ends = {}
    for frames, name, colour, style in ((comparison.baseline_monthly, comparison.baseline.name, BASE_COLOUR, "--"),
                                        (comparison.scenario_monthly, comparison.scenario.name, SCEN_COLOUR, "-")):
        mean, lo, hi = interval_bands(_stack(frames, column), comparison.interval)
        ax.fill_between(months, lo, hi, color=colour, alpha=0.25, linewidth=0)
        ax.plot(months, mean, style, color=colour, linewidth=2, label=f"{name} (mean)")
        ends[name] = mean[-1]
    b, s = ends[comparison.baseline.name], ends[comparison.scenario.name]
    rel = (s - b) / b if b else float("nan")
    word = "fewer" if rel < 0 else "more"
    name = _cap(comparison.scenario.name)
    title = (f"{name}: {abs(rel) * 100:.0f}% {word} {label} by the last month"
             if rel == rel and abs(rel) >= 0.005 else f"{name}: {label} by the last month about the same as the baseline")
    ax.set_title(textwrap.fill(title, 70), fontsize=10)
    ax.set_ylabel(label)
    ax.legend(fontsize=8, frameon=False, title=textwrap.fill(f"bands: {band}", 60), title_fontsize=7.5,
              alignment="left")
    ax.grid(axis="y", color="0.9")
    fig.autofmt_xdate()
    fig.tight_layout()
    alt = (f"Line chart of {label} by month over {len(months)} months, {runs} runs each; the bands are the "
           f"{band}. {comparison.baseline.name}: {b:,.0f} in the last month; {comparison.scenario.name}: "
           f"{s:,.0f}. {title}.")
    return fig, alt


# --- outcomes ---------------------------------------------------------------------------------

def _pct(key: str) -> bool:
    return key in MEASURES and MEASURES[key].percent


def _outcome_keys(comparison, keys) -> list[str]:
    return list(keys or [k for k in OUTCOME_KEYS if k in comparison.baseline_runs])


def _outcome_rows(comparison, keys: Sequence[str]):
    """Values, labels, colours and the words of the outcomes figure (shared by
    :func:`outcomes_figure` and :class:`OutcomesChart`)."""
    t = comparison.table.loc[list(keys)]
    rows = []
    better_n = 0
    for k, r in t.iterrows():
        if _pct(k):
            f, unit = 100.0, "pts"
        else:
            f, unit = (100.0 / r["baseline"] if r["baseline"] else float("nan")), "%"
        good = (r["better"] == "higher" and r["difference_low"] > 0) or (r["better"] == "lower" and r["difference_high"] < 0)
        bad = (r["better"] == "higher" and r["difference_high"] < 0) or (r["better"] == "lower" and r["difference_low"] > 0)
        better_n += bool(good)
        rows.append({"key": k, "label": f"{r['measure']} ({unit})", "v": r["difference"] * f,
                     "lo": r["difference_low"] * f, "hi": r["difference_high"] * f,
                     "colour": GOOD if good else BAD if bad else NEUTRAL})
    rated = sum(1 for k in keys if MEASURES.get(k) and MEASURES[k].better)
    runs = comparison.runs
    agree = agreement_words(comparison.interval, runs)
    verb = "improves" if better_n == 1 else "improve"
    title = f"{_cap(comparison.scenario.name)}: {better_n} of {rated} rated measures {verb} {agree}"
    band = interval_label(comparison.interval, runs)
    xlabel = ("scenario minus baseline (percentage points for shares, % of the baseline for the rest)\n"
              + textwrap.fill(f"dot: mean of {runs} paired runs; line: {band}", 90))
    parts = [f"{r['label']}: {r['v']:+.1f} ({r['lo']:+.1f} to {r['hi']:+.1f})" for r in rows]
    alt = (f"Dot-and-whisker chart of the scenario minus the baseline, {runs} paired runs: each dot is the mean "
           f"difference, each line the {band}. {title}. Green means better {agree}, vermillion worse {agree}, grey "
           "neither or not distinguishable from run-to-run noise. " + "; ".join(parts) + ".")
    return rows, title, xlabel, alt


def outcomes_figure(comparison, keys: Sequence[str] | None = None):
    """Scenario minus baseline for each measure, with its interval: points for shares (in
    percentage points), relative change (in %) for counts and dollars."""
    plt = _plt()
    keys = _outcome_keys(comparison, keys)
    rows, title, xlabel, alt = _outcome_rows(comparison, keys)
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(keys) + 1.9))
    y = np.arange(len(keys))[::-1]
    for yi, r in zip(y, rows):
        ax.plot([r["lo"], r["hi"]], [yi, yi], color=r["colour"], linewidth=2.5)
        ax.plot([r["v"]], [yi], "o", color=r["colour"], markersize=7, markeredgecolor="black")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [r["label"] for r in rows], fontsize=8)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_title(textwrap.fill(title, 68), fontsize=10)
    ax.grid(axis="x", color="0.9")
    fig.tight_layout()
    fig.subplots_adjust(left=max(fig.subplotpars.left, 0.4))
    return fig, alt


def _nice_step(span: float) -> float:
    raw = max(span, 1e-9) / 6.0
    mag = 10 ** np.floor(np.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            return float(m * mag)
    return float(10 * mag)


def _nice_limits(values: Sequence[float]) -> tuple[float, float, float]:
    """x limits on a coarse grid, zero always inside: they change only when a value crosses a
    grid line, so an app's redraws mostly keep the axis (and its drawn background)."""
    v = np.asarray([x for x in values if x == x and np.isfinite(x)] + [0.0], dtype=float)
    lo, hi = float(v.min()), float(v.max())
    step = _nice_step(hi - lo if hi > lo else 1.0)
    pad = 0.04 * max(hi - lo, step)
    return step * np.floor((lo - pad) / step), step * np.ceil((hi + pad) / step), step


class OutcomesChart:
    """:func:`outcomes_figure` for an app that redraws it on every change of a control.

    The figure and its layout are made once (per set of measures); :meth:`update` moves the dots
    and lines, recolours them and retitles; :meth:`png` pastes a drawn background and draws the
    moving parts on it (matplotlib's blitting, on the Agg canvas). The background is drawn in two
    layers: the measure names (the slow part: many words) once per set of measures, and the x
    axis, its grid, the zero line and the frame on them only when the x axis has to change. The
    picture is the same as a full draw.
    """

    def __init__(self, dpi: float = 80):
        self.dpi = dpi
        self.fig = None
        self._labels: list | None = None
        self._bg = None
        self._bg_key = None
        self._names_bg = None  # the background without the x axis: the measure names
        self.title = ""
        self.alt = ""
        self.limits = (0.0, 1.0, 0.2)

    def _build(self, labels: list[str], title: str, xlabel: str) -> None:
        from matplotlib.figure import Figure
        from matplotlib.ticker import MultipleLocator

        fig = Figure(figsize=(9, 0.45 * len(labels) + 1.9), dpi=self.dpi)
        canvas = _agg(fig)
        ax = fig.subplots()
        y = np.arange(len(labels))[::-1]
        self._lines = [ax.plot([0, 0], [yi, yi], color=NEUTRAL, linewidth=2.5, animated=True)[0] for yi in y]
        self._dots = [ax.plot([0], [yi], "o", color=NEUTRAL, markersize=7, markeredgecolor="black",
                              animated=True)[0] for yi in y]
        self._zero = ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_ylim(-0.6, len(labels) - 0.4)
        ax.grid(axis="x", color="0.9")
        ax.xaxis.set_major_locator(MultipleLocator(0.2))
        ax.title.set_animated(True)
        ax.set_title(textwrap.fill(title, 68) + ("" if len(title) > 68 else "\n "), fontsize=10)  # room for 2 lines
        ax.set_xlabel(xlabel, fontsize=8)
        fig.tight_layout()
        fig.subplots_adjust(left=max(fig.subplotpars.left, 0.4))
        self.fig, self.ax, self.canvas, self._labels = fig, ax, canvas, labels
        self._bg = self._bg_key = self._names_bg = None

    def update(self, comparison, keys: Sequence[str] | None = None) -> tuple[str, str]:
        """Show ``comparison``; returns ``(alt, title)``."""
        keys = _outcome_keys(comparison, keys)
        rows, title, xlabel, alt = _outcome_rows(comparison, keys)
        labels = [r["label"] for r in rows]
        if labels != self._labels:
            self._build(labels, title, xlabel)
        for line, dot, r in zip(self._lines, self._dots, rows):
            line.set_data([r["lo"], r["hi"]], [line.get_ydata()[0]] * 2)
            line.set_color(r["colour"])
            dot.set_data([r["v"]], dot.get_ydata())
            dot.set_color(r["colour"])
            dot.set_markeredgecolor("black")
        self.limits = _nice_limits([x for r in rows for x in (r["lo"], r["hi"], r["v"])])
        self.ax.set_title(textwrap.fill(title, 68), fontsize=10)
        self.ax.set_xlabel(xlabel, fontsize=8)
        self.title, self.alt = title, alt
        return alt, title

    def png(self, blit: bool = True) -> bytes:
        """The chart as PNG bytes (``blit=False``: a full draw, for comparison)."""
        if self.fig is None:
            raise ValueError("Call update() with a comparison first.")
        from matplotlib.ticker import MultipleLocator

        lo, hi, step = self.limits
        key = (lo, hi, step, self.ax.get_xlabel())
        moving = [*self._lines, *self._dots, self.ax.title]
        if not blit:
            for a in moving:
                a.set_animated(False)
            self._apply_limits(lo, hi, step, MultipleLocator)
            self.canvas.draw()
            out = _encode(self.canvas)
            for a in moving:
                a.set_animated(True)
            self._bg = self._bg_key = None
            return out
        if self._bg is None or self._bg_key != key:
            self._apply_limits(lo, hi, step, MultipleLocator)
            x_parts = [self.ax.xaxis, self._zero, *self.ax.spines.values()]  # in a full draw's order
            if self._names_bg is None:
                for a in x_parts:
                    a.set_visible(False)
                self.canvas.draw()  # everything but the moving parts and the x axis
                for a in x_parts:
                    a.set_visible(True)
                self._names_bg = self.canvas.copy_from_bbox(self.fig.bbox)
            else:
                self.canvas.restore_region(self._names_bg)
            for a in x_parts:
                self.ax.draw_artist(a)
            self._bg, self._bg_key = self.canvas.copy_from_bbox(self.fig.bbox), key
        else:
            self.canvas.restore_region(self._bg)
        for a in moving:
            self.ax.draw_artist(a)
        return _encode(self.canvas)

    def _apply_limits(self, lo, hi, step, locator) -> None:
        self.ax.set_xlim(lo, hi)
        self.ax.xaxis.set_major_locator(locator(step))

    def close(self) -> None:
        self.fig = self._bg = self._names_bg = None
        self._labels = None


# --- attribution ------------------------------------------------------------------------------

def _attribution_note(d: pd.DataFrame) -> str:
    method = d["method"].iloc[0] if len(d) else ""
    singles = d[d["lever"] != INTERACTION]
    if method == "shapley":
        return ("Each share is the practice's contribution averaged over every order in which the practices could be "
                "switched on; the shares add up to the whole difference.")
    text = "Each share is what the scenario loses when that practice alone is switched off."
    inter = d.loc[d["lever"] == INTERACTION, "share"]
    inter = float(inter.iloc[0]) if len(inter) and inter.iloc[0] == inter.iloc[0] else 0.0
    total = 100 * float(singles["share"].sum())
    if abs(inter) < 0.005:
        return text + " The shares add up to the whole difference."
    if inter < 0:
        gate = (" (the others reach only the families that shared-client identification finds)"
                if "identification" in set(singles["lever"]) else "")
        return (text + f" Together the shares add up to {total:.0f}%, more than the whole difference, because the "
                f"practices depend on each other{gate}: switching one off also loses part of what the others do. "
                f"The hatched bar ({round(100 * inter):+.0f}%) takes that double count back off.")
    return (text + f" Together the shares add up to only {total:.0f}%, because the practices overlap: with one "
            f"switched off, another still does part of its work. The hatched bar ({round(100 * inter):+.0f}%) is the part no "
            "single practice carries.")


def _share(s: float) -> str:
    return "n/a" if s != s else f"{round(100 * s) + 0:.0f}%"


def attribution_figure(attribution: pd.DataFrame, measure: str):
    """Horizontal bars: each practice's share of the difference in ``measure``, with a note under
    the chart saying what a share is and why the shares do or do not add up to 100%."""
    plt = _plt()
    d = attribution[attribution["measure"] == measure].copy()
    names = [interaction_label(s) if lv == INTERACTION else practice_name(lv, sentence_start=True)
             for lv, s in zip(d["lever"], d["share"])]
    d["name"] = names
    note = _attribution_note(d)
    note_lines = textwrap.wrap(note, 112)
    r = d.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.4 * len(d) + 1.9 + 0.17 * len(note_lines)))
    colours = [NEUTRAL if lv == INTERACTION else (GOOD if s >= 0 else BAD) for lv, s in zip(r["lever"], r["share"])]
    bars = ax.barh(r["name"], 100 * r["share"], color=colours, edgecolor="black")
    for b, lv in zip(bars, r["lever"]):
        b.set_hatch("//" if lv == INTERACTION else "")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("share of the scenario's difference (%)", fontsize=9)
    title_m = MEASURES[measure].title if measure in MEASURES else _words(measure)
    top = d[d["lever"] != INTERACTION].sort_values("share", ascending=False)
    lead = top.iloc[0] if len(top) else None
    title = (f"{title_m}: {practice_name(lead['lever'])} carries the largest share ({_share(lead['share'])})"
             if lead is not None and lead["share"] == lead["share"] else title_m)
    ax.set_title(textwrap.fill(title, 58), fontsize=10)
    fig.text(0.015, 0.015, "\n".join(note_lines), fontsize=8, ha="left", va="bottom")
    fig.tight_layout(rect=(0, (0.17 * len(note_lines) + 0.1) / fig.get_figheight(), 1, 1))
    alt = (f"Bar chart of each practice's share of the difference in {_mid(title_m)}. {title}. "
           + "; ".join(f"{n}: {_share(s)}" for n, s in zip(d["name"], d["share"])) + ". " + note)
    return fig, alt


# --- tornado ----------------------------------------------------------------------------------

def tornado_figure(sens: pd.DataFrame, measure: str, top: int = 12):
    """Tornado: how the headline difference in ``measure`` moves when each assumption is halved
    and doubled, widest swing on top; each assumption by its readable name."""
    plt = _plt()
    d = sens[sens["measure"] == measure].sort_values("swing", ascending=False).head(top).iloc[::-1]
    pct = _pct(measure)
    f = 100.0 if pct else 1.0
    central = float(d["central"].iloc[0]) * f if len(d) else 0.0
    labels = [parameter_label(p) for p in d["parameter"]]
    fig, ax = plt.subplots(figsize=(9.5, 0.55 * len(d) + 2.0))
    y = np.arange(len(d))
    low, high = d["at_low"].to_numpy() * f, d["at_high"].to_numpy() * f
    ax.barh(y + 0.2, low - central, left=central, height=0.38, color=OKABE_ITO["sky_blue"], edgecolor="black",
            label="assumption halved")
    ax.barh(y - 0.2, high - central, left=central, height=0.38, color=OKABE_ITO["orange"], edgecolor="black",
            hatch="//", label="assumption doubled")
    ax.axvline(central, color="black", linewidth=1)
    ax.set_yticks(y, [textwrap.fill(lab, 46, break_on_hyphens=False) for lab in labels], fontsize=7.5)
    title_m = MEASURES[measure].title if measure in MEASURES else _words(measure)
    unit = "points" if pct else MEASURES[measure].unit if measure in MEASURES else ""
    ax.set_xlabel(f"scenario minus baseline: {title_m.lower()} ({unit})")
    lead = labels[-1] if len(labels) else None
    title = (f"The effect on {title_m.lower()} depends most on {_mid(lead)}" if lead is not None else title_m)
    ax.set_title(textwrap.fill(title, 70), fontsize=10)
    ax.legend(fontsize=8, frameon=True, loc="best")
    fig.tight_layout()
    fig.subplots_adjust(left=max(fig.subplotpars.left, 0.36))
    alt = (f"Tornado chart: the difference in {_mid(title_m)} is {central:+.2f} with every assumption at its value. "
           + "; ".join(f"{lab}: {lo:+.2f} halved, {hi:+.2f} doubled" for lab, lo, hi in
                       zip(labels[::-1], low[::-1], high[::-1])) + ".")
    return fig, alt
