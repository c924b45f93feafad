"""Measures (definitions on hand-made records), intervals, comparison, attribution, sensitivity, figures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from linkages.outcomes import (MEASURES, attribute, attribution_figure, compare, interval, measures, permanency_12,
                               reentry_12, scaled_value, sensitivity, summary, t_critical, tornado_figure)
from linkages.plans import OKABE_ITO
from linkages.simulate import ALL_LEVERS, EVENTS, LEVERS, Scenario, ScenarioError, simulate
from linkages.simulate.engine import Records
from linkages.simulate.fixture import population

POP = population(1500, 61)
HH, ACT = POP.households, POP.activities


def _result_with(events: dict, months=30, n=3):
    res = simulate(HH.iloc[:n], Scenario(months=months, seed=1))
    rec = Records.empty(months, n)
    for (t, h), (name, lag) in events.items():
        rec["events"][t, h] |= EVENTS[name]
        rec["lag"][t, h] = lag
    res.records = rec
    return res


def test_permanency_and_reentry_definitions():
    # W = 12, 30 months: cohort = entries in months 0..17
    ev = {(2, 0): ("removal_in_home", -1), (9, 0): ("reunification", 7),  # within 12: counts
          (3, 1): ("removal_in_home", -1), (16, 1): ("reunification", 13),  # after 13 steps: does not
          (20, 2): ("removal_in_home", -1), (22, 2): ("reunification", 2),  # entry outside the cohort
          (14, 0): ("reentry", 5)}  # re-entry 5 months after the month-9 reunification (also an entry)
    r = _result_with(ev)
    assert permanency_12(r) == (1, 3)
    assert reentry_12(r) == (1, 2)  # reunifications at months 9 and 16 are in the cohort
    m = measures(r)
    assert m["permanency_12"] == pytest.approx(1 / 3) and m["reentry_12"] == pytest.approx(0.5)
    assert m["removals_in_home"] == 3


def test_every_measure_is_described():
    res = simulate(HH, ALL_LEVERS.with_(months=24, seed=2), activities=ACT)
    m = measures(res)
    assert set(m) == set(MEASURES)
    assert 0 <= m["work_participation_rate"] <= 1 and m["staff_hours"] > 0 and m["coordination_cost"] > 0
    assert m["foster_care_cost"] == pytest.approx(m["foster_care_months"] * 2500)


def test_intervals():
    v = [1.0, 2.0, 3.0, 4.0]
    mean, lo, hi = interval(v, "t")
    assert mean == 2.5 and hi - mean == pytest.approx(t_critical(3) * np.std(v, ddof=1) / 2)
    mean, lo, hi = interval(v, "percentile")
    assert lo == pytest.approx(1.075) and hi == pytest.approx(3.925)
    assert interval([5.0], "t") == (5.0, 5.0, 5.0)
    assert np.isnan(interval([float("nan")])[0])
    with pytest.raises(ScenarioError, match="interval"):
        interval(v, "bayes")
    s = summary(pd.DataFrame({"a": v}))
    assert list(s.columns) == ["mean", "low", "high"]


def test_compare_side_by_side_is_paired():
    c = compare(HH, scenario=ALL_LEVERS.with_(months=24, seed=5), replicates=4, activities=ACT)
    t = c.table
    assert {"baseline", "baseline_low", "scenario_high", "difference", "difference_low"} <= set(t.columns)
    d = c.scenario_runs - c.baseline_runs
    assert t.loc["months_sanctioned", "difference"] == pytest.approx(d["months_sanctioned"].mean())
    assert t.loc["staff_hours", "baseline"] == 0
    assert t.loc["hours_demanded", "difference"] < 0
    pretty = c.pretty()
    assert pretty.index[0] == "Permanency within 12 months of entry" and "%" in pretty.iloc[0, 0]
    fig, alt = c.trajectories_figure("sanctioned")
    assert "families sanctioned" in alt and fig.axes[0].get_title()
    fig, alt = c.outcomes_figure()
    assert "rated measures" in fig.axes[0].get_title() and "Green means better" in alt
    plt.close("all")
    with pytest.raises(ScenarioError, match="same months"):
        compare(HH, baseline=Scenario(months=12), scenario=ALL_LEVERS.with_(months=24), replicates=1)


def test_attribution_leave_one_out_adds_up_with_interaction():
    sc = Scenario(levers={"identification": 1, "early_sanction_resolution": 1, "linked_plan": 1}, months=18, seed=3)
    a = attribute(HH, sc, ["months_sanctioned"], replicates=2, activities=ACT)
    total = a["total_difference"].iloc[0]
    assert a["contribution"].sum() == pytest.approx(total)
    assert set(a["lever"]) == {"identification", "early_sanction_resolution", "linked_plan", "interaction"}
    fig, alt = attribution_figure(a, "months_sanctioned")
    assert "share" in alt
    plt.close("all")


def test_attribution_shapley_adds_up_exactly():
    sc = Scenario(levers={"identification": 1, "case_conference": 1}, months=18, seed=3)
    a = attribute(HH, sc, ["permanency_12", "months_sanctioned"], replicates=2, method="shapley", activities=ACT)
    for m, g in a.groupby("measure"):
        assert g["contribution"].sum() == pytest.approx(g["total_difference"].iloc[0])
    with pytest.raises(ScenarioError, match="nothing to attribute"):
        attribute(HH, Scenario(), ["permanency_12"])


def test_scaled_values():
    assert scaled_value("cws.sanction_rr", 1.4, 0.5, "relative risk") == pytest.approx(1.2)
    assert scaled_value("cws.sanction_rr", 1.4, 2.0, "relative risk") == pytest.approx(1.8)
    assert scaled_value("x", 0.8, 2.0, "multiplier") == 1.0
    assert scaled_value("x", 0.6, 2.0, "share") == 1.0
    assert scaled_value("cws.aftercare_months", 12, 0.5, "months") == 6.0
    assert scaled_value("capacity.base_hours", 40, 2.0, "hours per week") == 80.0


def test_sensitivity_halves_and_doubles_and_draws_a_tornado():
    names = ["levers.case_conference.participation_gain", "cws.sanction_rr", "identification.data_match_share"]
    s = sensitivity(HH.iloc[:600], ALL_LEVERS.with_(months=18, seed=2), parameters=names,
                    measures=["months_sanctioned"], replicates=2, activities=ACT)
    assert list(s["parameter"]) == names and (s["status"] == "assumption").all()
    row = s.set_index("parameter").loc["identification.data_match_share"]
    assert row.low_value == 0.45 and row.high_value == 1.0  # doubled share capped at 1
    assert (s["swing"] >= 0).all()
    fig, alt = tornado_figure(s, "months_sanctioned")
    assert "depends most on" in fig.axes[0].get_title() and "halved" in alt
    faces = {matplotlib.colors.to_hex(p.get_facecolor()).upper() for p in fig.axes[0].patches}
    assert faces <= {c.upper() for c in OKABE_ITO.values()}
    plt.close("all")
    with pytest.raises(ScenarioError, match="no model parameter"):
        sensitivity(HH.iloc[:50], parameters=["cws.nope"], replicates=1)


def test_assumptions_listed_for_sensitivity_exclude_sourced_and_calibration():
    from linkages.simulate import ModelParams

    names = ModelParams.load("2025-01-01").assumptions()
    assert "cws.reunification_monthly" in names and "measures.window_months" not in names
    assert not any(n.startswith("calibration.") for n in names)
    assert len(LEVERS) == 8


def test_sensitivity_varies_model_assumptions_only_and_says_what_it_leaves_out():
    import importlib

    from linkages.params import ROOT
    from linkages.simulate import ModelParams

    S = importlib.import_module("linkages.outcomes.sensitivity")
    names = ModelParams.load("2025-01-01").assumptions()
    model_folders = {p.name for p in (ROOT / "model").iterdir() if p.is_dir()}
    assert names and {n.split(".")[0] for n in names} <= model_folders  # model.* only: no families.*
    # the two levers whose effect is the strength have no effect-size parameter to vary
    for lever in ("linked_plan", "fr_aid_kept"):
        assert [n for n in names if n.startswith(f"levers.{lever}.")] == [f"levers.{lever}.staff_hours_per_family_month"]
    doc = S.__doc__ + S.sensitivity.__doc__
    assert "families.*" in doc and "linked_plan" in doc and "fr_aid_kept" in doc and "not varied" in doc


def test_federal_standards_in_the_descriptions_come_from_the_parameters(monkeypatch):
    import importlib
    import inspect

    from linkages.params import value

    M = importlib.import_module("linkages.outcomes.measures")

    assert f"{100 * value('federal.cfsr3_permanency_12_months', '2025-01-01'):.1f}% or more" in \
        MEASURES["permanency_12"].description
    assert M.federal_standard("reentry_12") == f"{100 * value('federal.cfsr3_reentry_12_months', '2025-01-01'):.1f}% or less"
    src = inspect.getsource(M)
    assert "40.5%" not in src and "8.3%" not in src  # formatted from params/federal, not typed in
