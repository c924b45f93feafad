"""The reference stepper: the same monthly model as :mod:`linkages.simulate.engine`, written for
reading — one household at a time, plain Python, the scalar rules called directly.

It reads the same random numbers (:class:`~linkages.simulate.engine.Draws`) and the same plan
numbers (:func:`~linkages.simulate.caseload.plan_arrays`, the plans module's job), and must give
identical records; ``tests/test_simulate_engines.py`` holds it to that. It is slow by design.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dates import add_months
from ..household import Household
from ..params import value
from ..rules import calworks as C
from ..rules import cws as W
from .caseload import (COMP_CODE, EVENTS, STATUS, STATUS_CODE, age_at_removal, child_for, plan_arrays,
                       resolve_start, validate)
from .engine import Draws, LeverValues, Records, check_cure_fits_a_month
from .model import BARRIERS, ModelParams

__all__ = ["run_reference", "FamilyState"]


@dataclass
class FamilyState:
    """Everything the model remembers about one household between months."""

    comp: str
    status: str
    on_aid: bool
    aid_lost: bool
    timed_out: bool
    clock: int
    kids_out: int
    removal_date: dt.date | None = None  # of the current removal episode
    removal_month: int = 0  # month index of that removal (negative before the start)
    services_end: dt.date | None = None
    extension_end: dt.date | None = None
    extended: bool = False
    progress: int = 0  # months with case-plan progress in this episode
    after_months: int = 0
    fr_aided: bool = False  # family-reunification aid conditions of the episode
    fr_all_removed: bool = False
    fr_timed_out: bool = False
    fr_claimed: bool = False
    fr_sanctioned: bool = False
    nc_months: int = 0
    identified: bool = False


def _ages(text) -> tuple[int, ...]:
    return tuple(int(x) for x in str(text).split(";") if str(x).strip() != "")


def _fr_cash(s: FamilyState, day: dt.date) -> bool:
    """Family-reunification cash aid in force this month (the CalWORKs rule, asked directly)."""
    if s.removal_date is None or not s.fr_claimed:
        return False
    aid = C.family_reunification_aid(s.removal_date, on=day, aided_at_removal=s.fr_aided,
                                     all_children_removed=s.fr_all_removed, timed_out=s.fr_timed_out,
                                     sanctioned=s.fr_sanctioned)
    return aid.kind == "cash and services" and aid.eligible


def run_reference(households: pd.DataFrame, activities: pd.DataFrame | None, start, months: int, levers: dict,
                  P: ModelParams, seed: int, draws: Draws | None = None,
                  force_identified: np.ndarray | None = None) -> Records:
    validate(households)
    start = resolve_start(households, start)
    check_cure_fits_a_month(start)
    hh = households.reset_index(drop=True)
    n = len(hh)
    plans = plan_arrays(hh, activities, start, P)
    L = LeverValues.make(levers, P)
    draws = draws or Draws(seed, n)
    rec = Records.empty(months, n)
    f = float
    window = max(1, int(round(value("calworks.sanction.compliance_window_days", start) / (365.25 / 12))))

    # --- each family's fixed facts and starting state, from its row ----------------------
    fams, states = [], []
    for i, row in enumerate(hh.itertuples(index=False)):
        r = row._asdict()
        bp, br = 1.0, 1.0
        for b in BARRIERS:
            if bool(r[b]):
                bp *= f(P[f"participation.barrier_multiplier.{b}"])
                br *= f(P[f"cws.barrier_removal_rr.{b}"])
        fam = dict(r, ages=_ages(r["children_ages"]), exempt=str(r["work_status"]) == "exempt",
                   bar_part=bp, bar_rem=br, transport=bool(r["transportation"]),
                   earnings=f(0.0 if pd.isna(r["earnings"]) else r["earnings"]),
                   **{k: (v[i] if not isinstance(v[i], np.generic) else v[i].item()) for k, v in plans.items()})
        in_cal = bool(r["in_calworks"])
        clock = int(0 if pd.isna(r["clock_months_used"]) else r["clock_months_used"])
        comp = str(r["cw_component"])
        kids_out = int(r["children_removed"]) if comp in ("family_reunification", "permanency") else 0
        status = str(r["work_status"]) if in_cal and str(r["work_status"]) in STATUS else "none"
        s = FamilyState(comp=comp, status=status, on_aid=in_cal, aid_lost=False,
                        timed_out=in_cal and clock >= C.adult_time_limit(start), clock=clock, kids_out=kids_out,
                        nc_months=1 if status == "non_compliant" else 0)
        if kids_out:
            removal = pd.Timestamp(r["removal_date"]).date()
            age = age_at_removal(int(r["youngest_age"]), removal, start)
            d = W.reunification_deadlines(child_for(age, removal, P))
            s.removal_date, s.services_end, s.extension_end = removal, d.services_end, d.extension_end
            s.removal_month = (removal.year - start.year) * 12 + removal.month - start.month
            all_out = kids_out == int(r["n_children"])
            s.fr_aided, s.fr_all_removed, s.fr_timed_out = in_cal, all_out, s.timed_out
            s.fr_sanctioned = status == "sanctioned"
            s.fr_claimed = False
            if all_out and in_cal:
                s.fr_claimed = True
                if not _fr_cash(s, start):
                    s.fr_claimed = False
                    s.on_aid, s.aid_lost = False, True
        fams.append(fam)
        states.append(s)

    minutes = f(P["plans.travel_minutes_per_place"])
    for t in range(months):
        day = add_months(start, t)
        u = draws.month(t)
        for i in range(n):
            _step(t, day, fams[i], states[i], u[:, i], draws.init[:, i], L, P, window, minutes, rec, i,
                  bool(force_identified[i]) if force_identified is not None else False)
    return rec


def _step(t, day, fam, s: FamilyState, u, u0, L: LeverValues, P, window, minutes, rec, i, force) -> None:
    f = float
    nch = int(fam["n_children"])
    adults = int(fam["n_adults"])
    prev_status = s.status
    comp0 = s.comp

    # 0. family-reunification cash that has run out; is the family identified as shared?
    in_care = comp0 in ("family_reunification", "permanency")
    if s.on_aid and in_care and s.kids_out == nch and not _fr_cash(s, day):
        s.on_aid, s.aid_lost = False, True
    cw_open = comp0 in ("emergency_response", "family_maintenance", "family_reunification", "permanency", "aftercare")
    shared_now = (s.on_aid or s.aid_lost) and cw_open
    if shared_now and (u0[0] < L.p_id or force):
        s.identified = True
    # a lever acts only in a month the family is identified AND shared (open in both programs)
    act = s.identified and shared_now
    I = 1.0 if act else 0.0

    # 1. demands: the welfare-to-work hours (the rule) and the plans
    ages = tuple(min(a + t // 12, 18) for a in fam["ages"])
    youngest = int(fam["youngest_age"]) + t // 12
    req = C.work_hours_required(Household(adults=adults, children_ages=ages,
                                          wtw_exempt_adults=adults if fam["exempt"] else 0), day)
    wtw_active = s.on_aid and not s.timed_out and not fam["exempt"] and req > 0
    cws_active = comp0 in ("family_maintenance", "family_reunification")
    both = wtw_active and cws_active
    lk = I * L.link
    if both:
        hours = fam["sep_h"] - lk * (fam["sep_h"] - fam["lnk_h"])
        pdays = fam["sep_pd"] - lk * (fam["sep_pd"] - fam["lnk_pd"])
        dbl = fam["sep_db"] - lk * (fam["sep_db"] - fam["lnk_db"])
    elif wtw_active:
        hours, pdays, dbl = fam["wtw_h"], fam["wtw_pd"], fam["wtw_db"]
    elif cws_active:
        hours, pdays, dbl = fam["cws_h"], fam["cws_pd"], fam["cws_db"]
    else:
        hours, pdays, dbl = 0.0, 0.0, 0.0
    travel = pdays * (minutes / 60.0) * (1.0 - I * L.travel_saved)
    demand = hours + travel

    # 2. capacity
    kids_home = nch - s.kids_out
    young_home = youngest < C.young_child_age(day) and kids_home > 0
    p_cc = f(P["capacity.child_care_arranged_share"])
    cc_ok = u0[1] < p_cc + I * L.cc_gain * (1.0 - p_cc)
    tr_ok = u0[2] < I * L.tr_relief
    cap = f(P["capacity.base_hours"])
    cap = cap - (f(P["capacity.hours_lost_without_child_care"]) if young_home and not cc_ok else 0.0)
    cap = cap - (f(P["capacity.hours_lost_transport_barrier"]) if fam["transport"] and not tr_ok else 0.0)

    # 3. participation
    over = max(demand - cap, 0.0)
    fit = max(1.0 - f(P["participation.overload_slope"]) * over, 0.0) * max(
        1.0 - f(P["participation.double_booking_penalty"]) * dbl, 0.0)
    relief = I * L.relief
    barp = fam["bar_part"] + relief * (1.0 - fam["bar_part"])
    pmax = f(P["participation.max_probability"])
    p_w = f(P["participation.base_probability"]) * fit * barp * (1.0 + I * L.part_gain)
    if prev_status == "sanctioned":
        p_w = p_w * min(f(P["participation.sanctioned_engagement"]) + I * L.sanc_gain, 1.0)
    p_w = min(p_w, pmax)
    p_c = min(f(P["participation.case_plan_base_probability"]) * fit * barp * (1.0 + I * L.plan_gain), pmax)
    met_w = wtw_active and u[0] < p_w
    met_c = cws_active and u[1] < p_c

    # 4. CalWORKs: this month's welfare-to-work status
    gc = u[2] < min(f(P["sanction.good_cause_share"]) + I * L.gc_gain, 1.0)
    res = u[3] < min(f(P["sanction.window_resolution_share"]) + I * L.win_gain, 1.0)
    due = prev_status == "non_compliant" and s.nc_months >= window
    if not (s.on_aid and not s.timed_out):
        status = "none"
    elif fam["exempt"]:
        status = "exempt"
    elif not wtw_active:
        status = "none"
    elif met_w:
        status = "participating"  # meeting the hours never leads to a sanction, and cures one
    elif prev_status == "sanctioned":
        status = "sanctioned"
    elif gc:
        status = "good_cause"
    elif due:
        status = "good_cause" if res else "sanctioned"  # the compliance window ends
    else:
        status = "non_compliant"  # the compliance window opens (or continues)
    s.status = status
    s.nc_months = s.nc_months + 1 if status == "non_compliant" else 0
    sanctioned = status == "sanctioned"
    # the grant, from the CalWORKs rule (children on family-reunification aid stay in the AU)
    fr_cash = _fr_cash(s, day)
    grant = g_full = 0.0
    if s.on_aid:
        a_eff = 0 if s.timed_out else adults
        unit = Household(adults=a_eff, children_ages=ages, county=fam["county"], earnings=fam["earnings"],
                         employed_persons=min(int(fam["employed_persons"]), a_eff + nch),
                         exempt_map=bool(fam["exempt_map"]), sanctioned_adults=1 if sanctioned else 0,
                         children_removed=0 if fr_cash else s.kids_out)
        grant = C.monthly_grant(unit, day)
        g_full = C.monthly_grant(unit.with_(sanctioned_adults=0), day)
    loss = g_full - grant if sanctioned else 0.0
    # the clock (exempt and sanctioned months never count: the rule says so)
    on_aid_month = s.on_aid
    if s.on_aid and not s.timed_out and status != "none" and C.month_counts_on_clock(status, day):
        s.clock += 1
    if s.on_aid and s.clock >= C.adult_time_limit(day):
        s.timed_out = True

    # 5. child welfare
    risk = f(P["cws.sanction_rr"]) * (1.0 + f(P["cws.income_loss_rr_per_100_usd"]) * loss / 100.0) if sanctioned else 1.0
    barr = fam["bar_rem"] + relief * (1.0 - fam["bar_rem"])
    red_rem = 1.0 - I * L.removal_red
    red_re = 1.0 - I * L.reentry_red
    events, lag, removal, removal_in_home = 0, -1, False, False
    if comp0 == "none":
        if s.on_aid and u[4] < min(f(P["cws.referral_monthly"]) * risk * red_rem, 1.0):
            s.comp = "emergency_response"
            events += EVENTS["referral"]
    elif comp0 == "emergency_response":
        p_er = min(f(P["cws.er_removal_share"]) * risk * barr * red_rem, 1.0)
        if u[4] < p_er:
            removal = removal_in_home = True
        elif u[4] < p_er + f(P["cws.er_family_maintenance_share"]):
            s.comp = "family_maintenance"
        else:
            s.comp = "none"
    elif comp0 == "family_maintenance":
        unmet = f(P["cws.unmet_plan_removal_rr"]) if (cws_active and not met_c) else 1.0
        h = min(f(P["cws.fm_removal_monthly"]) * risk * unmet * barr * red_rem, 1.0)
        if u[4] < h:
            removal = removal_in_home = True
        elif u[4] < h + f(P["cws.fm_close_monthly"]):
            s.comp = "none"
    elif comp0 == "family_reunification":
        ms = t - s.removal_month
        s.progress += 1 if met_c else 0
        share = s.progress / max(ms, 1)
        deadline = s.extension_end if s.extended else s.services_end
        if day >= deadline:  # services have run out: extend, or the permanency step
            if not s.extended and share >= f(P["cws.extension_progress_threshold"]) and day < s.extension_end:
                s.extended = True
                events += EVENTS["extension"]
            else:
                s.comp = "permanency"
                events += EVENTS["permanency_step"]
        deadline = s.extension_end if s.extended else s.services_end
        if (s.comp == "family_reunification" and day < deadline
                and ms >= int(P["cws.reunification_min_months_after_removal"])):
            h = min(f(P["cws.reunification_monthly"]) * (f(P["cws.reunification_without_progress"]) + (
                1.0 - f(P["cws.reunification_without_progress"])) * share)
                    * (f(P["cws.fr_cash_reunification_rr"]) if fr_cash else 1.0)
                    * (f(P["cws.aid_lost_reunification_rr"]) if s.aid_lost else 1.0) * (1.0 + I * L.reun_gain), 1.0)
            if u[5] < h:
                s.comp, s.after_months, s.kids_out, lag = "aftercare", 0, 0, ms
                events += EVENTS["reunification"]
                if s.aid_lost:
                    s.on_aid = True
                s.aid_lost, s.fr_claimed = False, False
    elif comp0 == "permanency":
        if u[5] < f(P["cws.permanency_exit_monthly"]):
            s.comp, lag = "exited", t - s.removal_month
            events += EVENTS["permanency_exit"]
            s.aid_lost = False
            if s.kids_out == nch:
                s.on_aid = False
    elif comp0 == "aftercare":
        s.after_months += 1
        if u[5] < min(f(P["cws.reentry_monthly"]) * risk * barr * red_re, 1.0):
            removal, lag = True, s.after_months
            events += EVENTS["reentry"]
        elif s.after_months >= int(P["cws.aftercare_months"]):
            s.comp = "none"
    if removal:
        k = nch if (u[6] < f(P["cws.all_children_removed_share"]) or nch == 1) else max(
            int(math.floor(nch * f(P["cws.partial_removal_share"]))), 1)
        if removal_in_home:
            events += EVENTS["removal_in_home"]
        age = youngest
        d = W.reunification_deadlines(child_for(age, day, P))
        base = f(P["calworks.fr_aid_claimed_share"])
        claim = u[7] < base + I * L.claim_gain * (1.0 - base)
        s.comp, s.kids_out, s.removal_date, s.removal_month = "family_reunification", k, day, t
        s.services_end, s.extension_end, s.extended, s.progress = d.services_end, d.extension_end, False, 0
        s.fr_aided, s.fr_all_removed, s.fr_timed_out, s.fr_claimed = s.on_aid, k == nch, s.timed_out, claim
        s.fr_sanctioned = sanctioned
        kind = C.family_reunification_aid(day, aided_at_removal=s.fr_aided, all_children_removed=s.fr_all_removed,
                                          timed_out=s.fr_timed_out, sanctioned=s.fr_sanctioned).kind
        if s.on_aid and k == nch and not (kind == "cash and services" and claim):
            s.on_aid, s.aid_lost = False, True
    if sanctioned and prev_status != "sanctioned":
        events += EVENTS["sanction"]
    if prev_status == "sanctioned" and status == "participating":
        events += EVENTS["cure"]

    # staff time and pooled funding: only in the months a lever acts (identified and shared now)
    staff = (L.staff_always if act else 0.0) + (L.staff_link if act and both else 0.0)
    staff = staff + (L.staff_fr if act and comp0 == "family_reunification" else 0.0)
    staff = staff + (L.staff_esr if act and status in ("non_compliant", "sanctioned") else 0.0)
    staff = staff + (L.staff_cc if act and (young_home or fam["transport"]) else 0.0)

    # 6. record
    r = rec.data
    r["status"][t, i], r["comp"][t, i], r["grant"][t, i] = STATUS_CODE[status], COMP_CODE[s.comp], grant
    r["on_aid"][t, i], r["required"][t, i] = on_aid_month, req if wtw_active else 0
    r["demand"][t, i], r["double"][t, i], r["met_wtw"][t, i], r["met_case_plan"][t, i] = demand, dbl, met_w, met_c
    r["kids_out"][t, i], r["clock"][t, i], r["events"][t, i], r["lag"][t, i] = s.kids_out, s.clock, events, lag
    r["staff_hours"][t, i] = staff
    r["pooled_cost"][t, i] = L.pooled_cost if act else 0.0
    r["identified"][t, i] = s.identified
    r["plans"][t, i] = (1 if wtw_active else 0) + (2 if cws_active else 0)
