"""The teaching cast: twelve curated synthetic households (``cast.yaml``) that the learner
modules follow, as the same three tables the generator makes.

The YAML file holds every curated value (people, circumstances, dates, vignettes); the rest is
filled in with the generator's own functions from a fixed seed: birth dates that fit each age
(and come before a removal), synthetic 9xx identifiers, and both programs' case-plan activities.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from ..yamlio import safe_load

from ..params import as_date, value
from .activities import activities_for
from .generate import DEFAULT_SEED, Population, _typed
from .households import BARRIERS
from .members import birth_dates, synthetic_ssns

__all__ = ["build_cast", "cast_spec", "CAST_FILE"]

CAST_FILE = Path(__file__).parent / "cast.yaml"
#: Sub-streams of the seed for the cast (distinct from the generator's).
STREAM_CAST_PEOPLE, STREAM_CAST_ACTIVITIES = 7, 8


@lru_cache(maxsize=1)
def cast_spec() -> dict:
    return safe_load(CAST_FILE.read_text(encoding="utf-8"))


def _date(v) -> pd.Timestamp:
    return pd.Timestamp(as_date(v)) if v not in (None, "") else pd.NaT


def build_cast(seed: int = DEFAULT_SEED) -> Population:
    """The cast's households, members and activities (the same every time for the same seed)."""
    spec = cast_spec()
    on = as_date(spec["as_of"])
    defaults = spec.get("defaults", {})
    region1 = set(value("calworks.region1_counties", on))
    rows, people = [], []
    for h in spec["households"]:
        h = {**defaults, **h}
        programs = set(h["programs"])
        ages = sorted(int(c["age"]) for c in h["children"])
        barriers = set(h["barriers"])
        rows.append({
            "household_id": h["id"], "county": h["county"], "region": 1 if h["county"] in region1 else 2,
            "n_adults": len(h["adults"]), "n_children": len(ages),
            "children_ages": ";".join(map(str, ages)), "youngest_age": ages[0],
            "parent_age": int(h["adults"][0]["age"]), "exempt_map": bool(h["exempt_map"]),
            "earnings": float(h["earnings"]), "employed_persons": int(h["employed_persons"]),
            "months_on_aid": int(h["months_on_aid"]), "clock_months_used": int(h["clock_months_used"]),
            "work_status": h["work_status"] if "calworks" in programs else "none",
            **{b: b in barriers for b in BARRIERS},
            "cw_component": h["cw_component"],
            "cw_start_date": _date(h.get("cw_start_date")), "removal_date": _date(h.get("removal_date")),
            "children_removed": int(h["children_removed"]),
            "in_calworks": "calworks" in programs, "in_cws": "cws" in programs,
            "shared": {"calworks", "cws"} <= programs,
            "vignette": " ".join(h["vignette"].split()),
        })
        children = sorted(h["children"], key=lambda c: c["age"])
        removed_from = len(children) - int(h["children_removed"])  # the oldest children are the removed ones
        family_last = h["adults"][0]["last"]
        for k, p in enumerate(h["adults"] + children):
            is_child = k >= len(h["adults"])
            people.append({
                "household_id": h["id"], "person_id": f"{h['id']}-P{k + 1}",
                "role": "child" if is_child else "adult", "first_name": p["first"],
                "last_name": p.get("last", family_last), "sex": p["sex"], "age": int(p["age"]),
                "born": p.get("born"),
                "latest": rows[-1]["removal_date"] if is_child and k - len(h["adults"]) >= removed_from else pd.NaT,
            })
    hh = pd.DataFrame(rows)
    members = pd.DataFrame(people)
    rng = np.random.default_rng([seed, STREAM_CAST_PEOPLE])
    latest = pd.to_datetime(members["latest"]).to_numpy().astype("datetime64[D]")
    drawn = birth_dates(rng, members["age"].to_numpy(), on, latest)
    given = pd.to_datetime(members["born"].map(lambda d: as_date(d) if d else None)).to_numpy().astype("datetime64[D]")
    members["birth_date"] = np.where(np.isnat(given), drawn, given).astype("datetime64[ns]")
    members["ssn"] = synthetic_ssns(rng, len(members), on)
    members = members.drop(columns=["born", "latest"])
    acts = activities_for(hh, np.random.default_rng([seed, STREAM_CAST_ACTIVITIES]), on)
    return Population(_typed("households", hh), _typed("members", members), _typed("activities", acts))


def as_of() -> dt.date:
    """The date the cast describes."""
    return as_date(cast_spec()["as_of"])
