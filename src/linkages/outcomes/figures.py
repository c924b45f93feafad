"""Standard figures: trajectories with bands, outcomes with intervals, lever attribution, tornado.

Every function returns ``(fig, alt_text)``; titles state the finding; colours are Okabe–Ito
(colour-blind safe), and no figure relies on colour alone (labels, markers, hatching).
"""

from __future__ import annotations

import textwrap
from typing import Sequence

import numpy as np
import pandas as pd

from ..plans.calendar import OKABE_ITO
from .measures import HEADLINE, MEASURES

__all__ = ["trajectories_figure", "outcomes_figure", "attribution_figure", "tornado_figure", "COLUMN_LABELS"]

BASE_COLOUR, SCEN_COLOUR = OKABE_ITO["orange"], OKABE_ITO["blue"]
GOOD, BAD, NEUTRAL = OKABE_ITO["bluish_green"], OKABE_ITO["vermillion"], "#7F7F7F"

COLUMN_LABELS = {
    "sanctioned": "families sanctioned", "participating": "families meeting the hours",
    "work_participation_rate": "work participation rate", "grant_dollars": "grant dollars a month",
    "families_with_children_in_care": "families with children in foster care",
    "children_in_care": "children in foster care", "removals_in_home": "removals from in-home cases",
    "reunifications": "reunifications", "reentries": "re-entries", "identified": "shared families identified",
    "staff_hours": "staff hours a month", "families_on_aid": "families on aid",
}


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _stack(frames: Sequence[pd.DataFrame], column: str) -> np.ndarray:
    return np.vstack([f[column].to_numpy(dtype=float) for f in frames])


def trajectories_figure(comparison, column: str = "sanctioned"):
    """Monthly mean and 2.5–97.5 percentile band of ``column`` for baseline and scenario."""
    if not comparison.baseline_monthly:
        raise ValueError("This comparison kept no monthly summaries (compare(..., keep_monthly=True)).")
    plt = _plt()
    label = COLUMN_LABELS.get(column, column.replace("_", " "))
    months = comparison.baseline_monthly[0]["month"]
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ends = {}
    for frames, name, colour, style in ((comparison.baseline_monthly, comparison.baseline.name, BASE_COLOUR, "--"),
                                        (comparison.scenario_monthly, comparison.scenario.name, SCEN_COLOUR, "-")):
        v = _stack(frames, column)
        mean = v.mean(axis=0)
        lo, hi = np.percentile(v, [2.5, 97.5], axis=0)
        ax.fill_between(months, lo, hi, color=colour, alpha=0.25, linewidth=0)
        ax.plot(months, mean, style, color=colour, linewidth=2, label=f"{name} (mean, band: 95% of runs)")
        ends[name] = mean[-1]
    b, s = ends[comparison.baseline.name], ends[comparison.scenario.name]
    rel = (s - b) / b if b else float("nan")
    word = "fewer" if rel < 0 else "more"
    title = (f"{comparison.scenario.name.capitalize()}: {abs(rel) * 100:.0f}% {word} {label} by the last month"
             if rel == rel and abs(rel) >= 0.005 else f"{comparison.scenario.name.capitalize()} leaves {label} about the same")
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(label)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="y", color="0.9")
    fig.autofmt_xdate()
    fig.tight_layout()
    alt = (f"Line chart of {label} by month over {len(months)} months, {len(comparison.seeds)} runs each. "
           f"{comparison.baseline.name}: {b:,.0f} in the last month; {comparison.scenario.name}: {s:,.0f}. {title}.")
    return fig, alt


def _pct(key: str) -> bool:
    return key in MEASURES and MEASURES[key].percent


def outcomes_figure(comparison, keys: Sequence[str] | None = None):
    """Scenario minus baseline for each measure, with its interval: points for shares (in
    percentage points), relative change (in %) for counts and dollars."""
    plt = _plt()
    keys = list(keys or [k for k in (*HEADLINE, "work_participation_rate", "hours_demanded", "double_bookings",
                                     "clock_months_used", "grant_dollars") if k in comparison.baseline_runs])
    t = comparison.table.loc[keys]
    vals, los, his, labels, colours = [], [], [], [], []
    better_n = 0
    for k, r in t.iterrows():
        if _pct(k):
            f, unit = 100.0, "pts"
        else:
            f, unit = (100.0 / r["baseline"] if r["baseline"] else float("nan")), "%"
        vals.append(r["difference"] * f)
        los.append(r["difference_low"] * f)
        his.append(r["difference_high"] * f)
        labels.append(f"{r['measure']} ({unit})")
        good = (r["better"] == "higher" and r["difference_low"] > 0) or (r["better"] == "lower" and r["difference_high"] < 0)
        bad = (r["better"] == "higher" and r["difference_high"] < 0) or (r["better"] == "lower" and r["difference_low"] > 0)
        better_n += good
        colours.append(GOOD if good else BAD if bad else NEUTRAL)
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(keys) + 1.6))
    y = np.arange(len(keys))[::-1]
    for yi, v, lo, hi, c in zip(y, vals, los, his, colours):
        ax.plot([lo, hi], [yi, yi], color=c, linewidth=2.5)
        ax.plot([v], [yi], "o", color=c, markersize=7, markeredgecolor="black")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("scenario minus baseline (points for shares, % of baseline for the rest)")
    rated = sum(1 for k in keys if MEASURES.get(k) and MEASURES[k].better)
    title = f"{comparison.scenario.name.capitalize()} improves {better_n} of {rated} rated measures beyond run-to-run noise"
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", color="0.9")
    fig.tight_layout()
    fig.subplots_adjust(left=max(fig.subplotpars.left, 0.4))
    parts = [f"{lab}: {v:+.1f} (interval {lo:+.1f} to {hi:+.1f})" for lab, v, lo, hi in zip(labels, vals, los, his)]
    alt = (f"Dot-and-whisker chart, {len(comparison.seeds)} paired runs. {title}. Green means better, "
           "vermillion worse, grey neither or not distinguishable from noise. " + "; ".join(parts) + ".")
    return fig, alt


def attribution_figure(attribution: pd.DataFrame, measure: str):
    """Horizontal bars: each lever's share of the difference in ``measure``."""
    plt = _plt()
    d = attribution[attribution["measure"] == measure].copy()
    d = d.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(d) + 1.6))
    colours = [NEUTRAL if l == "interaction" else (GOOD if s >= 0 else BAD) for l, s in zip(d["lever"], d["share"])]
    hatches = ["//" if l == "interaction" else "" for l in d["lever"]]
    bars = ax.barh(d["lever"], 100 * d["share"], color=colours, edgecolor="black")
    for b, h in zip(bars, hatches):
        b.set_hatch(h)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("share of the scenario's difference (%)")
    title_m = MEASURES[measure].title if measure in MEASURES else measure
    top = d[d["lever"] != "interaction"].sort_values("share", ascending=False)
    lead = top.iloc[0] if len(top) else None
    method = d["method"].iloc[0] if len(d) else ""
    title = (f"{title_m}: {lead['lever'].replace('_', ' ')} carries the largest share ({100 * lead['share']:.0f}%)"
             if lead is not None else title_m)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    alt = (f"Bar chart of each lever's share of the difference in {title_m} ({method}). "
           + "; ".join(f"{l}: {100 * s:.0f}%" for l, s in zip(d["lever"][::-1], d["share"][::-1])) + ".")
    return fig, alt


def tornado_figure(sens: pd.DataFrame, measure: str, top: int = 12):
    """Tornado: how the headline difference in ``measure`` moves when each assumption is halved
    and doubled, widest swing on top."""
    plt = _plt()
    d = sens[sens["measure"] == measure].sort_values("swing", ascending=False).head(top).iloc[::-1]
    pct = _pct(measure)
    f = 100.0 if pct else 1.0
    central = float(d["central"].iloc[0]) * f if len(d) else 0.0
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(d) + 2.0))
    y = np.arange(len(d))
    low, high = d["at_low"].to_numpy() * f, d["at_high"].to_numpy() * f
    ax.barh(y + 0.2, low - central, left=central, height=0.38, color=OKABE_ITO["sky_blue"], edgecolor="black",
            label="assumption halved")
    ax.barh(y - 0.2, high - central, left=central, height=0.38, color=OKABE_ITO["orange"], edgecolor="black",
            hatch="//", label="assumption doubled")
    ax.axvline(central, color="black", linewidth=1)
    ax.set_yticks(y, [p.replace("levers.", "lever ").replace("_", " ") for p in d["parameter"]], fontsize=8)
    title_m = MEASURES[measure].title if measure in MEASURES else measure
    unit = "points" if pct else MEASURES[measure].unit if measure in MEASURES else ""
    ax.set_xlabel(f"scenario minus baseline: {title_m.lower()} ({unit})")
    lead = d.iloc[-1] if len(d) else None
    title = (f"The effect on {title_m.lower()} depends most on {lead['parameter']}" if lead is not None
             else title_m)
    ax.set_title(textwrap.fill(title, 80), fontsize=10)
    ax.legend(fontsize=8, frameon=True, loc="best")
    fig.tight_layout()
    fig.subplots_adjust(left=max(fig.subplotpars.left, 0.34))
    alt = (f"Tornado chart: the difference in {title_m} is {central:+.2f} with every assumption at its value. "
           + "; ".join(f"{p}: {lo:+.2f} halved, {hi:+.2f} doubled" for p, lo, hi in
                       zip(d["parameter"][::-1], low[::-1], high[::-1])) + ".")
    return fig, alt
