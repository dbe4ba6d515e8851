"""The instrument's parts: identity, languages, waves, choice lists, scales, sections, key."""

from __future__ import annotations

import re
from typing import Any

from ._fields import FieldReader, is_int, suggest
from ._rosters import read_rosters
from ._rules import read_rules
from ._yaml import LineList, LineMap
from .backcheck import check_backchecks
from .model import Choice, Instrument, Question, Scale, Section

__all__ = ["InstrumentReader"]

_REFERENCE = re.compile(r"\$\{\s*([^}]*?)\s*\}")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_TOP_FIELDS = (
    "id",
    "version",
    "title",
    "consent",
    "languages",
    "waves",
    "key",
    "choices",
    "scales",
    "sections",
    "checks",
)
_TOP_REQUIRED = ("id", "version", "title", "languages", "key", "sections")
_SECTION_FIELDS = ("code", "label", "questions", "roster")
_SCALE_FIELDS = ("label", "choices")


class InstrumentReader(FieldReader):
    """Reads a whole instrument, part by part, building what is sound."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.roster_nodes: dict[str, LineMap] = {}  # the sections with roster:, by code

    def instrument(self, data: Any) -> Instrument | None:
        if not isinstance(data, LineMap):
            self.problem(
                1,
                "",
                "wrong_type",
                "an instrument file must be a YAML mapping (id: ..., version: ...)",
            )
            return None
        self.fields(data, _TOP_FIELDS, "")
        for key in _TOP_REQUIRED:
            if data.get(key) is None:  # absent, or present but empty (version:)
                self.problem(
                    data.line_of(key), "", "missing_field", f"the instrument has no {key!r}; add it"
                )
        ident = (
            self.identifier(data["id"], data.line_of("id"), "", "id")
            if data.get("id") is not None
            else None
        )
        version = self.version(data)
        self.languages = self.language_list(data)
        title = self.text(data, "title", "", required=False) if "title" in data else None
        consent = self.text(data, "consent", "", required=False) if "consent" in data else None
        waves = (
            self.wave_list(data.get("waves"), data.line_of("waves"), "", ())
            if "waves" in data
            else ()
        )
        choices = self.choice_lists(data.get("choices"), data.line_of("choices"))
        scales = self.scale_defs(data.get("scales"), data.line_of("scales"), choices)
        sections = self.section_list(
            data.get("sections"), data.line_of("sections"), choices, scales, waves
        )
        every = [q for s in sections for q in s.questions]
        sections, roster_sections = _levels(sections, self.roster_nodes)
        questions = [q for s in sections for q in s.questions]
        respondent_key = self.key(data, {q.code: q for q in questions})
        check_backchecks(
            self, respondent_key, questions, [q for s in roster_sections for q in s.questions]
        )
        rules = read_rules(self, data.get("checks"), data.line_of("checks"), {
            q.code: q for q in questions})  # fmt: skip
        rosters = read_rosters(
            self, [*sections, *roster_sections], self.roster_nodes, {q.code: q for q in questions}
        )
        self.empty_scales(every, scales, data.get("scales"))
        self.references(every)
        if self.problems or ident is None or version is None or title is None:
            return None
        return Instrument(
            ident,
            version,
            title,
            self.languages,
            respondent_key,
            tuple(sections),
            choices,
            scales,
            waves,
            rules,
            consent=consent,
            rosters=rosters,
        )

    def version(self, data: LineMap) -> str | None:
        value = data.get("version")
        if value is None:
            return None
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.problem(
            data.line_of("version"),
            "",
            "wrong_type",
            f'version must be text; write it in quotes (version: "{value}") so that '
            "2022.10 does not become 2022.1",
        )
        return None

    def language_list(self, data: LineMap) -> tuple[str, ...]:
        value = data.get("languages")
        line = data.line_of("languages")
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.problem(
                line, "", "wrong_type", "languages must be a list of language codes, e.g. [en, zh]"
            )
            return ()
        good: list[str] = []
        for lang in value:
            if not isinstance(lang, str) or not _LANGUAGE.match(lang):
                self.problem(
                    line, "", "bad_language", f"{lang!r} is not a language code such as en or zh"
                )
            elif lang in good:
                self.problem(line, "", "duplicate_language", f"language {lang!r} is listed twice")
            else:
                good.append(lang)
        return tuple(good)

    def wave_list(
        self, value: Any, line: int, where: str, allowed: tuple[int, ...]
    ) -> tuple[int, ...]:
        if not isinstance(value, list) or not value:
            self.problem(
                line, where, "wrong_type", "waves must be a list of years, e.g. [2020, 2022]"
            )
            return ()
        good: list[int] = []
        for wave in value:
            if not is_int(wave) or not 1900 <= wave <= 2200:
                self.problem(line, where, "bad_wave", f"wave {wave!r} is not a year such as 2020")
            elif wave in good:
                self.problem(line, where, "duplicate_wave", f"wave {wave} is listed twice")
            elif allowed and wave not in allowed:
                self.problem(
                    line, where, "unknown_wave",
                    f"wave {wave} is not one of the instrument's waves {list(allowed)}; "
                    "add it there or fix the year",
                )  # fmt: skip
            else:
                good.append(wave)
        return tuple(good)

    def choice_lists(self, value: Any, line: int) -> dict[str, tuple[Choice, ...]]:
        if value is None:
            return {}
        node = self.mapping(value, line, "", "choices")
        result: dict[str, tuple[Choice, ...]] = {}
        for name, items in (node or {}).items():
            where = f"choice list {name!r}"
            name_line = node.line_of(name) if node else line
            if self.identifier(name, name_line, where, "the choice list name") is None:
                continue
            if not isinstance(items, LineList) or not items:
                self.problem(
                    name_line, where, "wrong_type", "must be a list of {code: ..., <language>: ...}"
                )
                result[name] = ()  # known, so that its questions are not told it is undefined
                continue
            result[name] = self.choice_items(items, where)
        return result

    def choice_items(self, items: LineList, where: str) -> tuple[Choice, ...]:
        choices: list[Choice] = []
        seen: dict[Any, int] = {}
        for item in items:
            item_line = item.line if isinstance(item, LineMap) else items.line
            if not isinstance(item, LineMap) or "code" not in item:
                self.problem(
                    item_line,
                    where,
                    "wrong_type",
                    "each choice needs a code and a label per language",
                )
                continue
            code = item["code"]
            if not (is_int(code) or (isinstance(code, str) and code and code == code.strip())):
                self.problem(
                    item_line, where, "bad_code",
                    f"choice code {code!r} must be a whole number or a text without spaces "
                    "around it",
                )  # fmt: skip
                continue
            if code in seen:
                self.problem(
                    item_line, where, "duplicate_choice",
                    f"choice code {code!r} is used twice (first on line {seen[code]}); "
                    "give each choice its own code",
                )  # fmt: skip
                continue
            seen[code] = item_line
            values = self.choice_filter(item, where)
            text = LineMap({k: v for k, v in item.items() if k != "filter"})
            text.line, text.key_lines, text.plain = item.line, item.key_lines, item.plain
            choices.append(
                Choice(code, self.translations(text, item_line, where, f"choice {code!r}"), values)
            )
        return tuple(choices)

    def choice_filter(self, item: LineMap, where: str) -> tuple[tuple[str, str], ...]:
        """A choice's ``filter: {state: ca}``: the values a cascading select compares."""
        value = item.get("filter")
        if value is None:
            return ()
        if not isinstance(value, LineMap) or not all(
            isinstance(v, str | int) and not isinstance(v, bool) for v in value.values()
        ):
            self.problem(
                item.line_of("filter"), where, "wrong_type",
                "filter must map names to values: {state: ca}",
            )  # fmt: skip
            return ()
        return tuple((str(k), str(v)) for k, v in value.items())

    def scale_defs(
        self, value: Any, line: int, choices: dict[str, tuple[Choice, ...]]
    ) -> dict[str, Scale]:
        if value is None:
            return {}
        node = self.mapping(value, line, "", "scales")
        result: dict[str, Scale] = {}
        for name, spec in (node or {}).items():
            where = f"scale {name!r}"
            name_line = node.line_of(name) if node else line
            if self.identifier(name, name_line, where, "the scale name") is None:
                continue
            spec_node = self.mapping(spec, name_line, where, "a scale")
            if spec_node is None:
                continue
            self.fields(spec_node, _SCALE_FIELDS, where)
            label = self.text(spec_node, "label", where)
            list_name = spec_node.get("choices")
            # Known even when broken, so that its items are not also told it is undefined.
            result[name] = Scale(name, label or {}, list_name if isinstance(list_name, str) else "")
            if list_name is None:
                self.problem(
                    spec_node.line,
                    where,
                    "missing_choices",
                    "has no choices; name the Likert choice list",
                )
                continue
            if not isinstance(list_name, str) or list_name not in choices:
                self.problem(
                    spec_node.line_of("choices"), where, "unknown_choices",
                    f"choice list {list_name!r} is not defined"
                    f"{suggest(str(list_name), list(choices))}",
                )  # fmt: skip
                continue
            if not all(is_int(c.code) for c in choices[list_name]):
                self.problem(
                    spec_node.line_of("choices"), where, "likert_codes",
                    f"the codes of {list_name!r} must be whole numbers (1, 2, 3, ...) to be scored",
                )  # fmt: skip
        return result

    def section_list(
        self,
        value: Any,
        line: int,
        choices: dict[str, tuple[Choice, ...]],
        scales: dict[str, Scale],
        waves: tuple[int, ...],
    ) -> list[Section]:
        if value is None:
            return []
        if not isinstance(value, LineList) or not value:
            self.problem(line, "", "wrong_type", "sections must be a list of sections")
            return []
        from ._questions import QuestionReader

        questions = QuestionReader(self, choices, scales, waves)
        sections: list[Section] = []
        section_codes: set[str] = set()
        for node in value:
            if not isinstance(node, LineMap):
                self.problem(
                    value.line,
                    "",
                    "wrong_type",
                    "each section must be a mapping with code, label, questions",
                )
                continue
            where = f"section {node.get('code')!r}"
            self.fields(node, _SECTION_FIELDS, where)
            code = self.identifier(
                node.get("code"), node.line_of("code"), where, "the section code"
            )
            if code in section_codes:
                self.problem(
                    node.line_of("code"),
                    where,
                    "duplicate_code",
                    f"section code {code!r} is used twice",
                )
            label = self.text(node, "label", where)
            items = node.get("questions")
            if not isinstance(items, LineList) or not items:
                self.problem(
                    node.line, where, "wrong_type", "questions must be a list of questions"
                )
                items = LineList()
            read = tuple(
                q for q in (questions.question(item, code or "", items.line) for item in items) if q
            )
            if code is not None and "roster" in node:
                self.roster_nodes[code] = node
            if code is not None and label is not None:
                section_codes.add(code)
                sections.append(Section(code, label, read))
        questions.finish()
        self.question_codes = set(questions.seen)
        self.question_lines = {code: seen[0] for code, seen in questions.seen.items()}
        return sections

    def references(self, questions: list[Question]) -> None:
        """Every ``${name}`` in a label, hint or message names a column of the instrument: a
        phone form refuses a reference to a field it does not have."""
        columns = {f"{q.code}_{w}" for q in questions for w in q.waves}
        columns |= {q.code for q in questions if not q.waves}
        for q in questions:
            for field in ("label", "hint", "message", "calculation"):
                text = getattr(q, field) or {}
                text = {"": text} if isinstance(text, str) else text
                unknown = sorted(
                    {n for t in text.values() for n in _REFERENCE.findall(t)} - columns
                )
                if unknown:
                    self.problem(
                        self.question_lines.get(q.code), f"question {q.code!r}",
                        "unknown_reference",
                        f"its {field} refers to {', '.join('${' + n + '}' for n in unknown)}, "
                        "which is no column of the instrument; name a column or write the text "
                        "without ${...}",
                    )  # fmt: skip

    def key(self, data: LineMap, questions: dict[str, Question]) -> tuple[str, ...]:
        value = data.get("key")
        line = data.line_of("key")
        if value is None:
            return ()
        codes = [value] if isinstance(value, str) else value
        if not isinstance(codes, list) or not codes:
            self.problem(line, "", "wrong_type", "key must be a question code or a list of them")
            return ()
        for code in codes:
            where = f"key {code!r}"
            if not isinstance(code, str):
                self.problem(
                    line, where, "wrong_type", "key must be a question code or a list of them"
                )
                continue
            q = questions.get(code)
            if q is None and code in self.question_codes:
                continue  # the question itself has mistakes, reported where it is
            if q is None:
                self.problem(
                    line,
                    where,
                    "unknown_question",
                    f"no question has this code{suggest(str(code), list(questions))}",
                )
            elif not q.required:
                self.problem(
                    line,
                    where,
                    "key_not_required",
                    f"key question {code!r} must be required; add required: true",
                )
            elif q.waves:
                self.problem(
                    line, where, "key_has_waves", f"key question {code!r} cannot be asked in waves"
                )
            elif q.type == "select_multiple":
                self.problem(
                    line, where, "wrong_type", f"key question {code!r} cannot be select_multiple"
                )
        if len({str(c) for c in codes}) != len(codes):
            self.problem(line, "", "duplicate_code", "the key names a question twice")
        return tuple(codes)

    def empty_scales(
        self, questions: list[Question], scales: dict[str, Scale], scales_node: Any
    ) -> None:
        """Report scales that no question belongs to (unused choice lists are fine: teams share
        one library of lists)."""
        for name in scales:
            if not any(q.scale == name for q in questions) and name not in self.broken_scale_refs:
                line = scales_node.line_of(name) if isinstance(scales_node, LineMap) else None
                self.problem(
                    line,
                    f"scale {name!r}",
                    "empty_scale",
                    "no likert question names this scale; add items or remove it",
                )


def _levels(
    sections: list[Section], rosters: dict[str, LineMap]
) -> tuple[list[Section], list[Section]]:
    """The household's sections, and the roster sections."""
    household = [s for s in sections if s.code not in rosters]
    return household, [s for s in sections if s.code in rosters]
