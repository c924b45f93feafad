"""The measures (MODEL.md "Measures"), computed from one run's records.

Federal child welfare indicators follow CFSR Round 3 in spirit, with the model's simplifications
said here so nobody reads them as the official computation:

- **Permanency within 12 months of entry** — of removal episodes that start in the months whose
  12-month follow-up fits in the run, the share that end in reunification or exit to legal
  permanency (adoption, guardianship) within 12 monthly steps. A removal episode is a family's
  children removed together (the model counts episodes, not individual children).
- **Re-entry within 12 months of exit** — of reunifications in the months whose follow-up fits in
  the run, the share followed by a new removal within 12 monthly steps (CFSR counts only exits of
  that year's entry cohort; the model counts all reunifications).

The window is ``model.measures.window_months`` (12, CFSR).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..params import param
from ..simulate.caseload import COMP_CODE, EVENTS, STATUS_CODE
from ..simulate.run import Result

__all__ = ["Measure", "MEASURES", "measures", "household_totals", "from_totals", "TOTALS", "HEADLINE",
           "federal_standard"]


def _latest(name: str):
    """The value of a parameter in force now (its latest dated value): what a description quotes."""
    return param(name).history()[-1].value


def _pct(name: str) -> str:
    return f"{100 * float(_latest(name)):.1f}%"


#: measure -> (federal standard parameter, which side meets it)
STANDARDS = {"permanency_12": ("federal.cfsr3_permanency_12_months", "or more"),
             "reentry_12": ("federal.cfsr3_reentry_12_months", "or less")}


def federal_standard(measure: str) -> str:
    """The CFSR Round 3 standard of a measure as text, formatted from ``params/federal``: the
    permanency target "or more" for ``permanency_12``, the re-entry ceiling "or less" for
    ``reentry_12``."""
    name, side = STANDARDS[measure]
    return f"{_pct(name)} {side}"


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    unit: str
    better: str  # "higher", "lower" or "" (neither: a cost or a volume)
    description: str
    percent: bool = False


MEASURES: dict[str, Measure] = {m.name: m for m in [
    Measure("permanency_12", "Permanency within 12 months of entry", "share of removal episodes", "higher",
            "Removal episodes ending in reunification, adoption or guardianship within 12 months (CFSR 3 standard "
            f"{federal_standard('permanency_12')}).", True),
    Measure("reentry_12", "Re-entry within 12 months of reunification", "share of reunifications", "lower",
            "Reunifications followed by a new removal within 12 months (CFSR 3 standard "
            f"{federal_standard('reentry_12')}).", True),
    Measure("removals_in_home", "Removals from in-home cases", "removals", "lower",
            "Children's removals from emergency-response and family-maintenance (in-home) cases."),
    Measure("reunifications", "Reunifications", "reunifications", "higher", "Families whose children came home."),
    Measure("months_sanctioned", "Months sanctioned", "family-months", "lower",
            "Family-months with an adult sanctioned (removed from the assistance unit)."),
    Measure("sanctions", "Sanctions imposed", "sanctions", "lower", "New sanctions."),
    Measure("work_participation_rate", "Work participation rate", "share of required family-months", "higher",
            "Family-months meeting the hours among aided families that owe hours (exempt months excluded).", True),
    Measure("hours_demanded", "Weekly hours demanded (both plans open)", "hours per week", "lower",
            "Mean weekly hours asked (activities plus travel) of families with a welfare-to-work plan and a case "
            "plan open in the same month."),
    Measure("double_bookings", "Double-bookings (both plans open)", "per week", "lower",
            "Mean double-booked time slots a week for families with both plans open."),
    Measure("clock_months_used", "CalWORKs clock months used", "months", "lower",
            f"Months counted on adults' {int(_latest('calworks.time_limit.adult_months'))}-month clocks during the run (exempt and sanctioned months never count)."),
    Measure("grant_dollars", "Cash grant dollars", "USD", "",
            "CalWORKs grants paid over the run."),
    Measure("foster_care_months", "Foster care child-months", "child-months", "lower",
            "Months children spent removed (reunification and permanency tracks)."),
    Measure("foster_care_cost", "Foster care cost", "USD", "lower",
            "Foster care child-months times model.cost.foster_care_child_month_usd (an assumption)."),
    Measure("staff_hours", "Staff hours coordinating", "hours", "",
            "County staff time the levers take (model.levers.*.staff_hours_per_family_month, assumptions)."),
    Measure("coordination_cost", "Coordination cost", "USD", "",
            "Staff hours times model.cost.staff_hour_usd, plus pooled-funding services (assumptions)."),
    Measure("families_identified", "Shared families identified", "families", "higher",
            "Families identified as shared by the end of the run (levers can reach only these)."),
]}

#: The measures a headline (sensitivity, attribution) looks at by default.
HEADLINE = ("permanency_12", "reentry_12", "removals_in_home", "months_sanctioned", "foster_care_months")


def _window(result: Result) -> int:
    return int(result.params["measures.window_months"])


def permanency_12(result: Result) -> tuple[int, int]:
    """(exits within the window, entries) for entries whose follow-up fits in the run."""
    M, W = result.months, _window(result)
    last = M - 1 - W  # last entry month with a full follow-up
    if last < 0:
        return 0, 0
    entries = result.event("removal_in_home") | result.event("reentry")
    n_entries = int(entries[: last + 1].sum())
    exits = result.event("reunification") | result.event("permanency_exit")
    t_idx, h_idx = np.nonzero(exits)
    lag = result["lag"][t_idx, h_idx].astype(np.int64)
    entry_month = t_idx - lag
    ok = (entry_month >= 0) & (entry_month <= last) & (lag <= W)
    return int(ok.sum()), n_entries


def reentry_12(result: Result) -> tuple[int, int]:
    M, W = result.months, _window(result)
    last = M - 1 - W
    if last < 0:
        return 0, 0
    n_exits = int(result.event("reunification")[: last + 1].sum())
    t_idx, h_idx = np.nonzero(result.event("reentry"))
    lag = result["lag"][t_idx, h_idx].astype(np.int64)
    exit_month = t_idx - lag
    ok = (exit_month >= 0) & (exit_month <= last) & (lag <= W)
    return int(ok.sum()), n_exits


def _ratio(a: float, b: float) -> float:
    return float(a) / float(b) if b else float("nan")


#: The per-household sums every measure is made of (:func:`household_totals`), float or integer.
TOTALS = ("perm_exits", "entries", "reentries", "exits", "removals_in_home", "reunifications", "months_sanctioned",
          "sanctions", "participating", "owing", "demand_both", "double_both", "both", "clock_used", "grant",
          "fc_months", "staff_hours", "pooled_cost", "identified")
_FLOAT_TOTALS = frozenset({"demand_both", "double_both", "grant", "staff_hours", "pooled_cost"})
_OWING = [STATUS_CODE[s] for s in ("participating", "non_compliant", "sanctioned", "good_cause")]


def _in_window(mask: np.ndarray, lag_grid: np.ndarray, last: int, window: int, n: int) -> np.ndarray:
    """Per household: the months of ``mask`` whose lag goes back to a month ``0..last``, within ``window``."""
    t_idx, h_idx = np.nonzero(mask)
    lag = lag_grid[t_idx, h_idx].astype(np.int64)
    back = t_idx - lag
    ok = (back >= 0) & (back <= last) & (lag <= window)
    return np.bincount(h_idx[ok], minlength=n).astype(np.int64)


def household_totals(result: Result) -> dict[str, np.ndarray]:
    """Each of :data:`TOTALS` per household (summed over the run's months): every measure is a
    ratio or a multiple of their sums over households (:func:`from_totals`). Computed column by
    column, so a household's totals depend only on its own records — the same households give the
    same totals, bit for bit, whichever run they were stepped in (:mod:`linkages.outcomes.subset`)."""
    r = result
    n, M, W = r.n, r.months, _window(r)
    last = M - 1 - W  # last entry (exit) month with a full follow-up
    ev, status, comp = r["events"], r["status"], r["comp"]

    def count(mask: np.ndarray) -> np.ndarray:
        return mask.sum(axis=0, dtype=np.int64)

    def has(name: str) -> np.ndarray:
        return (ev & EVENTS[name]) != 0

    reunified = has("reunification")
    if last >= 0:
        entries = has("removal_in_home") | has("reentry")
        perm = _in_window(reunified | has("permanency_exit"), r["lag"], last, W, n)
        back = _in_window(has("reentry"), r["lag"], last, W, n)
        n_entries, n_exits = count(entries[: last + 1]), count(reunified[: last + 1])
    else:
        perm = back = n_entries = n_exits = np.zeros(n, dtype=np.int64)
    owing = r["on_aid"] & np.isin(status, _OWING)
    both = r["plans"] == 3
    in_care = (comp == COMP_CODE["family_reunification"]) | (comp == COMP_CODE["permanency"])
    clock0 = r.initial_clock if r.initial_clock is not None else r["clock"][0]
    zero = np.float64(0.0)
    return {
        "perm_exits": perm, "entries": n_entries, "reentries": back, "exits": n_exits,
        "removals_in_home": count(has("removal_in_home")), "reunifications": count(reunified),
        "months_sanctioned": count(status == STATUS_CODE["sanctioned"]), "sanctions": count(has("sanction")),
        "participating": count(owing & (status == STATUS_CODE["participating"])), "owing": count(owing),
        "demand_both": np.where(both, r["demand"].astype(np.float64), zero).sum(axis=0),
        "double_both": np.where(both, r["double"].astype(np.float64), zero).sum(axis=0),
        "both": count(both),
        "clock_used": r["clock"][-1].astype(np.int64) - np.asarray(clock0).astype(np.int64),
        "grant": r["grant"].astype(np.float64).sum(axis=0),
        "fc_months": np.where(in_care, r["kids_out"], 0).astype(np.int64).sum(axis=0),
        "staff_hours": r["staff_hours"].astype(np.float64).sum(axis=0),
        "pooled_cost": r["pooled_cost"].astype(np.float64).sum(axis=0),
        "identified": r["identified"][-1].astype(np.int64),
    }


def from_totals(totals: dict[str, np.ndarray], params) -> dict[str, float]:
    """Every measure in :data:`MEASURES` from the per-household totals of one run (summed here)."""
    t = {k: (float(v.sum()) if k in _FLOAT_TOTALS else int(v.sum())) for k, v in totals.items()}
    fc, staff = float(t["fc_months"]), t["staff_hours"]
    return {
        "permanency_12": _ratio(t["perm_exits"], t["entries"]),
        "reentry_12": _ratio(t["reentries"], t["exits"]),
        "removals_in_home": float(t["removals_in_home"]),
        "reunifications": float(t["reunifications"]),
        "months_sanctioned": float(t["months_sanctioned"]),
        "sanctions": float(t["sanctions"]),
        "work_participation_rate": _ratio(t["participating"], t["owing"]),
        "hours_demanded": t["demand_both"] / t["both"] if t["both"] else float("nan"),
        "double_bookings": t["double_both"] / t["both"] if t["both"] else float("nan"),
        "clock_months_used": float(t["clock_used"]),
        "grant_dollars": t["grant"],
        "foster_care_months": fc,
        "foster_care_cost": fc * float(params["cost.foster_care_child_month_usd"]),
        "staff_hours": staff,
        "coordination_cost": staff * float(params["cost.staff_hour_usd"]) + t["pooled_cost"],
        "families_identified": float(t["identified"]),
    }


def measures(result: Result) -> dict[str, float]:
    """Every measure in :data:`MEASURES` for one run."""
    return from_totals(household_totals(result), result.params)
