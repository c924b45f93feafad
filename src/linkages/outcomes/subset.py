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
(:class:`KeptDraws`), and takes the out-of-reach households' part from the kept baseline.

Only the public engine interface is used (:func:`~linkages.simulate.engine.run_vectorised` with
``draws`` and ``force_identified``, :class:`~linkages.simulate.engine.Draws`,
:class:`~linkages.simulate.engine.LeverValues`, :class:`~linkages.simulate.Caseload`).

What is kept per seed: the households within reach, their random numbers (drawn once, exactly as
the engine draws them for the whole caseload), and the out-of-reach households' baseline totals
(:func:`linkages.outcomes.measures.household_totals`, a few numbers per household). Every measure
is a ratio or a multiple of sums of those per-household totals, so :meth:`SubsetRunner.measures`
steps the households within reach of all the seeds asked for *in one run* (their columns side by
side: no household's path depends on another's), puts each seed's totals beside the kept ones and
sums them — the very numbers :func:`linkages.outcomes.run_measures` gives for full runs.
:meth:`SubsetRunner.run` gives the records themselves (a baseline run with the reached columns
written over), for the tests; ``tests/test_county_app.py`` holds the records and the measures equal
to a full run's for several settings, and both fall back to full runs whenever the short cut is
not prepared or its check failed.
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
from .measures import from_totals, household_totals

__all__ = ["SubsetRunner", "KeptDraws", "subset_caseload"]

_ID_ROW = INIT_COLUMNS.index("identification")


class KeptDraws(Draws):
    """Random numbers drawn before, handed out month by month: ``init`` ``[3, households]`` and
    ``months`` ``[months, 8, households]``, or several such blocks side by side (``parts``)."""

    def __init__(self, parts: Sequence[tuple[np.ndarray, np.ndarray]]):
        self.parts = list(parts)
        self.init = self.parts[0][0] if len(self.parts) == 1 else np.concatenate([p[0] for p in self.parts], axis=1)
        self.n = self.init.shape[1]
        self._t = 0

    def month(self, t: int) -> np.ndarray:
        if t != self._t:
            raise RuntimeError("Draws must be taken month by month, in order.")
        self._t += 1
        if len(self.parts) == 1:
            return self.parts[0][1][t]
        return np.concatenate([p[1][t] for p in self.parts], axis=1)


def subset_caseload(cl: Caseload, columns: np.ndarray) -> Caseload | None:
    """The prepared caseload of the households ``columns`` only (a household may appear more than
    once); ``None`` if some per-household array does not have the caseload's households along its
    first axis."""
    a = {}
    for k, v in cl.a.items():
        if not isinstance(v, np.ndarray) or v.ndim < 1 or v.shape[0] != cl.n:
            return None
        a[k] = v[columns]
    return Caseload(cl.ids[columns], cl.start, cl.months, cl.dates, a, cl.tab, cl.depends)


@dataclass
class _Kept:
    within: np.ndarray  # households some scenario can reach (stepped in every scenario run)
    out: np.ndarray  # households out of reach (their baseline totals, kept)
    totals: dict  # total -> the out-of-reach households' baseline totals
    init: np.ndarray  # the households within reach: their first draws [3, within]
    months: np.ndarray  # ... and their monthly draws [months, 8, within]
    top: float  # the highest identification rate


class SubsetRunner:
    """Scenario runs on one prepared caseload: ``prepare(seed)`` (two baseline runs) keeps what the
    short cut needs for that seed; ``measures(scenario, seeds, households)`` is
    :func:`linkages.outcomes.run_measures` for these runs — stepping only the households within
    reach once prepared, the whole caseload before. ``run(levers, seed)`` gives one run's records.
    """

    def __init__(self, cl: Caseload, params: ModelParams):
        self.cl, self.params = cl, params
        self.off = validate_levers({})
        self._kept: dict[int, _Kept | None] = {}  # None: prepared, but the check failed
        self._stacks: dict[tuple, Caseload | None] = {}  # seeds -> their households within reach, side by side
        self.last_reached = float("nan")  # share of households the last run stepped

    @property
    def nbytes(self) -> int:
        kept = sum(k.init.nbytes + k.months.nbytes + sum(v.nbytes for v in k.totals.values())
                   for k in self._kept.values() if k)
        stacks = sum(v.nbytes for c in self._stacks.values() if c for v in c.a.values())
        return kept + stacks

    def prepared(self, seed: int) -> bool:
        return seed in self._kept

    def _result(self, rec: Records, cl: Caseload | None = None) -> Result:
        """A run's records as a :class:`~linkages.simulate.run.Result` (the clock months at the
        start are the caseload's own, as :func:`~linkages.simulate.run.simulate` takes them)."""
        cl = cl or self.cl
        clock0 = np.asarray(cl.a["clock0"], dtype=np.int64)
        return Result(Scenario(), cl.start, list(cl.dates), cl.ids, rec, self.params, "vectorised", cl, clock0)

    def prepare(self, seed: int) -> bool:
        """Who is within reach in run ``seed``, their random numbers and the others' baseline
        totals. Returns whether the short cut can be taken for ``seed``."""
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
        draws = Draws(seed, cl.n)
        within = np.flatnonzero(forced["identified"][-1] & (draws.init[_ID_ROW] < top))
        out = np.setdiff1d(np.arange(cl.n), within)
        totals = household_totals(self._result(base))
        months = np.stack([draws.month(t)[:, within] for t in range(cl.months)])
        self._kept[seed] = _Kept(within, out, {k: v[out] for k, v in totals.items()},
                                 np.ascontiguousarray(draws.init[:, within]), months, float(top))
        return True

    def _usable(self, levers: dict, seed: int) -> _Kept | None:
        k = self._kept.get(seed)
        if k is None or LeverValues.make(levers, self.params).p_id > k.top or k.within.size == self.cl.n:
            return None
        return k

    def run(self, levers: dict, seed: int) -> Records:
        """The scenario's records for ``seed``: equal to ``run_vectorised`` on the whole caseload
        (here a baseline run with the reached households' columns written over — for checking the
        short cut; :meth:`measures` needs no records of the others)."""
        levers = validate_levers(levers)
        cl = self.cl
        k = self._usable(levers, seed)
        sub = subset_caseload(cl, k.within) if k is not None and k.within.size else None
        if k is None or (k.within.size and sub is None):
            self.last_reached = 1.0
            return run_vectorised(cl, levers, self.params, seed)
        rec = run_vectorised(cl, self.off, self.params, seed)  # out of reach: the baseline's records
        self.last_reached = k.within.size / max(cl.n, 1)
        if sub is not None:
            part = run_vectorised(sub, levers, self.params, seed, draws=KeptDraws([(k.init, k.months)]))
            for f in RECORD_FIELDS:
                rec.data[f][:, k.within] = part[f]
        return rec

    def _stack(self, seeds: tuple) -> Caseload | None:
        """The households within reach in each of ``seeds``, side by side, as one caseload (kept)."""
        if seeds not in self._stacks:
            while len(self._stacks) >= 4:
                self._stacks.pop(next(iter(self._stacks)))
            cols = np.concatenate([self._kept[s].within for s in seeds])
            self._stacks[seeds] = subset_caseload(self.cl, cols) if cols.size else None
        return self._stacks[seeds]

    def measures(self, scenario: Scenario, seeds: Sequence[int], households: pd.DataFrame) -> pd.DataFrame:
        """Every measure of ``scenario`` (one row per seed), as :func:`linkages.outcomes.run_measures`
        gives it for the same households, seeds and caseload."""
        cl, P = self.cl, self.params
        if scenario.params or scenario.months != cl.months:
            raise ValueError("SubsetRunner runs the scenario's months on the caseload's own parameters only.")
        levers = validate_levers(scenario.levers)
        if len(households) != cl.n:
            raise ValueError(f"These {len(households):,} households are not the caseload's {cl.n:,}.")
        short = tuple(s for s in seeds if self._usable(levers, s) is not None and self._kept[s].within.size)
        stack = self._stack(short) if short else None
        if short and stack is None:
            short = ()
        rows: dict[int, dict] = {}
        if short:
            ks = [self._kept[s] for s in short]
            rec = run_vectorised(stack, levers, P, short[0], draws=KeptDraws([(k.init, k.months) for k in ks]))
            part = household_totals(self._result(rec, stack))
            at = 0
            for s, k in zip(short, ks):
                w = k.within.size
                tot = {}
                for name, kept in k.totals.items():
                    v = np.empty(cl.n, dtype=kept.dtype)
                    v[k.out] = kept
                    v[k.within] = part[name][at:at + w]
                    tot[name] = v
                rows[s] = from_totals(tot, P)
                at += w
            self.last_reached = sum(k.within.size for k in ks) / max(cl.n * len(ks), 1)
        for s in seeds:
            if s not in rows:
                rec = run_vectorised(cl, levers, P, s)
                rows[s] = from_totals(household_totals(self._result(rec)), P)
                self.last_reached = 1.0
        return pd.DataFrame([rows[s] for s in seeds])

    def forget(self) -> None:
        """Drop everything kept (memory)."""
        self._kept.clear()
        self._stacks.clear()
