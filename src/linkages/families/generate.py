"""The seeded synthetic-family generator.

``generate(n, seed)`` draws households, their members and their case-plan activities with NumPy
from generators seeded by ``seed`` (one stream each for households and members, vignettes and
activities), in a fixed order, so the same seed gives the same tables on every machine. Every
distribution comes from ``linkages.params.families.*`` (most are labelled ``assumption``; the
data dictionary in ``datasets/README.md`` says which).
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..household import Household, InputError
from ..params import as_date
from .activities import activities_for
from .households import BARRIERS, COMPONENTS, DEFAULT_AS_OF, draw_households
from .members import draw_members
from .schema import DTYPES
from .vignettes import vignettes

__all__ = ["Population", "generate", "to_household", "BARRIERS", "COMPONENTS", "DEFAULT_AS_OF", "DEFAULT_SEED"]

DEFAULT_SEED = 2026
#: Sub-streams of the seed, so adding draws to one part never shifts another.
STREAM_PEOPLE, STREAM_ACTIVITIES, STREAM_VIGNETTES = 0, 1, 2


@dataclass
class Population:
    """Three tables: one row per household, per person, and per case-plan activity."""

    households: pd.DataFrame
    members: pd.DataFrame
    activities: pd.DataFrame

    def household(self, household_id: str) -> pd.Series:
        """One household's row, with its id (``KeyError`` with a sentence if there is none)."""
        hit = self.households[self.households["household_id"] == household_id]
        if hit.empty:
            raise KeyError(f"There is no household '{household_id}' in this population.")
        return hit.iloc[0]

    def __repr__(self) -> str:
        return (f"Population({len(self.households):,} households, {len(self.members):,} people, "
                f"{len(self.activities):,} activities)")


def generate(n_households: int, seed: int = DEFAULT_SEED, as_of: dt.date = DEFAULT_AS_OF,
             id_prefix: str = "HH") -> Population:
    """Draw ``n_households`` synthetic households as they stand on ``as_of``. Same seed, same tables."""
    try:
        n = int(n_households)
    except (TypeError, ValueError):
        raise ValueError(f"The number of households must be a whole number, not {n_households!r}.") from None
    if n < 1:
        raise ValueError("Ask for at least one household.")
    if n > 999_999:
        raise ValueError("Household ids have six digits: ask for at most 999,999 households.")
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise ValueError(f"The seed must be a whole number, not {seed!r}.") from None
    on = as_date(as_of)
    was_enabled = gc.isenabled()
    gc.disable()  # many small strings: the cyclic collector only slows this down
    try:
        rng = np.random.default_rng([seed, STREAM_PEOPLE])
        hh, draws = draw_households(rng, n, on, id_prefix)
        people, members = draw_members(rng, hh, draws, on)
        hh["vignette"] = vignettes(hh, people, np.random.default_rng([seed, STREAM_VIGNETTES]), on,
                                   draws.name_group)
        acts = activities_for(hh, np.random.default_rng([seed, STREAM_ACTIVITIES]), on)
        return Population(*(_typed(t, df) for t, df in
                            (("households", hh), ("members", members), ("activities", acts))))
    finally:
        if was_enabled:
            gc.enable()


def _typed(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table with the canonical column order and dtypes (the ones :func:`load` gives)."""
    return df[list(DTYPES[table])].astype(DTYPES[table])


# --- rows to rules --------------------------------------------------------------------------

def to_household(row: Mapping[str, Any] | pd.Series) -> Household:
    """A households-table row (a Series or a dict) as the rules' :class:`~linkages.household.Household`.

    A sanctioned adult is one adult removed from the assistance unit; an exempt status exempts
    every adult of the household. Raises :class:`~linkages.household.InputError` with a sentence
    when a value is missing or cannot describe a household.
    """
    try:
        ages = tuple(int(a) for a in str(row["children_ages"]).split(";") if a.strip() != "")
        status = str(row["work_status"])
        adults = int(row["n_adults"])
        return Household(
            adults=adults,
            children_ages=ages,
            county=str(row["county"]),
            earnings=float(row["earnings"]),
            employed_persons=int(row["employed_persons"]),
            exempt_map=bool(row["exempt_map"]),
            sanctioned_adults=1 if status == "sanctioned" else 0,
            wtw_exempt_adults=adults if status == "exempt" else 0,
            children_removed=int(row["children_removed"]),
            household_id=str(row.get("household_id", "") if hasattr(row, "get") else ""),
        )
    except KeyError as exc:
        raise InputError(f"The household row has no {exc.args[0]!r} column.") from None
    except (TypeError, ValueError) as exc:
        raise InputError(f"The household row has a value that is not a number where one is needed ({exc}).") from None
