"""The measures of the caseload model, with intervals over replicate runs; baseline vs scenario
side by side; lever attribution; sensitivity to every assumption; standard figures.

- :func:`measures` — every measure of one run (:data:`MEASURES` says what each means).
- :func:`compare` — baseline and scenario on the same replicate seeds: ``.table``,
  ``.pretty()``, ``.trajectories_figure()``, ``.outcomes_figure()``.
- :func:`attribute` — each lever's share of the difference (leave-one-out or Shapley).
- :func:`sensitivity` — halve and double each assumption; :func:`tornado_figure`.
"""

from .attribution import METHODS, attribute
from .compare import INTERVALS, Comparison, compare, interval, run_measures, summary, t_critical
from .figures import attribution_figure, outcomes_figure, tornado_figure, trajectories_figure
from .measures import HEADLINE, MEASURES, Measure, measures, permanency_12, reentry_12
from .sensitivity import scaled_value, sensitivity

__all__ = [
    "measures", "MEASURES", "Measure", "HEADLINE", "permanency_12", "reentry_12",
    "compare", "Comparison", "interval", "summary", "t_critical", "run_measures", "INTERVALS",
    "attribute", "METHODS", "sensitivity", "scaled_value",
    "trajectories_figure", "outcomes_figure", "attribution_figure", "tornado_figure",
]
from .calibration import TARGETS, calibrate, calibration_check  # noqa: E402

__all__ += ["TARGETS", "calibrate", "calibration_check"]
