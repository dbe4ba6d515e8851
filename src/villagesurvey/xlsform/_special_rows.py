"""The survey rows that become more than a plain question: a calculation, a range, a
geopoint with parameters, a select with an ``or_other`` choice or with choices from a file,
and the start and end rows that name the section they stand in.

Each function takes the :class:`._survey.SurveyReader` walking the sheet and adds what the row
holds to it, as :func:`._repeats.begin_roster` does for a repeat.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from ..instrument.conditions import AllOf, Compare, Condition, Selected
from ..instrument.model import Text
from ._choices import ChoiceList, choice_code
from ._drafts import Field, SectionDraft
from ._table import Row
from ._types import FROM_FILE, SELECT

if TYPE_CHECKING:
    from ._survey import SurveyReader

__all__ = [
    "attached_list",
    "calculated",
    "from_file",
    "held",
    "located",
    "place_held",
    "ranged",
    "specify_other",
    "with_other",
]


def attached_list(reader: SurveyReader, file: str) -> str:
    """The choice list of a CSV file attached to the form (its ``name`` and ``label``)."""
    key = f"file:{file}"
    if key not in reader.lists:
        taken = {c.name for c in reader.lists.values()}
        base = re.sub(r"\W+", "_", file.rsplit(".", 1)[0]).strip("_") or "file"
        name = base if base[0].isalpha() else f"list_{base}"
        while name in taken:
            name += "_"
        choices: list[tuple[int | str, Text]] = []
        for record in reader.media[file]:
            code = record.get("name", "").strip()
            if code and choice_code(code) not in [c for c, _ in choices]:
                label = record.get("label", "").strip() or code
                choices.append(
                    (choice_code(code), dict.fromkeys(reader.languages.languages, label))
                )
        reader.lists[key] = ChoiceList(name, choices)
    return reader.lists[key].name


def calculated(reader: SurveyReader, row: Row, name: str) -> None:
    """A ``calculate`` field: kept as a column the phone computes, with its calculation."""
    calculation = row.get("calculation")
    if not calculation:
        message = f"calculation {name!r} has no calculation; it is not imported"
        reader.lost(row, "calculation", "calculation", message)
        return
    reader.add_field(row, name, "calculate", None, labelled=False)
    reader.fields[name].calculation = calculation


def ranged(reader: SurveyReader, row: Row, name: str) -> None:
    """A ``range`` question: a number from ``start`` to ``end`` (ODK's defaults 1 and 10)."""
    text = row.cells.pop("parameters", "")
    found = dict(re.findall(r"(start|end|step)\s*=\s*(-?[\d.]+)", text.lower()))
    try:
        start, end, step = (float(found.get(k, d)) for k, d in
                            (("start", 1), ("end", 10), ("step", 1)))  # fmt: skip
    except ValueError:
        start, end, step = 1.0, 10.0, 1.0
    whole = all(v.is_integer() for v in (start, end, step))
    reader.add_field(row, name, "integer" if whole else "decimal", None)
    low, high = sorted((start, end))
    limits = reader.fields[name].limits
    limits.setdefault("min", int(low) if whole else low)
    limits.setdefault("max", int(high) if whole else high)


def located(reader: SurveyReader, row: Row, name: str) -> None:
    """A geopoint with parameters: ``warning-accuracy`` is its ``max_accuracy``."""
    text = row.cells.pop("parameters", "")
    found = dict(re.findall(r"([a-z-]+)\s*=\s*(\S+)", text.lower()))
    reader.add_field(row, name, "geopoint", None)
    limit = found.pop("warning-accuracy", None)
    try:
        number = float(limit) if limit is not None else None
    except ValueError:
        number = None
    if number is not None and math.isfinite(number) and number > 0:
        reader.fields[name].max_accuracy = int(number) if number.is_integer() else number
    elif limit is not None:
        found["warning-accuracy"] = limit
    if found:
        said = ", ".join(f"{k}={v}" for k, v in found.items())
        message = f"parameters {said} set the phone, not the instrument; not imported"
        reader.lost(row, "column_not_mapped", "parameters", message, lost=False)


def with_other(reader: SurveyReader, form_list: str) -> str:
    """The list with pyxform's ``other`` choice added (a copy; the list stays as it is)."""
    listed = reader.lists[form_list]
    if "other" in listed.codes:
        return listed.name
    key = f"{form_list} or_other"
    if key not in reader.lists:
        taken = {c.name for c in reader.lists.values()}
        name = f"{listed.name}_or_other"
        while name in taken:
            name += "_"
        other = {lang: "Other" for lang in reader.languages.languages}
        reader.lists[key] = ChoiceList(name, [*listed.choices, ("other", other)])
    return reader.lists[key].name


def specify_other(reader: SurveyReader, row: Row, name: str, multiple: bool) -> None:
    """The text field ``<name>_other`` that pyxform adds, asked when 'other' is chosen."""
    owner = reader.fields[name]
    code = reader.codes.take(f"{name}_other")
    rule: Condition = (
        Selected(owner.code, "other") if multiple else Compare(owner.code, "=", "other")
    )
    if owner.relevant is not None:
        rule = AllOf((owner.relevant, rule))
    label = {lang: "Specify other." for lang in reader.languages.languages}
    section = reader.section()
    group = reader.stack[-1].ident if reader.stack else 0
    extra = Field(row.number, f"{name}_other", code, "text", label, section.code, group,
                  relevant=rule)  # fmt: skip
    section.fields.append(extra)
    if reader.stack:
        reader.stack[-1].members.append(extra)
    reader.fields[extra.name] = extra


def from_file(reader: SurveyReader, row: Row, name: str, kind: str) -> bool:
    """A select whose choices are in a file: read from the attached file if the form has it,
    else imported as text. ``False`` when the row's choices are the form's own."""
    external = FROM_FILE.match(kind)
    if external is None and "search(" in row.get("appearance"):
        external = SELECT.match(kind)  # choices from the attached file search() names
    if external is None:
        return False
    attached = external.groupdict().get("file")
    if attached in reader.media:
        listed = attached_list(reader, str(attached))
        multiple = external["kind"].lower().startswith("select_multiple")
        message = f"the choices of question {name!r} are read from {attached}"
        reader.lost(row, "external_choices", "type", message, lost=False)
        reader.add_field(row, name, "select_multiple" if multiple else "select_one", listed)
        return True
    where = attached or row.get("appearance")
    message = (
        f"question {name!r} takes its choices from {where}, outside the form: it is "
        "imported as text, and any answer is accepted"
    )
    reader.lost(row, "external_choices", "type", message, lost=False)
    reader.add_field(row, name, "text", None)
    return True


def held(reader: SurveyReader, section: str, after: str) -> SectionDraft:
    """A section of its own for a start or end row that names the section it stands in.

    :func:`place_held` moves it there, after the field ``after`` names (first without one).
    """
    draft = SectionDraft(section, dict(reader.title), None)
    reader.placed.append((draft, after))
    return draft


def place_held(reader: SurveyReader) -> None:
    """Move each start and end row that names its section into it (see :func:`held`)."""
    pending = list(reader.placed)
    while pending:  # a row that follows another placed row goes after it is placed
        waiting = {f.name for draft, _ in pending for f in draft.fields}
        index = next((i for i, (_, a) in enumerate(pending) if a not in waiting), 0)
        draft, after = pending.pop(index)
        target = next(
            (s for s in reader.sections if s.code == draft.code and s.roster is None), None
        )
        if target is None:  # no such section: a section of its own, as without the name
            draft.code = reader.section_codes.take(draft.code)
            for f in draft.fields:
                f.section = draft.code
            reader.sections.insert(0, draft)
            continue
        names = [f.name for f in target.fields]
        at = names.index(after) + 1 if after in names else 0
        target.fields[at:at] = draft.fields
