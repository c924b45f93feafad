"""The measures of the caseload model, with intervals over replicate runs; baseline vs scenario
side by side; lever attribution; sensitivity to every assumption; standard figures.

- :func:`measures` — every measure of one run (:data:`MEASURES` says what each means).
- :func:`compare` — baseline and scenario on the same replicate seeds: ``.table``,
  ``.pretty()``, ``.trajectories_figure()``, ``.outcomes_figure()``.
- :func:`attribute` — each lever's share of the difference (leave-one-out or Shapley).
- :func:`sensitivity` — halve and double each assumption; :func:`tornado_figure`.
- :class:`OutcomesChart` — the outcomes figure kept and redrawn in place (an app's every change);
  :func:`light_png` — a figure as a small palette PNG.
- :mod:`linkages.outcomes.subset` — scenario runs that step only the households a scenario can
  reach (the same records as a full run).
"""

from .attribution import METHODS, attribute
from .compare import (INTERVALS, Comparison, agreement_words, compare, interval, interval_bands, interval_label,
                      run_measures, summary, t_critical)
from .figures import (OutcomesChart, attribution_figure, interaction_label, light_png, outcomes_figure,
                      parameter_label, practice_name, tornado_figure, trajectories_figure)
from .measures import HEADLINE, MEASURES, Measure, measures, permanency_12, reentry_12
from .sensitivity import scaled_value, sensitivity

__all__ = [
    "measures", "MEASURES", "Measure", "HEADLINE", "permanency_12", "reentry_12",
    "compare", "Comparison", "interval", "interval_bands", "interval_label", "agreement_words", "summary",
    "t_critical", "run_measures", "INTERVALS",
    "attribute", "METHODS", "sensitivity", "scaled_value",
    "trajectories_figure", "outcomes_figure", "attribution_figure", "tornado_figure", "OutcomesChart", "light_png",
    "practice_name", "parameter_label", "interaction_label",
]
from .calibration import TARGETS, calibrate, calibration_check  # noqa: E402

__all__ += ["TARGETS", "calibrate", "calibration_check"]
