"""Calibration: the uncoordinated caseload (no levers) should land near the federal standards.

Targets (sourced): ``federal.cfsr3_permanency_12_months`` (40.5%) and
``federal.cfsr3_reentry_12_months`` (8.3%). Tuned parameters (``status: assumption`` with a note
saying they were calibrated): ``model.cws.reunification_monthly`` for permanency and
``model.cws.reentry_monthly`` for re-entry. :func:`calibrate` finds them by bisection on common
random numbers; :func:`calibration_check` reports where the baseline lands, and
``tests/test_simulate_calibration.py`` holds each measure within its own tolerance,
``model.calibration.tolerance`` broken down by measure (permanency ±2 points, re-entry ±1 point),
on a population other than the one the parameters were tuned on.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..params import value
from ..simulate.caseload import resolve_start
from ..simulate.run import DEFAULT_START, replicate_seeds
from ..simulate.scenario import BASELINE, Scenario
from .compare import run_measures

__all__ = ["TARGETS", "calibration_check", "calibrate"]

#: measure -> (federal target parameter, tuned model parameter)
TARGETS = {
    "permanency_12": ("federal.cfsr3_permanency_12_months", "cws.reunification_monthly"),
    "reentry_12": ("federal.cfsr3_reentry_12_months", "cws.reentry_monthly"),
}


def _baseline(months: int, seed: int, params: dict | None = None) -> Scenario:
    return BASELINE.with_(months=months, seed=seed, params=dict(params or {}))


def calibration_check(households: pd.DataFrame, activities: pd.DataFrame | None = None, *, months: int = 36,
                      replicates: int = 4, seed: int = 2025, start: Any = DEFAULT_START,
                      params: dict | None = None) -> pd.DataFrame:
    """Where the no-lever caseload lands against each target (one row per measure)."""
    start = resolve_start(households, start)
    runs, _, _ = run_measures(households, _baseline(months, seed, params), replicate_seeds(seed, replicates),
                              start=start, activities=activities, keep_monthly=False)
    rows = []
    for m, (target_name, tuned) in TARGETS.items():
        tol = float(value("model.calibration.tolerance", start, m))  # each target has its own
        target = float(value(target_name, start))
        got = float(runs[m].mean())
        rows.append({"measure": m, "target": target, "target_parameter": target_name, "model": got,
                     "difference": got - target, "tolerance": tol, "within": abs(got - target) <= tol,
                     "tuned_parameter": f"model.{tuned}", "replicates": replicates})
    return pd.DataFrame(rows).set_index("measure")


def calibrate(households: pd.DataFrame, activities: pd.DataFrame | None = None, *, months: int = 36,
              replicates: int = 4, seed: int = 2025, start: Any = DEFAULT_START, rounds: int = 2,
              steps: int = 18) -> dict[str, float]:
    """Bisection for each tuned parameter in turn (``rounds`` passes); returns the values to
    write into the YAML files. Each evaluation is ``replicates`` no-lever runs on fixed seeds."""
    start = resolve_start(households, start)
    seeds = replicate_seeds(seed, replicates)
    found: dict[str, float] = {}
    bounds = {"cws.reunification_monthly": (0.005, 0.4), "cws.reentry_monthly": (0.0002, 0.05)}
    cl = None
    for _ in range(rounds):
        for m, (target_name, tuned) in TARGETS.items():
            target = float(value(target_name, start))
            lo, hi = bounds[tuned]
            for _ in range(steps):
                mid = (lo + hi) / 2
                runs, _, cl = run_measures(households, _baseline(months, seed, {**found, tuned: mid}), seeds,
                                           start=start, activities=activities, caseload=cl, keep_monthly=False)
                if float(runs[m].mean()) < target:
                    lo = mid
                else:
                    hi = mid
            found[tuned] = round((lo + hi) / 2, 5)
    return found
