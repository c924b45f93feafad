"""Scenario runs that step only the households a scenario can reach — the same records as a full run.

Under common random numbers a household's path depends only on its own random numbers
(:mod:`linkages.simulate.engine`), and a Linkages practice acts only on a family identified as
shared. A household a scenario never identifies therefore follows *exactly* its baseline path. A
family is identified in a month it is shared (open in CalWORKs and in child welfare) when its
identification draw is below the scenario's identification rate — at most the larger of the
chance rate and the data-match rate, whatever the strengths; until then its path is its baseline
path. So no scenario can reach a household outside

    the households shared in some month of their baseline path
    whose identification draw is below the highest identification rate,

and every household outside that group ("out of reach") has its baseline records in every
scenario. "Shared in some month of the baseline path" comes from one more baseline run per seed
in which every shared family is marked identified (``force_identified``): with every practice
off, being identified changes nothing else — :meth:`SubsetRunner.prepare` checks that this run's
records equal the baseline's, and takes no short cut for a seed where they do not. A scenario
run then steps only the group within reach, on its own columns of the very same random numbers
(:class:`ColumnDraws`), and takes the out-of-reach households' records from the kept baseline.

Only the public engine interface is used (:func:`~linkages.simulate.engine.run_vectorised` with
``draws`` and ``force_identified``, :class:`~linkages.simulate.engine.Draws`,
:class:`~linkages.simulate.engine.LeverValues`, :class:`~linkages.simulate.Caseload`);
``tests/test_county_app.py`` holds the records and the measures equal to a full run's for several
settings, and :meth:`SubsetRunner.run` runs the whole caseload whenever the short cut is not
prepared or its check failed.
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
class _Kept:
    within: np.ndarray  # households some scenario can reach (stepped in every scenario run)
    out: np.ndarray  # households out of reach (their baseline records, kept)
    data: dict  # field -> baseline records of the out-of-reach households; None: all zeros
    top: float  # the highest identification rate


class SubsetRunner:
    """Scenario runs on one prepared caseload: ``prepare(seed)`` (two baseline runs) keeps what the
    short cut needs for that seed; ``run(levers, seed)`` gives a scenario's records — stepping
    only the households within reach once prepared, the whole caseload before.
    ``measures(scenario, seeds, households)`` is :func:`linkages.outcomes.run_measures` for these runs.
    """

    def __init__(self, cl: Caseload, params: ModelParams):
        self.cl, self.params = cl, params
        self.off = validate_levers({})
        self._kept: dict[int, _Kept | None] = {}  # None: prepared, but the check failed
        self.last_reached = float("nan")  # share of households the last run stepped

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for k in self._kept.values() if k for v in k.data.values() if v is not None)

    def prepared(self, seed: int) -> bool:
        return seed in self._kept

    def prepare(self, seed: int) -> bool:
        """Who is within reach in run ``seed``, and the others' baseline records. Returns whether
        the short cut can be taken for ``seed``."""
        if seed in self._kept:
            return self._kept[seed] is not None
        cl, P = self.cl, self.params
        base = run_vectorised(cl, self.off, P, seed)
        forced = run_vectorised(cl, self.off, P, seed, force_identified=np.ones(cl.n, dtype=bool))
        # with every practice off, the mark must change nothing else
        if not all(np.array_equal(forced[k], base[k]) for k in RECORD_FIELDS if k != "identified"):
            self._kept[seed] = None
            return False
        top = max(LeverValues.make(validate_levers({"identification": s}), P).p_id for s in (0.0, 1.0))
        u_id = Draws(seed, cl.n).init[_ID_ROW]
        within = forced["identified"][-1] & (u_id < top)
        out = np.flatnonzero(~within)
        data = {}
        for k in RECORD_FIELDS:
            v = base[k][:, out]
            data[k] = None if k in ("staff_hours", "pooled_cost") and not v.any() else np.ascontiguousarray(v)
        self._kept[seed] = _Kept(np.flatnonzero(within), out, data, float(top))
        return True

    def run(self, levers: dict, seed: int) -> Records:
        """The scenario's records for ``seed``: equal to ``run_vectorised`` on the whole caseload."""
        levers = validate_levers(levers)
        cl = self.cl
        k = self._kept.get(seed)
        sub = subset_caseload(cl, k.within) if k is not None and k.within.size else None
        if (k is None or (k.within.size and sub is None) or k.within.size == cl.n
                or LeverValues.make(levers, self.params).p_id > k.top):
            self.last_reached = 1.0
            return run_vectorised(cl, levers, self.params, seed)
        self.last_reached = k.within.size / max(cl.n, 1)
        part = (run_vectorised(sub, levers, self.params, seed, draws=ColumnDraws(seed, cl.n, k.within))
                if sub is not None else None)
        rec = Records(cl.months, cl.n)
        for f, dtype in RECORD_FIELDS.items():
            m = np.empty((cl.months, cl.n), dtype=dtype)
            kept = k.data[f]
            m[:, k.out] = 0 if kept is None else kept
            if part is not None:
                m[:, k.within] = part[f]
            rec.data[f] = m
        return rec

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
        """Drop everything kept (memory)."""
        self._kept.clear()
