"""Synthetic families: the generator is reproducible, coherent, synthetic-only and fast enough."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkages.families import (DEFAULT_AS_OF, DEFAULT_SEED, activities_for, build_cast, generate, load, to_household,
                               validate)
from linkages.families.activities import WTW_STATUSES
from linkages.families.generate import STREAM_ACTIVITIES
from linkages.families.households import age_on
from linkages.families.names import name_lists
from linkages.household import WORK_STATUSES, InputError
from linkages.params import param, value
from linkages.plans.core import plans_for
from linkages.rules import calworks

ON = DEFAULT_AS_OF
TABLES = ("households", "members", "activities")
SSN_LIKE = re.compile(r"\d{3}[- ]?\d{2}[- ]?\d{4}")


@pytest.fixture(scope="module")
def pop():
    return generate(4000, seed=11)


# --- reproducible ---------------------------------------------------------------------------

def test_same_seed_same_tables_different_seed_differs():
    a, b, c = generate(600, seed=5), generate(600, seed=5), generate(600, seed=6)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t))
    for t in TABLES:
        assert not getattr(a, t).equals(getattr(c, t)), t


def test_a_prefix_of_the_population_does_not_depend_on_its_size():
    """Not promised, but worth knowing: ids always start at 1 and the tables keep their columns."""
    small, big = generate(5, seed=1), generate(50, seed=1)
    assert list(small.households.columns) == list(big.households.columns)
    assert small.households["household_id"].tolist() == [f"HH-{i:06d}" for i in range(1, 6)]


def test_bad_arguments_get_sentences():
    for bad in (0, -3):
        with pytest.raises(ValueError, match="at least one household"):
            generate(bad)
    with pytest.raises(ValueError, match="whole number"):
        generate("many")
    with pytest.raises(ValueError, match="at most 999,999"):
        generate(1_000_000)


# --- synthetic only -------------------------------------------------------------------------

def test_identifiers_are_never_real_ssns_or_taxpayer_numbers(pop):
    ssn = pop.members["ssn"].dropna()
    assert ssn.str.fullmatch(r"9\d{2}-\d{2}-\d{4}").all() and ssn.is_unique
    parts = ssn.str.split("-", expand=True).astype(int)
    assert parts[0].between(900, 999).all()
    allowed = np.concatenate([np.arange(lo, hi + 1) for lo, hi in value("families.synthetic_ssn", ON, "groups")])
    assert parts[1].isin(allowed).all()
    itin = parts[1].between(50, 65) | parts[1].between(70, 88) | parts[1].between(90, 92) | parts[1].between(94, 99)
    assert not itin.any() and (parts[1] != 93).all() and (parts[1] != 0).all() and (parts[2] != 0).all()
    missing = pop.members["ssn"].isna().mean()
    assert 0 < missing < 2 * value("families.ssn_missing_share", ON)


def test_no_ssn_like_value_outside_the_ssn_column(pop):
    for t in TABLES:
        df = getattr(pop, t)
        for col in df.columns:
            if col == "ssn" or not pd.api.types.is_string_dtype(df[col]):
                continue
            hits = df[col].dropna().str.contains(SSN_LIKE)
            assert not hits.any(), (t, col, df[col][hits].iloc[0] if hits.any() else None)


def test_ids_are_visibly_synthetic(pop):
    assert pop.households["household_id"].str.fullmatch(r"HH-\d{6}").all()
    assert pop.members["person_id"].str.fullmatch(r"HH-\d{6}-P\d").all()


# --- coherent -------------------------------------------------------------------------------

def test_generated_tables_pass_every_schema_and_coherence_check(pop):
    validate(pop)


def test_households_are_coherent(pop):
    hh = pop.households
    assert set(hh["work_status"]) <= set(WORK_STATUSES) | {"none"}
    assert (hh["earnings"][hh["employed_persons"] == 0] == 0).all()
    assert (hh["earnings"][hh["employed_persons"] > 0] > 0).all()
    assert (hh["employed_persons"] <= hh["n_adults"]).all()
    assert hh["shared"].equals(hh["in_calworks"] & hh["in_cws"])
    assert (hh.loc[~hh["in_cws"], "cw_component"] == "none").all()
    assert (hh.loc[~hh["in_calworks"], ["months_on_aid", "clock_months_used"]] == 0).all().all()
    limit = value("calworks.time_limit.adult_months", ON)
    assert (hh["clock_months_used"] <= limit).all() and (hh["clock_months_used"] <= hh["months_on_aid"]).all()
    assert (hh["clock_months_used"] <= 12 * (hh["parent_age"] - 18)).all()  # the clock counts from 18
    assert (hh["clock_months_used"] == limit).any()  # some adults have timed out
    region1 = set(value("calworks.region1_counties", ON))
    assert (hh["region"] == np.where(hh["county"].isin(region1), 1, 2)).all()
    ages = hh["children_ages"].str.split(";").map(lambda a: [int(x) for x in a])
    assert (ages.map(len) == hh["n_children"]).all()
    assert (ages.map(min) == hh["youngest_age"]).all()
    assert (ages.map(lambda a: a == sorted(a)).all())


def test_child_welfare_dates_and_removals_are_coherent(pop):
    hh = pop.households
    on = pd.Timestamp(ON)
    removed = hh["children_removed"] > 0
    assert hh.loc[removed, "cw_component"].isin(["family_reunification", "permanency"]).all()
    assert (hh.loc[hh["cw_component"].isin(["family_reunification", "permanency"]), "children_removed"] > 0).all()
    assert hh.loc[removed, "removal_date"].notna().all() and hh.loc[~removed, "removal_date"].isna().all()
    assert (hh["children_removed"] <= hh["n_children"]).all()
    assert hh.loc[hh["in_cws"], "cw_start_date"].notna().all()
    assert (hh["cw_start_date"].dropna() < on).all() and (hh["removal_date"].dropna() < on).all()
    assert (hh.loc[removed, "cw_start_date"] <= hh.loc[removed, "removal_date"]).all()
    er = hh["cw_component"] == "emergency_response"
    er_days = (on - hh.loc[er, "cw_start_date"]).dt.days
    assert er_days.max() <= param("families.cw_timing").at(ON, "er_open_max_days")
    perm = hh["cw_component"] == "permanency"
    assert ((on - hh.loc[perm, "removal_date"]).dt.days >= 12 * 30).all()


def test_people_fit_their_households(pop):
    hh, m = pop.households.set_index("household_id"), pop.members
    counts = m.groupby("household_id")["role"].value_counts().unstack(fill_value=0).loc[hh.index]
    assert (counts["adult"] == hh["n_adults"]).all() and (counts["child"] == hh["n_children"]).all()
    # ages and birth dates agree exactly on the as-of date
    assert (age_on(m["birth_date"].to_numpy().astype("datetime64[D]"), ON) == m["age"].to_numpy()).all()
    # children's ages are the household's list, youngest first
    kids = m[m["role"] == "child"]
    listed = kids.groupby("household_id", sort=False)["age"].agg(lambda a: ";".join(map(str, a)))
    assert (listed == hh.loc[listed.index, "children_ages"]).all()
    # every child is younger than every adult by more than 14 years
    youngest_adult = m[m["role"] == "adult"].groupby("household_id")["age"].min()
    assert (kids["age"].to_numpy() < kids["household_id"].map(youngest_adult).to_numpy() - 14).all()
    # siblings are born at least the minimum spacing apart
    gap = kids.sort_values(["household_id", "birth_date"]).groupby("household_id")["birth_date"].diff().dt.days
    assert gap.dropna().min() >= param("families.members").at(ON, "min_sibling_spacing_days")
    # removed children (the oldest) were born before the removal
    rem = hh[hh["children_removed"] > 0]
    oldest_birth = kids.groupby("household_id")["birth_date"].min()
    assert (oldest_birth.loc[rem.index] <= rem["removal_date"]).all()
    # the first adult's age is the household's parent_age
    first = m.groupby("household_id").first()
    assert (first.loc[hh.index, "age"] == hh["parent_age"]).all() and (first["role"] == "adult").all()


def test_names_fit_together(pop):
    m = pop.members
    # no two people in a household share a first name
    assert not m.duplicated(["household_id", "first_name"]).any()
    # most children carry the first adult's last name
    first_last = m[m["role"] == "adult"].groupby("household_id")["last_name"].first()
    kids = m[m["role"] == "child"]
    same = (kids["last_name"].to_numpy() == kids["household_id"].map(first_last).to_numpy()).mean()
    assert 0.7 < same < 1.0
    # a diverse set of names
    assert m["last_name"].nunique() > 150 and m["first_name"].nunique() > 200


def test_limited_english_fits_the_home_language(pop):
    hh = pop.households
    langs = hh["vignette"].str.extract(r"(?:speaks (\w+) at home|is more at ease in (\w+))").bfill(axis=1)[0]
    said = langs.notna()
    assert said.sum() > 20 and hh.loc[said, "limited_english"].all()
    assert "English" not in set(langs.dropna())
    group_langs = {x for g in name_lists().values() for x in g.get("languages") or []}
    assert set(langs.dropna()) <= group_langs


# --- activities -----------------------------------------------------------------------------

def test_activities_follow_the_plans(pop):
    hh = pop.households.set_index("household_id")
    a = pop.activities
    wtw = a[a["plan"] == "wtw"]
    owner = hh.loc[wtw["household_id"]]
    limit = value("calworks.time_limit.adult_months", ON)
    assert owner["in_calworks"].all() and owner["work_status"].isin(WTW_STATUSES).all()
    assert (owner["clock_months_used"] < limit).all()  # a timed-out adult has no welfare-to-work plan
    cws = a[a["plan"] == "cws"]
    assert hh.loc[cws["household_id"], "cw_component"].isin(["family_maintenance", "family_reunification"]).all()
    both = a["activity"].isin(["substance_use_treatment", "mental_health_counseling", "domestic_violence_services"])
    assert (a.loc[both, "accepted_by"] == "wtw;cws").all()
    parenting = a[a["activity"] == "parenting_class"]
    assert set(parenting["accepted_by"]) == {"cws", "wtw;cws"}  # county practice: some counties count it
    assert (a.loc[~both & (a["activity"] != "parenting_class"), "accepted_by"] == a.loc[~both & (a["activity"] != "parenting_class"), "plan"]).all()
    earliest, latest = value("families.plan_day", ON, "earliest_start"), value("families.plan_day", ON, "latest_end")
    assert a["start_hour"].between(earliest, latest - 1).all() and (a["hours_per_week"] > 0).all()
    assert a["days"].str.fullmatch(r"(Mon|Tue|Wed|Thu|Fri)(;(Mon|Tue|Wed|Thu|Fri))*").all()
    # every non-exempt CalWORKs adult with time left has a plan; good cause means services only
    needs = hh["in_calworks"] & hh["work_status"].isin(WTW_STATUSES) & (hh["clock_months_used"] < limit)
    with_plan = set(wtw["household_id"])
    assert all(h in with_plan for h in hh.index[needs & (hh["work_status"] != "good_cause")])
    gc_ids = hh.index[needs & (hh["work_status"] == "good_cause")]
    assert not wtw[wtw["household_id"].isin(gc_ids)]["activity"].isin(["job_search", "vocational_training", "employment"]).any()


def test_a_welfare_to_work_plan_fills_the_required_hours(pop):
    hh = pop.households.set_index("household_id")
    wtw = pop.activities[pop.activities["plan"] == "wtw"]
    totals = wtw.groupby("household_id")["hours_per_week"].sum()
    full = hh.loc[totals.index, "work_status"] != "good_cause"
    for hid in totals.index[full.to_numpy()][:300]:
        row = hh.loc[hid]
        required = calworks.work_hours_required(to_household(row).with_(wtw_exempt_adults=0, sanctioned_adults=0), ON)
        assert abs(totals[hid] - required) <= 0.15, (hid, totals[hid], required)


def _clashes_inside_each_plan(activities) -> list:
    """(household, plan, sentence) for every double-booking inside one plan."""
    out = []
    for hid, rows in activities.groupby("household_id", sort=False):
        for p in plans_for(rows, hid):
            out += [(hid, p.name, d.sentence()) for d in p.double_bookings()]
    return out


@pytest.mark.parametrize("make", [lambda: generate(2000, seed=17), build_cast], ids=["generated", "cast"])
def test_each_worker_books_her_own_plan_without_clashes(make):
    """Each plan's activities never overlap one another (touching is fine): the clashes the kit
    teaches are between the two programs' plans."""
    a = make().activities
    assert _clashes_inside_each_plan(a) == []
    session_end = a["start_hour"] + a["hours_per_week"] / (a["days"].str.count(";") + 1)
    late = (a["activity"] != "employment") & (session_end > value("families.plan_day", ON, "latest_end"))
    # a session may end after the day's bound only at a start hour it can be drawn with, never moved there
    schedule = param("families.activity_schedule")
    for _, r in a[late].iterrows():
        assert r["start_hour"] in schedule.at(ON, f"{r['plan']}/{r['activity']}")["start_hours"], r.to_dict()


def test_paid_work_keeps_its_drawn_slot():
    """Paid work is booked first and never moves: its days and start do not depend on anything
    else in the plan (here: the same households with nothing else to book)."""
    pop = generate(1500, seed=23)
    alone = pop.households.copy()
    for b in ("substance_use", "mental_health", "domestic_violence", "no_diploma"):
        alone[b] = False
    alone["cw_component"] = "none"
    alone["earnings"] = 1e6  # work fills the requirement: nothing else to book
    acts = activities_for(pop.households, np.random.default_rng([23, STREAM_ACTIVITIES]), ON)
    only = activities_for(alone, np.random.default_rng([23, STREAM_ACTIVITIES]), ON)
    work = acts[acts["activity"] == "employment"].set_index("household_id")
    work_alone = only[only["activity"] == "employment"].set_index("household_id").loc[work.index]
    assert len(work) > 100 and set(only["activity"]) == {"employment"}
    pd.testing.assert_frame_equal(work[["days", "start_hour"]], work_alone[["days", "start_hour"]])
    pd.testing.assert_frame_equal(acts, pop.activities.astype(acts.dtypes.to_dict()))


def test_a_session_that_clashes_moves_to_the_nearest_free_hour_or_another_day():
    from linkages.families.activities import _book, _day_masks, _day_sets

    day = (8, 20)
    n = 3
    work_mask = np.full(n, _day_masks(4)[list(_day_sets(4)).index("Mon;Tue;Wed;Thu")])
    booked = [(work_mask, np.full(n, 9.0), np.full(n, 14.0))]  # paid work Mon-Thu 9:00-14:00
    # job search drawn at 13:00 (2 h a day, 5 days): right after work; at 9:00 for 1 h: before it
    idx, drawn, hours = np.array([0, 1]), np.zeros(2, dtype=np.int64), np.array([10.0, 5.0])
    di, start, left = _book(booked, idx, drawn, np.array([13, 9]), hours, 5, day, fixed=False)
    assert start.tolist() == [14, 8] and left.size == 0
    # a 1-day session of 11 h on Tuesday: no room on a work day, so it moves to Friday
    tue = np.array([list(_day_sets(1)).index("Tue")])
    di, start, left = _book(booked, np.array([2]), tue, np.array([9]), np.array([11.0]), 1, day, fixed=False)
    assert _day_sets(1)[di[0]] == "Fri" and start.tolist() == [9] and left.size == 0
    # what does not fit anywhere keeps its drawn slot and is reported
    di, start, left = _book(booked, np.array([2]), tue, np.array([9]), np.array([13.0]), 1, day, fixed=False)
    assert left.tolist() == [0] and start.tolist() == [9] and _day_sets(1)[di[0]] == "Tue"
    # a fixed activity (paid work) never moves
    di, start, left = _book(booked, idx, drawn, np.array([13, 9]), hours, 5, day, fixed=True)
    assert start.tolist() == [13, 9] and left.size == 2


def test_the_two_plans_still_clash_with_each_other():
    """Nobody books around the other program's plan: most families with both plans have a
    double-booking between them in the caseload (what a linked plan removes)."""
    pop = load("caseload")
    both = cross = inside = 0
    for hid, rows in pop.activities.groupby("household_id", sort=False):
        w, c = plans_for(rows, hid)
        inside += bool(w.double_bookings()) + bool(c.double_bookings())
        if len(w) and len(c):
            both += 1
            cross += len((w + c).double_bookings()) > len(w.double_bookings()) + len(c.double_bookings())
    assert both > 1000 and cross / both > 0.5, (both, cross)
    report: dict = {}
    again = activities_for(pop.households, np.random.default_rng([DEFAULT_SEED, STREAM_ACTIVITIES]), ON, report=report)
    pd.testing.assert_frame_equal(again, pop.activities.astype(again.dtypes.to_dict()))  # the caseload's own
    # practically never does a plan keep a clash inside itself (no free slot anywhere)
    assert inside == report["kept_clashes"] <= 3, (inside, report)


# --- to_household ---------------------------------------------------------------------------

def test_to_household_gives_the_rules_a_household(pop):
    hh = pop.households
    for _, row in hh.head(50).iterrows():
        h = to_household(row)
        assert h.children == row["n_children"] and h.county == row["county"] and h.household_id == row["household_id"]
        assert h.sanctioned_adults == (row["work_status"] == "sanctioned")
        assert calworks.monthly_grant(h, ON) >= 0
        assert calworks.work_hours_required(h, ON) in (0, 20, 30, 35)
    as_dict = to_household(hh.iloc[0].to_dict())
    assert as_dict == to_household(hh.iloc[0])


def test_to_household_with_a_bad_row_says_so():
    with pytest.raises(InputError, match="no 'county' column"):
        to_household({"children_ages": "2", "work_status": "none", "n_adults": 1})
    row = generate(1, seed=1).households.iloc[0].to_dict() | {"earnings": "lots"}
    with pytest.raises(InputError, match="not a number"):
        to_household(row)


# --- vignettes ------------------------------------------------------------------------------

BANNED = re.compile(
    r"\b(addicts?|junkies?|druggies?|abusers?|alcoholics?|crackheads?|welfare (queen|mother)s?|deadbeats?|"
    r"illegals?|illegal aliens?|unfit|broken home|victims?|the homeless|homeless (wo)?m[ae]n|mentally ill|"
    r"crazy|lazy|non-?compliant (parent|mother|father|client)|at-risk parents?)\b", re.I)


def test_vignettes_are_person_first_and_strengths_based(pop):
    from linkages.families.cast import build_cast
    from linkages.families.vignettes import phrases

    texts = list(pop.households["vignette"]) + list(build_cast().households["vignette"])
    bad = [t for t in texts if BANNED.search(t)]
    assert not bad, bad[:3]

    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                yield from walk(v)
        elif isinstance(x, list):
            for v in x:
                yield from walk(v)
        else:
            yield str(x)
    assert not [p for p in walk(phrases()) if BANNED.search(p)]


def test_vignettes_read_as_two_or_three_sentences(pop):
    v = pop.households["vignette"]
    sentences = v.str.count(r"[.!?](?= |$)")
    assert sentences.between(2, 3).all()
    assert not v.str.contains(r"\{|\}|  |\bnan\b|\bNone\b").any()  # every placeholder filled
    first = pop.members.groupby("household_id")["first_name"].first()
    assert all(v.iloc[i].startswith(first[h]) for i, h in enumerate(pop.households["household_id"].head(200)))
    assert v.str.contains(" County").all()
    assert v.nunique() > 0.9 * len(v)


def test_a_household_with_every_child_removed_is_not_said_to_be_raising_them(pop):
    hh = pop.households
    apart = hh["children_removed"] == hh["n_children"]
    assert not hh.loc[apart, "vignette"].str.contains("raising").any()
    assert hh.loc[apart & (hh["n_adults"] == 1), "vignette"].str.contains(r"is the (?:mother|father) of").all()


# --- properties -----------------------------------------------------------------------------

@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 250), seed=st.integers(0, 2**32 - 1),
       as_of=st.dates(min_value=pd.Timestamp("2023-01-01").date(), max_value=pd.Timestamp("2026-12-31").date()))
def test_any_size_seed_and_date_gives_valid_coherent_tables(n, seed, as_of):
    p = generate(n, seed=seed, as_of=as_of)
    validate(p)
    assert len(p.households) == n
    m = p.members
    assert (age_on(m["birth_date"].to_numpy().astype("datetime64[D]"), as_of) == m["age"].to_numpy()).all()
    assert (p.households["cw_start_date"].dropna() < pd.Timestamp(as_of)).all()


def test_leap_day_as_of_gives_exact_ages():
    p = generate(300, seed=3, as_of=pd.Timestamp("2024-02-29").date())
    m = p.members
    assert (age_on(m["birth_date"].to_numpy().astype("datetime64[D]"), pd.Timestamp("2024-02-29").date())
            == m["age"].to_numpy()).all()


# --- scale ----------------------------------------------------------------------------------

def test_hundred_thousand_households_generate():
    p = generate(100_000, seed=3)
    assert len(p.households) == 100_000 and p.households["household_id"].is_unique
    assert p.members["ssn"].dropna().is_unique and len(p.members) > 250_000


def test_population_looks_up_one_household(pop):
    row = pop.household("HH-000002")
    assert row["household_id"] == "HH-000002" and to_household(row).household_id == "HH-000002"
    with pytest.raises(KeyError, match="no household 'HH-999999'"):
        pop.household("HH-999999")
    assert repr(pop).startswith("Population(4,000 households")
