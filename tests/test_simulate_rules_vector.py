"""The array-friendly rule helpers the simulation uses agree with the scalar rules."""

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from linkages.household import Household
from linkages.rules import calworks as C


@settings(max_examples=150, deadline=None)
@given(
    adults=st.integers(1, 2),
    exempt=st.integers(0, 2),
    ages=st.lists(st.integers(0, 18), min_size=0, max_size=6),
    on=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_work_hours_array_agrees_with_scalar(adults, exempt, ages, on):
    exempt = min(exempt, adults)
    hh = Household(adults=adults, children_ages=tuple(ages), wtw_exempt_adults=exempt)
    youngest = min(ages) if ages else 99
    vec = C.work_hours_required_array(np.array([adults]), np.array([exempt]), np.array([youngest]),
                                      np.array([len(ages)]), on)
    assert int(vec[0]) == C.work_hours_required(hh, on)
