"""The model's parameters (``linkages/params/model/*.yaml``) as one flat, overridable mapping.

Names drop the ``model.`` prefix and add the breakdown key: ``cws.reunification_monthly``,
``participation.barrier_multiplier.substance_use``, ``levers.case_conference.participation_gain``.
Program rules (MAP, hours, deadlines...) are not here: the model calls :mod:`linkages.rules`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from ..params import ParameterError, all_params, as_date
from .errors import ScenarioError

__all__ = ["ModelParams", "BARRIERS"]

BARRIERS = ("substance_use", "mental_health", "domestic_violence", "housing_instability", "limited_english",
            "no_diploma", "disability", "transportation")


@lru_cache(maxsize=16)
def _load(day: dt.date) -> tuple[dict, dict, dict]:
    values, status, source = {}, {}, {}
    for p in all_params("model."):
        base = p.name[len("model."):]
        for key in (p.keys() or [None]):
            name = base if key is None else f"{base}.{key}"
            try:
                dv = p.entry(day, key)
            except ParameterError:
                continue
            values[name] = dv.value
            status[name] = dv.status
            source[name] = p.reference[0].get("title", "") if p.reference else ""
    return values, status, source


@dataclass(frozen=True)
class ModelParams:
    """Model parameters in force on ``on``, with optional overrides."""

    values: Mapping[str, Any]
    status: Mapping[str, str]
    overrides: Mapping[str, float]
    on: dt.date

    @classmethod
    def load(cls, on: Any = "2025-01-01", overrides: Mapping[str, float] | None = None) -> "ModelParams":
        day = as_date(on)
        values, status, _ = _load(day)
        vals = dict(values)
        for k, v in (overrides or {}).items():
            if k not in vals:
                close = [n for n in vals if n.split(".")[-1] == k.split(".")[-1]]
                hint = f" Did you mean {', '.join(close)}?" if close else ""
                raise ScenarioError(f"There is no model parameter called '{k}'.{hint}")
            if isinstance(vals[k], (list, tuple, str)) or isinstance(v, bool):
                raise ScenarioError(f"Model parameter '{k}' cannot be overridden with {v!r}.")
            try:
                vals[k] = float(v)
            except (TypeError, ValueError):
                raise ScenarioError(f"Model parameter '{k}' must be a number, not {v!r}.") from None
        return cls(vals, dict(status), dict(overrides or {}), day)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def lever(self, lever: str, effect: str) -> float:
        return float(self.values[f"levers.{lever}.{effect}"])

    def assumptions(self) -> list[str]:
        """Names of numeric parameters labelled ``assumption`` (what the sensitivity analysis varies).

        Only ``model.*`` parameters are here: the synthetic population's ``families.*``
        distributions are not model parameters and are not varied (see
        :mod:`linkages.outcomes.sensitivity`)."""
        return [k for k, s in self.status.items()
                if s == "assumption" and isinstance(self.values[k], (int, float)) and not isinstance(self.values[k], bool)
                and not k.startswith("calibration.")]

    @staticmethod
    def source(name: str, on: Any = "2025-01-01") -> str:
        return _load(as_date(on))[2].get(name, "")
