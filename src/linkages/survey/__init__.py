"""County linkages: a SYNTHETIC county survey, and a readiness self-assessment with a work plan.

* :mod:`~linkages.survey.county_survey` — a seeded, **synthetic** survey of the 58 counties on
  eight coordination practices (data match, co-location, liaisons, linked case plans, joint
  training, agreements/MOUs, pooled funding, shared outcome measures) and helpers: adoption rates
  by practice, by size band, MAP region or 2011 Linkages phase, and a county's profile beside its
  peers. The real "California County Linkages Survey" instrument and results were not found
  (domain brief §1, Evaluation), so nothing here is a real county's answer.
* :mod:`~linkages.survey.readiness` — the self-assessment items along the Linkages Program Design
  Road Map, next steps, a 12-month work plan (12 topic areas in 3 categories) exported as HTML and
  CSV, and a server-side store that keeps answers between visits.
"""

from linkages.survey.county_survey import (
    LEVELS,
    PRACTICES,
    SYNTHETIC_LABEL,
    adoption_by,
    adoption_figure,
    adoption_rates,
    county_profile,
    county_traits,
    peers_of,
    profile_figure,
    synthetic_survey,
)
from linkages.survey.readiness import (
    AnswerError,
    AnswerStore,
    catalogue,
    next_steps,
    practice_levels,
    topic_status,
    validate_answers,
    work_plan,
    work_plan_csv,
    work_plan_html,
)

__all__ = [
    "LEVELS", "PRACTICES", "SYNTHETIC_LABEL", "adoption_by", "adoption_figure", "adoption_rates", "county_profile",
    "county_traits", "peers_of", "profile_figure", "synthetic_survey", "AnswerError", "AnswerStore",
    "catalogue", "next_steps", "practice_levels", "topic_status", "validate_answers", "work_plan",
    "work_plan_csv", "work_plan_html",
]
