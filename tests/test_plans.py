"""Case plans: schedule, double-bookings, travel, the linked plan, the caseload version, the figure."""

import matplotlib

matplotlib.use("Agg")

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkages.plans import (DAYS, OKABE_ITO, Activity, Plan, PlanError, activities_frame, calendar_figure,
                            caseload_metrics, compare_plans, link, plans_for, travel_minutes_per_place)


def A(name, plan, hours, place, days, start, acc=None):
    return Activity(name, plan, hours, place, days, start, acc or plan)


WTW = Plan((A("job search", "wtw", 10, "WTW office", "Mon;Tue;Wed;Thu;Fri", 13),
            A("employment", "wtw", 12, "Cafe", "Sat;Sun", 10),
            A("substance use treatment", "wtw", 6, "Clinic", "Mon;Wed;Fri", 9, "wtw;cws")))
CWS = Plan((A("parenting class", "cws", 3, "Family center", "Tue", 13),
            A("substance use treatment", "cws", 6, "Clinic", "Mon;Wed;Fri", 9, "wtw;cws"),
            A("visitation", "cws", 4, "CWS office", "Thu", 14)))


def test_schedule_hours_and_sessions():
    sched = (WTW + CWS).schedule()
    assert len(sched) == 5 + 2 + 3 + 1 + 3 + 1
    assert sched["hours"].sum() == pytest.approx(41)
    assert (WTW + CWS).total_hours == 41
    assert list(sched.columns[:4]) == ["day", "start", "end", "hours"]


def test_double_bookings_are_overlapping_slots_on_the_same_day():
    dbl = (WTW + CWS).double_bookings()
    days = sorted(d.day for d in dbl)
    # Mon/Wed/Fri: the same treatment in both plans; Tue: job search vs parenting; Thu: job search vs visitation
    assert days == sorted(["Mon", "Wed", "Fri", "Tue", "Thu"])
    touching = Plan((A("a", "wtw", 2, "x", "Mon", 9), A("b", "cws", 2, "y", "Mon", 11)))
    assert touching.double_bookings() == []


def test_travel_counts_each_distinct_place_each_day():
    minutes = travel_minutes_per_place()
    p = Plan((A("a", "wtw", 2, "Clinic", "Mon;Tue", 9), A("b", "cws", 2, "Clinic", "Mon", 13),
              A("c", "cws", 1, "Court", "Mon", 15)))
    assert p.place_days() == 3  # Mon Clinic, Mon Court, Tue Clinic
    assert p.travel_hours() == pytest.approx(3 * minutes / 60)
    assert p.travel_hours(30) == pytest.approx(1.5)


def test_linked_plan_counts_shared_activities_once():
    lnk = link(WTW, CWS)
    names = [a.activity for a in lnk.activities]
    assert names.count("substance use treatment") == 1
    assert lnk.total_hours == 41 - 6
    assert len(lnk.double_bookings()) == 2
    table = compare_plans(WTW, CWS)
    assert table.loc["linked plan", "hours_demanded"] < table.loc["separate plans", "hours_demanded"]


def test_linked_plan_uses_extra_credit_down_to_the_requirement_and_spares_paid_work():
    cws = Plan(CWS.activities + (A("mental health counseling", "cws", 4, "Clinic", "Thu", 9, "wtw;cws"),))
    lnk = link(WTW, cws, required_hours=28)
    by = {a.activity: a.hours_per_week for a in lnk.activities if a.plan == "wtw"}
    assert by["employment"] == 12  # paid work never trimmed
    assert by["job search"] == 6  # 4 more credit hours replace job search
    assert lnk.hours_for("wtw") >= 28
    # with a higher requirement nothing beyond the duplicate can go
    assert {a.activity: a.hours_per_week for a in link(WTW, cws, 32).activities if a.plan == "wtw"}["job search"] == 10


def test_bad_activities_get_sentences():
    with pytest.raises(PlanError, match="not a day"):
        A("a", "wtw", 2, "x", "Mon;Funday", 9)
    with pytest.raises(PlanError, match="wtw' or 'cws"):
        A("a", "court", 2, "x", "Mon", 9)
    with pytest.raises(PlanError, match="negative"):
        A("a", "wtw", -2, "x", "Mon", 9)
    with pytest.raises(PlanError, match="past midnight"):
        A("a", "wtw", 10, "x", "Mon", 20)
    with pytest.raises(PlanError, match="child welfare plan"):
        link(CWS, CWS)


# --- properties -------------------------------------------------------------------------

NAMES = ["job search", "employment", "substance use treatment", "parenting class", "counseling", "visitation"]
acts = st.builds(
    lambda name, plan, hh, place, days, start, acc: A(name, plan, hh, place, ";".join(days), start, ";".join(acc)),
    st.sampled_from(NAMES), st.sampled_from(["wtw", "cws"]), st.integers(1, 16).map(lambda x: x / 2),
    st.sampled_from(["Clinic", "Office", "Court", "School"]),
    st.lists(st.sampled_from(DAYS), min_size=1, max_size=5, unique=True),
    st.integers(14, 30).map(lambda x: x / 2),
    st.lists(st.sampled_from(["wtw", "cws"]), min_size=1, max_size=2, unique=True),
)
plans = st.lists(acts, max_size=7).map(lambda xs: (Plan(tuple(a for a in xs if a.plan == "wtw")),
                                                   Plan(tuple(a for a in xs if a.plan == "cws"))))


@settings(max_examples=150, deadline=None)
@given(plans, st.one_of(st.none(), st.integers(0, 40)))
def test_linked_plan_never_demands_more(pair, required):
    wtw, cws = pair
    sep, lnk = wtw + cws, link(wtw, cws, required)
    assert lnk.total_hours <= sep.total_hours + 1e-9
    assert lnk.demand_hours() <= sep.demand_hours() + 1e-9
    assert len(lnk.double_bookings()) <= len(sep.double_bookings())
    assert lnk.place_days() <= sep.place_days()
    # the case plan is untouched, and welfare-to-work still counts at least what it asked for
    assert lnk.program("cws").activities == cws.activities
    need = wtw.total_hours if required is None else required
    assert lnk.hours_for("wtw") >= min(need, wtw.total_hours) - 1e-9


@settings(max_examples=100, deadline=None)
@given(st.lists(plans, min_size=1, max_size=4), st.lists(st.integers(0, 40), min_size=4, max_size=4))
def test_caseload_metrics_agree_with_one_household_at_a_time(households, required):
    frame = activities_frame([(f"h{i}", p) for i, (w, c) in enumerate(households) for p in (w, c)])
    ids = [f"h{i}" for i in range(len(households))] + ["nobody"]
    req = required[: len(households)] + [0]
    m = caseload_metrics(frame, household_ids=ids, required_hours=req)
    for i, (w, c) in enumerate(households):
        row = m.loc[f"h{i}"]
        lnk = link(w, c, req[i])
        assert row.wtw_hours == pytest.approx(w.total_hours) and row.cws_hours == pytest.approx(c.total_hours)
        assert row.linked_cut_hours == pytest.approx((w + c).total_hours - lnk.total_hours)
        assert row.wtw_place_days == w.place_days() and row.cws_place_days == c.place_days()
        assert row.sep_place_days == (w + c).place_days() and row.linked_place_days == lnk.place_days()
        assert row.wtw_double == len(w.double_bookings()) and row.cws_double == len(c.double_bookings())
        assert row.sep_double == len((w + c).double_bookings())
        assert row.linked_double == len(lnk.double_bookings())
    assert (m.loc["nobody"] == 0).all()


def test_plans_for_reads_a_household_from_the_activity_table():
    frame = activities_frame([("a", WTW), ("a", CWS), ("b", WTW)])
    w, c = plans_for(frame, "a")
    assert w.total_hours == 28 and c.total_hours == 13
    assert len(plans_for(frame, "b")[1]) == 0


def test_calendar_figure_states_the_finding_and_has_alt_text():
    fig, alt = calendar_figure(WTW + CWS, link(WTW, CWS))
    title = fig._suptitle.get_text()
    assert title.startswith("Linking the plans cuts the week from")
    assert "double-booking" in title and title in alt
    assert "Double-booked:" in alt and "accepted by both" in alt
    faces = {matplotlib.colors.to_hex(p.get_facecolor()).upper() for ax in fig.axes for p in ax.patches}
    assert faces <= {c.upper() for c in OKABE_ITO.values()}
    fig2, alt2 = calendar_figure(CWS, person="Maria")
    assert fig2._suptitle.get_text().startswith("Maria is asked for 16.3 hours a week")
    import matplotlib.pyplot as plt

    plt.close("all")
