"""Walk the survey sheet of an XLSForm: its groups, its questions, and what does not map.

Top-level groups become sections; questions outside any group form sections of their own. A
group inside a section adds its questions to the section (and its relevance to each of
them); a group of Likert items of one choice list is a scale; a repeat is a roster (see
:mod:`._repeats`); calculations, ranges, selects with other or with choices from a file are
read by :mod:`._special_rows`. Device metadata and question types the instrument lacks are
reported, one finding each; notes ask nothing and are skipped silently; calculations are
kept with their calculation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..instrument.conditions import AllOf, Condition
from ..instrument.model import Text
from ._choices import ChoiceList
from ._columns import read_columns
from ._drafts import Field, SectionDraft
from ._logic import Target, relevance_condition
from ._names import Codes
from ._namespace import NAMESPACE
from ._repeats import begin_roster
from ._special_rows import (
    calculated,
    from_file,
    held,
    located,
    place_held,
    ranged,
    specify_other,
    with_other,
)
from ._table import Row, Table
from ._texts import Languages
from ._types import (
    AS_TEXT,
    BEGIN_GROUP,
    BEGIN_REPEAT,
    CALCULATIONS,
    END_GROUP,
    END_REPEAT,
    MOMENTS,
    SELECT,
    SELECT_ONE,
    TYPES,
    skipped,
)  # fmt: skip
from .findings import Finding
from .xpath import XPathError

__all__ = ["SurveyReader"]

_RENAMED = (
    "question {name!r} is imported as {code!r}: a code is letters, digits, _, - and . (starting "
    "with a letter, not a word of the skip-rule language, used once). Rename the column of its "
    "answers to match"
)


@dataclass
class _Group:
    kind: str  # section or nested
    name: str
    label: Text | None
    row: int
    ident: int
    condition: Condition | None = None
    members: list[Field] = field(default_factory=list)


class SurveyReader:
    """Reads the survey sheet's rows in order, building sections and fields."""

    def __init__(
        self,
        lists: dict[str, ChoiceList],
        languages: Languages,
        title: Text,
        note: Callable[[Finding], None],
        media: Mapping[str, list[dict[str, str]]] | None = None,
    ) -> None:
        self.media = dict(media or {})  # attached CSV files by name: their rows
        self.lists = lists
        self.languages = languages
        self.title = title
        self.note = note
        self.sections: list[SectionDraft] = []
        self.fields: dict[str, Field] = {}  # by the name written in the form
        self.codes = Codes("q")
        self.section_codes = Codes("section")
        self.stack: list[_Group] = []
        self.scale_labels: dict[str, Text] = {}
        self.loose: SectionDraft | None = None  # the section of questions outside any group
        self.groups = 0
        self.appearance_noted = False  # an appearance not imported is noted once per form
        self.placed: list[tuple[SectionDraft, str]] = []  # start, end rows and where they go

    # -- the walk ------------------------------------------------------------------------------

    def read(self, table: Table) -> list[SectionDraft]:
        """Read every row; return the sections that hold questions."""
        rows = table.rows
        index = 0
        while index < len(rows):
            row = rows[index]
            kind = " ".join(row.get("type").split())
            if row.get("disabled").lower() in ("yes", "true", "true()", "1"):
                message = f"row {row.get('name') or kind!r} is disabled in the form; not imported"
                self.lost(row, "disabled_row", "disabled", message, lost=False)
                index += 1
                continue
            lowered = kind.lower()
            if lowered in BEGIN_REPEAT or lowered.startswith("begin loop"):
                index = self.repeat(rows, index)
                continue
            if lowered in BEGIN_GROUP:
                self.begin_group(row)
            elif lowered in END_GROUP:
                self.end_group(row)
            elif lowered in END_REPEAT:
                self.end_repeat(row)
            else:
                self.question(row, kind)
            index += 1
        for group in reversed(self.stack):
            self.lost(
                None,
                "unbalanced_group",
                "type",
                f"group {group.name!r} (row {group.row}) has no end_group; it is closed at the "
                "end of the sheet",
                lost=False,
            )
        place_held(self)
        inner = {str(s.roster["within"]) for s in self.sections if s.fields and s.roster}
        # an outer repeat of only a nested one is kept: its rows are numbered when assembled
        return [s for s in self.sections if s.fields or s.code in inner]

    def lost(
        self, row: Row | None, code: str, column: str, message: str, lost: bool = True
    ) -> None:
        number = row.number if row is not None else None
        header = row.headers.get(column, column) if row is not None else column
        self.note(Finding(code, number, header, message, lost=lost))

    def repeat(self, rows: list[Row], start: int) -> int:
        """Begin a roster (within at most one other); or skip a repeat and all in it.

        Returns the next row's index.
        """
        kind = " ".join(rows[start].get("type").split()).lower()
        outer = [g.name for g in self.stack if g.kind == "roster"]
        if kind in ("begin_repeat", "begin repeat") and len(outer) < 2:
            self.groups += 1
            draft = begin_roster(self, rows[start], outer[0] if outer else None)
            self.sections.append(draft)
            self.stack.append(_Group("roster", draft.code, draft.label, draft.row or 0,
                                     self.groups))  # fmt: skip
            return start + 1
        depth, index = 0, start
        while index < len(rows):
            kind = " ".join(rows[index].get("type").split()).lower()
            if kind in BEGIN_REPEAT or kind.startswith("begin loop"):
                depth += 1
            elif kind in END_REPEAT:
                depth -= 1
                if depth == 0:
                    break
            index += 1
        first, last = rows[start], rows[min(index, len(rows) - 1)]
        inside = max(0, index - start - 1)
        self.lost(
            first,
            "repeat",
            "type",
            f"repeat {first.get('name') or '(no name)'!r} (rows {first.number}-{last.number}) is "
            f"not imported, nor the {inside} row{'s' * (inside != 1)} inside it: a loop over "
            "choices, or a repeat within a repeat within a repeat, is not a roster an "
            "instrument can hold (a roster is nested once at most)",
        )
        return index + 1

    def end_repeat(self, row: Row) -> None:
        """Close the roster (and any group left open inside it)."""
        if not self.roster_depth():
            self.lost(row, "unbalanced_group", "type", "an end of a repeat without its begin")
            return
        while self.stack and self.stack[-1].kind != "roster":
            self.end_group(row)
        self.stack.pop()

    # -- groups --------------------------------------------------------------------------------

    def begin_group(self, row: Row) -> None:
        self.groups += 1
        name = row.get("name") or f"group_{row.number}"
        label = self.languages.text(row.texts.get("label"), ("survey", row.number, "label"))
        group = _Group(
            "section" if not self.stack else "nested", name, label, row.number, self.groups
        )
        if row.get("relevant"):
            group.condition = self.relevance(row, f"group {name!r}")
        read_columns(row, self, group=True)
        if group.kind == "section":
            code = self.section_codes.take(row.get(f"bind::{NAMESPACE}:section") or name)
            self.sections.append(
                SectionDraft(code, label or {k: name for k in self.title}, row.number)
            )
            self.loose = None
        self.stack.append(group)

    def end_group(self, row: Row) -> None:
        if not self.stack:
            self.lost(
                row, "unbalanced_group", "type", "an end_group without its begin_group", lost=False
            )
            return
        group = self.stack.pop()
        if group.kind == "nested":
            if not self.scale_group(group) and group.members:
                self.lost(
                    self.row_of(group),
                    "nested_group",
                    "type",
                    f"the questions of group {group.name!r} are imported into the section "
                    "around it (an instrument's sections do not nest)",
                    lost=False,
                )
            if self.stack:
                self.stack[-1].members.extend(group.members)

    def roster_depth(self) -> int:
        """Where the groups inside the open roster begin in the stack (0 outside one)."""
        depths = [i + 1 for i, g in enumerate(self.stack) if g.kind == "roster"]
        return depths[-1] if depths else 0

    def row_of(self, group: _Group) -> Row:
        return Row(group.row, headers={"type": "type"})

    def scale_group(self, group: _Group) -> bool:
        """A group of Likert items: its name is their scale's, its label the scale's label."""
        members = group.members
        if not members or not all(f.likert or f.scale for f in members):
            return False
        scales = {f.scale for f in members}
        if scales == {None} and len({f.list_name for f in members}) == 1:
            scale = re.sub(r"[^A-Za-z0-9_]", "_", group.name)
            scale = scale if scale[:1].isalpha() else f"scale_{scale}"
            for f in members:
                f.scale = scale
            scales = {scale}
        if len(scales) != 1 or None in scales:
            return False
        if group.label:
            self.scale_labels.setdefault(str(scales.pop()), group.label)
        return True

    def section(self) -> SectionDraft:
        """The section a question at this point belongs to."""
        for group in [g for g in reversed(self.stack) if g.kind == "roster"] + self.stack:
            if group.kind in ("section", "roster"):
                return next(s for s in reversed(self.sections) if s.row == group.row)
        if self.loose is None:
            self.loose = SectionDraft(self.section_codes.take("main"), dict(self.title), None)
            self.sections.append(self.loose)
        return self.loose

    # -- questions -----------------------------------------------------------------------------

    def question(self, row: Row, kind: str) -> None:
        name = row.get("name")
        moment = MOMENTS.get(" ".join(kind.lower().split()))
        if moment is not None and name:
            message = (
                f"{kind} {name!r} is recorded by the phone: imported as a datetime question, "
                f"the interview's {moment} for field monitoring"
            )
            self.lost(row, "metadata_time", "type", message, lost=False)
            self.add_field(row, name, "datetime", None, labelled=False, moment=moment)
            return
        why = skipped(kind, name)
        if why is not None:
            code, message, lost = why
            if code == "note_field":
                return  # a note asks nothing: nothing of the answers is lost
            if code != "missing_type" or name or row.texts.get("label"):
                self.lost(row, code, "name" if code == "missing_name" else "type", message, lost)
            return
        if kind.lower() in AS_TEXT:
            message = (
                f"{kind} question {name!r} is imported as text: its answer in an export is "
                "the text the phone records (a code, a file's name); a re-exported form asks "
                "for it as text"
            )
            self.lost(row, "imported_as_text", "type", message, lost=False)
        if kind.lower() == "range":
            ranged(self, row, name)
            return
        if TYPES.get(kind.lower()) == "geopoint" and "parameters" in row.cells:
            located(self, row, name)
            return
        if kind.lower() in CALCULATIONS:
            calculated(self, row, name)
            return
        if from_file(self, row, name, kind):
            return
        qtype, list_name = TYPES.get(kind.lower()), None
        select = SELECT.match(kind)
        if select is not None:
            listed = self.lists.get(select["list"])
            if listed is None:
                message = (
                    f"question {name!r} uses the choice list {select['list']!r}, which the "
                    "choices sheet does not have; it is not imported"
                )
                self.lost(row, "unknown_list", "type", message)
                return
            list_name = listed.name
            multiple = " ".join(select["kind"].lower().split()) not in SELECT_ONE
            qtype = "select_multiple" if multiple else "select_one"
            if select["other"]:
                list_name = with_other(self, select["list"])
        self.add_field(row, name, str(qtype), list_name)
        if select is not None and select["other"]:
            specify_other(self, row, name, qtype == "select_multiple")

    def add_field(
        self,
        row: Row,
        name: str,
        qtype: str,
        list_name: str | None,
        labelled: bool = True,
        moment: str | None = None,
    ) -> None:
        code = self.codes.take(name)
        if code != name:
            self.lost(row, "renamed", "name", _RENAMED.format(name=name, code=code))
        label = self.languages.text(row.texts.get("label"), ("survey", row.number, "label"))
        if label is None:
            label = {lang: name for lang in self.languages.languages}
            message = f"question {name!r} has no label; its name is used"
            if labelled:  # a calculation has none to show
                self.lost(row, "missing_label", "label", message, lost=False)
        placed = row.get(f"bind::{NAMESPACE}:section") if moment and not self.stack else ""
        section = (
            held(self, placed, row.get(f"bind::{NAMESPACE}:after")) if placed else self.section()
        )
        group = self.stack[-1].ident if self.stack else 0
        new = Field(row.number, name, code, qtype, label, section.code, group, list_name)
        new.moment = moment
        read_columns(row, self, new=new)
        inner = self.stack[self.roster_depth() :]  # a roster's rows: only its own groups' rules
        conditions = [g.condition for g in inner if g.condition is not None]
        if new.relevant is not None:
            conditions.append(new.relevant)
        new.relevant = (
            AllOf(tuple(conditions)) if len(conditions) > 1 else next(iter(conditions), None)
        )
        section.fields.append(new)
        if self.stack:
            self.stack[-1].members.append(new)
        self.fields[name] = new

    def resolve(self, name: str) -> Target | None:
        """The question a ``${name}`` names, if it was read before this point."""
        found = self.fields.get(name)
        if found is None:
            return None
        codes: tuple[int | str, ...] = ()
        if found.list_name is not None:
            listed = (c for c in self.lists.values() if c.name == found.list_name)
            codes = next(listed).codes
        return Target(found.code, found.type, codes)

    def relevance(self, row: Row, what: str) -> Condition | None:
        text = row.get("relevant")
        try:
            return relevance_condition(text, self.resolve)
        except XPathError as reason:
            self.lost(
                row,
                "relevance_not_mapped",
                "relevant",
                f"the skip rule of {what}, {text!r}, is not imported: {reason}. Write it "
                "in the instrument's condition language (docs/instrument.md)",
            )
            return None
