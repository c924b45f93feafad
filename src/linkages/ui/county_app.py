"""County caseload what-if (served by Voilà from ``simulators/county_whatif.ipynb``).

Choose statewide (the kit's 10,000 synthetic households) or a county (its households in that
caseload, or — when you ask for more than it has — a county-sized caseload drawn by the seeded
generator), and a caseload size. Switch each Linkages practice (lever) on or off and set its
strength. See baseline and scenario side by side with intervals, the cost view, each practice's
share of the difference, and — on a button press — how the result moves when each assumption is
halved or doubled. Every model result is labelled a teaching illustration, not a forecast; the
parameters behind it are listed with their status (sourced | assumption).

Speed: the baseline runs once per caseload and is kept; each lever setting's runs are kept too
(going back is instant). The number of paired replicate runs is chosen from the caseload size
(:func:`replicates_for`) so a 10,000-household update stays within half a second. A scenario run
steps only the households it can reach and takes the others' totals from the baseline — the
same numbers as full runs, bit for bit; the paired runs of one update are stepped together, as
one run of their reachable households side by side (:mod:`linkages.outcomes.subset`). The numbers come
first; the figures (the outcomes chart updated in place, not rebuilt), the attribution and the
downloads follow in steps the kernel interleaves with the next control change
(:class:`linkages.ui.export.Later`). Sliders report on release (``continuous_update=False``).

Intervals are the lowest and highest of the paired runs (``interval="range"``) and are called
that everywhere: table headers, CSV columns, sentences, figures and the summary page.

No callback lets a traceback reach the page: bad input gets a sentence beside its control and
nothing else the visitor set is lost.
"""

from __future__ import annotations

import html
import logging
import re
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from linkages.ui import export as X

__all__ = ["app", "build_app", "WhatIf", "Chosen", "SizeError", "StrengthError", "parse_size", "parse_strength",
           "replicates_for", "numbers_table", "cost_table", "summary_sentences", "cost_figure",
           "assumptions_table", "statewide", "caseload_for", "default_size", "areas", "MONTHS", "SEED",
           "MIN_SIZE", "MAX_SIZE", "STATEWIDE", "ATTRIBUTION_MEASURES", "sensitivity_parameters", "INTERVAL",
           "value_columns", "federal_standards", "accessible_names", "accessible_names_js", "DOWNLOADS_PENDING",
           "EXTRA_MEASURES"]

log = logging.getLogger(__name__)

MONTHS = 24
SEED = 2025
MIN_SIZE, MAX_SIZE = 50, 10_000
STATEWIDE = "Statewide"
#: Household-runs one update may spend (10,000 households → 3 paired runs, about 0.25 s on an
#: idle core; 1,000 → 20). Baseline and scenario share their random numbers, so the interval of
#: the difference stays narrow even with three runs.
RUN_BUDGET = 30_000
MIN_REPLICATES, MAX_REPLICATES = 3, 20
#: Household-runs the attribution may spend (leave-one-out: one run set per active practice).
ATTRIBUTION_BUDGET = 80_000
SENSITIVITY_BUDGET = 20_000
#: Intervals over the paired runs: the lowest and highest run (see linkages.outcomes.interval_label).
INTERVAL = "range"
SCENARIO_NAME = "this scenario"
#: What the sensitivity leaves alone, said wherever it is shown.
NOT_VARIED = ("The synthetic population's make-up is not varied; for the linked case plan and family-reunification "
              "aid the strength is the effect, so move their strengths instead.")
BASELINE_NAME = "baseline (no practices)"

ATTRIBUTION_MEASURES = ("foster_care_months", "removals_in_home", "permanency_12", "reentry_12",
                        "months_sanctioned", "work_participation_rate")
COST_MEASURES = ("foster_care_months", "foster_care_cost", "grant_dollars", "staff_hours", "coordination_cost",
                 "public_cost")
#: Baseline assumptions the sensitivity always varies (the lever effects of the active
#: practices are added to them).
SENSITIVITY_BASE = ("identification.chance_share", "identification.data_match_share", "cws.reunification_monthly",
                    "cws.reentry_monthly", "cws.fm_removal_monthly", "cws.income_loss_rr_per_100_usd",
                    "cws.sanction_rr", "cws.unmet_plan_removal_rr", "participation.base_probability",
                    "participation.overload_slope", "participation.double_booking_penalty", "capacity.base_hours",
                    "sanction.window_resolution_share", "sanction.good_cause_share")


class SizeError(ValueError):
    """A caseload size the what-if cannot use (the message is the sentence to show)."""


class StrengthError(ValueError):
    """A lever strength outside its range (the message is the sentence to show)."""


# --- inputs ---------------------------------------------------------------------------------

def parse_size(text) -> int:
    """"10,000" → 10000. Raises :class:`SizeError` with a sentence for text, 0 and out of range."""
    raw = str(text if text is not None else "").strip().replace(",", "").replace("_", "").replace(" ", "")
    if not raw:
        raise SizeError(f"Type a number of households from {MIN_SIZE:,} to {MAX_SIZE:,}.")
    if not re.fullmatch(r"[+-]?\d+(\.0*)?", raw):
        shown = str(text).strip()[:20]
        raise SizeError(f"'{shown}' is not a number of households: type a whole number from {MIN_SIZE:,} to "
                        f"{MAX_SIZE:,}.")
    n = int(float(raw))
    if n < MIN_SIZE:
        raise SizeError(f"A caseload needs at least {MIN_SIZE:,} households for the rates to mean anything "
                        f"({n:,} given).")
    if n > MAX_SIZE:
        raise SizeError(f"At most {MAX_SIZE:,} households ({n:,} given): that keeps each update under half a second.")
    return n


def parse_strength(text, low: float = 0.0, high: float = 1.0) -> float:
    raw = str(text if text is not None else "").strip().replace(",", ".")
    try:
        v = float(raw)
    except ValueError:
        raise StrengthError(f"'{str(text).strip()[:12]}' is not a strength: type a number from {low:g} to {high:g}.") \
            from None
    if not np.isfinite(v) or not (low <= v <= high):
        raise StrengthError(f"Strength runs from {low:g} to {high:g}; {v:g} is outside it.")
    return v


def replicates_for(n_households: int) -> int:
    """Paired replicate runs per update for a caseload of ``n_households`` (RUN_BUDGET)."""
    return int(max(MIN_REPLICATES, min(MAX_REPLICATES, RUN_BUDGET // max(int(n_households), 1))))


# --- caseloads ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def statewide() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The kit's 10,000-household caseload (households without vignettes, activities), read with
    the checked loader: fast when the files match ``datasets/SHA256SUMS``, else every check
    (:func:`linkages.families.load_checked`)."""
    from linkages.families import load_checked

    pop = load_checked("caseload")
    return pop.households.drop(columns=["vignette"], errors="ignore"), pop.activities


@lru_cache(maxsize=1)
def start_date():
    from linkages.simulate.caseload import infer_start

    return infer_start(statewide()[0])


@lru_cache(maxsize=1)
def areas() -> list[str]:
    from linkages.params import value

    return [STATEWIDE, *value("calworks.counties", start_date())]


@lru_cache(maxsize=128)
def _available(area: str) -> int:
    hh = statewide()[0]
    return len(hh) if area == STATEWIDE else int((hh["county"] == area).sum())


def default_size(area: str) -> int:
    """Statewide: the whole caseload; a county: its households in it (at least 100)."""
    return min(MAX_SIZE, max(_available(area), 100))


@dataclass
class Chosen:
    """A caseload to simulate and the sentence that says where it came from."""

    key: tuple
    households: pd.DataFrame
    activities: pd.DataFrame
    description: str

    @property
    def n(self) -> int:
        return len(self.households)


def caseload_for(area: str, size: int) -> Chosen:
    """The first ``size`` households of the area in the statewide caseload, or, when the area has
    fewer, a ``size``-household caseload drawn for it by the seeded generator."""
    if area not in areas():
        raise SizeError("Choose statewide or a California county from the list.")
    size = parse_size(size)
    hh, acts = statewide()
    if area == STATEWIDE:
        sub = hh.head(size)
        what = ("the kit's synthetic statewide caseload" if size == len(hh)
                else f"the first {size:,} households of the kit's synthetic statewide caseload")
    else:
        inarea = hh[hh["county"] == area]
        if len(inarea) >= size:
            sub = inarea.head(size)
            what = (f"{area} County's households in the kit's synthetic statewide caseload" if size == len(inarea)
                    else f"the first {size:,} of {area} County's {len(inarea):,} households in the synthetic caseload")
        else:
            from linkages.families import generate

            seed = zlib.crc32(area.encode()) % 2**31
            pop = generate(size, seed=seed, id_prefix="GEN")
            sub = pop.households.drop(columns=["vignette"], errors="ignore").copy()
            sub["county"] = area
            gen_acts = pop.activities
            desc = (f"{size:,} synthetic households drawn for {area} County by the kit's seeded generator (seed {seed}; "
                    f"the statewide caseload has {len(inarea):,} there)")
            return Chosen(("generated", area, size), sub.reset_index(drop=True), gen_acts, desc)
    ids = set(sub["household_id"])
    return Chosen((area, size), sub.reset_index(drop=True), acts[acts["household_id"].isin(ids)].reset_index(drop=True),
                  f"{size:,} households: {what}")


# --- the model, cached ----------------------------------------------------------------------

def _levers_key(levers: dict) -> tuple:
    return tuple(sorted((k, round(float(v), 4)) for k, v in levers.items() if float(v) > 0))


@dataclass
class _Entry:
    chosen: Chosen
    prepared: object
    seeds: list
    baseline: pd.DataFrame  # one row per seed
    runs: OrderedDict = field(default_factory=OrderedDict)  # levers key -> DataFrame (rows: seeds[:len])
    runner: object = None  # linkages.outcomes.subset.SubsetRunner: what the short cut keeps per seed

    @property
    def replicates(self) -> int:
        return len(self.seeds)


class WhatIf:
    """Runs and caches: a prepared caseload and its baseline once per caseload, each lever
    setting's runs once (common random numbers: baseline and scenario share their seeds). Only
    the current caseload keeps what the short cut needs (:class:`linkages.outcomes.subset.SubsetRunner`)."""

    def __init__(self, months: int = MONTHS, seed: int = SEED, keep_caseloads: int = 2, keep_runs: int = 96,
                 shortcut: bool = True):
        self.months, self.seed = months, seed
        #: step only the households a scenario can reach (same numbers; keeps, for the current
        #: caseload, their random numbers, their arrays side by side and the others' baseline
        #: totals: about 18 MB for 3 runs of 10,000 households)
        self.shortcut = shortcut
        self.keep_caseloads, self.keep_runs = keep_caseloads, keep_runs
        self._entries: OrderedDict = OrderedDict()
        self._attr: OrderedDict = OrderedDict()
        self._sens: OrderedDict = OrderedDict()

    # scenarios
    def scenario(self, levers: dict):
        from linkages.simulate import Scenario

        return Scenario(levers=dict(levers), months=self.months, seed=self.seed, name=SCENARIO_NAME)

    def baseline_scenario(self, params: dict | None = None):
        from linkages.simulate import Scenario

        return Scenario(levers={}, months=self.months, seed=self.seed, name=BASELINE_NAME, params=dict(params or {}))

    # caseloads
    def _runner(self, e: _Entry):
        """The entry's runner (made again after another caseload took the memory)."""
        if e.runner is None:
            from linkages.outcomes.subset import SubsetRunner
            from linkages.simulate import ModelParams

            for other in self._entries.values():
                if other is not e:
                    other.runner = None
            e.runner = SubsetRunner(e.prepared, ModelParams.load(start_date()))
        return e.runner

    def entry(self, chosen: Chosen) -> _Entry:
        if chosen.key in self._entries:
            self._entries.move_to_end(chosen.key)
            return self._entries[chosen.key]
        from linkages.simulate import ModelParams, prepare, replicate_seeds

        start = start_date()
        prepared = prepare(chosen.households, chosen.activities, start, self.months, ModelParams.load(start))
        seeds = replicate_seeds(self.seed, replicates_for(chosen.n))
        e = _Entry(chosen, prepared, seeds, pd.DataFrame())
        if self.shortcut:
            e.baseline = self._runner(e).measures(self.baseline_scenario(), seeds, chosen.households)
        else:
            from linkages.outcomes import run_measures

            e.baseline, _, _ = run_measures(chosen.households, self.baseline_scenario(), seeds, start=start,
                                            activities=chosen.activities, caseload=prepared, keep_monthly=False)
        self._entries[chosen.key] = e
        while len(self._entries) > self.keep_caseloads:
            self._entries.popitem(last=False)
        return e

    def shortcut_steps(self, chosen: Chosen):
        """One callable per seed not yet prepared for the short cut (the extra baseline run);
        the runs are exact without it, only slower."""
        e = self.entry(chosen)
        if not self.shortcut:
            return
        runner = self._runner(e)
        for s in e.seeds:
            if not runner.prepared(s):
                yield lambda s=s: runner.prepare(s)

    def runs(self, e: _Entry, levers: dict, n: int | None = None, params: dict | None = None) -> pd.DataFrame:
        """Measures of the scenario ``levers`` on the first ``n`` seeds (cached)."""
        from linkages.outcomes import run_measures

        n = e.replicates if n is None else n
        key = _levers_key(levers)
        if not key and not params:
            return e.baseline.iloc[:n]
        ck = (key, tuple(sorted((params or {}).items())))
        hit = e.runs.get(ck)
        if hit is not None and len(hit) >= n:
            e.runs.move_to_end(ck)
            return hit.iloc[:n]
        if not params and self.shortcut:
            df = self._runner(e).measures(self.scenario(levers), e.seeds[:n], e.chosen.households)
        else:
            sc = self.scenario(levers).with_(params=dict(params or {}), name=SCENARIO_NAME)
            df, _, _ = run_measures(e.chosen.households, sc, e.seeds[:n], start=start_date(),
                                    activities=e.chosen.activities, caseload=e.prepared, keep_monthly=False)
        e.runs[ck] = df
        while len(e.runs) > self.keep_runs:
            e.runs.popitem(last=False)
        return df

    def compare(self, chosen: Chosen, levers: dict):
        """Baseline vs scenario as a :class:`linkages.outcomes.Comparison` (paired runs; intervals
        are the lowest and highest run), with the public cost (foster care plus coordination) of
        each run as one more measure."""
        from linkages.outcomes import Comparison

        e = self.entry(chosen)
        b, s = (_with_public_cost(x.reset_index(drop=True)) for x in (e.baseline, self.runs(e, levers)))
        return Comparison(self.baseline_scenario(), self.scenario(levers), list(e.seeds), INTERVAL, b, s, [], [],
                          chosen.n)

    # attribution (leave-one-out, on the first few seeds)
    def attribution_replicates(self, chosen: Chosen, levers: dict) -> int:
        k = max(1, len(_levers_key(levers)))
        return int(max(1, min(replicates_for(chosen.n), ATTRIBUTION_BUDGET // (k * max(chosen.n, 1)))))

    def attribution_steps(self, chosen: Chosen, levers: dict, measures=ATTRIBUTION_MEASURES):
        """Yields one callable per run set; after the last, :meth:`attribution` returns the table."""
        e = self.entry(chosen)
        n = self.attribution_replicates(chosen, levers)
        active = {k: v for k, v in levers.items() if float(v) > 0}
        ck = (chosen.key, _levers_key(levers), n)
        if ck in self._attr or not active:
            return
        for k in active:
            yield lambda k=k: self.runs(e, {x: v for x, v in active.items() if x != k}, n)
        yield lambda: self.attribution(chosen, levers, measures)

    def attribution(self, chosen: Chosen, levers: dict, measures=ATTRIBUTION_MEASURES) -> pd.DataFrame | None:
        """Each active practice's share of the difference (leave-one-out, with an interaction row),
        in the shape :func:`linkages.outcomes.attribution_figure` draws; ``None`` without practices."""
        e = self.entry(chosen)
        active = {k: v for k, v in levers.items() if float(v) > 0}
        if not active:
            return None
        n = self.attribution_replicates(chosen, levers)
        ck = (chosen.key, _levers_key(levers), n)
        if ck in self._attr:
            return self._attr[ck]
        keys = list(measures)
        full = self.runs(e, active, n)[keys].mean()
        none = e.baseline.iloc[:n][keys].mean()
        total = full - none
        contrib = {k: full - self.runs(e, {x: v for x, v in active.items() if x != k}, n)[keys].mean() for k in active}
        contrib["interaction"] = total - sum(contrib.values())
        rows = []
        for m in keys:
            t = float(total[m])
            for k, c in contrib.items():
                rows.append({"measure": m, "lever": k, "contribution": float(c[m]),
                             "share": float(c[m]) / t if t else float("nan"), "total_difference": t,
                             "method": "leave_one_out", "runs_per_set": n})
        df = pd.DataFrame(rows)
        self._attr[ck] = df
        while len(self._attr) > 32:
            self._attr.popitem(last=False)
        return df

    # sensitivity (halve and double each assumption, on the first seed(s))
    def sensitivity_replicates(self, chosen: Chosen) -> int:
        return int(max(1, min(3, SENSITIVITY_BUDGET // max(chosen.n, 1))))

    def sensitivity_steps(self, chosen: Chosen, levers: dict, progress=None):
        """Yields one callable per assumption; the last builds the table (:meth:`sensitivity`)."""
        e = self.entry(chosen)
        names = sensitivity_parameters(levers)
        n = self.sensitivity_replicates(chosen)
        ck = (chosen.key, _levers_key(levers), n)
        if ck in self._sens:
            return
        from linkages.outcomes import scaled_value
        from linkages.simulate import ModelParams

        P = ModelParams.load(start_date())
        rows: dict = {}

        def one(i, name):
            v0 = P[name]
            out = []
            for f in (0.5, 2.0):
                v = scaled_value(name, v0, f)
                # a practice's effect cannot move the baseline, which has no practice
                b = e.baseline.iloc[:n] if name.startswith("levers.") else self.runs(e, {}, n, params={name: v})
                s = self.runs(e, levers, n, params={name: v})
                out.append((v, (s.reset_index(drop=True) - b.reset_index(drop=True)).mean()))
            rows[name] = (v0, out)
            if progress:
                progress(i + 1, len(names))

        for i, name in enumerate(names):
            yield lambda i=i, name=name: one(i, name)

        def finish():
            keys = list(ATTRIBUTION_MEASURES)
            s = self.runs(e, levers, n).reset_index(drop=True)
            b = e.baseline.iloc[:n].reset_index(drop=True)
            d = (s - b)[keys]
            central = d.mean()
            se = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else d.mean() * np.nan
            out = []
            for name, (v0, ((lo_v, lo), (hi_v, hi))) in rows.items():
                for m in keys:
                    out.append({"parameter": name, "status": P.status.get(name, ""), "value": v0, "low_value": lo_v,
                                "high_value": hi_v, "measure": m, "central": float(central[m]),
                                "central_se": float(se[m]), "at_low": float(lo[m]), "at_high": float(hi[m]),
                                "swing": abs(float(hi[m]) - float(lo[m]))})
            self._sens[ck] = pd.DataFrame(out)
            # the runs with overridden parameters are not needed again
            for key in [k for k in e.runs if k[1]]:
                e.runs.pop(key, None)

        yield finish

    def sensitivity(self, chosen: Chosen, levers: dict) -> pd.DataFrame | None:
        return self._sens.get((chosen.key, _levers_key(levers), self.sensitivity_replicates(chosen)))


def sensitivity_parameters(levers: dict) -> list[str]:
    """The assumptions the tornado varies: key baseline ones and the effects of the active
    practices (not the staff-time and cost assumptions: they move only the cost measures, in
    proportion, and the tornado's measures are outcomes)."""
    from linkages.simulate import ModelParams

    P = ModelParams.load(start_date())
    assumptions = set(P.assumptions())
    names = [n for n in SENSITIVITY_BASE if n in assumptions]
    for lv, v in levers.items():
        if float(v) > 0:
            names += [n for n in sorted(assumptions) if n.startswith(f"levers.{lv}.")
                      and not n.endswith(("staff_hours_per_family_month", "cost_per_family_month_usd"))]
    return list(dict.fromkeys(names))


# --- tables and sentences -------------------------------------------------------------------

def _decimals(key: str, unit: str, values) -> int:
    from linkages.outcomes import MEASURES

    m = MEASURES.get(key)
    if (m and m.percent) or unit in ("hours per week", "per week"):
        return 1
    if unit == "USD":
        return 0
    big = max((abs(float(v)) for v in values if v == v), default=0.0)
    return 0 if big >= 100 else 1


#: Measures the what-if adds to the model's (key: title, unit, better).
EXTRA_MEASURES = {"public_cost": ("Public cost: foster care and coordination", "USD", "")}
#: Column suffixes of an interval's two ends, by interval kind (the CSV says what they are).
BOUND_SUFFIXES = {"range": ("_lowest_run", "_highest_run"), "percentile": ("_percentile_2_5", "_percentile_97_5"),
                  "t": ("_ci95_low", "_ci95_high")}
GROUPS = ("baseline", "scenario", "difference")


def _with_public_cost(runs: pd.DataFrame) -> pd.DataFrame:
    if {"foster_care_cost", "coordination_cost"} <= set(runs.columns):
        return runs.assign(public_cost=runs["foster_care_cost"] + runs["coordination_cost"])
    return runs


def value_columns(kind: str = INTERVAL) -> list[str]:
    """The numbers table's value columns: mean, low and high of baseline, scenario, difference."""
    lo, hi = BOUND_SUFFIXES[kind]
    return [g + x for g in GROUPS for x in ("", lo, hi)]


def numbers_table(comparison) -> pd.DataFrame:
    """The comparison as shown on screen and saved as CSV: one row per measure, baseline,
    scenario and difference, each the mean of the paired runs with the interval's two ends
    (columns named for what they are: ``baseline_lowest_run``…), rounded as displayed (shares
    in %). ``attrs`` holds the interval kind and the number of runs."""
    from linkages.outcomes import MEASURES

    t = comparison.table
    lo_s, hi_s = BOUND_SUFFIXES[comparison.interval]
    runs = comparison.runs
    rows = []
    for key, r in t.iterrows():
        m = MEASURES.get(key)
        pct = bool(m and m.percent)
        f = 100.0 if pct else 1.0
        title, unit0, better = (m.title, m.unit, m.better) if m else EXTRA_MEASURES.get(key, (r["measure"], r["unit"], r["better"]))
        unit = "% (" + unit0 + ")" if pct else unit0
        vals = {}
        for g in GROUPS:
            vals[g], vals[g + lo_s], vals[g + hi_s] = (float(r[g + x]) * f for x in ("", "_low", "_high"))
        d = _decimals(key, unit0, [vals["baseline"], vals["scenario"]])
        row = {"key": key, "measure": title, "unit": unit, "paired_runs": runs}
        row.update({c: (round(v, d) + 0.0 if v == v else float("nan")) for c, v in vals.items()})
        row["better"] = better
        row["decimals"] = d
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update(interval=comparison.interval, runs=runs)
    return out


def _bounds(numbers: pd.DataFrame) -> tuple[str, str]:
    kind = numbers.attrs.get("interval", INTERVAL)
    return BOUND_SUFFIXES[kind]


def _interval_words(numbers: pd.DataFrame) -> str:
    from linkages.outcomes import interval_label

    runs = int(numbers.attrs.get("runs", numbers["paired_runs"].iloc[0] if len(numbers) else 0))
    return interval_label(numbers.attrs.get("interval", INTERVAL), runs)


def cost_table(numbers: pd.DataFrame) -> pd.DataFrame:
    out = numbers[numbers["key"].isin(COST_MEASURES)].reset_index(drop=True)
    out.attrs.update(numbers.attrs)
    return out


def _fmt(v: float, d: int, sign: bool = False) -> str:
    if v != v:
        return "n/a"
    v = round(float(v), d) + 0.0  # never "−0.0"
    s = f"{v:+,.{d}f}" if sign else f"{v:,.{d}f}"
    return s.replace("-", "−")


def _money(v: float) -> str:
    a = abs(v)
    if a >= 1e6:
        return f"${a / 1e6:,.1f} million"
    return f"${a:,.0f}"


def _bar_money(v: float) -> str:
    sign = "−" if v < 0 else "+"
    a = abs(v)
    return f"{sign}${a / 1e6:,.1f} M" if a >= 1e5 else f"{sign}${a / 1e3:,.0f} K"


def _signed_money(v: float) -> str:
    return ("minus " if v < 0 else "") + _money(v)


def _practice_names(levers: dict) -> list[str]:
    from linkages.simulate import LEVERS

    out = []
    for k, v in levers.items():
        if float(v) > 0:
            t = LEVERS[k].title.lower()
            t = t.replace("joint case conference / liaison", "joint case conferences").replace("co-location", "co-location")
            out.append(t if float(v) >= 1 else f"{t} (strength {float(v):.2f})")
    return out


def _list(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def summary_sentences(numbers: pd.DataFrame, levers: dict, chosen_description: str, replicates: int,
                      months: int = MONTHS) -> list[str]:
    """Plain-language sentences from the table on screen (the same rounded numbers)."""
    by = numbers.set_index("key")
    lo_s, hi_s = _bounds(numbers)
    names = _practice_names(levers)
    out = [f"{chosen_description[0].upper()}{chosen_description[1:]}; {months} months; {replicates} paired runs "
           "(baseline and scenario on the same random numbers)."]
    if not names:
        out.append("No practice is switched on, so both columns are the same caseload on the same random numbers: "
                   "switch a practice on to see what changes.")
        return out
    if len(names) == 8 and all(float(v) >= 1 for v in levers.values()):
        out.append("With every Linkages practice in place at full strength:")
    else:
        out.append(f"With {_list(names)}:")

    def change(key, noun, down="fall", up="rise"):
        if key not in by.index:
            return None
        r = by.loc[key]
        d, dec = float(r["difference"]), int(r["decimals"])
        if d != d or round(abs(d), dec) == 0:
            return f"{noun} stay about the same"
        base = float(r["baseline"])
        rel = f" ({abs(d) / base * 100:.0f}%)" if base and "%" not in str(r["unit"]) else ""
        unit = " points" if "%" in str(r["unit"]) else ""
        noise = ", within run-to-run noise" if float(r["difference" + lo_s]) <= 0 <= float(r["difference" + hi_s]) else ""
        return f"{noun} {down if d < 0 else up} by {_fmt(abs(d), dec)}{unit}{rel}{noise}"

    parts = [p for p in (change("foster_care_months", "foster care child-months"),
                         change("removals_in_home", "removals from in-home cases"),
                         change("months_sanctioned", "months sanctioned")) if p]
    if parts:
        out.append(_list(parts).capitalize() + f" over {months} months.")
    if "permanency_12" in by.index and "reentry_12" in by.index:
        p, r = by.loc["permanency_12"], by.loc["reentry_12"]
        perm_std, reentry_std = federal_standards()
        out.append(f"Permanency within 12 months of entry goes from {_fmt(p['baseline'], 1)}% to "
                   f"{_fmt(p['scenario'], 1)}% (federal standard: {perm_std} or more); re-entry within 12 months from "
                   f"{_fmt(r['baseline'], 1)}% to {_fmt(r['scenario'], 1)}% (standard: {reentry_std} or less).")
    if all(k in by.index for k in ("staff_hours", "coordination_cost", "foster_care_cost", "grant_dollars")):
        sh, cc, fc, gd = (by.loc[k] for k in ("staff_hours", "coordination_cost", "foster_care_cost", "grant_dollars"))
        net = float(fc["difference"]) + float(cc["difference"])
        out.append(f"Coordination takes {_fmt(sh['difference'], 0)} more staff hours ({_money(cc['difference'])} "
                   f"with pooled-fund services); foster care costs {_money(fc['difference'])} "
                   f"{'less' if fc['difference'] < 0 else 'more'}, so together the public cost is "
                   f"{_money(net)} {'lower' if net < 0 else 'higher'}. Cash grants to families are "
                   f"{_money(gd['difference'])} {'higher' if gd['difference'] >= 0 else 'lower'} "
                   "(fewer sanctions, aid kept while children are in care).")
    out.append(f"Each range is the {_interval_words(numbers)} (each run: baseline and scenario on the same random "
               "numbers); a difference whose range crosses zero is within run-to-run noise. The practices' effects "
               "are assumptions.")
    return out


def federal_standards(on=None) -> tuple[str, str]:
    """The CFSR Round 3 national standards the sentences quote, from the parameters
    (``federal.cfsr3_permanency_12_months``, ``federal.cfsr3_reentry_12_months``): ``("40.5%", "8.3%")``."""
    from linkages.params import value

    on = on or start_date()
    return tuple(f"{100 * float(value(n, on)):.1f}%" for n in ("federal.cfsr3_permanency_12_months",
                                                                  "federal.cfsr3_reentry_12_months"))


def assumptions_table() -> pd.DataFrame:
    """Every model parameter with its value, status (sourced | assumption) and first source."""
    from linkages.simulate import ModelParams

    P = ModelParams.load(start_date())
    rows = []
    for name in sorted(P.values, key=lambda n: (not n.startswith("levers."), n)):
        v = P.values[name]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or name.startswith("calibration."):
            continue
        rows.append({"parameter": f"model.{name}", "value": v, "status": P.status.get(name, ""),
                     "source": ModelParams.source(name, start_date()) or ""})
    return pd.DataFrame(rows)


# --- figures --------------------------------------------------------------------------------

def cost_figure(numbers: pd.DataFrame):
    """Scenario minus baseline in dollars: foster care cost, coordination cost, the two together,
    and cash grants to families, each with its range over the runs."""
    from matplotlib.figure import Figure

    from linkages.plans.calendar import OKABE_ITO

    by = numbers.set_index("key")
    lo_s, hi_s = _bounds(numbers)
    fc, cc, gd = (by.loc[k] for k in ("foster_care_cost", "coordination_cost", "grant_dollars"))
    if "public_cost" in by.index:  # the range of the per-run sums, not the sum of the ranges
        pc = by.loc["public_cost"]
        net, net_lo, net_hi = (float(pc["difference" + x]) for x in ("", lo_s, hi_s))
    else:
        net = float(fc["difference"]) + float(cc["difference"])
        net_lo = net_hi = net
    items = [("Foster care cost", fc["difference"], fc["difference" + lo_s], fc["difference" + hi_s],
              OKABE_ITO["bluish_green"], ""),
             ("Coordination cost\n(staff time, pooled funds)", cc["difference"], cc["difference" + lo_s],
              cc["difference" + hi_s], OKABE_ITO["orange"], "//"),
             ("Public cost, together", net, net_lo, net_hi, OKABE_ITO["blue"], ".."),
             ("Cash grants to families", gd["difference"], gd["difference" + lo_s], gd["difference" + hi_s],
              OKABE_ITO["sky_blue"], "\\\\")]
    words = _interval_words(numbers)
    fig = Figure(figsize=(8.5, 3.2))
    ax = fig.subplots()
    y = np.arange(len(items))[::-1]
    scale = 1e6
    for yi, (lab, v, lo, hi, c, h) in zip(y, items):
        ax.barh(yi, float(v) / scale, color=c, edgecolor="black", hatch=h, height=0.6)
        ax.plot([float(lo) / scale, float(hi) / scale], [yi, yi], color="black", linewidth=1.5)
        ax.text(float(v) / scale, yi + 0.34, _bar_money(float(v)), fontsize=8, ha="center", va="bottom")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [i[0] for i in items], fontsize=8)
    ax.set_xlabel(f"scenario minus baseline over {MONTHS} months (million $); bar = mean, line = {words}", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.6, len(items) - 0.2)
    if net < 0:
        title = f"Foster care savings outweigh the cost of coordinating: public cost {_money(net)} lower"
    elif float(cc["difference"]) > 0:
        title = f"Coordination costs more than it saves in foster care here: public cost {_money(net)} higher"
    else:
        title = "No change in public cost"
    ax.set_title(title, fontsize=10)
    fig.subplots_adjust(left=0.27, right=0.97, top=0.86, bottom=0.17)
    alt = (f"Bar chart of cost differences, scenario minus baseline, over {MONTHS} months: each bar the mean, each "
           f"line the {words}. {title}. "
           + "; ".join(f"{i[0].splitlines()[0]}: {'minus' if i[1] < 0 else 'plus'} {_money(float(i[1]))} "
                       f"({_signed_money(float(i[2]))} to {_signed_money(float(i[3]))})" for i in items) + ".")
    return fig, alt


def _render(name: str, fig_alt: tuple) -> X.Rendered:
    """A figure as a small palette PNG at screen resolution (:func:`linkages.outcomes.light_png`),
    with its alt text and title; a pyplot figure is closed afterwards."""
    from linkages.outcomes import light_png

    fig, alt = fig_alt
    try:
        title = fig.axes[0].get_title() if fig.axes else ""
        return X.Rendered(name, light_png(fig, X.SCREEN_DPI), alt, title)
    finally:
        try:
            import matplotlib.pyplot as plt

            plt.close(fig)
        except Exception:  # noqa: BLE001 - a figure made without pyplot needs no closing
            pass


def _empty_figure(text: str, name: str) -> X.Rendered:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 1.0))
    fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=10)
    return _render(name, (fig, text))


# --- the page -------------------------------------------------------------------------------

DOWNLOADS_PENDING = X.pending_links("setting")


def accessible_names() -> dict[str, tuple[str, str]]:
    """Each strength control's accessible name, by its CSS class: ``{"lk-strength-linked_plan":
    ("slider", "Strength of linked case plan"), "lk-strength-text-linked_plan": ("textbox",
    "Strength of linked case plan, typed (0 to 1)")}``."""
    from linkages.outcomes import practice_name
    from linkages.simulate import LEVERS

    out = {}
    for name, lv in LEVERS.items():
        label = f"Strength of {practice_name(name)}"
        out[f"lk-strength-{name}"] = ("slider", label)
        out[f"lk-strength-text-{name}"] = ("textbox", f"{label}, typed ({lv.low:g} to {lv.high:g})")
    return out


def accessible_names_js() -> str:
    """A script for the page: gives each strength slider's handle and each strength text box its
    accessible name (``aria-label``), again whenever the widgets are drawn anew. ipywidgets
    labels neither: the slider's visible "strength" label is not tied to the handle, and the
    text box has no label of its own."""
    import json

    names = json.dumps(accessible_names())
    return ("(function () {\n"
            f"  const names = {names};\n"
            "  let queued = false;\n"
            "  function apply() {\n"
            "    queued = false;\n"
            "    for (const [cls, [role, label]] of Object.entries(names)) {\n"
            "      const sel = role === 'slider' ? '.' + cls + ' .noUi-handle' : '.' + cls + ' input';\n"
            "      document.querySelectorAll(sel).forEach(function (el) {\n"
            "        if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);\n"
            "      });\n"
            "    }\n"
            "  }\n"
            "  new MutationObserver(function () {\n"
            "    if (!queued) { queued = true; requestAnimationFrame(apply); }\n"
            "  }).observe(document.body, {childList: true, subtree: true});\n"
            "  apply();\n"
            "})();")


STYLE = """<style>
.lk-county {max-width: 1150px}
.lk-county p {line-height: 1.4}
.lk-teaching {display: inline-block; background: #fff3cd; border: 1px solid #E69F00; padding: 2px 8px;
  font-weight: bold; font-size: 13px}
.lk-county table.lk-num {border-collapse: collapse; font-size: 12.5px}
.lk-county table.lk-num td, .lk-county table.lk-num th {border: 1px solid #ccc; padding: 2px 6px; text-align: right}
.lk-county table.lk-num td.lk-m, .lk-county table.lk-num th.lk-m {text-align: left}
.lk-county table.lk-num th {white-space: nowrap}
.lk-county table.lk-num td.lk-lh {color: #555; font-size: 11.5px}
.lk-county table.lk-num caption {caption-side: top; text-align: left; font-size: 12px; color: #444; padding: 2px 0}
.lk-county table.lk-num td.lk-good {background: #e3f4ee} .lk-county table.lk-num td.lk-bad {background: #fbe9df}
.lk-county table.lk-params {border-collapse: collapse; font-size: 12px}
.lk-county table.lk-params td, .lk-county table.lk-params th {border: 1px solid #ddd; padding: 1px 6px}
.lk-county .lk-assumption {color: #8a4b00; font-weight: bold}
.lk-county .lk-summary p {margin: 4px 0; font-size: 15px}
.lk-county .lk-lever-desc {font-size: 12px; color: #444; margin: -4px 0 4px 28px}
.lk-county .lk-stale img {opacity: 0.35}
.lk-county .lk-busy {color: #0072B2; font-size: 13px; min-height: 1.2em}
.lk-problem {color: #8a2c00; white-space: pre-wrap}
.lk-ok {color: #00573f}
.lk-county .lk-downloads {font-size: 13px; margin: 8px 0} .lk-county .lk-downloads a {margin: 0 2px}
</style>"""


def numbers_html(numbers: pd.DataFrame, css: str = "lk-num lk-numbers-table") -> str:
    """The numbers table; each value printed with the decimals it was rounded to, each column
    headed by what it is (the mean, and the lowest and highest of the paired runs)."""
    lo_s, hi_s = _bounds(numbers)
    kind = numbers.attrs.get("interval", INTERVAL)
    runs = int(numbers.attrs.get("runs", numbers["paired_runs"].iloc[0] if len(numbers) else 0))
    heads = {"range": ("lowest run", "highest run"), "percentile": ("2.5th pct", "97.5th pct"),
             "t": ("95% CI low", "95% CI high")}[kind]
    caption = (f"Means of the {runs} paired runs, each with the lowest and the highest run beside it." if kind == "range"
               else f"Means of the {runs} paired runs, each with the {_interval_words(numbers)} beside it.")
    head = (f"<table class='{css}'><caption>{html.escape(caption)}</caption><thead><tr><th class='lk-m' rowspan='2'>measure</th>"
            "<th class='lk-m' rowspan='2'>unit</th><th colspan='3'>baseline (no practices)</th><th colspan='3'>with the "
            "practices chosen</th><th colspan='3'>difference (run by run)</th></tr><tr>"
            + f"<th>mean</th><th>{heads[0]}</th><th>{heads[1]}</th>" * 3 + "</tr></thead><tbody>")
    rows = []
    for r in numbers.to_dict("records"):
        d = int(r["decimals"])
        good = (r["better"] == "higher" and r["difference" + lo_s] > 0) or (r["better"] == "lower" and r["difference" + hi_s] < 0)
        bad = (r["better"] == "higher" and r["difference" + hi_s] < 0) or (r["better"] == "lower" and r["difference" + lo_s] > 0)
        dcls = " lk-good" if good else " lk-bad" if bad else ""
        cells = [f"<td class='lk-m'>{html.escape(r['measure'])}</td><td class='lk-m'>{html.escape(r['unit'])}</td>"]
        for group, sign in (("baseline", False), ("scenario", False), ("difference", True)):
            for suffix in ("", lo_s, hi_s):
                v = r[group + suffix]
                cls = ("lk-v" if not suffix else "lk-v lk-lh") + (dcls if group == "difference" and not suffix else "")
                cells.append(f"<td class='{cls}' data-col='{group}{suffix}'>{_fmt(v, d, sign)}</td>")
        rows.append(f"<tr data-key='{html.escape(r['key'])}'>" + "".join(cells) + "</tr>")
    return head + "".join(rows) + "</tbody></table>"


def _params_html(df: pd.DataFrame) -> str:
    rows = []
    for r in df.itertuples(index=False):
        st = ("<span class='lk-assumption'>assumption</span>" if r.status == "assumption" else html.escape(r.status))
        rows.append(f"<tr><td>{html.escape(r.parameter)}</td><td>{html.escape(f'{r.value:g}')}</td><td>{st}</td>"
                    f"<td>{html.escape(str(r.source))}</td></tr>")
    return ("<table class='lk-params'><thead><tr><th>parameter</th><th>value</th><th>status</th><th>source</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def build_app(model: WhatIf | None = None):
    """The what-if as one ipywidgets box."""
    import ipywidgets as w

    from linkages.simulate import LEVERS

    model = model or WhatIf()
    try:
        area_options = areas()
        chosen0 = caseload_for(STATEWIDE, default_size(STATEWIDE))
    except Exception:  # noqa: BLE001 - the page must still open
        log.exception("county what-if: caseload failed")
        return w.VBox([w.HTML(STYLE), w.HTML("<p class='lk-problem'>The synthetic caseload could not be read on this "
                                             "machine. Restart the page; if it happens again, tell the trainer.</p>")])

    wide = {"description_width": "120px"}
    area = w.Dropdown(options=area_options, value=STATEWIDE, description="Where", style=wide,
                      layout=w.Layout(width="330px")).add_class("lk-area")
    size = w.Text(value=f"{chosen0.n}", description="Households", continuous_update=False, style=wide,
                  layout=w.Layout(width="260px")).add_class("lk-size")
    size_msg = w.HTML().add_class("lk-size-msg")
    caseload_line = w.HTML().add_class("lk-caseload")

    checks, sliders, texts, msgs, rows = {}, {}, {}, {}, []
    for name, lv in LEVERS.items():
        cb = w.Checkbox(value=True, description=lv.title, indent=False,
                        layout=w.Layout(width="330px")).add_class("lk-lever-on").add_class(f"lk-on-{name}")
        sl = w.FloatSlider(value=lv.high, min=lv.low, max=lv.high, step=0.05, readout=False, continuous_update=False,
                           description="strength", style={"description_width": "60px"},
                           layout=w.Layout(width="300px")).add_class("lk-lever-strength").add_class(f"lk-strength-{name}")
        tx = w.Text(value=f"{lv.high:.2f}", continuous_update=False, layout=w.Layout(width="70px"),
                    description="", placeholder=f"{lv.low:g}–{lv.high:g}",
                    tooltip=f"{lv.title}: strength from {lv.low:g} to {lv.high:g}").add_class(f"lk-strength-text-{name}")
        sl.tooltip = f"{lv.title}: strength"
        # their accessible names (the visible "strength" label and the practice's name): set in the
        # page by ACCESSIBLE_NAMES_JS, as ipywidgets cannot name a slider handle or a bare text box
        mg = w.HTML().add_class(f"lk-strength-msg-{name}")
        checks[name], sliders[name], texts[name], msgs[name] = cb, sl, tx, mg
        rows.append(w.HBox([cb, sl, tx, mg], layout=w.Layout(align_items="center")).add_class(f"lk-lever-{name}"))
    all_on = w.Button(description="Switch every practice on", icon="check-square",
                      layout=w.Layout(width="230px")).add_class("lk-all-on")
    all_off = w.Button(description="Switch every practice off", icon="square",
                       layout=w.Layout(width="230px")).add_class("lk-all-off")

    busy = w.HTML().add_class("lk-busy")
    summary = w.HTML().add_class("lk-summary")
    numbers = w.HTML().add_class("lk-numbers")
    outcomes_fig = w.HTML().add_class("lk-fig-outcomes")
    costs = w.HTML().add_class("lk-costs")
    cost_fig = w.HTML().add_class("lk-fig-cost")
    attr_measure = w.Dropdown(options=[], description="Share of the difference in", style={"description_width": "190px"},
                              layout=w.Layout(width="520px")).add_class("lk-attr-measure")
    attr_fig = w.HTML().add_class("lk-fig-attribution")
    sens_button = w.Button(description="Work out the sensitivity", icon="sliders", button_style="primary",
                           layout=w.Layout(width="260px")).add_class("lk-sens-button")
    sens_msg = w.HTML().add_class("lk-sens-msg")
    sens_fig = w.HTML().add_class("lk-fig-tornado")
    downloads = w.HTML().add_class("lk-export")
    status = w.HTML().add_class("lk-status")
    try:
        params_html = _params_html(assumptions_table())
    except Exception:  # noqa: BLE001
        log.exception("assumptions table failed")
        params_html = "<p>The parameter table could not be read.</p>"
    assumptions = w.HTML(
        "<details class='lk-assumptions'><summary><b>Every model parameter, with its status</b> — "
        "<span class='lk-assumption'>assumption</span> means no published source gives the number; the effects "
        "of the Linkages practices are all assumptions</summary>" + params_html + "</details>")

    from linkages.outcomes import MEASURES

    attr_measure.options = [(MEASURES[m].title, m) for m in ATTRIBUTION_MEASURES]
    attr_measure.value = "foster_care_months"

    from linkages.outcomes import OutcomesChart

    chart = OutcomesChart(dpi=X.SCREEN_DPI)  # kept and updated in place: the figure on every change

    def on_step_error(exc):
        status.value = "<p class='lk-problem'>A figure could not be drawn; the numbers above are current.</p>"
        if not later.pending:
            refresh_export()

    later = X.Later(on_error=on_step_error)
    sens_later = X.Later()
    S: dict = {"chosen": chosen0, "levers": None, "cmp": None, "numbers": None, "figs": {}, "version": 0,
               "quiet": False, "sentences": [], "timings": []}

    def levers_now() -> dict:
        return {k: (float(sliders[k].value) if checks[k].value else 0.0) for k in LEVERS}

    def set_stale(on: bool):
        for wd in (outcomes_fig, cost_fig, attr_fig, sens_fig):
            if on:
                wd.add_class("lk-stale")
            else:
                wd.remove_class("lk-stale")

    def refresh_export():
        if S["numbers"] is None:
            return
        v = S["version"]
        figs = [f for name, (ver, f) in S["figs"].items() if ver == v]
        nums = S["numbers"]
        page = X.summary_page(
            "County caseload what-if", S["sentences"],
            subtitle=S["chosen"].description + f"; {MONTHS} months; practices: "
            + (_list(_practice_names(S["levers"])) or "none") + ".",
            figures=figs,
            tables=[("Baseline and scenario", numbers_html(nums)),
                    ("Cost view", numbers_html(cost_table(nums)))],
            notes=[f"Synthetic households; baseline and scenario run on the same random numbers. Each range is the "
                   f"{_interval_words(nums)}.",
                   "The effects of the Linkages practices are assumptions (no published study measures them); the "
                   "simulator lists every parameter with its status."])
        stem = f"whatif_{X.slug(S['chosen'].key[1] if S['chosen'].key[0] == 'generated' else S['chosen'].key[0])}"
        csv_df = nums.drop(columns=["decimals"])
        downloads.value = X.links_html(X.Bundle(stem, figs, [("numbers", "The numbers (CSV)", csv_df)], page))

    def draw_outcomes(v):
        if S["version"] != v:
            return
        if not _levers_key(S["levers"]):
            r = _empty_figure("No practice switched on: nothing differs from the baseline.", "outcomes")
        else:
            alt, title = chart.update(S["cmp"])
            r = X.Rendered("outcomes", chart.png(), alt, title)
        S["figs"]["outcomes"] = (v, r)
        outcomes_fig.value = X.img_html(r)
        outcomes_fig.remove_class("lk-stale")

    def draw_costs(v):
        if S["version"] != v:
            return
        r = _render("costs", cost_figure(S["numbers"]))
        S["figs"]["costs"] = (v, r)
        cost_fig.value = X.img_html(r)
        cost_fig.remove_class("lk-stale")

    def draw_attribution(v):
        if S["version"] != v:
            return
        from linkages.outcomes import attribution_figure

        df = model.attribution(S["chosen"], S["levers"])
        m = attr_measure.value
        if df is None:
            r = _empty_figure("Switch a practice on to see its share of the difference.", "attribution")
        elif not np.isfinite(df.loc[df["measure"] == m, "share"]).any():
            r = _empty_figure(f"No difference in {MEASURES[m].title.lower()} to share out.", "attribution")
        else:
            n = int(df["runs_per_set"].iloc[0])
            fig, alt = attribution_figure(df, m)
            alt += (f" Worked out on {n} paired run{'s' if n != 1 else ''} with each practice switched off in turn.")
            r = _render("attribution", (fig, alt))
        S["figs"]["attribution"] = (v, r)
        attr_fig.value = X.img_html(r)
        attr_fig.remove_class("lk-stale")

    def draw_tornado(v, export: bool = True):
        if S["version"] != v:
            return
        from linkages.outcomes import tornado_figure

        sens = model.sensitivity(S["chosen"], S["levers"])
        if sens is None:
            return
        m = attr_measure.value
        r = _render("sensitivity", tornado_figure(sens, m))
        S["figs"]["sensitivity"] = (v, r)
        sens_fig.value = X.img_html(r)
        sens_fig.remove_class("lk-stale")
        n = model.sensitivity_replicates(S["chosen"])
        sens_msg.value = (f"<p>{sens['parameter'].nunique()} assumptions, each halved and doubled, baseline and "
                          f"scenario on {n} paired run{'s' if n != 1 else ''}. Bars much shorter than the run-to-run "
                          f"noise of the central difference (±{_fmt(2 * float(sens.loc[sens['measure'] == m, 'central_se'].iloc[0]), 1) if n > 1 else 'n/a'}) "
                          f"say little. {NOT_VARIED}</p>")
        if export:
            refresh_export()

    def update(reason: str = ""):
        """Phase 1 (now): the numbers, the cost table and the sentences. Phase 2 (steps): figures."""
        t0 = time.perf_counter()
        later.cancel()
        sens_later.cancel()
        try:
            levers = levers_now()
            chosen = S["chosen"]
            cmp = model.compare(chosen, levers)
            nums = numbers_table(cmp)
            S["version"] += 1
            v = S["version"]
            S.update(levers=levers, cmp=cmp, numbers=nums)
            e = model.entry(chosen)
            S["sentences"] = summary_sentences(nums, levers, chosen.description, e.replicates)
            set_stale(True)  # before the numbers: the figures below are now old
            summary.value = ("<h3>What changes</h3>" + "".join(f"<p>{html.escape(s)}</p>" for s in S["sentences"]))
            numbers.value = numbers_html(nums)
            costs.value = numbers_html(cost_table(nums), "lk-num lk-cost-table")
            secs = time.perf_counter() - t0
            caseload_line.value = (f"<p>{html.escape(chosen.description)}. {e.replicates} paired runs of {MONTHS} "
                                   f"months per update (this one took <span class='lk-update-time'>{secs:.2f}</span> s)."
                                   "</p>")
            if model.sensitivity(chosen, levers) is None:
                sens_fig.value = ""
                S["figs"].pop("sensitivity", None)
                names = sensitivity_parameters(levers)
                runs = sum(2 if n.startswith("levers.") else 4 for n in names) * model.sensitivity_replicates(chosen)
                secs = max(1, round(runs * chosen.n / 120_000))
                sens_msg.value = (f"<p>Halves and doubles {len(names)} assumptions on this caseload: about {secs} s "
                                  f"on an idle machine. The page stays usable meanwhile. {NOT_VARIED}</p>")
            # the downloads (figures and summary embedded) are made once, after the figures: only a
            # short line now, so the first message of an update is the numbers
            downloads.value = DOWNLOADS_PENDING
            status.value = ""
            S["timings"].append(time.perf_counter() - t0)
            steps = [lambda: draw_outcomes(v), lambda: draw_costs(v)]
            steps += list(model.attribution_steps(chosen, levers))
            steps.append(lambda: draw_attribution(v))
            if model.sensitivity(chosen, levers) is not None:
                steps.append(lambda: draw_tornado(v, export=False))
            steps.append(lambda: S["version"] == v and refresh_export())  # the downloads, once per update
            steps += list(model.shortcut_steps(chosen))  # once per caseload: the next updates step fewer households
            steps.append(lambda: (setattr(busy, "value", ""), X.release_memory()))
            busy.value = "Drawing the figures…"
            later.start(steps)
        except Exception:  # noqa: BLE001
            log.exception("county what-if update failed")
            busy.value = ""
            status.value = ("<p class='lk-problem'>That setting could not be simulated; the numbers on screen are "
                            "from the last one that could.</p>")

    def on_area(change):
        if S["quiet"]:
            return
        S["quiet"] = True
        try:
            size.value = f"{default_size(area.value)}"
        finally:
            S["quiet"] = False
        on_size(None)

    def on_size(change):
        if S["quiet"]:
            return
        try:
            n = parse_size(size.value)
        except SizeError as exc:
            size_msg.value = (f"<span class='lk-problem'>{html.escape(str(exc))} The caseload on screen is "
                              "unchanged.</span>")
            return
        try:
            busy.value = "Preparing the caseload…"
            chosen = caseload_for(area.value, n)
            S["chosen"] = chosen
            size_msg.value = ""
            update("caseload")
        except SizeError as exc:
            size_msg.value = f"<span class='lk-problem'>{html.escape(str(exc))}</span>"
        except Exception:  # noqa: BLE001
            log.exception("caseload failed")
            busy.value = ""
            size_msg.value = "<span class='lk-problem'>That caseload could not be made; the one on screen is unchanged.</span>"

    def on_lever(change):
        if not S["quiet"]:
            update("lever")

    def on_slider(name):
        def f(change):
            if S["quiet"]:
                return
            S["quiet"] = True
            try:
                texts[name].value = f"{float(sliders[name].value):.2f}"
                msgs[name].value = ""
            finally:
                S["quiet"] = False
            if checks[name].value:
                update("strength")
        return f

    def on_text(name):
        def f(change):
            if S["quiet"]:
                return
            lv = LEVERS[name]
            try:
                v = parse_strength(texts[name].value, lv.low, lv.high)
            except StrengthError as exc:
                msgs[name].value = (f"<span class='lk-problem'>{html.escape(str(exc))} The slider stays at "
                                    f"{float(sliders[name].value):.2f}.</span>")
                return
            msgs[name].value = ""
            if abs(v - float(sliders[name].value)) < 1e-9:
                return
            S["quiet"] = True
            try:
                sliders[name].value = v
            finally:
                S["quiet"] = False
            if checks[name].value:
                update("strength")
        return f

    def set_all(on: bool):
        S["quiet"] = True
        try:
            for cb in checks.values():
                cb.value = on
        finally:
            S["quiet"] = False
        update("all")

    def on_attr_measure(change):
        try:
            v = S["version"]
            later_steps = [lambda: draw_attribution(v)]
            if model.sensitivity(S["chosen"], S["levers"]) is not None:
                later_steps.append(lambda: draw_tornado(v, export=False))
            for fn in later_steps:
                fn()
            refresh_export()
        except Exception:  # noqa: BLE001
            log.exception("attribution redraw failed")
            status.value = "<p class='lk-problem'>That figure could not be drawn.</p>"

    def on_sens(_):
        try:
            chosen, levers, v = S["chosen"], S["levers"], S["version"]
            if model.sensitivity(chosen, levers) is not None:
                draw_tornado(v)
                return
            sens_fig.add_class("lk-stale")

            def progress(i, n):
                sens_msg.value = f"<p>Working out the sensitivity: {i} of {n} assumptions…</p>"

            steps = list(model.sensitivity_steps(chosen, levers, progress))
            sens_msg.value = "<p>Working out the sensitivity…</p>"
            sens_later.start(steps + [lambda: draw_tornado(v)])
        except Exception:  # noqa: BLE001
            log.exception("sensitivity failed")
            sens_msg.value = "<p class='lk-problem'>The sensitivity could not be worked out; the rest is unchanged.</p>"

    area.observe(on_area, names="value")
    size.observe(on_size, names="value")
    for name in LEVERS:
        checks[name].observe(on_lever, names="value")
        sliders[name].observe(on_slider(name), names="value")
        texts[name].observe(on_text(name), names="value")
    all_on.on_click(lambda _: set_all(True))
    all_off.on_click(lambda _: set_all(False))
    attr_measure.observe(on_attr_measure, names="value")
    sens_button.on_click(on_sens)
    update("start")

    box = w.VBox([
        w.HTML(STYLE),
        w.HTML("<h2>County caseload what-if</h2>"
               f"<p><span class='lk-teaching'>{X.TEACHING_LABEL}</span></p>"
               "<p>What would the Linkages practices change for a whole caseload over two years? Choose the caseload, "
               "switch practices on or off and set how fully each is in place. The baseline is the same caseload with "
               "no practice, on the same random numbers, so every difference comes from the practices — as the "
               "model assumes them to work.</p>"),
        w.HBox([area, size, size_msg], layout=w.Layout(align_items="center")), caseload_line,
        w.HTML("<h3>Linkages practices</h3>"), *rows, w.HBox([all_on, all_off]), w.HTML(
            "<details class='lk-lever-help'><summary>What each practice does in the model</summary><ul>"
            + "".join(f"<li><b>{html.escape(lv.title)}</b>: {html.escape(lv.description)} <i>Acts on: "
                      f"{html.escape(lv.acts_on)}.</i> A practice reaches only families identified as shared.</li>"
                      for lv in LEVERS.values()) + "</ul></details>"),
        busy, summary,
        w.HTML("<h3>Baseline and scenario side by side</h3>"), numbers, outcomes_fig,
        w.HTML("<h3>Cost view</h3>"), costs, cost_fig,
        w.HTML("<h3>Which practice makes the difference</h3>"), attr_measure, attr_fig,
        w.HTML("<h3>How much does it depend on the assumptions?</h3>"), w.HBox([sens_button]), sens_msg, sens_fig,
        w.HTML("<h3>Assumptions</h3>"), assumptions, downloads, status,
    ]).add_class("lk-county")
    box._lk_state = S  # for tests and the benchmark: timings of the numbers update
    return box


def app():
    """Build the what-if and display it (the notebook's one line), with the script that names
    the strength controls for assistive technology."""
    from IPython.display import Javascript, display

    display(build_app())
    display(Javascript(accessible_names_js()))
