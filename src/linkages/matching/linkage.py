"""Find the same people in a welfare extract and a child welfare extract: exact, then probabilistic.

Two stages, in the order San Bernardino and Santa Clara counties describe (domain brief §1,
"Identifying shared clients by data match": an exact SSN match first, then a look at names and
dates of birth):

1. **Exact stage.** A welfare record and a CWS record with the same SSN *and* the same date of
   birth are the same person. Requiring the date of birth to agree is the guard against a
   mistyped SSN that happens to equal someone else's: the kit's generator already makes that
   impossible (a mistyped SSN is redrawn until it is unique, see
   :mod:`linkages.matching.extracts`), but a county's real extract has no such guarantee, and
   one transposed digit should not merge two families. A pair whose SSNs agree but whose dates
   of birth do not (a swapped day and month, say) is left to the second stage.
2. **Probabilistic stage** with `Splink <https://moj-analytical-services.github.io/splink/>`_
   (Fellegi–Sunter model) on its DuckDB backend. Comparisons: first name (exact, nickname of the
   same name, Jaro–Winkler levels), last name, date of birth (exact, day and month swapped, one
   character off, within a year), SSN (exact, one digit off), sex, and the first names of the
   other people on the same case ("household members"). The u-probabilities are estimated from
   random record pairs (seeded), the m-probabilities by expectation maximisation on pairs sharing
   an SSN and on pairs sharing a date of birth, the prior from strict deterministic rules with an
   assumed recall (``params/matching/model.yaml``). A level EM never saw among matches gets the m
   floor from the same file (Splink's own 1e-6), not Splink's generic default. Same inputs and
   seed, same scores (to floating-point rounding).

Pairs from the exact stage score 1.0. Probabilistic pairs at or above ``accept_from`` are
matches, pairs from ``review_from`` up to it go to the **clerical-review queue**, the rest are set
aside (``params/matching/thresholds.yaml``).

Scaling past one machine (a statewide extract)
-----------------------------------------------
DuckDB on one machine links 2 x 100,000 records in well under a minute here
(``benchmarks/bench_matching.py``). For statewide extracts, Splink runs the same model on Apache
Spark: write the trained model for Spark (``linkages.matching.spark.save_models``, from
``result.settings_json``), then, with Splink 5 (the kit pins ``splink>=5,<6``), register the
Spark DataFrames with ``SparkAPI`` and pass the registered tables and the model file to the
``Linker`` (Splink 5's ``Linker`` takes no ``db_api=``)::

    from splink import Linker, SparkAPI
    db_api = SparkAPI(spark_session=spark)  # registers Splink's Jaro-Winkler and other Spark UDFs
    welfare = db_api.register(welfare_sdf, dataset_display_name="welfare")
    cws = db_api.register(cws_sdf, dataset_display_name="cws")
    linker = Linker([welfare, cws], "model_spark.json")  # the trained model: no training call
    pairs = linker.inference.predict(threshold_match_probability=0.001, num_chunks_left=4, num_chunks_right=4)
    part = linker.inference.predict_chunk(left_chunk=(1, 4), right_chunk=(2, 4), threshold_match_probability=0.001)

Same comparisons, same blocking rules, same trained m- and u-values, no retraining.
``num_chunks_left`` / ``num_chunks_right`` (Splink 5) score the prediction in a grid of slices
to bound memory; ``predict_chunk`` scores one slice, so separate jobs can share the grid. The
exact stage is a join on (SSN, date of birth), which Spark does natively. See ``SPARK.md``
beside this module for the steps and the caveats.

Confidentiality: W&I 10850 lets welfare records be used only for purposes directly connected
with administering the programs; W&I 827 limits who may see a juvenile case file. The kit only
ever matches synthetic records (``linkages.matching.confidentiality``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from linkages.matching.extracts import DEFAULT_ON, EXTRACT_COLUMNS, nicknames
from linkages.params import value

__all__ = ["MatchError", "MatchResult", "prepare", "exact_stage", "splink_settings", "match", "thresholds",
           "splink_problem", "SPLINK_MAJOR"]

log = logging.getLogger(__name__)

STAGE_EXACT = "exact SSN + date of birth"
STAGE_PROB = "probabilistic"


def thresholds(on=DEFAULT_ON) -> dict[str, float]:
    """``accept_from``, ``review_from`` and ``predict_floor`` from the parameters."""
    return {k: float(value("matching.thresholds", on, k)) for k in ("accept_from", "review_from", "predict_floor")}


def _model(key: str, on=DEFAULT_ON):
    return value("matching.model", on, key)


# -- standardising an extract -------------------------------------------------------------------
def _norm_names(s: pd.Series) -> pd.Series:
    """Lower-case ASCII letters only ("José-Luis" -> "joseluis"); blank -> None."""
    x = (s.astype("string").str.normalize("NFKD").str.encode("ascii", "ignore")
         .str.decode("ascii").str.lower().str.replace(r"[^a-z]", "", regex=True))
    x = x.where(x.str.len() > 0)
    return x.astype(object).where(x.notna(), None)


def _canonical_index() -> dict[str, list[str]]:
    """Lower-case name -> the canonical names it may stand for (itself, if canonical)."""
    idx: dict[str, set[str]] = {}
    for canon, variants in nicknames().items():
        c = canon.lower()
        idx.setdefault(c, set()).add(c)
        for v in variants:
            idx.setdefault(v.lower(), set()).add(c)
    return {k: sorted(v) for k, v in idx.items()}


def _ssn9(s: pd.Series) -> pd.Series:
    d = s.astype("string").str.replace(r"\D", "", regex=True)
    return d.where(d.str.len() == 9).astype(object).where(lambda x: x.notna(), None)


def prepare(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """Standardise one extract for matching (names lower-case letters only, SSN as 9 digits,
    dates as dates, nickname forms, and the other first names on the same case)."""
    out = pd.DataFrame({"unique_id": df["record_id"].astype(str).to_numpy()})
    out["source"] = source
    out["case_id"] = df["case_id"].astype(str).to_numpy()
    out["first_name"] = _norm_names(df["first_name"]).to_numpy()
    out["last_name"] = _norm_names(df["last_name"]).to_numpy()
    canon = _canonical_index()
    forms = {n: canon.get(n, [n]) for n in pd.unique(out.first_name.dropna())}
    out["name_forms"] = out.first_name.map(forms).astype(object)
    out["name_forms"] = out.name_forms.where(out.first_name.notna(), None)
    dob = pd.to_datetime(df["birth_date"], errors="coerce").dt.normalize()
    out["dob"] = dob.to_numpy()
    out["dob_str"] = dob.dt.strftime("%Y-%m-%d").astype(object).where(dob.notna(), None).to_numpy()
    out["birth_year"] = dob.dt.year.astype("Int64").to_numpy()
    # year + the smaller and larger of month and day: equal for a date and its day/month swap
    lo = np.minimum(dob.dt.month, dob.dt.day)
    hi = np.maximum(dob.dt.month, dob.dt.day)
    key = dob.dt.year.astype("Int64").astype("string") + "-" + lo.astype("Int64").astype("string") + "-" + hi.astype("Int64").astype("string")
    out["dob_key"] = key.astype(object).where(key.notna(), None).to_numpy()
    out["ssn"] = _ssn9(df["ssn"]).to_numpy()
    sex = df["sex"].astype("string").str.upper().str[:1]
    out["sex"] = sex.where(sex.isin(["F", "M", "X"])).astype(object).where(lambda x: x.notna(), None).to_numpy()
    # first names of the other people on the same case (null when the case has one record)
    names: dict[str, list[str]] = {}
    for case, own in zip(out.case_id.tolist(), out.first_name.tolist()):
        if own:
            names.setdefault(case, []).append(own)
    hh = []
    for case, own in zip(out.case_id.tolist(), out.first_name.tolist()):
        others = list(names.get(case, ()))
        if own in others:
            others.remove(own)
        hh.append(sorted(set(others)) or None)
    out["hh_names"] = hh
    return out


# -- stage 1: exact ---------------------------------------------------------------------------
def exact_stage(w: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """Pairs whose SSNs are equal and whose dates of birth are equal (both present)."""
    cols = ["unique_id", "ssn", "dob"]
    lw = w.loc[w.ssn.notna() & w.dob.notna(), cols]
    lc = c.loc[c.ssn.notna() & c.dob.notna(), cols]
    pairs = lw.merge(lc, on=["ssn", "dob"], suffixes=("_w", "_c"))
    return pd.DataFrame({"welfare_id": pairs.unique_id_w, "cws_id": pairs.unique_id_c})


# -- stage 2: Splink -----------------------------------------------------------------------------
def splink_settings(on=DEFAULT_ON):
    """The Splink model (a ``SettingsCreator``) the probabilistic stage trains."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    fn_jw = list(_model("first_name_jaro_winkler", on))
    ln_jw = list(_model("last_name_jaro_winkler", on))
    near = int(_model("dob_near_days", on))
    first = cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.ArrayIntersectLevel("name_forms", 1).configure(label_for_charts="Nickname of the same name"),
            *[cll.JaroWinklerLevel("first_name", t) for t in fn_jw],
            cll.ElseLevel(),
        ],
    )
    last = cl.CustomComparison(
        output_column_name="last_name",
        comparison_levels=[
            cll.NullLevel("last_name"),
            cll.ExactMatchLevel("last_name", term_frequency_adjustments=True),
            *[cll.JaroWinklerLevel("last_name", t) for t in ln_jw],
            cll.ElseLevel(),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                "year(dob_l) = year(dob_r) AND month(dob_l) = day(dob_r) AND day(dob_l) = month(dob_r)",
                label_for_charts="Day and month swapped",
            ),
            cll.LevenshteinLevel("dob_str", 1),
            cll.AbsoluteDateDifferenceLevel("dob", input_is_string=False, threshold=near, metric="day"),
            cll.ElseLevel(),
        ],
    )
    ssn = cl.CustomComparison(
        output_column_name="ssn",
        comparison_levels=[
            cll.NullLevel("ssn"),
            cll.ExactMatchLevel("ssn"),
            cll.LevenshteinLevel("ssn", 1).configure(label_for_charts="One digit different"),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="link_only",
        comparisons=[
            first,
            last,
            dob,
            ssn,
            cl.ExactMatch("sex"),
            cl.ArrayIntersectAtSizes("hh_names", [2, 1]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("ssn"),
            block_on("dob"),
            # same names only where a date of birth is missing (the other rules cover the rest;
            # with common names, blocking on names alone is most of the work for little gain)
            "l.first_name = r.first_name AND l.last_name = r.last_name AND (l.dob IS NULL OR r.dob IS NULL)",
            block_on("first_name", "last_name", "substr(dob_str, 6, 5)"),  # a mistyped year
            block_on("last_name", "dob_key"),
            block_on("first_name", "dob_key"),
            block_on("last_name", "birth_year", "substr(first_name, 1, 1)"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=int(_model("em_max_iterations", on)),
    )


def _floor_m(settings: dict, floor: float) -> dict:
    """Every non-null level gets an m-probability of at least ``floor``."""
    for comp in settings["comparisons"]:
        for lv in comp["comparison_levels"]:
            if lv.get("is_null_level"):
                continue
            m = lv.get("m_probability")
            if not isinstance(m, (int, float)) or m < floor:
                lv["m_probability"] = floor
    return settings


def _splink_stage(w: pd.DataFrame, c: pd.DataFrame, seed: int, on, floor: float):
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    cols = ["unique_id", "first_name", "last_name", "name_forms", "dob", "dob_str",
            "dob_key", "birth_year", "ssn", "sex", "hh_names"]
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    dw = db_api.register(w[cols], dataset_display_name="welfare")
    dc = db_api.register(c[cols], dataset_display_name="cws")
    linker = Linker([dw, dc], splink_settings(on), log_level=logging.ERROR)
    trainer = linker.training
    try:
        trainer.estimate_probability_two_random_records_match(
            ["l.ssn = r.ssn and l.dob = r.dob", block_on("first_name", "last_name", "dob")],
            recall=float(_model("deterministic_rules_recall", on)),
        )
    except Exception as exc:  # noqa: BLE001 - e.g. more sure matches than the recall allows
        log.info("prior not estimated (%s); Splink's default kept", exc)
    settings_obj = getattr(linker, "_settings_obj", None)
    if settings_obj is not None and not getattr(settings_obj, "_probability_two_random_records_match", 1) > 0:
        # no pair met the strict rules (tiny or very damaged extracts): assume about one
        # true pair per record of the smaller extract
        settings_obj._probability_two_random_records_match = 1.0 / max(len(w), len(c), 1)
    trainer.estimate_u_using_random_sampling(max_pairs=float(_model("u_max_pairs", on)), seed=int(seed))
    # EM sessions. Pairs sharing an SSN are almost all true pairs, so they teach the model how
    # names, dates of birth and households differ within one person; pairs sharing a date of birth
    # then teach the SSN (and names again). Blocking on names instead lets EM settle on "same name,
    # related family" as a match when names are common, so names come last, only as a fallback.
    trained = []
    for name, rule in (("ssn", block_on("ssn")), ("dob", block_on("dob")),
                       ("names", block_on("first_name", "last_name"))):
        if name == "names" and "ssn" in trained:
            break
        try:  # EM needs pairs under the rule; an extract without SSNs (say) skips that session
            trainer.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
            trained.append(name)
        except Exception as exc:  # noqa: BLE001 - Splink's EMTrainingException and kin
            log.info("EM session %s skipped: %s", name, str(exc).splitlines()[0])
    if not trained:
        log.info("no EM session could run; Splink's default m-probabilities are used")
    # A level EM never saw among matches (a date of birth years apart, say) comes back without an
    # m-probability, and Splink would then fall back to a generic default (about 1 in 80) that is
    # far too forgiving. Give such levels, and any m below it, the floor from the parameters.
    settings = _floor_m(linker.misc.save_model_to_json(), float(_model("unobserved_level_m", on)))
    linker = Linker([dw, dc], settings, log_level=logging.ERROR)
    pred = linker.inference.predict(threshold_match_probability=floor, warning_mode="never")
    df = pred.as_pandas_dataframe()
    con.close()
    left_is_w = df["source_dataset_l"].astype(str) == "welfare"
    out = pd.DataFrame({
        "welfare_id": np.where(left_is_w, df.unique_id_l, df.unique_id_r).astype(str),
        "cws_id": np.where(left_is_w, df.unique_id_r, df.unique_id_l).astype(str),
        "match_probability": df.match_probability.astype(float).to_numpy(),
        "match_weight": df.match_weight.astype(float).to_numpy(),
    })
    return out, settings


# -- the result ----------------------------------------------------------------------------------
@dataclass
class MatchResult:
    """Every scored pair, and the two thresholds that turn scores into decisions.

    ``pairs`` columns: welfare_id, cws_id, welfare_case, cws_case, match_probability,
    match_weight, stage (``exact SSN + date of birth`` or ``probabilistic``).
    """

    pairs: pd.DataFrame
    accept_from: float
    review_from: float
    settings_json: dict = field(default_factory=dict, repr=False)
    seed: int = 0
    welfare: pd.DataFrame | None = field(default=None, repr=False)  # prepared records
    cws: pd.DataFrame | None = field(default=None, repr=False)

    def decisions(self, accept_from: float | None = None, review_from: float | None = None) -> pd.Series:
        """``match``, ``review`` or ``set aside`` for each pair."""
        a = self.accept_from if accept_from is None else accept_from
        r = self.review_from if review_from is None else review_from
        p = self.pairs.match_probability.to_numpy()
        exact = (self.pairs.stage == STAGE_EXACT).to_numpy()
        lab = np.where(exact | (p >= a), "match", np.where(p >= r, "review", "set aside"))
        return pd.Series(lab, index=self.pairs.index, name="decision")

    def matches(self, accept_from: float | None = None) -> pd.DataFrame:
        return self.pairs[self.decisions(accept_from, 0.0) == "match"]

    def review_queue(self, accept_from: float | None = None, review_from: float | None = None) -> pd.DataFrame:
        """Uncertain pairs for a person to look at, most likely first, with both records side by side."""
        dec = self.decisions(accept_from, review_from)
        q = self.pairs[dec == "review"]
        q = q.sort_values("match_probability", ascending=False)
        # a reviewer should know when either record is already matched to someone else
        accepted = self.pairs[dec == "match"]
        w_done, c_done = set(accepted.welfare_id), set(accepted.cws_id)
        note = np.where(q.welfare_id.isin(w_done) & q.cws_id.isin(c_done), "both records already matched elsewhere",
                        np.where(q.welfare_id.isin(w_done), "welfare record already matched elsewhere",
                                 np.where(q.cws_id.isin(c_done), "CWS record already matched elsewhere", "")))
        q = q.assign(note=note)
        if self.welfare is not None and self.cws is not None:
            show = ["unique_id", "first_name", "last_name", "dob_str", "ssn", "sex"]
            q = q.merge(self.welfare[show].add_suffix("_welfare"), left_on="welfare_id",
                        right_on="unique_id_welfare", how="left")
            q = q.merge(self.cws[show].add_suffix("_cws"), left_on="cws_id",
                        right_on="unique_id_cws", how="left")
            q = q.drop(columns=["unique_id_welfare", "unique_id_cws"])
            for side in ("welfare", "cws"):  # a reviewer sees the last four digits only
                col = f"ssn_{side}"
                q[col] = q[col].map(lambda s: f"***-**-{s[-4:]}" if isinstance(s, str) else "")
        return q.reset_index(drop=True)

    def family_links(self, accept_from: float | None = None) -> pd.DataFrame:
        """Welfare case and CWS case pairs joined by at least one matched person."""
        m = self.matches(accept_from)
        return (m.groupby(["welfare_case", "cws_case"], as_index=False)
                .agg(people=("welfare_id", "size"), best=("match_probability", "max")))


class MatchError(ValueError):
    """The extracts could not be matched; the message is a sentence for a person."""


#: The Splink major version the probabilistic stage is written for (``pyproject.toml``: splink>=5,<6).
SPLINK_MAJOR = 5


def splink_problem() -> str | None:
    """A sentence when the installed Splink is not the one the kit is written for, else ``None``.

    The kit uses Splink 5's API (tables registered with ``db_api.register`` and passed to
    ``Linker`` without ``db_api=``, ``predict(warning_mode=...)``); on another major version the
    stage would fail part-way with an error that says nothing useful to a person."""
    try:
        import splink
    except ImportError:
        return (f"The probabilistic stage needs Splink {SPLINK_MAJOR}, which is not installed here; "
                "install the kit again (pip install -e .) to get it.")
    version = str(getattr(splink, "__version__", "") or "unknown")
    head = version.split(".")[0]
    if not head.isdigit() or int(head) != SPLINK_MAJOR:
        return (f"The probabilistic stage needs Splink {SPLINK_MAJOR}, but Splink {version} is installed; "
                f"install the kit again (pip install -e .) to get splink>={SPLINK_MAJOR},<{SPLINK_MAJOR + 1}.")
    return None


_NEEDED = (("first_name", "first names"), ("last_name", "last names"), ("dob", "dates of birth"))


def _failure_sentence(w: pd.DataFrame, c: pd.DataFrame) -> str:
    """What to tell a person when Splink failed: only what was checked, never a guessed cause."""
    blank = [f"the {side} extract has no {what} at all"
             for side, df in (("welfare", w), ("CWS", c)) for col, what in _NEEDED if df[col].isna().all()]
    if blank:
        return ("The probabilistic stage could not run on these extracts. One thing stands out: "
                + "; ".join(blank) + ". The technical details are in the server's log.")
    return ("The probabilistic stage could not run on these extracts; the reason was written to the "
            "server's log. Both extracts do have first names, last names and dates of birth.")


def match(welfare: pd.DataFrame, cws: pd.DataFrame, seed: int = 0, on=DEFAULT_ON) -> MatchResult:
    """Match a welfare extract to a CWS extract (columns as in ``EXTRACT_COLUMNS``).

    Raises :class:`MatchError` (a sentence) when the extracts cannot be matched at all."""
    th = thresholds(on)
    missing = [f"{name}: {', '.join(sorted(set(EXTRACT_COLUMNS) - set(df.columns)))}"
               for name, df in (("welfare", welfare), ("CWS", cws)) if set(EXTRACT_COLUMNS) - set(df.columns)]
    if missing:
        raise MatchError("Columns are missing (" + "; ".join(missing) + ").")
    if len(welfare) == 0 or len(cws) == 0:
        raise MatchError("One of the extracts has no records.")
    problem = splink_problem()
    if problem:
        raise MatchError(problem)
    w, c = prepare(welfare, "welfare"), prepare(cws, "cws")
    exact = exact_stage(w, c)
    exact["match_probability"] = 1.0
    exact["match_weight"] = np.inf
    exact["stage"] = STAGE_EXACT
    try:
        prob, settings = _splink_stage(w, c, seed, on, th["predict_floor"])
    except Exception as exc:  # noqa: BLE001
        log.exception("probabilistic stage failed")
        raise MatchError(_failure_sentence(w, c)) from exc
    prob["stage"] = STAGE_PROB
    key = exact.welfare_id + "|" + exact.cws_id
    prob = prob[~(prob.welfare_id + "|" + prob.cws_id).isin(set(key))]
    pairs = pd.concat([exact, prob], ignore_index=True)
    pairs["welfare_case"] = pairs.welfare_id.map(dict(zip(w.unique_id, w.case_id)))
    pairs["cws_case"] = pairs.cws_id.map(dict(zip(c.unique_id, c.case_id)))
    pairs = pairs.sort_values(["match_probability", "welfare_id", "cws_id"],
                              ascending=[False, True, True], ignore_index=True)
    pairs = pairs[["welfare_id", "cws_id", "welfare_case", "cws_case", "match_probability",
                   "match_weight", "stage"]]
    return MatchResult(pairs, th["accept_from"], th["review_from"],
                       settings if isinstance(settings, dict) else json.loads(settings),
                       seed, w, c)
