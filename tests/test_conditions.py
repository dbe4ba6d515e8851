"""The skip-rule language: parsing, error positions, formatting back, and binding to waves."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.instrument.conditions import (
    OPERATORS,
    AllOf,
    AnyOf,
    Compare,
    ConditionSyntaxError,
    In,
    Not,
    Selected,
    bind_waves,
    format_condition,
    parse_condition,
    references,
)

A, B, C = Compare("a", "=", 1), Compare("b", "=", 2), Compare("c", "=", 3)


# -- comparisons -------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPERATORS)
def test_each_operator(op):
    assert parse_condition(f"age {op} 18") == Compare("age", op, 18)


def test_double_equals_is_accepted_as_equals():
    assert parse_condition("gender == 2") == Compare("gender", "=", 2)


def test_spaces_do_not_matter():
    assert (
        parse_condition("age>=18") == parse_condition("  age   >=\t18 ") == Compare("age", ">=", 18)
    )


def test_in_list():
    assert parse_condition("occupation in [1, 3]") == In("occupation", (1, 3))
    assert parse_condition("occupation in [4]") == In("occupation", (4,))
    assert parse_condition("crop in ['rice', \"tea\"]") == In("crop", ("rice", "tea"))


def test_selected():
    assert parse_condition("selected(platforms, 'alibaba')") == Selected("platforms", "alibaba")
    assert parse_condition('selected( platforms , "amazon" )') == Selected("platforms", "amazon")
    assert parse_condition("selected(crops, 2)") == Selected("crops", 2)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("x = 1", 1),
        ("x = -2", -2),
        ("x = 1.5", 1.5),
        ("x = 0.00001", 0.00001),
        ("x = '1'", "1"),
        ('x = "1.5"', "1.5"),
        ("x = 'two words'", "two words"),
        ("x = ''", ""),
        ('x = "it\'s"', "it's"),
        ("x = '村'", "村"),
    ],
)
def test_numbers_and_quoted_strings(text, value):
    parsed = parse_condition(text)
    assert parsed == Compare("x", "=", value)
    assert type(parsed.value) is type(value)


# -- and, or, not, parentheses -----------------------------------------------------------


def test_and_binds_tighter_than_or():
    assert parse_condition("a = 1 or b = 2 and c = 3") == AnyOf((A, AllOf((B, C))))
    assert parse_condition("a = 1 and b = 2 or c = 3") == AnyOf((AllOf((A, B)), C))


def test_not_binds_tighter_than_and():
    assert parse_condition("not a = 1 and b = 2") == AllOf((Not(A), B))
    assert parse_condition("not not a = 1") == Not(Not(A))


def test_chains_are_flat():
    assert parse_condition("a = 1 and b = 2 and c = 3") == AllOf((A, B, C))
    assert parse_condition("a = 1 or b = 2 or c = 3") == AnyOf((A, B, C))


def test_parentheses_group():
    assert parse_condition("(a = 1 or b = 2) and c = 3") == AllOf((AnyOf((A, B)), C))
    assert parse_condition("not (a = 1 or b = 2)") == Not(AnyOf((A, B)))
    assert parse_condition("((a = 1))") == A


def test_documented_examples():
    assert parse_condition("age >= 18 and gender = 2") == AllOf(
        (Compare("age", ">=", 18), Compare("gender", "=", 2))
    )
    assert parse_condition(
        "selected(platforms, 'alibaba') or not (ecom_participation = 1)"
    ) == AnyOf((Selected("platforms", "alibaba"), Not(Compare("ecom_participation", "=", 1))))


def test_references_in_order():
    condition = parse_condition("a = 1 or (b in [2, 3] and not selected(c, 'x'))")
    assert references(condition) == [("a", (1,)), ("b", (2, 3)), ("c", ("x",))]


# -- mistakes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("a =", 3, "expected a number or a quoted text but found the end"),
        ("a = 1 and", 9, "expected a question code but found the end"),
        ("a = 1 or or b = 2", 9, "expected a question code but found 'or'"),
        ("a = = 1", 4, "expected a number or a quoted text but found '='"),
        ("a 1", 2, "expected a comparison"),
        ("a in [1, 2", 10, "expected ']' but found the end"),
        ("a in 1, 2]", 5, "expected '['"),
        ("(a = 1", 6, "expected ')' but found the end"),
        ("selected(a, 'x'", 15, "expected ')' but found the end"),
        ("selected a", 9, "expected '('"),
        ("and = 1", 0, "expected a question code but found 'and'"),
        ("a = 1 and in = 2", 10, "expected a question code but found 'in'"),
        ("a = 1 b = 2", 6, "unexpected 'b' after a complete condition"),
        ("a = 1)", 5, "unexpected ')'"),
        ("a = 'open", 4, 'unexpected "\'"'),
        ("a = 1 & b = 2", 6, "unexpected '&'"),
        ("a = x", 4, "expected a number or a quoted text but found 'x'"),
        ("a = 12abc", 4, "unexpected '1'"),
        ("a = 1.2.3", 4, "unexpected '1'"),
    ],
)
def test_syntax_errors_give_their_position(text, position, words):
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition(text)
    assert info.value.position == position
    assert words in str(info.value)


# -- formatting back ---------------------------------------------------------------------

_KEYWORDS = {"and", "or", "not", "in", "selected"}
names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(lambda s: s not in _KEYWORDS)
literals = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    # a quoted text may hold one kind of quote, not both: the grammar has no escapes
    st.text(max_size=12).filter(lambda s: not ("'" in s and '"' in s)),
)
leaves = st.one_of(
    st.builds(Compare, names, st.sampled_from(OPERATORS), literals),
    st.builds(In, names, st.lists(literals, min_size=1, max_size=4).map(tuple)),
    st.builds(Selected, names, literals),
)
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(AllOf, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=2, max_size=3).map(tuple)),
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(conditions)
def test_format_then_parse_gives_the_same_tree(condition):
    text = format_condition(condition)
    assert parse_condition(text) == condition
    assert format_condition(parse_condition(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "ecom_participation = 1",
        "age >= 18 and gender = 2",
        "occupation in [1, 3]",
        "selected(platforms, 'alibaba') or not (ecom_participation = 1)",
        "(a = 1 and b = 2) and c = 3",  # a nested "and" keeps its brackets
        "a = 1 or (b = 2 or c = 3)",
        "not (a = 1 and b = 2) or not not c = 3",
        'x = "it\'s" and y = \'say "hi"\'',
        "x = 0.00001 or y = 100000000000000000000000.0 or z = -0.5",
    ],
)
def test_format_of_parse_reparses_to_the_same_tree(text):
    tree = parse_condition(text)
    assert parse_condition(format_condition(tree)) == tree


def test_format_is_readable():
    text = "a=1 and (b=2 or c='x')"
    assert format_condition(parse_condition(text)) == "a = 1 and (b = 2 or c = 'x')"


# -- waves -------------------------------------------------------------------------------


def test_bind_waves_renames_only_the_waved_names():
    condition = parse_condition(
        "sells = 1 and not (age < 18 or income in [0]) and selected(crops, 'tea')"
    )
    bound = bind_waves(condition, 2022, {"sells", "income", "crops"})
    assert bound == parse_condition(
        "sells_2022 = 1 and not (age < 18 or income_2022 in [0]) and selected(crops_2022, 'tea')"
    )


def test_bind_waves_leaves_wave_columns_alone():
    condition = parse_condition("sells_2020 = 1 or sells = 1")
    assert bind_waves(condition, 2022, {"sells"}) == parse_condition(
        "sells_2020 = 1 or sells_2022 = 1"
    )


@settings(max_examples=100, deadline=None)
@given(conditions, st.sets(names, max_size=4), st.integers(1990, 2100))
def test_bind_waves_keeps_the_shape(condition, waved, wave):
    bound = bind_waves(condition, wave, waved)
    expected = [(f"{n}_{wave}" if n in waved else n, v) for n, v in references(condition)]
    assert references(bound) == expected
    assert bind_waves(condition, wave, set()) == condition
