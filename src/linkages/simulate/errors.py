"""Errors the simulation raises: each is a ValueError whose message is a sentence for a person."""

from __future__ import annotations

__all__ = ["SimulationError", "UnknownLeverError", "LeverStrengthError", "EmptyCaseloadError", "CaseloadError",
           "ScenarioError"]


class SimulationError(ValueError):
    """Input the simulation cannot run on; the message names the problem."""


class UnknownLeverError(SimulationError):
    """A lever name that is not in :data:`linkages.simulate.LEVERS`."""


class LeverStrengthError(SimulationError):
    """A lever strength outside the lever's range."""


class EmptyCaseloadError(SimulationError):
    """A caseload with no households."""


class CaseloadError(SimulationError):
    """A households (or activities) table the model cannot read."""


class ScenarioError(SimulationError):
    """Months, seed, start date or a parameter override the model cannot use."""
