"""A stand-in for ``linkages.families.generate`` while that module is being written.

Same columns as the contract (members: household_id, person_id, role, first_name, last_name,
sex, birth_date, age, ssn; households: household_id, county, region, in_calworks, in_cws,
shared, ...). Removed once the real generator lands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

FEMALE = ("Maria Jennifer Jessica Ashley Sarah Elizabeth Guadalupe Jasmine Stephanie Michelle "
          "Vanessa Andrea Daniela Emily Sofia Isabella Olivia Emma Mia Camila Valeria Ximena "
          "Katherine Rebecca Patricia Veronica Alejandra Yesenia Brianna Destiny Aaliyah Nevaeh "
          "Hannah Abigail Samantha Victoria Natalie Leslie Kimberly Angela Christina Monica "
          "Rosa Ana Lucia Gabriela Mariana Linh Mai Jia Priya Fatima Aisha Keisha Tiana").split()
MALE = ("Jose Juan Luis Carlos Jesus Francisco Miguel Antonio Alejandro Daniel David Michael "
        "Christopher Matthew Joshua Anthony Andrew James Robert William Joseph Richard Thomas "
        "Jacob Ethan Noah Liam Mateo Santiago Sebastian Diego Angel Adrian Gabriel Benjamin "
        "Samuel Nicholas Jonathan Kevin Brandon Eduardo Ricardo Manuel Rafael Fernando Pedro "
        "Minh Tuan Wei Arjun Mohammed Omar DeShawn Jamal Tyrone Marcus").split()
LAST = ("Garcia Hernandez Lopez Martinez Rodriguez Gonzalez Perez Sanchez Ramirez Torres Flores "
        "Rivera Gomez Diaz Cruz Morales Reyes Gutierrez Ortiz Chavez Ramos Ruiz Alvarez Mendoza "
        "Castillo Jimenez Vasquez Romero Herrera Medina Aguilar Vargas Guzman Salazar Munoz "
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
        "Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
        "Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips "
        "Evans Turner Parker Collins Edwards Stewart Nguyen Tran Le Pham Huynh Vo Chen Wang Li "
        "Zhang Liu Kim Park Patel Singh Khan Ali Yang Vang Xiong Thao Lor Her Moua Washington "
        "Jefferson Freeman Brooks Bryant Coleman Hayes Jenkins Simmons Foster Butler Barnes").split()


@dataclass
class Population:
    members: pd.DataFrame
    households: pd.DataFrame
    seed: int


def generate(n_households: int, seed: int = 0, on: str = "2025-01-01") -> Population:
    rng = np.random.default_rng(seed)
    ref = dt.date.fromisoformat(on)
    from linkages.params import value

    counties = value("calworks.counties", on)
    region1 = set(value("calworks.region1_counties", on))
    hid = np.array([f"H{i:07d}" for i in range(n_households)])
    kind = rng.choice(3, size=n_households, p=[0.55, 0.30, 0.15])  # calworks only, cws only, both
    county = rng.choice(counties, size=n_households)
    hh = pd.DataFrame({
        "household_id": hid,
        "county": county,
        "region": [1 if c in region1 else 2 for c in county],
        "in_calworks": kind != 1,
        "in_cws": kind != 0,
    })
    hh["shared"] = hh.in_calworks & hh.in_cws
    hh["cw_component"] = np.where(hh.in_cws, rng.choice(["ER", "FM", "FR"], n_households), None)
    hh["work_status"] = np.where(hh.in_calworks, "participating", None)

    n_adults = rng.choice([1, 2], size=n_households, p=[0.65, 0.35])
    n_kids = rng.choice([1, 2, 3, 4], size=n_households, p=[0.35, 0.35, 0.2, 0.1])
    rows = []
    family = rng.choice(LAST, size=n_households)
    pid = 0
    for i in range(n_households):
        ages_a = rng.integers(19, 50, size=n_adults[i])
        for j in range(n_adults[i]):
            sex = "F" if j == 0 and rng.random() < 0.85 else ("M" if j == 0 else ("M" if rows[-1][5] == "F" else "F"))
            last = family[i] if (j == 0 or rng.random() < 0.6) else rng.choice(LAST)
            rows.append((hid[i], pid, "adult", rng.choice(FEMALE if sex == "F" else MALE), last, sex, int(ages_a[j])))
            pid += 1
        for _ in range(n_kids[i]):
            sex = rng.choice(["F", "M"])
            rows.append((hid[i], pid, "child", rng.choice(FEMALE if sex == "F" else MALE), family[i], sex,
                         int(rng.integers(0, min(18, ages_a[0] - 15)))))
            pid += 1
    m = pd.DataFrame(rows, columns=["household_id", "person_id", "role", "first_name", "last_name", "sex", "age"])
    days = rng.integers(0, 365, size=len(m))
    m["birth_date"] = [ref - dt.timedelta(days=int(a * 365.25 + d)) for a, d in zip(m.age, days)]
    m["person_id"] = [f"P{p:08d}" for p in m.person_id]
    nums = rng.choice(99_999_999, size=len(m), replace=False)
    ssn = [f"9{n // 1_000_000:02d}-{(n // 10_000) % 100:02d}-{n % 10_000:04d}" for n in nums]
    m["ssn"] = pd.Series(ssn, dtype="string").mask(rng.random(len(m)) < 0.05)
    return Population(members=m, households=hh, seed=seed)
