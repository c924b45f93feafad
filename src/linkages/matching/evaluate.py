"""How good a match is, against the synthetic truth: people and families.

*People* (pairs): a welfare record and a CWS record are a true pair when they describe the same
synthetic person. Precision is the share of accepted pairs that are true, recall the share of
true pairs accepted, F1 their harmonic mean.

*Families* ("shared families found"): a shared household is one with records in both
extracts. A *family link* is a (welfare case, CWS case) pair joined by at least one accepted
person pair; it is right when both cases belong to the same household. A shared family is
*found* when at least one right link reaches it.

:func:`threshold_table` computes both at every threshold of a grid at once, from the scores
computed once, so a slider can move without re-running the match.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from linkages.matching.extracts import Extracts
from linkages.matching.linkage import STAGE_EXACT, MatchResult

__all__ = ["Scores", "label_pairs", "evaluate", "threshold_table", "DEFAULT_GRID"]

#: Thresholds (match probability) the simulator offers.
DEFAULT_GRID = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99,
                0.995, 0.999, 0.9999)


@dataclass(frozen=True)
class Scores:
    threshold: float
    precision: float
    recall: float
    f1: float
    true_pairs: int
    accepted_pairs: int
    correct_pairs: int
    review_pairs: int
    review_true: int
    families_shared: int
    families_found: int
    families_missed: int
    family_links: int
    wrong_family_links: int
    family_precision: float
    family_recall: float
    family_f1: float
    exact_pairs: int
    exact_wrong: int

    def as_dict(self) -> dict:
        return asdict(self)


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def label_pairs(result: MatchResult, extracts: Extracts) -> pd.DataFrame:
    """The scored pairs with ``is_match`` (same person) and ``same_family`` from the truth."""
    t = extracts.truth
    person = dict(zip(t.record_id, t.person_id))
    hh = dict(zip(t.record_id, t.household_id))
    p = result.pairs.copy()
    p["is_match"] = p.welfare_id.map(person).to_numpy() == p.cws_id.map(person).to_numpy()
    p["welfare_household"] = p.welfare_id.map(hh)
    p["same_family"] = p.welfare_household.to_numpy() == p.cws_id.map(hh).to_numpy()
    return p


def threshold_table(result: MatchResult, extracts: Extracts, grid=DEFAULT_GRID,
                    review_from: float | None = None) -> pd.DataFrame:
    """One row of :class:`Scores` per accept threshold in ``grid`` (the review band runs from
    ``review_from`` up to each threshold)."""
    p = label_pairs(result, extracts)
    r_from = result.review_from if review_from is None else review_from
    exact = (p.stage == STAGE_EXACT).to_numpy()
    score = np.where(exact, np.inf, p.match_probability.to_numpy())
    truth = p.is_match.to_numpy()
    n_true = len(extracts.true_pairs())
    shared = extracts.shared_households
    # family links: best score of each (welfare case, cws case) pair
    links = p.assign(score=score).groupby(["welfare_case", "cws_case"], as_index=False).agg(
        best=("score", "max"), right=("same_family", "first"), hh=("welfare_household", "first"))
    best_per_family = links[links.right & links.hh.isin(shared)].groupby("hh").best.max()
    rows = []
    for th in grid:
        acc = score >= th
        rev = (~acc) & (score >= r_from)
        tp = int((acc & truth).sum())
        n_acc = int(acc.sum())
        prec = tp / n_acc if n_acc else 1.0
        rec = tp / n_true if n_true else 1.0
        lacc = links.best.to_numpy() >= th
        n_links = int(lacc.sum())
        right_links = int((lacc & links.right.to_numpy()).sum())
        found = int((best_per_family >= th).sum())
        fprec = right_links / n_links if n_links else 1.0
        frec = found / len(shared) if shared else 1.0
        rows.append(Scores(
            threshold=float(th), precision=prec, recall=rec, f1=_f1(prec, rec),
            true_pairs=n_true, accepted_pairs=n_acc, correct_pairs=tp,
            review_pairs=int(rev.sum()), review_true=int((rev & truth).sum()),
            families_shared=len(shared), families_found=found, families_missed=len(shared) - found,
            family_links=n_links, wrong_family_links=n_links - right_links,
            family_precision=fprec, family_recall=frec, family_f1=_f1(fprec, frec),
            exact_pairs=int(exact.sum()), exact_wrong=int((exact & ~truth).sum()),
        ).as_dict())
    return pd.DataFrame(rows)


def evaluate(result: MatchResult, extracts: Extracts, accept_from: float | None = None,
             review_from: float | None = None) -> Scores:
    """:class:`Scores` at one accept threshold (the parameter file's, by default)."""
    th = result.accept_from if accept_from is None else accept_from
    row = threshold_table(result, extracts, [th], review_from).iloc[0].to_dict()
    ints = {k for k, v in Scores.__dataclass_fields__.items() if v.type in ("int", int)}
    return Scores(**{k: (int(v) if k in ints else float(v)) for k, v in row.items()})
