"""Checks of one question at a time, and of its skip rule against the questions before it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._fields import check_limit_value, suggest
from ._form_fields import (
    read_calculation,
    read_exclusive,
    read_filter_by,
    read_pattern,
    read_special,
)  # fmt: skip
from ._gps import read_point_limits
from ._yaml import LineMap
from .backcheck import read_backcheck
from .conditions import ConditionSyntaxError, parse_condition, references
from .model import (
    NUMERIC_TYPES,
    QUESTION_TYPES,
    SELECT_TYPES,
    SKIPPED_NOT_APPLICABLE,
    TODAY,
    Choice,
    Limit,
    Question,
    Scale,
)

if TYPE_CHECKING:
    from ._parts import InstrumentReader

_QUESTION_FIELDS = (
    "code", "type", "label", "hint", "required", "unit", "choices", "min", "max",
    "soft_min", "soft_max", "message", "relevant", "waves", "pii", "scale", "reverse",
    "part_of", "when_skipped", "sesoi", "pattern", "calculation", "filter_by", "special",
    "exclusive", "max_accuracy", "radius_km", "backcheck", "backcheck_tolerance",
)  # fmt: skip
_KEYWORDS = ("and", "or", "not", "in", "selected")  # words of the skip-rule language
_LIMITS = ("min", "max", "soft_min", "soft_max")


class QuestionReader:
    """Reads questions in order, remembering the ones before for skip rules and duplicates."""

    def __init__(
        self,
        reader: InstrumentReader,
        choices: dict[str, tuple[Choice, ...]],
        scales: dict[str, Scale],
        waves: tuple[int, ...],
    ) -> None:
        self.reader = reader
        self.choices = choices
        self.scales = scales
        self.waves = waves
        self.seen: dict[str, tuple[int, Question | None]] = {}
        self.columns: dict[str, tuple[int, str]] = {}
        self.broken: set[str] = set()  # questions with mistakes: skip rules naming them pass
        self.current: str | None = None  # the question being read
        self.pending: list[tuple[int, str, str, str]] = []  # skip-rule names not yet known
        self.pending_parts: list[tuple[int, str, str, str]] = []  # totals not yet known

    def question(self, node: Any, section: str, line: int) -> Question | None:
        r = self.reader
        if not isinstance(node, LineMap):
            r.problem(
                line,
                f"section {section!r}",
                "wrong_type",
                "each question must be a mapping (code: ..., type: ...)",
            )
            return None
        self.current = None
        where = f"question {node.get('code')!r}"
        r.fields(node, _QUESTION_FIELDS, where)
        code = r.identifier(node.get("code"), node.line_of("code"), where, "the question code")
        if code in _KEYWORDS:
            r.problem(
                node.line_of("code"), where, "bad_code",
                f"{code!r} is a word of the skip-rule language; choose another code",
            )  # fmt: skip
            code = None
        qtype = node.get("type")
        if qtype is None:
            r.problem(
                node.line,
                where,
                "missing_field",
                f"has no type; use one of {', '.join(QUESTION_TYPES)}",
            )
        elif qtype not in QUESTION_TYPES:
            r.problem(
                node.line_of("type"), where, "unknown_type",
                f"unknown type {qtype!r}{suggest(str(qtype), QUESTION_TYPES)}; "
                f"use one of {', '.join(QUESTION_TYPES)}",
            )  # fmt: skip
            qtype = None
        label = r.text(node, "label", where)
        hint = r.text(node, "hint", where, required=False)
        message = r.text(node, "message", where, required=False)
        required = r.flag(node, "required", where)
        pii = r.flag(node, "pii", where)
        reverse = r.flag(node, "reverse", where)
        waves = (
            r.wave_list(node["waves"], node.line_of("waves"), where, self.waves)
            if "waves" in node
            else ()
        )
        unit = self.unit(node, where, qtype)
        pattern = read_pattern(r, node, where, qtype)
        calculation = read_calculation(r, node, where, qtype)
        filter_by = read_filter_by(r, node, where, qtype, set(self.seen))
        special = read_special(r, node, where, qtype)
        choices, scale = self.choice_source(node, where, qtype)
        listed = self.choices.get(choices) if isinstance(choices, str) else None
        known = None if listed is None else tuple(c.code for c in listed)
        exclusive = read_exclusive(r, node, where, qtype, known)
        max_accuracy, radius_km = read_point_limits(r, node, where, qtype)
        if reverse and qtype != "likert":
            r.problem(
                node.line_of("reverse"),
                where,
                "field_not_allowed",
                "only likert items can be reverse-coded",
            )
        limits = self.limits(node, where, qtype)
        backcheck, tolerance = read_backcheck(r, node, where, qtype)
        duplicate = self.register(code, node, where, waves)
        relevant = self.relevant(node, where, waves)
        part_of = self.part_of(node, where, qtype, unit, waves)
        skipped = self.when_skipped(node, where, qtype, relevant)
        sesoi = self.sesoi(node, where, waves)
        if code is None or qtype is None or label is None or duplicate:
            if code is not None and not duplicate:
                self.broken.add(code)
            if isinstance(node.get("scale"), str):
                r.broken_scale_refs.add(node["scale"])
            return None
        question = Question(
            code, qtype, label, section, hint, required, unit, choices,
            limits.get("min"), limits.get("max"), limits.get("soft_min"), limits.get("soft_max"),
            message, relevant, waves, pii, scale, reverse, part_of, skipped, sesoi, pattern,
            calculation, filter_by, special, exclusive, max_accuracy, radius_km, backcheck,
            tolerance,
        )  # fmt: skip
        self.seen[code] = (node.line, question)
        return question

    def unit(self, node: LineMap, where: str, qtype: str | None) -> str | None:
        unit = node.get("unit")
        if unit is None:
            return None
        if not isinstance(unit, str) or not unit.strip():
            self.reader.problem(
                node.line_of("unit"), where, "wrong_type", "unit must be text such as CNY or years"
            )
            return None
        if qtype is not None and qtype not in NUMERIC_TYPES:
            self.reader.problem(
                node.line_of("unit"),
                where,
                "field_not_allowed",
                f"a {qtype} question has no unit; remove it",
            )
        return unit.strip()

    def choice_source(
        self, node: LineMap, where: str, qtype: str | None
    ) -> tuple[str | None, str | None]:
        r = self.reader
        name, scale = node.get("choices"), node.get("scale")
        if qtype in SELECT_TYPES:
            if name is None:
                r.problem(
                    node.line,
                    where,
                    "missing_choices",
                    f"a {qtype} question needs choices: <list name>",
                )
            elif not isinstance(name, str) or name not in self.choices:
                r.problem(
                    node.line_of("choices"), where, "unknown_choices",
                    f"choice list {name!r} is not defined{suggest(str(name), list(self.choices))}; "
                    "add it under choices:",
                )  # fmt: skip
                name = None
        elif name is not None and qtype is not None:
            r.problem(
                node.line_of("choices"),
                where,
                "field_not_allowed",
                f"a {qtype} question has no choices; remove them",
            )
            name = None
        if qtype == "likert":
            if scale is None:
                r.problem(
                    node.line, where, "missing_scale", "a likert question needs scale: <scale name>"
                )
            elif not isinstance(scale, str) or scale not in self.scales:
                r.problem(
                    node.line_of("scale"), where, "unknown_scale",
                    f"scale {scale!r} is not defined{suggest(str(scale), list(self.scales))}; "
                    "add it under scales:",
                )  # fmt: skip
                scale = None
        elif scale is not None and qtype is not None:
            r.problem(
                node.line_of("scale"),
                where,
                "field_not_allowed",
                "only likert questions belong to a scale",
            )
            scale = None
        return name, scale

    def limits(self, node: LineMap, where: str, qtype: str | None) -> dict[str, Limit]:
        r = self.reader
        given = {k: node[k] for k in _LIMITS if k in node}
        if not given or qtype is None:
            return {}
        if qtype not in (*NUMERIC_TYPES, "date"):
            for k in given:
                r.problem(
                    node.line_of(k),
                    where,
                    "field_not_allowed",
                    f"a {qtype} question has no {k}; remove it",
                )
            return {}
        limits: dict[str, Limit] = {}
        for k, value in given.items():
            if qtype == "date" and k == "max" and value == TODAY:
                limits[k] = TODAY  # not after the day the answer is checked
                continue
            checked = check_limit_value(qtype, value)
            if checked is None:
                kind = {
                    "integer": "a whole number",
                    "decimal": "a number",
                    "date": "a date such as 2022-01-31" + (" or today" if k == "max" else ""),
                }[qtype]
                r.problem(node.line_of(k), where, "bad_limit", f"{k} {value!r} must be {kind}")
            else:
                limits[k] = checked
        self.order(node, where, limits)
        return limits

    def order(self, node: LineMap, where: str, limits: dict[str, Limit]) -> None:
        r = self.reader
        # With the hard limits swapped, every soft limit looks outside them: report the swap only.
        fixed = TODAY not in limits.values()  # today has no fixed place among dates
        swapped = fixed and "min" in limits and "max" in limits and limits["min"] > limits["max"]  # type: ignore[operator]
        pairs = [
            ("min", "max", "min_gt_max", "swap them"),
            ("soft_min", "soft_max", "min_gt_max", "swap them"),
            ("min", "soft_min", "soft_outside_hard", "a soft limit lies within the hard limits"),
            ("soft_max", "max", "soft_outside_hard", "a soft limit lies within the hard limits"),
            ("min", "soft_max", "soft_outside_hard", "a soft limit lies within the hard limits"),
            ("soft_min", "max", "soft_outside_hard", "a soft limit lies within the hard limits"),
        ]
        for low, high, check, fix in pairs:
            if check == "soft_outside_hard" and swapped:
                continue
            if TODAY in (limits.get(low), limits.get(high)):
                continue  # today has no fixed place among dates
            if low in limits and high in limits and limits[low] > limits[high]:  # type: ignore[operator]
                soft = low if low.startswith("soft") else high  # the line of the soft limit
                r.problem(
                    node.line_of(soft if check == "soft_outside_hard" else low), where, check,
                    f"{low} ({limits[low]}) is greater than {high} ({limits[high]}); {fix}",
                )  # fmt: skip

    def register(self, code: str | None, node: LineMap, where: str, waves: tuple[int, ...]) -> bool:
        """Record the question's code and columns; True if one of them is taken already."""
        r = self.reader
        if code is None:
            return True
        line = node.line_of("code")
        if code in self.seen:
            first = self.seen[code][0]
            r.problem(
                line,
                where,
                "duplicate_code",
                f"code {code!r} is already used on line {first}; give each question its own code",
            )
            return True
        self.seen[code] = (node.line, None)
        self.current = code
        taken = False
        columns = [f"{code}_{w}" for w in waves] or [code]
        for column in columns:
            if column in self.columns:
                first_line, owner = self.columns[column]
                r.problem(
                    line, where, "duplicate_code",
                    f"column {column!r} is also made by question {owner!r} (line {first_line}); "
                    "rename one",
                )  # fmt: skip
                taken = True
            self.columns[column] = (line, code)
        return taken

    def relevant(self, node: LineMap, where: str, waves: tuple[int, ...]) -> str | None:
        """Check a skip rule against the questions before this one; return its text."""
        r = self.reader
        text = node.get("relevant")
        if text is None:
            return None
        line = node.line_of("relevant")
        if not isinstance(text, str):
            r.problem(
                line,
                where,
                "wrong_type",
                'relevant must be a condition in quotes, e.g. "age >= 18"',
            )
            return None
        try:
            condition = parse_condition(text)
        except ConditionSyntaxError as exc:
            r.problem(
                line,
                where,
                "bad_condition",
                f"skip rule {text!r}: {exc} (at character {exc.position + 1})",
            )
            return None
        for name, values in references(condition):
            owner = name if name in self.seen else self.columns.get(name, (0, None))[1]
            if owner is not None and owner == self.current:
                r.problem(
                    line, where, "later_question",
                    f"skip rule names {name!r}, this question itself; name an earlier question",
                )  # fmt: skip
                continue
            if owner in self.broken:
                continue  # that question has mistakes of its own, reported where it is
            target = self.target(name, waves)
            if target is None:
                owners = {o for _, o in self.columns.values() if o != self.current}
                known = sorted(owners) + [
                    c for c, (_, o) in self.columns.items() if o != self.current and c not in owners
                ]  # question codes first: the closest match is usually the question itself
                self.pending.append((line, where, name, suggest(name, known)))
                continue
            if isinstance(target, str):
                r.problem(line, where, "wave_needed", target)
                continue
            self.check_values(target, values, line, where, name)
        return text

    def when_skipped(
        self, node: LineMap, where: str, qtype: str | None, relevant: str | None
    ) -> float | str | None:
        """What a skipped answer means: a number (``0``) or ``not applicable``."""
        if "when_skipped" not in node:
            return None
        value = node["when_skipped"]
        line = node.line_of("when_skipped")
        if "relevant" not in node:
            self.reader.problem(
                line, where, "field_not_allowed",
                "when_skipped needs a skip rule (relevant: ...); remove it or add the rule",
            )  # fmt: skip
            return None
        if value == SKIPPED_NOT_APPLICABLE:
            return SKIPPED_NOT_APPLICABLE
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or (qtype is not None and qtype not in NUMERIC_TYPES):
            allowed = "a number such as 0 or " if qtype in NUMERIC_TYPES else ""
            self.reader.problem(
                line, where, "wrong_type",
                f"when_skipped must be {allowed}'{SKIPPED_NOT_APPLICABLE}'",
            )  # fmt: skip
            return None
        return value if relevant is not None else None

    def sesoi(self, node: LineMap, where: str, waves: tuple[int, ...]) -> float | None:
        """The smallest change of interest of a question asked in waves, in its own unit."""
        if "sesoi" not in node:
            return None
        value = node["sesoi"]
        line = node.line_of("sesoi")
        if len(waves) < 2:
            self.reader.problem(
                line, where, "field_not_allowed",
                "sesoi is the smallest before/after change of interest; only a question "
                "asked in two or more waves has one",
            )  # fmt: skip
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            self.reader.problem(
                line, where, "wrong_type",
                "sesoi must be a positive number in the question's unit, e.g. 2000",
            )  # fmt: skip
            return None
        return value

    def part_of(
        self,
        node: LineMap,
        where: str,
        qtype: str | None,
        unit: str | None,
        waves: tuple[int, ...],
    ) -> str | None:
        """Check that the total an amount is part of is an earlier number like it."""
        total = node.get("part_of")
        if total is None:
            return None
        r = self.reader
        line = node.line_of("part_of")
        if not isinstance(total, str):
            r.problem(line, where, "wrong_type", "part_of must name the question of the total")
            return None
        if qtype is not None and qtype not in NUMERIC_TYPES:
            r.problem(line, where, "field_not_allowed", "only a number can be part of a total")
            return None
        if total in self.broken:
            return None  # the total has mistakes of its own, reported where it is
        target = self.seen[total][1] if total in self.seen else None
        if target is None:
            known = [c for c in self.seen if c != self.current]
            self.pending_parts.append((line, where, total, suggest(total, known)))
            return None
        if target.type not in NUMERIC_TYPES:
            r.problem(line, where, "wrong_type", f"part_of names {total!r}, which is not a number")
        elif target.unit != unit:
            r.problem(
                line, where, "unit_mismatch",
                f"this amount is in {unit or 'no unit'} but its total {total!r} is in "
                f"{target.unit or 'no unit'}; give both the same unit",
            )  # fmt: skip
        elif set(target.waves) != set(waves):
            r.problem(
                line, where, "wave_mismatch",
                f"this amount is asked in waves {list(waves)} but its total {total!r} in "
                f"{list(target.waves)}; ask both in the same waves",
            )  # fmt: skip
        return total

    def finish(self) -> None:
        """Report what names no earlier question, now that every question is known."""
        for line, where, total, suggestion in self.pending_parts:
            if total in self.seen:
                self.reader.problem(
                    line, where, "later_question",
                    f"part_of names {total!r}, which is asked later (line {self.seen[total][0]}); "
                    "ask the total before its parts",
                )  # fmt: skip
            else:
                self.reader.problem(
                    line, where, "unknown_question",
                    f"part_of names {total!r}, which is not an earlier question{suggestion}",
                )  # fmt: skip
        for line, where, name, suggestion in self.pending:
            owner = name if name in self.seen else self.columns.get(name, (0, None))[1]
            if owner is not None:
                self.reader.problem(
                    line, where, "later_question",
                    f"skip rule names {name!r}, which is asked later (line {self.seen[owner][0]}); "
                    "a skip rule can only name earlier questions: move that question up",
                )  # fmt: skip
            else:
                self.reader.problem(
                    line, where, "unknown_question",
                    f"skip rule names {name!r}, which is not an earlier question{suggestion}",
                )  # fmt: skip

    def target(self, name: str, waves: tuple[int, ...]) -> Question | str | None:
        """The earlier question a skip rule names, a message if a wave is missing, or None."""
        question = self.seen[name][1] if name in self.seen else None
        if question is not None:
            if question.waves and not waves:
                options = " or ".join(f"{name}_{w}" for w in question.waves)
                return f"{name!r} is asked in waves; name the wave column ({options})"
            if question.waves and waves and not set(waves) <= set(question.waves):
                return f"{name!r} is not asked in every wave of this question; name a wave column"
            return question
        owner = self.columns.get(name)
        if owner is not None and owner[1] in self.seen and self.seen[owner[1]][1] is not None:
            return self.seen[owner[1]][1]
        return None

    def check_values(
        self, target: Question, values: tuple[Any, ...], line: int, where: str, name: str
    ) -> None:
        list_name = target.choices
        if target.type == "likert" and target.scale in self.scales:
            list_name = self.scales[target.scale].choices
        codes = [c.code for c in self.choices.get(list_name or "", ())]
        for value in values:
            if codes and value not in codes:
                self.reader.problem(
                    line, where, "unknown_choice",
                    f"skip rule compares {name!r} with {value!r}, which is not one of its "
                    f"codes {codes}",
                )  # fmt: skip
