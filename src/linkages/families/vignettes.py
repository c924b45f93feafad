"""Short, readable, person-first and strengths-based vignettes for generated households.

A vignette describes people, not labels ("a parent in recovery", never a deficit noun). The
phrases are data (``vignettes.yaml``); this module chooses and fills them with vectorised string
operations over the caseload: each template is split at its ``{placeholders}`` and its pieces
concatenated as NumPy object arrays, one phrase at a time, for the households that drew it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from ..yamlio import safe_load

from ..params import value
from .households import REMOVAL_COMPONENTS
from .members import months_old
from .names import languages

__all__ = ["vignettes", "phrases", "PLACEHOLDER"]

PLACEHOLDER = re.compile(r"\{(\w+)\}")
CW_FOCUS = (("recovery", "substance_use"), ("safety", "domestic_violence"), ("mental_health", "mental_health"))


@lru_cache(maxsize=1)
def phrases() -> dict:
    return safe_load((Path(__file__).parent / "vignettes.yaml").read_text(encoding="utf-8"))


def _render(template: str, fields: dict, mask: np.ndarray) -> np.ndarray:
    """``template`` filled for the rows in ``mask``; a field is an array over all rows or a str."""
    if template.startswith("{She} "):
        template = "{Subject}" + template[len("{She}"):]
    size = int(mask.sum())
    out = np.full(size, "", dtype=object)
    for i, piece in enumerate(PLACEHOLDER.split(template)):
        if i % 2 == 0:
            if piece:
                out = out + piece
        else:
            f = fields[piece]
            out = out + (f if isinstance(f, str) else f[mask])
    return out


def _fill(out: np.ndarray, lists: list[list[str]], which: np.ndarray, u: np.ndarray, fields: dict) -> None:
    """For households with ``which == j`` (j ≥ 0), one phrase of ``lists[j]`` chosen by ``u``."""
    for j, options in enumerate(lists):
        sel = which == j
        if not sel.any():
            continue
        k = (u * len(options)).astype(int)
        for i, template in enumerate(options):
            m = sel & (k == i)
            if m.any():
                out[m] = _render(template, fields, m)


def _child_words(people: dict, kids: np.ndarray, removed: np.ndarray) -> dict:
    """Words for "the children" that fit the household: the only child's name, or the children;
    and for the removed ones (the oldest): a name, "the children" or "the older children"."""
    name = people["first_name"][people["child"]]
    start = np.cumsum(kids) - kids
    only = name[np.minimum(start, len(name) - 1)] if len(name) else np.full(kids.size, "", dtype=object)
    oldest = name[np.maximum(start + kids - 1, 0)] if len(name) else only
    one = kids == 1
    in_care = np.where(removed == 1, oldest, np.where(removed == kids, "the children", "the older children"))
    capital = np.where(removed == 1, oldest, np.where(removed == kids, "The children", "The older children"))
    return {"the_children": np.where(one, only, "the children").astype(object),
            "are": np.where(one, "is", "are").astype(object),
            "in_care": in_care.astype(object), "In_care": capital.astype(object),
            "have": np.where(removed == 1, "has", "have").astype(object)}


def _kids_text(people: dict, kids: np.ndarray, on: dt.date) -> np.ndarray:
    """"Leo (2) and Ana (7)"; a baby's age in months."""
    child = people["child"]
    name = people["first_name"][child]
    age = people["age"][child]
    months = months_old(people["birth_date"][child], on)
    label = np.array([str(a) for a in range(100)], dtype=object)[np.clip(age, 0, 99)]
    month_label = np.array(["newborn", "1 month"] + [f"{m} months" for m in range(2, 12)], dtype=object)
    label = np.where(age == 0, month_label[np.clip(months, 0, 11)], label)
    each = name + " (" + label + ")"
    start = np.cumsum(kids) - kids  # this household's first child among all children
    out = each[start]
    for j in range(1, int(kids.max(initial=1))):
        has = j < kids
        nxt = each[np.minimum(start + j, len(each) - 1)]
        sep = np.where(j == kids - 1, " and ", ", ")
        out = np.where(has, out + sep + nxt, out)
    return out


def vignettes(hh: pd.DataFrame, people: dict, rng: np.random.Generator, on: dt.date,
              name_group: np.ndarray) -> np.ndarray:
    """One vignette per household row (an object array of str). ``people`` holds the members'
    arrays in members-table order (first_name, sex, child, age, birth_date)."""
    P = phrases()
    n = len(hh)
    adults = hh["n_adults"].to_numpy()
    kids = hh["n_children"].to_numpy()
    first_row = np.cumsum(adults + kids) - (adults + kids)
    first = people["first_name"]
    sexes = people["sex"]
    name = first[first_row]
    female = sexes[first_row] == "F"
    two = adults == 2
    partner = np.where(two, first[np.minimum(first_row + 1, len(first) - 1)], "")
    she = np.where(female, "she", "he").astype(object)
    her = np.where(female, "her", "his").astype(object)
    Cap = lambda a: np.where(female, a[0], a[1]).astype(object)  # noqa: E731
    lang_lists = languages()
    flat = np.array([x for lst in lang_lists for x in lst] + [""], dtype=object)
    size = np.array([len(lst) for lst in lang_lists])
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    pick = start[name_group] + (rng.random(n) * size[name_group]).astype(int)
    lang = np.where(size[name_group] > 0, flat[np.minimum(pick, len(flat) - 1)], "")
    fields = {
        "name": name,
        "age": hh["parent_age"].to_numpy().astype(str).astype(object),
        "partner": partner,
        "children": _kids_text(people, kids, on),
        "county": hh["county"].to_numpy(dtype=object),
        "parent": np.where(female, "mother", "father").astype(object),
        "She": Cap(("She", "He")), "she": she, "Her": Cap(("Her", "His")), "her": her,
        "them": np.where(female, "her", "him").astype(object),
        "Subject": np.where(two, name, Cap(("She", "He"))).astype(object),
        "language": lang,
        "limit": str(value("calworks.time_limit.adult_months", on)),
        **_child_words(people, kids, hh["children_removed"].to_numpy()),
    }

    # 1. who
    apart = np.isin(hh["cw_component"].to_numpy(), REMOVAL_COMPONENTS) & (hh["children_removed"].to_numpy() == kids)
    lead_key = np.where(two, np.where(apart, 3, 1), np.where(apart, 2, 0))
    lead = np.empty(n, dtype=object)
    _fill(lead, [[P["lead"][k]] for k in ("one", "two", "one_apart", "two_apart")], lead_key, np.zeros(n), fields)

    # 2. a strength, or their work
    b = lambda c: hh[c].to_numpy(dtype=bool)  # noqa: E731
    second_key = np.where(hh["earnings"].to_numpy() > 0, 2, np.where(b("no_diploma"), 1, 0))
    second = np.empty(n, dtype=object)
    _fill(second, [P["strengths"], P["strengths_no_diploma"], P["working"]], second_key, rng.random(n), fields)

    # 3. one circumstance, the first that applies
    C = P["circumstances"]
    comp = hh["cw_component"].to_numpy()
    status = hh["work_status"].to_numpy()
    lists, conds = [], []
    for component, by_focus in C["child_welfare"].items():
        for focus, barrier in CW_FOCUS:
            if focus in by_focus:
                lists.append(by_focus[focus])
                conds.append((comp == component) & b(barrier))
        lists.append(by_focus["general"])
        conds.append(comp == component)
    timed_out = b("in_calworks") & (hh["clock_months_used"].to_numpy() >= int(fields["limit"]))
    for key, cond in (("sanctioned", status == "sanctioned"), ("timed_out", timed_out),
                      ("non_compliant", status == "non_compliant"), ("recovery", b("substance_use")),
                      ("safety", b("domestic_violence")), ("housing", b("housing_instability")),
                      ("language", b("limited_english") & (lang != "")), ("disability", b("disability")),
                      ("transportation", b("transportation"))):
        lists.append(C[key])
        conds.append(cond)
    which = np.select(conds, np.arange(len(conds)), -1) if conds else np.full(n, -1)
    third = np.full(n, "", dtype=object)
    _fill(third, lists, which, rng.random(n), {**fields, "Subject": fields["She"]})  # the name was just said

    return lead + " " + second + np.where(third != "", " " + third, "")
