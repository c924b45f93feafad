"""Datasets: the committed folders load and validate, bad files get one sentence naming file,
row and column, `linkages data` regenerates them byte for byte, and the cast covers the
teaching scenarios the modules follow."""

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from linkages.families import DatasetError, build_cast, explain_error, generate, load, save, to_household
from linkages.families.cli import main
from linkages.families.io import checksums
from linkages.families.schema import DTYPES, schemas
from linkages.params import value
from linkages.rules import calworks

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
TABLES = ("households", "members", "activities")


@pytest.fixture(scope="module")
def cast():
    return build_cast()


@pytest.fixture
def cast_copy(tmp_path):
    dst = tmp_path / "cast"
    shutil.copytree(DATASETS / "cast", dst)
    return dst


def _edit(path: Path, row: int, column: str, new: str) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row, column] = new
    df.to_csv(path, index=False, lineterminator="\n")


# --- committed datasets ---------------------------------------------------------------------

def test_committed_datasets_load_and_validate():
    cast = load("cast")
    assert len(cast.households) == 12
    caseload = load("caseload")
    assert len(caseload.households) == 10_000
    for t in TABLES:
        assert dict(getattr(caseload, t).dtypes.astype(str)) == DTYPES[t]


def test_committed_cast_is_what_the_code_builds(cast):
    loaded = load("cast")
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(loaded, t), getattr(cast, t))


def test_save_then_load_gives_the_same_tables(tmp_path):
    p = generate(400, seed=21)
    back = load(save(p, tmp_path / "p"))
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(back, t), getattr(p, t))


def test_make_data_is_byte_identical(tmp_path):
    assert main(["--out", str(tmp_path)]) == 0
    committed = (DATASETS / "SHA256SUMS").read_text()
    assert (tmp_path / "SHA256SUMS").read_text() == committed
    assert checksums(DATASETS) == committed  # and the committed files are the ones summed
    for f in sorted(DATASETS.rglob("*.csv")):
        data = f.read_bytes()
        assert b"\r\n" not in data and data.endswith(b"\n")


def test_csv_format_is_stable(cast):
    text = (DATASETS / "cast" / "households.csv").read_text()
    header, first = text.splitlines()[:2]
    assert header.split(",")[:3] == ["household_id", "county", "region"]
    assert ",0.00," in first and (",true," in first or ",false," in first)
    acts = (DATASETS / "caseload" / "activities.csv").read_text().splitlines()[1:50]
    assert all(re.search(r",\d+\.\d{2},", line) for line in acts)
    ids = pd.read_csv(DATASETS / "caseload" / "households.csv", usecols=["household_id"])["household_id"]
    assert ids.is_monotonic_increasing


def test_cli_refuses_bad_arguments_with_a_sentence(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--caseload", "0"]) == 2
    assert "between 1 and 999,999" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["--caseload", "many"])
    assert e.value.code == 2 and "Traceback" not in capsys.readouterr().err
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert main(["--out", str(blocked), "--caseload", "5"]) == 1
    assert "Could not" in capsys.readouterr().err


def test_linkages_data_is_the_command_the_makefile_calls():
    from linkages.cli import COMMANDS

    assert COMMANDS["data"][0] == "linkages.families.cli"
    assert "linkages data --out datasets" in (ROOT / "Makefile").read_text()


# --- bad files get one sentence -------------------------------------------------------------

@pytest.mark.parametrize("table,row,column,new,expected", [
    ("households", 3, "earnings", "-20.00", r"households\.csv, row 5, column 'earnings': -20 is below 0\.$"),
    ("households", 3, "earnings", "lots", r"row 5, column 'earnings': 'lots' is not a number\.$"),
    ("households", 0, "region", "3", r"row 2, column 'region': 3 is not one of 1, 2\.$"),
    ("households", 6, "county", "Atlantis", r"row 8, column 'county': 'Atlantis' is not one of Alameda"),
    ("households", 2, "n_adults", "1.5", r"row 4, column 'n_adults': '1.5' is not a whole number\.$"),
    ("households", 1, "exempt_map", "maybe", r"row 3, column 'exempt_map': 'maybe' is not true or false\.$"),
    ("households", 2, "removal_date", "17/02/2025", r"row 4, column 'removal_date': '17/02/2025' is not a date"),
    ("households", 4, "clock_months_used", "61", r"row 6, column 'clock_months_used': 61 is outside 0–60\.$"),
    ("households", 0, "shared", "true", r"row 2, column 'shared': must be true exactly when"),
    ("households", 0, "earnings", "250.00", r"row 2, column 'earnings': is 250 but employed_persons is 0\.$"),
    ("households", 0, "children_removed", "1", r"row 2, column 'children_removed': is 1: children are removed"),
    ("households", 1, "household_id", "CAST-000001", r"row 3, column 'household_id': 'CAST-000001' appears more than once"),
    ("members", 0, "ssn", "123-45-6789", r"members\.csv, row 2, column 'ssn': '123-45-6789' does not look like 9xx-xx-xxxx"),
    ("members", 1, "ssn", "", None),  # a missing SSN is allowed
    ("members", 4, "household_id", "CAST-000099", r"members\.csv, row 6, column 'household_id': 'CAST-000099' is not a household"),
    ("members", 2, "role", "adult", r"households\.csv, row 2, column 'n_adults': says 1, but .*members\.csv lists 2 adults"),
    ("activities", 0, "accepted_by", "everyone", r"activities\.csv, row 2, column 'accepted_by': 'everyone' is not one of"),
    ("activities", 0, "days", "Monday", r"row 2, column 'days': 'Monday' does not look like Mon;Wed"),
    ("activities", 0, "start_hour", "25", r"row 2, column 'start_hour': 25 is outside 0–23"),
    ("activities", 0, "household_id", "CAST-000008", r"activities\.csv, row 2, column 'plan': a welfare-to-work activity for an adult who has used all 60 months"),
])
def test_a_bad_value_gets_one_sentence_naming_file_row_and_column(cast_copy, table, row, column, new, expected):
    _edit(cast_copy / f"{table}.csv", row, column, new)
    if expected is None:
        load(cast_copy)
        return
    with pytest.raises(DatasetError) as e:
        load(cast_copy)
    msg = str(e.value)
    assert re.search(expected, msg), msg
    assert "Traceback" not in msg and "\n" not in msg and msg.endswith(".")
    assert explain_error(e.value) == msg


def test_structural_problems_get_sentences(cast_copy, tmp_path):
    hh = cast_copy / "households.csv"
    df = pd.read_csv(hh, dtype=str, keep_default_na=False)
    df.drop(columns=["county"]).to_csv(hh, index=False)
    with pytest.raises(DatasetError, match=r"households\.csv: the column 'county' is missing\.$"):
        load(cast_copy)
    df.assign(colour="blue").to_csv(hh, index=False)
    with pytest.raises(DatasetError, match=r"the column 'colour' is not one this table has\.$"):
        load(cast_copy)
    df.to_csv(hh, index=False)
    (cast_copy / "members.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DatasetError, match=r"members\.csv is not a UTF-8 text file"):
        load(cast_copy)
    (cast_copy / "members.csv").write_text("")
    with pytest.raises(DatasetError, match=r"members\.csv is empty"):
        load(cast_copy)
    (cast_copy / "members.csv").unlink()
    with pytest.raises(DatasetError, match=r"members\.csv is missing"):
        load(cast_copy)
    with pytest.raises(DatasetError, match="no dataset folder"):
        load(tmp_path / "nowhere")
    with pytest.raises(DatasetError, match="Give a dataset name"):
        load(42)


def test_committed_paths_are_named_relative_to_the_repository(monkeypatch):
    from linkages.families import io

    monkeypatch.setattr(io, "_convert", lambda df, t, f: (_ for _ in ()).throw(io.DatasetError(f)))
    with pytest.raises(DatasetError, match=r"^datasets/cast/households\.csv$"):
        load("cast")


def test_explain_error_turns_pandera_errors_into_one_sentence():
    from pandera.errors import SchemaErrors

    df = pd.DataFrame({c: ["x"] for c in DTYPES["activities"]})
    try:
        schemas()["activities"].validate(df, lazy=True)
    except SchemaErrors as exc:
        msg = explain_error(exc, "plan.csv")
    assert msg.startswith("plan.csv") and msg.count(".csv") == 1 and "\n" not in msg
    assert explain_error(OSError("disk on fire"), "x.csv") == "x.csv could not be read (OSError: disk on fire)."


def test_saving_an_incoherent_population_is_refused(tmp_path):
    p = generate(20, seed=2)
    p.households.loc[0, "shared"] = not p.households.loc[0, "shared"]
    with pytest.raises(DatasetError, match=r"households \(before saving\), row 2, column 'shared'"):
        save(p, tmp_path / "x")
    assert not (tmp_path / "x").exists()


# --- the cast -------------------------------------------------------------------------------

RURAL_REGION2 = ("Humboldt", "Trinity", "Siskiyou", "Del Norte", "Modoc", "Lassen", "Plumas", "Sierra", "Alpine",
                 "Mariposa", "Inyo", "Mono", "Tehama", "Glenn", "Colusa", "Lake", "Amador", "Calaveras", "Tuolumne")


def test_cast_covers_the_teaching_scenarios(cast):
    hh = cast.households
    assert 10 <= len(hh) <= 14
    region1 = set(value("calworks.region1_counties", "2025-06-01"))
    checks = {
        "single parent, child under 6, Region 1 county":
            (hh["n_adults"] == 1) & (hh["youngest_age"] < 6) & hh["county"].isin(region1) & (hh["region"] == 1),
        "two-parent family": hh["n_adults"] == 2,
        "parent in recovery, reunification case, children removed":
            hh["substance_use"] & (hh["cw_component"] == "family_reunification") & (hh["children_removed"] > 0),
        "family maintenance with a sanction": (hh["cw_component"] == "family_maintenance") & (hh["work_status"] == "sanctioned"),
        "domestic violence survivor": hh["domestic_violence"],
        "grandparent caregiver, exempt": (hh["parent_age"] >= 60) & (hh["work_status"] == "exempt"),
        "parent working part-time": (hh["earnings"] > 0) & (hh["employed_persons"] == 1),
        "timed-out adult": hh["clock_months_used"] >= value("calworks.time_limit.adult_months", "2025-06-01"),
        "limited English": hh["limited_english"],
        "rural Region 2 county": hh["county"].isin(RURAL_REGION2) & (hh["region"] == 2),
        "emergency response": hh["cw_component"] == "emergency_response",
        "non-compliance, inside the window": hh["work_status"] == "non_compliant",
    }
    missing = [k for k, v in checks.items() if not v.any()]
    assert not missing, missing
    assert hh["shared"].sum() >= 6 and (~hh["in_cws"]).sum() >= 2


def test_cast_vignettes_name_the_people_in_the_household(cast):
    m = cast.members
    for _, row in cast.households.iterrows():
        people = m[m["household_id"] == row["household_id"]]
        first_adult = people[people["role"] == "adult"]["first_name"].iloc[0]
        assert row["vignette"].startswith(first_adult), row["household_id"]
        for _, kid in people[people["role"] == "child"].iterrows():
            assert kid["first_name"] in row["vignette"], (row["household_id"], kid["first_name"])
        assert 2 <= len(re.findall(r"[.!?](?= |$)", row["vignette"])) <= 4


def test_cast_dates_the_modules_quote(cast):
    hh = cast.households.set_index("household_id")
    assert hh.loc["CAST-000003", "removal_date"] == pd.Timestamp("2025-02-17")  # module 2 quotes it
    m = cast.members.set_index("person_id")
    assert m.loc["CAST-000012-P2", "first_name"] == "Olivia"
    assert m.loc["CAST-000012-P2", "birth_date"] == pd.Timestamp("2025-01-20")  # "4 months" in the vignette


def test_cast_worked_examples(cast):
    hh = cast.households.set_index("household_id", drop=False)
    jessica = to_household(hh.loc["CAST-000007"])
    assert calworks.monthly_grant(jessica, "2024-11-01") == 975
    omar = hh.loc["CAST-000008"]
    assert not (cast.activities["household_id"] == "CAST-000008").any() or \
        (cast.activities.loc[cast.activities["household_id"] == "CAST-000008", "plan"] == "cws").all()
    assert omar["clock_months_used"] == 60


# --- the data dictionary ------------------------------------------------------------------------

def test_data_dictionary_documents_every_column_and_parameter_status():
    from linkages.params import all_params, param

    text = (DATASETS / "README.md").read_text()
    for t in TABLES:
        section = text.split(f"## {t}.csv")[1].split("\n## ")[0]
        documented = set(re.findall(r"^\| ([a-z_]+) \|", section, re.M)) - {"column"}
        assert documented == set(DTYPES[t]), (t, set(DTYPES[t]) ^ documented)
    listed = dict(re.findall(r"^\| `([a-z_.]+)\*?` \| \**(sourced|assumption)\** \|", text, re.M))
    for p in all_params("families."):
        assert p.name in listed, f"{p.name} is not in datasets/README.md"
        assert listed[p.name] == p.status, p.name
    for name, status in listed.items():
        if not name.endswith("."):
            assert param(name).status == status, name


# --- the gaps the audit found: empty tables, ragged rows, infinite amounts, ages, identifiers ---

def _header_only(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


@pytest.mark.parametrize("tables, file, column", [
    (("households",), "households", "household_id"),
    (("members",), "members", "household_id"),
    (("households", "members", "activities"), "households", "household_id"),
])
def test_a_header_only_table_gets_a_sentence(cast_copy, tables, file, column):
    for t in tables:
        _header_only(cast_copy / f"{t}.csv")
    with pytest.raises(DatasetError) as e:
        load(cast_copy)
    msg = str(e.value)
    assert re.search(rf"{file}\.csv, row 2, column '{column}': there are no rows under the header", msg), msg
    assert "\n" not in msg and msg.endswith(".")


def test_a_header_only_activities_table_is_allowed(cast_copy):
    _header_only(cast_copy / "activities.csv")
    assert len(load(cast_copy).activities) == 0


def test_an_empty_population_in_memory_gets_a_sentence(cast):
    from linkages.families import validate
    from linkages.families.generate import Population

    empty = Population(cast.households.iloc[:0], cast.members.iloc[:0], cast.activities.iloc[:0])
    with pytest.raises(DatasetError, match=r"row 2, column 'household_id': there are no rows"):
        validate(empty)


@pytest.mark.parametrize("change, expected", [
    (lambda cells, n: cells + ["extra"],
     r"members\.csv, row 4, column 'ssn': the row has 10 values but the header names 9 columns"),
    (lambda cells, n: cells[:-2],
     r"members\.csv, row 4, column 'age': the row has only 7 values but the header names 9 columns, so 'age' and"),
    (lambda cells, n: cells[:-1],
     r"members\.csv, row 4, column 'ssn': the row has only 8 values .* so 'ssn' is missing"),
])
def test_a_ragged_row_gets_a_sentence_with_its_row_and_column(cast_copy, change, expected):
    f = cast_copy / "members.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    lines[3] = ",".join(change(lines[3].split(","), len(lines[0].split(","))))
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError) as e:
        load(cast_copy)
    assert re.search(expected, str(e.value)), str(e.value)


@pytest.mark.parametrize("table, row, column, new, expected", [
    ("households", 1, "earnings", "inf", r"households\.csv, row 3, column 'earnings': 'inf' is not a number\.$"),
    ("households", 1, "earnings", "-inf", r"row 3, column 'earnings': '-inf' is not a number\.$"),
    ("households", 1, "months_on_aid", "inf", r"row 3, column 'months_on_aid': 'inf' is not a whole number\.$"),
    ("activities", 0, "hours_per_week", "Infinity", r"activities\.csv, row 2, column 'hours_per_week': 'Infinity'"),
    ("households", 0, "children_ages", "40;5",
     r"households\.csv, row 2, column 'children_ages': has a child aged 40; a child in the assistance unit is 0 to 18\.$"),
    ("households", 0, "children_ages", "2;19", r"row 2, column 'children_ages': has a child aged 19"),
    ("members", 0, "ssn", "912-70-1234", r"members\.csv, row 2, column 'ssn': '912-70-1234' has group 70; .*ITIN"),
    ("members", 0, "ssn", "987-93-1234", r"row 2, column 'ssn': '987-93-1234' has group 93"),
    ("members", 0, "ssn", "950-00-1234", r"row 2, column 'ssn': '950-00-1234' has group 00"),
    ("members", 0, "ssn", "950-12-0000", r"row 2, column 'ssn': '950-12-0000' has serial 0000, which is never used"),
    ("members", 0, "ssn", "950-12-0001", None),
    ("members", 0, "ssn", "999-69-9999", None),
])
def test_values_the_audit_found_loading_are_refused(cast_copy, table, row, column, new, expected):
    _edit(cast_copy / f"{table}.csv", row, column, new)
    if expected is None:
        load(cast_copy)
        return
    with pytest.raises(DatasetError) as e:
        load(cast_copy)
    assert re.search(expected, str(e.value)), str(e.value)


def test_children_ages_must_agree_with_the_members_table(cast_copy):
    m = pd.read_csv(cast_copy / "members.csv", dtype=str, keep_default_na=False)
    hh = pd.read_csv(cast_copy / "households.csv", dtype=str, keep_default_na=False)
    first = hh["household_id"].iloc[0]
    kid = m.index[(m["household_id"] == first) & (m["role"] == "child")][0]
    ages = sorted(int(a) for a in hh["children_ages"].iloc[0].split(";"))
    other = next(a for a in range(1, 17) if a not in ages and a <= int(hh["parent_age"].iloc[0]) - 16)
    _edit(cast_copy / "members.csv", kid, "age", str(other))
    with pytest.raises(DatasetError) as e:
        load(cast_copy)
    assert re.search(rf"households\.csv, row 2, column 'children_ages': lists {hh['children_ages'].iloc[0]}, but "
                     rf".*members\.csv lists children aged", str(e.value)), str(e.value)


def test_every_generated_identifier_passes_the_range_check():
    from linkages.families.schema import _ssn_problem

    pop = generate(3000, seed=5)
    assert _ssn_problem(pop.members["ssn"], "members.csv") is None
    assert pop.members["ssn"].notna().sum() > 2000


# --- the checked fast loader ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["cast", "caseload"])
def test_load_checked_gives_the_same_tables_as_load(name):
    from linkages.families import load_checked

    fast, full = load_checked(name), load(name)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(fast, t), getattr(full, t))


def test_load_checked_validates_when_a_file_does_not_match(cast_copy, tmp_path, monkeypatch):
    from linkages.families import io, load_checked

    calls = []
    real = io.load
    monkeypatch.setattr(io, "load", lambda x: calls.append(x) or real(x))
    load_checked("cast")
    assert calls == []  # the committed files match: no validation
    # a copy with its own checksums: the fast path; then an edit: the full check and its sentence
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(checksums(tmp_path), encoding="utf-8")
    load_checked(cast_copy, sums=sums)
    assert calls == []
    _edit(cast_copy / "households.csv", 0, "region", "3")
    with pytest.raises(DatasetError, match=r"row 2, column 'region': 3 is not one of 1, 2\.$"):
        load_checked(cast_copy, sums=sums)
    assert calls == [cast_copy]
    # a folder the checksums do not cover is always validated
    load_checked(DATASETS / "cast", sums=tmp_path / "missing")
    assert len(calls) == 2
