"""Two synthetic program extracts drawn from the same synthetic families, and who is who.

A county that wants to find the families CalWORKs and Child Welfare Services share starts from
two extracts: one from the welfare eligibility system (CalSAWS; C-IV and CalWIN before it) and
one from the child welfare case management system (CWS/CMS). :func:`make_extracts` builds both
from a synthetic population (``linkages.families``):

* the **welfare extract** lists the members of households in CalWORKs, the **CWS extract** the
  members of households known to child welfare; a shared household appears in both;
* each extract has its own record ids and case ids, in its own order, with its own formats
  (the CWS extract writes names in capitals and SSNs without dashes);
* records differ from the person they describe in the ways real records do, each at a seeded
  rate read from ``params/matching/extract_errors/{welfare,cws}.yaml`` (all labelled
  *assumption*: no source gives the error rates of real extracts): typing errors in names,
  nicknames, last-name changes, day and month of birth swapped, a mistyped day of birth,
  missing dates of birth,
  missing or mistyped SSNs, missing sex, duplicate records and members left off a case;
* two sets of rates: the default extracts (``extract_errors``) and **messier extracts**
  (``extract_errors_messy``: more typing errors, missing SSNs and name changes), where moving the
  match threshold visibly trades precision for recall; choose with ``variant=``;
* ``truth`` keeps, apart from the extracts, which synthetic person (``person_id``) and household
  each record is, so the matching can be scored.

**Mistyped SSNs never collide.** Every SSN the kit makes is in the never-issued 9xx range (no real
person has one). A mistyped SSN keeps the leading 9 and changes one of the other eight digits, and
the generator redraws it until it equals neither an SSN of anyone in the population nor another
mistyped SSN. Two records with the same SSN are therefore always the same person, and the exact
stage of the match (which also requires the dates of birth to agree; see
:mod:`linkages.matching.linkage`) is never wrong on these extracts.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from ..yamlio import safe_load

from linkages.params import value

__all__ = [
    "Extracts",
    "EXTRACT_COLUMNS",
    "ERROR_KINDS",
    "DEFAULT_ON",
    "DEFAULT_HOUSEHOLDS",
    "DEFAULT_SEED",
    "VARIANTS",
    "make_extracts",
    "synthetic_extracts",
    "extracts_of_size",
    "error_rates",
    "nicknames",
    "population",
]

DEFAULT_ON = "2025-01-01"
#: The default extracts (``synthetic_extracts()``): about 3,000 welfare records.
DEFAULT_HOUSEHOLDS = 1_200
DEFAULT_SEED = 2025

#: Columns every extract carries (an uploaded extract must have these too).
EXTRACT_COLUMNS = ("record_id", "case_id", "first_name", "last_name", "sex", "birth_date", "ssn")

#: The sets of error rates an extract can be drawn with: variant -> (parameter folder, label).
VARIANTS = {
    "default": ("matching.extract_errors", "the default extracts"),
    "messy": ("matching.extract_errors_messy", "messier extracts (more typos, missing SSNs and name changes)"),
}

ERROR_KINDS = (
    "first_name_typo", "last_name_typo", "nickname", "last_name_change", "dob_day_month_swap",
    "dob_typo", "dob_missing", "ssn_missing", "ssn_typo", "sex_missing", "duplicate_record",
    "member_not_recorded",
)

SOURCES = {
    "welfare": {"flag": "in_calworks", "record": "CS", "case": "CSC", "label": "welfare (CalWORKs)"},
    "cws": {"flag": "in_cws", "record": "CMS", "case": "REF", "label": "child welfare (CWS)"},
}


@lru_cache(maxsize=1)
def nicknames() -> dict[str, tuple[str, ...]]:
    """Canonical given name -> the variants a worker may write instead (``nicknames.yaml``)."""
    raw = safe_load((Path(__file__).parent / "nicknames.yaml").read_text(encoding="utf-8"))
    return {k: tuple(v) for k, v in raw.items()}


def error_rates(source: str, on=DEFAULT_ON, variant: str = "default") -> dict[str, float]:
    """The error rates of one extract (``welfare`` or ``cws``) on a date, from the parameters
    (``variant``: ``default`` or ``messy``, see :data:`VARIANTS`)."""
    if variant not in VARIANTS:
        raise ValueError(f"Choose the extracts as one of {', '.join(VARIANTS)}, not '{variant}'.")
    return {k: float(value(f"{VARIANTS[variant][0]}.{source}", on, k)) for k in ERROR_KINDS}


@dataclass
class Extracts:
    """The two extracts, the truth about them, and how they were made."""

    welfare: pd.DataFrame
    cws: pd.DataFrame
    truth: pd.DataFrame  # source, record_id, person_id, household_id
    seed: int
    rates: dict = field(default_factory=dict)
    households: pd.DataFrame | None = None
    variant: str = "default"

    @property
    def shared_households(self) -> set[str]:
        """Households with at least one record in each extract."""
        t = self.truth
        return set(t.loc[t.source == "welfare", "household_id"]) & set(
            t.loc[t.source == "cws", "household_id"]
        )

    def true_pairs(self) -> pd.DataFrame:
        """Every (welfare record, CWS record) pair that is the same person."""
        t = self.truth
        w = t.loc[t.source == "welfare", ["record_id", "person_id"]]
        c = t.loc[t.source == "cws", ["record_id", "person_id"]]
        return w.merge(c, on="person_id", suffixes=("_welfare", "_cws")).rename(
            columns={"record_id_welfare": "welfare_id", "record_id_cws": "cws_id"}
        )[["welfare_id", "cws_id", "person_id"]]

    def summary(self) -> dict:
        return {
            "welfare_records": len(self.welfare),
            "cws_records": len(self.cws),
            "shared_households": len(self.shared_households),
            "shared_people_pairs": len(self.true_pairs()),
        }


# -- the synthetic population ---------------------------------------------------------------
def population(n_households: int, seed: int):
    """The synthetic population from :func:`linkages.families.generate`."""
    from linkages.families import generate

    return generate(n_households, seed)


# -- differences between a record and the person ---------------------------------------------
_LETTERS = string.ascii_lowercase


def _typo(name: str, rng: np.random.Generator) -> str:
    """One keying error: substitute, drop, double or swap a letter (not the first letter)."""
    if not isinstance(name, str) or len(name) < 3:
        return name
    i = int(rng.integers(1, len(name)))
    kind = int(rng.integers(4))
    low = name[i].islower()
    new = _LETTERS[int(rng.integers(26))]
    new = new if low else new.upper()
    if kind == 0 and new != name[i]:
        return name[:i] + new + name[i + 1:]
    if kind == 1 and len(name) > 3:
        return name[:i] + name[i + 1:]
    if kind == 2:
        return name[:i] + name[i] + name[i:]
    if i < len(name) - 1 and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name[:i] + ("x" if name[i] != "x" else "z") + name[i + 1:]


def _ssn_digits(s) -> str | None:
    if not isinstance(s, str):
        return None
    d = "".join(ch for ch in s if ch.isdigit())
    return d if len(d) == 9 else None


def _fmt_ssn(d: str) -> str:
    return f"{d[:3]}-{d[3:5]}-{d[5:]}"


def _mistype_ssns(ssns: list[str], taken: set[str], rng: np.random.Generator) -> list[str]:
    """Change one digit of each SSN (never the leading 9); never produce an SSN in ``taken``.

    ``taken`` holds every SSN of the population and grows with each mistyped one, so a mistyped
    SSN can never equal a real (synthetic) person's SSN or another mistyped SSN.
    """
    out = []
    for s in ssns:
        d = _ssn_digits(s)
        if d is None:
            out.append(s)
            continue
        for _ in range(100):
            pos = int(rng.integers(1, 9))
            digit = str(int(rng.integers(10)))
            if digit == d[pos]:
                continue
            cand = d[:pos] + digit + d[pos + 1:]
            if cand not in taken:
                taken.add(cand)
                out.append(_fmt_ssn(cand))
                break
        else:  # practically unreachable: leave the SSN out rather than risk a collision
            out.append(None)
    return out


def _one_extract(members: pd.DataFrame, source: str, rates: dict, rng: np.random.Generator,
                 ssn_taken: set[str], surnames: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = members.copy()
    # members a worker never entered (a household keeps at least one record)
    drop = rng.random(len(m)) < rates["member_not_recorded"]
    keep_any = pd.Series(~drop, index=m.index).groupby(m.household_id).transform("any")
    first_of_hh = ~m.household_id.duplicated()
    m = m[~drop | (~keep_any & first_of_hh)]
    # duplicate records: the same person entered twice, each copy with its own differences
    dup = m[rng.random(len(m)) < rates["duplicate_record"]]
    m = pd.concat([m, dup], ignore_index=True)
    n = len(m)

    def draw(kind):
        return rng.random(n) < rates[kind]

    first = m.first_name.astype(object).to_numpy().copy()
    last = m.last_name.astype(object).to_numpy().copy()
    # nicknames first (where the list knows the name), then keying errors
    nick = draw("nickname")
    table = nicknames()
    for i in np.flatnonzero(nick):
        variants = table.get(first[i])
        if variants:
            first[i] = variants[int(rng.integers(len(variants)))]
    for i in np.flatnonzero(draw("first_name_typo")):
        first[i] = _typo(first[i], rng)
    change = draw("last_name_change") & (m.role.to_numpy() == "adult")
    for i in np.flatnonzero(change):
        new = surnames[int(rng.integers(len(surnames)))]
        last[i] = new if new != last[i] else surnames[(int(rng.integers(len(surnames))))]
    for i in np.flatnonzero(draw("last_name_typo")):
        last[i] = _typo(last[i], rng)

    dob = pd.to_datetime(m.birth_date).dt.normalize()
    swap = draw("dob_day_month_swap") & (dob.dt.day <= 12).to_numpy() & (dob.dt.day != dob.dt.month).to_numpy()
    if swap.any():
        s = dob[swap]
        dob.loc[swap] = pd.to_datetime(
            pd.DataFrame({"year": s.dt.year, "month": s.dt.day, "day": s.dt.month})
        )
    # a keying error in the day of birth (another valid day of the same month)
    dtypo = draw("dob_typo")
    if dtypo.any():
        shift = rng.choice([-10, -1, 1, 10], size=int(dtypo.sum()))
        s = dob[dtypo]
        new = s + pd.to_timedelta(shift, unit="D")
        dob.loc[dtypo] = new.where(new.dt.month == s.dt.month, s - pd.to_timedelta(shift, unit="D"))
    dob = dob.mask(draw("dob_missing"))

    ssn = m.ssn.astype(object).where(m.ssn.notna(), None).to_numpy().copy()
    typo = draw("ssn_typo") & pd.notna(ssn)
    ssn[typo] = _mistype_ssns(list(ssn[typo]), ssn_taken, rng)
    ssn[draw("ssn_missing")] = None
    sex = m.sex.astype(object).to_numpy().copy()
    sex[draw("sex_missing")] = None

    spec = SOURCES[source]
    # shuffle so record order says nothing about who is who; ids follow the shuffled order
    order = rng.permutation(n)
    hh_ids = m.household_id.to_numpy()[order]
    uniq = pd.unique(hh_ids)
    case_no = dict(zip(uniq, rng.permutation(len(uniq))))
    out = pd.DataFrame({
        "record_id": [f"{spec['record']}-{i:08d}" for i in range(n)],
        "case_id": [f"{spec['case']}-{case_no[h]:07d}" for h in hh_ids],
        "first_name": first[order],
        "last_name": last[order],
        "sex": sex[order],
        "birth_date": dob.to_numpy()[order],
        "ssn": ssn[order],
        "role": m.role.to_numpy()[order],
    })
    if source == "cws":  # CWS/CMS-like formats: capitals, SSN without dashes
        out["first_name"] = out.first_name.str.upper()
        out["last_name"] = out.last_name.str.upper()
        out["ssn"] = out.ssn.str.replace("-", "", regex=False)
        out["role"] = out.role.map({"adult": "parent/caretaker", "child": "child"})
    else:
        out["role"] = out.role.map({"adult": "aided adult", "child": "aided child"})
    for c in ("record_id", "case_id", "first_name", "last_name", "sex", "ssn", "role"):
        out[c] = out[c].astype("string")
    out["birth_date"] = pd.to_datetime(out.birth_date)
    truth = pd.DataFrame({
        "source": source,
        "record_id": out.record_id,
        "person_id": m.person_id.to_numpy()[order],
        "household_id": hh_ids,
    })
    return out, truth


def make_extracts(pop, seed: int = 0, on=DEFAULT_ON, variant: str = "default") -> Extracts:
    """The welfare and CWS extracts of a synthetic population (``members``, ``households``),
    with the error rates of ``variant`` (``default`` or ``messy``).

    Deterministic: the same population, seed and variant give the same extracts, byte for byte.
    """
    members, households = pop.members, pop.households
    ss = np.random.SeedSequence(seed)
    rng_w, rng_c = (np.random.default_rng(s) for s in ss.spawn(2))
    taken = {d for d in (_ssn_digits(s) for s in members.ssn.dropna()) if d}
    surnames = np.sort(members.last_name.dropna().unique().astype(str))
    parts, truths, rates = {}, [], {}
    for source, rng in (("welfare", rng_w), ("cws", rng_c)):
        flag = SOURCES[source]["flag"]
        ids = set(households.loc[households[flag].astype(bool), "household_id"])
        mem = members[members.household_id.isin(ids)].reset_index(drop=True)
        rates[source] = error_rates(source, on, variant)
        parts[source], t = _one_extract(mem, source, rates[source], rng, taken, surnames)
        truths.append(t)
    truth = pd.concat(truths, ignore_index=True)
    for c in truth.columns:
        truth[c] = truth[c].astype("string")
    return Extracts(parts["welfare"], parts["cws"], truth, seed, rates, households, variant)


def synthetic_extracts(n_households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED, on=DEFAULT_ON,
                       variant: str = "default") -> Extracts:
    """Generate a synthetic population of ``n_households`` and its two extracts (``variant``:
    ``default``, or ``messy`` for the messier extracts)."""
    return make_extracts(population(n_households, seed), seed=seed, on=on, variant=variant)


def _trim(ex: Extracts, n: int, seed: int) -> Extracts:
    """Keep ``n`` records a side: shared households first, then single-program ones, whole
    households in a seeded random order (the last one may be cut short)."""
    rng = np.random.default_rng(seed)
    t = ex.truth
    shared = ex.shared_households
    keep = {}
    for source in ("welfare", "cws"):
        ts = t[t.source == source]
        hh = pd.unique(ts.household_id)
        hh = hh[rng.permutation(len(hh))]
        order = {h: (0 if h in shared else 1) * len(hh) + i for i, h in enumerate(hh)}
        ranked = ts.assign(_k=ts.household_id.map(order).astype(int)).sort_values("_k", kind="stable")
        keep[source] = set(ranked.record_id.head(n))
    t2 = t[t.record_id.isin(keep["welfare"] | keep["cws"])].reset_index(drop=True)
    w = ex.welfare[ex.welfare.record_id.isin(keep["welfare"])].reset_index(drop=True)
    c = ex.cws[ex.cws.record_id.isin(keep["cws"])].reset_index(drop=True)
    return Extracts(w, c, t2, ex.seed, ex.rates, ex.households, ex.variant)


def extracts_of_size(n_records: int, seed: int = 0, on=DEFAULT_ON) -> Extracts:
    """Extracts of ``n_records`` records each (the benchmark's 2 x 100,000): a population large
    enough for the smaller extract, trimmed household by household."""
    pilot = synthetic_extracts(1_000, seed=seed, on=on)
    per_hh = min(len(pilot.welfare), len(pilot.cws)) / 1_000
    n_households = int(np.ceil(1.05 * n_records / max(per_hh, 1e-9))) + 50
    ex = synthetic_extracts(n_households, seed=seed, on=on)
    return _trim(ex, n_records, seed)
