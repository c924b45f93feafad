"""The Linkages practices as levers: each on/off with a strength in its range (0 = off).

A lever acts only on families identified as shared, and only in the months they are shared (on
CalWORKs, or having lost aid to a removal, with a child welfare case open): identification is
permanent, but once the child welfare case closes the family's months follow the baseline again,
and no coordination staff time is charged for them.
Identification is itself a lever: without the data match, workers identify only a baseline share
by chance (``model.identification.chance_share``); at full strength the match finds
``model.identification.data_match_share``. Every effect size is an assumption parameter under
``model.levers.*`` — no published study quantifies Linkages' own effects (facts.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .errors import LeverStrengthError, UnknownLeverError

__all__ = ["Lever", "LEVERS", "LEVER_NAMES", "validate_levers", "lever_table"]


@dataclass(frozen=True)
class Lever:
    name: str
    title: str
    description: str
    acts_on: str
    low: float = 0.0
    high: float = 1.0

    @property
    def parameter(self) -> str:
        return f"model.levers.{self.name}"


LEVERS: dict[str, Lever] = {lv.name: lv for lv in [
    Lever("identification", "Shared-client identification",
          "A data match between the CalWORKs and child welfare systems finds shared families; strength moves the "
          "identified share from the chance level to the match rate.",
          "who the other levers can reach"),
    Lever("linked_plan", "Linked case plan",
          "Activities both programs accept are counted once and scheduled once; strength is the share of the "
          "separate-to-linked difference in hours, travel and double-bookings that is realised.",
          "weekly hours demanded, double-bookings, participation"),
    Lever("case_conference", "Joint case conference / liaison",
          "Workers from both programs meet with the family; raises engagement, good-cause recognition and "
          "reunification, lowers removal and re-entry.",
          "participation, good cause, reunification, removal, re-entry"),
    Lever("co_location", "Co-location",
          "CalWORKs and child welfare staff in one place: less travel, a little more engagement.",
          "travel, participation"),
    Lever("fr_aid_kept", "Family-reunification aid and services kept",
          "When children are removed, eligible families keep family-reunification aid (AB 429 services; AB 135 cash "
          "from 2025) instead of losing it because no one knew the rule.",
          "grant while children are removed, reunification"),
    Lever("early_sanction_resolution", "Early sanction resolution",
          "The compliance window is used to resolve the problem; sanctioned parents are helped to cure.",
          "sanctions, cures"),
    Lever("child_care_transport", "Fast-tracked child care and transport",
          "Child care for children under 6 and transport are arranged quickly.",
          "capacity, participation"),
    Lever("pooled_funding", "Flexible (pooled) funding",
          "Services neither program pays for (housing help, treatment slots) lessen untreated barriers.",
          "barriers, removal, re-entry"),
]}
LEVER_NAMES = tuple(LEVERS)


def validate_levers(levers: Mapping[str, float] | None) -> dict[str, float]:
    """Strength of every lever (missing ones are 0), checked; raises a ValueError subclass that
    names the problem."""
    out = {name: 0.0 for name in LEVERS}
    for name, strength in (levers or {}).items():
        if name not in LEVERS:
            raise UnknownLeverError(
                f"'{name}' is not a lever. The levers are: {', '.join(LEVERS)}.")
        lv = LEVERS[name]
        try:
            s = float(strength)
        except (TypeError, ValueError):
            raise LeverStrengthError(f"The strength of lever '{name}' must be a number, not {strength!r}.") from None
        if not (lv.low <= s <= lv.high):
            raise LeverStrengthError(
                f"The strength of lever '{name}' must be between {lv.low:g} and {lv.high:g}; got {s:g}.")
        out[name] = s
    return out


def lever_table():
    """The levers as a DataFrame (name, title, description, what it acts on, range)."""
    import pandas as pd

    return pd.DataFrame([{"lever": lv.name, "title": lv.title, "description": lv.description,
                          "acts_on": lv.acts_on, "range": f"{lv.low:g}–{lv.high:g}",
                          "parameters": lv.parameter} for lv in LEVERS.values()])
