"""A scenario: which levers at what strength, for how many months, from which seed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .errors import ScenarioError
from .levers import LEVERS, validate_levers

__all__ = ["Scenario", "BASELINE", "ALL_LEVERS"]

MAX_MONTHS = 240


@dataclass(frozen=True)
class Scenario:
    """``Scenario(levers={"linked_plan": 1.0, ...}, months=24, seed=1)``.

    ``levers``: strength of each lever in its range (missing = 0 = off). ``params``: optional
    overrides of model parameters, ``{"cws.reunification_monthly": 0.05, ...}`` (names as in
    :class:`linkages.simulate.model.ModelParams`), used by the sensitivity analysis and the UI.
    """

    levers: Mapping[str, float] = field(default_factory=dict)
    months: int = 36
    seed: int = 0
    name: str = ""
    params: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "levers", validate_levers(self.levers))
        if isinstance(self.months, bool) or not isinstance(self.months, int) or not 1 <= self.months <= MAX_MONTHS:
            raise ScenarioError(f"A scenario runs for 1 to {MAX_MONTHS} whole months, not {self.months!r}.")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ScenarioError(f"The seed must be a whole number 0 or more, not {self.seed!r}.")
        object.__setattr__(self, "params", dict(self.params or {}))
        if not self.name:
            on = [k for k, v in self.levers.items() if v > 0]
            object.__setattr__(self, "name", "baseline (no levers)" if not on else
                               ("all levers" if len(on) == len(LEVERS) else "+".join(on)))

    @property
    def active(self) -> dict[str, float]:
        return {k: v for k, v in self.levers.items() if v > 0}

    def with_(self, **changes) -> "Scenario":
        d = {"levers": dict(self.levers), "months": self.months, "seed": self.seed, "name": "",
             "params": dict(self.params)}
        d.update(changes)
        return Scenario(**d)


BASELINE = Scenario(name="baseline (no levers)")
ALL_LEVERS = Scenario(levers={k: 1.0 for k in LEVERS}, name="all levers")
