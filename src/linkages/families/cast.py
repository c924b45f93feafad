"""The teaching cast: twelve hand-written synthetic households (``cast.yaml``) that the learner
modules follow, turned into the same three tables the generator makes. Identifiers, birth dates
and case-plan activities are filled in deterministically from the seed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..params import value
from .generate import BARRIERS, Population, activities_for

__all__ = ["build_cast"]

CAST_FILE = Path(__file__).parent / "cast.yaml"


def _months_ago(on: dt.date, months: int, day_offset: int) -> pd.Timestamp:
    return pd.Timestamp(on) - pd.Timedelta(days=int(round(months * 30.44)) + day_offset)


def build_cast(seed: int = 2026) -> Population:
    spec = yaml.safe_load(CAST_FILE.read_text(encoding="utf-8"))
    on = spec["as_of"] if isinstance(spec["as_of"], dt.date) else dt.date.fromisoformat(spec["as_of"])
    rng = np.random.default_rng([seed, 7])
    region1 = set(value("calworks.region1_counties", on))
    rows, people = [], []
    for h in spec["households"]:
        ages = sorted(int(c["age"]) for c in h["children"])
        comp = h.get("cw_component", "none")
        offset = int(rng.integers(0, 20))
        removal = _months_ago(on, h["removal_months_ago"], offset) if "removal_months_ago" in h else pd.NaT
        if comp == "none":
            start = pd.NaT
        elif removal is not pd.NaT:
            start = removal - pd.Timedelta(days=3)
        else:
            start = _months_ago(on, h.get("case_open_months_ago", 1), offset)
        barriers = set(h.get("barriers", []))
        rows.append({
            "household_id": h["id"],
            "county": h["county"],
            "region": 1 if h["county"] in region1 else 2,
            "n_adults": len(h["adults"]),
            "n_children": len(ages),
            "children_ages": ";".join(map(str, ages)),
            "youngest_age": ages[0],
            "parent_age": int(h["adults"][0]["age"]),
            "exempt_map": bool(h.get("exempt_map", False)),
            "earnings": float(h.get("earnings", 0.0)),
            "employed_persons": int(h.get("employed_persons", 0)),
            "months_on_aid": int(h.get("months_on_aid", 0)),
            "clock_months_used": int(h.get("clock_months_used", 0)),
            "work_status": h.get("work_status", "none") if "calworks" in h["programs"] else "none",
            **{b: b in barriers for b in BARRIERS},
            "cw_component": comp,
            "cw_start_date": start,
            "removal_date": removal,
            "children_removed": int(h.get("children_removed", 0)),
            "in_calworks": "calworks" in h["programs"],
            "in_cws": "cws" in h["programs"],
            "shared": "calworks" in h["programs"] and "cws" in h["programs"],
            "vignette": " ".join(h["vignette"].split()),
        })
        family_last = h["adults"][0]["last"]
        members = [(a, "adult", a["last"]) for a in h["adults"]]
        members += [(c, "child", c.get("last", family_last)) for c in sorted(h["children"], key=lambda c: c["age"])]
        for k, (p, role, last) in enumerate(members, 1):
            days = int(rng.integers(0, 365))
            birth = pd.Timestamp(on) - pd.Timedelta(days=int(p["age"] * 365.25) + days)
            serial = int(rng.integers(0, 100 * 100 * 10_000))
            people.append({
                "household_id": h["id"], "person_id": f"{h['id']}-P{k}", "role": role,
                "first_name": p["first"], "last_name": last, "sex": p["sex"],
                "birth_date": birth, "age": int(p["age"]),
                "ssn": f"{900 + serial // 1_000_000:03d}-{(serial // 10_000) % 100:02d}-{serial % 10_000:04d}",
            })
    hh = pd.DataFrame(rows)
    hh["cw_start_date"] = pd.to_datetime(hh["cw_start_date"])
    hh["removal_date"] = pd.to_datetime(hh["removal_date"])
    members = pd.DataFrame(people)
    members["ssn"] = members["ssn"].astype("string")
    acts = activities_for(hh, np.random.default_rng([seed, 8]), on)
    return Population(hh, members, acts)
