"""Child welfare rules: deadlines by age, the entered-foster-care date, 15 of 22, reviews."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkages.household import Child, InputError
from linkages.rules import cws as W

D = dt.date


def test_case_plan_due_60_days_or_disposition():
    assert W.case_plan_due_date(D(2024, 1, 10)) == D(2024, 3, 10)
    assert W.case_plan_due_date(D(2024, 1, 10), D(2024, 2, 20)) == D(2024, 2, 20)
    assert W.case_plan_due_date(D(2024, 1, 10), D(2024, 5, 1)) == D(2024, 3, 10)
    with pytest.raises(InputError):
        W.case_plan_due_date(D(2024, 1, 10), D(2023, 12, 1))


def test_entered_foster_care_is_earlier_of_jurisdiction_or_60_days():
    assert W.entered_foster_care_date(D(2024, 1, 10)) == D(2024, 3, 10)
    assert W.entered_foster_care_date(D(2024, 1, 10), D(2024, 2, 1)) == D(2024, 2, 1)
    assert W.entered_foster_care_date(D(2024, 1, 10), D(2024, 4, 1)) == D(2024, 3, 10)


def test_child_3_or_older_gets_12_months_from_entry():
    d = W.reunification_deadlines(Child(5, D(2024, 1, 10), jurisdiction_date=D(2024, 2, 1)))
    assert d.entered_foster_care == D(2024, 2, 1)
    assert d.services_end == D(2025, 2, 1)
    assert d.extension_end == D(2025, 7, 10)  # 18 months from removal
    assert d.exceptional_end == D(2026, 1, 10)  # 24 months from removal


def test_child_under_3_gets_6_months_from_disposition_capped_at_12_from_entry():
    d = W.reunification_deadlines(Child(2, D(2024, 1, 10), disposition_date=D(2024, 3, 1)))
    assert d.services_end == D(2024, 9, 1)
    late = W.reunification_deadlines(Child(1, D(2024, 1, 10), disposition_date=D(2025, 1, 1)))
    assert late.services_end == D(2025, 3, 10)  # cap: 12 months after entering care (2024-03-10)


def test_age_3_boundary_and_sibling_rule():
    two = W.reunification_deadlines(Child(2, D(2024, 1, 10), disposition_date=D(2024, 3, 1)))
    three = W.reunification_deadlines(Child(3, D(2024, 1, 10), disposition_date=D(2024, 3, 1)))
    sib = W.reunification_deadlines(Child(7, D(2024, 1, 10), disposition_date=D(2024, 3, 1), sibling_under_3=True))
    assert two.services_end == D(2024, 9, 1)
    assert three.services_end == D(2025, 3, 10)
    assert sib.services_end == two.services_end


def test_bad_children_get_sentences():
    with pytest.raises(InputError, match="aged 40"):
        Child(40, D(2024, 1, 1))
    with pytest.raises(InputError, match="before the removal"):
        Child(4, D(2024, 1, 1), disposition_date=D(2023, 1, 1))


def test_15_of_22():
    removal = D(2023, 1, 1)
    entered = W.entered_foster_care_date(removal)  # 2023-03-02
    # continuously in care: 15 months after the clock starts
    assert not W.meets_15_of_22([(removal, None)], D(2024, 5, 31), entered)
    assert W.meets_15_of_22([(removal, None)], D(2024, 6, 3), entered)
    # a trial home visit gap delays it
    periods = [(removal, D(2023, 9, 1)), (D(2024, 1, 1), None)]
    assert not W.meets_15_of_22(periods, D(2024, 6, 3), entered)
    assert W.meets_15_of_22(periods, D(2024, 10, 10), entered)


def test_review_dates_every_six_months():
    assert W.review_dates(D(2024, 3, 1), D(2025, 3, 1)) == [D(2024, 9, 1), D(2025, 3, 1)]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 17), st.dates(D(2000, 1, 1), D(2030, 1, 1)), st.integers(0, 120), st.booleans())
def test_deadlines_are_ordered(age, removal, disp_days, sibling):
    child = Child(age, removal, disposition_date=removal + dt.timedelta(days=disp_days), sibling_under_3=sibling)
    d = W.reunification_deadlines(child)
    assert removal <= d.entered_foster_care <= d.services_end <= d.extension_end <= d.exceptional_end
    assert d.services_end <= W.add_months(d.entered_foster_care, 12)


def test_future_placement_periods_do_not_count():
    periods = [(D(2023, 1, 1), D(2023, 6, 1)), (D(2025, 1, 1), None)]
    assert W.months_in_care(periods, D(2024, 1, 1)) == W.months_in_care(periods[:1], D(2024, 1, 1))
