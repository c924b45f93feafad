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


# --- every change date of every MAP and MBSAC series (the YAML files read directly) -----------

import yaml  # noqa: E402

from linkages.params import ROOT as PARAMS_ROOT  # noqa: E402

COUNTY = {1: "Alameda", 2: "Fresno"}


def _series(rel: str) -> dict:
    """{key: [(date, value), ...]} straight from a YAML file (an oracle independent of the loader)."""
    data = yaml.safe_load((PARAMS_ROOT / rel).read_text(encoding="utf-8"))
    raw = data["values"] if data.get("breakdown") else {None: data["values"]}
    out = {}
    for key, s in raw.items():
        out[key] = sorted((d if isinstance(d, dt.date) else D.fromisoformat(str(d)),
                           v["value"] if isinstance(v, dict) else v) for d, v in s.items())
    return out


def _changes(rel: str):
    """(key, change date, value the day before, value on the day) for every change in a file."""
    for key, s in _series(rel).items():
        for (d0, v0), (d1, v1) in zip(s, s[1:]):
            yield key, d1, v0, v1


MAP_FILES = [(reg, ex, f"calworks/map/region{reg}/{'exempt' if ex else 'non_exempt'}.yaml")
             for reg in (1, 2) for ex in (False, True)]
MAP_CASES = [pytest.param(reg, ex, size, day, v0, v1, id=f"R{reg}-{'ex' if ex else 'nonex'}-AU{size}-{day}")
             for reg, ex, rel in MAP_FILES for size, day, v0, v1 in _changes(rel)]


def test_map_cases_cover_every_series_and_size():
    seen = {(reg, ex, size) for reg, ex, size, *_ in (c.values for c in MAP_CASES)}
    assert seen == {(reg, ex, size) for reg in (1, 2) for ex in (False, True) for size in range(1, 11)}
    assert len({c.values[3] for c in MAP_CASES}) >= 7  # every October / April change


@pytest.mark.parametrize("reg, ex, size, day, before, after", MAP_CASES)
def test_map_value_the_day_before_and_the_day_of_each_change(reg, ex, size, day, before, after):
    hh = family(county=COUNTY[reg], exempt_map=ex)
    eve = day - dt.timedelta(days=1)
    assert C.max_aid_payment(hh, eve, size=size) == before
    assert C.max_aid_payment(hh, day, size=size) == after
    assert C.map_table(eve)[reg, int(ex), size] == before and C.map_table(day)[reg, int(ex), size] == after


@pytest.mark.parametrize("reg, ex, rel", MAP_FILES)
def test_map_before_the_first_date_is_refused(reg, ex, rel):
    first = min(d for s in _series(rel).values() for d, _ in s)
    with pytest.raises(ParameterError, match=f"no value before {first.isoformat()}"):
        C.max_aid_payment(family(county=COUNTY[reg], exempt_map=ex), first - dt.timedelta(days=1), size=3)


MBSAC_CASES = [pytest.param(reg, size, day, v0, v1, id=f"R{reg}-AU{size}-{day}")
               for reg in (1, 2) for size, day, v0, v1 in _changes(f"calworks/income/mbsac/region{reg}.yaml")]


def test_mbsac_cases_cover_both_regions_and_every_size():
    assert {(c.values[0], c.values[1]) for c in MBSAC_CASES} == {(r, s) for r in (1, 2) for s in range(1, 11)}


@pytest.mark.parametrize("reg, size, day, before, after", MBSAC_CASES)
def test_mbsac_value_the_day_before_and_the_day_of_each_change(reg, size, day, before, after):
    assert C.mbsac(size, reg, day - dt.timedelta(days=1)) == before
    assert C.mbsac(size, reg, day) == after


ADD_CASES = [pytest.param(reg, day, v0, v1, id=f"R{reg}-{day}")
             for reg, day, v0, v1 in _changes("calworks/income/mbsac/additional_person.yaml")]


def test_additional_person_cases_cover_both_regions():
    assert {c.values[0] for c in ADD_CASES} == {1, 2}


@pytest.mark.parametrize("reg, day, before, after", ADD_CASES)
def test_mbsac_additional_person_the_day_before_and_the_day_of_each_change(reg, day, before, after):
    cap = int(_series("calworks/income/mbsac/max_au_size.yaml")[None][-1][1])
    for on, add in ((day - dt.timedelta(days=1), before), (day, after)):
        base = C.mbsac(cap, reg, on)
        assert C.mbsac(cap + 1, reg, on) - base == add
        assert C.mbsac(cap + 3, reg, on) - base == 3 * add


# --- family-reunification aid: every eligibility flag is used --------------------------------

ELIG = "calworks.family_reunification.eligibility"


@pytest.mark.parametrize("removal", [D(2024, 12, 31), D(2025, 1, 1)])
def test_family_reunification_flags_decide(removal, monkeypatch):
    """Each condition in eligibility.yaml changes the answer when (and only when) its flag says so."""
    p = param(ELIG)
    real = p.at

    def flipped(cond):
        def at(on, key=None):
            v = real(on, key)
            return (not v) if key == cond else v
        return at

    base = C.family_reunification_aid(removal)
    assert base.kind != "none"
    assert C.family_reunification_aid(removal, aided_at_removal=False).kind == "none"
    assert C.family_reunification_aid(removal, services_needed=False).kind == "none"
    assert C.family_reunification_aid(removal, sanctioned=True).kind == base.kind  # may participate
    assert C.family_reunification_aid(removal, timed_out=True).kind == "none"
    cases = {"requires_aid_at_removal": dict(aided_at_removal=False),
             "requires_cws_finding_services_needed": dict(services_needed=False),
             "sanctioned_parent_may_participate": dict(sanctioned=True),
             "timed_out_parent_excluded": dict(timed_out=True)}
    for cond, kw in cases.items():
        before = C.family_reunification_aid(removal, **kw).kind
        monkeypatch.setattr(type(p), "at", lambda self, on, key=None, _f=flipped(cond): _f(on, key)
                            if self.name == ELIG else Parameter_at(self, on, key))
        after = C.family_reunification_aid(removal, **kw).kind
        monkeypatch.undo()
        assert before != after, cond
        assert "none" in (before, after) and base.kind in (before, after), cond


Parameter_at = type(param(ELIG)).at


def test_family_reunification_ab135_conditions_are_marked_unverified():
    p = param(ELIG)
    for cond in ("requires_aid_at_removal", "requires_cws_finding_services_needed",
                 "sanctioned_parent_may_participate", "timed_out_parent_excluded"):
        ab429, ab135 = p.entry(D(2024, 12, 31), cond), p.entry(D(2025, 1, 1), cond)
        assert ab429.status == "sourced" and ab135.start == D(2025, 1, 1)
        assert ab135.status == "assumption" and "UNVERIFIED" in ab135.note
    aid = C.family_reunification_aid(D(2025, 2, 1), services_needed=False)
    assert aid.kind == "none" and "UNVERIFIED" in aid.reason


def test_family_reunification_law_is_decided_by_the_removal_date():
    late = C.family_reunification_aid(D(2024, 12, 31), on=D(2025, 2, 1))
    assert late.kind == "services only" and late.eligible  # AB 429 services, even in 2025
    assert C.family_reunification_aid(D(2025, 1, 1), on=D(2025, 2, 1)).kind == "cash and services"


# --- the good-cause share ------------------------------------------------------------------

def test_explicit_zero_good_cause_share_counts_the_month():
    d = D(2024, 1, 1)
    assert not C.month_counts_on_clock("good_cause", d)  # no share given: the month is excused
    assert C.month_counts_on_clock("good_cause", d, good_cause_share=0.0)  # nothing excused: it counts
    assert C.month_counts_on_clock("good_cause", d, good_cause_share=0.49)
    assert not C.month_counts_on_clock("good_cause", d, good_cause_share=0.5)
    assert C.month_counts_on_clock("participating", d, good_cause_share=0)
    with pytest.raises(InputError, match="between 0 and 1"):
        C.month_counts_on_clock("good_cause", d, good_cause_share=1.5)
    with pytest.raises(InputError, match="number"):
        C.month_counts_on_clock("good_cause", d, good_cause_share="half")


# --- assumed effective dates are marked -------------------------------------------------------

#: Sourced files whose dates are all in the domain brief (the rest of the kit's placeholder
#: start dates must be listed under ``assumed_dates``).
START_DATES_SOURCED = {
    "calworks.time_limit.adult_months": "60 months from 1/1/1998 (facts.md)",
    "calworks.income.recipient_flat_disregard": "$225 from 1998 (facts.md)",
}
KIT_START_DATES = {D(1998, 1, 1), D(2000, 1, 1), D(2002, 1, 1)}
#: Dates the audit found assumed, that must be marked.
MUST_BE_MARKED = {
    "calworks.income.applicant_disregard_per_employed": D(1998, 1, 1),  # $90 from 1998
    "calworks.family_reunification.ab429_services_days": D(2002, 1, 1),  # AB 429 from 2002
    "calworks.family_reunification.eligibility": D(2002, 1, 1),
    "cws.reunification.months_from_entry": D(1998, 1, 1),  # child welfare rules from 1998
    "calworks.homeless.temporary": (D(2017, 1, 1), "base_daily"),  # homeless assistance amounts from 2017
}


def test_every_assumed_start_date_in_a_sourced_file_is_marked():
    from linkages.params import all_params, table

    unmarked = []
    for p in all_params():
        if p.status != "sourced" or p.name in START_DATES_SOURCED:
            continue
        for key in (p.keys() or [None]):
            for dv in p.history(key):
                if dv.start in KIT_START_DATES and dv.status == "sourced" and not p.date_is_assumed(dv.start, key):
                    unmarked.append((p.name, key, dv.start))
    assert not unmarked, unmarked
    for name, day in MUST_BE_MARKED.items():
        day, key = day if isinstance(day, tuple) else (day, None)
        assert param(name).date_is_assumed(day, key), name
        assert all(a.why for a in param(name).assumed_dates)
    t = table()
    shown = t[t["parameter"] == "calworks.income.applicant_disregard_per_employed"]
    assert shown["assumed_dates"].str.contains("1998-01-01").all()
    old = table(on=D(2000, 1, 1))
    row = old[old["parameter"] == "calworks.income.applicant_disregard_per_employed"].iloc[0]
    assert row["status"] == "sourced" and row["effective_status"] == "assumption"  # value sourced, date assumed
    new = table(on=D(2023, 1, 1))
    assert new[new["parameter"] == "calworks.income.applicant_disregard_per_employed"].iloc[0][
        "effective_status"] == "sourced"


def test_an_assumed_date_must_be_an_effective_date(tmp_path):
    from linkages.params import load_file

    f = tmp_path / "x.yaml"
    f.write_text("description: d\nunit: u\nstatus: sourced\nreference: []\n"
                 "assumed_dates:\n  - date: 1999-01-01\n    why: test\nvalues:\n  1998-01-01: 1\n")
    with pytest.raises(ParameterError, match="not one of its effective dates"):
        load_file(f, "x")


def test_young_child_age_starts_with_its_parameter_file():
    p = param("calworks.work_hours.young_child_age")
    first = p.change_dates()[0]
    assert C.young_child_age(first - dt.timedelta(days=400)) == p.at(first) == C.young_child_age(first)
    src = (PARAMS_ROOT.parent / "rules" / "calworks.py").read_text(encoding="utf-8")
    assert "2013, 1, 1" not in src  # the date comes from the work-hours files
