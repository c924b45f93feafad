"""The household and child records the rules read.

These are plain, frozen dataclasses: the rules are pure functions of one of these and a date.
The synthetic-family generator (``linkages.families``) produces tables whose rows convert to
them; the rules explorer builds one from what a visitor types.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

__all__ = ["Household", "Child", "WORK_STATUSES", "InputError", "MAX_CHILD_AGE"]

#: The oldest a child in the assistance unit can be (a definition the rules and the dataset loader
#: share: CalWORKs aids children to 18 — an 18-year-old still in school — and the generator draws
#: children up to 17).
MAX_CHILD_AGE = 18

#: A month's welfare-to-work status for one adult.
WORK_STATUSES = ("participating", "exempt", "non_compliant", "sanctioned", "good_cause")


class InputError(ValueError):
    """Input that cannot describe a real household; the message is a sentence for a person."""


@dataclass(frozen=True)
class Household:
    """A CalWORKs assistance unit (AU) as the rules see it.

    adults               caretaker adults in the home (1 or 2)
    children_ages        age in whole years of each child in the AU
    county               California county (decides MAP region)
    earnings             gross monthly earned income of the AU, in dollars
    employed_persons     how many people in the AU have earnings
    exempt_map           AU includes an SSI, IHSS, SDI or workers' compensation recipient
    sanctioned_adults    adults removed from the AU by a welfare-to-work sanction
    wtw_exempt_adults    adults exempt from welfare-to-work (disability, caring for an ill member...)
    children_removed     children of the AU removed by child welfare (placed out of the home)
    """

    adults: int = 1
    children_ages: tuple[int, ...] = (4, 8)
    county: str = "Alameda"
    earnings: float = 0.0
    employed_persons: int = 0
    exempt_map: bool = False
    sanctioned_adults: int = 0
    wtw_exempt_adults: int = 0
    children_removed: int = 0
    household_id: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        problems = []
        if self.adults not in (0, 1, 2):
            problems.append(f"a household has 0, 1 or 2 caretaker adults, not {self.adults}")
        for age in self.children_ages:
            if not 0 <= age <= MAX_CHILD_AGE:
                problems.append(f"a child aged {age} is outside 0–{MAX_CHILD_AGE}, the ages CalWORKs aids")
        if not math.isfinite(self.earnings):
            problems.append("earnings must be an amount of money, not infinite or missing")
        elif self.earnings < 0:
            problems.append(f"earnings cannot be negative (got {self.earnings:,.0f})")
        if not 0 <= self.employed_persons <= self.adults + len(self.children_ages):
            problems.append("more people employed than there are in the household")
        if not 0 <= self.sanctioned_adults <= self.adults:
            problems.append("more adults sanctioned than there are adults")
        if not 0 <= self.wtw_exempt_adults <= self.adults:
            problems.append("more adults exempt than there are adults")
        if not 0 <= self.children_removed <= len(self.children_ages):
            problems.append("more children removed than there are children")
        if problems:
            text = "; ".join(problems)
            raise InputError(text[:1].upper() + text[1:] + ".")
        object.__setattr__(self, "children_ages", tuple(int(a) for a in self.children_ages))

    @property
    def children(self) -> int:
        return len(self.children_ages)

    @property
    def children_at_home(self) -> int:
        return self.children - self.children_removed

    @property
    def youngest_age(self) -> int | None:
        return min(self.children_ages) if self.children_ages else None

    def with_(self, **changes) -> "Household":
        return replace(self, **changes)


@dataclass(frozen=True)
class Child:
    """One child's child welfare dates, as the deadline rules read them."""

    age_at_removal: int
    removal_date: dt.date
    jurisdiction_date: dt.date | None = None
    disposition_date: dt.date | None = None
    sibling_under_3: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.age_at_removal <= 17:
            raise InputError(
                f"A child aged {self.age_at_removal} at removal is outside 0–17, "
                "the ages juvenile dependency covers."
            )
        for label, d in (("jurisdiction hearing", self.jurisdiction_date),
                         ("dispositional hearing", self.disposition_date)):
            if d is not None and d < self.removal_date:
                raise InputError(f"The {label} date cannot come before the removal date.")
