"""Put the parts read from a form together as an instrument file's data.

The questions (with their waves joined), scales, parts of totals, checks from constraints and
the respondent key are resolved here, each against the instrument's rules, so that the data
passes :func:`~villagesurvey.instrument.parse_instrument`; what cannot is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..instrument.conditions import format_condition
from ..instrument.model import Text
from ._choices import ChoiceList
from ._drafts import Field, SectionDraft
from ._names import SUBMISSION_KEY, Codes
from ._repeats import finish_rosters
from ._waves import Joined, join_waves, wave_name
from .findings import Finding
from .xpath import number_xpath

__all__ = ["FormParts", "assemble"]


@dataclass
class FormParts:
    """Everything read from a form, before it is put together."""

    ident: str
    version: str
    title: Text
    languages: tuple[str, ...]
    lists: dict[str, ChoiceList]
    sections: list[SectionDraft]
    scale_labels: dict[str, Text]


class _Assembler:
    def __init__(self, parts: FormParts, note: Callable[[Finding], None]) -> None:
        self.parts = parts
        self.note = note
        fields = [f for s in parts.sections for f in s.fields]
        self.questions = join_waves(fields, {f.code for f in fields})
        self.sections = [
            (section, [q for q in self.questions if q.first.section == section.code])
            for section in parts.sections
        ]
        self.by_column: dict[str, Joined] = {f.code: q for q in self.questions for f in q.fields}
        self.by_name: dict[str, Joined] = {f.name: q for q in self.questions for f in q.fields}
        self.order = {id(q): i for i, q in enumerate(self.questions)}
        self.scales: dict[str, dict[str, Any]] = {}
        self.checks: list[dict[str, Any]] = []
        self.check_codes = Codes("check")
        self.types: dict[int, str] = {}

    def lost(self, field: Field, code: str, column: str, message: str, lost: bool = True) -> None:
        self.note(Finding(code, field.row, column, message, lost=lost))

    def run(self) -> dict[str, Any]:
        for q in self.questions:
            self.types[id(q)] = self.question_type(q)
        sections = []
        for section, joined in self.sections:
            questions = [self.question(q) for q in joined]
            sections.append({"code": section.code, "label": section.label, "questions": questions})
            if section.roster is not None:
                sections[-1]["roster"] = section.roster
        household = [s for s in sections if "roster" not in s]
        if not household:  # every question is in a repeat: the household has only its key
            household = [{"code": "submission", "label": dict(self.parts.title), "questions": []}]
            sections.insert(0, household[0])
        key = self.key(household)
        waves = sorted({w for q in self.questions for w in q.waves})
        data: dict[str, Any] = {
            "id": self.parts.ident,
            "version": self.parts.version,
            "title": self.parts.title,
            "languages": list(self.parts.languages),
        }
        if waves:
            data["waves"] = waves
        data["key"] = key
        lists = self.parts.lists.values()
        data["choices"] = {cl.name: [_choice(cl, code, label) for code, label in cl.choices]
                           for cl in lists}  # fmt: skip
        if self.scales:
            data["scales"] = self.scales
        data["sections"] = sections
        if self.checks:
            data["checks"] = self.checks
        if len(household) < len(sections):
            names = {f.name: f.code for q in self.questions for f in q.fields}
            finish_rosters(data, names, self.note)
        if moments := self.moments(household):
            data["monitoring"] = moments
        return data

    def moments(self, household: list[dict[str, Any]]) -> dict[str, str]:
        """The household's start and end metadata: the monitoring block's ``start``, ``end``."""
        asked = {q["code"] for s in household for q in s["questions"]}
        moments: dict[str, str] = {}
        for q in self.questions:
            moment = q.first.moment
            if moment is not None and not q.waves and q.code in asked:
                moments.setdefault(moment, q.code)
        return moments

    # -- a question ----------------------------------------------------------------------------

    def question_type(self, q: Joined) -> str:
        """select_one, or likert for an item of a scale whose codes are whole numbers."""
        f = q.first
        if f.scale is None:
            if f.likert:
                self.lost(
                    f,
                    "likert_not_mapped",
                    "appearance",
                    f"{f.name!r} looks like a Likert item but belongs to no scale; it is "
                    "imported as select_one. Put a scale's items in a group of their own",
                    lost=False,
                )
            return f.type
        choice_list = next(cl for cl in self.parts.lists.values() if cl.name == f.list_name)
        scale = re.sub(r"[^A-Za-z0-9_]", "_", f.scale)
        scale = scale if scale[:1].isalpha() else f"scale_{scale}"
        known = self.scales.get(scale)
        whole = all(isinstance(c, int) for c in choice_list.codes)
        if not whole or (known is not None and known["choices"] != f.list_name):
            why = "its codes are not whole numbers" if not whole else "it uses another choice list"
            self.lost(
                f,
                "likert_not_mapped",
                "type",
                f"{f.name!r} is imported as select_one, not as an item of scale {f.scale!r}: {why}",
            )
            return f.type
        if known is None:
            label = self.parts.scale_labels.get(f.scale)
            if label is None:
                label = {lang: f.scale for lang in self.parts.languages}
                self.lost(
                    f,
                    "missing_label",
                    "type",
                    f"scale {f.scale!r} has no label (the label of a group holding its "
                    "items); its name is used",
                    lost=False,
                )
            self.scales[scale] = {"label": label, "choices": f.list_name}
        f.scale = scale
        return "likert"

    def question(self, q: Joined) -> dict[str, Any]:
        f, qtype = q.first, self.types[id(q)]
        out: dict[str, Any] = {"code": q.code, "type": qtype, "label": q.label or f.label}
        if f.hint:
            out["hint"] = f.hint
        if f.required:
            out["required"] = True
        if f.unit:
            out["unit"] = f.unit
        if qtype in ("select_one", "select_multiple"):
            out["choices"] = f.list_name
        out.update(
            {k: f.limits[k] for k in ("min", "max", "soft_min", "soft_max") if k in f.limits}
        )
        if f.pattern is not None:
            out["pattern"] = f.pattern
        if f.calculation is not None:
            out["calculation"] = f.calculation
        if f.filter_by:
            out["filter_by"] = dict(f.filter_by)
        if f.special:
            out["special"] = list(f.special)
        if f.max_accuracy is not None:
            out["max_accuracy"] = f.max_accuracy
        if f.radius_km is not None:
            out["radius_km"] = f.radius_km
        if f.exclusive:
            listed = next(c for c in self.parts.lists.values() if c.name == f.list_name)
            codes = {str(c): c for c in listed.codes}  # 'none', or a number code 99
            out["exclusive"] = [codes.get(c, c) for c in f.exclusive]
        if f.message:
            out["message"] = f.message
        if q.relevant is not None:
            out["relevant"] = format_condition(q.relevant)
        if q.waves:
            out["waves"] = list(q.waves)
        if f.pii:
            out["pii"] = True
        if qtype == "likert":
            out["scale"] = f.scale
            if f.reverse:
                out["reverse"] = True
        elif f.reverse:
            self.lost(
                f,
                "column_not_mapped",
                "reverse",
                f"{f.name!r} is not a Likert item of a scale, so it cannot be reverse-coded",
            )
        if (total := self.total(q)) is not None:
            out["part_of"] = total
        if q.relevant is not None and f.when_skipped is not None:
            out["when_skipped"] = f.when_skipped
        if len(q.waves) >= 2 and f.sesoi is not None:
            out["sesoi"] = f.sesoi
        if f.backcheck is not None:
            out["backcheck"] = f.backcheck
            if f.backcheck_tolerance is not None and qtype in ("integer", "decimal"):
                out["backcheck_tolerance"] = f.backcheck_tolerance
        for op, right, factor in f.rules:
            self.check(q, op, right, factor)
        return out

    def total(self, q: Joined) -> str | None:
        """The question a part of a total names, if the instrument can hold it."""
        names = [f.part_of for f in q.fields]
        if all(n is None for n in names):
            return None
        f = q.first
        totals = [self.by_name.get(n) if n else None for n in names]
        total = totals[0]
        fits = (
            total is not None
            and all(t is total for t in totals)
            and [self.column(total, w) for w in q.waves or (None,)] == names
            and self.order[id(total)] < self.order[id(q)]
            and self.types[id(total)] in ("integer", "decimal")
            and total.first.unit == f.unit
            and set(total.waves) == set(q.waves)
        )
        if not fits or total is None:
            self.lost(
                f,
                "part_of_not_mapped",
                "part_of",
                f"{f.name!r} is part of {names[0]!r}, which is not an earlier number in the "
                "same unit and waves; the part is imported without its total",
            )
            return None
        return total.code

    def column(self, q: Joined, wave: int | None) -> str | None:
        """The name, as written in the form, of a question's field for a wave."""
        if wave is None:
            return q.first.name if not q.waves else None
        return next((f.name for f in q.fields if wave_name(f.code) == (q.code, wave)), None)

    def check(self, q: Joined, op: str, right: str | None, factor: int | float) -> None:
        f = q.first
        if right is None:  # the answer against a number
            self.add_check(q, f"{q.code} {op} {number_xpath(factor)}")
            return
        other = self.by_column.get(right)
        if other is None or other.waves or self.types[id(other)] not in ("integer", "decimal"):
            self.lost(
                f,
                "constraint_not_mapped",
                "constraint",
                f"the comparison with {right!r} is not imported: a check compares "
                "questions not asked in waves",
            )
            return
        times = "" if factor == 1 else f"{number_xpath(factor)} * "
        self.add_check(q, f"{q.code} {op} {times}{other.code}")

    def add_check(self, q: Joined, rule: str) -> None:
        """A check of the instrument (an error) from the constraint of ``q``."""
        check: dict[str, Any] = {
            "code": self.check_codes.take(f"{q.code}_constraint"),
            "rule": rule,
            "severity": "error",
        }
        if q.first.message:
            check["message"] = q.first.message
        self.checks.append(check)

    # -- the respondent key --------------------------------------------------------------------

    def key(self, sections: list[dict[str, Any]]) -> list[str]:
        questions = {q["code"]: q for s in sections for q in s["questions"]}
        marked = sorted(
            ((q.first.key, q) for q in self.questions if q.first.key is not None),
            key=lambda pair: pair[0],
        )
        key = []
        for _, q in marked:
            spec = questions[q.code]
            if q.waves or spec["type"] == "select_multiple" or not spec.get("required"):
                self.lost(
                    q.first,
                    "key_not_mapped",
                    "key",
                    f"{q.first.name!r} cannot be part of the respondent key: a key question "
                    "is required, not asked in waves, not select_multiple",
                )
            else:
                key.append(q.code)
        return key or self.choose_key(sections, questions)

    def choose_key(
        self, sections: list[dict[str, Any]], questions: dict[str, dict[str, Any]]
    ) -> list[str]:
        """The submission's own ID: a question ``instanceID`` that the phone fills."""
        if SUBMISSION_KEY in questions:  # a question of the form has the name: it is the key
            questions[SUBMISSION_KEY]["required"] = True
            made = ""
        else:
            label = {lang: "Submission ID" for lang in self.parts.languages}
            added = {"code": SUBMISSION_KEY, "type": "text", "required": True, "label": label}
            sections[0]["questions"].insert(0, added)
            made = " (a column added for it)"
        self.note(
            Finding(
                "key_chosen",
                None,
                "",
                f"no question is marked as the respondent key; the submission's own ID, "
                f"{SUBMISSION_KEY!r}{made}, is the key: validate reads it from the export "
                "(meta/instanceID, _uuid or KEY). Mark the questions that identify a "
                "respondent with bind::villagesurvey:key to key by them instead",
                lost=False,
            )
        )
        return [SUBMISSION_KEY]


def _choice(listed: ChoiceList, code: int | str, label: Any) -> dict[str, Any]:
    out = {"code": code, **label}
    values = {k: v for k, v in listed.values.get(code, {}).items() if k in listed.used}
    if values:
        out["filter"] = values
    return out


def assemble(parts: FormParts, note: Callable[[Finding], None]) -> dict[str, Any]:
    """The instrument's data (the layout of an instrument file) from the parts of a form."""
    return _Assembler(parts, note).run()
