"""The data files some assignments read, made once from the kit's engines and committed next to
the assignment's notebook, so hidden tests stay stable while the engines keep improving:

- ``m3_shared_families/`` and ``m4_case_planning/``: the teaching cast's case-plan activities
  (``cast_plans.csv``, from ``datasets/cast/activities.csv``; their days and hours are drawn by
  the generator, so a frozen copy keeps the double-bookings the questions count);
- ``m5_data_confidentiality/``: two small synthetic program extracts (``welfare.csv``,
  ``cws.csv``), the truth of who is who (``truth.csv``), and the match scores at each threshold
  (``thresholds.csv``, from :func:`linkages.matching.match` and :func:`~linkages.matching.threshold_table`);
- ``m7_organisation/``: the synthetic county survey (``survey.csv``, :func:`linkages.survey.synthetic_survey`);
- ``m8_outcomes/``: a baseline-vs-Linkages outcome table (``outcome_table.csv``, from
  :func:`linkages.outcomes.compare`, 2,000 synthetic households, 20 replicate runs).

``python -m linkages.grading.datasets [course]`` rewrites them (then rerun the grading tests: the
expected values in the hidden tests were worked out from these files).
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["build_plans", "build_m5", "build_m7", "build_m8", "main"]


def build_plans(folder: Path) -> list[Path]:
    from linkages.families import load

    p = folder / "cast_plans.csv"
    load("cast").activities.to_csv(p, index=False, lineterminator="\n")
    return [p]


def build_m5(folder: Path) -> list[Path]:
    from linkages.matching import match, synthetic_extracts, threshold_table

    ex = synthetic_extracts(n_households=150, seed=13)
    out = []
    for name, df in (("welfare", ex.welfare), ("cws", ex.cws)):
        d = df.copy()
        d["birth_date"] = d["birth_date"].dt.strftime("%Y-%m-%d")
        p = folder / f"{name}.csv"
        d.to_csv(p, index=False, lineterminator="\n")
        out.append(p)
    p = folder / "truth.csv"
    ex.truth.to_csv(p, index=False, lineterminator="\n")
    out.append(p)
    result = match(ex.welfare, ex.cws, seed=13)
    t = threshold_table(result, ex)[["threshold", "accepted_pairs", "correct_pairs", "true_pairs", "precision",
                                     "recall", "f1", "review_pairs"]]
    p = folder / "thresholds.csv"
    t.round(4).to_csv(p, index=False, lineterminator="\n")
    out.append(p)
    return out


def build_m7(folder: Path) -> list[Path]:
    from linkages.survey import synthetic_survey

    p = folder / "survey.csv"
    synthetic_survey(seed=0).to_csv(p, index=False, lineterminator="\n")
    return [p]


def build_m8(folder: Path) -> list[Path]:
    from linkages.outcomes import compare
    from linkages.simulate import ALL_LEVERS
    from linkages.simulate.fixture import population

    caseload = population(2000, seed=1)
    scenario = ALL_LEVERS.with_(months=24, seed=1, name="all Linkages practices")
    result = compare(caseload.households, scenario=scenario, replicates=20, activities=caseload.activities,
                     keep_monthly=False)
    t = result.table.drop(columns=["unit"]).reset_index()
    p = folder / "outcome_table.csv"
    t.round(4).to_csv(p, index=False, lineterminator="\n")
    return [p]


def main(argv: list[str] | None = None) -> int:
    from .course import find_course

    argv = list(sys.argv[1:] if argv is None else argv)
    course = find_course(argv[0] if argv else None)
    for name, fn in (("m3_shared_families", build_plans), ("m4_case_planning", build_plans),
                     ("m5_data_confidentiality", build_m5), ("m7_organisation", build_m7), ("m8_outcomes", build_m8)):
        folder = course / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        for p in fn(folder):
            print(p.relative_to(course))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
