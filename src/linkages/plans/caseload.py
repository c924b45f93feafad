"""The same plan arithmetic as :mod:`linkages.plans.core`, vectorised over a caseload's activity
table (one row per activity, the columns of ``linkages.families`` activities).

:func:`caseload_metrics` returns one row per household with, for the welfare-to-work plan alone,
the case plan alone, both side by side ("sep") and the linked plan: activity hours, place-days
(trips) and double-bookings. The simulation reads these; the tests hold every number to the
per-household :class:`~linkages.plans.core.Plan` methods.

The linked plan's sessions that still clash are moved as :func:`linkages.plans.core.link` moves
them (step 3, the week the two workers agree: :func:`linkages.plans.week.agree`, the same code,
run here for all the households that need it at once — both plans, and a double-booking left once
shared activities are counted once; no other household has anything to move).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .core import DAYS, PlanError, _DEFAULT_DATE, _norm, fixed_activities, linked_reduction, paid_work_activities
from .week import agree

__all__ = ["caseload_metrics", "METRIC_COLUMNS"]

METRIC_COLUMNS = [
    "wtw_hours", "cws_hours", "credit_hours", "linked_cut_hours",
    "wtw_place_days", "cws_place_days", "sep_place_days", "linked_place_days",
    "wtw_double", "cws_double", "sep_double", "linked_double",
]
_NEED = ["household_id", "plan", "activity", "hours_per_week", "place", "days", "start_hour", "accepted_by"]


def _overlap_pairs(group: np.ndarray, start: np.ndarray, end: np.ndarray, owner: np.ndarray, n: int,
                   order: np.ndarray | None = None) -> np.ndarray:
    """Count overlapping pairs of sessions within each ``group`` (household x day), per owner.
    ``order``: the sessions sorted by group then start, when the caller has it already."""
    out = np.zeros(n, dtype=np.int64)
    if group.size < 2:
        return out
    if order is None:
        order = np.lexsort((start, group))
    g, s, e, o = group[order], start[order], end[order], owner[order]
    k = 1
    while k < g.size:
        same = g[k:] == g[:-k]
        if not same.any():
            break
        hit = same & (s[k:] < e[:-k])
        out += np.bincount(o[:-k][hit], minlength=n)
        k += 1
    return out


def _codes(col: pd.Series) -> tuple[np.ndarray, list[str]]:
    """A text column as integer codes and its distinct values as ``str`` (missing reads "nan",
    as ``astype(str)`` reads it)."""
    code, uniq = pd.factorize(col, use_na_sentinel=False)
    return code, [str(u) for u in uniq]


def _place_days(hh: np.ndarray, day: np.ndarray, place: np.ndarray, n: int, n_places: int) -> np.ndarray:
    if hh.size == 0:
        return np.zeros(n, dtype=np.int64)
    key = np.sort((hh.astype(np.int64) * 7 + day) * max(n_places, 1) + place)
    uniq = key[np.r_[True, key[1:] != key[:-1]]]
    return np.bincount(uniq // (7 * max(n_places, 1)), minlength=n).astype(np.int64)


def _exclusive_group_cumsum(group: np.ndarray, v: np.ndarray) -> np.ndarray:
    """For rows sorted by ``group``: the sum of ``v`` over the earlier rows of the same group."""
    cum = np.cumsum(v)
    first = np.r_[True, group[1:] != group[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(v.size), 0))
    return (cum - v) - (cum[start] - v[start])


def caseload_metrics(activities: pd.DataFrame, household_ids: Any = None,
                     required_hours: Any = None, on: Any = _DEFAULT_DATE) -> pd.DataFrame:
    """Plan metrics for every household (see module docstring).

    ``household_ids``: the households to report, in order (default: those in ``activities``);
    households without activities get zeros. ``required_hours``: each household's weekly
    welfare-to-work requirement, aligned with ``household_ids`` (default: its plan's own total),
    used for the linked plan exactly as :func:`linkages.plans.core.link` does.
    """
    missing = [c for c in _NEED if c not in activities.columns]
    if missing:
        raise PlanError(f"The activities table lacks the column(s) {', '.join(missing)}.")
    acts = activities[_NEED].reset_index(drop=True)
    if household_ids is None:
        ids = pd.Index(pd.unique(acts["household_id"]))
    else:
        ids = pd.Index(household_ids)
        if ids.has_duplicates:
            raise PlanError("Household ids must be unique.")
    n = len(ids)
    hh = ids.get_indexer(acts["household_id"])
    keep = hh >= 0
    acts, hh = acts[keep].reset_index(drop=True), hh[keep]
    plan = acts["plan"].to_numpy(dtype=object)
    bad = set(pd.unique(plan)) - {"wtw", "cws"}
    if bad:
        raise PlanError(f"Activities belong to the 'wtw' or 'cws' plan, not {', '.join(map(repr, sorted(bad)))}.")
    is_w = plan == "wtw"
    hours = acts["hours_per_week"].to_numpy(dtype=float)
    if (hours < 0).any():
        raise PlanError("An activity cannot take a negative number of hours.")
    start = acts["start_hour"].to_numpy(dtype=float)
    # text columns hold few distinct values: work on those, then map back by code
    acc_code, acc_uniq = _codes(acts["accepted_by"])
    acc_w = np.array(["wtw" in a for a in acc_uniq], dtype=bool)[acc_code]
    name_code, name_raw = _codes(acts["activity"])
    lowered = pd.Index([a.lower() for a in name_raw])
    name_uniq = pd.Index(pd.unique(lowered))  # "Job search" and "job search" are one activity
    name_code = name_uniq.get_indexer(lowered)[name_code]
    names_lower = name_uniq.to_numpy(dtype=object)
    days_code, days_uniq = _codes(acts["days"])
    day_flags = np.array([[d in t for d in DAYS] for t in days_uniq], dtype=bool).reshape(-1, len(DAYS))[days_code]
    n_days = day_flags.sum(axis=1)
    if (n_days == 0).any():
        raise PlanError("Every activity needs at least one day.")

    # --- linked plan (as core.link): step 1 duplicates, step 2 the remaining credit ----------
    wtw_hours = np.bincount(hh[is_w], weights=hours[is_w], minlength=n)
    acc_c = ~is_w & acc_w
    credit = np.bincount(hh[acc_c], weights=hours[acc_c], minlength=n)
    key = hh.astype(np.int64) * (int(name_code.max(initial=0)) + 1) + name_code
    acc_keys, acc_inv = np.unique(key[acc_c], return_inverse=True)
    acc_hours = np.bincount(acc_inv, weights=hours[acc_c], minlength=acc_keys.size)
    pos = np.arange(len(acts))
    new_hours = hours.copy()
    dup_rows = np.nonzero(is_w & np.isin(key, acc_keys))[0]
    if dup_rows.size:
        order = dup_rows[np.lexsort((-pos[dup_rows], key[dup_rows]))]
        before = _exclusive_group_cumsum(key[order], hours[order])
        allowed = acc_hours[np.searchsorted(acc_keys, key[order])]
        cut = np.minimum(np.maximum(allowed - before, 0.0), hours[order])
        new_hours[order] = hours[order] - cut
    dup_cut = np.bincount(hh, weights=hours - new_hours, minlength=n)
    req = None if required_hours is None else np.asarray(required_hours, dtype=float)
    reduction = linked_reduction(wtw_hours, credit, req, dup_cut)
    paid = np.isin(names_lower, list(paid_work_activities(on)))[name_code]
    t_idx = np.nonzero(is_w & ~paid)[0]
    if t_idx.size:
        order = t_idx[np.lexsort((-pos[t_idx], hh[t_idx]))]
        hv = new_hours[order]
        before = _exclusive_group_cumsum(hh[order], hv)
        cut = np.minimum(np.maximum(reduction[hh[order]] - before, 0.0), hv)
        new_hours[order] = hv - cut
    linked_cut = np.bincount(hh, weights=hours - new_hours, minlength=n)

    # --- sessions ---------------------------------------------------------------------------
    a_idx, d_idx = np.nonzero(day_flags)
    s_hh = hh[a_idx]
    s_start = start[a_idx]
    s_end_sep = s_start + hours[a_idx] / n_days[a_idx]
    s_end_lnk = s_start + new_hours[a_idx] / n_days[a_idx]
    place_code, places = _codes(acts["place"])
    s_place = place_code[a_idx]
    s_w = is_w[a_idx]
    pos_sep = hours[a_idx] > 0
    pos_lnk = new_hours[a_idx] > 0
    group = s_hh.astype(np.int64) * 7 + d_idx
    by_slot = np.lexsort((s_start, group))  # sorted once; a mask taken in this order keeps it

    def metrics(mask, end):
        sub = by_slot[mask[by_slot]]
        return (_place_days(s_hh[sub], d_idx[sub], s_place[sub], n, len(places)),
                _overlap_pairs(group[sub], s_start[sub], end[sub], s_hh[sub], n, np.arange(sub.size)))

    w_pd, w_db = metrics(pos_sep & s_w, s_end_sep)
    c_pd, c_db = metrics(pos_sep & ~s_w, s_end_sep)
    s_pd, s_db = metrics(pos_sep, s_end_sep)
    l_pd, l_db = metrics(pos_lnk, s_end_lnk)

    cws_hours = np.bincount(hh[~is_w], weights=hours[~is_w], minlength=n)
    # --- step 3 of linking: the households whose linked plan still clashes --------------------
    todo = (wtw_hours > 0) & (cws_hours > 0) & (l_db > 0)
    if todo.any():
        l_pd, l_db = l_pd.copy(), l_db.copy()
        fixed = fixed_activities(on)
        movable_row = np.array([_norm(x) not in fixed for x in name_uniq], dtype=bool)[name_code]
        lk = pos_lnk & todo[s_hh]
        # sessions in the order of the linked plan's Plan.sessions(): by day, start, end; ties:
        # case-plan activities first, then welfare-to-work, each in table order (as link() lists them)
        sel = np.flatnonzero(lk)
        # (sel is in table order, so a stable sort leaves the last ties in activity order)
        sel = sel[np.lexsort((s_w[sel], s_end_lnk[sel], s_start[sel], group[sel]))]
        hcode = np.searchsorted(np.flatnonzero(todo), s_hh[sel])
        sb = np.flatnonzero(pos_sep & todo[s_hh])  # the separate plans' sessions bound the week
        sb = sb[np.argsort(s_hh[sb], kind="stable")]
        hb = np.searchsorted(np.flatnonzero(todo), s_hh[sb])
        k = int(todo.sum())
        cut = np.flatnonzero(np.r_[True, hb[1:] != hb[:-1]])  # every household has sessions
        lo = np.minimum.reduceat(s_start[sb], cut)
        hi = np.maximum.reduceat(s_end_sep[sb], cut)
        used = np.zeros((k, 7), dtype=bool)
        used[hb, d_idx[sb]] = True
        day2, st2, en2, _ = agree(hcode, a_idx[sel], d_idx[sel], s_start[sel], s_end_lnk[sel], s_place[sel], s_w[sel],
                                  movable_row[a_idx[sel]], lo, hi, used)
        hh_sel = s_hh[sel]
        pd2 = _place_days(hh_sel, day2, s_place[sel], n, len(places))
        db2 = _overlap_pairs(hh_sel.astype(np.int64) * 7 + day2, st2, en2, hh_sel, n)
        l_pd[todo], l_db[todo] = pd2[todo], db2[todo]
    return pd.DataFrame(
        {"wtw_hours": wtw_hours, "cws_hours": cws_hours, "credit_hours": credit, "linked_cut_hours": linked_cut,
         "wtw_place_days": w_pd, "cws_place_days": c_pd, "sep_place_days": s_pd, "linked_place_days": l_pd,
         "wtw_double": w_db, "cws_double": c_db, "sep_double": s_db, "linked_double": l_db},
        index=pd.Index(ids, name="household_id"),
    )

