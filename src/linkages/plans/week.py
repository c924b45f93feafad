"""Step 3 of linking — the week the two workers agree — on arrays, for one household or many at
once (the same code serves :func:`linkages.plans.core.link` and
:func:`linkages.plans.caseload.caseload_metrics`, so the two always agree).

Each household's sessions come in the order of :meth:`Plan.sessions` (by day, start and end;
ties in the order of the activities). In rounds, every household that can makes one move: it
takes the first pair of sessions that overlap (in that order, each pair tried once: a pair of
which neither session can move stays as it is) of which one can move, and moves it — the
welfare-to-work session first, else the shorter one, else the earlier — to a free slot:

* the same day first, then the nearest day (the earlier of two as near), among the days the two
  plans already use, and never a day its activity already meets on;
* within the hours the two plans already use (their first start to their last end), starting
  at that first hour, where it was, right after another session, or so as to end right before
  one or at the last hour (on the quarter hour); the start nearest where it was wins;
* free of every other session (touching is not a clash), and adding no trip: a move to another
  day goes where its place is already visited that day, unless it leaves a day on which its
  place is then no longer visited.

Paid work and appointments a court sets never move (:func:`linkages.plans.core.fixed_activities`).
A moved session has no clash left, so it never moves again; each move removes at least one
double-booking and creates none, so the rounds end (at most one per session).
"""

from __future__ import annotations

import numpy as np

__all__ = ["agree"]

#: Calendar convention: appointments are set on the quarter hour.
QUARTERS_PER_HOUR = 4
_EPS = 1e-9  # float noise when rounding to the quarter hour
_LAST_HOUR = 24.0  # a session ends by midnight


def _floor_q(x):
    return np.floor(x * QUARTERS_PER_HOUR + _EPS) / QUARTERS_PER_HOUR


def _ceil_q(x):
    return np.ceil(x * QUARTERS_PER_HOUR - _EPS) / QUARTERS_PER_HOUR


def agree(house, act, day, start, end, place, wtw, movable, lo, hi, days, *, partners: bool = False):
    """Move clashing sessions (module docstring).

    Per session, in each household's order (households numbered 0.. and contiguous): ``house``,
    ``act`` (the activity, any integer distinct within the household), ``day`` (0 = Monday),
    ``start``, ``end``, ``place`` (an integer code), ``wtw`` (a welfare-to-work session) and
    ``movable``. Per household: ``lo`` and ``hi``, the hours the plans use, and ``days``, a
    ``[households, 7]`` mask of the days they use.

    Returns ``(day, start, end, moved)`` after the moves; with ``partners=True`` also, for every
    moved session, the sessions it overlapped where it was (a list of index arrays, in the
    order of ``np.flatnonzero(moved)``).
    """
    house = np.asarray(house, dtype=np.int64)
    n = house.size
    day = np.array(day, dtype=np.int64)
    start = np.array(start, dtype=float)
    end = np.array(end, dtype=float)
    moved = np.zeros(n, dtype=bool)
    clash_with: dict[int, np.ndarray] = {}
    if n == 0:
        return (day, start, end, moved, []) if partners else (day, start, end, moved)
    H = int(house.max()) + 1
    first = np.searchsorted(house, np.arange(H))
    pos = np.arange(n) - first[house]
    S = int(pos.max()) + 1
    idx = np.full((H, S), -1, dtype=np.int64)  # session index at (household, slot); -1: none
    idx[house, pos] = np.arange(n)
    valid = idx >= 0
    safe = np.where(valid, idx, 0)
    act_p = np.asarray(act, dtype=np.int64)[safe]
    place_p = np.asarray(place, dtype=np.int64)[safe]
    nw_p = ~np.asarray(wtw, dtype=bool)[safe]  # welfare-to-work first
    mov_p = np.asarray(movable, dtype=bool)[safe] & valid
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    days = np.asarray(days, dtype=bool).reshape(H, 7)
    active = np.arange(H)  # a household that cannot move now never can (nothing else changes it)
    stuck = np.zeros((H, S, S), dtype=bool)
    while active.size:
        ix, va = idx[active], valid[active]
        sx = safe[active]
        D, ST, EN = np.where(va, day[sx], -1), start[sx], end[sx]
        # every overlapping pair (i < j), household by household, in order — but a pair found
        # stuck (neither session can move) is not tried again
        ph, pi, pj = _pairs(D, ST, EN, va)
        fresh = ~stuck[active[ph], pi, pj]
        ph, pi, pj = ph[fresh], pi[fresh], pj[fresh]
        if ph.size == 0:
            break
        A = active.size
        p_first = np.searchsorted(ph, np.arange(A))
        p_end = np.searchsorted(ph, np.arange(A), side="right")
        ptr = p_first.copy()
        # slot search results, filled as needed: 0 not looked at, 1 found, 2 nowhere
        state = np.zeros((A, S), dtype=np.int8)
        to_d = np.zeros((A, S), dtype=np.int64)
        to_t = np.zeros((A, S))
        mov_a, nw = mov_p[active], nw_p[active]
        dur = EN - ST
        args = (D, ST, EN, _by_day(D, va), act_p[active], place_p[active], lo[active], hi[active], days[active])
        chosen_h, chosen_k = [], []
        live = np.flatnonzero(ptr < p_end)

        def settle(h, k):
            """Look up the slots of sessions (h, k) not looked at yet this round."""
            need = state[h, k] == 0
            if need.any():
                key = np.unique(h[need] * S + k[need])
                lh, lk = key // S, key % S
                found, bd, bt = _best_slots(lh, lk, *args)
                state[lh, lk] = np.where(found, 1, 2)
                to_d[lh, lk], to_t[lh, lk] = bd, bt

        while live.size:
            # each household still looking: its current pair; the session that moves first
            # (welfare-to-work, else the shorter, else the earlier) is looked up first
            q = ptr[live]
            i, j = pi[q], pj[q]
            m_i, m_j = mov_a[live, i], mov_a[live, j]
            pref_i = (nw[live, i] < nw[live, j]) | ((nw[live, i] == nw[live, j]) & (dur[live, i] <= dur[live, j]))
            first_k = np.where(m_i & (pref_i | ~m_j), i, j)
            other_k = np.where(first_k == i, j, i)
            m_first = np.where(first_k == i, m_i, m_j)
            m_other = np.where(first_k == i, m_j, m_i)
            settle(live[m_first], first_k[m_first])
            ok_first = m_first & (state[live, first_k] == 1)
            later = ~ok_first & m_other
            settle(live[later], other_k[later])
            ok_other = later & (state[live, other_k] == 1)
            done = ok_first | ok_other
            k = np.where(ok_first, first_k, other_k)
            chosen_h.append(live[done])
            chosen_k.append(k[done])
            stuck[active[live[~done]], i[~done], j[~done]] = True
            ptr[live[~done]] += 1  # neither can move: the next pair
            live = live[~done]
            live = live[ptr[live] < p_end[live]]
        hs = np.concatenate(chosen_h) if chosen_h else np.zeros(0, dtype=np.int64)
        if hs.size == 0:
            break
        k = np.concatenate(chosen_k)
        s_idx = ix[hs, k]
        if partners:
            for h_, k_, s_ in zip(hs, k, s_idx):
                mine = (ph == h_) & ((pi == k_) | (pj == k_))
                clash_with[int(s_)] = ix[h_, np.sort(np.where(pi[mine] == k_, pj[mine], pi[mine]))]
        length = end[s_idx] - start[s_idx]
        day[s_idx], start[s_idx] = to_d[hs, k], to_t[hs, k]
        end[s_idx] = to_t[hs, k] + length
        moved[s_idx] = True
        active = active[np.sort(hs)]
    if partners:
        return day, start, end, moved, [clash_with[int(s)] for s in np.flatnonzero(moved)]
    return day, start, end, moved


def _pairs(D, ST, EN, valid):
    """Every pair of sessions that overlap, as ``(household, i, j)`` with ``i < j`` (slots),
    sorted by household, then ``i``, then ``j`` — found day by day among sessions sorted by start."""
    vh, vs = np.nonzero(valid)
    vd, st, en = D[vh, vs], ST[vh, vs], EN[vh, vs]
    # usually already in order (the sessions come sorted; only moved households change)
    dh, dd, ds = np.diff(vh), np.diff(vd), np.diff(st)
    if ((dh > 0) | ((dh == 0) & ((dd > 0) | ((dd == 0) & (ds >= 0))))).all():
        order = np.arange(vh.size)
    else:
        order = np.lexsort((st, vd, vh))
    g = (vh * 7 + vd)[order]
    st, en, sl, hh = st[order], en[order], vs[order], vh[order]
    out_h, out_a, out_b = [], [], []
    i = np.arange(g.size - 1)
    k = 1
    while i.size:  # as caseload._overlap_pairs: sorted by start, groups contiguous
        i = i[i + k < g.size]
        j = i + k
        same = g[j] == g[i]
        i, j = i[same], j[same]
        hit = st[j] < en[i]
        out_h.append(hh[i[hit]])
        out_a.append(sl[i[hit]])
        out_b.append(sl[j[hit]])
        k += 1
    if not out_h:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    h = np.concatenate(out_h)
    a, b = np.concatenate(out_a), np.concatenate(out_b)
    i, j = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((j, i, h))
    return h[order], i[order], j[order]


def _by_day(D, valid):
    """Each household's sessions day by day: ``[households, 7, Q]`` slots (-1: none)."""
    vh, vs = np.nonzero(valid)
    vd = D[vh, vs]
    key = vh * 7 + vd
    order = np.lexsort((vs, key))
    key_s = key[order]
    first = np.r_[True, key_s[1:] != key_s[:-1]]
    q = np.arange(key_s.size) - np.maximum.accumulate(np.where(first, np.arange(key_s.size), 0))
    Q = int(q.max()) + 1 if q.size else 1
    out = np.full((D.shape[0], 7, Q), -1, dtype=np.int64)
    out[vh[order], vd[order], q] = vs[order]
    return out


def _best_slots(ch, ck, D, ST, EN, by_day, act_p, place_p, lo, hi, days):
    """For each candidate session (household ``ch``, slot ``ck``): whether it has a free slot,
    and the day and start of the best one (module docstring). Its own day is looked at first;
    the other days only for the sessions with no room on theirs."""
    M = ch.size
    rows = np.arange(M)
    d0 = D[ch, ck]
    o_all = by_day[ch]  # [M, 7, Q]: slots of the household's sessions on each day
    on_all = (o_all >= 0) & (o_all != ck[:, None, None])  # the other sessions
    p_all = place_p[ch[:, None, None], np.where(o_all >= 0, o_all, 0)]
    here = (on_all[rows, d0] & (p_all[rows, d0] == place_p[ch, ck][:, None])).any(axis=1)
    found, best_t = _look(rows, d0[:, None], ch, ck, D, ST, EN, act_p, place_p, lo, hi, days, o_all, on_all, p_all,
                          here)
    found, best_t, best_d = found[:, 0], best_t[:, 0], d0.copy()
    away = np.flatnonzero(~found)
    if away.size:
        # the other days it may go to: used by the plans, its activity not meeting there, and no
        # new trip (its place visited there, or its own day left without it)
        o_a, on_a = o_all[away], on_all[away]
        o_safe = np.where(o_a >= 0, o_a, 0)
        meets = (on_a & (act_p[ch[away][:, None, None], o_safe]
                         == act_p[ch[away], ck[away]][:, None, None])).any(axis=2)
        visited = (on_a & (p_all[away] == place_p[ch[away], ck[away]][:, None, None])).any(axis=2)
        dd = np.arange(7)[None, :]
        may = days[ch[away]] & ~meets & (~here[away][:, None] | visited) & (dd != d0[away, None])
        pr, pd_ = np.nonzero(may)  # (candidate, day) pairs, each candidate's days in order
        if pr.size:
            a_r = away[pr]
            f2, t2 = _look(a_r, pd_[:, None], ch[a_r], ck[a_r], D, ST, EN, act_p, place_p, lo, hi, days, o_all[a_r],
                           on_all[a_r], p_all[a_r], here[a_r])
            f2, t2 = f2[:, 0], t2[:, 0]
            rank = np.where(f2, np.abs(pd_ - d0[a_r]) * 8 + pd_, 10**6)
            best = np.full(M, 10**6)
            np.minimum.at(best, a_r, rank)
            win = f2 & (rank == best[a_r])
            found[a_r[win]] = True
            best_d[a_r[win]] = pd_[win]
            best_t[a_r[win]] = t2[win]
    return found, best_d, best_t


def _look(rows, dsel, ch, ck, D, ST, EN, act_p, place_p, lo, hi, days, o_all, on_all, p_all, here):
    """Free slots on the days ``dsel`` ([M, K]) of each candidate: ``(found, best start)``, [M, K].

    The other sessions of a day, in order of start, leave gaps (between the end of everything
    before and the next start, within the hours the plans use); a gap offers its first start (the
    first hour, or the quarter hour after the sessions before), its last (the quarter hour that
    ends before the next session, or by the last hour) and, if it fits there, where the session
    was. The offer nearest where it was wins (the earlier of two as near)."""
    M, K = dsel.shape
    r = np.arange(M)[:, None]
    d0, s0 = D[ch, ck], ST[ch, ck]
    dur = EN[ch, ck] - s0
    lo_m, hi_m = lo[ch][:, None, None], hi[ch][:, None, None]
    o = o_all[r, dsel]  # [M, K, Q]
    on = on_all[r, dsel]
    o_safe = np.where(o >= 0, o, 0)
    hm = ch[:, None, None]
    same_act = (on & (act_p[hm, o_safe] == act_p[ch, ck][:, None, None])).any(axis=2)  # [M, K]
    place_there = (on & (p_all[r, dsel] == place_p[ch, ck][:, None, None])).any(axis=2)
    is_home = dsel == d0[:, None]
    allowed = days[ch[:, None], dsel] & (is_home | ~same_act) & (is_home | ~here[:, None] | place_there)
    # the day's other sessions by start (none: +inf start, -inf end, so they change nothing)
    o_st = np.where(on, ST[hm, o_safe], np.inf)
    o_en = np.where(on, EN[hm, o_safe], -np.inf)
    by = np.argsort(o_st, axis=2, kind="stable")
    o_st, o_en = np.take_along_axis(o_st, by, 2), np.take_along_axis(o_en, by, 2)
    busy = np.maximum.accumulate(o_en, axis=2)  # everything before ends by then
    before = np.concatenate([np.full((M, K, 1), -np.inf), busy], axis=2)  # [M, K, Q + 1]
    after = np.concatenate([o_st, np.full((M, K, 1), np.inf)], axis=2)
    g_lo = np.where(before <= lo_m, lo_m, _ceil_q(np.maximum(before, lo_m)))
    g_hi = np.where(after >= hi_m, _floor_q(hi_m - dur[:, None, None]), _floor_q(after - dur[:, None, None]))
    last = np.minimum(after, hi_m) - dur[:, None, None]  # the latest start that fits the gap
    first = np.maximum(before, lo_m)
    ok_lo = (g_lo >= first - _EPS) & (g_lo <= last + _EPS)
    ok_hi = (g_hi >= first - _EPS) & (g_hi <= last + _EPS)
    ok_s0 = (s0[:, None, None] >= first - _EPS) & (s0[:, None, None] <= last + _EPS)
    T = np.stack([g_lo, g_hi, np.broadcast_to(s0[:, None, None], g_lo.shape)], axis=3)  # [M, K, Q + 1, 3]
    ok = np.stack([ok_lo, ok_hi, ok_s0], axis=3) & (T >= 0) & (T + dur[:, None, None, None] <= _LAST_HOUR)
    ok &= allowed[:, :, None, None]
    T = T.reshape(M, K, -1)
    ok = ok.reshape(M, K, -1)
    gap = np.where(ok, np.abs(T - s0[:, None, None]), np.inf)
    near = gap.min(axis=2)
    best_t = np.where(ok & (gap == near[:, :, None]), T, np.inf).min(axis=2)
    return np.isfinite(near), best_t
