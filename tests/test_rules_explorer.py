"""The rules explorer's pure functions (inputs -> result rows) and its widgets, no browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from linkages.ui.rules_explorer import (
    FieldErrors,
    Inputs,
    build_app,
    calworks_results,
    child_welfare_results,
    county_options,
    parse_ages,
    rows_html,
)


def _rows(res) -> dict:
    return {r.key: r for r in (res.rows if hasattr(res, "rows") else res)}


def test_worked_example_is_the_default():
    res = calworks_results(Inputs())
    assert res.summary == ("A one-parent family of three in Alameda (Region 1) with $1,000 of monthly "
                           "earnings gets $975 a month in November 2024; if the parent were sanctioned, $730.")
    rows = _rows(res)
    assert rows["grant"].value == "$975 a month"
    assert rows["sanctioned_grant"].value == "$730 a month"
    assert rows["map"].value == "$1,175 a month"
    assert rows["countable"].value == "$200 a month"
    assert rows["hours"].value == "20 hours a week"
    assert rows["income_test"].value == "Passes"
    assert rows["time_limit"].value == "60 months"
    assert rows["clock"].value == "Yes"
    assert rows["homeless"].value == "$85 a day"


def test_every_row_has_a_source_and_a_status():
    for row in list(calworks_results(Inputs()).rows) + list(child_welfare_results(Inputs())):
        assert row.sources, row.item
        assert row.status in ("sourced", "assumption")
    # the sanctioned grant rests on a labelled assumption (a sanctioned adult's earnings count)
    assert _rows(calworks_results(Inputs()))["sanctioned_grant"].status == "assumption"
    assert _rows(calworks_results(Inputs()))["grant"].status == "sourced"


@pytest.mark.parametrize("earnings, countable, grant", [(1400, "$400", "$775"), (0, "$0", "$1,175"),
                                                         (600, "$0", "$1,175"), (3000, "$1,200", "$0")])
def test_earnings_move_the_grant(earnings, countable, grant):
    rows = _rows(calworks_results(Inputs(earnings=earnings)))
    assert rows["countable"].value == f"{countable} a month"
    assert rows["grant"].value == f"{grant} a month"


def test_sanctioned_parent():
    res = calworks_results(Inputs(sanctioned=1))
    assert res.grant == 730
    assert "the parent sanctioned gets $730" in res.summary
    assert _rows(res)["clock"].value == "No"


def test_two_parents_and_region_two():
    res = calworks_results(Inputs(adults=2, children_ages="1", county="Kern", earnings=0, employed=0))
    assert "two-parent family of three in Kern (Region 2) with no earnings" in res.summary
    assert "if one parent were sanctioned" in res.summary
    assert _rows(res)["hours"].value == "35 hours a week"


def test_child_welfare_rows():
    rows = _rows(child_welfare_results(Inputs()))
    assert rows["case_plan"].value == "November 30, 2024"
    assert rows["entered"].value == "November 30, 2024"
    assert rows["services_end"].value == "November 30, 2025"
    assert rows["limit_18"].value == "April 1, 2026"
    assert rows["limit_24"].value == "October 1, 2026"
    assert rows["reviews"].value.startswith("April 1, 2025")
    assert rows["fr_aid"].value.startswith("Services only until")
    young = _rows(child_welfare_results(Inputs(age_at_removal=2, disposition_date=dt.date(2024, 11, 15))))
    assert "under 3" in young["services_end"].detail
    assert young["services_end"].value == "May 15, 2025"
    assert young["case_plan"].value == "November 15, 2024"  # the disposition came first
    ab135 = _rows(child_welfare_results(Inputs(removal_date=dt.date(2025, 3, 10), as_of=dt.date(2025, 4, 1))))
    assert ab135["fr_aid"].value.startswith("Cash and services until")


@pytest.mark.parametrize("changes, field, words", [
    (dict(earnings=-50), "earnings", "negative"),
    (dict(children_ages="4, 40"), "children_ages", "aged 40"),
    (dict(children_ages="four, 8"), "children_ages", "not an age"),
    (dict(children_ages=""), "children_ages", "at least one child"),
    (dict(sanctioned=2), "sanctioned", "sanctioned"),
    (dict(wtw_exempt=3), "wtw_exempt", "exempt"),
    (dict(employed=9), "employed", "employed"),
    (dict(as_of=dt.date(2010, 1, 1)), "as_of", "July 1, 2015"),
    (dict(as_of=None), "as_of", "Choose"),
])
def test_bad_calworks_input_names_its_control(changes, field, words):
    with pytest.raises(FieldErrors) as info:
        calworks_results(Inputs(**changes))
    assert set(info.value.errors) == {field}
    assert words in info.value.errors[field]
    msg = info.value.errors[field].lstrip("'")
    assert msg[0].isupper() or msg[0].isdigit() or info.value.errors[field][0] == "'"
    assert info.value.errors[field].endswith(".")


def test_calworks_spelt_right_in_sentences():
    with pytest.raises(FieldErrors) as info:
        parse_ages("4, 40")
    assert "CalWORKs" in info.value.errors["children_ages"]


@pytest.mark.parametrize("changes, field", [
    (dict(age_at_removal=40), "age_at_removal"),
    (dict(removal_date=None), "removal_date"),
    (dict(removal_date=dt.date(1990, 1, 1)), "removal_date"),
    (dict(disposition_date=dt.date(2024, 1, 1)), "disposition_date"),
    (dict(jurisdiction_date=dt.date(2024, 1, 1)), "jurisdiction_date"),
])
def test_bad_child_welfare_input_names_its_control(changes, field):
    with pytest.raises(FieldErrors) as info:
        child_welfare_results(Inputs(**changes))
    assert field in info.value.errors


def test_parse_ages():
    assert parse_ages("4, 8") == (4, 8)
    assert parse_ages(" 0;17  3 ") == (0, 17, 3)


def test_county_dropdown_has_58_counties_with_regions():
    opts = county_options()
    assert len(opts) == 58
    assert ("Alameda (Region 1)", "Alameda") in opts
    assert all(label.endswith(("(Region 1)", "(Region 2)")) for label, _ in opts)


def test_table_html_is_escaped_and_complete():
    html = rows_html(calworks_results(Inputs()).rows, "CalWORKs <test>", "t")
    assert "&lt;test&gt;" in html and "<th scope=\"col\">Source</th>" in html
    assert html.count("<tr class=\"lk-row-") == 9


def test_widgets_keep_last_good_results_and_what_was_typed():
    box, c = build_app()
    summary = next(ch for ch in box.children if "lk-summary" in ch._dom_classes)
    assert "$975" in summary.value
    c["earnings"].value = 1400.0
    assert "$775" in summary.value
    c["earnings"].value = -50.0
    assert "$775" in summary.value                     # last good result kept
    assert c["earnings"].value == -50.0               # what was typed stays
    assert c["children_ages"].value == "4, 8"
    html = repr(box)  # nothing raised
    assert "Traceback" not in summary.value and html
    c["earnings"].value = 1000.0
    assert "$975" in summary.value


# --- downloads ------------------------------------------------------------------------------------

def _downloads(box) -> dict[str, tuple[str, str]]:
    """class -> (file name, decoded text) of every download link on the page."""
    import base64

    html = next(ch for ch in box.children if "lk-export" in ch._dom_classes).value
    out = {}
    for cls, name, b64 in re.findall(r'<a class="lk-download ([^"]+)" download="([^"]+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"', html):
        out[cls.split()[-1]] = (name, base64.b64decode(b64).decode("utf-8"))
    return out


def _screen_answers(table_html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr class="lk-row-([a-z_0-9]+)"><th scope="row">.*?</th><td class="lk-value"><b>(.*?)</b>', table_html))


def test_downloads_hold_what_is_on_screen():
    import html as H
    import io

    import pandas as pd

    box, c = build_app()
    part = {k: next(ch for ch in box.children if k in ch._dom_classes) for k in ("lk-summary", "lk-calworks", "lk-cws")}

    def check():
        d = _downloads(box)
        assert set(d) == {"lk-dl-html", "lk-dl-csv-calworks", "lk-dl-csv-child_welfare"}  # no figures, no PNG
        assert d["lk-dl-csv-calworks"][0] == "rules_explorer_calworks.csv"
        for cls, table in (("lk-dl-csv-calworks", "lk-calworks"), ("lk-dl-csv-child_welfare", "lk-cws")):
            df = pd.read_csv(io.StringIO(d[cls][1]), keep_default_na=False)
            screen = [H.unescape(v) for v in _screen_answers(part[table].value).values()]
            assert df["answer"].tolist() == screen, cls
            assert set(df["status"]) <= {"sourced", "assumption"} and df["sources"].str.len().min() > 0
        page = d["lk-dl-html"][1]
        assert H.unescape(part["lk-summary"].value) in H.unescape(page)
        for v in _screen_answers(part["lk-calworks"].value).values():
            assert v in page
        assert "<script" not in page and "<link" not in page and not re.search(r"src=[\"']https?:", page)
        assert page.count("If a child is removed: child welfare dates") == 1  # each table named once
        return d

    d = check()
    assert "$975 a month" in d["lk-dl-csv-calworks"][1]
    c["earnings"].value = 1400.0
    c["age_at_removal"].value = 2
    d = check()
    assert "$775 a month" in d["lk-dl-csv-calworks"][1] and "$975" not in d["lk-dl-csv-calworks"][1]
    assert "<th scope=\"row\">Monthly earnings ($)</th><td>$1,400</td>" in d["lk-dl-html"][1]
    assert "<th scope=\"row\">Child&#x27;s age at removal</th><td>2</td>" in d["lk-dl-html"][1]
    # a mistake changes nothing on screen, so nothing in the downloads
    c["earnings"].value = -50.0
    after = check()
    assert after["lk-dl-csv-calworks"] == d["lk-dl-csv-calworks"]
    assert "$1,400" in after["lk-dl-html"][1] and "-50" not in after["lk-dl-html"][1]


def test_export_bundle_without_results_still_makes_a_page():
    from linkages.ui.rules_explorer import export_bundle

    b = export_bundle(None, (), None, None)
    assert b.csvs == [] and b.figures == [] and "fix the highlighted boxes" in b.summary


@pytest.mark.parametrize("name, state, words", [
    ("adults", {"index": 99}, "not one of the choices"),
    ("county", {"index": -3}, "not one of the choices"),
    ("earnings", {"value": None}, "Type a number"),
    ("employed", {"value": "two"}, "whole number"),
    ("as_of", {"value": {"year": 2024, "month": 14, "date": 40}}, "Choose a date"),
    ("children_ages", {"value": 12}, "ages as text"),
    ("exempt_map", {"value": "maybe"}, "Tick or clear"),
])
def test_a_value_a_control_cannot_hold_gets_a_sentence(name, state, words):
    """What the page's widget state can carry that no one can type: refused by the control,
    a sentence beside it, the kept value and the results unchanged, nothing raised."""
    box, c = build_app()
    summary = next(ch for ch in box.children if "lk-summary" in ch._dom_classes)
    before, kept = summary.value, c[name].value
    c[name].set_state(state)  # what a comm_msg from the page does
    assert c[name].value == kept and summary.value == before
    msg = next(ch for ch in _all(box) if f"lk-msg-{name}" in getattr(ch, "_dom_classes", ()))
    assert words in msg.value and "Traceback" not in msg.value
    c["earnings"].value = 1400.0  # the next good change clears it and updates as usual
    assert msg.value == "" and "$775" in summary.value


def _all(widget):
    yield widget
    for ch in getattr(widget, "children", ()):
        yield from _all(ch)


def test_every_bad_control_is_named_at_once():
    """A date the kit has no figures for is named even when other boxes are wrong too (it used to
    show only once the others were fixed, leaving a wrong date with nothing beside it)."""
    with pytest.raises(FieldErrors) as info:
        calworks_results(Inputs(earnings=-50, as_of=dt.date(1900, 1, 1)))
    assert set(info.value.errors) == {"earnings", "as_of"}
    assert "choose a date on or after" in info.value.errors["as_of"]
    with pytest.raises(FieldErrors) as info:
        calworks_results(Inputs(sanctioned=5, as_of=None))
    assert set(info.value.errors) == {"sanctioned", "as_of"}
    with pytest.raises(FieldErrors) as info:
        calworks_results(Inputs(earnings=-50))  # a good date adds nothing
    assert set(info.value.errors) == {"earnings"}
    with pytest.raises(FieldErrors) as info:
        child_welfare_results(Inputs(age_at_removal=40, removal_date=dt.date(1990, 1, 1)))
    assert set(info.value.errors) == {"age_at_removal", "removal_date"}
    with pytest.raises(FieldErrors) as info:
        child_welfare_results(Inputs(age_at_removal=40))
    assert set(info.value.errors) == {"age_at_removal"}
