"""The instrument's rosters: sections with ``roster:``, asked once per member of a household.

A roster section is written among the sections; it is read like any other, then taken out
of them into :attr:`Instrument.rosters` with its key, its expected count and the checks
across levels it declares. A roster may be nested once (``within:`` another roster: plots
within a household's farms); its count and totals are then questions of that roster. Skip
rules and ``part_of`` do not cross levels.
"""

from __future__ import annotations

from typing import Any

from ._fields import FieldReader, suggest
from ._roster_ages import own_condition, read_older_than
from ._yaml import LineList, LineMap
from .conditions import ConditionSyntaxError, parse_condition, references
from .model import NUMERIC_TYPES, Question, Roster, RosterSum, Section

__all__ = ["read_rosters"]

_FIELDS = ("key", "within", "count", "exactly_one", "sums", "older_than", "severity")
_SUM_FIELDS = ("total", "part", "tolerance")
_KEY_TYPES = ("integer", "text", "select_one")


def read_rosters(
    reader: FieldReader,
    sections: list[Section],
    nodes: dict[str, LineMap],
    main: dict[str, Question],
) -> tuple[Roster, ...]:
    """Build the rosters of the sections that have ``roster:``, recording every mistake.

    ``nodes`` maps each roster section's code to its mapping in the file; ``main`` holds
    the household questions (those of sections without ``roster:``). A nested roster comes
    right after the roster it is within (and its siblings), whatever the file's order.
    """
    rosters: list[Roster] = []
    by_code = {s.code: s for s in sections}
    for section in sections:
        node = nodes.get(section.code)
        if node is None:
            continue
        roster = _roster(reader, node, section, main, by_code, nodes)
        if roster is not None:
            rosters.append(roster)
    own = {q.code: s.code for s in sections if s.code in nodes for q in s.questions}
    for section in sections:
        for question in section.questions:
            _one_level(reader, question, own.get(question.code), own)
    return tuple(
        r for top in rosters if top.within is None
        for r in (top, *(r for r in rosters if r.within == top.code))
    )  # fmt: skip


def _roster(
    reader: FieldReader,
    node: LineMap,
    section: Section,
    main: dict[str, Question],
    sections: dict[str, Section],
    nodes: dict[str, LineMap],
) -> Roster | None:
    where = f"roster {section.code!r}"
    spec = reader.mapping(node.get("roster"), node.line_of("roster"), where, "roster")
    if spec is None:
        return None
    before = len(reader.problems)
    reader.fields(spec, _FIELDS, where)
    own = {q.code: q for q in section.questions}
    key = _key(reader, spec, where, own, node.line_of("roster"))
    within, parent, what = _within(reader, spec, where, section.code, sections, nodes)
    parent = parent if parent is not None else main
    known = bool(what)  # not when ``within`` is wrong: its count and totals are unknowable
    count = _count(reader, spec, where, parent, what) if known else None
    exactly_one = _exactly_one(reader, spec, where, own)
    sums = _sums(reader, spec, where, parent, own, what) if known else ()
    older_than = read_older_than(reader, spec, where, own)
    severity = spec.get("severity", "error")
    if severity not in ("error", "warning"):
        reader.problem(
            spec.line_of("severity"), where, "bad_severity",
            f"severity must be error or warning, not {severity!r}",
        )  # fmt: skip
    if key is None or len(reader.problems) > before:
        return None
    return Roster(section, key, count, exactly_one, sums, str(severity), within, older_than)


def _within(
    reader: FieldReader,
    spec: LineMap,
    where: str,
    code: str,
    sections: dict[str, Section],
    nodes: dict[str, LineMap],
) -> tuple[str | None, dict[str, Question] | None, str]:
    """The roster this one is within, its questions, and how a message names it."""
    value, line = spec.get("within"), spec.line_of("within")
    if value is None:
        return None, None, "of the household"
    others = [c for c in nodes if c != code]
    if not isinstance(value, str) or value not in others:
        reader.problem(
            line, where, "unknown_roster",
            f"within {value!r} is no other roster of the instrument{suggest(str(value), others)}",
        )  # fmt: skip
        return None, None, ""
    outer: Any = nodes[value].get("roster")
    if isinstance(outer, LineMap) and outer.get("within") is not None:
        reader.problem(
            line, where, "nested_too_deep",
            f"roster {value!r} is itself within roster {outer.get('within')!r}; a roster may "
            "be nested only once (plots within a household's farms)",
        )  # fmt: skip
        return None, None, ""
    parent = sections.get(value)
    return value, {q.code: q for q in parent.questions} if parent else {}, f"of roster {value!r}"


def _key(
    reader: FieldReader, spec: LineMap, where: str, own: dict[str, Question], at: int
) -> str | None:
    key, line = spec.get("key"), spec.line_of("key")
    if key is None:
        line = at
        reader.problem(
            line, where, "missing_field",
            "a roster needs its own key: the question numbering its rows (key: member_no)",
        )  # fmt: skip
        return None
    if not isinstance(key, str) or key not in own:
        reader.problem(
            line, where, "unknown_question",
            f"key {key!r} is no question of this roster{suggest(str(key), list(own))}",
        )  # fmt: skip
        return None
    question = own[key]
    if not question.required:
        reader.problem(
            line, where, "key_not_required", f"key question {key!r} must be required; "
            "add required: true",
        )  # fmt: skip
    elif question.waves:
        reader.problem(line, where, "key_has_waves", f"key question {key!r} cannot have waves")
    elif question.type not in _KEY_TYPES:
        reader.problem(
            line, where, "wrong_type", f"key question {key!r} must be integer, text or select_one"
        )
    return key


def _count(
    reader: FieldReader, spec: LineMap, where: str, main: dict[str, Question], what: str
) -> str | None:
    count, line = spec.get("count"), spec.line_of("count")
    if count is None:
        return None
    question = main.get(count) if isinstance(count, str) else None
    if question is None:
        reader.problem(
            line, where, "unknown_question", f"count {count!r} is no question "
            f"{what}{suggest(str(count), list(main))}",
        )  # fmt: skip
        return None
    if question.type != "integer" or question.waves:
        reader.problem(
            line, where, "wrong_type",
            f"count {count!r} must be an integer question asked once (no waves)",
        )  # fmt: skip
        return None
    return str(count)


def _exactly_one(
    reader: FieldReader, spec: LineMap, where: str, own: dict[str, Question]
) -> str | None:
    text, line = spec.get("exactly_one"), spec.line_of("exactly_one")
    if text is None:
        return None
    return own_condition(reader, text, line, where, "exactly_one", own)


def _sums(
    reader: FieldReader,
    spec: LineMap,
    where: str,
    main: dict[str, Question],
    own: dict[str, Question],
    what: str,
) -> tuple[RosterSum, ...]:
    value, line = spec.get("sums"), spec.line_of("sums")
    if value is None:
        return ()
    if not isinstance(value, LineList) or not value:
        reader.problem(line, where, "wrong_type", "sums must be a list of {total, part}")
        return ()
    sums: list[RosterSum] = []
    for item in value:
        if not isinstance(item, LineMap):
            reader.problem(value.line, where, "wrong_type", "each sum needs a total and a part")
            continue
        reader.fields(item, _SUM_FIELDS, where)
        total = _number_question(reader, item, "total", main, where, what)
        part = _number_question(reader, item, "part", own, where, "of this roster")
        tolerance = reader.amount(item, "tolerance", where)
        if tolerance is None or total is None or part is None:
            continue
        if total.waves != part.waves:
            reader.problem(
                item.line, where, "wave_mismatch",
                f"{part.code!r} and its total {total.code!r} must be asked in the same waves",
            )  # fmt: skip
            continue
        sums.append(RosterSum(total.code, part.code, tolerance))
    return tuple(sums)


def _number_question(
    reader: FieldReader,
    item: LineMap,
    field: str,
    questions: dict[str, Question],
    where: str,
    what: str,
) -> Question | None:
    code = item.get(field)
    question = questions.get(code) if isinstance(code, str) else None
    if question is None:
        reader.problem(
            item.line_of(field), where, "unknown_question" if code is not None else
            "missing_field", f"{field} {code!r} is no question {what}",
        )  # fmt: skip
        return None
    if question.type not in NUMERIC_TYPES:
        reader.problem(
            item.line_of(field), where, "wrong_type", f"{field} {code!r} must be a number question"
        )
        return None
    return question


def _one_level(
    reader: FieldReader, question: Question, level: str | None, own: dict[str, str]
) -> None:
    """Skip rules and ``part_of`` name questions of the question's own level."""
    named: list[str] = [question.part_of] if question.part_of else []
    if question.relevant:
        try:
            named += [name for name, _ in references(parse_condition(question.relevant))]
        except ConditionSyntaxError:
            return  # reported where the question is read
    for name in named:
        base = name if name in own or name in reader.question_codes else name.rsplit("_", 1)[0]
        other = own.get(base)
        if base in reader.question_codes and other != level:
            there = f"roster {other!r}" if other else "the household"
            here = f"roster {level!r}" if level else "the household"
            reader.problem(
                reader.question_lines.get(question.code), f"question {question.code!r}",
                "other_level", f"names {name!r}, a question of {there}; a question of {here} "
                "may name only questions of its own level",
            )  # fmt: skip
