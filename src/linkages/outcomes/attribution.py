"""How much of a scenario's difference is due to each lever.

Two methods (both on common random numbers, so differences are not noise between runs):

- ``"leave_one_out"`` (default, cheap: one run set per lever): lever *k*'s contribution is
  ``f(all) - f(all without k)``. Contributions need not add up to the total difference when levers
  interact (identification is a gate: alone it changes nothing, without it the other levers reach
  only the families found by chance); what is left is reported as an ``interaction`` row.
- ``"shapley"``: the Shapley value — each lever's marginal contribution averaged over every order
  of switching the levers on (exact over all subsets for up to ``exact_up_to`` levers, else over
  ``permutations`` random orders). Contributions add up exactly to the total.

``share`` is each contribution divided by the total difference (scenario minus baseline).
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..simulate.caseload import prepare
from ..simulate.errors import ScenarioError
from ..simulate.model import ModelParams
from ..simulate.caseload import resolve_start
from ..simulate.run import DEFAULT_START, replicate_seeds
from ..simulate.scenario import Scenario
from .compare import run_measures
from .measures import HEADLINE

__all__ = ["attribute", "METHODS"]

METHODS = ("leave_one_out", "shapley")


def attribute(households: pd.DataFrame, scenario: Scenario, measures: Sequence[str] | str = HEADLINE, *,
              replicates: int = 5, method: str = "leave_one_out", activities: pd.DataFrame | None = None,
              start: Any = DEFAULT_START, exact_up_to: int = 8, permutations: int = 24) -> pd.DataFrame:
    """One row per (measure, lever): contribution, share of the total difference, method."""
    if method not in METHODS:
        raise ScenarioError(f"method must be one of {', '.join(METHODS)}, not {method!r}.")
    keys = [measures] if isinstance(measures, str) else list(measures)
    active = scenario.active
    if not active:
        raise ScenarioError("The scenario has no lever switched on, so there is nothing to attribute.")
    names = list(active)
    start = resolve_start(households, start)
    seeds = replicate_seeds(scenario.seed, replicates)
    cl = prepare(households, activities, start, scenario.months, ModelParams.load(start, scenario.params))
    cache: dict[frozenset, pd.Series] = {}

    def value(on: frozenset) -> pd.Series:
        if on not in cache:
            sc = scenario.with_(levers={k: active[k] for k in on})
            runs, _, _ = run_measures(households, sc, seeds, start=start, activities=activities, caseload=cl,
                                      keep_monthly=False)
            cache[on] = runs[keys].mean()
        return cache[on]

    full, none = frozenset(names), frozenset()
    total = value(full) - value(none)
    contrib: dict[str, pd.Series] = {}
    if method == "leave_one_out":
        for k in names:
            contrib[k] = value(full) - value(full - {k})
        rest = total - sum(contrib.values())
        contrib["interaction"] = rest
    else:
        n = len(names)
        phi = {k: pd.Series(0.0, index=keys) for k in names}
        if n <= exact_up_to:
            for k in names:
                others = [x for x in names if x != k]
                for size in range(n):
                    w = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
                    for S in itertools.combinations(others, size):
                        s = frozenset(S)
                        phi[k] = phi[k] + w * (value(s | {k}) - value(s))
        else:
            rng = np.random.default_rng(scenario.seed)
            for _ in range(permutations):
                order = list(rng.permutation(names))
                on = frozenset()
                for k in order:
                    phi[k] = phi[k] + (value(on | {k}) - value(on)) / permutations
                    on = on | {k}
        contrib = phi
    rows = []
    for m in keys:
        for k, c in contrib.items():
            t = float(total[m])
            rows.append({"measure": m, "lever": k, "contribution": float(c[m]),
                         "share": float(c[m]) / t if t else float("nan"), "total_difference": t,
                         "method": method, "runs_per_set": replicates})
    return pd.DataFrame(rows)
