"""Simulation API: scenarios, levers, errors that name the problem, seeds, replicates."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from linkages.simulate import (ALL_LEVERS, LEVERS, CaseloadError, EmptyCaseloadError, LeverStrengthError, Scenario,
                               ScenarioError, SimulationError, UnknownLeverError, lever_table, replicate_seeds,
                               run_replicates, simulate)
from linkages.simulate.fixture import population

POP = population(400, 21)
HH, ACT = POP.households, POP.activities


def test_levers_registry_has_the_eight_practices():
    assert list(LEVERS) == ["identification", "linked_plan", "case_conference", "co_location", "fr_aid_kept",
                            "early_sanction_resolution", "child_care_transport", "pooled_funding"]
    t = lever_table()
    assert len(t) == 8 and t["description"].str.len().min() > 20


def test_unknown_lever_is_named():
    with pytest.raises(UnknownLeverError, match="'data_magic' is not a lever"):
        Scenario(levers={"data_magic": 1})
    assert issubclass(UnknownLeverError, ValueError)


@pytest.mark.parametrize("bad", [-0.1, 1.5, "lots"])
def test_strength_out_of_range_is_named(bad):
    with pytest.raises(LeverStrengthError, match="linked_plan"):
        Scenario(levers={"linked_plan": bad})


def test_empty_caseload_is_named():
    with pytest.raises(EmptyCaseloadError, match="empty"):
        simulate(HH.iloc[:0], Scenario())
    assert issubclass(EmptyCaseloadError, SimulationError) and issubclass(SimulationError, ValueError)


def test_bad_tables_and_scenarios_are_named():
    with pytest.raises(CaseloadError, match="lacks the column"):
        simulate(HH.drop(columns=["earnings"]), Scenario())
    with pytest.raises(CaseloadError, match="cw_component"):
        simulate(HH.assign(cw_component="detention"), Scenario())
    with pytest.raises(ScenarioError, match="months"):
        Scenario(months=0)
    with pytest.raises(ScenarioError, match="seed"):
        Scenario(seed=-1)
    with pytest.raises(ScenarioError, match="no model parameter called 'cws.bogus'"):
        simulate(HH, Scenario(params={"cws.bogus": 1.0}))


def test_same_seed_same_numbers_other_seed_other_numbers():
    sc = Scenario(levers={"linked_plan": 1, "identification": 0.5}, months=18, seed=4)
    a, b = simulate(HH, sc, activities=ACT), simulate(HH, sc, activities=ACT)
    for k in a.records.data:
        assert np.array_equal(a[k], b[k]), k
    c = simulate(HH, sc.with_(seed=5), activities=ACT)
    assert not np.array_equal(a["status"], c["status"])


def test_replicates_use_derived_seeds_shared_across_scenarios():
    seeds = replicate_seeds(7, 3)
    assert seeds == replicate_seeds(7, 3) and len(set(seeds)) == 3
    runs = run_replicates(HH, Scenario(months=6, seed=7), n=3, activities=ACT)
    assert len(runs) == 3 and not np.array_equal(runs[0]["status"], runs[1]["status"])
    with pytest.raises(CaseloadError):
        run_replicates(HH, Scenario(months=6), n=0)


def test_result_tables():
    res = simulate(HH, ALL_LEVERS.with_(months=12, seed=3), start=dt.date(2025, 7, 15), activities=ACT)
    assert res.start == dt.date(2025, 7, 1)  # runs in whole months
    m = res.monthly()
    assert len(m) == 12 and m["grant_dollars"].ge(0).all()
    hid = HH["household_id"].iloc[0]
    path = res.household_path(hid)
    assert list(path["month"].dt.month[:2]) == [7, 8]
    assert set(path["status"]) <= {"participating", "exempt", "non_compliant", "sanctioned", "good_cause", "none"}
    with pytest.raises(CaseloadError, match="no household"):
        res.household_path("nobody")


def test_start_is_inferred_after_the_latest_history_and_checked():
    res = simulate(HH, Scenario(months=2))
    latest = max(pd.to_datetime(HH["removal_date"]).max(), pd.to_datetime(HH["cw_start_date"]).max()).date()
    assert res.start >= latest and res.start.day == 1 and (res.start - latest).days < 32
    with pytest.raises(CaseloadError, match="after the start of the run"):
        simulate(HH, Scenario(months=2), start="2020-01-01")


def test_runs_without_activity_rows_use_default_plans():
    res = simulate(HH, Scenario(months=6, seed=1))
    assert (res["demand"][res["plans"] > 0] > 0).all()
