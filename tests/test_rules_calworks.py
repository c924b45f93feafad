"""CalWORKs rules: the domain brief's worked example, every effective-date boundary, properties."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkages.household import Household, InputError
from linkages.params import ParameterError, param
from linkages.rules import calworks as C

D = dt.date


def family(**kw):
    base = dict(adults=1, children_ages=(4, 8), county="Alameda", earnings=1000.0, employed_persons=1)
    base.update(kw)
    return Household(**base)


# --- the worked example (facts.md §2) -----------------------------------------------------

def test_worked_example_grant_975():
    assert C.monthly_grant(family(), D(2024, 11, 1)) == 975


def test_worked_example_sanctioned_730():
    assert C.grant_if_sanctioned(family(), D(2024, 11, 1)) == 730
    assert C.monthly_grant(family(sanctioned_adults=1), D(2024, 11, 1)) == 730


def test_worked_example_applicant_test():
    res = C.applicant_income_test(family(), D(2025, 7, 1))
    assert res.countable == 550 and res.limit == 1892 and res.passes


def test_map_table_values_from_brief():
    on = D(2024, 10, 1)
    expected = {(1, False, 3): 1175, (1, True, 3): 1314, (2, False, 3): 1115, (2, True, 3): 1248,
                (1, False, 2): 930, (1, False, 4): 1416}
    for (reg, ex, size), amount in expected.items():
        county = "Alameda" if reg == 1 else "Fresno"
        assert C.max_aid_payment(family(county=county, exempt_map=ex), on, size=size) == amount


# --- effective-date boundaries -------------------------------------------------------------

@pytest.mark.parametrize(
    "before, after, day",
    [(704, 714, D(2016, 10, 1)), (714, 785, D(2019, 4, 1)), (785, 878, D(2019, 10, 1)),
     (878, 925, D(2021, 10, 1)), (925, 1130, D(2022, 10, 1)), (1130, 1171, D(2023, 10, 1)),
     (1171, 1175, D(2024, 10, 1))],
)
def test_map_history_region1_au3(before, after, day):
    hh = family(children_ages=(4, 8))
    assert C.max_aid_payment(hh, day - dt.timedelta(days=1)) == before
    assert C.max_aid_payment(hh, day) == after


@pytest.mark.parametrize("day, before, after", [(D(2011, 7, 1), 60, 48), (D(2022, 5, 1), 48, 60)])
def test_time_limit_boundaries(day, before, after):
    assert C.adult_time_limit(day - dt.timedelta(days=1)) == before
    assert C.adult_time_limit(day) == after


def test_work_hours_2013_boundary():
    young = family(children_ages=(2,))
    older = family(children_ages=(9,))
    two = family(adults=2, children_ages=(2,))
    eve, new = D(2012, 12, 31), D(2013, 1, 1)
    assert C.work_hours_required(young, eve) == 32 and C.work_hours_required(young, new) == 20
    assert C.work_hours_required(older, eve) == 32 and C.work_hours_required(older, new) == 30
    assert C.work_hours_required(two, eve) == 35 and C.work_hours_required(two, new) == 35


def test_work_hours_exempt_adults():
    assert C.work_hours_required(family(wtw_exempt_adults=1), D(2025, 1, 1)) == 0
    assert C.work_hours_required(family(adults=2, wtw_exempt_adults=1, children_ages=(9,)), D(2025, 1, 1)) == 30


@pytest.mark.parametrize(
    "day, before, after",
    [(D(2011, 6, 1), 225, 112), (D(2013, 3, 1), 112, 225), (D(2020, 6, 1), 225, 500),
     (D(2021, 6, 1), 500, 550), (D(2022, 6, 1), 550, 600)],
)
def test_recipient_flat_disregard_boundaries(day, before, after):
    earn = 2000.0
    assert C.countable_earnings(earn, day - dt.timedelta(days=1)) == (earn - before) * 0.5
    assert C.countable_earnings(earn, day) == (earn - after) * 0.5


def test_applicant_disregard_boundary():
    hh = family(earnings=500.0)
    assert C.applicant_income_test(hh, D(2022, 6, 30)).disregard == 90
    assert C.applicant_income_test(hh, D(2022, 7, 1)).disregard == 450


def test_mbsac_boundaries_and_large_units():
    assert C.mbsac(3, 1, D(2025, 6, 30)) == 1829 and C.mbsac(3, 1, D(2025, 7, 1)) == 1892
    assert C.mbsac(3, 1, D(2026, 7, 1)) == 1960
    assert C.mbsac(12, 1, D(2025, 7, 1)) == 4056 + 2 * 36


def test_family_reunification_ab135_boundary():
    before = C.family_reunification_aid(D(2024, 12, 31))
    after = C.family_reunification_aid(D(2025, 1, 1))
    assert before.kind == "services only" and before.ends == D(2024, 12, 31) + dt.timedelta(days=180)
    assert after.kind == "cash and services" and after.ends == D(2025, 8, 1)  # 1 month absence + 6
    assert C.family_reunification_aid(D(2025, 3, 1), all_children_removed=False).kind == "none"
    assert C.family_reunification_aid(D(2020, 3, 1), all_children_removed=False).kind == "services only"
    assert C.family_reunification_aid(D(2025, 3, 1), timed_out=True).kind == "none"
    assert C.family_reunification_aid(D(2025, 3, 1), aided_at_removal=False).kind == "none"
    aid = C.family_reunification_aid(D(2025, 3, 1), on=D(2025, 9, 30))
    assert aid.eligible and not C.family_reunification_aid(D(2025, 3, 1), on=D(2025, 10, 1)).eligible


def test_clock_rules():
    assert not C.month_counts_on_clock("exempt", D(2024, 1, 1))
    assert not C.month_counts_on_clock("sanctioned", D(2010, 1, 1))
    assert C.month_counts_on_clock("participating", D(2024, 1, 1))
    assert C.month_counts_on_clock("non_compliant", D(2024, 1, 1))
    # good cause for at least half the hours stops the clock from 2022-05-01
    assert C.month_counts_on_clock("participating", D(2022, 4, 30), good_cause_share=0.6)
    assert not C.month_counts_on_clock("participating", D(2022, 5, 1), good_cause_share=0.5)
    assert C.month_counts_on_clock("participating", D(2022, 5, 1), good_cause_share=0.4)
    with pytest.raises(InputError, match="not a work status"):
        C.month_counts_on_clock("on holiday", D(2024, 1, 1))


def test_homeless_assistance():
    on = D(2024, 1, 1)
    assert C.temporary_homeless_assistance(3, on).daily == 85
    assert C.temporary_homeless_assistance(4, on).daily == 85
    assert C.temporary_homeless_assistance(6, on).daily == 115
    assert C.temporary_homeless_assistance(9, on).daily == 145  # 160 capped
    assert C.temporary_homeless_assistance(4, on).total == 85 * 16
    with pytest.raises(ParameterError, match="before 2017-01-01"):
        C.temporary_homeless_assistance(4, D(2016, 12, 31))


def test_regions():
    assert C.region("Los Angeles") == 1 and C.region("san francisco") == 1
    assert C.region("Fresno") == 2 and C.region("Humboldt") == 2
    with pytest.raises(InputError, match="58 counties"):
        C.region("Gotham")


def test_bad_households_get_sentences():
    with pytest.raises(InputError, match="negative"):
        family(earnings=-5)
    with pytest.raises(InputError, match="aged 40"):
        family(children_ages=(40,))
    with pytest.raises(InputError, match="sanctioned"):
        family(sanctioned_adults=2)


def test_dates_before_first_value_are_refused():
    with pytest.raises(ParameterError, match="no value before 2015-07-01"):
        C.max_aid_payment(family(), D(2010, 1, 1))


def test_every_parameter_has_status_and_source():
    from linkages.params import all_params

    for p in all_params():
        assert p.status in ("sourced", "assumption"), p.name
        assert p.reference and all("title" in r for r in p.reference), p.name
        assert p.description and p.unit, p.name


# --- properties -------------------------------------------------------------------------

households = st.builds(
    Household,
    adults=st.integers(1, 2),
    children_ages=st.lists(st.integers(0, 18), min_size=1, max_size=12).map(tuple),
    county=st.sampled_from(["Alameda", "Fresno", "Los Angeles", "Shasta", "Yolo"]),
    earnings=st.floats(0, 10_000, allow_nan=False),
    employed_persons=st.integers(0, 1),
    exempt_map=st.booleans(),
)
dates = st.dates(min_value=D(2015, 7, 1), max_value=D(2027, 12, 31))


@settings(max_examples=200, deadline=None)
@given(households, dates)
def test_grant_between_zero_and_map(hh, on):
    g = C.monthly_grant(hh, on)
    assert 0 <= g <= C.max_aid_payment(hh, on)


@settings(max_examples=200, deadline=None)
@given(households, dates)
def test_sanction_never_raises_the_grant(hh, on):
    assert C.grant_if_sanctioned(hh, on) <= C.monthly_grant(hh, on)


@settings(max_examples=100, deadline=None)
@given(households, dates, st.floats(0, 5000, allow_nan=False))
def test_more_earnings_never_raise_the_grant(hh, on, extra):
    assert C.monthly_grant(hh.with_(earnings=hh.earnings + extra), on) <= C.monthly_grant(hh, on)


@settings(max_examples=100, deadline=None)
@given(households, dates)
def test_map_table_agrees_with_scalar_rule(hh, on):
    table = C.map_table(on)
    size = min(C.au_size(hh, on), 10)
    assert table[C.region(hh.county), int(hh.exempt_map), size] == C.max_aid_payment(hh, on)


def test_vector_grant_matches_scalar():
    on = D(2024, 11, 1)
    earn = np.array([0, 500, 1000, 3000.0])
    vec = C.grant_from(np.full(4, 1175), C.countable_earnings(earn, on))
    assert list(vec) == [C.monthly_grant(family(earnings=e), on) for e in earn]


def test_map_covers_history_back_to_2019_for_all_tables():
    for reg in (1, 2):
        for ex in ("exempt", "non_exempt"):
            p = param(f"calworks.map.region{reg}.{ex}")
            assert p.keys() == list(range(1, 11))
            for size in range(1, 11):
                starts = [dv.start for dv in p.history(size)]
                assert min(starts) <= D(2019, 1, 1) and D(2024, 10, 1) in starts
