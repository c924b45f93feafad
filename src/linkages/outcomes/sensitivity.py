"""Sensitivity: halve and double each assumption and see how the headline differences move.

For every model parameter labelled ``assumption`` (or the ones named), the baseline and the
scenario are run again with that parameter scaled, on the same seeds, and the scenario-minus-
baseline difference of each headline measure is reported next to its value with nothing changed.

How a parameter is scaled depends on its unit:

- shares, probabilities, multipliers, and lever effects that are shares (reductions, reliefs,
  travel saved, child care arranged): value x factor, kept within [0, 1];
- relative risks: the *excess* over 1 is scaled (1.4 halved is 1.2, doubled 1.8), so halving
  never turns a risk factor into a protective one;
- whole numbers (days, months): value x factor, rounded;
- everything else: value x factor.

What is *not* varied, and why:

- **The synthetic population** (``families.*`` — barrier rates, earnings, program mix, case
  components, ages...). Those distributions decide *who* is in the caseload, not how the model
  responds; scaling them would change the families being compared rather than test an
  assumption about Linkages. They are fixed by the dataset (``datasets/caseload`` is generated
  once from them), and changing them is a different caseload — run the comparison on it — not a
  sensitivity row. Only the numeric ``model.*`` assumptions are halved and doubled.
- **Program rules** (``calworks.*``, ``cws.*``, ``federal.*``): sourced figures, not assumptions.
- **Calibration settings** (``model.calibration.*``) and text or list parameters.
- **Two levers whose effect is the strength itself**: for ``linked_plan`` the strength *is* the
  share of the separate-to-linked difference realised (the difference comes from the plans), and
  for ``fr_aid_kept`` it *is* how far the share of eligible families that claim the aid moves
  toward 1. Neither has an effect-size parameter, so their only rows here are their staff time
  (``model.levers.<lever>.staff_hours_per_family_month``); to see how their effect matters, move
  the lever's strength (a scenario), not a parameter.
"""

from __future__ import annotations

from typing import Any, Sequence

import pandas as pd

from ..params import all_params
from ..simulate.model import ModelParams
from ..simulate.caseload import resolve_start
from ..simulate.run import DEFAULT_START, replicate_seeds
from ..simulate.scenario import ALL_LEVERS, BASELINE, Scenario
from .compare import run_measures
from .measures import HEADLINE

__all__ = ["sensitivity", "scaled_value"]

_BOUNDED = ("share", "probability per month", "multiplier")


def _units() -> dict[str, str]:
    out = {}
    for p in all_params("model."):
        base = p.name[len("model."):]
        for key in (p.keys() or [None]):
            out[base if key is None else f"{base}.{key}"] = p.unit
    return out


def scaled_value(name: str, value: float, factor: float, unit: str | None = None) -> float:
    """``value`` halved or doubled the way the module docstring says."""
    unit = unit if unit is not None else _units().get(name, "")
    if unit == "relative risk":
        return 1.0 + (value - 1.0) * factor
    v = value * factor
    if unit in _BOUNDED or name.endswith(("_share", "_probability", "_reduction", "_relief", "_saved",
                                          "child_care_gain")):
        v = min(max(v, 0.0), 1.0)
    if isinstance(value, int) and not isinstance(value, bool):
        v = float(round(v))
    return float(v)


def sensitivity(households: pd.DataFrame, scenario: Scenario | None = None, baseline: Scenario | None = None,
                parameters: Sequence[str] | None = None, *, factors: tuple[float, float] = (0.5, 2.0),
                measures: Sequence[str] = HEADLINE, replicates: int = 3, activities: pd.DataFrame | None = None,
                start: Any = DEFAULT_START) -> pd.DataFrame:
    """One row per (parameter, measure): the difference with nothing changed (``central``), with
    the parameter scaled by ``factors[0]`` (``at_low``) and ``factors[1]`` (``at_high``), and the
    ``swing`` between them; ``central_se`` is the standard error of the central difference over
    the replicates — swings not much larger than it are run-to-run noise, not the assumption.
    Draw the tornado with :func:`linkages.outcomes.tornado_figure`.

    By default the parameters are every numeric ``model.*`` assumption
    (:meth:`ModelParams.assumptions`); the ``families.*`` distributions of the synthetic
    population are not varied, nor are the effects of ``linked_plan`` and ``fr_aid_kept``, which
    are their strengths (module docstring)."""
    scenario = scenario or ALL_LEVERS
    baseline = baseline or BASELINE.with_(months=scenario.months, seed=scenario.seed)
    start = resolve_start(households, start)
    P = ModelParams.load(start)
    names = list(parameters) if parameters is not None else P.assumptions()
    for n in names:
        if n not in P.values:
            ModelParams.load(start, {n: 0.0})  # raises the sentence naming the unknown parameter
    seeds = replicate_seeds(scenario.seed, replicates)
    units = _units()
    keys = list(measures)

    def diff(overrides: dict, with_se: bool = False):
        b = baseline.with_(params={**baseline.params, **overrides})
        s = scenario.with_(params={**scenario.params, **overrides})
        rb, _, cl = run_measures(households, b, seeds, start=start, activities=activities, keep_monthly=False)
        rs, _, _ = run_measures(households, s, seeds, start=start, activities=activities, caseload=cl,
                                keep_monthly=False)
        d = rs[keys] - rb[keys]
        return d.mean() if not with_se else (d.mean(), d.std(ddof=1) / len(d) ** 0.5 if len(d) > 1 else d.mean() * float("nan"))

    central, central_se = diff({}, with_se=True)
    rows = []
    for name in names:
        v0 = P[name]
        lo_v = scaled_value(name, v0, factors[0], units.get(name))
        hi_v = scaled_value(name, v0, factors[1], units.get(name))
        lo, hi = diff({name: lo_v}), diff({name: hi_v})
        for m in keys:
            rows.append({"parameter": name, "status": P.status.get(name, ""), "value": v0, "low_value": lo_v,
                         "high_value": hi_v, "measure": m, "central": float(central[m]),
                         "central_se": float(central_se[m]), "at_low": float(lo[m]),
                         "at_high": float(hi[m]), "swing": abs(float(hi[m]) - float(lo[m]))})
    return pd.DataFrame(rows)
