"""Short, readable, person-first and strengths-based vignettes for synthetic households.

A vignette describes people, not labels: "a parent in recovery", never a deficit noun. The
phrases are data (``vignettes.yaml``); this module only chooses and fills them, deterministically
from the household's own columns so the same household always reads the same.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

__all__ = ["vignettes", "phrases"]


@lru_cache(maxsize=1)
def phrases() -> dict:
    return yaml.safe_load((Path(__file__).parent / "vignettes.yaml").read_text(encoding="utf-8"))


def _fill(text: str, sex: str) -> str:
    she, her = ("she", "her") if sex == "F" else ("he", "his")
    return (text.replace("{she}", she).replace("{She}", she.capitalize())
            .replace("{her}", her).replace("{Her}", her.capitalize()))


@lru_cache(maxsize=1)
def _by_sex() -> dict:
    """Every phrase list with its pronouns already filled, for "F" and for "M"."""
    P = phrases()
    out = {}
    for sex in ("F", "M"):
        d = {k: [_fill(t, sex) for t in v] for k, v in P.items() if isinstance(v, list)}
        d["child_welfare"] = {c: [_fill(t, sex) for t in v] for c, v in P["child_welfare"].items()}
        out[sex] = d
    return out


def _index(keys: list[str], salt: str) -> list[int]:
    return [zlib.crc32((k + salt).encode()) for k in keys]


def _names_by_household(members: pd.DataFrame) -> dict[str, tuple[list, list]]:
    out: dict[str, tuple[list, list]] = {}
    cols = [members[c].to_numpy(dtype=object).tolist() for c in ("household_id", "first_name", "role", "age", "sex")]
    for hid, first, role, age, sex in zip(*cols):
        adults, kids = out.setdefault(hid, ([], []))
        (adults if role == "adult" else kids).append((first, int(age), sex))
    return out


def _kids_text(kids: list) -> str:
    parts = [f"{n} ({a})" for n, a, _ in kids]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def vignettes(hh: pd.DataFrame, members: pd.DataFrame) -> list[str]:
    """One vignette per household row, chosen from the phrase lists by a hash of its id."""
    by = _names_by_household(members)
    S = _by_sex()
    cols = ["household_id", "county", "earnings", "work_status", "cw_component", "substance_use",
            "domestic_violence", "housing_instability", "limited_english"]
    data = {c: hh[c].to_numpy(dtype=object).tolist() for c in cols}
    ids = data["household_id"]
    h = _index(ids, "")
    out = []
    for i, hid in enumerate(ids):
        adults, kids = by[hid]
        name, age, sex = adults[0]
        P = S[sex]
        k = h[i]
        if len(adults) == 1:
            lead = f"{name}, {age}, is raising {_kids_text(kids)} in {data['county'][i]} County."
        else:
            lead = f"{name} and {adults[1][0]} are raising {_kids_text(kids)} in {data['county'][i]} County."
        parts = [lead, P["strengths"][k % len(P["strengths"])]]
        if data["earnings"][i] > 0:
            parts.append(P["working"][k % len(P["working"])])
        if data["substance_use"][i]:
            parts.append(P["recovery"][k % len(P["recovery"])])
        if data["domestic_violence"][i]:
            parts.append(P["safety"][k % len(P["safety"])])
        if data["housing_instability"][i]:
            parts.append(P["housing"][k % len(P["housing"])])
        if data["limited_english"][i]:
            parts.append(P["language"][k % len(P["language"])])
        comp = P["child_welfare"].get(data["cw_component"][i])
        if comp:
            parts.append(comp[k % len(comp)])
        if data["work_status"][i] == "sanctioned":
            parts.append(P["sanction"][k % len(P["sanction"])])
        out.append(" ".join(parts[:4]))
    return out
