"""The public entry points: :func:`simulate`, :func:`run_replicates`, and :class:`Result`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd


from .caseload import COMP, EVENTS, STATUS, Caseload, prepare, resolve_start
from .engine import Records, run_vectorised
from .errors import CaseloadError
from .model import ModelParams
from .reference import run_reference
from .scenario import Scenario

__all__ = ["Result", "simulate", "run_replicates", "replicate_seeds", "DEFAULT_START"]

#: ``None``: start on the first of the month after the table's latest removal or case opening
#: (:func:`linkages.simulate.caseload.infer_start`).
DEFAULT_START = None


@dataclass
class Result:
    """One run: per-household, per-month records plus what produced them.

    ``records[name]`` is a ``[months, households]`` array (fields in
    :data:`linkages.simulate.engine.RECORD_FIELDS`); :meth:`monthly` summarises it by month and
    :meth:`household_path` tells one family's months.
    """

    scenario: Scenario
    start: dt.date
    dates: list
    household_ids: np.ndarray
    records: Records
    params: ModelParams
    engine: str = "vectorised"
    caseload: Caseload | None = field(default=None, repr=False)
    initial_clock: np.ndarray | None = field(default=None, repr=False)

    @property
    def months(self) -> int:
        return self.records.months

    @property
    def n(self) -> int:
        return self.records.n

    def __getitem__(self, name: str) -> np.ndarray:
        return self.records[name]

    def event(self, name: str) -> np.ndarray:
        """Boolean ``[months, households]``: the event happened that month."""
        return (self.records["events"] & EVENTS[name]) != 0

    def monthly(self) -> pd.DataFrame:
        """One row per month: caseload counts and rates."""
        r = self.records
        on = r["on_aid"]
        comp = r["comp"]
        in_care = ((comp == COMP.index("family_reunification")) | (comp == COMP.index("permanency")))
        status = r["status"]
        req = on & np.isin(status, [0, 2, 3, 4])
        out = pd.DataFrame({
            "month": pd.to_datetime(self.dates),
            "families_on_aid": on.sum(axis=1),
            "sanctioned": (status == STATUS.index("sanctioned")).sum(axis=1),
            "participating": (status == STATUS.index("participating")).sum(axis=1),
            "work_participation_rate": np.divide((status == 0).sum(axis=1), req.sum(axis=1),
                                                 out=np.full(self.months, np.nan), where=req.sum(axis=1) > 0),
            "grant_dollars": r["grant"].astype(np.float64).sum(axis=1),
            "families_with_children_in_care": in_care.sum(axis=1),
            "children_in_care": np.where(in_care, r["kids_out"], 0).astype(np.int64).sum(axis=1),
            "removals_in_home": self.event("removal_in_home").sum(axis=1),
            "reunifications": self.event("reunification").sum(axis=1),
            "reentries": self.event("reentry").sum(axis=1),
            "identified": r["identified"].sum(axis=1),
            "staff_hours": r["staff_hours"].astype(np.float64).sum(axis=1),
        })
        return out

    def household_path(self, household_id: Any) -> pd.DataFrame:
        """One family's months: status, grant, component, children out, events."""
        idx = np.nonzero(self.household_ids == household_id)[0]
        if idx.size == 0:
            raise CaseloadError(f"There is no household '{household_id}' in this run.")
        i = int(idx[0])
        r = self.records
        ev = r["events"][:, i]
        names = [[k for k, b in EVENTS.items() if e & b] for e in ev]
        return pd.DataFrame({
            "month": pd.to_datetime(self.dates),
            "status": [STATUS[s] for s in r["status"][:, i]],
            "grant": np.round(r["grant"][:, i].astype(float), 2),
            "on_aid": r["on_aid"][:, i],
            "hours_required": r["required"][:, i].astype(int),
            "hours_demanded": np.round(r["demand"][:, i].astype(float), 1),
            "double_bookings": np.round(r["double"][:, i].astype(float), 2),
            "met_hours": r["met_wtw"][:, i],
            "met_case_plan": r["met_case_plan"][:, i],
            "child_welfare": [COMP[c] for c in r["comp"][:, i]],
            "children_removed": r["kids_out"][:, i].astype(int),
            "clock_months_used": r["clock"][:, i].astype(int),
            "events": [", ".join(x) for x in names],
            "identified": r["identified"][:, i],
        })


def simulate(households: pd.DataFrame, scenario: Scenario | None = None, start: Any = DEFAULT_START, *,
             activities: pd.DataFrame | None = None, engine: str = "vectorised", caseload: Caseload | None = None,
             seed: int | None = None, force_identified: Sequence[bool] | None = None) -> Result:
    """Run ``scenario`` on the ``households`` (and their plan ``activities``) from ``start``.

    ``engine``: ``"vectorised"`` (default) or ``"reference"`` (the plain per-household stepper;
    slow, same numbers). ``caseload``: a :class:`Caseload` already prepared for these inputs
    (replicates reuse it). ``seed`` overrides the scenario's seed. ``force_identified``: mark
    households as identified whenever they are shared (the family story uses this to show the
    coordinated path).
    """
    scenario = scenario or Scenario()
    start = resolve_start(households, start)
    params = ModelParams.load(start, scenario.params)
    seed = scenario.seed if seed is None else seed
    forced = None if force_identified is None else np.asarray(force_identified, dtype=bool)
    if engine == "reference":
        rec = run_reference(households, activities, start, scenario.months, scenario.levers, params, seed,
                            force_identified=forced)
        ids = households["household_id"].to_numpy()
        cl = None
    elif engine == "vectorised":
        cl = caseload
        if cl is None or not cl.fits(start, scenario.months, params):
            cl = prepare(households, activities, start, scenario.months, params)
        rec = run_vectorised(cl, scenario.levers, params, seed, force_identified=forced)
        ids = cl.ids
    else:
        raise CaseloadError(f"engine must be 'vectorised' or 'reference', not {engine!r}.")
    dates = [pd.Timestamp(d).date() for d in pd.date_range(start, periods=scenario.months, freq="MS")]
    clock0 = households["clock_months_used"].fillna(0).to_numpy(dtype=np.int64)
    return Result(scenario, start, dates, ids, rec, params, engine, cl, clock0)


def replicate_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent seeds derived from ``seed`` (NumPy SeedSequence), the same everywhere."""
    ss = np.random.SeedSequence(seed)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in ss.spawn(n)]


def run_replicates(households: pd.DataFrame, scenario: Scenario | None = None, n: int = 20,
                   start: Any = DEFAULT_START, *, activities: pd.DataFrame | None = None,
                   caseload: Caseload | None = None) -> list[Result]:
    """``n`` runs of ``scenario`` with seeds derived from its seed (same list for any scenario
    with the same seed, so baseline and scenario share their random numbers run by run)."""
    scenario = scenario or Scenario()
    if n < 1:
        raise CaseloadError("Ask for at least one replicate run.")
    start = resolve_start(households, start)
    if caseload is None:
        caseload = prepare(households, activities, start, scenario.months, ModelParams.load(start, scenario.params))
    return [simulate(households, scenario, start, activities=activities, caseload=caseload, seed=s)
            for s in replicate_seeds(scenario.seed, n)]

