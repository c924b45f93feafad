"""The vectorised monthly model (MODEL.md "One month, per household"): NumPy over households,
a Python loop over months only.

Each month, in this order: family-reunification cash that has run out stops; shared families are
identified; 1. demands; 2. capacity; 3. participation; 4. CalWORKs (status, grant, clock);
5. child welfare (referral, removal, reunification within the legal deadlines, the permanency
step, re-entry); 6. record. :mod:`linkages.simulate.reference` does the same for one household at
a time, in plain Python, on the same random numbers; a test holds the two identical.

Random numbers: :class:`Draws` takes, from one seeded ``numpy.random.Generator``, first a
``[3, households]`` block (identification, child care, transport relief; ``INIT_COLUMNS``), then
one ``[8, households]`` block per month (rows in ``DRAW_COLUMNS``). Both engines read the same
blocks, and no draw depends on another household, so a household's path depends only on its own
numbers — that is also why a lever cannot change anything for a household it does not reach.

Levers: identification is permanent (a family found once stays known), but a lever *acts* only in
the months an identified family is shared — on CalWORKs (or having lost aid to a removal) and with
a child welfare case open, the ``shared_now`` of step 0. Once the child welfare case closes (or
the family exits), its months follow the baseline rules again; coordination staff time and pooled
funding are charged for exactly the months a lever acts. :mod:`linkages.simulate.reference` does
the same, and ``tests/test_simulate_properties.py`` holds both to it.

Simplification (MODEL.md step 5): the income-loss risk that raises the removal, referral and
re-entry hazards counts the grant lost to a *sanction* only (``model.cws.sanction_rr`` and
``model.cws.income_loss_rr_per_100_usd`` times the dollars the sanction cut). Aid that stops for
other reasons — the time limit, or family-reunification cash running out — does not raise those
hazards in this model (lost aid lowers reunification instead, ``model.cws.aid_lost_reunification_rr``).
The baseline is calibrated on this choice; counting discontinued aid too would need a new parameter
and a re-calibration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..dates import DAYS_PER_MONTH
from ..params import value
from ..rules import calworks as C
from .caseload import COMP_CODE, EVENTS, FR_CASH, STATUS_CODE, Caseload
from .model import BARRIERS, ModelParams

__all__ = ["Draws", "Records", "run_vectorised", "INIT_COLUMNS", "DRAW_COLUMNS", "RECORD_FIELDS", "PLAN_MODES",
           "LeverValues"]

INIT_COLUMNS = ("identification", "child_care", "transport")
DRAW_COLUMNS = ("wtw_participation", "case_plan", "good_cause", "window_resolution", "cw_transition",
                "exit_or_reentry", "removal_extent", "fr_aid_claim")

P_, EX, NC, SA, GC, NO = (STATUS_CODE[s] for s in ("participating", "exempt", "non_compliant", "sanctioned",
                                                    "good_cause", "none"))
NONE, ER, FM, FR, PP, AFTER, EXITED = (COMP_CODE[c] for c in ("none", "emergency_response", "family_maintenance",
                                                             "family_reunification", "permanency", "aftercare",
                                                             "exited"))

#: What is recorded for every household and month (name: dtype).
RECORD_FIELDS = {
    "status": np.int8, "comp": np.int8, "grant": np.float64, "on_aid": np.bool_, "required": np.int8,
    "demand": np.float32, "double": np.float32, "met_wtw": np.bool_, "met_case_plan": np.bool_,
    "kids_out": np.int8, "clock": np.int16, "events": np.uint16, "lag": np.int16, "staff_hours": np.float32,
    "pooled_cost": np.float32, "identified": np.bool_, "plans": np.int8,
}
#: ``plans`` codes: which plans were open that month.
PLAN_MODES = ("none", "welfare-to-work only", "case plan only", "both")


def _status_rule(met: bool, was_sanctioned: bool, good_cause: bool, window_due: bool, resolved: bool,
                 owes_hours: bool, exempt: bool, on_aid: bool) -> int:
    """This month's welfare-to-work status, in priority order (the reference stepper spells out
    the same rule in its own words)."""
    if not on_aid:
        return NO
    if exempt:
        return EX
    if not owes_hours:
        return NO
    if met:
        return P_  # meeting the hours: never sanctioned, and it cures a sanction
    if was_sanctioned:
        return SA  # a sanction lasts until cured
    if good_cause:
        return GC
    if window_due:
        return GC if resolved else SA  # the compliance window ends, resolved or not
    return NC  # the compliance window opens (or continues)


#: The status rule as a table over the 8 conditions packed into one byte (bit order as arguments).
STATUS_RULE = np.array([_status_rule(*[(code >> b) & 1 == 1 for b in range(8)]) for code in range(256)],
                       dtype=np.int8)


class Draws:
    """The pre-drawn uniform random numbers, in a fixed order (module docstring)."""

    def __init__(self, seed: int, n: int):
        self.rng = np.random.default_rng(np.random.SeedSequence(seed))
        self.n = n
        self.init = self.rng.random((len(INIT_COLUMNS), n))
        self._t = 0

    def month(self, t: int) -> np.ndarray:
        if t != self._t:
            raise RuntimeError("Draws must be taken month by month, in order.")
        self._t += 1
        return self.rng.random((len(DRAW_COLUMNS), self.n))


@dataclass
class Records:
    months: int
    n: int
    data: dict = field(default_factory=dict)

    @classmethod
    def empty(cls, months: int, n: int) -> "Records":
        r = cls(months, n)
        for k, dt_ in RECORD_FIELDS.items():
            r.data[k] = np.zeros((months, n), dtype=dt_)
        r.data["lag"][:] = -1
        return r

    def __getitem__(self, k: str) -> np.ndarray:
        return self.data[k]


@dataclass(frozen=True)
class LeverValues:
    """Scalars both engines use: lever strengths times their effect parameters."""

    p_id: float
    link: float
    travel_saved: float
    part_gain: float
    plan_gain: float
    gc_gain: float
    reun_gain: float
    removal_red: float
    reentry_red: float
    relief: float
    cc_gain: float
    tr_relief: float
    win_gain: float
    sanc_gain: float
    claim_gain: float
    staff_always: float
    staff_link: float
    staff_fr: float
    staff_esr: float
    staff_cc: float
    pooled_cost: float

    @classmethod
    def make(cls, s: dict, P: ModelParams) -> "LeverValues":
        chance, match = float(P["identification.chance_share"]), float(P["identification.data_match_share"])
        lv = P.lever
        return cls(
            p_id=chance + s["identification"] * (match - chance),
            link=s["linked_plan"],
            travel_saved=s["co_location"] * lv("co_location", "travel_share_saved"),
            part_gain=s["case_conference"] * lv("case_conference", "participation_gain")
            + s["co_location"] * lv("co_location", "participation_gain"),
            plan_gain=s["case_conference"] * lv("case_conference", "case_plan_gain"),
            gc_gain=s["case_conference"] * lv("case_conference", "good_cause_gain"),
            reun_gain=s["case_conference"] * lv("case_conference", "reunification_gain"),
            removal_red=s["case_conference"] * lv("case_conference", "removal_reduction")
            + s["pooled_funding"] * lv("pooled_funding", "removal_reduction"),
            reentry_red=s["case_conference"] * lv("case_conference", "reentry_reduction")
            + s["pooled_funding"] * lv("pooled_funding", "reentry_reduction"),
            relief=s["pooled_funding"] * lv("pooled_funding", "barrier_relief"),
            cc_gain=s["child_care_transport"] * lv("child_care_transport", "child_care_gain"),
            tr_relief=s["child_care_transport"] * lv("child_care_transport", "transport_relief"),
            win_gain=s["early_sanction_resolution"] * lv("early_sanction_resolution", "window_resolution_gain"),
            sanc_gain=s["early_sanction_resolution"] * lv("early_sanction_resolution", "sanctioned_engagement_gain"),
            claim_gain=s["fr_aid_kept"],
            staff_always=s["identification"] * lv("identification", "staff_hours_per_family_month")
            + s["case_conference"] * lv("case_conference", "staff_hours_per_family_month")
            + s["co_location"] * lv("co_location", "staff_hours_per_family_month")
            + s["pooled_funding"] * lv("pooled_funding", "staff_hours_per_family_month"),
            staff_link=s["linked_plan"] * lv("linked_plan", "staff_hours_per_family_month"),
            staff_fr=s["fr_aid_kept"] * lv("fr_aid_kept", "staff_hours_per_family_month"),
            staff_esr=s["early_sanction_resolution"] * lv("early_sanction_resolution", "staff_hours_per_family_month"),
            staff_cc=s["child_care_transport"] * lv("child_care_transport", "staff_hours_per_family_month"),
            pooled_cost=s["pooled_funding"] * lv("pooled_funding", "cost_per_family_month_usd"),
        )


def check_cure_fits_a_month(start) -> None:
    days = value("calworks.sanction.cure_participation_days", start)
    if days > DAYS_PER_MONTH:
        raise NotImplementedError("The monthly model cures a sanction with one month of participation; "
                                  f"a cure period of {days} days needs a longer cure in the model.")


def run_vectorised(cl: Caseload, levers: dict, P: ModelParams, seed: int, draws: Draws | None = None,
                   force_identified: np.ndarray | None = None) -> Records:
    """Step the whole caseload month by month; returns the :class:`Records`."""
    check_cure_fits_a_month(cl.start)
    n, M, a, tab = cl.n, cl.months, cl.a, cl.tab
    L = LeverValues.make(levers, P)
    draws = draws or Draws(seed, n)
    rec = Records.empty(M, n)
    f = float
    # parameters
    minutes = f(P["plans.travel_minutes_per_place"])
    base_cap, cc_lost, tr_lost = f(P["capacity.base_hours"]), f(P["capacity.hours_lost_without_child_care"]), f(
        P["capacity.hours_lost_transport_barrier"])
    p_cc = f(P["capacity.child_care_arranged_share"])
    p_base, p_cbase = f(P["participation.base_probability"]), f(P["participation.case_plan_base_probability"])
    slope, dpen, pmax = f(P["participation.overload_slope"]), f(P["participation.double_booking_penalty"]), f(
        P["participation.max_probability"])
    sanc_eng = f(P["participation.sanctioned_engagement"])
    gc_share, win_res = f(P["sanction.good_cause_share"]), f(P["sanction.window_resolution_share"])
    ref_base, er_rem, er_fm = f(P["cws.referral_monthly"]), f(P["cws.er_removal_share"]), f(
        P["cws.er_family_maintenance_share"])
    fm_rem, fm_close, unmet_rr = f(P["cws.fm_removal_monthly"]), f(P["cws.fm_close_monthly"]), f(
        P["cws.unmet_plan_removal_rr"])
    san_rr, k_inc = f(P["cws.sanction_rr"]), f(P["cws.income_loss_rr_per_100_usd"])
    all_share = f(P["cws.all_children_removed_share"])
    reun, w0, thr = f(P["cws.reunification_monthly"]), f(P["cws.reunification_without_progress"]), f(
        P["cws.extension_progress_threshold"])
    pp_exit, re_base, aftercare = f(P["cws.permanency_exit_monthly"]), f(P["cws.reentry_monthly"]), int(
        P["cws.aftercare_months"])
    fr_rr, lost_rr = f(P["cws.fr_cash_reunification_rr"]), f(P["cws.aid_lost_reunification_rr"])
    claim_base = f(P["calworks.fr_aid_claimed_share"])
    part_share, min_reun = f(P["cws.partial_removal_share"]), int(P["cws.reunification_min_months_after_removal"])
    window = tab["window_months"]

    # static arrays
    region, exm = a["region"], a["exempt_map"]
    adults, nch = a["adults"].astype(np.int8), a["n_children"].astype(np.int8)
    earnings, exempt, transport = a["earnings"], a["exempt"], a["transport"]
    bar_part, bar_rem = np.ones(n), np.ones(n)
    for j, b in enumerate(BARRIERS):  # fixed order: the reference multiplies in the same order
        bar_part = bar_part * np.where(a["barriers"][:, j], f(P[f"participation.barrier_multiplier.{b}"]), 1.0)
        bar_rem = bar_rem * np.where(a["barriers"][:, j], f(P[f"cws.barrier_removal_rr.{b}"]), 1.0)
    zero = np.zeros(n)
    # plan numbers by mode (0 no plan, 1 welfare-to-work only, 2 case plan only, 3 both side by side),
    # flattened so that one ``take`` picks each household's number
    by_mode_h = np.concatenate([zero, a["wtw_h"], a["cws_h"], a["sep_h"]])
    by_mode_pd = np.concatenate([zero, a["wtw_pd"], a["cws_pd"], a["sep_pd"]])
    by_mode_db = np.concatenate([zero, a["wtw_db"], a["cws_db"], a["sep_db"]])
    rows = np.arange(n, dtype=np.intp)
    req_cache: dict = {}
    gap_h, gap_pd, gap_db = a["sep_h"] - a["lnk_h"], a["sep_pd"] - a["lnk_pd"], a["sep_db"] - a["lnk_db"]
    u_id, u_cc, u_tr = draws.init[0], draws.init[1], draws.init[2]
    map_key0 = (region * 2 + exm).astype(np.int64)
    young_wtw = np.asarray(tab["young_wtw_age"])

    # state
    comp = a["comp0"].astype(np.int8)
    status = a["status0"].astype(np.int8)
    on_aid = a["on_aid0"].copy()
    aid_lost = a["aid_lost0"].copy()
    timed_out = a["timed_out0"].copy()
    clock = a["clock0"].astype(np.int16)
    kids_out = a["kids_out0"].astype(np.int8)
    ep_start, dl_serv, dl_ext = (a[k].astype(np.int32) for k in ("ep_start0", "dl_serv0", "dl_ext0"))
    fr_kind, fr_end, fr_claim = a["fr_kind0"].astype(np.int8), a["fr_end0"].astype(np.int32), a["fr_claim0"].copy()
    ext = np.zeros(n, bool)
    progress = np.zeros(n, np.int16)
    after_m = np.zeros(n, np.int16)
    nc_months = (status == NC).astype(np.int16)
    ident = np.zeros(n, bool)
    cnt_cache: dict = {}
    r = rec.data

    for t in range(M):
        d = cl.dates[t]
        u = draws.month(t)
        prev_status = status
        c0 = comp.copy()
        # 0. family-reunification cash that has run out; identification
        fr_cash = (fr_kind == FR_CASH) & fr_claim & (t < fr_end)
        in_care = (c0 == FR) | (c0 == PP)
        stop = on_aid & in_care & (kids_out == nch) & ~fr_cash
        on_aid = on_aid & ~stop
        aid_lost = aid_lost | stop
        cw_open = (c0 >= ER) & (c0 <= AFTER)
        shared_now = (on_aid | aid_lost) & cw_open
        ident = ident | (shared_now & (u_id < L.p_id))
        if force_identified is not None:
            ident = ident | (force_identified & shared_now)
        # levers act (and staff time is charged) only while an identified family is shared this month
        act = ident & shared_now
        I = act.astype(np.float64)

        # 1. demands: the welfare-to-work requirement (rule) and the plans
        youngest = a["youngest0"] + t // 12
        rk = (t // 12, *(value(k, d) for k in ("calworks.work_hours.two_parent",
                                                 "calworks.work_hours.single_with_child_under_6",
                                                 "calworks.work_hours.single_no_child_under_6")), young_wtw[t])
        if rk not in req_cache:  # the rule's answer changes only with the children's ages or the rule
            req_cache.clear()
            req_cache[rk] = C.work_hours_required_array(adults, a["exempt_adults"], youngest, nch, d)
        req = req_cache[rk]
        wtw_active = on_aid & ~timed_out & ~exempt & (req > 0)
        cws_active = (c0 == FM) | (c0 == FR)
        both = wtw_active & cws_active
        mode = wtw_active.view(np.int8) + 2 * cws_active.view(np.int8)
        pick = mode.astype(np.intp) * n + rows
        hours = by_mode_h.take(pick)
        pdays = by_mode_pd.take(pick)
        dbl = by_mode_db.take(pick)
        if L.link:  # linked plan: both-plan households move toward the linked numbers
            lk = (I * L.link) * both
            hours = hours - lk * gap_h
            pdays = pdays - lk * gap_pd
            dbl = dbl - lk * gap_db
        travel = pdays * (minutes / 60.0) * (1.0 - I * L.travel_saved)
        demand = hours + travel

        # 2. capacity
        kids_home = nch - kids_out
        young_home = (youngest < young_wtw[t]) & (kids_home > 0)
        cc_ok = u_cc < p_cc + I * L.cc_gain * (1.0 - p_cc)
        tr_ok = u_tr < I * L.tr_relief
        cap = base_cap - (young_home & ~cc_ok) * cc_lost - (transport & ~tr_ok) * tr_lost

        # 3. participation
        over = np.maximum(demand - cap, 0.0)
        fit = np.maximum(1.0 - slope * over, 0.0) * np.maximum(1.0 - dpen * dbl, 0.0)
        relief = I * L.relief
        barp = bar_part + relief * (1.0 - bar_part)
        p_w = p_base * fit * barp * (1.0 + I * L.part_gain)
        was_sa = prev_status == SA
        i = np.flatnonzero(was_sa)
        p_w[i] = p_w[i] * np.minimum(sanc_eng + I[i] * L.sanc_gain, 1.0)
        p_w = np.minimum(p_w, pmax)
        p_c = np.minimum(p_cbase * fit * barp * (1.0 + I * L.plan_gain), pmax)
        met_w = wtw_active & (u[0] < p_w)
        met_c = cws_active & (u[1] < p_c)

        # 4. CalWORKs: status (lowest priority first; the last rule that applies wins)
        gc = u[2] < np.minimum(gc_share + I * L.gc_gain, 1.0)
        res = u[3] < np.minimum(win_res + I * L.win_gain, 1.0)
        due = (prev_status == NC) & (nc_months >= window)
        on = on_aid & ~timed_out
        code = (met_w.view(np.uint8) | (was_sa.view(np.uint8) << 1) | (gc.view(np.uint8) << 2)
                | (due.view(np.uint8) << 3) | (res.view(np.uint8) << 4) | (wtw_active.view(np.uint8) << 5)
                | (exempt.view(np.uint8) << 6) | (on.view(np.uint8) << 7))
        status = STATUS_RULE.take(code)
        nc_months = (nc_months + 1) * (status == NC)
        sanctioned = status == SA
        # grant (rules: MAP table by month, countable earnings, grant_from)
        ck = (value("calworks.income.recipient_flat_disregard", d), value("calworks.income.recipient_percentage_disregard", d))
        if ck not in cnt_cache:
            cnt_cache.clear()
            cnt_cache[ck] = C.countable_earnings(earnings, d)
        cnt_full = cnt_cache[ck]
        cnt = cnt_full
        if not tab["income_counts"][t] and sanctioned.any():
            cnt = np.where(sanctioned, C.countable_earnings(0.0, d), cnt_full)
        kids_au = kids_home + fr_cash * kids_out  # children on family-reunification aid stay in the AU
        adults_au = (adults - tab["removed_per_sanction"][t] * sanctioned) * ~timed_out
        au = np.maximum(kids_au + adults_au, 0)
        cap_au = int(tab["map_cap"][t])
        mflat = tab["map"][t].reshape(-1)
        key = map_key0 * (cap_au + 1)
        grant = C.grant_from(mflat.take(key + np.minimum(au, cap_au)), cnt) * on_aid
        loss = np.zeros(n)
        s_i = np.flatnonzero(sanctioned)
        if s_i.size:
            au_full = np.maximum(kids_au[s_i] + np.where(timed_out[s_i], 0, adults[s_i]), 0)
            g_full = C.grant_from(mflat.take(key[s_i] + np.minimum(au_full, cap_au)), cnt_full[s_i])
            loss[s_i] = np.where(on_aid[s_i], g_full, 0.0) - grant[s_i]
        # clock
        counts = on_aid & ~timed_out & tab["counts"][t][status]
        clock = clock + counts
        on_aid_month = on_aid.copy()
        timed_out = timed_out | (on_aid & (clock >= tab["limit"][t]))

        # 5. child welfare, group by group (each household is in one component)
        risk = np.ones(n)  # sanction and income loss (1 for everyone not sanctioned)
        risk[s_i] = san_rr * (1.0 + k_inc * loss[s_i] / 100.0)
        barr = bar_rem + relief * (1.0 - bar_rem)
        red_rem = 1.0 - I * L.removal_red
        red_re = 1.0 - I * L.reentry_red
        u4, u5 = u[4], u[5]
        ev = r["events"][t]
        ev += (sanctioned & ~was_sa) * np.uint16(EVENTS["sanction"])
        ev += (was_sa & (status == P_)) * np.uint16(EVENTS["cure"])
        lag = r["lag"][t]
        # no open case: referral
        i = np.flatnonzero((c0 == NONE) & on_aid)
        i = i[u4[i] < np.minimum(ref_base * risk[i] * red_rem[i], 1.0)]
        comp[i] = ER
        ev[i] += EVENTS["referral"]
        # emergency response: removal, family maintenance, or closed
        i = np.flatnonzero(c0 == ER)
        p_er = np.minimum(er_rem * risk[i] * barr[i] * red_rem[i], 1.0)
        x = u4[i]
        er_remove = i[x < p_er]
        to_fm = (x >= p_er) & (x < p_er + er_fm)
        comp[i[to_fm]] = FM
        comp[i[(x >= p_er) & ~to_fm]] = NONE
        # family maintenance: removal or closed
        i = np.flatnonzero(c0 == FM)
        h = np.minimum(fm_rem * risk[i] * np.where(met_c[i], 1.0, unmet_rr) * barr[i] * red_rem[i], 1.0)
        x = u4[i]
        fm_remove = i[x < h]
        comp[i[(x >= h) & (x < h + fm_close)]] = NONE
        # family reunification: progress, deadlines (extension or the permanency step), reunification
        i = np.flatnonzero(c0 == FR)
        ms = t - ep_start[i]
        progress[i] += met_c[i]
        share = progress[i] / np.maximum(ms, 1)
        e = ext[i]
        past = t >= np.where(e, dl_ext[i], dl_serv[i])
        extend = past & ~e & (share >= thr) & (t < dl_ext[i])
        e = e | extend
        to_pp = past & ~extend
        ext[i] = e
        ev[i[extend]] += EVENTS["extension"]
        ev[i[to_pp]] += EVENTS["permanency_step"]
        comp[i[to_pp]] = PP
        can = ~to_pp & (t < np.where(e, dl_ext[i], dl_serv[i])) & (ms >= min_reun)
        h = np.minimum(reun * (w0 + (1.0 - w0) * share) * np.where(fr_cash[i], fr_rr, 1.0)
                       * np.where(aid_lost[i], lost_rr, 1.0) * (1.0 + I[i] * L.reun_gain), 1.0)
        ok = can & (u5[i] < h)
        j = i[ok]
        comp[j] = AFTER
        ev[j] += EVENTS["reunification"]
        lag[j] = ms[ok]
        after_m[j] = 0
        kids_out[j] = 0
        on_aid[j] = on_aid[j] | aid_lost[j]
        aid_lost[j] = False
        fr_claim[j] = False
        # permanency track: exit to adoption or guardianship
        i = np.flatnonzero(c0 == PP)
        j = i[u5[i] < pp_exit]
        comp[j] = EXITED
        ev[j] += EVENTS["permanency_exit"]
        lag[j] = t - ep_start[j]
        aid_lost[j] = False
        on_aid[j] = on_aid[j] & (kids_out[j] != nch[j])
        # after reunification: re-entry, or the case closes
        i = np.flatnonzero(c0 == AFTER)
        after_m[i] += 1
        h = np.minimum(re_base * risk[i] * barr[i] * red_re[i], 1.0)
        back = u5[i] < h
        reenter = i[back]
        ev[reenter] += EVENTS["reentry"]
        lag[reenter] = after_m[reenter]
        comp[i[~back & (after_m[i] >= aftercare)]] = NONE
        # removals (in-home cases and re-entries): new episode, deadlines and aid from the rule tables
        in_home = np.concatenate([er_remove, fm_remove])
        ev[in_home] += EVENTS["removal_in_home"]
        j = np.concatenate([in_home, reenter])
        if j.size:
            nj = nch[j]
            k = np.where((u[6, j] < all_share) | (nj == 1), nj, np.maximum(np.floor(nj * part_share), 1)).astype(np.int8)
            young = (youngest[j] < tab["young_cws_age"][t]).astype(np.int64)
            allr = (k == nj)
            aided = on_aid[j]
            fr_t = tab["fr"][t, aided.astype(np.int64), allr.astype(np.int64), timed_out[j].astype(np.int64),
                             sanctioned[j].astype(np.int64)]
            fk = fr_t[:, 0]
            claim = u[7, j] < claim_base + I[j] * L.claim_gain * (1.0 - claim_base)
            lose = aided & allr & ~((fk == FR_CASH) & claim)
            kids_out[j] = k
            ep_start[j] = t
            dl_serv[j] = tab["dl"][t, young, 0]
            dl_ext[j] = tab["dl"][t, young, 1]
            ext[j] = False
            progress[j] = 0
            fr_kind[j], fr_end[j], fr_claim[j] = fk, fr_t[:, 1], claim
            on_aid[j] = aided & ~lose
            aid_lost[j] = aid_lost[j] | lose
            comp[j] = FR

        # staff time and pooled funding: exactly the months a lever acts (identified and shared now)
        staff = (act * L.staff_always + (act & both) * L.staff_link + (act & (c0 == FR)) * L.staff_fr
                 + (act & ((status == NC) | sanctioned)) * L.staff_esr
                 + (act & (young_home | transport)) * L.staff_cc)

        # 6. record
        r["status"][t], r["comp"][t], r["grant"][t], r["on_aid"][t] = status, comp, grant, on_aid_month
        r["required"][t], r["demand"][t], r["double"][t] = req * wtw_active, demand, dbl
        r["met_wtw"][t], r["met_case_plan"][t], r["kids_out"][t], r["clock"][t] = met_w, met_c, kids_out, clock
        r["staff_hours"][t] = staff
        r["pooled_cost"][t], r["identified"][t], r["plans"][t] = act * L.pooled_cost, ident, mode
    return rec
