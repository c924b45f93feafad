"""The vectorised engine and the plain reference stepper give identical records on the same draws."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkages.simulate import LEVERS, Scenario, simulate
import datetime as dt

from linkages.simulate.fixture import fixture_population, population

POP = population(160, 31)
# a start before 1 January 2025 exercises AB 429 (services, no cash) for removals
POP24 = fixture_population(60, 32, on=dt.date(2024, 7, 1))


def _same(a, b):
    bad = [k for k in a.records.data if not np.array_equal(a[k], b[k])]
    assert not bad, f"engines differ in {bad}"


@pytest.mark.parametrize("levers", [{}, {k: 1.0 for k in LEVERS}])
def test_engines_agree(levers):
    sc = Scenario(levers=levers, months=20, seed=9)
    v = simulate(POP.households, sc, activities=POP.activities)
    r = simulate(POP.households, sc, activities=POP.activities, engine="reference")
    _same(v, r)
    # something happened worth comparing
    assert v["events"].any() and (v["status"] == 3).any()


@settings(max_examples=4, deadline=None)
@given(st.fixed_dictionaries({k: st.sampled_from([0.0, 0.3, 1.0]) for k in LEVERS}), st.integers(0, 1000),
       st.sampled_from([None, "2024-07-01"]))
def test_engines_agree_for_any_levers_seed_and_start(levers, seed, start):
    sc = Scenario(levers=levers, months=14, seed=seed)
    pop = POP if start is None else POP24
    hh = pop.households.iloc[:60]
    act = pop.activities[pop.activities["household_id"].isin(hh["household_id"])]
    _same(simulate(hh, sc, start, activities=act), simulate(hh, sc, start, activities=act, engine="reference"))


@pytest.mark.parametrize("overrides", [{"cws.partial_removal_share": 0.34, "cws.all_children_removed_share": 0.2},
                                       {"cws.reunification_min_months_after_removal": 0}])
def test_engines_agree_when_the_removal_parameters_move(overrides):
    """The partial-removal share and the months before reunification are parameters both engines read."""
    sc = Scenario(levers={k: 1.0 for k in LEVERS}, months=16, seed=4, params=overrides)
    hh = POP.households.iloc[:80]
    act = POP.activities[POP.activities["household_id"].isin(hh["household_id"])]
    _same(simulate(hh, sc, activities=act), simulate(hh, sc, activities=act, engine="reference"))


def test_partial_removal_share_decides_how_many_children_are_removed():
    from linkages.simulate import EVENTS

    hh = POP.households
    kids = hh["n_children"].to_numpy()
    for share, expect in ((1.0, lambda n: n), (0.5, lambda n: np.maximum(n // 2, 1))):
        sc = Scenario(months=24, seed=3, params={"cws.partial_removal_share": share, "cws.all_children_removed_share": 0.0})
        r = simulate(hh, sc, activities=POP.activities)
        new = (r["events"] & (EVENTS["removal_in_home"] | EVENTS["reentry"])) != 0
        t, h = np.nonzero(new)
        assert t.size > 0
        assert (r["kids_out"][t, h] == expect(kids[h])).all(), share


def test_no_reunification_in_the_removal_month_is_a_parameter():
    from linkages.simulate import EVENTS

    hh = POP.households
    for m in (1, 3):
        r = simulate(hh, Scenario(months=30, seed=5, params={"cws.reunification_min_months_after_removal": m}),
                     activities=POP.activities)
        entered = (r["events"] & (EVENTS["removal_in_home"] | EVENTS["reentry"])) != 0
        reun = (r["events"] & EVENTS["reunification"]) != 0
        for h in np.nonzero(entered.any(axis=0))[0]:
            starts = np.nonzero(entered[:, h])[0]
            for t0 in starts:
                nxt = starts[starts > t0]
                end = nxt[0] if nxt.size else r.months
                assert not reun[t0:min(t0 + m, end), h].any(), (m, h, t0)
        assert (r["lag"][reun] >= m).all()
