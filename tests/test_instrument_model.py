"""The instrument's ``model:``: read, checked (one test per check code), written back."""

from __future__ import annotations

from textwrap import dedent, indent

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villagesurvey.instrument import dump_instrument, instrument_to_dict, parse_instrument
from villagesurvey.instrument.model import IndicatorConstruct, ModelPath

from .test_instrument_errors import marked_line, only_problem, problems_of, survey
from .test_instrument_roundtrip import instruments

QUESTIONS = """
    - {code: income, type: decimal, unit: CNY, waves: [2020, 2022], label: {en: Income, zh: 收入}}
    - {code: age, type: integer, label: {en: Age, zh: 年龄}}
    - {code: trust_2, type: likert, scale: trust, label: {en: Trust 2, zh: 信任2}}
    - {code: risk_1, type: likert, scale: risk, label: {en: Risky, zh: 有风险}}
    - {code: risk_2, type: likert, scale: risk, label: {en: Risky 2, zh: 有风险2}}
"""
RISK = "risk: {label: {en: Risk, zh: 风险}, choices: agree3}"
GROWTH = "grew: {label: {en: Income growth, zh: 收入增长}, growth: income}"


def with_model(model: str) -> str:
    """The base instrument with two scales (trust, risk), income in waves, and a model."""
    body = indent(dedent(model).strip("\n"), "  ")
    return survey(QUESTIONS, scales=RISK) + "model:\n" + body + "\n"


def test_a_model_is_read_with_its_constructs_and_paths():
    instrument = parse_instrument(
        with_model(f"""
        constructs:
          {GROWTH}
          old: {{label: {{en: Age, zh: 年龄}}, column: age}}
          more: {{label: {{en: More income, zh: 多收入}}, change: income}}
        paths:
          - {{from: [trust, risk], to: grew}}
          - {{from: old, to: trust}}
          - {{from: more, to: risk}}
    """)
    )
    model = instrument.model
    assert model is not None
    assert model.constructs["grew"] == IndicatorConstruct(
        "grew", {"en": "Income growth", "zh": "收入增长"}, "growth", "income"
    )
    assert (model.constructs["old"].kind, model.constructs["more"].source) == ("column", "income")
    assert model.paths == (
        ModelPath("trust", "grew"),
        ModelPath("risk", "grew"),
        ModelPath("old", "trust"),
        ModelPath("more", "risk"),
    )
    assert model.construct_codes == ("trust", "grew", "risk", "old", "more")
    again = parse_instrument(dump_instrument(instrument))
    assert again == instrument
    assert again.content_hash == instrument.content_hash


def test_the_model_changes_the_content_hash():
    without = parse_instrument(survey(QUESTIONS, scales=RISK))
    with_ = parse_instrument(with_model("paths:\n  - {from: trust, to: risk}"))
    assert without.model is None
    assert with_.content_hash != without.content_hash


def test_the_shipped_model_is_the_model_study(model_study):
    model = model_study.model
    assert ModelPath("cbec", "income_growth") in model.paths
    assert model.constructs["income_growth"].kind == "growth"
    assert set(model.construct_codes) == {*model_study.scales, "income_growth"}


@pytest.mark.parametrize(
    ("model", "check", "where"),
    [
        ("paths: {from: trust, to: risk}  # <-", "wrong_type", "model"),
        ("constructs: {}  # <-", "missing_field", "model"),
        ("paths:\n  - {from: trust, to: risk}\nwires: 1  # <-", "unknown_field", "model"),
        ("paths:\n  - {from: trust}  # <-", "missing_field", "model"),
        ("paths:\n  - {from: trust, to: riks}  # <-", "unknown_construct", "model"),
        ("paths:\n  - {from: trust, to: trust}  # <-", "self_path", "path 'trust -> trust'"),
        (
            "paths:\n  - {from: trust, to: risk}\n  - {from: trust, to: risk}  # <-",
            "duplicate_path",
            "path 'trust -> risk'",
        ),
        (
            "paths:\n  - {from: trust, to: risk}\n  - {from: risk, to: trust}  # <-",
            "cyclic_model",
            "path 'risk -> trust'",
        ),
        ("paths:\n  - {from: 3, to: risk}  # <-", "wrong_type", "model"),
    ],
)
def test_a_broken_path_is_reported_on_its_line(model, check, where):
    only_problem(with_model(model), check, where)


PATH = "paths:\n  - {from: trust, to: grew}\n"


@pytest.mark.parametrize(
    ("construct", "check"),
    [
        ("grew: {label: {en: G, zh: 增}, growth: incom}  # <-", "unknown_question"),
        ("grew: {label: {en: G, zh: 增}, growth: age}  # <-", "bad_indicator"),
        ("grew: {label: {en: G, zh: 增}, column: sells_2022}  # <-", "bad_indicator"),
        ("grew: {label: {en: G, zh: 增}, column: income}  # <-", "wave_needed"),
        ("grew: {label: {en: G, zh: 增}, column: 7}  # <-", "wrong_type"),
        ("grew: {label: {en: G, zh: 增}}  # <-", "missing_field"),
        ("grew: {label: {en: G}, growth: income}  # <-", "missing_translation"),
        ("grew: {label: {en: G, zh: 增}, growth: income, mean: 1}  # <-", "unknown_field"),
        ("grew: income  # <-", "wrong_type"),
    ],
)
def test_a_broken_construct_is_reported_on_its_line(construct, check):
    text = with_model(f"constructs:\n  {construct}\n{PATH}")
    problem = only_problem(text, check, "construct 'grew'")
    assert problem.line == marked_line(text)


def test_two_ways_of_making_one_indicator_are_refused():
    text = with_model(
        "constructs:\n  grew:\n    label: {en: G, zh: 增}\n    growth: income\n"
        f"    change: income  # <-\n{PATH}"
    )
    only_problem(text, "bad_indicator", "construct 'grew'")


def test_a_construct_named_like_a_scale_is_refused():
    text = with_model(
        "constructs:\n  risk: {label: {en: R, zh: 险}, column: age}  # <-\n"
        "paths:\n  - {from: trust, to: risk}"
    )
    only_problem(text, "duplicate_code", "construct 'risk'")


def test_a_construct_name_must_be_a_code():
    text = with_model(
        f"constructs:\n  2grew: {{label: {{en: G, zh: 增}}, growth: income}}  # <-\n{PATH}"
    )
    problems = problems_of(text)
    assert ("bad_code", "construct '2grew'") in {(p.check, p.where) for p in problems}


def test_a_construct_no_path_names_is_reported():
    text = with_model(
        f"constructs:\n  {GROWTH}\n  old: {{label: {{en: A, zh: 龄}}, column: age}}  # <-\n{PATH}"
    )
    only_problem(text, "unused_construct", "construct 'old'")


def test_an_empty_model_is_reported():
    text = survey(QUESTIONS, scales=RISK) + "model:  # <-\n"
    only_problem(text, "missing_field", "model")


def test_a_typo_for_model_is_suggested():
    text = survey(QUESTIONS, scales=RISK) + "modle:  # <-\n  paths: []\n"
    problem = only_problem(text, "unknown_field", "")
    assert "did you mean 'model'?" in problem.message


def test_every_model_mistake_is_reported_at_once():
    text = with_model(
        """
        constructs:
          grew: {label: {en: G, zh: 增}, growth: incom}
        paths:
          - {from: trust, to: riks}
          - {from: trust, to: trust}
        """
    )
    checks = sorted(p.check for p in problems_of(text))
    assert checks == ["self_path", "unknown_construct", "unknown_question"]


@st.composite
def with_models(draw):
    """A random valid instrument (tests/test_instrument_roundtrip.py) with a model on it."""
    data = draw(instruments())
    scales = sorted(data.get("scales", {}))
    numbers = [
        q for s in data["sections"] if "roster" not in s  # a model is on household columns
        for q in s["questions"] if q["type"] in ("integer", "decimal")
    ]  # fmt: skip
    constructs = {}
    for i, q in enumerate(numbers[:2]):
        waves = q.get("waves", [])
        kind = draw(st.sampled_from(["change", "growth"])) if len(waves) >= 2 else "column"
        source = q["code"] if kind != "column" or not waves else f"{q['code']}_{waves[0]}"
        taken = set(scales) | set(constructs)
        name = next(n for n in (f"c{i}", f"c{i}x", f"c{i}y") if n not in taken)
        constructs[name] = {"label": dict(data["title"]), kind: source}
    nodes = scales + list(constructs)
    if len(nodes) < 2:
        return data
    order = draw(st.permutations(nodes))  # arrows go forward in this order: no loop
    pairs = {(order[i], order[i + 1]) for i in range(len(order) - 1)}
    pairs |= set(draw(st.lists(st.sampled_from(sorted(
        (order[i], order[j]) for i in range(len(order)) for j in range(i + 1, len(order))
    )), max_size=3)))  # fmt: skip
    model = {"paths": [{"from": a, "to": b} for a, b in sorted(pairs, key=order_key(order))]}
    if constructs:
        model = {"constructs": constructs, **model}
    return {**data, "model": model}


def order_key(order):
    return lambda pair: (order.index(pair[0]), order.index(pair[1]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_models())
def test_dump_then_parse_gives_the_same_model(data):
    instrument = parse_instrument(yaml.safe_dump(data, sort_keys=False))
    assert instrument_to_dict(instrument) == data
    text = dump_instrument(instrument)
    again = parse_instrument(text, source="dumped.yaml")
    assert again == instrument
    assert again.model == instrument.model
    assert dump_instrument(again) == text
