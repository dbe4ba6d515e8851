"""The fabrication view: planted heaping, copying and an enumerator effect are found; the
model study and honest enumerators are not flagged."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from textwrap import dedent
from typing import Any

import numpy as np
import pandas as pd
import pytest

from villagesurvey import load_instrument, parse_instrument, validate_returns
from villagesurvey.monitoring.fabrication import ALPHA, fabrication_view
from villagesurvey.validate import write_validation

from .conftest import MODEL_STUDY, ROOT

TEXT = dedent(
    """\
        id: fieldwork
        version: "1"
        title: {en: Fieldwork, zh: 田野}
        languages: [en, zh]
        waves: [2020, 2022]
        key: [village_id, household_id]
        choices:
          agree5:
            - {code: 1, en: No, zh: 不}
            - {code: 2, en: Rather not, zh: 不太}
            - {code: 3, en: Neutral, zh: 一般}
            - {code: 4, en: Rather, zh: 比较}
            - {code: 5, en: Yes, zh: 是}
        scales:
          trust: {label: {en: Trust, zh: 信任}, choices: agree5}
        sections:
          - code: id
            label: {en: Identification, zh: 识别}
            questions:
              - {code: village_id, type: text, required: true, label: {en: Village, zh: 村}}
              - {code: household_id, type: text, required: true, label: {en: Household, zh: 户}}
              - {code: enumerator, type: text, required: true, label: {en: Enumerator, zh: 调查员}}
          - code: household
            label: {en: Household, zh: 家庭}
            questions:
              - {code: age, type: integer, unit: years, min: 16, max: 100, label: {en: Age, zh: 年龄}}
              - {code: land, type: decimal, unit: mu, min: 0, label: {en: Land, zh: 土地}}
              - code: income
                type: decimal
                unit: CNY
                waves: [2020, 2022]
                min: 0
                label: {en: Income, zh: 收入}
              - code: spending
                type: decimal
                unit: CNY
                waves: [2020, 2022]
                min: 0
                label: {en: Spending, zh: 支出}
              - {code: trust_1, type: likert, scale: trust, label: {en: T1, zh: 信1}}
              - {code: trust_2, type: likert, scale: trust, label: {en: T2, zh: 信2}}
              - {code: trust_3, type: likert, scale: trust, label: {en: T3, zh: 信3}}
        """
)
INSTRUMENT = parse_instrument(TEXT, "fieldwork.yaml")
ENUMERATORS = ["E01", "E02", "E03", "E04", "E05"]
AMOUNTS = ("income_2020", "income_2022", "spending_2020", "spending_2022")


def _survey(
    seed: int,
    *,
    heaper: str | None = None,
    copier: str | None = None,
    shifted: str | None = None,
    nested: bool = False,
    interviews: int = 16,
    village_spread: float = 0.4,
) -> pd.DataFrame:
    """Interviews by five enumerators in villages whose incomes differ.

    Eight villages shared by the enumerators, or ten villages of one enumerator each, two
    per enumerator (``nested``). The heaper rounds every amount to 500 yuan, ages to 0 or 5 and land to
    the half mu; the copier's interviews are one household's answers with small changes;
    the shifted enumerator's respondents report twice the 2022 income.
    """
    rng = np.random.default_rng(seed)
    levels = rng.lognormal(10.3, village_spread, 10)
    village_level = dict(zip([f"V{v}" for v in range(10)], levels, strict=True))
    rows: list[dict[str, Any]] = []
    for e, name in enumerate(ENUMERATORS):
        for i in range(interviews):
            village = f"V{2 * e + i % 2}" if nested else f"V{(i + e) % 8}"
            level = village_level[village]
            income = level * rng.lognormal(0, 0.5)
            row: dict[str, Any] = {
                "village_id": village,
                "household_id": f"{name}-{i}",
                "enumerator": name,
                "age": float(rng.integers(20, 76)),
                "land": round(float(rng.uniform(0.5, 12)), 1),
                "income_2020": round(income, -2),
                "income_2022": round(income * rng.lognormal(0.1, 0.2), -2),
                "spending_2020": round(0.7 * income * rng.lognormal(0, 0.3), -2),
                "spending_2022": round(0.8 * income * rng.lognormal(0, 0.3), -2),
            }
            row |= {f"trust_{k}": str(rng.integers(1, 6)) for k in (1, 2, 3)}
            if name == heaper:
                row |= {a: round(row[a] / 500) * 500 for a in AMOUNTS}
                row |= {"age": round(row["age"] / 5) * 5, "land": round(row["land"] * 2) / 2}
            if name == shifted:
                row["income_2022"] = round(2 * row["income_2022"], -2)
            rows.append(row)
    frame = pd.DataFrame(rows)
    if copier is not None:
        mine = frame.index[frame["enumerator"] == copier]
        model = frame.loc[mine[0]]
        for at in mine[1:]:
            for a in AMOUNTS:
                frame.loc[at, a] = round(model[a] * rng.normal(1, 0.03), -2)
            frame.loc[at, "age"] = model["age"] + float(rng.integers(-2, 3))
            frame.loc[at, "land"] = model["land"]
            for k in (1, 2, 3):
                frame.loc[at, f"trust_{k}"] = model[f"trust_{k}"]
    for column in ("age", "land", *AMOUNTS):
        frame[column] = frame[column].astype("Float64")
    return frame


def _flags(view: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["check"], s["enumerator"] or s["column"]) for s in view["signals"]]


def test_an_enumerator_who_heaps_on_0_and_5_is_found() -> None:
    view = fabrication_view(INSTRUMENT, _survey(1, heaper="E03"))
    assert view is not None
    assert _flags(view) == [("digit_preference", "E03")]
    digits = view["enumerators"]["E03"]["digits"]
    assert digits["share_0_5"] == 1.0  # every digit at the hundreds, tenths or units
    assert digits["others_share_0_5"] < 0.35
    message = view["signals"][0]["message"]
    assert message.startswith("enumerator E03: the last varying digit of amounts is 0 or 5 in 100%")
    assert "p < 0.001" in message
    assert "not proof" in message


def test_an_enumerator_who_copies_answers_is_found() -> None:
    view = fabrication_view(INSTRUMENT, _survey(2, copier="E04"))
    assert view is not None
    assert _flags(view) == [("low_variance", "E04")]
    spread = view["enumerators"]["E04"]["spread"]
    assert spread["ratio"] < 0.4
    assert spread["p_holm"] < 0.001
    message = view["signals"][0]["message"]
    assert f"differ from one another {spread['ratio']:.2f} times as much" in message
    assert "not proof" in message


def test_both_planted_enumerators_are_found_and_nobody_else() -> None:
    view = fabrication_view(INSTRUMENT, _survey(3, heaper="E01", copier="E05"))
    assert view is not None
    assert sorted(_flags(view)) == [("digit_preference", "E01"), ("low_variance", "E05")]


def test_an_enumerator_effect_within_villages_is_found() -> None:
    view = fabrication_view(INSTRUMENT, _survey(4, shifted="E02", interviews=24))
    assert view is not None
    assert _flags(view) == [("enumerator_effect", "income_2022")]
    effect = view["outcomes"]["income_2022"]
    assert effect["design"] == "crossed"
    assert effect["enumerator"]["icc"] >= 0.10
    assert max(effect["means"], key=effect["means"].get) == "E02"
    assert "between enumerators of the same village" in view["signals"][0]["message"]


def test_villages_that_differ_are_no_enumerator_effect() -> None:
    view = fabrication_view(INSTRUMENT, _survey(5, nested=True, village_spread=1.0))
    assert view is not None
    assert set(view["outcomes"]) == {"income_2022", "spending_2022"}  # the last wave's
    effect = view["outcomes"]["income_2022"]
    assert effect["design"] == "nested"
    assert effect["enumerator"]["icc"] >= 0.10  # the villages' differences, not the enumerators'
    assert effect["enumerator"]["p"] < ALPHA
    assert effect["p"] > ALPHA
    assert view["signals"] == []


def test_honest_enumerators_are_not_flagged_over_many_seeds() -> None:
    # Each seed: five honest enumerators, 12 tests (5 digit, 5 spread, 2 outcomes) adjusted
    # together; Holm keeps the chance of any signal at or below ALPHA per seed.
    flagged = 0
    for seed in range(100, 140):
        view = fabrication_view(INSTRUMENT, _survey(seed, interviews=12))
        assert view is not None
        flagged += bool(view["signals"])
    assert flagged <= ALPHA * 40


def test_too_few_interviews_flag_nothing() -> None:
    view = fabrication_view(INSTRUMENT, _survey(6, heaper="E02", interviews=8))
    assert view is not None
    assert view["signals"] == []
    assert view["enumerators"]["E02"]["digits"] is None  # 8 x 6 = 48 digits: fewer than 50
    view = fabrication_view(INSTRUMENT, _survey(6, copier="E03", interviews=8))
    assert view is not None
    assert view["enumerators"]["E03"]["spread"] is None  # 8 interviews: fewer than 10
    assert "low_variance" not in {s["check"] for s in view["signals"]}


def test_dont_know_codes_are_no_amounts() -> None:
    frame = _survey(8)
    asked = frame["enumerator"] == "E02"
    frame.loc[asked, "income_2022"] = 9999.0  # "don't know", every time
    plain = fabrication_view(INSTRUMENT, frame)
    declared = TEXT + "monitoring:\n  dont_know: [9999]\n"
    view = fabrication_view(parse_instrument(declared, "fieldwork.yaml"), frame)
    assert plain is not None
    assert view is not None
    before = plain["enumerators"]["E02"]["digits"]["digits"]
    assert view["enumerators"]["E02"]["digits"]["digits"] == before - int(asked.sum())
    effect = view["outcomes"]["income_2022"]
    assert effect["n"] == len(frame) - int(asked.sum())


def test_no_enumerator_question_no_view() -> None:
    frame = _survey(7).drop(columns="enumerator")
    text = (ROOT / "instruments" / "village_ecommerce.yaml").read_text(encoding="utf-8")
    text = text.replace("code: enumerator", "code: interviewer")
    without = parse_instrument(text.replace("  enumerator: enumerator\n", ""), "x.yaml")
    assert fabrication_view(without, frame) is None


@pytest.fixture(scope="module")
def model_study() -> Any:
    return validate_returns(load_instrument(MODEL_STUDY), [ROOT / "sample_data" / "returns"])


def test_the_model_study_flags_nothing(model_study: Any) -> None:
    view = model_study.monitoring["fabrication"]
    assert view["signals"] == []
    assert set(view["enumerators"]) == {"李娜", "王强", "Zhou Min", "陈静"}
    assert all(e["digits"] is not None and e["spread"] is not None
               for e in view["enumerators"].values())  # fmt: skip
    assert {o["design"] for o in view["outcomes"].values()} == {"nested"}  # one per village
    checks = set(model_study.findings["check"])
    assert not checks & {"digit_preference", "low_variance", "enumerator_effect"}


def _write_returns(frame: pd.DataFrame, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(frame.columns)
        for row in frame.itertuples(index=False):
            writer.writerow(["" if pd.isna(v) else (f"{v:g}" if isinstance(v, float) else v)
                             for v in row])  # fmt: skip


def test_validate_adds_the_view_and_its_warnings(tmp_path: Path) -> None:
    frame = _survey(3, heaper="E01", copier="E05")
    copied = frame[frame["enumerator"] == "E02"].head(1)  # a row typed twice: no interview
    _write_returns(pd.concat([frame, copied], ignore_index=True), tmp_path / "returns.csv")
    result = validate_returns(INSTRUMENT, [tmp_path / "returns.csv"])
    found = result.findings[result.findings["check"].isin(["digit_preference", "low_variance"])]
    assert sorted(zip(found["check"], found["value"], strict=True)) == [
        ("digit_preference", "E01"),
        ("low_variance", "E05"),
    ]
    assert set(found["severity"]) == {"warning"}
    assert set(found["column"]) == {"enumerator"}
    assert result.rows_quarantined == 1
    assert result.findings["check"].eq("duplicate_row").sum() == 1
    assert result.monitoring["fabrication"]["enumerators"]["E02"]["interviews"] == 16
    write_validation(result, tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    view = summary["monitoring"]["fabrication"]
    assert view["enumerators"]["E01"]["digits"]["flagged"] is True
    assert len(view["signals"]) == 2
    quiet = validate_returns(
        INSTRUMENT, [tmp_path / "returns.csv"], views=("enumerators", "gps", "progress")
    )
    assert "fabrication" not in quiet.monitoring
