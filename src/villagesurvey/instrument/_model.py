"""The instrument's ``model``: the structural (path) model between its constructs.

A construct is a scale (its items are the Likert questions that name it) or a construct
measured by one number, declared under ``model.constructs``: a column as it is, or the
change or growth of a question between its first and last wave. ``model.paths`` lists the
arrows between constructs. The model must not loop (PLS path models are recursive).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ._fields import suggest
from ._parts import InstrumentReader
from ._yaml import LineList, LineMap
from .model import (
    Choice,
    IndicatorConstruct,
    Instrument,
    ModelPath,
    Question,
    Scale,
    Section,
    StructuralModel,
)

__all__ = ["INDICATOR_KINDS", "ModelReader"]

INDICATOR_KINDS = ("column", "change", "growth")
"""How a single-indicator construct makes its number from the dataset."""

_MODEL_FIELDS = ("constructs", "paths")
_CONSTRUCT_FIELDS = ("label", *INDICATOR_KINDS)
_PATH_FIELDS = ("from", "to")
_NUMERIC = ("integer", "decimal", "likert")


class ModelReader(InstrumentReader):
    """Reads an instrument and its structural model (``model:``), collecting every mistake."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.scales: dict[str, Scale] = {}
        self.sections: list[Section] = []

    def fields(self, node: LineMap, allowed: tuple[str, ...], where: str) -> None:
        if where == "" and "sections" in allowed:  # the top level: model is a field too
            allowed = (*allowed, "model")
        super().fields(node, allowed, where)

    def scale_defs(
        self, value: Any, line: int, choices: dict[str, tuple[Choice, ...]]
    ) -> dict[str, Scale]:
        self.scales = super().scale_defs(value, line, choices)
        return self.scales

    def section_list(
        self,
        value: Any,
        line: int,
        choices: dict[str, tuple[Choice, ...]],
        scales: dict[str, Scale],
        waves: tuple[int, ...],
    ) -> list[Section]:
        self.sections = super().section_list(value, line, choices, scales, waves)
        return self.sections

    def instrument(self, data: Any) -> Instrument | None:
        built = super().instrument(data)
        if not isinstance(data, LineMap) or "model" not in data:
            return built
        questions = {
            q.code: q for s in self.sections if s.code not in self.roster_nodes for q in s.questions
        }
        model = _ModelChecks(self, questions).model(data["model"], data.line_of("model"))
        if built is None or model is None or self.problems:
            return None
        return replace(built, model=model)


class _ModelChecks:
    """The checks of ``model:`` against the scales and questions read before it."""

    def __init__(self, reader: ModelReader, questions: dict[str, Question]) -> None:
        self.reader = reader
        self.questions = questions
        self.columns = {
            (f"{q.code}_{w}" if q.waves else q.code): q
            for q in questions.values()
            for w in q.waves or (None,)
        }
        self.broken = reader.question_codes - set(questions)  # reported where they are
        self.named: set[str] = set()  # every name a path gives, sound or not
        self.broken_constructs: set[str] = set()  # declared with mistakes, reported there

    def model(self, value: Any, line: int) -> StructuralModel | None:
        r = self.reader
        if value is None:
            r.problem(line, "model", "missing_field", "the model is empty; add paths: [...]")
            return None
        if not isinstance(value, LineMap):
            r.problem(
                line, "model", "wrong_type", "model must be a mapping with paths (and constructs)"
            )
            return None
        r.fields(value, _MODEL_FIELDS, "model")
        constructs = self.constructs(value.get("constructs"), value.line_of("constructs"))
        known = [*r.scales, *constructs]
        paths = self.paths(value.get("paths"), value.line_of("paths"), known)
        for name in constructs:
            if name not in self.named:
                r.problem(
                    _line(value.get("constructs"), name, line), f"construct {name!r}",
                    "unused_construct", "no path names this construct; add a path or remove it",
                )  # fmt: skip
        _check_cycles(r, paths, value.get("paths"))
        return StructuralModel(constructs, tuple(paths))

    def constructs(self, value: Any, line: int) -> dict[str, IndicatorConstruct]:
        r = self.reader
        if value is None:
            return {}
        node = r.mapping(value, line, "model", "constructs")
        result: dict[str, IndicatorConstruct] = {}
        for name, spec in (node or {}).items():
            where = f"construct {name!r}"
            name_line = _line(node, name, line)
            if r.identifier(name, name_line, where, "the construct name") is None:
                continue
            if name in r.scales:
                r.problem(
                    name_line, where, "duplicate_code",
                    f"{name!r} is already a scale; give the construct its own name",
                )  # fmt: skip
                continue
            self.broken_constructs.add(name)
            spec_node = r.mapping(spec, name_line, where, "a construct")
            if spec_node is None:
                continue
            before = len(r.problems)
            r.fields(spec_node, _CONSTRUCT_FIELDS, where)
            label = r.text(spec_node, "label", where)
            indicator = self.indicator(spec_node, where)
            if label is not None and indicator is not None and len(r.problems) == before:
                result[name] = IndicatorConstruct(name, label, *indicator)
                self.broken_constructs.discard(name)
        return result

    def indicator(self, node: LineMap, where: str) -> tuple[str, str] | None:
        r = self.reader
        given = [kind for kind in INDICATOR_KINDS if kind in node]
        if not given:
            r.problem(
                node.line, where, "missing_field",
                "needs one of column (a column as it is), change or growth (of a question "
                "asked in waves)",
            )  # fmt: skip
            return None
        if len(given) > 1:
            r.problem(
                sorted(node.line_of(k) for k in given)[1], where, "bad_indicator",
                f"give one of {', '.join(given)}, not {len(given)}",
            )  # fmt: skip
            return None
        kind = given[0]
        source = node[kind]
        line = node.line_of(kind)
        if not isinstance(source, str):
            r.problem(line, where, "wrong_type", f"{kind} must name a question, not {source!r}")
            return None
        sound = (
            self.column(source, line, where)
            if kind == "column"
            else self.waves(kind, source, line, where)
        )
        return (kind, source) if sound else None

    def column(self, code: str, line: int, where: str) -> bool:
        r = self.reader
        question = self.columns.get(code)
        if question is None and code in self.questions:
            waves = self.questions[code].waves
            r.problem(
                line, where, "wave_needed",
                f"{code!r} is asked in waves {list(waves)}; name one column "
                f"({code}_{waves[-1]}) or use change or growth",
            )  # fmt: skip
            return False
        if question is None:
            if any(code == b or code.startswith(f"{b}_") for b in self.broken):
                return False
            r.problem(
                line, where, "unknown_question",
                f"{code!r} is not a column of the dataset{suggest(code, list(self.columns))}",
            )  # fmt: skip
            return False
        return self.numeric(question, line, where)

    def waves(self, kind: str, code: str, line: int, where: str) -> bool:
        r = self.reader
        question = self.questions.get(code)
        if question is None:
            if code not in self.broken:
                r.problem(
                    line, where, "unknown_question",
                    f"{code!r} is not a question{suggest(code, list(self.questions))}",
                )  # fmt: skip
            return False
        if len(question.waves) < 2:
            r.problem(
                line, where, "bad_indicator",
                f"{kind} needs a question asked in two waves or more; {code!r} is not",
            )  # fmt: skip
            return False
        return self.numeric(question, line, where)

    def numeric(self, question: Question, line: int, where: str) -> bool:
        if question.type in _NUMERIC:
            return True
        self.reader.problem(
            line, where, "bad_indicator",
            f"{question.code!r} is a {question.type} question; an indicator must be a "
            "number (integer, decimal or likert)",
        )  # fmt: skip
        return False

    def paths(self, value: Any, line: int, known: list[str]) -> dict[ModelPath, int]:
        r = self.reader
        if value is None:
            r.problem(line, "model", "missing_field", "the model has no paths; add paths: [...]")
            return {}
        if not isinstance(value, LineList) or not value:
            r.problem(line, "model", "wrong_type", "paths must be a list of {from: ..., to: ...}")
            return {}
        result: dict[ModelPath, int] = {}
        for node in value:
            if not isinstance(node, LineMap):
                r.problem(value.line, "model", "wrong_type", "each path needs from and to")
                continue
            r.fields(node, _PATH_FIELDS, "model")
            ends = [self.ends(node, side, known) for side in _PATH_FIELDS]
            for source in ends[0]:
                for target in ends[1]:
                    self.add(ModelPath(source, target), node.line, result)
        return result

    def ends(self, node: LineMap, side: str, known: list[str]) -> list[str]:
        r = self.reader
        value = node.get(side)
        line = node.line_of(side)
        if value is None:
            r.problem(line, "model", "missing_field", f"the path has no {side}; name a construct")
            return []
        names = value if isinstance(value, list) else [value]
        good = []
        self.named.update(n for n in names if isinstance(n, str))
        for name in names:
            if not isinstance(name, str):
                r.problem(line, "model", "wrong_type", f"{side} must name constructs, not {name!r}")
            elif name not in known:
                if name not in r.broken_scale_refs and name not in self.broken_constructs:
                    r.problem(
                        line, "model", "unknown_construct",
                        f"{name!r} is neither a scale nor a construct of the model"
                        f"{suggest(name, known)}",
                    )  # fmt: skip
            else:
                good.append(name)
        return good

    def add(self, path: ModelPath, line: int, result: dict[ModelPath, int]) -> None:
        where = f"path '{path.source} -> {path.target}'"
        if path.source == path.target:
            self.reader.problem(line, where, "self_path", "a construct cannot point at itself")
        elif path in result:
            self.reader.problem(
                line, where, "duplicate_path", f"given twice (first on line {result[path]})"
            )
        else:
            result[path] = line


def _line(node: Any, key: str, default: int) -> int:
    return node.line_of(key) if isinstance(node, LineMap) else default


def _check_cycles(reader: ModelReader, paths: dict[ModelPath, int], node: Any) -> None:
    """Report one problem if the arrows loop back (a -> b -> a)."""
    following: dict[str, list[str]] = {}
    for path in paths:
        following.setdefault(path.source, []).append(path.target)
    state: dict[str, int] = {}  # 1 being visited, 2 done
    trail: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        trail.append(name)
        for nxt in following.get(name, []):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        trail.pop()
        state[name] = 2
        return None

    for start in following:
        if start not in state and (cycle := visit(start)):
            closing = ModelPath(cycle[-2], cycle[-1])
            reader.problem(
                paths.get(closing, _line(node, "", 0)),
                f"path '{closing.source} -> {closing.target}'",
                "cyclic_model",
                f"the paths make a loop ({' -> '.join(cycle)}); a PLS path model must not loop",
            )  # fmt: skip
            return
