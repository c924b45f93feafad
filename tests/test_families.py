"""Synthetic families: reproducible, coherent, synthetic-only, validated, byte-identical datasets."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkages.families import DatasetError, generate, load, to_household
from linkages.families.cast import build_cast
from linkages.families.cli import build
from linkages.families.io import checksums
from linkages.rules import calworks

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pop():
    return generate(3000, seed=11)


def test_same_seed_same_tables_different_seed_differs():
    a, b, c = generate(500, seed=5), generate(500, seed=5), generate(500, seed=6)
    for t in ("households", "members", "activities"):
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t))
    assert not a.households.equals(c.households)


def test_identifiers_are_never_real_ssns(pop):
    ssn = pop.members["ssn"].dropna()
    assert ssn.str.fullmatch(r"9\d{2}-\d{2}-\d{4}").all()
    assert ssn.is_unique
    assert pop.members["ssn"].isna().mean() < 0.1
    assert pop.households["household_id"].str.fullmatch(r"HH-\d{6}").all()


def test_households_are_coherent(pop):
    hh, m = pop.households, pop.members
    assert (hh["earnings"][hh["employed_persons"] == 0] == 0).all()
    assert (hh["earnings"] >= 0).all()
    assert hh["shared"].equals(hh["in_calworks"] & hh["in_cws"])
    assert (hh["in_calworks"] | hh["in_cws"]).all()
    removed = hh["children_removed"] > 0
    assert hh.loc[removed, "cw_component"].isin(["family_reunification", "permanency"]).all()
    assert hh.loc[removed, "removal_date"].notna().all() and hh.loc[~removed, "removal_date"].isna().all()
    assert (hh["children_removed"] <= hh["n_children"]).all()
    assert (hh.loc[~hh["in_cws"], "cw_component"] == "none").all()
    assert (hh.loc[~hh["in_calworks"], "work_status"] == "none").all()
    assert (hh["clock_months_used"] <= 60).all()
    counts = m.groupby("household_id")["role"].value_counts().unstack(fill_value=0)
    counts = counts.loc[hh["household_id"]]
    assert (counts["adult"].to_numpy() == hh["n_adults"].to_numpy()).all()
    assert (counts["child"].to_numpy() == hh["n_children"].to_numpy()).all()
    # every child is younger than the first adult by at least 15 years
    first_adult = m[m["role"] == "adult"].groupby("household_id")["age"].first()
    oldest_child = m[m["role"] == "child"].groupby("household_id")["age"].max()
    assert ((first_adult - oldest_child).loc[oldest_child.index] >= 15).all()
    # ages and birth dates agree
    age_from_birth = (pd.Timestamp("2025-06-01") - m["birth_date"]).dt.days // 365.25
    assert (abs(age_from_birth - m["age"]) <= 1).all()


def test_activities_follow_plans(pop):
    hh = pop.households.set_index("household_id")
    a = pop.activities
    wtw = a[a["plan"] == "wtw"]
    assert hh.loc[wtw["household_id"], "in_calworks"].all()
    assert not hh.loc[wtw["household_id"], "work_status"].isin(["exempt", "none"]).any()
    cws = a[a["plan"] == "cws"]
    assert hh.loc[cws["household_id"], "cw_component"].isin(["family_maintenance", "family_reunification"]).all()
    both = a[a["activity"].isin(["substance_use_treatment", "mental_health_counseling", "domestic_violence_services"])]
    assert (both["accepted_by"] == "wtw;cws").all()
    # a welfare-to-work plan fills the required hours, never more
    totals = wtw.groupby("household_id")["hours_per_week"].sum()
    req = {hid: calworks.work_hours_required(to_household(hh.loc[hid].rename(None).to_frame().T.assign(household_id=hid).iloc[0]).with_(wtw_exempt_adults=0, sanctioned_adults=0), "2025-06-01")
           for hid in totals.index[:200]}
    for hid, r in req.items():
        assert totals[hid] <= r + 0.11


def test_to_household_gives_rules_answers(pop):
    row = pop.households.iloc[0]
    hh = to_household(row)
    assert hh.children == row["n_children"] and hh.county == row["county"]
    assert calworks.monthly_grant(hh, "2025-06-01") >= 0


def test_vignettes_are_person_first(pop):
    banned = re.compile(r"\b(addict|junkie|abuser|welfare queen|deadbeat|illegal|crack mom|druggie|victim)\b", re.I)
    texts = list(pop.households["vignette"]) + list(build_cast().households["vignette"])
    assert not [t for t in texts if banned.search(t)]
    assert all(len(t.split()) >= 10 for t in texts)


def test_cast_covers_the_teaching_scenarios():
    hh = build_cast().households
    assert 10 <= len(hh) <= 14
    single_young_r1 = (hh["n_adults"] == 1) & (hh["youngest_age"] < 6) & (hh["region"] == 1)
    checks = {
        "single parent, child under 6, Region 1": single_young_r1.any(),
        "two-parent family": (hh["n_adults"] == 2).any(),
        "parent in recovery with children removed": (hh["substance_use"] & (hh["children_removed"] > 0)).any(),
        "family maintenance with a sanction": ((hh["cw_component"] == "family_maintenance") & (hh["work_status"] == "sanctioned")).any(),
        "domestic violence survivor": hh["domestic_violence"].any(),
        "relative caregiver, exempt": ((hh["parent_age"] >= 60) & (hh["work_status"] == "exempt")).any(),
        "working part-time": (hh["earnings"] > 0).any(),
        "timed-out adult": (hh["clock_months_used"] >= 60).any(),
        "limited English": hh["limited_english"].any(),
        "rural Region 2": hh["county"].isin(["Humboldt", "Trinity", "Siskiyou", "Del Norte", "Modoc", "Lassen"]).any(),
        "shared families": hh["shared"].sum() >= 6,
    }
    assert all(checks.values()), [k for k, v in checks.items() if not v]


def test_cast_worked_example_family():
    hh = build_cast().households.set_index("household_id")
    jessica = to_household(hh.loc["CAST-000007"].to_dict() | {"household_id": "CAST-000007"})
    assert calworks.monthly_grant(jessica, "2024-11-01") == 975


def test_load_validates_committed_datasets():
    cast = load("cast")
    assert len(cast.households) == 12
    assert len(load("caseload").households) == 10_000


def test_bad_file_gets_a_sentence_naming_file_row_column(tmp_path):
    src = ROOT / "datasets" / "cast"
    dst = tmp_path / "cast"
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    df = pd.read_csv(dst / "households.csv", dtype=str)
    df.loc[3, "earnings"] = "-20.00"
    df.to_csv(dst / "households.csv", index=False)
    with pytest.raises(DatasetError) as e:
        load(dst)
    msg = str(e.value)
    assert "households.csv" in msg and "row 5" in msg and "earnings" in msg and "Traceback" not in msg

    df.loc[3, "earnings"] = "lots"
    df.to_csv(dst / "households.csv", index=False)
    with pytest.raises(DatasetError, match=r"row 5, column 'earnings': 'lots' is not a number"):
        load(dst)

    df.loc[3, "earnings"] = "20.00"
    df.drop(columns=["county"]).to_csv(dst / "households.csv", index=False)
    with pytest.raises(DatasetError, match="column 'county' is missing"):
        load(dst)

    (dst / "members.csv").write_bytes(b"\xff\xfe\x00garbage")
    df = pd.read_csv(src / "households.csv", dtype=str)
    df.to_csv(dst / "households.csv", index=False)
    with pytest.raises(DatasetError, match="members.csv"):
        load(dst)
    with pytest.raises(DatasetError, match="no dataset folder"):
        load(tmp_path / "nowhere")


@pytest.mark.slow
def test_make_data_is_byte_identical(tmp_path):
    build(tmp_path)
    committed = (ROOT / "datasets" / "SHA256SUMS").read_text()
    assert checksums(tmp_path) == committed
    assert (tmp_path / "SHA256SUMS").read_text() == committed


def test_hundred_thousand_households_generate():
    p = generate(100_000, seed=3)
    assert len(p.households) == 100_000 and p.households["household_id"].is_unique


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 300), st.integers(0, 10_000))
def test_any_size_and_seed_validates(n, seed):
    from linkages.families.io import schemas

    p = generate(n, seed=seed)
    for t in ("households", "members", "activities"):
        schemas()[t].validate(getattr(p, t))
    assert len(p.households) == n


def test_zero_households_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        generate(0)
