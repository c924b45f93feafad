"""Case plans: schedule, double-bookings, travel, the linked plan (shared activities once, clashing
sessions moved), the caseload version, display names and the figure's labels."""

import matplotlib

matplotlib.use("Agg")

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkages.plans import (DAYS, OKABE_ITO, Activity, Plan, PlanError, activities_frame, calendar_figure,
                            caseload_metrics, compare_plans, describe_moves, display_name, fixed_activities, link,
                            plans_for, travel_minutes_per_place)
from linkages.plans.calendar import ALT_TEXT_LIMIT, block_label, plan_sentence, wrap_words


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
    lnk = link(WTW, CWS, reschedule=False)
    names = [a.activity for a in lnk.activities]
    assert names.count("substance use treatment") == 1
    assert lnk.total_hours == 41 - 6
    assert len(lnk.double_bookings()) == 2  # job search still meets the parenting class and the visit
    table = compare_plans(WTW, CWS)
    assert table.loc["linked plan", "hours_demanded"] < table.loc["separate plans", "hours_demanded"]


def test_linking_moves_the_clashing_sessions_to_free_slots():
    before, lnk = link(WTW, CWS, reschedule=False), link(WTW, CWS)
    assert lnk.double_bookings() == [] and len(before.double_bookings()) == 2
    # the same activities and hours; only two job-search sessions moved, each the nearest free time that day
    assert [a.unmoved() for a in lnk.activities] == list(before.activities)
    moves = [(m.activity, m.from_day, m.from_start, m.to_day, m.to_start) for m in lnk.moves()]
    assert moves == [("job search", "Tue", 13, "Tue", 11), ("job search", "Thu", 13, "Thu", 12)]
    assert lnk.moves()[0].clashed_with == ("parenting class",)
    assert lnk.demand_hours() == pytest.approx(before.demand_hours())  # a move adds no trip
    assert lnk.moves()[0].sentence() == ("Job search moved from Tuesday 13:00 to 11:00 the same day so it no longer "
                                         "clashes with parenting class")
    tue = [s for s in lnk.sessions() if s.day == "Tue" and s.activity == "job search"]
    assert [(s.start, s.end, s.moved_from) for s in tue] == [(11, 13, ("Tue", 13))]
    # a plan alone is nobody's to agree: without a case plan nothing moves
    alone = link(WTW, Plan())
    assert alone.moves() == [] and len(alone.double_bookings()) == len(WTW.double_bookings())


def test_paid_work_and_court_hearings_never_move():
    assert {"employment", "court hearing"} <= fixed_activities()
    work = Plan((A("employment", "wtw", 20, "Cafe", "Mon;Tue;Wed;Thu", 9),))
    cws = Plan((A("parenting class", "cws", 2, "Family center", "Mon", 10),
                A("court hearing", "cws", 1, "Court", "Tue", 10),
                A("visitation", "cws", 2, "CWS office", "Wed", 15)))
    lnk = link(work, cws)
    assert not [m for m in lnk.moves() if m.activity in ("employment", "court hearing")]
    # the class goes to the nearest free time that day within the hours the plans use (9:00-17:00)
    assert [(m.activity, m.to_day, m.to_start) for m in lnk.moves()] == [("parenting class", "Mon", 14.0)]
    # the hearing clashes with work and neither may move: the clash stays, and says so
    left = lnk.double_bookings()
    assert [(d.first.activity, d.second.activity) for d in left] == [("employment", "court hearing")]


def test_moved_activities_round_trip_through_the_table():
    lnk = link(WTW, CWS)
    frame = activities_frame([("x", lnk)])
    again = Plan.from_frame(frame)
    key = lambda p: sorted((s.day, s.start, s.end, s.activity) for s in p.sessions())  # noqa: E731
    assert key(again) == key(lnk) and again.total_hours == pytest.approx(lnk.total_hours)
    with pytest.raises(PlanError, match="twice on one day"):
        Activity("job search", "wtw", 4, "x", "Mon;Tue", 9, moves=(lnk.moves()[0].__class__(
            "job search", "wtw", "Mon", 9, "Tue", 13),))


def test_display_names_never_show_ids():
    assert display_name("job_search") == "Job search"
    assert display_name("mental_health_counseling", start=False) == "mental health counseling"
    assert display_name("visitation") == "Family visits" and display_name("employment") == "Paid work"
    assert display_name("job club") == "Job club" and display_name("WTW_orientation", start=False) == "WTW orientation"
    dbl = Plan((A("job_search", "wtw", 5, "WTW office", "Wed", 13), A("family_therapy", "cws", 1.5, "Clinic", "Wed", 17)))
    assert dbl.double_bookings()[0].sentence() == ("Wednesday 17:00: job search (welfare-to-work) and family therapy "
                                                   "(child welfare)")
    lnk = link(Plan((A("job_search", "wtw", 12, "WTW office", "Mon;Tue;Wed", 9),)),
               Plan((A("family_therapy", "cws", 1.5, "Clinic", "Wed", 10), A("visitation", "cws", 2, "CWS office", "Thu", 15))))
    text = plan_sentence(lnk, "Linked plan") + " " + " ".join(describe_moves(lnk.moves()))
    assert text.endswith("1 session moved to end clashes (job search) Job search moved from Wednesday 9:00 to 11:30 "
                         "the same day so it no longer clashes with family therapy")
    assert "_" not in text


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

NAMES = ["job search", "employment", "substance use treatment", "parenting class", "counseling", "visitation",
         "court hearing"]
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
    # the case plan keeps its activities and hours (sessions may move), and welfare-to-work still
    # counts at least what it asked for
    assert [a.unmoved() for a in lnk.program("cws").activities] == list(cws.activities)
    need = wtw.total_hours if required is None else required
    assert lnk.hours_for("wtw") >= min(need, wtw.total_hours) - 1e-9


@settings(max_examples=150, deadline=None)
@given(plans, st.one_of(st.none(), st.integers(0, 40)))
def test_linked_plan_never_has_more_double_bookings(pair, required):
    wtw, cws = pair
    sep, before, lnk = wtw + cws, link(wtw, cws, required, reschedule=False), link(wtw, cws, required)
    assert len(lnk.double_bookings()) <= len(before.double_bookings()) <= len(sep.double_bookings())
    # moving changes no activity's hours and adds no trip
    assert [a.unmoved() for a in lnk.activities] == list(before.activities)
    assert lnk.place_days() <= before.place_days()
    if not (wtw.total_hours and cws.total_hours):
        assert lnk.moves() == []
        return
    frame = sep.sessions()
    lo, hi, days = min(s.start for s in frame), max(s.end for s in frame), {s.day for s in frame}
    fixed = fixed_activities()
    week = lnk.sessions()
    moved = [i for i, s in enumerate(week) if s.moved_from is not None]
    assert len(moved) == len(lnk.moves())
    for i in moved:
        s = week[i]
        assert s.activity.replace("_", " ") not in fixed
        assert s.day in days and lo - 1e-9 <= s.start and s.end <= hi + 1e-9
        # a moved session clashes with nothing, and its activity meets once that day
        others = [o for j, o in enumerate(week) if j != i and o.day == s.day]
        assert not any(o.start < s.end and s.start < o.end for o in others)
        if sum(a.activity == s.activity and a.plan == s.plan for a in lnk.activities) == 1:
            assert not any(o.activity == s.activity and o.plan == s.plan for o in others)


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


def test_caseload_metrics_count_the_moves():
    frame = activities_frame([("a", WTW), ("a", CWS), ("b", WTW), ("b", CWS)])
    m = caseload_metrics(frame)
    assert (m["linked_double"] == 0).all() and (m["sep_double"] == 5).all()
    assert (m["linked_place_days"] == link(WTW, CWS).place_days()).all()


def test_labels_wrap_on_words_and_drop_the_place_before_shrinking():
    assert wrap_words("Mental health counseling", 60, 8) == ["Mental health", "counseling"]
    assert wrap_words("Substance use treatment", 20, 8) is None  # never a broken word
    big = block_label("Job search", "WTW office", 100, 200)
    assert big == (["Job search"], 10.0, ["WTW office"], 9.0)  # the largest type, place and all
    short = block_label("Job search", "Behavioral health clinic", 100, 18)
    assert short[:2] == (["Job search"], 10.0) and short[2] == []  # no room for the place: dropped, name kept big
    narrow = block_label("Substance use treatment", "Clinic", 42, 120)
    assert narrow[0] == ["Substance", "use", "treatment"] and narrow[1] < 10  # smaller type, whole words
    assert block_label("Substance use treatment", "", 12, 12) is None


def _cast_plans():
    from linkages.families import load
    from linkages.rules import calworks
    from linkages.families import to_household

    cast = load("cast")
    hh = cast.households.set_index("household_id", drop=False)
    out = {}
    for hid in hh.index:
        w, c = plans_for(cast.activities, hid)
        req = calworks.work_hours_required(to_household(hh.loc[hid]).with_(sanctioned_adults=0), cast.households[
            "cw_start_date"].max() if False else "2025-06-01")
        out[hid] = (w, c, link(w, c, float(req) if len(w) else None))
    return out


def test_cast_calendars_show_whole_display_names():
    import matplotlib.pyplot as plt

    words_ok = 0
    for hid, (w, c, lnk) in _cast_plans().items():
        sep = w + c
        if not len(sep):
            continue
        # linking never asks more, never double-books more; a family with both plans loses its clashes
        assert lnk.demand_hours() <= sep.demand_hours() + 1e-9
        assert len(lnk.double_bookings()) <= len(sep.double_bookings())
        if len(w) and len(c) and sep.double_bookings():
            assert len(lnk.double_bookings()) < len(sep.double_bookings()), hid
        for plan in (sep, lnk):
            fig, alt = calendar_figure(plan, tight=False, size=(7.6, 5.4),
                                       margins=dict(left=0.085, right=0.985, top=0.87, bottom=0.16))
            assert "_" not in alt and len(alt) <= ALT_TEXT_LIMIT
            names = {display_name(a.activity) for a in plan.activities} | {a.place for a in plan.activities}
            for t in fig.axes[0].texts:
                lines = t.get_text().split("\n")
                assert "_" not in t.get_text()
                # the lines of a label, joined again, are a display name or a place: no word split
                assert " ".join(lines) in names, (hid, lines)
                words_ok += 1
        plt.close("all")
    assert words_ok > 40


def test_calendar_figure_states_the_finding_and_has_alt_text():
    fig, alt = calendar_figure(WTW + CWS, link(WTW, CWS))
    title = fig._suptitle.get_text()
    assert title.startswith("Linking the plans cuts the week from")
    assert "double-booking" in title and title in alt
    assert "Double-booked:" in alt and "Moved so nothing clashes: Job search moved" in alt
    assert len(alt) <= ALT_TEXT_LIMIT  # an accessible name a browser keeps
    faces = {matplotlib.colors.to_hex(p.get_facecolor()).upper() for ax in fig.axes for p in ax.patches}
    assert faces <= {c.upper() for c in OKABE_ITO.values()}
    fig2, alt2 = calendar_figure(CWS, person="Maria")
    assert fig2._suptitle.get_text().startswith("Maria is asked for 16.3 hours a week")
    import matplotlib.pyplot as plt

    plt.close("all")
