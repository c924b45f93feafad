"""Family case-plan simulator (served by Voilà from ``simulators/family_simulator.ipynb``).

Pick a household from the teaching cast — or describe one with a few controls — and see:

* both programs' requirements on a weekly calendar, double-bookings highlighted and hours
  totalled, with a toggle between *separate plans* and the *linked plan*;
* the family's 24-month path (grant, sanction, children in foster care, reunification) under
  separate plans and under linked, coordinated plans, as bands over 30 replicate runs of that one
  household;
* plain-language sentences that follow the numbers, and the assumptions behind them.

Thirty replicate runs of one household are one vectorised run of a 30-row table (each row a copy
of the household with its own random numbers), prepared once for both paths, so a change of
family redraws in a fraction of a second. The sentences say which numbers are averages over the
30 runs and which tell one of them (the first, an example; both paths of a run share its random
numbers), as :mod:`linkages.simulate.story` words them. Every model result is labelled a teaching
illustration, not a forecast. No callback lets a traceback reach the page: bad input gets a
sentence beside its control and nothing else on the page changes.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from linkages.ui import export as X

__all__ = ["app", "build_app", "FamilyInput", "FamilyResult", "InputError", "cast_choices", "cast_family",
           "describe_family", "parse_ages", "family_result", "hours_table", "paths_table", "path_figure",
           "calendar_png", "summary_sentences", "assumptions_table", "band", "MONTHS", "REPLICATES", "DEFAULT_FAMILY"]

log = logging.getLogger(__name__)

MONTHS = 24
REPLICATES = 30
SEED = 0
MAX_CHILDREN = 6
#: The family the page opens on: Linh, whose grant was cut when job club clashed with family
#: therapy — the clash a linked plan removes.
DEFAULT_FAMILY = "CAST-000004"

BARRIER_LABELS = {
    "substance_use": "Substance use", "mental_health": "Mental health", "domestic_violence": "Domestic violence",
    "housing_instability": "Housing instability", "limited_english": "Limited English", "no_diploma": "No diploma",
    "disability": "Disability", "transportation": "No transportation",
}
WORK_STATUS = [("Participating in welfare-to-work", "participating"), ("Not complying (20-day window)", "non_compliant"),
               ("Sanctioned", "sanctioned"), ("Exempt from welfare-to-work", "exempt"),
               ("Not on CalWORKs", "none")]
CW_STATUS = [("No child welfare case", "none"), ("In-home services (family maintenance)", "family_maintenance"),
             ("Children removed (family reunification)", "family_reunification")]


class InputError(ValueError):
    """A described household the simulator cannot use; ``field`` names the control."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class FamilyInput:
    """One household as the engine reads it, with what the page says about it."""

    households: pd.DataFrame  # one row
    activities: pd.DataFrame
    name: str  # "Maribel", "Darnell and Keisha", "This family"
    pronouns: str  # she / he / they
    vignette: str
    key: tuple  # what identifies the input (for caching)

    @property
    def household_id(self) -> str:
        return str(self.households["household_id"].iloc[0])


# --- the cast -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _cast():
    """The teaching cast (households, members, activities), through the checked loader: files
    that match ``datasets/SHA256SUMS`` are read at once, anything else is validated first (a bad
    file gets its one-sentence :class:`linkages.families.DatasetError`)."""
    from linkages.families import load_checked

    return load_checked("cast")


@lru_cache(maxsize=1)
def start_date() -> dt.date:
    """Every family starts on the same month: the one the cast's histories lead up to."""
    from linkages.simulate.caseload import infer_start

    return infer_start(_cast().households)


def _first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.!?])(\s|$)", str(text))
    return m.group(1) if m else str(text)


def _names_and_pronouns(household_id: str) -> tuple[str, str]:
    m = _cast().members
    adults = m[(m["household_id"] == household_id) & (m["role"] == "adult")]
    names = adults["first_name"].astype(str).tolist()
    if len(names) >= 2:
        return " and ".join(names[:2]), "they"
    if names:
        return names[0], "he" if str(adults["sex"].iloc[0]).upper().startswith("M") else "she"
    return "The parent", "they"


def cast_choices() -> list[tuple[str, str]]:
    """Dropdown options: "Maribel (Alameda) — Maribel, 29, is raising Leo (2) and Ana (7) in Oakland."."""
    hh = _cast().households
    out = []
    for r in hh.itertuples(index=False):
        name, _ = _names_and_pronouns(r.household_id)
        out.append((f"{name} ({r.county}) — {_first_sentence(r.vignette)}", str(r.household_id)))
    return out


def cast_family(household_id: str) -> FamilyInput:
    c = _cast()
    one = c.households[c.households["household_id"] == household_id].reset_index(drop=True)
    if one.empty:
        raise InputError("family", f"There is no household {household_id!r} in the cast.")
    acts = c.activities[c.activities["household_id"] == household_id].reset_index(drop=True)
    name, pron = _names_and_pronouns(household_id)
    return FamilyInput(one, acts, name, pron, str(one["vignette"].iloc[0]), ("cast", household_id))


# --- a described family ---------------------------------------------------------------------

def parse_ages(text: str) -> tuple[int, ...]:
    """"2, 7" → (2, 7). Raises :class:`InputError` with a sentence for anything else."""
    raw = str(text or "").strip()
    if not raw:
        raise InputError("ages", "Type the children's ages, e.g. 2, 7 (at least one child).")
    parts = [p for p in re.split(r"[,;\s]+", raw) if p]
    ages = []
    for p in parts:
        if not re.fullmatch(r"\d{1,2}", p):
            raise InputError("ages", f"'{p[:12]}' is not an age: use whole years from 0 to 17, separated by commas.")
        a = int(p)
        if a > 17:
            raise InputError("ages", f"{a} is not a child's age here: use 0 to 17.")
        ages.append(a)
    if len(ages) > MAX_CHILDREN:
        raise InputError("ages", f"Up to {MAX_CHILDREN} children, please ({len(ages)} given).")
    return tuple(sorted(ages))


def _counties() -> list[str]:
    from linkages.params import value

    return list(value("calworks.counties", start_date()))


def describe_family(adults: int, ages_text: str, county: str, work_status: str, cw_component: str,
                    barriers=(), months_since_removal: int = 3, clock_months_used: int = 12) -> FamilyInput:
    """A one-row households table (and its case-plan activities) the engine accepts, from a few
    answers. Raises :class:`InputError` naming the control when an answer cannot be used."""
    from linkages.families import activities_for

    ages = parse_ages(ages_text)
    if adults not in (1, 2):
        raise InputError("adults", "A household here has one or two adults.")
    if county not in _counties():
        raise InputError("county", "Choose a California county from the list.")
    statuses = {v for _, v in WORK_STATUS}
    if work_status not in statuses:
        raise InputError("calworks", "Choose a CalWORKs situation from the list.")
    if cw_component not in {v for _, v in CW_STATUS}:
        raise InputError("cws", "Choose a child welfare situation from the list.")
    if work_status == "none" and cw_component == "none":
        raise InputError("cws", "This family is in neither program: choose CalWORKs, child welfare or both.")
    bad = [b for b in barriers if b not in BARRIER_LABELS]
    if bad:
        raise InputError("barriers", f"Unknown barrier {bad[0]!r}.")
    start = start_date()
    removed = cw_component == "family_reunification"
    removal = pd.Timestamp(start) - pd.DateOffset(months=int(months_since_removal)) if removed else pd.NaT
    opened = removal - pd.Timedelta(days=3) if removed else (
        pd.Timestamp(start) - pd.DateOffset(months=2) if cw_component != "none" else pd.NaT)
    from linkages.rules import calworks as C

    hid = "DESC-000001"
    row = {
        "household_id": hid, "county": county, "region": int(C.region(county, start)),
        "n_adults": int(adults), "n_children": len(ages), "children_ages": ";".join(map(str, ages)),
        "youngest_age": int(ages[0]), "parent_age": 30, "exempt_map": False, "earnings": 0.0,
        "employed_persons": 0, "months_on_aid": int(clock_months_used),
        "clock_months_used": int(clock_months_used) if work_status != "none" else 0,
        "work_status": work_status, **{b: b in set(barriers) for b in BARRIER_LABELS},
        "cw_component": cw_component, "cw_start_date": opened, "removal_date": removal,
        "children_removed": len(ages) if removed else 0, "in_calworks": work_status != "none",
        "in_cws": cw_component != "none", "shared": work_status != "none" and cw_component != "none",
        "vignette": "",
    }
    hh = pd.DataFrame([row])
    hh["cw_start_date"] = pd.to_datetime(hh["cw_start_date"])
    hh["removal_date"] = pd.to_datetime(hh["removal_date"])
    acts = activities_for(hh, np.random.default_rng([2026, 8]), start)
    parts = [f"{'One adult' if adults == 1 else 'Two adults'} in {county} County with "
             f"{len(ages)} child{'ren' if len(ages) != 1 else ''} (age{'s' if len(ages) != 1 else ''} "
             f"{', '.join(map(str, ages))})",
             dict((v, k) for k, v in WORK_STATUS)[work_status].lower(),
             dict((v, k) for k, v in CW_STATUS)[cw_component].lower()]
    if barriers:
        parts.append("barriers: " + ", ".join(BARRIER_LABELS[b].lower() for b in barriers))
    vignette = "; ".join(parts) + "."
    key = ("described", adults, ages, county, work_status, cw_component, tuple(sorted(barriers)))
    return FamilyInput(hh, acts.reset_index(drop=True), "This family" if adults == 1 else "These parents",
                       "they", vignette, key)


# --- runs -----------------------------------------------------------------------------------

@dataclass
class FamilyResult:
    family: FamilyInput
    story: object  # linkages.simulate.FamilyStory: the plans, and run 1 of the replicates as its paths
    dates: list
    bands: dict  # path ("separate"/"linked") -> {measure: [replicates, months] array}
    replicates: int

    def mean(self, path: str, what: str) -> np.ndarray:
        return self.bands[path][what].mean(axis=0)


def _replicated(f: FamilyInput, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``k`` copies of the household, each with its own id (so its own random numbers)."""
    hid = f.household_id
    ids = [f"{hid}-R{i:02d}" for i in range(k)]
    hh = pd.concat([f.households] * k, ignore_index=True)
    hh["household_id"] = ids
    if len(f.activities):
        acts = pd.concat([f.activities.assign(household_id=i) for i in ids], ignore_index=True)
    else:
        acts = f.activities
    return hh, acts


def _copies(f: FamilyInput, k: int, start: dt.date):
    """``k`` copies of the household and their prepared caseload: the household prepared once
    and repeated (the arrays a prepared table of ``k`` copies has, without preparing each copy),
    each copy its own column of random numbers."""
    from linkages.outcomes.subset import subset_caseload
    from linkages.simulate import ModelParams, prepare

    hh = pd.concat([f.households] * k, ignore_index=True)
    hh["household_id"] = [f"{f.household_id}-R{i:02d}" for i in range(k)]
    one = prepare(f.households, f.activities, start, MONTHS, ModelParams.load(start))
    cl = subset_caseload(one, np.zeros(k, dtype=np.intp))
    if cl is None:  # an array not per household: prepare the copies themselves
        hh, acts = _replicated(f, k)
        return hh, prepare(hh, acts, start, MONTHS, ModelParams.load(start))
    cl.ids = hh["household_id"].to_numpy()
    return hh, cl


def _runs(f: FamilyInput, k: int):
    """Both paths of ``k`` replicate copies of the household, prepared once (the levers do not
    change a prepared caseload): the dates, the bands, and the first copy's two paths (the
    story's example run)."""
    from linkages.simulate import ALL_LEVERS, BASELINE, simulate
    from linkages.simulate.caseload import STATUS

    start = start_date()
    hh, prepared = _copies(f, k, start)
    in_care0 = _in_care_at_start(f)
    out, paths = {}, {}
    dates = None
    for path, sc, forced in (("separate", BASELINE, None), ("linked", ALL_LEVERS, [True] * k)):
        r = simulate(hh, sc.with_(months=MONTHS, seed=SEED), start, force_identified=forced, caseload=prepared)
        dates = r.dates
        kids = r["kids_out"].astype(float).T
        reunified = np.cumsum(r.event("reunification").T, axis=1) > 0
        out[path] = {
            "grant": r["grant"].astype(float).T,
            "sanctioned": (r["status"] == STATUS.index("sanctioned")).T.astype(float),
            "children_in_care": kids,
            # children removed at some point by this month (in care from the start, or home again
            # already: a reunification follows a removal)
            "removed": (np.maximum.accumulate(kids > 0, axis=1) | reunified | in_care0).astype(float),
            "reunified": reunified.astype(float),
            "hours_demanded": r["demand"].astype(float).T,
        }
        paths[path] = r.household_path(hh["household_id"].iloc[0])
    return dates, out, paths


def _in_care_at_start(f: FamilyInput) -> bool:
    """Whether the family's children are in foster care when the months begin."""
    r = f.households.iloc[0]
    return str(r["cw_component"]) in ("family_reunification", "permanency") and int(r["children_removed"] or 0) > 0


def _bands(f: FamilyInput, k: int) -> tuple[list, dict]:
    dates, bands, _ = _runs(f, k)
    return dates, bands


_RESULTS: dict = {}
_FIGURES: dict = {}  # (family key, figure name) -> Rendered


def family_result(f: FamilyInput, replicates: int = REPLICATES) -> FamilyResult:
    """The bands (``replicates`` runs) of a family and its story — the plans, and the first run
    as the example the one-run sentences tell; cached."""
    from linkages.simulate import ALL_LEVERS
    from linkages.simulate.story import story_from_paths

    key = (f.key, replicates)
    if key in _RESULTS:
        return _RESULTS[key]
    dates, bands, paths = _runs(f, replicates)
    st = story_from_paths(f.households.iloc[0], f.activities, ALL_LEVERS.with_(months=MONTHS, seed=SEED),
                          paths["separate"], paths["linked"], start_date(), pronouns=f.pronouns)
    res = FamilyResult(f, st, dates, bands, replicates)
    if len(_RESULTS) > 40:
        _RESULTS.pop(next(iter(_RESULTS)))
    _RESULTS[key] = res
    return res


# --- tables and sentences -------------------------------------------------------------------

def _h(x: float) -> float:
    return round(float(x), 1)


def hours_table(res: FamilyResult) -> pd.DataFrame:
    """The week under separate plans and under the linked plan: hours, travel, double-bookings."""
    st = res.story
    sep, lnk = st.wtw_plan + st.cws_plan, st.linked_plan
    rows = []
    for label, plan in (("separate plans", sep), ("linked plan", lnk)):
        s = plan.summary()
        rows.append({
            "plans": label,
            "welfare_to_work_hours": _h(sum(a.hours_per_week for a in plan.activities if a.plan == "wtw")),
            "case_plan_hours": _h(sum(a.hours_per_week for a in plan.activities if a.plan == "cws")),
            "activity_hours": _h(s["activity_hours"]),
            "travel_hours": _h(s["travel_hours"]),
            "hours_asked_per_week": _h(s["hours_demanded"]),
            "double_bookings": int(s["double_bookings"]),
            "hours_required_by_calworks": int(st.required_hours),
        })
    return pd.DataFrame(rows)


def band(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over the replicate runs (rows) and its 95% interval (mean ± 1.96 standard errors)."""
    m = v.mean(axis=0)
    half = 1.96 * v.std(axis=0, ddof=1) / np.sqrt(v.shape[0]) if v.shape[0] > 1 else np.zeros_like(m)
    return m, m - half, m + half


def share_band(share: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of a share of ``n`` runs (normal approximation, clipped to 0–1; NaN where
    ``n`` is 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(n > 0, 1.96 * np.sqrt(share * (1 - share) / np.maximum(n, 1)), np.nan)
    return np.clip(share - half, 0, 1), np.clip(share + half, 0, 1)


def paths_table(res: FamilyResult) -> pd.DataFrame:
    """Month by month, each path: mean over the replicate runs and its 95% interval; and, of the
    runs in which the children have been removed by then, the share with the children home again
    (``home_again_of_removed``; ``runs_removed`` says how many runs that is)."""
    out = {"month": [d.isoformat() for d in res.dates]}
    for path in ("separate", "linked"):
        for what, digits in (("grant", 0), ("sanctioned", 3), ("children_in_care", 2), ("reunified", 3)):
            m, lo, hi = band(res.bands[path][what])
            if what in ("sanctioned", "reunified"):
                lo, hi = np.clip(lo, 0, 1), np.clip(hi, 0, 1)
            elif what == "children_in_care":
                lo = np.clip(lo, 0, None)
            out[f"{path}_{what}_mean"] = np.round(m, digits) + 0.0
            out[f"{path}_{what}_low"] = np.round(lo, digits) + 0.0
            out[f"{path}_{what}_high"] = np.round(hi, digits) + 0.0
        share, n = home_again(res, path)
        lo, hi = share_band(share, n)
        out[f"{path}_runs_removed"] = n.astype(int)
        out[f"{path}_home_again_of_removed_mean"] = np.round(share, 3) + 0.0
        out[f"{path}_home_again_of_removed_low"] = np.round(lo, 3) + 0.0
        out[f"{path}_home_again_of_removed_high"] = np.round(hi, 3) + 0.0
    return pd.DataFrame(out)


def _who(res: FamilyResult) -> tuple[str, str, str]:
    """(Subject as written, be-verb, possessive)."""
    p = res.family.pronouns
    if p == "they":
        return (res.family.name if res.family.name not in ("This family", "These parents") else "they"), "are", "their"
    return res.family.name, "is", "her" if p == "she" else "his"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def home_again(res: FamilyResult, path: str) -> tuple[np.ndarray, np.ndarray]:
    """Month by month: of the runs in which the children have been removed by then (or were in
    care from the start), the share in which they have come home — and how many runs that is.
    The share is NaN in a month with no such run."""
    removed = res.bands[path]["removed"] > 0
    home = (res.bands[path]["reunified"] > 0) & removed
    n = removed.sum(axis=0)
    share = np.divide(home.sum(axis=0), n, out=np.full(n.shape, np.nan), where=n > 0)
    return share, n


def summary_groups(res: FamilyResult) -> list[tuple[str, list[str]]]:
    """The summary in three groups, each saying what it describes: the week (the plans: no run),
    the averages over the replicate runs, and one of those runs told month by month."""
    from linkages.simulate.story import run_sentences, week_sentences

    st = res.story
    n, k = len(res.dates), res.replicates
    who, be, pos = _who(res)
    b = res.bands
    avg = []
    s_sanc, l_sanc = b["separate"]["sanctioned"].sum(axis=1).mean(), b["linked"]["sanctioned"].sum(axis=1).mean()
    if s_sanc > 0.05 or l_sanc > 0.05:
        avg.append(f"Across {k} runs, {who} {be} sanctioned in {s_sanc:.1f} of {n} months on average under separate "
                   f"plans and {l_sanc:.1f} with linked plans.")
    s_g, l_g = b["separate"]["grant"].sum(axis=1).mean(), b["linked"]["grant"].sum(axis=1).mean()
    if abs(s_g - l_g) >= 1:
        avg.append(f"Across {k} runs, {pos} family receives ${s_g:,.0f} in cash aid over {n} months on average under "
                   f"separate plans and ${l_g:,.0f} with linked plans.")
    kids0 = _in_care_at_start(res.family)
    (s_home, s_n), (l_home, l_n) = home_again(res, "separate"), home_again(res, "linked")
    if kids0:
        avg.append(f"Across {k} runs, {pos} children come home within {n} months in {_pct(s_home[-1])} of runs under "
                   f"separate plans and {_pct(l_home[-1])} with linked plans.")
    else:
        s_rem, l_rem = s_n[-1] / k, l_n[-1] / k
        if s_rem or l_rem:
            avg.append(f"Across {k} runs, {pos} children are removed at some point in {_pct(s_rem)} of runs under "
                       f"separate plans and {_pct(l_rem)} with linked plans.")
            parts = [f"{_pct(v[-1])} of the {int(m[-1])} under {lab}" for v, m, lab in
                     ((s_home, s_n, "separate plans"), (l_home, l_n, "linked plans")) if m[-1] > 0]
            if parts:
                avg.append(f"Of the runs in which they are removed, they are home again by month {n} in "
                           + " and ".join(parts) + ".")
    one = run_sentences(st, lead=f"In one of these {k} runs (an example, not an average), ")
    return [("The plans", week_sentences(st)), (f"Averages over {k} runs of the next {n} months", avg),
            ("One of those runs, month by month (an example)", one)]


def summary_sentences(res: FamilyResult) -> list[str]:
    """The sentences of :func:`summary_groups`, in order: the week, the averages over the
    replicate runs, then one run — each sentence saying which it describes."""
    return [x for _, group in summary_groups(res) for x in group]


def assumptions_table() -> pd.DataFrame:
    """The model parameters this page leans on, with value, status (sourced | assumption) and source."""
    from linkages.simulate import ModelParams

    P = ModelParams.load(start_date())
    rows = []
    for name in sorted(P.values):
        v = P.values[name]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or name.startswith("calibration."):
            continue
        if not name.startswith(("levers.", "participation.", "capacity.", "plans.", "cws.", "sanction.",
                                "identification.")):
            continue
        rows.append({"parameter": f"model.{name}", "value": v, "status": P.status.get(name, ""),
                     "source": ModelParams.source(name, start_date()) or ""})
    return pd.DataFrame(rows)


# --- figures --------------------------------------------------------------------------------

#: The week's figure: inches, and margins as figure fractions (room for the title's two lines
#: above and the two-row legend below).
CALENDAR_SIZE = (7.6, 5.4)
CALENDAR_MARGINS = dict(left=0.085, right=0.985, top=0.87, bottom=0.16)


def _png(fig) -> bytes:
    """PNG bytes of ``fig`` at the screen resolution — the picture ``export.png`` gives — drawn on
    the figure's own canvas, as a 256-colour PNG like the county what-if's figures
    (:func:`linkages.outcomes.figures.canvas_png`): the figures use a few flat colours, so it looks
    the same (no channel off by more than about 15 of 255) in about a third of the bytes, and it
    is quicker to write — what a visitor on a slow connection waits for."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from linkages.outcomes.figures import canvas_png

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    if fig.dpi != X.SCREEN_DPI:
        fig.set_dpi(X.SCREEN_DPI)
    canvas.draw()
    return canvas_png(canvas)


def _rendered(name: str, fig, alt: str) -> X.Rendered:
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    return X.Rendered(name, _png(fig), alt, title)


_WEEKS: dict = {}  # a kept calendar frame (figure, axes, canvas) for the week figure


def week_story(res: FamilyResult, mode: str) -> tuple[str, str]:
    """What the week under ``mode`` says beyond its picture: ``(caption, week)`` — the clashes
    (separate plans) or what the linked plan moved and what still clashes, and every session in
    words (for the caption under the figure and its "the week in words" details)."""
    from linkages.plans.calendar import moves_sentence, week_words

    st = res.story
    plan = st.linked_plan if mode == "linked" else st.wtw_plan + st.cws_plan
    dbl = plan.double_bookings()
    parts = []
    if mode == "linked":
        if not (len(st.wtw_plan) and len(st.cws_plan)):
            parts.append("With only one program's plan there is nothing to link: the week stays as it is.")
        moved = moves_sentence(plan)
        if moved:
            parts.append(moved)
        elif len(st.wtw_plan) and len(st.cws_plan) and not dbl:
            parts.append("Nothing had to move: nothing clashes.")
    if dbl:
        parts.append(("Still double-booked: " if mode == "linked" else "Double-booked: ")
                     + "; ".join(d.sentence() for d in dbl) + ".")
    elif mode != "linked" and len(plan):
        parts.append("Nothing is double-booked.")
    return " ".join(parts), week_words(plan)


def calendar_png(res: FamilyResult, mode: str) -> X.Rendered:
    """The week under ``mode`` ("separate" or "linked"), title saying what linking changes."""
    from linkages.plans.calendar import WeekCanvas

    st = res.story
    sep, lnk = st.wtw_plan + st.cws_plan, st.linked_plan
    a, b = sep.summary(), lnk.summary()

    def words(s):
        db = s["double_bookings"]
        return (f"{_fmt_h(s['hours_demanded'])} hours a week, "
                f"{'no' if db == 0 else db} double-booking{'' if db == 1 else 's'}")

    one_plan = not (len(st.wtw_plan) and len(st.cws_plan))
    same = abs(a["hours_demanded"] - b["hours_demanded"]) < 0.05 and a["double_bookings"] == b["double_bookings"]
    nothing = ("only one program's plan: there is nothing to link" if one_plan
               else "the same as separate plans: nothing is accepted by both")
    if mode == "linked":
        plan = lnk
        title = f"Linked plan: {words(b)}\n" + (nothing if same else f"(separate plans: {words(a)})")
    else:
        plan = sep
        title = (f"Separate plans: {words(a)}\n" + ("linking changes nothing here" if same
                                                   else f"(a linked plan: {words(b)})"))
    flat = " ".join(title.split())
    if not len(plan):
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6, 1.2))
        fig.text(0.5, 0.5, "No case-plan activities this week", ha="center", va="center")
        return X.Rendered(f"calendar_{mode}", _png(fig), f"Weekly calendar. {flat}. No activities to show.", title)
    # one week, drawn at its final size with fixed margins (no second layout pass), so the block
    # labels are fitted to the blocks as shown; both views share the layout (the toggle does not
    # jump), and one frame serves every family (made once, redrawn)
    if "week" not in _WEEKS:
        _WEEKS["week"] = WeekCanvas(1, size=CALENDAR_SIZE, margins=CALENDAR_MARGINS, tight=False)
    week = _WEEKS["week"]
    fig, alt = week.draw(plan, title=title, person=res.family.name, axes_titles=False)
    # the frame (hours, days, legend) drawn once and pasted: only the week is drawn (the same picture)
    from linkages.outcomes.figures import canvas_png

    return X.Rendered(f"calendar_{mode}", canvas_png(week.render(X.SCREEN_DPI)), alt, title)


def _fmt_h(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


_PATH_PANELS = (("grant", "cash grant ($ a month)", False), ("sanctioned", "runs sanctioned", True),
                ("children_in_care", "children in foster care", False),
                ("home_again", "home again, of the runs\nwith children removed", True))


class _PathCanvas:
    """The path figure's frame — four panels, their axes, ticks, labels and legend — made once;
    :meth:`draw` puts one family's bands in it (what differs from family to family: the bands,
    the lines, two panels' vertical range and the title). The family simulator keeps one and
    redraws it for every family; :func:`path_figure` makes a new one each time. Both give the
    same picture (a test holds them to the same pixels)."""

    STYLES = {"separate": ("orange", "--", "separate plans"), "linked": ("blue", "-", "linked plans")}

    def __init__(self, months: int):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D

        from linkages.plans.calendar import OKABE_ITO

        self.months = months
        self.colours = {p: OKABE_ITO[c] for p, (c, _, _) in self.STYLES.items()}
        self.fig = fig = Figure(figsize=(9.5, 5.4))
        FigureCanvasAgg(fig)  # its own canvas: a redraw reuses the renderer (and its text layouts)
        self.axes = axes = fig.subplots(2, 2, sharex=True)
        for ax, (what, label, share) in zip(axes.flat, _PATH_PANELS):
            ax.set_ylabel(label, fontsize=8)
            ax.tick_params(labelsize=7)
            ax.set_xticks([x for x in (1, 6, 12, 18, 24) if x <= max(months, 1)])
            ax.set_xlim(1 - 0.05 * (months - 1), months + 0.05 * (months - 1))
            ax.grid(axis="y", color="0.9")
            if share:
                ax.set_ylim(-0.03, 1.03)
                ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
                ax.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
        for ax in axes[1]:
            ax.set_xlabel("month", fontsize=8)
        handles = [Line2D([], [], color=self.colours[p], linestyle=ls, linewidth=2, label=n)
                   for p, (_, ls, n) in self.STYLES.items()]
        self.legend = fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.945), ncol=2,
                                 fontsize=8, frameon=False, title=" ", title_fontsize=7)
        self.title = fig.suptitle(" ", fontsize=10, y=0.99)
        fig.subplots_adjust(left=0.08, right=0.98, top=0.82, bottom=0.09, hspace=0.12, wspace=0.22)
        self.artists: list = []

    def draw(self, res: FamilyResult):
        """The bands of ``res`` in the frame: ``(fig, alt)``."""
        for a in self.artists:
            a.remove()
        self.artists = []
        months = np.arange(1, len(res.dates) + 1)
        for ax, (what, label, share) in zip(self.axes.flat, _PATH_PANELS):
            top = bottom = 0.0
            for path in ("separate", "linked"):
                colour, ls = self.colours[path], self.STYLES[path][1]
                if what == "home_again":
                    m, n = home_again(res, path)
                    lo, hi = share_band(m, n)
                else:
                    m, lo, hi = band(res.bands[path][what])
                    lo = np.clip(lo, 0, None)
                    if share:
                        hi = np.clip(hi, 0, 1)
                ok = ~np.isnan(m)
                self.artists.append(ax.fill_between(months, lo, hi, where=ok, color=colour, alpha=0.25, linewidth=0,
                                                    hatch="//" if path == "separate" else None))
                self.artists.extend(ax.plot(months, m, color=colour, linestyle=ls, linewidth=2))
                if ok.any():
                    top = max(top, float(np.nanmax(hi)), float(np.nanmax(m)))
                    bottom = min(bottom, float(np.nanmin(lo)))
            if not share:  # the data's range with matplotlib's 5% margins, from 0
                span = (top - bottom) or max(abs(top), 1.0)
                ax.set_ylim(min(0.0, bottom - 0.05 * span), top + 0.05 * span)
        self.legend.set_title(f"mean of {res.replicates} runs; band: its 95% interval "
                              "(lower right: of the runs with children removed)", prop={"size": 7})
        title = _path_headline(res)
        self.title.set_text(title)
        k = res.replicates
        styles = self.STYLES
        g = {p: res.bands[p]["grant"].sum(axis=1).mean() for p in styles}
        sanc = {p: res.bands[p]["sanctioned"].sum(axis=1).mean() for p in styles}
        care = {p: res.bands[p]["children_in_care"][:, -1].mean() for p in styles}
        home = {p: home_again(res, p) for p in styles}

        def again(p):
            share, n = home[p]
            return (f"{_pct(share[-1])} of the {int(n[-1])} run{'' if n[-1] == 1 else 's'} with children removed"
                    if n[-1] > 0 else "no run with children removed")

        alt = (f"Four charts over {len(months)} months, mean of {k} runs of this household with a band for its 95% "
               f"interval, under separate plans (orange, dashed) and linked plans (blue, solid). {title}. Cash aid in "
               f"total: ${g['separate']:,.0f} separate, ${g['linked']:,.0f} linked. Months sanctioned on average: "
               f"{sanc['separate']:.1f} separate, {sanc['linked']:.1f} linked. Children in foster care in the last "
               f"month: {care['separate']:.1f} separate, {care['linked']:.1f} linked. Children home again by the last "
               f"month: separate plans {again('separate')}, linked plans {again('linked')}.")
        return self.fig, alt


def path_figure(res: FamilyResult):
    """Four small panels over the months, separate vs linked: the mean over the replicate runs
    with its 95% interval as a band — cash grant, share of runs sanctioned, children in foster
    care, and, of the runs in which the children have been removed, the share in which they have
    come home (so a path with fewer removals is not made to look worse). A new figure each call."""
    return _PathCanvas(len(res.dates)).draw(res)


_CANVASES: dict = {}


def _path_png(res: FamilyResult) -> X.Rendered:
    """:func:`path_figure` rendered, in a frame kept from family to family (drawn at once, so no
    other caller sees it half drawn)."""
    n = len(res.dates)
    if n not in _CANVASES:
        _CANVASES[n] = _PathCanvas(n)
    return _rendered("paths", *_CANVASES[n].draw(res))


def _path_headline(res: FamilyResult) -> str:
    who, be, pos = _who(res)
    b = res.bands
    k = res.replicates
    kids0 = _in_care_at_start(res.family)
    (s_home, s_n), (l_home, l_n) = home_again(res, "separate"), home_again(res, "linked")
    if kids0 and l_home[-1] - s_home[-1] >= 0.05:
        return (f"With linked plans {pos} children come home in {_pct(l_home[-1])} of runs, "
                f"against {_pct(s_home[-1])} under separate plans")
    s_rem, l_rem = s_n[-1] / k, l_n[-1] / k
    if not kids0 and s_rem - l_rem >= 0.05:
        return (f"With linked plans {pos} children are removed in {_pct(l_rem)} of runs, "
                f"against {_pct(s_rem)} under separate plans")
    s_s, l_s = b["separate"]["sanctioned"].sum(axis=1).mean(), b["linked"]["sanctioned"].sum(axis=1).mean()
    if s_s - l_s >= 0.5:
        return f"With linked plans {who} {be} sanctioned {s_s - l_s:.1f} fewer months on average"
    s_g, l_g = b["separate"]["grant"].sum(axis=1).mean(), b["linked"]["grant"].sum(axis=1).mean()
    if l_g - s_g >= 50:
        return f"With linked plans {pos} family keeps ${l_g - s_g:,.0f} more in cash aid on average"
    return f"For this family, linked plans change little over {len(res.dates)} months"


# --- the page -------------------------------------------------------------------------------

STYLE = """<style>
.lk-fam {max-width: 1100px}
.lk-fam p {line-height: 1.4}
.lk-teaching {display: inline-block; background: #fff3cd; border: 1px solid #E69F00; padding: 2px 8px;
  font-weight: bold; font-size: 13px}
.lk-fam table.lk-num {border-collapse: collapse; font-size: 13px}
.lk-fam table.lk-num td, .lk-fam table.lk-num th {border: 1px solid #ccc; padding: 2px 8px; text-align: right}
.lk-fam table.lk-num td:first-child, .lk-fam table.lk-num th:first-child {text-align: left}
.lk-fam table.lk-num tr.lk-current {background: #e8f3fb; font-weight: bold}
.lk-fam table.lk-params {border-collapse: collapse; font-size: 12px}
.lk-fam table.lk-params td, .lk-fam table.lk-params th {border: 1px solid #ddd; padding: 1px 6px}
.lk-fam .lk-assumption {color: #8a4b00; font-weight: bold}
.lk-fam .lk-vignette {background: #f6f6f6; border-left: 4px solid #56B4E9; padding: 4px 10px; font-size: 14px}
.lk-fam .lk-summary p {margin: 4px 0; font-size: 15px}
.lk-problem {color: #8a2c00; white-space: pre-wrap}
.lk-ok {color: #00573f}
.lk-fam .lk-stale img {opacity: 0.35}
.lk-fam .lk-downloads {font-size: 13px; margin: 8px 0} .lk-fam .lk-downloads a {margin: 0 2px}
.lk-fam .lk-summary h4 {margin: 12px 0 2px; font-size: 14px}
.lk-fam .lk-week-caption {font-size: 14px; margin: 4px 0}
.lk-fam details.lk-week-words {font-size: 13px; margin: 2px 0 8px}
/* keyboard: a visible focus ring on every control */
.lk-fam button:focus-visible, .lk-fam select:focus-visible, .lk-fam input:focus-visible,
.lk-fam a:focus-visible, .lk-fam summary:focus-visible {outline: 3px solid #0072B2; outline-offset: 2px}
/* toggle buttons: the chosen one carries a tick (not colour alone), and each button tells a
   screen reader its group and whether it is chosen (the text after the slash is what is read) */
.lk-fam .lk-source .widget-toggle-button::before {content: "" / "Family: "}
.lk-fam .lk-source .widget-toggle-button.mod-active::before {content: "\\2713\\00a0" / "Family, chosen: "}
.lk-fam .lk-adults .widget-toggle-button::before {content: "" / "Adults: "}
.lk-fam .lk-adults .widget-toggle-button.mod-active::before {content: "\\2713\\00a0" / "Adults, chosen: "}
.lk-fam .lk-mode .widget-toggle-button::before {content: "" / "Show the week as: "}
.lk-fam .lk-mode .widget-toggle-button.mod-active::before {content: "\\2713\\00a0" / "Week shown as: "}
</style>"""


def _table_html(df: pd.DataFrame, current: str | None = None) -> str:
    heads = {"plans": "", "welfare_to_work_hours": "welfare-to-work hours", "case_plan_hours": "case plan hours",
             "activity_hours": "activity hours", "travel_hours": "travel hours",
             "hours_asked_per_week": "hours asked a week", "double_bookings": "double-bookings",
             "hours_required_by_calworks": "hours CalWORKs requires"}
    cols = list(df.columns)
    out = ["<table class='lk-num lk-hours'><thead><tr>"
           + "".join(f"<th>{html.escape(heads.get(c, c))}</th>" for c in cols) + "</tr></thead><tbody>"]
    for r in df.itertuples(index=False):
        cls = " class='lk-current'" if current and r[0] == current else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in r) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _cell(v) -> str:
    if isinstance(v, float):
        return _fmt_h(v)
    return str(v)


def _params_html(df: pd.DataFrame) -> str:
    rows = []
    for r in df.itertuples(index=False):
        st = (f"<span class='lk-assumption'>assumption</span>" if r.status == "assumption" else html.escape(r.status))
        rows.append(f"<tr><td>{html.escape(r.parameter)}</td><td>{html.escape(f'{r.value:g}')}</td><td>{st}</td>"
                    f"<td>{html.escape(str(r.source))}</td></tr>")
    return ("<table class='lk-params'><thead><tr><th>parameter</th><th>value</th><th>status</th><th>source</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def build_app():
    """The simulator as one ipywidgets box."""
    import ipywidgets as w

    try:
        choices = cast_choices()
        counties = _counties()
    except Exception:  # noqa: BLE001 - the page must still open
        log.exception("family simulator: cast failed")
        return w.VBox([w.HTML(STYLE), w.HTML("<p class='lk-problem'>The teaching cast could not be read on this "
                                             "machine. Restart the page; if it happens again, tell the trainer.</p>")])

    wide = {"description_width": "150px"}
    source = w.ToggleButtons(options=[("A family from the cast", "cast"), ("Describe a family", "describe")],
                             value="cast", description="Family", style={**wide, "button_width": "190px"}
                             ).add_class("lk-source")
    family = w.Dropdown(options=choices, value=DEFAULT_FAMILY if DEFAULT_FAMILY in dict(
        (v, k) for k, v in choices) else choices[0][1], description="Household",
                        layout=w.Layout(width="900px"), style=wide).add_class("lk-family")
    adults = w.ToggleButtons(options=[("1 adult", 1), ("2 adults", 2)], value=1, description="Adults",
                             style={**wide, "button_width": "90px"}).add_class("lk-adults")
    ages = w.Text(value="2, 7", description="Children's ages", placeholder="e.g. 2, 7", continuous_update=False,
                  style=wide, layout=w.Layout(width="320px")).add_class("lk-ages")
    ages_msg = w.HTML().add_class("lk-ages-msg")
    county = w.Dropdown(options=counties, value="Alameda" if "Alameda" in counties else counties[0],
                        description="County", style=wide).add_class("lk-county")
    calworks = w.Dropdown(options=WORK_STATUS, value="participating", description="CalWORKs", style=wide,
                          layout=w.Layout(width="460px")).add_class("lk-calworks")
    cws = w.Dropdown(options=CW_STATUS, value="family_maintenance", description="Child welfare", style=wide,
                     layout=w.Layout(width="460px")).add_class("lk-cws")
    cws_msg = w.HTML().add_class("lk-cws-msg")
    barrier_boxes = {b: w.Checkbox(value=b in ("mental_health",), description=lab, indent=False,
                                   layout=w.Layout(width="190px")).add_class(f"lk-barrier-{b}")
                     for b, lab in BARRIER_LABELS.items()}
    describe_box = w.VBox([
        adults, w.HBox([ages, ages_msg]), county, calworks, w.HBox([cws, cws_msg]),
        w.HTML("<b>Barriers</b> (each adds its services to the plans)"),
        w.HBox(list(barrier_boxes.values())[:4]), w.HBox(list(barrier_boxes.values())[4:]),
    ]).add_class("lk-describe")
    describe_box.layout.display = "none"

    vignette = w.HTML().add_class("lk-vignette-box")
    mode = w.ToggleButtons(options=[("Separate plans", "separate"), ("Linked plan", "linked")], value="separate",
                           description="Show the week as", style={**wide, "button_width": "150px"}
                           ).add_class("lk-mode")
    calendar = w.HTML().add_class("lk-calendar")
    week_text = w.HTML().add_class("lk-week-text")
    hours = w.HTML().add_class("lk-hours-box")
    summary = w.HTML().add_class("lk-summary")
    paths = w.HTML().add_class("lk-paths")
    downloads = w.HTML().add_class("lk-export")
    status = w.HTML().add_class("lk-status")
    try:
        params_html = _params_html(assumptions_table())
    except Exception:  # noqa: BLE001
        log.exception("assumptions table failed")
        params_html = "<p>The assumptions table could not be read.</p>"
    assumptions = w.HTML(
        "<details class='lk-assumptions'><summary><b>Assumptions behind these paths</b> (values marked "
        "<span class='lk-assumption'>assumption</span> have no published source; the kit says so)</summary>"
        + params_html + "</details>")

    state: dict = {"res": None}

    def current_family() -> FamilyInput | None:
        if source.value == "cast":
            return cast_family(family.value)
        ages_msg.value = cws_msg.value = ""
        try:
            return describe_family(int(adults.value), ages.value, county.value, calworks.value, cws.value,
                                   [b for b, cb in barrier_boxes.items() if cb.value])
        except InputError as exc:
            target = ages_msg if exc.field == "ages" else cws_msg
            target.value = (f"<span class='lk-problem'>{html.escape(str(exc))} The family on screen is "
                            "unchanged.</span>")
            return None

    later = X.Later(on_error=lambda exc: setattr(status, "value", "<p class='lk-problem'>A figure could not be "
                                                                   "drawn; the numbers above are current.</p>"))

    def fig(res: FamilyResult, name: str) -> X.Rendered:
        """The family's figure ``name`` ("paths", "calendar_separate", "calendar_linked"), kept."""
        key = (res.family.key, name)
        if key not in _FIGURES:
            _FIGURES[key] = (_path_png(res) if name == "paths" else calendar_png(res, name.split("_", 1)[1]))
            while len(_FIGURES) > 60:
                _FIGURES.pop(next(iter(_FIGURES)))
        return _FIGURES[key]

    def figs_ready(res: FamilyResult) -> list:
        names = [f"calendar_{mode.value}", "paths"]
        return [_FIGURES[(res.family.key, n)] for n in names if (res.family.key, n) in _FIGURES]

    def show_hours():
        res = state["res"]
        hours.value = _table_html(hours_table(res), current="linked plan" if mode.value == "linked" else "separate plans")
        caption, week = week_story(res, mode.value)
        shown = "the linked plan" if mode.value == "linked" else "the separate plans"
        week_text.value = ((f"<p class='lk-week-caption'>{html.escape(caption)}</p>" if caption else "")
                           + (f"<details class='lk-week-words'><summary>The week in words ({shown})</summary>"
                              f"<p>{html.escape(week)}.</p></details>" if week else ""))

    def show_calendar(res):
        if state["res"] is not res:
            return
        calendar.value = X.img_html(fig(res, f"calendar_{mode.value}"), "lk-figure lk-calendar-img")
        calendar.remove_class("lk-stale")

    def show_paths(res):
        if state["res"] is not res:
            return
        paths.value = X.img_html(fig(res, "paths"), "lk-figure lk-paths-img")
        paths.remove_class("lk-stale")

    def refresh_downloads():
        res = state["res"]
        if res is None:
            return
        m = mode.value
        figs = figs_ready(res)
        page = X.summary_page(
            f"Family case-plan simulator: {res.family.name}",
            summary_sentences(res),
            subtitle=(f"{res.family.vignette} Week shown: {'linked plan' if m == 'linked' else 'separate plans'}. "
                      f"{MONTHS} months from {start_date():%B %Y}, {res.replicates} runs per path."),
            figures=figs,
            tables=[("The week", _table_html(hours_table(res), current="linked plan" if m == "linked"
                                             else "separate plans"))],
            notes=["Separate plans: no coordination. Linked plans: the family is identified as shared and every "
                   "Linkages practice is in place at full strength.",
                   "Effects of the Linkages practices are assumptions: no published study measures them. "
                   "See the assumptions table in the simulator."])
        stem = f"family_{X.slug(res.family.name)}"
        downloads.value = X.links_html(X.Bundle(stem, figs, [("week", "The week (CSV)", hours_table(res)),
                                                            ("paths", "The 24-month paths (CSV)", paths_table(res))],
                                                page))

    idle = X.Idle(busy=lambda: later.pending)

    def head_start():
        """While the visitor reads: the other cast families' runs and figures, one step at a time
        (the family they pick next is then on screen at once)."""
        ids = [v for _, v in choices]
        here = ids.index(family.value) if family.value in ids else 0
        for hid in ids[here + 1:] + ids[:here]:
            def result(hid=hid):
                return family_result(cast_family(hid))
            yield result
            for name in ("calendar_separate", "paths", "calendar_linked"):
                yield lambda result=result, name=name: fig(result(), name)
        yield X.release_memory

    def redraw(*_):
        """Now: the family, the hours and the sentences. Then, step by step: the figures."""
        try:
            f = current_family()
            if f is None:
                return
            res = family_result(f)
            state["res"] = res
            calendar.add_class("lk-stale")  # before the numbers: the figures below are now old
            paths.add_class("lk-stale")
            vignette.value = f"<div class='lk-vignette'>{html.escape(f.vignette)}</div>"
            show_hours()
            summary.value = "<h3>What happens</h3>" + "".join(
                (f"<h4>{html.escape(head)}</h4>" if i else "") + "".join(f"<p>{html.escape(x)}</p>" for x in group)
                for i, (head, group) in enumerate(g for g in summary_groups(res) if g[1]))
            # the downloads (figures and summary embedded) are made once, after the figures: only a
            # short line now, so the first message of a change is the numbers
            downloads.value = X.pending_links("family")
            status.value = ""
            other = "linked" if mode.value == "separate" else "separate"
            later.start([lambda: show_calendar(res), lambda: show_paths(res),
                         lambda: state["res"] is res and refresh_downloads(),  # with the figures, once
                         lambda: fig(res, f"calendar_{other}"),  # the toggle is then instant
                         X.release_memory,
                         lambda: idle.started or idle.start(head_start())])
        except Exception:  # noqa: BLE001
            log.exception("family simulator redraw failed")
            status.value = ("<p class='lk-problem'>That family could not be simulated; the page shows the last one "
                            "that could.</p>")

    def on_mode(*_):
        try:
            if state["res"] is None:
                return
            show_hours()
            show_calendar(state["res"])
            refresh_downloads()
            status.value = ""
        except Exception:  # noqa: BLE001
            log.exception("family simulator week failed")
            status.value = "<p class='lk-problem'>That week could not be drawn.</p>"

    def on_source(*_):
        family.layout.display = None if source.value == "cast" else "none"
        describe_box.layout.display = None if source.value == "describe" else "none"
        redraw()

    source.observe(on_source, names="value")
    family.observe(redraw, names="value")
    for c in (adults, ages, county, calworks, cws, *barrier_boxes.values()):
        c.observe(redraw, names="value")
    mode.observe(on_mode, names="value")
    redraw()

    return w.VBox([
        w.HTML(STYLE),
        w.HTML("<h2>Family case-plan simulator</h2>"
               f"<p><span class='lk-teaching'>{X.TEACHING_LABEL}</span></p>"
               "<p>Choose a family. See what CalWORKs welfare-to-work and child welfare ask of the parent each week, "
               "side by side or as one linked plan, and how the next 24 months can go under each: the grant, "
               f"sanctions, the children in foster care and coming home. The bands show {REPLICATES} runs of the "
               "same family: chance matters as much as the plan.</p>"),
        source, family, describe_box, vignette,
        w.HTML("<h3>The week</h3>"), mode, calendar, week_text, hours,
        summary,
        w.HTML(f"<h3>The next {MONTHS} months</h3>"), paths,
        assumptions, downloads, status,
    ]).add_class("lk-fam")


def app():
    """Build the simulator and display it (the notebook's one line)."""
    from IPython.display import display

    display(build_app())
