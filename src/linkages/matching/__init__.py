"""Finding the families CalWORKs and Child Welfare Services share, by matching two extracts.

* :mod:`~linkages.matching.extracts` — two synthetic extracts (welfare, CWS) of the same
  synthetic families, with seeded, parameterised record differences, and the truth;
* :mod:`~linkages.matching.linkage` — an exact SSN + date-of-birth stage, then a probabilistic
  stage with Splink on DuckDB (EM and seeded u-estimation), a clerical-review queue between two
  thresholds; the path to Spark for statewide extracts is in its docstring and ``SPARK.md``;
* :mod:`~linkages.matching.evaluate` — precision, recall and F1 for people and for families, at
  every threshold at once;
* :mod:`~linkages.matching.spark` — the trained model rewritten for Splink's Spark backend;
* :mod:`~linkages.matching.upload` — checks an uploaded extract and says what is wrong, in words;
* :mod:`~linkages.matching.confidentiality` — the W&I 10850 and 827 rules, with sources, for the
  screens that use the data.

Quick start::

    from linkages.matching import synthetic_extracts, match, evaluate
    ex = synthetic_extracts(n_households=2_000, seed=7)   # variant="messy": messier extracts
    result = match(ex.welfare, ex.cws, seed=7)
    evaluate(result, ex)            # precision, recall, F1, families found ...
    result.review_queue()           # the uncertain pairs, for a person to decide
"""

from linkages.matching.evaluate import DEFAULT_GRID, Scores, evaluate, label_pairs, threshold_table
from linkages.matching.extracts import (
    DEFAULT_HOUSEHOLDS,
    DEFAULT_ON,
    DEFAULT_SEED,
    EXTRACT_COLUMNS,
    VARIANTS,
    Extracts,
    error_rates,
    extracts_of_size,
    make_extracts,
    synthetic_extracts,
)
from linkages.matching.linkage import MatchError, MatchResult, exact_stage, match, prepare, splink_settings, thresholds

__all__ = [
    "DEFAULT_GRID", "DEFAULT_HOUSEHOLDS", "DEFAULT_ON", "DEFAULT_SEED", "EXTRACT_COLUMNS", "Extracts", "VARIANTS",
    "MatchError", "MatchResult", "Scores", "extracts_of_size",
    "error_rates", "evaluate", "exact_stage", "label_pairs", "make_extracts", "match", "prepare",
    "splink_settings", "synthetic_extracts", "threshold_table", "thresholds",
]
