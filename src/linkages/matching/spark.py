"""The trained matching model, written for Splink's Spark backend (statewide extracts).

Splink saves a trained model as a settings JSON whose comparison levels are SQL strings in the
dialect it was trained on. The kit trains on DuckDB, whose SQL differs from Spark's in a few
functions the model uses (``jaro_winkler_similarity`` vs ``jaro_winkler``, ``list_intersect`` vs
``array_intersect``, date differences). :func:`spark_settings` therefore rebuilds the *same*
model — same comparisons, levels, blocking rules — from :func:`~linkages.matching.linkage.splink_settings`
in the Spark dialect, and copies every trained m- and u-probability and the prior across, level
by level (checking the levels line up). Write it with :func:`save_models`, then load it on a
Spark cluster with Splink 5 (the kit pins ``splink>=5,<6``): register each Spark DataFrame with
``SparkAPI`` and pass the registered tables, not ``db_api=``, to the ``Linker``::

    from splink import Linker, SparkAPI
    db_api = SparkAPI(spark_session=spark)  # registers Splink's Jaro-Winkler and other Spark UDFs
    welfare = db_api.register(welfare_sdf, dataset_display_name="welfare")
    cws = db_api.register(cws_sdf, dataset_display_name="cws")
    linker = Linker([welfare, cws], "model_spark.json")  # the trained model: no training call
    pairs = linker.inference.predict(threshold_match_probability=0.001, num_chunks_left=4, num_chunks_right=4)
    part = linker.inference.predict_chunk(left_chunk=(1, 4), right_chunk=(2, 4), threshold_match_probability=0.001)

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
