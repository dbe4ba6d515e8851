"""Shared fixtures: the shipped instrument, a small inline one, a local Dask cluster."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from villagesurvey import Instrument, load_instrument, parse_instrument

ROOT = Path(__file__).resolve().parent.parent
MODEL_STUDY = ROOT / "instruments" / "village_ecommerce.yaml"

SMALL = dedent(
    """\
    id: small
    version: "1"
    title: {en: Small survey, zh: 小调查}
    languages: [en, zh]
    waves: [2020, 2022]
    key: [village_id, person_id]
    choices:
      gender:
        - {code: 1, en: Male, zh: 男}
        - {code: 2, en: Female, zh: 女}
      yes_no:
        - {code: 1, en: "Yes", zh: 是}
        - {code: 0, en: "No", zh: 否}
      agree3:
        - {code: 1, en: Disagree, zh: 不同意}
        - {code: 2, en: Neutral, zh: 一般}
        - {code: 3, en: Agree, zh: 同意}
      crops:
        - {code: rice, en: Rice, zh: 水稻}
        - {code: tea, en: Tea, zh: 茶叶}
    scales:
      trust: {label: {en: Trust, zh: 信任}, choices: agree3}
    sections:
      - code: id
        label: {en: Identification, zh: 识别信息}
        questions:
          - {code: village_id, type: text, required: true, label: {en: Village, zh: 村}}
          - {code: person_id, type: text, required: true, label: {en: Person, zh: 人}}
          - code: interview_date
            type: date
            label: {en: Date of interview, zh: 访问日期}
            min: 2022-06-01
            max: 2022-12-31
          - {code: name, type: text, pii: true, label: {en: Name, zh: 姓名}}
      - code: people
        label: {en: People, zh: 人口}
        questions:
          - code: age
            type: integer
            unit: years
            required: true
            label: {en: Age, zh: 年龄}
            hint: {en: Completed years, zh: 周岁}
            min: 16
            max: 100
            soft_min: 18
            soft_max: 80
            message: {en: Age must be 16 to 100, zh: 年龄应在16至100岁之间}
          - {code: gender, type: select_one, choices: gender, label: {en: Gender, zh: 性别}}
          - {code: crops, type: select_multiple, choices: crops, label: {en: Crops grown, zh: 种植作物}}
          - code: sells_online
            type: select_one
            choices: yes_no
            waves: [2020, 2022]
            label: {en: Sells online, zh: 网上销售}
          - code: income
            type: decimal
            unit: CNY
            min: 0
            waves: [2020, 2022]
            label: {en: Income, zh: 收入}
          - code: online_income
            type: decimal
            unit: CNY
            min: 0
            waves: [2020, 2022]
            relevant: "sells_online = 1"
            label: {en: Online income, zh: 网上收入}
          - {code: trust_1, type: likert, scale: trust, label: {en: I trust buyers, zh: 我信任买家}}
          - {code: trust_2, type: likert, scale: trust, reverse: true, label: {en: Buyers cheat, zh: 买家会欺骗}}
    """
)


@pytest.fixture(scope="session")
def model_study() -> Instrument:
    """The model study's questionnaire, as shipped."""
    return load_instrument(MODEL_STUDY)


@pytest.fixture(scope="session")
def small() -> Instrument:
    """A small instrument with one question of every kind."""
    return parse_instrument(SMALL, source="small.yaml")


@pytest.fixture(scope="session")
def client() -> Any:
    """A Dask client of a LocalCluster of two worker processes, one thread each (the Dask
    tests share it)."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            memory_limit="1GiB",
            dashboard_address=":0",  # any free port: no warning if 8787 is taken
        ) as cluster,
        Client(cluster, set_as_default=False) as connected,
    ):
        yield connected
