"""One family's story: two paths on the same draws, the calendar, plain-language sentences."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from linkages.plans import Activity, Plan, activities_frame
from linkages.simulate import CaseloadError, family_story, pick_story_household
from linkages.simulate.fixture import population

POP = population(600, 51)


def _family():
    hh = POP.households.iloc[[0]].copy()
    hh = hh.assign(household_id="maria", n_adults=1, n_children=2, children_ages="2;7", youngest_age=2,
                   in_calworks=True, in_cws=True, shared=True, work_status="participating", earnings=0.0,
                   employed_persons=0, cw_component="family_maintenance", removal_date=pd.NaT, children_removed=0,
                   substance_use=True, clock_months_used=10)
    w = Plan((Activity("job club", "wtw", 14, "WTW office", "Mon;Tue;Wed;Thu;Fri", 9, "wtw"),
              Activity("substance use treatment", "wtw", 6, "Treatment center", "Mon;Wed;Fri", 13, "wtw;cws")))
    c = Plan((Activity("substance use treatment", "cws", 6, "Treatment center", "Mon;Wed;Fri", 13, "wtw;cws"),
              Activity("parenting class", "cws", 3, "Family center", "Tue", 10, "cws")))
    return hh, activities_frame([("maria", w), ("maria", c)])


def test_story_paths_sentences_and_calendar():
    hh, act = _family()
    st = family_story(hh, act, "maria", months=18, seed=3)
    assert len(st.separate) == len(st.linked) == 18
    assert st.required_hours == 20
    text = st.summary()
    assert text.startswith("Under separate plans she is asked for")
    assert "the linked plan asks for" in text
    assert st.linked_plan.total_hours < (st.wtw_plan + st.cws_plan).total_hours
    fig, alt = st.calendar()
    assert "Linking the plans cuts the week" in alt
    fig2, alt2 = st.figure()
    assert alt2.startswith("Two step charts over 18 months.")
    side = st.side_by_side
    assert {"grant (separate)", "grant (linked)", "fifteen_of_22 (linked)"} <= set(side.columns)
    plt.close("all")


def test_same_draws_so_a_family_out_of_reach_has_one_path():
    hh, act = _family()
    hh = hh.assign(cw_component="none", in_cws=False, shared=False)
    st = family_story(hh, act, "maria", months=12, seed=1, pronouns="they")
    assert not st.shared
    cols = ["status", "grant", "child_welfare", "children_removed"]
    assert st.separate[cols].equals(st.linked[cols])
    assert any("does not reach" in s for s in st.sentences())
    assert "They uses" not in st.summary() and "They is" not in st.summary()
    assert all(" she " not in s for s in st.sentences())


def test_story_of_a_generated_family_and_errors():
    hid = pick_story_household(POP.households, POP.activities)
    st = family_story(POP.households, POP.activities, hid, months=24, seed=2)
    assert st.sentences()
    with pytest.raises(CaseloadError, match="no household"):
        family_story(POP.households, POP.activities, "nobody")
    with pytest.raises(CaseloadError, match="Pronouns"):
        family_story(POP.households, POP.activities, hid, pronouns="xe")


def test_run_sentences_say_they_are_one_run():
    hh, act = _family()
    st = family_story(hh, act, "maria", months=18, seed=3)
    from linkages.simulate.story import run_sentences, week_sentences

    week, run = week_sentences(st), run_sentences(st)
    assert st.sentences() == week + run and run
    assert run[0].startswith("In one possible 18 months (a single run of the model, not an average), ")
    assert all(s.startswith("In the same run, ") for s in run[1:])
    assert not any("month" in s and "hours a week" not in s for s in week)  # the week is no run
    assert run_sentences(st, lead=None)[0].startswith(("Under separate plans", "She "))


def test_the_model_reads_the_rescheduled_linked_plan():
    """simulate.caseload.plan_arrays reads linked double-bookings through linkages.plans: the
    sessions a linked plan moves are gone from the model's linked path too."""
    from linkages.families import load
    from linkages.plans import link, plans_for
    from linkages.simulate.caseload import plan_arrays, resolve_start
    from linkages.simulate.model import ModelParams

    cast = load("cast")
    start = resolve_start(cast.households, None)
    a = plan_arrays(cast.households, cast.activities, start, ModelParams.load(start))
    ids = list(cast.households["household_id"])
    for hid in ("CAST-000003", "CAST-000004"):
        i = ids.index(hid)
        w, c = plans_for(cast.activities, hid)
        assert a["sep_db"][i] == len((w + c).double_bookings()) > 0
        assert a["lnk_db"][i] == len(link(w, c, float(a["wtw_h"][i])).double_bookings()) == 0
        assert a["lnk_pd"][i] <= a["sep_pd"][i]
