"""Drawing the members table: one row per person, with names, sexes, exact birth dates and a
synthetic SSN-like identifier that can never be a real SSN or taxpayer number.

People are in household order, adults first, then children from youngest to oldest. The
matching module builds welfare and child welfare extracts from these columns.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..params import param, value
from .households import Draws
from .names import pool

__all__ = ["MEMBER_COLUMNS", "draw_members", "birth_dates", "synthetic_ssns", "months_old"]

MEMBER_COLUMNS = ["household_id", "person_id", "role", "first_name", "last_name", "sex", "birth_date", "age", "ssn"]


def _anniversary(on: dt.date, years: np.ndarray) -> np.ndarray:
    """``on`` moved back ``years`` whole years (29 February becomes 28 February), as datetime64[D]."""
    month = np.datetime64(on, "M") - 12 * years.astype("timedelta64[M]")
    days_in = ((month + np.timedelta64(1, "M")).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(int)
    return month.astype("datetime64[D]") + np.minimum(on.day - 1, days_in - 1).astype("timedelta64[D]")


def birth_dates(rng: np.random.Generator, ages: np.ndarray, on: dt.date,
                latest: np.ndarray | None = None) -> np.ndarray:
    """A birth date (datetime64[D]) for each age, so the person is exactly that age on ``on``;
    never after ``latest`` where given (a removed child was born before the removal)."""
    ages = np.asarray(ages, dtype=int)
    upper = _anniversary(on, ages)                       # birthday today: exactly `age`
    lower = _anniversary(on, ages + 1) + np.timedelta64(1, "D")
    if latest is not None:
        upper = np.where(np.isnat(latest), upper, np.minimum(upper, latest))
    span = (upper - lower).astype(int) + 1
    return upper - (rng.random(ages.size) * span).astype(int).astype("timedelta64[D]")


def months_old(birth: np.ndarray, on: dt.date) -> np.ndarray:
    """Whole months between each birth date and ``on``."""
    b = np.asarray(birth, dtype="datetime64[D]")
    months = (np.datetime64(on, "M") - b.astype("datetime64[M]")).astype(int)
    day_of_month = (b - b.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    return months - (on.day < day_of_month)


def synthetic_ssns(rng: np.random.Generator, size: int, on: dt.date) -> np.ndarray:
    """``size`` distinct identifiers ``9xx-xx-xxxx`` from the ranges in ``families.synthetic_ssn``
    (never-issued SSN areas, group digits no IRS number uses); an object array of str."""
    p = param("families.synthetic_ssn")
    a0, a1 = int(p.at(on, "area_min")), int(p.at(on, "area_max"))
    s0, s1 = int(p.at(on, "serial_min")), int(p.at(on, "serial_max"))
    groups = np.concatenate([np.arange(lo, hi + 1) for lo, hi in p.at(on, "groups")])
    n_area, n_group, n_serial = a1 - a0 + 1, groups.size, s1 - s0 + 1
    space = n_area * n_group * n_serial
    if size > space:
        raise ValueError(f"Only {space:,} synthetic identifiers exist; {size:,} were asked for.")
    k = rng.choice(space, size=size, replace=False)
    area = a0 + k // (n_group * n_serial)
    group = groups[(k // n_serial) % n_group]
    serial = s0 + k % n_serial
    digits = np.empty((size, 11), dtype=np.uint8)
    for col, (num, width) in zip((0, 4, 7), ((area, 3), (group, 2), (serial, 4))):
        for j in range(width):
            digits[:, col + j] = ord("0") + (num // 10 ** (width - 1 - j)) % 10
    digits[:, 3] = digits[:, 6] = ord("-")
    return digits.view("S11").ravel().astype("U11").astype(object)


def _first_names(rng: np.random.Generator, hidx: np.ndarray, group: np.ndarray, female: np.ndarray,
                 max_rounds: int = 50) -> np.ndarray:
    """A first name per person from their group's list, no two alike in a household: repeats are
    drawn again (a few rounds; the draws stay seeded)."""
    fem, mal = pool("female"), pool("male")
    names = np.concatenate([fem.names, mal.names])
    same = pd.factorize(names)[0]  # one code per spelling, whichever list it is in
    code = np.empty(hidx.size, dtype=np.int64)
    todo = np.arange(hidx.size)
    for _ in range(max_rounds):
        u = rng.random(todo.size)
        g, f = group[todo], female[todo]
        code[todo] = np.where(f, fem.index(g, u), len(fem.names) + mal.index(g, u))
        # the same name twice in a household: keep the first, draw the others again
        _, uniq = np.unique(hidx * len(names) + same[code], return_index=True)
        keep = np.zeros(hidx.size, dtype=bool)
        keep[uniq] = True
        todo = np.flatnonzero(~keep)
        if todo.size == 0:
            break
    return names[code]


def draw_members(rng: np.random.Generator, hh: pd.DataFrame, draws: Draws,
                 on: dt.date) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Everyone in ``hh``: adults first, then children youngest first. Returns the raw arrays the
    vignettes read (first_name, sex, child, age, birth_date) and the members table."""
    item = lambda k: float(param("families.members").at(on, k))  # noqa: E731
    n = len(hh)
    adults = hh["n_adults"].to_numpy()
    kids = hh["n_children"].to_numpy()
    per = adults + kids
    total = int(per.sum())
    first_row = np.cumsum(per) - per
    hidx = np.repeat(np.arange(n), per)
    slot = np.arange(total) - first_row[hidx]
    is_adult = slot < adults[hidx]
    first_adult = slot == 0
    partner = is_adult & (slot == 1)
    child_slot = np.where(is_adult, 0, slot - adults[hidx])
    child = ~is_adult

    # sexes: the first adult mostly a woman; a partner the other sex
    first_female = rng.random(n) < item("first_adult_female_share")
    child_female = rng.random(total) < item("child_female_share")
    female = np.where(first_adult, first_female[hidx], np.where(partner, ~first_female[hidx], child_female))
    sex = np.where(female, "F", "M").astype(object)

    # names: first names from the person's group, last names shared as families do
    group = np.where(partner, draws.partner_group[hidx], draws.name_group[hidx])
    first = _first_names(rng, hidx, group, female)
    u_last = rng.random((total, 2))
    family_last = pool("last").draw(draws.name_group, u_last[first_row, 0])
    partner_own = pool("last").draw(draws.partner_group, u_last[first_row, 1])
    partner_shares = rng.random(n) < item("partner_shares_last_name_share")
    partner_last = np.where(partner_shares, family_last, partner_own)
    other_parent = np.where(adults == 2, partner_last, pool("last").draw(draws.name_group, u_last[first_row, 1]))
    child_other = rng.random(total) < item("child_other_last_name_share")
    last = np.where(first_adult, family_last[hidx],
                    np.where(partner, partner_last[hidx],
                             np.where(child_other, other_parent[hidx], family_last[hidx])))

    # ages and birth dates; removed children (the oldest) were born before the removal
    age = np.where(first_adult, hh["parent_age"].to_numpy()[hidx],
                   np.where(partner, draws.partner_age[hidx], draws.ages[hidx, child_slot]))
    birth = np.where(child, draws.child_birth[hidx, child_slot], birth_dates(rng, age, on))

    ssn = synthetic_ssns(rng, total, on)
    ssn[rng.random(total) < value("families.ssn_missing_share", on)] = None

    hid = hh["household_id"].to_numpy(dtype=object)[hidx]
    pnum = np.array([f"-P{k}" for k in range(1, int(per.max(initial=0)) + 1)], dtype=object)
    people = {"first_name": first, "sex": sex, "child": child, "age": age, "birth_date": birth}
    return people, pd.DataFrame({
        "household_id": hid,
        "person_id": hid + pnum[slot],
        "role": np.where(is_adult, "adult", "child").astype(object),
        "first_name": first,
        "last_name": last,
        "sex": sex,
        "birth_date": birth.astype("datetime64[ns]"),
        "age": age.astype(np.int64),
        "ssn": pd.array(ssn, dtype="str"),
    })
