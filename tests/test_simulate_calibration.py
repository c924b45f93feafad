"""Calibration: with no levers the synthetic caseload lands near the federal standards.

Tuned: model.cws.reunification_monthly (permanency within 12 months, target 40.5%) and
model.cws.reentry_monthly (re-entry within 12 months, target 8.3%); tolerance
model.calibration.tolerance (3 points). Re-tune with linkages.outcomes.calibrate.
"""

from linkages.outcomes import TARGETS, calibration_check
from linkages.params import param
from linkages.simulate.fixture import population


def test_uncoordinated_caseload_lands_near_the_federal_standards():
    pop = population(20_000, 2026)
    check = calibration_check(pop.households, pop.activities, replicates=3)
    assert check.loc["permanency_12", "target"] == 0.405 and check.loc["reentry_12", "target"] == 0.083
    assert check["within"].all(), check


def test_tuned_parameters_say_they_were_calibrated():
    for _, (target, tuned) in TARGETS.items():
        p = param(f"model.{tuned}")
        assert p.status == "assumption" and "calibrated" in p.note and "test_simulate_calibration" in p.note
        assert param(target).status == "sourced"
