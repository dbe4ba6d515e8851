"""Write then read gives back the same instrument, for any valid instrument.

Hypothesis builds random valid instruments as plain data (the layout of an instrument file):
one or two languages, every question type, choice lists with number or name codes, limits in
order, waves, skip rules on earlier answers, rosters (one perhaps within the other) with
counts, sums, exactly_one and older_than, and labels full of text that YAML likes to misread
("yes", "null", "1.10", "- x", "a: b", "#c", quotes, "=SUM(A1)", Chinese).
"""

from __future__ import annotations

from datetime import date

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from villagesurvey.instrument import dump_instrument, instrument_to_dict, parse_instrument
from villagesurvey.instrument.backcheck import CHECKABLE_TYPES
from villagesurvey.instrument.conditions import AllOf, AnyOf, Compare, In, Not, format_condition
from villagesurvey.instrument.model import QUESTION_TYPES

AWKWARD_TEXT = [
    "yes", "no", "Yes", "NO", "on", "Off", "y", "n", "null", "Null", "~", "true", "False",
    "1.0", "1.10", "007", "0x1F", "1_000", "12:30", "1e3", ".inf", "-.nan", "2022-06-01",
    "2022-13-45", "- x", "a: b", "a:b", "#c", "a #c", "'quoted'", '"double"', "it's", "=SUM(A1)",
    "=1+1", "+86 138", "@home", "`tick`", "*star", "&anchor", "!tag", "%pct", "[1, 2]",
    "{a: 1}", "? q", "|", "> folded", "---", "...", "  padded  ", "tab\there", "line\nbreak",
    "收入", "乡村跨境电商家庭调查", "是", "否", "家庭总收入（元）", "Åse", "🙂",
]  # fmt: skip
AWKWARD_CODES = ["yes", "no", "on", "off", "y", "n", "null", "true", "True", "NO", "nan", "inf"]
KEYWORDS = {"and", "or", "not", "in", "selected"}

texts = st.one_of(
    st.sampled_from(AWKWARD_TEXT),
    st.text(min_size=1, max_size=20).filter(lambda s: s.strip()),
)
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
identifiers = st.one_of(
    st.sampled_from(AWKWARD_CODES),
    st.builds(
        str.__add__,
        st.sampled_from(_LETTERS),
        st.text(alphabet=_LETTERS + "0123456789_", max_size=19),
    ),
).filter(lambda s: s not in KEYWORDS)
languages = st.lists(
    st.sampled_from(["en", "zh", "fr", "ug", "bo", "zh-Hans"]), min_size=1, max_size=2, unique=True
)
choice_codes = st.one_of(
    st.lists(st.integers(-99, 999), min_size=1, max_size=5, unique=True),
    st.lists(identifiers, min_size=1, max_size=5, unique=True),
)
LIMIT_VALUES = {
    "integer": st.integers(-(10**9), 10**9),
    "decimal": st.one_of(
        st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False), st.integers(-1000, 1000)
    ),
    "date": st.dates(date(1950, 1, 1), date(2050, 12, 31)),
}
LIMIT_NAMES = ("min", "soft_min", "soft_max", "max")


@st.composite
def instruments(draw):
    """A valid instrument as the plain data of an instrument file (defaults left out)."""
    langs = draw(languages)

    def text():
        return {lang: draw(texts) for lang in langs}

    waves = sorted(draw(st.sets(st.integers(2015, 2025), max_size=3)))
    used: dict[str, set[str]] = {"question": set(), "list": set()}

    def fresh(kind):
        """An identifier not used yet for this kind of thing."""
        new = draw(identifiers.filter(lambda s: s not in used[kind]))
        used[kind].add(new)
        return new

    choices: dict[str, list[dict]] = {}
    for _ in range(draw(st.integers(0, 3))):
        choices[fresh("list")] = [{"code": c, **text()} for c in draw(choice_codes)]
    scales: dict[str, dict] = {}

    def choice_list(integer_codes=False):
        usable = [n for n, items in choices.items() if not integer_codes or _all_int(items)]
        if usable and draw(st.booleans()):
            return draw(st.sampled_from(usable))
        name = fresh("list")
        picked = draw(st.lists(st.integers(1, 9), min_size=2, max_size=7, unique=True))
        drawn = picked if integer_codes else draw(choice_codes)
        choices[name] = [{"code": c, **text()} for c in drawn]
        return name

    def scale():
        if scales and draw(st.booleans()):
            return draw(st.sampled_from(sorted(scales)))
        name = fresh("list")
        scales[name] = {"label": text(), "choices": choice_list(integer_codes=True)}
        return name

    earlier: list[tuple[str, list[int], list]] = []  # select_one questions: code, waves, codes
    numbers: list[dict] = []  # earlier integer and decimal questions, candidate totals

    def skip_rule(own_waves):
        if not earlier or not draw(st.booleans()):
            return None
        leaves = []
        for _ in range(draw(st.integers(1, 2))):
            code, target_waves, target_codes = draw(st.sampled_from(earlier))
            same_waves = own_waves and set(own_waves) <= set(target_waves)
            if target_waves and not (same_waves and draw(st.booleans())):
                code = f"{code}_{draw(st.sampled_from(target_waves))}"  # a wave column
            if draw(st.booleans()):
                leaves.append(
                    Compare(
                        code,
                        draw(st.sampled_from(["=", "!="])),
                        draw(st.sampled_from(target_codes)),
                    )
                )
            else:
                values = draw(st.lists(st.sampled_from(target_codes), min_size=1, max_size=3))
                leaves.append(In(code, tuple(values)))
        rule = (
            leaves[0] if len(leaves) == 1 else draw(st.sampled_from([AllOf, AnyOf]))(tuple(leaves))
        )
        return format_condition(Not(rule) if draw(st.booleans()) else rule)

    def question(qtype, is_key=False):
        q = {"code": fresh("question"), "type": qtype, "label": text()}
        if draw(st.booleans()):
            q["hint"] = text()
        if is_key or draw(st.booleans()):
            q["required"] = True
        if qtype in ("integer", "decimal") and draw(st.booleans()):
            q["unit"] = draw(st.sampled_from(["CNY", "USD", "years", "mu", "persons"]))
        if qtype in ("select_one", "select_multiple"):
            q["choices"] = choice_list()
            if qtype == "select_multiple" and draw(st.booleans()):
                q["exclusive"] = [draw(st.sampled_from([c["code"] for c in choices[q["choices"]]]))]
        if qtype in LIMIT_VALUES:
            values = sorted(draw(st.lists(LIMIT_VALUES[qtype], min_size=4, max_size=4)))
            for name, value in zip(LIMIT_NAMES, values, strict=True):
                if draw(st.booleans()):
                    q[name] = value
            if any(name in q for name in LIMIT_NAMES) and draw(st.booleans()):
                q["message"] = text()
        q_waves = [] if is_key or not waves else draw(st.lists(st.sampled_from(waves), unique=True))
        if not is_key and (rule := skip_rule(q_waves)):
            q["relevant"] = rule
            if draw(st.booleans()):
                numeric = qtype in ("integer", "decimal")
                q["when_skipped"] = draw(
                    st.sampled_from([0, 0.5, "not applicable"] if numeric else ["not applicable"])
                )
        if q_waves:
            q["waves"] = q_waves
            if len(q_waves) >= 2 and draw(st.booleans()):
                q["sesoi"] = draw(st.sampled_from([1, 0.5, 2000]))
        if draw(st.booleans()):
            q["pii"] = True
        if qtype in ("integer", "decimal") and ("min" in q or "max" in q) and draw(st.booleans()):
            q["special"] = draw(st.sampled_from([[999], [-9, 9999]]))
        if qtype == "calculate":
            q["calculation"] = draw(st.sampled_from(["1 + 1", "concat('a', 'b')", "today()"]))
        if qtype == "text" and draw(st.booleans()):
            q["pattern"] = draw(st.sampled_from(["^[0-9]{10}$", "^H[0-9]{3}$", "'"]))
        if qtype == "geopoint" and draw(st.booleans()):
            q["max_accuracy"] = draw(st.sampled_from([10, 25.5, 0.5]))
        if qtype == "geopoint" and draw(st.booleans()):
            q["radius_km"] = draw(st.sampled_from([2, 0.75, 40]))
        if qtype == "likert":
            q["scale"] = scale()
            if draw(st.booleans()):
                q["reverse"] = True
        if qtype in ("integer", "decimal") and not is_key:
            totals = [t for t in numbers if sorted(t.get("waves", [])) == sorted(q_waves)]
            if totals and draw(st.booleans()):
                total = draw(st.sampled_from(totals))
                q["part_of"] = total["code"]
                q.pop("unit", None)
                if "unit" in total:
                    q["unit"] = total["unit"]
            numbers.append(q)
        if qtype == "select_one":
            earlier.append((q["code"], q_waves, [c["code"] for c in choices[q["choices"]]]))
        return q

    sections = []
    key_types = st.sampled_from(["text", "integer", "select_one"])
    key = [question(draw(key_types), is_key=True) for _ in range(draw(st.integers(1, 2)))]
    for number in range(draw(st.integers(1, 2))):
        types = draw(st.lists(st.sampled_from(QUESTION_TYPES), min_size=1, max_size=4))
        questions = [question(qtype) for qtype in types]
        for q in questions:  # back-check marks: household questions only, never the key
            if q["type"] in CHECKABLE_TYPES and draw(st.booleans()):
                q["backcheck"] = draw(st.sampled_from([1, 2, 3]))
                if q["type"] in ("integer", "decimal") and draw(st.booleans()):
                    q["backcheck_tolerance"] = draw(st.sampled_from([0, 2, 0.5, "10%", "2.5%"]))
        if number == 0:
            questions = key + questions
        sections.append({"code": fresh("list"), "label": text(), "questions": questions})

    household = [q for s in sections for q in s["questions"]]
    rosters: list[dict] = []
    for number in range(draw(st.integers(0, 2))):
        earlier, numbers = [], []  # skip rules and totals stay within a roster's level
        outer = rosters[0] if number == 1 and draw(st.booleans()) else None
        parent = outer["questions"] if outer else household
        questions = [question(draw(key_types), is_key=True)]
        types = draw(st.lists(st.sampled_from(ROSTER_TYPES), max_size=4))
        questions += [question(qtype) for qtype in types]
        spec = roster_spec(draw, questions, parent, earlier)
        if outer:
            spec["within"] = outer["code"]
        rosters.append({"code": fresh("list"), "label": text(), "roster": spec,
                        "questions": questions})  # fmt: skip

    columns = [
        f"{q['code']}_{w}" if "waves" in q else q["code"]
        for s in [*sections, *rosters]
        for q in s["questions"]
        for w in q.get("waves", [None])
    ]
    assume(len(columns) == len(set(columns)))  # e.g. a question x_2020 and x with waves [2020]

    version = draw(st.one_of(st.sampled_from(["1", "2022.10", "v2\n(pilot)", "null"]), texts))
    out = {
        "id": draw(identifiers),
        "version": version.strip() or "1",
        "title": text(),
        "languages": langs,
    }
    if waves:
        out["waves"] = waves
    out["key"] = [q["code"] for q in key]
    if choices:
        out["choices"] = choices
    if scales:
        out["scales"] = scales
    out["sections"] = sections + rosters
    return out


ROSTER_TYPES = ("integer", "decimal", "text", "select_one", "select_multiple", "date")


def roster_spec(draw, questions, parent, earlier):
    """A roster's ``roster:`` mapping: its key, and perhaps a count and checks across levels.

    ``parent`` holds the questions of the level it is within, ``earlier`` its own select_one
    questions (code, waves, codes).
    """
    spec: dict = {"key": questions[0]["code"]}
    once = [q for q in parent if q["type"] == "integer" and "waves" not in q]
    if once and draw(st.booleans()):
        spec["count"] = draw(st.sampled_from(once))["code"]
    selects = [(code, codes) for code, own_waves, codes in earlier if not own_waves]
    if selects and draw(st.booleans()):
        code, codes = draw(st.sampled_from(selects))
        spec["exactly_one"] = format_condition(Compare(code, "=", draw(st.sampled_from(codes))))
    numeric = ("integer", "decimal")
    pairs = [
        (t["code"], p["code"]) for t in parent for p in questions[1:]
        if t["type"] in numeric and p["type"] in numeric and t.get("waves") == p.get("waves")
    ]  # fmt: skip
    if pairs and draw(st.booleans()):
        total, part = draw(st.sampled_from(pairs))
        tolerance = draw(st.sampled_from([0, 0.5, 1, 2.5]))
        spec["sums"] = [{"total": total, "part": part} | ({"tolerance": tolerance} if tolerance
                                                          else {})]  # fmt: skip
    ages = [q["code"] for q in questions if q["type"] in numeric and "waves" not in q]
    if selects and ages and draw(st.booleans()):
        (older, older_codes), (younger, younger_codes) = (
            draw(st.sampled_from(selects)),
            draw(st.sampled_from(selects)),
        )
        rule = {
            "older": format_condition(Compare(older, "=", draw(st.sampled_from(older_codes)))),
            "younger": format_condition(
                In(younger, tuple(draw(st.lists(st.sampled_from(younger_codes), min_size=1))))
            ),
            "age": draw(st.sampled_from(ages)),
        }
        if by := draw(st.sampled_from([0, 12, 15.5])):
            rule["by"] = by
        spec["older_than"] = [rule]
    if draw(st.booleans()):
        spec["severity"] = "warning"
    return spec


def _all_int(items):
    return all(isinstance(c["code"], int) for c in items)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instruments())
def test_dump_then_parse_gives_the_same_instrument(data):
    # PyYAML with allow_unicode writes a NEL (U+0085) raw and reads it back as a space;
    # escaped (the default) every text survives, so the input is written that way.
    instrument = parse_instrument(yaml.safe_dump(data, sort_keys=False))
    assert instrument_to_dict(instrument) == data  # every text read exactly as written

    text = dump_instrument(instrument)
    again = parse_instrument(text, source="dumped.yaml")
    assert again == instrument
    assert again.content_hash == instrument.content_hash
    assert again.columns == instrument.columns
    assert dump_instrument(again) == text


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instruments())
def test_content_hash_ignores_the_layout_of_the_file(data):
    block = yaml.safe_dump(data, sort_keys=True, default_flow_style=False, indent=4)
    flow = yaml.safe_dump(data, sort_keys=False, default_flow_style=True, width=60)
    assert block != flow
    assert parse_instrument(block) == parse_instrument(flow)
    assert parse_instrument(block).content_hash == parse_instrument(flow).content_hash


def test_line_breaks_and_control_characters_survive_the_round_trip():
    data = {
        "id": "odd",
        "version": "2022.1\n(pilot)\x9b",  # the dumped header comment must stay one line
        "title": {"en": "a\x85b"},  # NEL: PyYAML writes it raw in '...' and reads a space
        "languages": ["en"],
        "key": ["hh"],
        "sections": [
            {
                "code": "main",
                "label": {"en": "x\u2028y\u2029z"},
                "questions": [
                    {
                        "code": "hh",
                        "type": "text",
                        "label": {"en": "\x9b\x00\ufeff"},
                        "required": True,
                    }
                ],
            }
        ],
    }
    instrument = parse_instrument(yaml.safe_dump(data))
    assert instrument_to_dict(instrument) == data
    assert parse_instrument(dump_instrument(instrument)) == instrument


def test_shipped_instrument_survives_the_round_trip(model_study):
    again = parse_instrument(dump_instrument(model_study))
    assert again == model_study
    assert again.content_hash == model_study.content_hash
