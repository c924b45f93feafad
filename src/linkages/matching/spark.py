"""The trained matching model, written for Splink's Spark backend (statewide extracts).

Splink saves a trained model as a settings JSON whose comparison levels are SQL strings in the
dialect it was trained on. The kit trains on DuckDB, whose SQL differs from Spark's in a few
functions the model uses (``jaro_winkler_similarity`` vs ``jaro_winkler``, ``list_intersect`` vs
``array_intersect``, date differences). :func:`spark_settings` therefore rebuilds the *same*
model — same comparisons, levels, blocking rules — from :func:`~linkages.matching.linkage.splink_settings`
in the Spark dialect, and copies every trained m- and u-probability and the prior across, level
by level (checking the levels line up). Load it with::

    from splink import Linker, SparkAPI
    linker = Linker([welfare_sdf, cws_sdf], spark_settings(result.settings_json),
                    db_api=SparkAPI(spark_session=spark))   # register the frames first
    pairs = linker.inference.predict(threshold_match_probability=0.001)

See ``SPARK.md`` for the whole path. Nothing here imports pyspark.
"""

from __future__ import annotations

import json
from pathlib import Path

from linkages.matching.extracts import DEFAULT_ON
from linkages.matching.linkage import splink_settings

__all__ = ["spark_settings", "save_models"]

_TRAINED = ("m_probability", "u_probability")


def spark_settings(trained: dict, on=DEFAULT_ON) -> dict:
    """A Spark-dialect settings dict carrying the trained values of ``trained`` (a DuckDB
    settings JSON, e.g. ``MatchResult.settings_json``)."""
    out = splink_settings(on).create_settings_dict("spark")
    if len(out["comparisons"]) != len(trained["comparisons"]):
        raise ValueError("The trained model has different comparisons from the kit's settings.")
    for mine, theirs in zip(out["comparisons"], trained["comparisons"]):
        a, b = mine["comparison_levels"], theirs["comparison_levels"]
        if [lv.get("label_for_charts") for lv in a] != [lv.get("label_for_charts") for lv in b]:
            raise ValueError(f"Comparison {mine.get('output_column_name')} has different levels.")
        for la, lb in zip(a, b):
            for k in _TRAINED:
                if k in lb:
                    la[k] = lb[k]
    out["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    out["sql_dialect"] = "spark"
    return out


def save_models(trained: dict, folder, on=DEFAULT_ON) -> dict[str, Path]:
    """Write ``model_duckdb.json`` and ``model_spark.json`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"duckdb": folder / "model_duckdb.json", "spark": folder / "model_spark.json"}
    paths["duckdb"].write_text(json.dumps(trained, indent=2), encoding="utf-8")
    paths["spark"].write_text(json.dumps(spark_settings(trained, on), indent=2), encoding="utf-8")
    return paths
