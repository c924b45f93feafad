"""The month-by-month caseload model (MODEL.md): CalWORKs and child welfare paths for every
household, the Linkages practices as levers, replicate runs.

Quick use::

    from linkages.simulate import Scenario, simulate, run_replicates, LEVERS
    result = simulate(pop.households, Scenario(levers={"linked_plan": 1}, months=24, seed=1),
                      start="2025-01-01", activities=pop.activities)
    result.monthly()

The vectorised engine (:mod:`.engine`) and the plain reference stepper (:mod:`.reference`) read
the same pre-drawn random numbers and give identical records. Measures, intervals and figures
live in :mod:`linkages.outcomes`.
"""

from .caseload import COMP, EVENTS, STATUS, Caseload, prepare
from .engine import DRAW_COLUMNS, INIT_COLUMNS, RECORD_FIELDS, Draws
from .errors import (CaseloadError, EmptyCaseloadError, LeverStrengthError, ScenarioError, SimulationError,
                     UnknownLeverError)
from .levers import LEVER_NAMES, LEVERS, Lever, lever_table
from .model import BARRIERS, ModelParams
from .run import DEFAULT_START, Result, replicate_seeds, run_replicates, simulate
from .scenario import ALL_LEVERS, BASELINE, Scenario

__all__ = [
    "Scenario", "BASELINE", "ALL_LEVERS", "simulate", "run_replicates", "replicate_seeds", "compare", "Result",
    "LEVERS", "LEVER_NAMES", "Lever", "lever_table", "ModelParams", "BARRIERS", "Caseload", "prepare", "Draws",
    "STATUS", "COMP", "EVENTS", "RECORD_FIELDS", "DRAW_COLUMNS", "INIT_COLUMNS", "DEFAULT_START",
    "SimulationError", "UnknownLeverError", "LeverStrengthError", "EmptyCaseloadError", "CaseloadError",
    "ScenarioError",
]


def compare(households, baseline=None, scenario=None, replicates: int = 20, **kw):
    """Baseline vs scenario over replicate runs (see :func:`linkages.outcomes.compare`)."""
    from ..outcomes import compare as _compare

    return _compare(households, baseline, scenario, replicates, **kw)


from .story import FamilyStory, Pronouns, family_story, pick_story_household, summary_sentences  # noqa: E402

__all__ += ["FamilyStory", "Pronouns", "family_story", "pick_story_household", "summary_sentences"]
