"""Generate the bundled sample data of the model study, reproducibly, from one seed.

Run ``python sample_data/generate.py`` to rewrite everything in this folder:

- ``returns/``: the clean field returns, one workbook per village, 62 respondents, each
  with the members of their household on the roster sheet;
- ``truth.csv`` and ``truth_members.csv``: the datasets (respondents, household members) a
  perfect validator makes of those returns;
- ``returns_messy/``: a few returns with the defects field teams really send, and
  ``defects.csv`` listing each one with the verdict validation should give;
- ``README.md``: what all of this is.

The data are synthetic. They are simulated with a programme effect between the 2020 and
2022 waves, a village random effect on the change (so that clustering is real), Likert
items with a four-factor structure tied to the growth of family income, and a little
non-response on optional questions. The household members are simulated afterwards from
a random stream of their own, so that the respondents' answers do not depend on them.
Workbooks are built with :func:`villagesurvey.build_workbook` and filled as an enumerator
using the drop-downs would fill them.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

import villagesurvey
from villagesurvey.instrument import Column, Instrument, roster_instrument
from villagesurvey.workbook import FIRST_DATA_ROW, META_SHEET
from villagesurvey.workbook._points import sheet_columns

__all__ = ["SEED", "generate"]

SEED = 20221101
HERE = Path(__file__).resolve().parent
INSTRUMENT = HERE.parent / "instruments" / "village_ecommerce.yaml"
FIXED_TIME = dt.datetime(2022, 9, 1, 9, 0, 0)  # workbook properties and zip entry times

# Respondents per village, and the workbook language each village's team used.
VILLAGE_SIZES = {
    "V01": 6, "V02": 5, "V03": 6, "V04": 6, "V05": 6, "V06": 5,
    "V07": 6, "V08": 6, "V09": 5, "V10": 6, "V11": 5,
}  # fmt: skip
ENGLISH_VILLAGES = {"V05", "V09", "V10"}
ENUMERATORS = {
    "李娜": ("V01", "V02", "V03"),
    "王强": ("V04", "V06", "V07"),
    "陈静": ("V08", "V11"),
    "Zhou Min": ("V05", "V09", "V10"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂兰玉珍红霞建国春梅海燕志文德福"
MONEY_COLUMNS = (
    "family_income", "income_farming", "income_wages", "income_ecommerce",
    "income_transfers", "household_spending", "spending_food", "spending_education",
    "spending_health",
)  # fmt: skip
INCOME_PARTS = ("income_farming", "income_wages", "income_ecommerce", "income_transfers")
SPENDING_PARTS = ("spending_food", "spending_education", "spending_health")
SCALE_ITEMS = {
    "cbec": ("cbec_1", "cbec_2", "cbec_3", "cbec_4"),
    "online_services": ("online_services_1", "online_services_2", "online_services_3"),
    "customer_service": ("customer_service_1", "customer_service_2", "customer_service_3"),
    "rural_ecommerce": (
        "rural_ecommerce_1", "rural_ecommerce_2", "rural_ecommerce_3", "rural_ecommerce_4",
    ),
}  # fmt: skip
REVERSED_ITEMS = {"rural_ecommerce_4"}
LOADINGS = {  # of each item on its factor; the reverse-worded item is the weak one
    "cbec": (0.82, 0.78, 0.74, 0.80),
    "online_services": (0.84, 0.80, 0.75),
    "customer_service": (0.79, 0.83, 0.73),
    "rural_ecommerce": (0.80, 0.85, 0.77, 0.52),
}
FACTOR_CORRELATIONS = np.array(  # cbec, online services, customer service, rural e-commerce
    [
        [1.00, 0.45, 0.35, 0.55],
        [0.45, 1.00, 0.50, 0.40],
        [0.35, 0.50, 1.00, 0.35],
        [0.55, 0.40, 0.35, 1.00],
    ]
)
GROWTH_CORRELATIONS = np.array([0.65, 0.25, 0.20, 0.40])  # of each factor with income growth
SKILL_VILLAGE_SD = 0.65  # village random effect on the 2020-2022 change in skill count
GROWTH_VILLAGE_SD = 0.04  # village random effect on income growth (log scale)
LIKERT_CUTS = np.array([-1.75, -1.0, -0.25, 0.85])  # about 4%, 12%, 24%, 40%, 20%

Person = dict[str, Any]
"""One respondent: column code -> value as the truth holds it (choice codes, dates, None)."""
Households = dict[tuple[str, str], list[Person]]
"""The members of each household, keyed by village and household number."""


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------


def _standardised(rng: np.random.Generator, n: int, sd: float) -> np.ndarray:
    """``n`` normal draws centred and scaled to exactly ``sd``: effects as designed."""
    draws = rng.normal(size=n)
    return (draws - draws.mean()) / draws.std() * sd


def _households(rng: np.random.Generator, village: str, n: int, numbers: range) -> list[Person]:
    """Split a village's respondents into households of 1-3 and give each person its key."""
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(min(int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.20])), n - sum(sizes)))
    picked = sorted(rng.choice(numbers, size=len(sizes), replace=False))
    people = []
    for number, size in zip(picked, sizes, strict=True):
        household_size = int(rng.integers(max(size, 2), 8, endpoint=True))
        for person in range(1, size + 1):
            people.append(
                {
                    "village_id": village,
                    "household_id": f"H{number:03d}",
                    "person_id": str(person),
                    "household_size": household_size,
                }
            )
    return people


def _fake_name(rng: np.random.Generator) -> str:
    length = int(rng.choice([1, 2], p=[0.3, 0.7]))
    return str(rng.choice(list(SURNAMES))) + "".join(rng.choice(list(GIVEN), size=length))


def _interview_dates(rng: np.random.Generator, villages: Iterable[str]) -> dict[str, dt.date]:
    """Each enumerator visits their villages one after another in July and August 2022."""
    first_day = {}
    for visited in ENUMERATORS.values():
        day = dt.date(2022, 7, 4) + dt.timedelta(days=int(rng.integers(0, 10)))
        for village in visited:
            first_day[village] = day
            day += dt.timedelta(days=int(rng.integers(8, 16)))
    return {v: first_day[v] for v in villages}


def _enumerator(village: str) -> str:
    return next(name for name, villages in ENUMERATORS.items() if village in villages)


def _identification(rng: np.random.Generator, people: list[Person]) -> None:
    dates = _interview_dates(rng, {p["village_id"] for p in people})
    for p in people:
        p["enumerator"] = _enumerator(p["village_id"])
        day = dates[p["village_id"]] + dt.timedelta(days=int(rng.integers(0, 2)))
        p["interview_date"] = day
        p["respondent_name"] = _fake_name(rng)
        p["phone"] = "100" + "".join(str(d) for d in rng.integers(0, 10, size=8))


def _education(rng: np.random.Generator, age: int) -> int:
    """Highest schooling, mostly junior secondary; the young went to school for longer."""
    young = min(max(0.0, (55 - age) / 35), 1.0)
    weights = np.array([0.10 - 0.08 * young, 0.30 - 0.15 * young, 0.42, 0.12 + 0.13 * young,
                        0.06 + 0.10 * young])  # fmt: skip
    return int(rng.choice([1, 2, 3, 4, 5], p=weights / weights.sum()))


def _marital_status(rng: np.random.Generator, age: int) -> int:
    if age < 25:
        return int(rng.choice([1, 2], p=[0.7, 0.3]))
    if age > 55:
        return int(rng.choice([1, 2, 3, 4], p=[0.03, 0.80, 0.04, 0.13]))
    return int(rng.choice([1, 2, 3, 4], p=[0.06, 0.88, 0.05, 0.01]))


def _demographics(rng: np.random.Generator, people: list[Person]) -> None:
    """Age, gender, marriage and schooling.

    Person 1 of a household is its head, person 2 the head's spouse, person 3 a grown child
    or a parent of the head.
    """
    couples = {(p["village_id"], p["household_id"]) for p in people if p["person_id"] == "2"}
    head: Person = {}
    for p in people:
        if p["person_id"] == "1":
            head = p
            age = int(np.clip(rng.normal(45, 11), 22, 68))
            gender = int(rng.choice([1, 2], p=[0.7, 0.3]))
        elif p["person_id"] == "2":
            age = head["age"] + int(rng.integers(-4, 5))
            gender = 3 - head["gender"]
        else:
            age = head["age"] + int(rng.choice([-24, 24])) + int(rng.integers(-3, 4))
            gender = int(rng.integers(1, 3))
        p["age"] = age = int(np.clip(age, 18, 70))
        p["gender"] = gender
        p["education"] = _education(rng, age)
        married = (p["village_id"], p["household_id"]) in couples and p["person_id"] != "3"
        p["marital_status"] = 2 if married else _marital_status(rng, age)


def _participation(
    rng: np.random.Generator, people: list[Person], uptake: np.ndarray, village_index: np.ndarray
) -> np.ndarray:
    """Choose about 15% e-commerce participants in 2020 and 60% in 2022 (2020 ones stay)."""
    n = len(people)
    aptitude = np.array([(40 - p["age"]) / 15 + (p["education"] - 3) / 2 for p in people])
    propensity = aptitude + uptake[village_index] + rng.normal(0, 0.8, size=n)
    in_2022 = np.zeros(n, dtype=bool)
    in_2022[np.argsort(-propensity)[: round(0.60 * n)]] = True
    early = propensity + rng.normal(0, 0.5, size=n) - np.where(in_2022, 0, 99)
    in_2020 = np.zeros(n, dtype=bool)
    in_2020[np.argsort(-early)[: round(0.15 * n)]] = True
    for p, before, after in zip(people, in_2020, in_2022, strict=True):
        p["ecom_participation_2020"] = int(before)
        p["ecom_participation_2022"] = int(after)
    return aptitude


def _rating(value: float) -> int:
    return int(np.clip(round(value), 1, 5))


def _skills(
    rng: np.random.Generator,
    people: list[Person],
    aptitude: np.ndarray,
    village_change: np.ndarray,
    village_index: np.ndarray,
) -> None:
    """Skill counts and self-ratings: digital and e-commerce skills rise most by 2022."""
    noise = _standardised(rng, len(people), 1.2)  # the individual part of the change
    for i, p in enumerate(people):
        joined, early = p["ecom_participation_2022"], p["ecom_participation_2020"]
        before = int(np.clip(round(2.6 + 0.5 * (p["education"] - 3) + rng.normal(0, 1.3)), 0, 9))
        change = 0.75 + 0.6 * joined + village_change[village_index[i]] + noise[i]
        p["skill_count_2020"] = before
        p["skill_count_2022"] = int(np.clip(before + round(change), 0, 10))
        farming = _rating(3.4 + (p["age"] - 40) / 25 + rng.normal(0, 0.7))
        digital = _rating(2.0 + 0.5 * aptitude[i] + 0.5 * early + rng.normal(0, 0.6))
        selling = _rating(1.3 + 1.2 * early + rng.normal(0, 0.5))
        logistics = _rating(1.9 + 0.6 * early + rng.normal(0, 0.6))
        p["skill_farming_2020"] = farming
        p["skill_farming_2022"] = _rating(farming + rng.normal(0.1, 0.4))
        p["skill_digital_2020"] = digital
        p["skill_digital_2022"] = _rating(digital + 0.3 + 0.6 * joined + rng.normal(0, 0.7))
        p["skill_ecommerce_2020"] = selling
        p["skill_ecommerce_2022"] = _rating(selling + 0.2 + 1.0 * joined + rng.normal(0, 0.7))
        p["skill_logistics_2020"] = logistics
        p["skill_logistics_2022"] = _rating(logistics + 0.2 + 0.6 * joined + rng.normal(0, 0.5))
        p["training_days_2020"] = int(rng.poisson(2.0)) if rng.random() < 0.35 else 0
        p["training_days_2022"] = int(min(rng.poisson(12 if joined else 3), 45))


def _ecommerce(rng: np.random.Generator, people: list[Person]) -> None:
    """Start year, platforms and role of the 2022 participants; blank for everyone else."""
    platforms = ["alibaba", "amazon", "aliexpress", "tiktok_shop", "temu", "shein", "other"]
    weights = np.array([0.30, 0.15, 0.20, 0.30, 0.20, 0.10, 0.05])
    for p in people:
        if not p["ecom_participation_2022"]:
            p.update(ecom_start_year=None, ecom_platforms=None, ecom_role=None)
            continue
        early = p["ecom_participation_2020"]
        p["ecom_start_year"] = int(rng.integers(2016, 2021) if early else rng.integers(2021, 2023))
        count = int(rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15]))
        chosen = set(rng.choice(platforms, size=count, replace=False, p=weights / weights.sum()))
        p["ecom_platforms"] = " ".join(code for code in platforms if code in chosen)
        p["ecom_role"] = int(rng.choice([1, 2, 3, 4, 5], p=[0.30, 0.20, 0.30, 0.15, 0.05]))


def _round_money(value: float) -> int:
    """People report round figures: to the thousand yuan above 20,000, else to the hundred."""
    step = 1000 if value >= 20000 else 100
    return int(round(value / step) * step)


def _floor100(value: float) -> int:
    return int(value // 100 * 100)


def _income_wave(rng: np.random.Generator, p: Person, wave: int, total: int) -> None:
    """Split a total income into sources that sum to no more than it (the rest is 'other')."""
    weights = {"income_farming": 3.0, "income_wages": 4.0, "income_transfers": 1.2, "other": 0.8}
    if p[f"ecom_participation_{wave}"]:
        weights["income_ecommerce"] = 4.0 if wave == 2022 else 2.5
    shares = dict(zip(weights, rng.dirichlet(list(weights.values())), strict=True))
    for source in INCOME_PARTS:
        share = shares.get(source)
        p[f"{source}_{wave}"] = None if share is None else _floor100(share * total)


def _spending_wave(rng: np.random.Generator, p: Person, wave: int, income: int) -> None:
    """Spending of 60-80% of income; food, schooling and health within it."""
    total = _round_money(income * rng.uniform(0.60, 0.80))
    p[f"household_spending_{wave}"] = total
    p[f"spending_food_{wave}"] = _floor100(total * rng.uniform(0.30, 0.45))
    schooling = rng.uniform(0.05, 0.20) if rng.random() < 0.65 else 0.0
    p[f"spending_education_{wave}"] = _floor100(total * schooling)
    p[f"spending_health_{wave}"] = _floor100(total * rng.uniform(0.04, 0.15))


def _money(
    rng: np.random.Generator,
    people: list[Person],
    village_level: np.ndarray,
    village_growth: np.ndarray,
    village_index: np.ndarray,
) -> None:
    """Log-normal 2020 income (median about 45,000 yuan), nominal growth of 20-30% to 2022."""
    household_effect: dict[tuple[str, str], float] = {}
    noise = _standardised(rng, len(people), 0.12)  # the individual part of growth
    for i, p in enumerate(people):
        key = (p["village_id"], p["household_id"])
        shared = household_effect.setdefault(key, float(rng.normal(0, 0.35)))
        log_income = (
            np.log(45000)
            + village_level[village_index[i]]
            + shared
            + 0.08 * (p["education"] - 3)
            + rng.normal(0, 0.10)
        )
        growth = (
            0.10
            + 0.16 * p["ecom_participation_2022"]
            + 0.05 * p["ecom_participation_2020"]
            + village_growth[village_index[i]]
            + noise[i]
        )
        before = _round_money(np.exp(log_income))
        after = _round_money(before * np.exp(growth))
        for wave, total in ((2020, before), (2022, after)):
            p[f"family_income_{wave}"] = total
            _income_wave(rng, p, wave, total)
            _spending_wave(rng, p, wave, total)


def _likert(rng: np.random.Generator, people: list[Person]) -> None:
    """Four correlated factors, each correlated with the growth of family income (cbec the
    most), items loading 0.52-0.85 on their factor, cut into five ordered answers."""
    n = len(people)
    growth = np.log([p["family_income_2022"] / p["family_income_2020"] for p in people])
    growth = (growth - growth.mean()) / growth.std()
    rest = FACTOR_CORRELATIONS - np.outer(GROWTH_CORRELATIONS, GROWTH_CORRELATIONS)
    factors = np.outer(growth, GROWTH_CORRELATIONS)
    factors += rng.normal(size=(n, 4)) @ np.linalg.cholesky(rest).T
    for f, (scale, items) in enumerate(SCALE_ITEMS.items()):
        for item, loading in zip(items, LOADINGS[scale], strict=True):
            sign = -1.0 if item in REVERSED_ITEMS else 1.0
            latent = sign * loading * factors[:, f] + np.sqrt(1 - loading**2) * rng.normal(size=n)
            answers = 1 + np.searchsorted(LIKERT_CUTS, sign * latent)
            for p, answer in zip(people, answers, strict=True):
                p[item] = int(6 - answer if sign < 0 else answer)


def simulate(rng: np.random.Generator, villages: dict[str, int], households: range) -> list[Person]:
    """Simulate the respondents of some villages.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness.
    villages : dict of str to int
        Respondents per village code.
    households : range
        The household numbers to sample from (the village's household register).

    Returns
    -------
    list of dict
        One dict per respondent, column code -> value, choices as codes; every skip rule,
        hard limit and soft limit of the instrument holds.
    """
    people = [p for v, n in villages.items() for p in _households(rng, v, n, households)]
    codes = list(villages)
    village_index = np.array([codes.index(p["village_id"]) for p in people])
    k = len(codes)
    level = _standardised(rng, k, 0.25)
    skill_change = _standardised(rng, k, SKILL_VILLAGE_SD)
    growth = _standardised(rng, k, GROWTH_VILLAGE_SD)
    uptake = _standardised(rng, k, 0.5) + 0.2 * growth / GROWTH_VILLAGE_SD  # grew with uptake
    _identification(rng, people)
    _demographics(rng, people)
    aptitude = _participation(rng, people, uptake, village_index)
    _skills(rng, people, aptitude, skill_change, village_index)
    _ecommerce(rng, people)
    _money(rng, people, level, growth, village_index)
    _likert(rng, people)
    return people


def _field_realities(rng: np.random.Generator, people: list[Person]) -> None:
    """What real data has: two values outside a soft limit, and some item non-response."""
    youngest = min(people, key=lambda p: p["age"])
    youngest.update(age=17, marital_status=1, education=3)  # soft_min is 18
    trainee = max(people, key=lambda p: p["training_days_2022"])
    trainee["training_days_2022"] = 75  # soft_max is 60: an intensive live-streaming course
    order = rng.permutation(len(people))
    for i in order[:4]:
        people[i][f"spending_health_{rng.choice([2020, 2022])}"] = None
    for i in order[4:7]:
        people[i][f"income_transfers_{rng.choice([2020, 2022])}"] = None
    for i in order[7:9]:
        people[i]["household_spending_2020"] = None


# ---------------------------------------------------------------------------
# Visits: start and end times, GPS points
# ---------------------------------------------------------------------------

VISIT_STREAM = 2
"""Start and end times and GPS points come from ``default_rng([seed, VISIT_STREAM])``, a
stream of their own, so that adding them left every other answer as it was."""
VILLAGE_CENTRES = {  # synthetic village centres (latitude, longitude) in a hilly county
    "V01": (29.2978, 120.0523), "V02": (29.3214, 120.0871), "V03": (29.2795, 120.1104),
    "V04": (29.3402, 120.0398), "V05": (29.3127, 120.1356), "V06": (29.2613, 120.0742),
    "V07": (29.3555, 120.1023), "V08": (29.2890, 120.1602), "V09": (29.3321, 120.1745),
    "V10": (29.2471, 120.1288), "V11": (29.3698, 120.0654),
}  # fmt: skip
VILLAGE_ALTITUDES = {v: 60 + 25 * i for i, v in enumerate(VILLAGE_CENTRES)}  # metres
HOUSE_SPREAD = 0.0025  # sd of a house from its village centre, in degrees (about 250 m)
FIX_SPREAD = 0.00004  # sd of a GPS fix around its house, in degrees (about 4 m)


def homes(
    rng: np.random.Generator, people: list[Person]
) -> dict[tuple[str, str], tuple[float, float]]:
    """Where each household lives: a point around its village's centre."""
    points = {}
    for p in people:
        house = (p["village_id"], p["household_id"])
        if house not in points:
            lat, lon = VILLAGE_CENTRES[p["village_id"]]
            offset = rng.normal(0, HOUSE_SPREAD, size=2)
            points[house] = (lat + float(offset[0]), lon + float(offset[1]))
    return points


def locate(rng: np.random.Generator, p: Person, home: tuple[float, float]) -> None:
    """A GPS fix taken at the respondent's home, a few metres off, with its accuracy."""
    fix = rng.normal(0, FIX_SPREAD, size=2)
    p["gps_latitude"] = round(home[0] + float(fix[0]), 6)
    p["gps_longitude"] = round(home[1] + float(fix[1]), 6)
    p["gps_altitude"] = round(VILLAGE_ALTITUDES[p["village_id"]] + float(rng.normal(0, 8)), 1)
    p["gps_accuracy"] = round(float(rng.uniform(3, 15)), 1)
    parts = (p[f"gps_{part}"] for part in ("latitude", "longitude", "altitude", "accuracy"))
    p["gps"] = " ".join(str(int(v)) if v == int(v) else str(v) for v in parts)  # as written


def schedule(rng: np.random.Generator, people: list[Person]) -> None:
    """Each enumerator's interviews of a day, one after another from the morning: start and
    end times to the minute, interviews of 30 to 80 minutes, walks of 10 to 40 between."""
    days: dict[tuple[str, dt.date], list[Person]] = {}
    for p in people:
        days.setdefault((p["enumerator"], p["interview_date"]), []).append(p)
    for (_, day), interviews in days.items():
        clock = dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(
            minutes=int(rng.integers(0, 90))
        )
        for p in interviews:
            minutes = int(np.clip(rng.lognormal(np.log(48), 0.2), 30, 80))
            p["start"], p["end"] = clock, clock + dt.timedelta(minutes=minutes)
            clock = p["end"] + dt.timedelta(minutes=int(rng.integers(10, 41)))


def visits(rng: np.random.Generator, people: list[Person]) -> None:
    """Give every respondent the start and end of the interview and a GPS fix at home."""
    schedule(rng, people)
    points = homes(rng, people)
    for p in people:
        locate(rng, p, points[(p["village_id"], p["household_id"])])


# ---------------------------------------------------------------------------
# Household members (the roster)
# ---------------------------------------------------------------------------

MEMBER_STREAM = 1
"""The household members come from ``default_rng([seed, MEMBER_STREAM])``: a stream of their
own, so that simulating them leaves every respondent's answers as they were."""
ROSTER = "members"
SURVEY_YEAR = 2022


def _member(relation: int, sex: int, age: int, person: Person | None = None) -> Person:
    return {"relation": relation, "sex": sex, "member_age": int(np.clip(age, 0, 100)),
            "respondent": person}  # fmt: skip


def _relatives(rng: np.random.Generator, head: Person, n: int) -> list[Person]:
    """Members beyond head and spouse: children, their spouses and children, the head's parents."""
    age, out = head["age"], []
    for _ in range(4):  # children of the head, the eldest born when the head was 22-28
        eldest = age - int(rng.integers(22, 29))
        out.append(_member(3, int(rng.integers(1, 3)), eldest - int(rng.integers(0, 8))))
    out.sort(key=lambda m: -m["member_age"])
    grown = [m for m in out if m["member_age"] >= 22]
    if grown and rng.random() < 0.7:  # the eldest child's spouse and children live here too
        child = grown[0]
        out.insert(1, _member(4, 3 - child["sex"], child["member_age"] + int(rng.integers(-3, 3))))
        for _ in range(2):
            out.insert(2, _member(5, int(rng.integers(1, 3)),
                                  child["member_age"] - int(rng.integers(22, 30))))  # fmt: skip
    if age < 60:  # a widowed parent of the head
        sex = int(rng.choice([1, 2], p=[0.35, 0.65]))
        parent = _member(6, sex, age + int(rng.integers(23, 32)))
        out.insert(int(rng.integers(0, 2)), parent)
    out.append(_member(7, int(rng.integers(1, 3)), age + int(rng.integers(-6, 7))))
    out = [m for m in out if m["member_age"] >= 0 and m["member_age"] <= 95]
    return out[:n]


def _schooling(rng: np.random.Generator, member: Person) -> int | None:
    age = member["member_age"]
    if member["respondent"] is not None:
        return int(member["respondent"]["education"])
    if age < 6:
        return None
    if age < 18:  # still at school: what they have completed so far
        return 1 if age < 8 else 2 if age < 13 else 3 if age < 16 else 4
    return _education(rng, age)


def _work(rng: np.random.Generator, member: Person) -> None:
    """Work, migration and own earnings in 2020 and 2022; blank below 16, as the skip rules say."""
    person, age = member["respondent"], member["member_age"]
    for wave in (2020, 2022):
        member[f"works_{wave}"] = member[f"migrated_{wave}"] = member[f"earnings_{wave}"] = None
    if age < 16:
        return
    away = 18 <= age <= 50 and person is None and rng.random() < 0.45
    stays_away = away and rng.random() < 0.7  # some came back by 2022
    joined = person is not None and person["ecom_participation_2022"] == 1
    returned = joined and not person["ecom_participation_2020"] and age < 45
    returned = returned and rng.random() < 0.35
    for wave in (2020, 2022):
        then = age - (SURVEY_YEAR - wave)
        migrated = (away if wave == 2020 else stays_away) or (returned and wave == 2020)
        if person is not None:
            working = migrated or bool(person[f"ecom_participation_{wave}"]) or rng.random() < 0.85
        else:
            working = migrated or rng.random() < (0.35 if then < 22 else 0.8 if then < 60 else 0.5)
        if then < 16:
            working = migrated = False
        member[f"works_{wave}"] = int(working)
        member[f"migrated_{wave}"] = int(migrated)
        if not working:
            continue
        if migrated:
            median = 42000
        elif person is not None and person[f"ecom_participation_{wave}"]:
            median = 30000
        elif then >= 60 or rng.random() < 0.2:
            median = 0  # unpaid work on the family farm
        else:
            median = 18000
        growth = 1.0 if wave == 2020 else 1.12
        amount = median * growth * float(np.exp(rng.normal(0, 0.35))) if median else 0.0
        member[f"earnings_{wave}"] = _round_money(amount)


def simulate_members(
    rng: np.random.Generator, people: list[Person]
) -> dict[tuple[str, str], list[Person]]:
    """The members of each household, in roster order (head first), numbered from 1.

    The respondents of a household are among its members as they answered (person 1 is the
    head, person 2 the spouse, person 3 a grown child or a parent of the head); the others
    are simulated around the head, up to the household's size.
    """
    households: dict[tuple[str, str], list[Person]] = {}
    for p in people:
        households.setdefault((p["village_id"], p["household_id"]), []).append(p)
    out: dict[tuple[str, str], list[Person]] = {}
    for key, persons in households.items():
        head, size = persons[0], persons[0]["household_size"]
        members = [_member(1, head["gender"], head["age"], head)]
        spouse = next((p for p in persons if p["person_id"] == "2"), None)
        if spouse is not None:
            members.append(_member(2, spouse["gender"], spouse["age"], spouse))
        elif head["marital_status"] == 2:
            members.append(_member(2, 3 - head["gender"], head["age"] + int(rng.integers(-4, 5))))
        for p in persons[2:]:
            members.append(_member(3 if p["age"] < head["age"] else 6, p["gender"], p["age"], p))
        relatives = _relatives(rng, head, size)
        while len(members) < size and relatives:
            members.append(relatives.pop(0))
        while len(members) < size:  # more children
            members.append(_member(3, int(rng.integers(1, 3)), max(head["age"] - 30, 1)))
        for number, m in enumerate(members[:size], start=1):
            m["member"] = number
            m["schooling"] = _schooling(rng, m)
            _work(rng, m)
        out[key] = members[:size]
    return out


def roster_rows(
    people: list[Person], households: dict[tuple[str, str], list[Person]]
) -> list[Person]:
    """Each respondent's roster: the members of their household, under the respondent's key."""
    rows = []
    for p in people:
        link = {k: p[k] for k in ("village_id", "household_id", "person_id")}
        for m in households[(p["village_id"], p["household_id"])]:
            rows.append(link | {k: v for k, v in m.items() if k != "respondent"})
    return rows


# ---------------------------------------------------------------------------
# Cells, rows and workbooks
# ---------------------------------------------------------------------------


def cell_value(instrument: Instrument, column: Column, value: Any, language: str) -> Any:
    """What an enumerator using the drop-downs puts in the cell for a truth value."""
    if value is None:
        return None
    if column.question.type in ("select_one", "likert"):
        choices = instrument.choice_list(column.question)
        return next(c.label[language] for c in choices if c.code == value)
    return value


def truth_text(value: Any) -> str:
    """A truth value as written in ``truth.csv``: codes, ISO dates, empty for blank."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _row(instrument: Instrument, person: Person, language: str) -> dict[str, Any]:
    """A respondent's cells, by the data sheet's column codes (a point's four parts)."""
    return {
        code: cell_value(instrument, column, person.get(code), language)
        for code, column, _ in sheet_columns(instrument)
    }


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry :data:`FIXED_TIME`, so output is byte-stable."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, FIXED_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as handle:
            self.writestr(arcname or str(filename), handle.read())


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save with fixed created/modified times (openpyxl's own save stamps the clock)."""
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    path.write_bytes(buffer.getvalue())


def fill_workbook(
    instrument: Instrument,
    language: str,
    rows: list[dict[str, Any]],
    members: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Workbook:
    """A blank workbook with ``rows`` (column code -> cell value) typed in from FIRST_DATA_ROW,
    and ``members`` likewise on the roster's sheet."""
    workbook = villagesurvey.build_workbook(instrument, language)
    _type_in(workbook.active, instrument, rows)
    if instrument.rosters:
        _type_in(workbook[ROSTER], roster_instrument(instrument, ROSTER), members)
    return workbook


def _type_in(sheet: Any, instrument: Instrument, rows: list[dict[str, Any]]) -> None:
    codes = [code for code, _, _ in sheet_columns(instrument)]
    for offset, row in enumerate(rows):
        for index, code in enumerate(codes, start=1):
            value = row.get(code)
            if value is not None:
                sheet.cell(row=FIRST_DATA_ROW + offset, column=index, value=value)


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_clean_returns(
    instrument: Instrument,
    people: list[Person],
    households: dict[tuple[str, str], list[Person]],
    outdir: Path,
) -> None:
    """One workbook per village in ``outdir/returns``, the datasets in ``truth.csv`` and
    ``truth_members.csv``."""
    folder = outdir / "returns"
    roster = roster_instrument(instrument, ROSTER)
    truth, truth_members = [], []
    for village in VILLAGE_SIZES:
        language = "en" if village in ENGLISH_VILLAGES else "zh"
        members = [p for p in people if p["village_id"] == village]
        listed = roster_rows(members, households)
        name = f"{village}_returns.xlsx"
        rows = [_row(instrument, p, language) for p in members]
        typed = [_row(roster, m, language) for m in listed]
        save_workbook(fill_workbook(instrument, language, rows, typed), folder / name)
        truth += [[name] + [truth_text(p[c.code]) for c in instrument.columns] for p in members]
        truth_members += [[name] + [truth_text(m[c.code]) for c in roster.columns] for m in listed]
    _write_csv(outdir / "truth.csv", ["source_file", *(c.code for c in instrument.columns)], truth)
    header = ["source_file", *(c.code for c in roster.columns)]
    _write_csv(outdir / f"truth_{ROSTER}.csv", header, truth_members)


# ---------------------------------------------------------------------------
# The messy returns
# ---------------------------------------------------------------------------

DEFECT_COLUMNS = ["file", "sheet", "row", "column", "letter", "value", "defect", "severity", "note"]

Row = dict[str, Any]
"""A row as typed into the data sheet: column code -> cell value; ``{}`` is a blank row."""


def cell_text(value: Any) -> str:
    """A cell's content as text, as ``defects.csv`` records it."""
    return "" if value is None else str(value)


class Defect(NamedTuple):
    """A planted defect, located by its row object so that inserting rows cannot shift it."""

    row: Row
    column: str  # "" for the whole row
    defect: str
    severity: str
    note: str


class MessyFile:
    """A return being spoiled: its rows and the defects planted in them.

    (A plain class, not a dataclass: the tests load this file with importlib, and
    dataclasses need the module registered in ``sys.modules``.)
    """

    def __init__(
        self,
        name: str,
        instrument: Instrument,
        language: str,
        rows: list[Row],
        members: list[Row] | None = None,
    ) -> None:
        self.name = name
        self.instrument = instrument
        self.language = language
        self.rows = rows
        self.members = members or []  # the rows of the roster's sheet
        self.defects: list[Defect] = []
        self.other_defects: list[list[str]] = []  # defects outside the data sheet

    def _sheet_rows(self, row: Row) -> list[Row]:
        return self.members if any(r is row for r in self.members) else self.rows

    def excel_row(self, row: Row) -> int:
        """The row number Excel shows for a row of :attr:`rows` or of :attr:`members`."""
        return FIRST_DATA_ROW + next(i for i, r in enumerate(self._sheet_rows(row)) if r is row)

    def plant(self, row: Row, code: str, value: Any, defect: str, severity: str, note: str) -> None:
        """Put ``value`` in a cell and record the defect."""
        row[code] = value
        self.defects.append(Defect(row, code, defect, severity, note))

    def record(self, row: Row, code: str, defect: str, severity: str, note: str) -> None:
        """Record a defect of a row, or of a cell as it stands."""
        self.defects.append(Defect(row, code, defect, severity, note))

    def defect_rows(self) -> list[list[str]]:
        """The lines of ``defects.csv`` for this file."""
        data = "Data" if self.language == "en" else "数据"
        codes = [code for code, _, _ in sheet_columns(self.instrument)]
        member_codes = [c.code for c in roster_instrument(self.instrument, ROSTER).columns]
        lines = []
        for d in self.defects:
            on_roster = self._sheet_rows(d.row) is self.members
            sheet = ROSTER if on_roster else data
            where = member_codes if on_roster else codes
            letter = get_column_letter(where.index(d.column) + 1) if d.column else ""
            value = cell_text(d.row.get(d.column)) if d.column else ""
            row = str(self.excel_row(d.row))
            lines.append([self.name, sheet, row, d.column, letter, value, *d[2:]])
        return lines + self.other_defects

    def save(self, folder: Path) -> None:
        workbook = fill_workbook(self.instrument, self.language, self.rows, self.members)
        save_workbook(workbook, folder / self.name)


def _messy(
    instrument: Instrument,
    name: str,
    people: list[Person],
    households: dict[tuple[str, str], list[Person]],
) -> MessyFile:
    language = "en" if people[0]["village_id"] in ENGLISH_VILLAGES else "zh"
    roster = roster_instrument(instrument, ROSTER)
    members = [_row(roster, m, language) for m in roster_rows(people, households)]
    rows = [_row(instrument, p, language) for p in people]
    return MessyFile(name, instrument, language, rows, members)


def _roster_of(m: MessyFile, row: Row) -> list[Row]:
    """The roster rows typed under a data row's respondent key."""
    key = ("village_id", "household_id", "person_id")
    return [r for r in m.members if all(r[k] == row[k] for k in key)]


def _quit_ecommerce(person: Person) -> None:
    """Make a respondent one who did no e-commerce in 2022, with the skip rules obeyed."""
    person["ecom_participation_2022"] = 0
    for code in ("ecom_start_year", "ecom_platforms", "ecom_role", "income_ecommerce_2022"):
        person[code] = None


def _fullwidth(number: int) -> str:
    return str(number).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})


def _wan(number: int) -> str:
    return f"{number / 10000:g}万"


def v03_messy(instrument: Instrument, people: list[Person], households: Households) -> MessyFile:
    """Number formats, out-of-range answers, a skip-rule violation, a blank row (10 people),
    and a member typed again under a household that is not in the file."""
    _quit_ecommerce(people[7])

    def was(index: int, code: str) -> Any:
        return people[index][code]

    day = was(3, "interview_date")
    wan = next(  # 万 shows best on a figure that is not a round ten thousand
        (c for c in ("family_income_2020", "family_income_2022") if was(2, c) % 10000),
        "family_income_2020",
    )
    total = was(8, "family_income_2022")
    others = sum(was(8, f"{s}_2022") or 0 for s in INCOME_PARTS if s != "income_farming")
    over = total - others + 5000
    # fmt: off
    plan = [  # respondent, column, what the cell holds, defect, severity, note
        (0, "village_id", " V03 ", "whitespace", "fixed", "surrounding spaces; V03"),
        (0, "family_income_2020", _fullwidth(was(0, "family_income_2020")), "full_width_digits",
         "fixed", f"full-width digits; {was(0, 'family_income_2020')}"),
        (1, "income_wages_2022", f"{was(1, 'income_wages_2022'):,}", "thousands_separator",
         "fixed", f"{was(1, 'income_wages_2022')}"),
        (1, "family_income_2022", f"¥{was(1, 'family_income_2022'):,}", "currency_mark", "fixed",
         f"{was(1, 'family_income_2022')}"),
        (2, "household_spending_2022", f"{was(2, 'household_spending_2022')}元", "currency_mark",
         "fixed", f"{was(2, 'household_spending_2022')}"),
        (2, wan, _wan(was(2, wan)), "magnitude_word", "fixed", f"万 = 10,000; {was(2, wan)}"),
        (3, "age", str(was(3, "age")), "number_as_text", "fixed", "a number stored as text"),
        (3, "interview_date", (day - dt.date(1899, 12, 30)).days, "date_serial", "fixed",
         f"an Excel date serial; {day.isoformat()}"),
        (4, "age", 150, "out_of_range", "error", "above the hard maximum of 100"),
        (4, "income_transfers_2020", "不知道", "not_a_number", "error",
         "'do not know' in a number column"),
        (5, "age", 7, "out_of_range", "error", "below the hard minimum of 16"),
        (5, "family_income_2022", None, "required_missing", "error", "a required answer is blank"),
        (6, "age", 85, "outside_soft_limit", "warning", "above the soft maximum of 80; confirm"),
        (7, "income_ecommerce_2022", 6000, "skip_rule_violation", "error",
         "asked only if ecom_participation_2022 = 1, but it is 0 (否)"),
    ]
    # fmt: on
    m = _messy(instrument, "V03_messy.xlsx", people, households)
    for index, code, value, defect, severity, note in plan:
        m.plant(m.rows[index], code, value, defect, severity, note)
    m.rows[8]["income_farming_2022"] = over  # located at the total the parts are checked against
    m.record(m.rows[8], "family_income_2022", "parts_exceed_total", "error",
             f"farming + wages + e-commerce + transfers = {total + 5000} > family_income_2022 "
             f"= {total}; income_farming_2022 is {over}")  # fmt: skip
    blank: Row = {}
    m.rows.insert(4, blank)
    m.record(blank, "", "blank_row", "fixed", "an empty row between respondents; skip it")
    _orphan(m, m.rows[1])
    return m


def _orphan(m: MessyFile, row: Row) -> None:
    """Type a respondent's last member a second time, under a household the file lacks."""
    listed = _roster_of(m, row)
    taken = {r["household_id"] for r in m.rows if r}
    number = int(str(row["household_id"])[1:])
    wrong = next(f"H{n:03d}" for n in (number + 10, number + 20, number + 30) if f"H{n:03d}"
                 not in taken)  # fmt: skip
    orphan = dict(listed[-1]) | {"household_id": wrong}
    m.members.insert(m.members.index(listed[-1]) + 1, orphan)
    m.record(orphan, "village_id", "roster_orphan", "error",
             f"member {orphan['member']} of {row['household_id']} typed again under {wrong}, "
             "which has no respondent in the file")  # fmt: skip


def v05_duplicates(
    instrument: Instrument, people: list[Person], households: Households, v03: MessyFile
) -> MessyFile:
    """Labels in the wrong language or misspelt, an exact duplicate row, a key sent twice.

    The last respondent of ``people`` is given the key (and so the household size) of the
    last respondent of ``v03``; no members are typed for either copy of the duplicate.
    """
    m = _messy(instrument, "V05_duplicates.xlsx", people[:-1], households)
    r = m.rows
    m.plant(r[0], "gender", "女", "other_language_label", "fixed", "the zh label of 2 (Female)")
    m.plant(r[1], "gender", "Femal", "unknown_label", "error", "not a label of gender; Female?")
    m.plant(
        r[2], "spending_health_2022", "about 3000", "not_a_number", "error", "text, not a number"
    )
    copy = dict(r[3])
    m.rows.append(copy)
    kept = f"identical to row {m.excel_row(r[3])}; keep that one, quarantine this copy"
    m.record(copy, instrument.key[0], "duplicate_row", "error", kept)
    theirs = v03.rows[-1]
    same = (*instrument.key, "household_size")
    stranger = _row(instrument, people[-1], m.language) | {k: theirs[k] for k in same}
    m.rows.append(stranger)
    twice = "same key as {} row {}, with other answers"
    m.record(stranger, instrument.key[0], "duplicate_key", "error",
             twice.format(v03.name, v03.excel_row(theirs)))  # fmt: skip
    v03.record(theirs, instrument.key[0], "duplicate_key", "error",
               twice.format(m.name, m.excel_row(stranger)))  # fmt: skip
    return m


def old_instrument(instrument: Instrument) -> Instrument:
    """Last year's questionnaire: version 2021.1, before ``training_days`` was added."""
    sections = tuple(
        dataclasses.replace(s, questions=tuple(q for q in s.questions if q.code != "training_days"))
        for s in instrument.sections
    )
    return dataclasses.replace(instrument, version="2021.1", sections=sections)


def v10_old_template(
    instrument: Instrument, people: list[Person], households: Households
) -> MessyFile:
    """Clean answers typed into last year's template; a household with two heads."""
    m = _messy(old_instrument(instrument), "V10_old_template.xlsx", people, households)
    row = m.rows[0]
    listed = _roster_of(m, row)
    second = listed[1]
    head = listed[0]["relation"]
    was = second["relation"]
    second["relation"] = head
    rows = f"rows {m.excel_row(listed[0])} and {m.excel_row(second)}"
    m.record(row, "person_id", "roster_exactly_one", "error",
             f"2 heads of household on the members sheet (members 1 and 2, {rows}); member 2 "
             f"should be {was!r}")  # fmt: skip
    note = f"version 2021.1, not {instrument.version}: no training_days_2020, training_days_2022"
    m.other_defects.append([m.name, META_SHEET, "2", "", "B", "2021.1", "old_template", "warning",
                            note])  # fmt: skip
    return m


def v11_total_row(
    instrument: Instrument, people: list[Person], households: Households
) -> MessyFile:
    """Clean answers followed by the totals a helpful clerk added at the bottom; a household
    with a member left off the members sheet."""
    m = _messy(instrument, "V11_total_row.xlsx", people, households)
    row = next(r for r in m.rows if len(_roster_of(m, r)) >= 3)
    left_off = _roster_of(m, row)[-1]
    m.members.remove(left_off)
    m.record(row, "household_size", "roster_count", "error",
             f"says {row['household_size']} but the members sheet lists "
             f"{row['household_size'] - 1}: member {left_off['member']} was left off")  # fmt: skip
    total: Row = {"village_id": "合计"}
    for c in instrument.columns:
        if c.question.code in MONEY_COLUMNS:
            total[c.code] = sum(p[c.code] or 0 for p in people)
    m.rows.append(total)
    m.record(total, "village_id", "total_row", "error", "a total row with sums, not a respondent")
    return m


def write_messy_returns(
    instrument: Instrument,
    rng: np.random.Generator,
    member_rng: np.random.Generator,
    outdir: Path,
) -> None:
    """The messy returns and ``defects.csv``; respondents distinct from the clean ones."""
    villages = {"V03": 10, "V05": 5, "V10": 3, "V11": 4}
    people = simulate(rng, villages, range(81, 121))
    households = simulate_members(member_rng, people)
    by_village = {v: [p for p in people if p["village_id"] == v] for v in villages}
    v03 = v03_messy(instrument, by_village["V03"], households)
    files = [
        v03,
        v05_duplicates(instrument, by_village["V05"], households, v03),
        v10_old_template(instrument, by_village["V10"], households),
        v11_total_row(instrument, by_village["V11"], households),
    ]
    folder = outdir / "returns_messy"
    defects = []
    for messy in files:
        messy.save(folder)
        defects += messy.defect_rows()
    defects.sort(key=lambda d: (d[0], d[1] != META_SHEET, d[1] == ROSTER, int(d[2]), len(d[4]),
                                d[4]))  # fmt: skip
    _write_csv(outdir / "defects.csv", DEFECT_COLUMNS, defects)


# ---------------------------------------------------------------------------
# README and entry point
# ---------------------------------------------------------------------------

README = """\
# Sample data: the model study, synthetic

Everything else in this folder is written by `generate.py` from the seed {seed}:

    python sample_data/generate.py

The data are **synthetic**: simulated people, villages and answers. Names are random
combinations of common Chinese surnames and given-name characters; phone numbers start with
`100`, which no Chinese mobile number does. Nothing here describes a real person.

## `returns/`: clean field returns

{respondents} respondents in {villages} villages (V01..V11), one workbook per village
(`V01_returns.xlsx`, ...), filled in the blank workbook that `villagesurvey workbook` makes
from `instruments/village_ecommerce.yaml`, as an enumerator using the drop-downs would:
choice labels in the workbook's language ({english} in English, the others in Chinese),
select-multiple answers as codes separated by spaces, dates as dates. Every hard limit, required
answer and skip rule holds. As in real data, two values lie outside a soft limit (a
17-year-old; 75 days of training in 2022) and a few optional answers are blank.

Each workbook's `members` sheet is the household roster: under each respondent's key
(village, household, person), one row per member of their household ({members} rows in all,
{per_household} per respondent on average), as many as the respondent's `household_size`, with
exactly one head. Respondents of the same household list the same members, and each
respondent is among them with the age and sex they gave.

How the answers were simulated:

- skill count: +{skill_change} on average from 2020 to 2022, more for e-commerce participants,
  with a village random effect on the change (sd {skill_sd}), so the 2022-2020 differences are
  clustered by village; self-rated digital and e-commerce skills rise most, farming barely;
- family income 2020: log-normal, median about 45,000 yuan (village sd 0.25 and household
  sd 0.35 on the log scale); nominal growth to 2022 of about {growth} on average, more for
  e-commerce participants, with a village effect on growth (sd {growth_sd} on the log scale);
  income by source sums to no more than the total; spending is 60-80% of income and its
  parts sum to no more than it;
- e-commerce participation: {p2020} of {respondents} in 2020, {p2022} in 2022;
- the 14 Likert items: four correlated factors (correlations 0.35-0.55), each correlated with
  the growth of family income from 2020 to 2022 (cross-border e-commerce 0.65, rural
  e-commerce 0.40, online services 0.25, customer service 0.20); loadings 0.73-0.85, cut into
  five answers; `rural_ecommerce_4` is reverse-worded (answered against the others) and the
  weakest item (loading 0.52), so that the report shows a warning for it;
- household members (from a random stream of their own, so that the respondents' answers
  above are the same with or without them): person 1 is the head, person 2 the spouse,
  around them children, a child's spouse and children, a widowed parent or a sibling, ages
  as a family's are; members of 16 or more work (most), some live and work away from the
  county (fewer in 2022 than in 2020: some came back, a few to join e-commerce), and the
  workers earn, except some who work unpaid on the family farm (earnings 0);
- visits (from a random stream of their own too): each enumerator's interviews of a day one
  after another from the morning, 30 to 80 minutes each (`start`, `end`), and a GPS point
  (`gps`, typed into its four cells) taken at the respondent's home, a few metres from the
  house, which lies a few hundred metres from the village's centre (synthetic places).

## `truth.csv` and `truth_members.csv`

The dataset a perfect validator makes of `returns/`: one row per respondent, a `source_file`
column, then the instrument's column codes in order; choices as codes, dates as ISO
`YYYY-MM-DD`, select-multiple answers as space-separated codes, blanks empty. UTF-8.
`truth_members.csv` is the members' dataset likewise (the `clean_members.csv` of a perfect
validator): `source_file`, the respondent's key, then the roster's columns.

## `returns_messy/`: returns with the defects field teams send

{messy_files}

## `fieldwork/`: two weeks of a larger collection, for the field manager's views

Written by `fieldwork.py` (`python sample_data/fieldwork.py`) from the same seed and a
stream of its own: the first two weeks (October 2022) of a larger collection with the same
instrument, in the same eleven villages, by six enumerators (two per village).

- `returns/`: one workbook per village, as they stand after two weeks;
- `sample.csv`: the respondents to interview (village, household, person), with the
  replacements each village may use (`replacement` = 1);
- `villages.csv`: each village's centre (village, latitude, longitude);
- `backchecks.csv`: a tenth of each enumerator's respondents asked again a few days later
  by two back-checkers (in the `enumerator` column, as the form has it), on the questions
  the instrument marks `backcheck`;
- `planted.csv`: the problems planted, each with the check that finds it and where.

Planted, and nothing else: an enumerator who rounds every amount to the 500 yuan
(`digit_preference`); one who copies a household's GPS point for the next five households
(`gps_same_point`); a back-check that finds two more household members than the survey
(`backcheck_differs`); a listed respondent interviewed twice (`duplicate_key`); a
respondent interviewed who is not on the list (`not_in_sample`). `demo` validates the
folder with `--sample`, `--villages` and `--backchecks` into `validated_fieldwork/`, whose
`dashboard.html` shows each of them.

## `corrections.csv`: the supervisor's decisions on the messy returns

Written by hand (not by `generate.py`): the decisions a supervisor would take after calling
the respondents back, one line per planted error and warning that a call-back can settle
(ages mistyped, a "don't know" answered, a missing total given, a question asked by
mistake blanked, an 85-year-old confirmed, a misspelt label, the duplicate interviews
dropped). The call-back answers are invented, like the rest of the data. It leaves the total
row of `V11_total_row.xlsx` (not a respondent) and the warnings of the old template alone.
`villagesurvey validate ... returns_messy --corrections corrections.csv` brings the quarantine
down to that total row; `demo` writes it to `validated_corrected/`.

Each defect is one row of `defects.csv` (kept beside the folder, so that validating
the folder reads only the returns):

| column | meaning |
| --- | --- |
| `file` | the workbook |
| `sheet` | the sheet (the data sheet, `members` for the roster, `_instrument` for the template) |
| `row` | the row number as Excel shows it |
| `column` | the column code of the question (empty for a whole blank row or the template) |
| `letter` | the Excel column letter (empty for a whole row) |
| `value` | what the cell holds, as text (empty for a blank cell) |
| `defect` | the kind of defect, a short code (`thousands_separator`, `out_of_range`, ...) |
| `severity` | what validation should say: `fixed`, `warning` or `error` |
| `note` | what is wrong, and the value meant where there is one |

`fixed` is an unambiguous normalisation (the value meant is in the note), `warning` a value
to confirm, `error` a row that goes to quarantine. A defect of the members sheet that
validation finds on the respondent's row (a member left off: `roster_count` at
`household_size`; two heads: `roster_exactly_one` at `person_id`) is listed there; the
members of a quarantined respondent wait with it (`parent_quarantined`, not listed).

The messy respondents are simulated like the clean ones but are different people (household
numbers from H081 up), so both folders can be validated together.
"""


def write_readme(people: list[Person], households: Households, outdir: Path) -> None:
    """The folder's README, with the figures of the data just generated."""
    n = len(people)
    skill = np.mean([p["skill_count_2022"] - p["skill_count_2020"] for p in people])
    growth = np.mean([p["family_income_2022"] / p["family_income_2020"] - 1 for p in people])
    described = {
        "V03_messy.xlsx": "number formats (full-width digits, `12,000`, `¥`, `元`, `万`), "
        "spaces, a number stored as text, a date serial, text in number cells, ages out of "
        "range, a missing required answer, a skip-rule violation, sources above the total, "
        "a blank row, a member typed a second time under a household the file lacks (an "
        "orphan)",
        "V05_duplicates.xlsx": "a Chinese label in an English workbook, a misspelt label, "
        "text in a number cell, an exact duplicate row, a respondent key also in V03_messy",
        "V10_old_template.xlsx": "clean answers in the 2021.1 template, which lacks the "
        "`training_days` columns; a household with two heads (the spouse marked head too)",
        "V11_total_row.xlsx": "a trailing total row (`合计`) with sums in the money columns; "
        "a member left off the members sheet (the household says one more)",
    }
    text = README.format(
        seed=SEED,
        respondents=n,
        villages=len({p["village_id"] for p in people}),
        english=", ".join(sorted(ENGLISH_VILLAGES)),
        skill_change=f"{skill:.2f}",
        skill_sd=SKILL_VILLAGE_SD,
        growth_sd=GROWTH_VILLAGE_SD,
        growth=f"{growth:.0%}",
        p2020=sum(p["ecom_participation_2020"] for p in people),
        p2022=sum(p["ecom_participation_2022"] for p in people),
        members=sum(len(households[(p["village_id"], p["household_id"])]) for p in people),
        per_household=f"{np.mean([p['household_size'] for p in people]):.1f}",
        messy_files="\n".join(f"- `{name}`: {what}." for name, what in described.items()),
    )
    (outdir / "README.md").write_text(text, encoding="utf-8")


def generate(outdir: Path, seed: int = SEED) -> None:
    """Write the sample data into ``outdir``.

    Parameters
    ----------
    outdir : Path
        The folder to fill: ``returns/``, ``returns_messy/``, ``truth.csv`` and
        ``README.md`` are (re)written; other workbooks in the two folders are removed.
    seed : int, default 20221101
        The seed of :func:`numpy.random.default_rng`; the same seed gives the same data.
    """
    outdir = Path(outdir)
    for folder in ("returns", "returns_messy"):
        (outdir / folder).mkdir(parents=True, exist_ok=True)
        for stale in (outdir / folder).glob("*.xlsx"):
            stale.unlink()
    instrument = villagesurvey.load_instrument(INSTRUMENT)
    rng = np.random.default_rng(seed)
    member_rng = np.random.default_rng([seed, MEMBER_STREAM])
    people = simulate(rng, VILLAGE_SIZES, range(1, 81))
    _field_realities(rng, people)
    visits(np.random.default_rng([seed, VISIT_STREAM]), people)
    households = simulate_members(member_rng, people)
    write_clean_returns(instrument, people, households, outdir)
    write_messy_returns(instrument, rng, member_rng, outdir)
    write_readme(people, households, outdir)


if __name__ == "__main__":
    generate(HERE)
