"""Scenario runs that step only the households a scenario can reach — the same records as a full run.

Under common random numbers a household's path depends only on its own random numbers
(:mod:`linkages.simulate.engine`), and a Linkages practice acts only on a family identified as
shared. A household the scenario never identifies therefore follows *exactly* its baseline path.
Which households does a scenario identify? A family is identified in a month it is shared (open
in CalWORKs and in child welfare) when its identification draw is below the scenario's
identification rate; until then its path is its baseline path. So the scenario reaches exactly

    the households shared in some month of their baseline path
    whose identification draw is below the scenario's identification rate.

"Shared in some month of the baseline path" comes from one more baseline run per seed in which
every shared family is marked identified (``force_identified``). With every practice off, being
identified changes nothing else — :meth:`SubsetRunner.prepare` checks that this run's records
equal the baseline's, and takes no short cut for a seed where they do not. A scenario run then
steps only the reached households, on their own columns of the very same random numbers
(:class:`ColumnDraws`), and takes every other household's records from the baseline run.

Only the public engine interface is used (:func:`~linkages.simulate.engine.run_vectorised` with
``draws`` and ``force_identified``, :class:`~linkages.simulate.engine.Draws`,
:class:`~linkages.simulate.Caseload`); ``tests/test_county_app.py`` holds the records and the
measures equal to a full run's for several settings, and :meth:`SubsetRunner.run` falls back to
the full run whenever the short cut is not ready or a check failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..simulate.caseload import Caseload
from ..simulate.engine import INIT_COLUMNS, RECORD_FIELDS, Draws, LeverValues, Records, run_vectorised
from ..simulate.levers import validate_levers
from ..simulate.model import ModelParams
from ..simulate.run import Result
from ..simulate.scenario import Scenario
from .measures import measures

__all__ = ["SubsetRunner", "ColumnDraws", "subset_caseload"]

_ID_ROW = INIT_COLUMNS.index("identification")


class ColumnDraws(Draws):
    """The random numbers of the whole caseload, drawn exactly as the engine draws them, handing
    out only the columns (households) ``columns``."""

    def __init__(self, seed: int, n: int, columns: np.ndarray):
        super().__init__(seed, n)
        self.columns = columns
        self.init = self.init[:, columns]

    def month(self, t: int) -> np.ndarray:
        return super().month(t)[:, self.columns]


def subset_caseload(cl: Caseload, columns: np.ndarray) -> Caseload | None:
    """The prepared caseload of the households ``columns`` only; ``None`` if some per-household
    array does not have the caseload's households along its first axis."""
    a = {}
    for k, v in cl.a.items():
        if not isinstance(v, np.ndarray) or v.ndim < 1 or v.shape[0] != cl.n:
            return None
        a[k] = v[columns]
    return Caseload(cl.ids[columns], cl.start, cl.months, cl.dates, a, cl.tab, cl.depends)


@dataclass
class _Base:
    months: int
    n: int
    data: dict  # field -> baseline records; None for a field that is all zeros (staff time, pooled funds)
    shared: np.ndarray | None = None  # shared in some month of the baseline path (after prepare)
    u_id: np.ndarray | None = None  # each household's identification draw

    def field(self, k: str) -> np.ndarray:
        v = self.data[k]
        return np.zeros((self.months, self.n), dtype=RECORD_FIELDS[k]) if v is None else v

    def records(self) -> Records:
        r = Records(self.months, self.n)
        r.data = {k: self.field(k).copy() for k in RECORD_FIELDS}
        return r


class SubsetRunner:
    """Baseline runs kept per seed, and scenario runs that step only the reached households.

    ``baseline(seed)`` runs (and keeps) the baseline; ``prepare(seed)`` makes the one extra run
    the short cut needs; ``run(levers, seed)`` gives a scenario's records (the short cut once
    prepared, the full run before). ``measures(scenario, seeds, households)`` is
    :func:`linkages.outcomes.run_measures` for these runs.
    """

    def __init__(self, cl: Caseload, params: ModelParams):
        self.cl, self.params = cl, params
        self.off = validate_levers({})
        self._base: dict[int, _Base] = {}
        self.last_reached = float("nan")  # share of households the last run stepped

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for b in self._base.values() for v in b.data.values() if v is not None)

    def baseline(self, seed: int) -> Records:
        """The baseline's records for ``seed`` (run once, then kept)."""
        if seed not in self._base:
            rec = run_vectorised(self.cl, self.off, self.params, seed)
            data = {k: (None if k in ("staff_hours", "pooled_cost") and not rec[k].any() else rec[k])
                    for k in RECORD_FIELDS}
            self._base[seed] = _Base(rec.months, rec.n, data)
            return rec
        return self._base[seed].records()

    def prepared(self, seed: int) -> bool:
        b = self._base.get(seed)
        return b is not None and b.shared is not None

    def prepare(self, seed: int) -> bool:
        """One baseline run with every shared family marked identified: who is shared when.
        Returns whether the short cut can be taken for ``seed``."""
        if seed not in self._base:
            self.baseline(seed)
        b = self._base[seed]
        if b.shared is not None:
            return True
        forced = run_vectorised(self.cl, self.off, self.params, seed, force_identified=np.ones(self.cl.n, dtype=bool))
        # with every practice off, the mark must change nothing else
        if all(np.array_equal(forced[k], b.field(k)) for k in RECORD_FIELDS if k != "identified"):
            b.shared = forced["identified"][-1].copy()
            b.u_id = Draws(seed, self.cl.n).init[_ID_ROW].copy()
            return True
        b.shared = np.ones(self.cl.n, dtype=bool)  # a check failed: reach everyone (the full run)
        b.u_id = np.zeros(self.cl.n)
        return False

    def reached(self, levers: dict, seed: int) -> np.ndarray | None:
        """Indices of the households the scenario ``levers`` reaches in run ``seed`` (``None``
        before :meth:`prepare`)."""
        b = self._base.get(seed)
        if b is None or b.shared is None:
            return None
        p_id = LeverValues.make(validate_levers(levers), self.params).p_id
        return np.flatnonzero(b.shared & (b.u_id < p_id))

    def run(self, levers: dict, seed: int) -> Records:
        """The scenario's records for ``seed``: equal to ``run_vectorised`` on the whole caseload."""
        levers = validate_levers(levers)
        if not any(v > 0 for v in levers.values()):
            self.last_reached = 0.0
            return self.baseline(seed)
        self.baseline(seed)
        idx = self.reached(levers, seed)
        sub = subset_caseload(self.cl, idx) if idx is not None and idx.size else None
        if idx is None or (idx.size and sub is None) or idx.size == self.cl.n:
            self.last_reached = 1.0
            return run_vectorised(self.cl, levers, self.params, seed)
        self.last_reached = idx.size / max(self.cl.n, 1)
        base = self._base[seed]
        if not idx.size:
            return base.records()
        part = run_vectorised(sub, levers, self.params, seed, draws=ColumnDraws(seed, self.cl.n, idx))
        out = Records(base.months, base.n)
        for k in RECORD_FIELDS:
            m = base.field(k).copy()
            m[:, idx] = part[k]
            out.data[k] = m
        return out

    def measures(self, scenario: Scenario, seeds: Sequence[int], households: pd.DataFrame) -> pd.DataFrame:
        """Every measure of ``scenario`` (one row per seed), as :func:`linkages.outcomes.run_measures`
        gives it for the same households, seeds and caseload."""
        cl = self.cl
        if scenario.params or scenario.months != cl.months:
            raise ValueError("SubsetRunner runs the scenario's months on the caseload's own parameters only.")
        dates = [pd.Timestamp(d).date() for d in pd.date_range(cl.start, periods=scenario.months, freq="MS")]
        clock0 = households["clock_months_used"].fillna(0).to_numpy(dtype=np.int64)
        rows = []
        for s in seeds:
            rec = self.run(scenario.levers, s)
            rows.append(measures(Result(scenario, cl.start, dates, cl.ids, rec, self.params, "vectorised", cl, clock0)))
        return pd.DataFrame(rows)

    def forget(self) -> None:
        """Drop every kept baseline run (memory)."""
        self._base.clear()
