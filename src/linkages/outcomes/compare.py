"""Replicate runs, intervals, and baseline vs scenario side by side.

Intervals: ``interval="percentile"`` (default) gives the 2.5th and 97.5th percentiles of the
replicate values — the spread of outcomes a county might see (with few runs these are close to
the lowest and highest run, and :func:`interval_label` says so); ``interval="range"`` gives the
lowest and highest run exactly — the honest name for a spread over a handful of runs;
``interval="t"`` gives mean ± t·se, the uncertainty of the mean. Baseline and scenario run on the
same replicate seeds (common random numbers), so the *difference* is taken run by run and its
interval is much narrower than either side's.

:func:`interval_label` and :func:`agreement_words` give the plain words every table, sentence and
figure uses for an interval kind and a number of runs, so labels never claim more than was computed.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..simulate.caseload import prepare
from ..simulate.errors import ScenarioError
from ..simulate.model import ModelParams
from ..simulate.caseload import resolve_start
from ..simulate.run import DEFAULT_START, replicate_seeds, simulate
from ..simulate.scenario import ALL_LEVERS, BASELINE, Scenario
from .measures import MEASURES, measures

__all__ = ["Comparison", "compare", "run_measures", "interval", "interval_bands", "interval_label",
           "agreement_words", "summary", "t_critical", "INTERVALS"]

INTERVALS = ("percentile", "t", "range")
#: Fewer runs than this and the 2.5th/97.5th percentiles sit between the two lowest (highest) runs.
_FEW_FOR_PERCENTILES = 40
# Two-sided 95% Student t critical values (a mathematical table, not a model parameter).
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
        11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
        20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048,
        29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}


def t_critical(df: int) -> float:
    if df < 1:
        return float("nan")
    if df in _T95:
        return _T95[df]
    keys = sorted(_T95)
    for k in keys:
        if k > df:
            return _T95[k]
    return 1.960


def interval(values: Iterable[float], kind: str = "percentile") -> tuple[float, float, float]:
    """(mean, low, high) of replicate values (NaNs dropped)."""
    if kind not in INTERVALS:
        raise ScenarioError(f"interval must be one of {', '.join(INTERVALS)}, not {kind!r}.")
    v = np.asarray([x for x in values if x == x], dtype=float)
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(v.mean())
    if v.size == 1:
        return m, m, m
    if kind == "percentile":
        lo, hi = np.percentile(v, [2.5, 97.5])
        return m, float(lo), float(hi)
    if kind == "range":
        return m, float(v.min()), float(v.max())
    half = t_critical(v.size - 1) * float(v.std(ddof=1)) / math.sqrt(v.size)
    return m, m - half, m + half


def interval_bands(values: np.ndarray, kind: str = "percentile") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, low, high) of each column of ``values`` (rows: replicate runs), NaNs dropped —
    :func:`interval` for many measures (or months) at once."""
    if kind not in INTERVALS:
        raise ScenarioError(f"interval must be one of {', '.join(INTERVALS)}, not {kind!r}.")
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    n = (~np.isnan(v)).sum(axis=0)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(v, axis=0)
        if kind == "percentile":
            lo, hi = np.nanpercentile(v, [2.5, 97.5], axis=0)
        elif kind == "range":
            lo, hi = np.nanmin(v, axis=0), np.nanmax(v, axis=0)
        else:
            crit = np.array([t_critical(int(k) - 1) for k in n])
            half = crit * np.nanstd(v, axis=0, ddof=1) / np.sqrt(np.maximum(n, 1))
            half = np.where(n > 1, half, 0.0)
            lo, hi = mean - half, mean + half
    return mean, np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def _runs(n: int) -> str:
    return "the one run" if n == 1 else f"the {n:,} runs"


def interval_label(kind: str, runs: int) -> str:
    """What an interval's two ends are, in plain words, for ``runs`` replicate runs:
    ``"lowest to highest of the 3 runs"``."""
    if kind not in INTERVALS:
        raise ScenarioError(f"interval must be one of {', '.join(INTERVALS)}, not {kind!r}.")
    if runs <= 1:
        return "one run, so no interval"
    if kind == "range":
        return f"lowest to highest of {_runs(runs)}"
    if kind == "t":
        return f"95% confidence interval of the mean of {_runs(runs)} (Student's t)"
    words = f"2.5th to 97.5th percentile of {_runs(runs)}"
    if runs < _FEW_FOR_PERCENTILES:
        words += " (with this few runs, close to the lowest and highest)"
    return words


def agreement_words(kind: str, runs: int) -> str:
    """How to say that a difference's whole interval is on one side of zero: ``"in all 3 paired
    runs"`` for a range, ``"beyond run-to-run noise"`` otherwise."""
    if kind not in INTERVALS:
        raise ScenarioError(f"interval must be one of {', '.join(INTERVALS)}, not {kind!r}.")
    if runs <= 1:
        return "in the one run"
    if kind == "range":
        return f"in all {runs:,} paired runs"
    return "beyond run-to-run noise"


def _summary_array(runs: pd.DataFrame, kind: str) -> np.ndarray:
    """``[columns, 3]``: mean, low and high of each column of ``runs`` (:func:`interval` each)."""
    v = runs.to_numpy(dtype=float)
    return np.array([interval(v[:, j], kind) for j in range(v.shape[1])], dtype=float).reshape(-1, 3)


def summary(runs: pd.DataFrame, kind: str = "percentile") -> pd.DataFrame:
    """Per measure (column of ``runs``): mean, low, high over the replicate rows."""
    return pd.DataFrame(_summary_array(runs, kind), index=runs.columns, columns=["mean", "low", "high"])


def run_measures(households: pd.DataFrame, scenario: Scenario, seeds: Sequence[int], *, start: Any = DEFAULT_START,
                 activities: pd.DataFrame | None = None, caseload=None, keep_monthly: bool = True):
    """Measures (one row per seed) and, optionally, each run's monthly summary."""
    start = resolve_start(households, start)
    params = ModelParams.load(start, scenario.params)
    if caseload is None or not caseload.fits(start, scenario.months, params):
        caseload = prepare(households, activities, start, scenario.months, params)
    rows, monthly = [], []
    for s in seeds:
        res = simulate(households, scenario, start, activities=activities, caseload=caseload, seed=s)
        rows.append(measures(res))
        if keep_monthly:
            monthly.append(res.monthly())
    return pd.DataFrame(rows), monthly, caseload


@dataclass
class Comparison:
    """Baseline vs scenario over replicate runs (see :func:`compare`)."""

    baseline: Scenario
    scenario: Scenario
    seeds: list
    interval: str
    baseline_runs: pd.DataFrame
    scenario_runs: pd.DataFrame
    baseline_monthly: list = field(repr=False, default_factory=list)
    scenario_monthly: list = field(repr=False, default_factory=list)
    n_households: int = 0

    @property
    def runs(self) -> int:
        return len(self.baseline_runs)

    @property
    def interval_label(self) -> str:
        """The intervals of :attr:`table` in plain words (:func:`interval_label`)."""
        return interval_label(self.interval, self.runs)

    @property
    def agreement(self) -> str:
        """How the figures say a difference is clear of zero (:func:`agreement_words`)."""
        return agreement_words(self.interval, self.runs)

    @property
    def differences(self) -> pd.DataFrame:
        return self.scenario_runs - self.baseline_runs

    @property
    def table(self) -> pd.DataFrame:
        """One row per measure: baseline, scenario and difference, each with its interval."""
        b, s, d = (_summary_array(x, self.interval) for x in (self.baseline_runs, self.scenario_runs,
                                                               self.differences))
        keys = list(self.baseline_runs.columns)
        cols: dict[str, list] = {"measure": [], "unit": []}
        for name in keys:
            m = MEASURES.get(name)
            cols["measure"].append(m.title if m else name)
            cols["unit"].append(m.unit if m else "")
        for group, arr in (("baseline", b), ("scenario", s), ("difference", d)):
            cols[group], cols[group + "_low"], cols[group + "_high"] = arr[:, 0], arr[:, 1], arr[:, 2]
        cols["better"] = [MEASURES[k].better if k in MEASURES else "" for k in keys]
        return pd.DataFrame(cols, index=pd.Index(keys, name="key"))

    def pretty(self) -> pd.DataFrame:
        """The table as readable strings: "42.3% (40.1–44.0)"."""
        t = self.table
        out = []
        for key, r in t.iterrows():
            pct = MEASURES[key].percent if key in MEASURES else False
            weekly = r["unit"] in ("hours per week", "per week")
            if pct:
                fmt, dfmt = (lambda x: f"{100 * x:.1f}%"), (lambda x: f"{100 * x:+.1f} pts")
            elif weekly:
                fmt, dfmt = (lambda x: f"{x:.1f}"), (lambda x: f"{x:+.1f}")
            else:
                fmt, dfmt = _num, (lambda x: _num(x, sign=True))
            out.append({
                "measure": r["measure"],
                f"{self.baseline.name}": f"{fmt(r['baseline'])} ({fmt(r['baseline_low'])} to {fmt(r['baseline_high'])})",
                f"{self.scenario.name}": f"{fmt(r['scenario'])} ({fmt(r['scenario_low'])} to {fmt(r['scenario_high'])})",
                "difference": f"{dfmt(r['difference'])} ({dfmt(r['difference_low'])} to {dfmt(r['difference_high'])})",
            })
        return pd.DataFrame(out).set_index("measure")

    def trajectories_figure(self, column: str = "sanctioned", **kw):
        from .figures import trajectories_figure

        return trajectories_figure(self, column, **kw)

    def outcomes_figure(self, keys: Sequence[str] | None = None, **kw):
        from .figures import outcomes_figure

        return outcomes_figure(self, keys, **kw)


def _num(x: float, sign: bool = False) -> str:
    if x != x:
        return "n/a"
    s = "+" if sign and x > 0 else ""
    ax = abs(x)
    if ax >= 1e6:
        return f"{s}{x / 1e6:,.2f} M"
    if ax >= 10 or ax == 0:
        return f"{s}{x:,.0f}"
    return f"{s}{x:,.2f}"


def compare(households: pd.DataFrame, baseline: Scenario | None = None, scenario: Scenario | None = None,
            replicates: int = 20, *, activities: pd.DataFrame | None = None, start: Any = DEFAULT_START,
            interval: str = "percentile", keep_monthly: bool = True) -> Comparison:
    """Run ``baseline`` and ``scenario`` ``replicates`` times each on the same seeds.

    Defaults: ``scenario`` = all levers at full strength; ``baseline`` = no levers, with the
    scenario's months and seed. Both must have the same months and seed (the runs are paired).
    """
    if interval not in INTERVALS:
        raise ScenarioError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}.")
    if replicates < 1:
        raise ScenarioError("Ask for at least one replicate run.")
    scenario = scenario or ALL_LEVERS
    baseline = baseline or BASELINE.with_(months=scenario.months, seed=scenario.seed, params=dict(scenario.params))
    if baseline.months != scenario.months or baseline.seed != scenario.seed:
        raise ScenarioError("Baseline and scenario must run for the same months from the same seed "
                            f"(got {baseline.months}/{baseline.seed} and {scenario.months}/{scenario.seed}).")
    seeds = replicate_seeds(scenario.seed, replicates)
    b_runs, b_monthly, cl = run_measures(households, baseline, seeds, start=start, activities=activities,
                                         keep_monthly=keep_monthly)
    s_runs, s_monthly, _ = run_measures(households, scenario, seeds, start=start, activities=activities,
                                        caseload=cl, keep_monthly=keep_monthly)
    return Comparison(baseline, scenario, seeds, interval, b_runs, s_runs, b_monthly, s_monthly, len(households))
