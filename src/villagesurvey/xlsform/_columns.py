"""The columns of one survey row: hint, required, relevance, constraint and the rest.

Each column either maps onto the question being read or is reported: nothing in a row is
dropped silently.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..instrument.model import TODAY, Limit
from ._logic import constraint_parts
from ._namespace import ATTRIBUTES, NAMESPACE
from ._table import Row
from .xpath import XPathError

if TYPE_CHECKING:
    from ._drafts import Field
    from ._survey import SurveyReader

__all__ = ["read_columns"]

_YES = frozenset({"yes", "true", "true()", "1", "y"})
_NO = frozenset({"no", "false", "false()", "0", "n"})
_ATTRIBUTE = f"bind::{NAMESPACE}:"
_GROUP_COLUMNS = frozenset(
    {"type", "name", "label", "relevant", "appearance", f"bind::{NAMESPACE}:section"}
)
_FIELD_COLUMNS = frozenset(
    {
        "type",
        "name",
        "label",
        "hint",
        "required",
        "relevant",
        "constraint",
        "constraint_message",
        "appearance",
    }
)
_WHY = {
    "default": "an instrument has no default answers",
    "calculation": "an instrument has no calculated answers",
    "choice_filter": "an instrument does not filter choices by earlier answers",
    "readonly": "an instrument has no read-only questions",
    "required_message": "an instrument has no message for a missing answer",
    "guidance_hint": "an instrument has one hint per question",
    "repeat_count": "an instrument has no repeats",
    "trigger": "an instrument has no triggers",
    "parameters": "an instrument question has no parameters",
}


def read_columns(
    row: Row, reader: SurveyReader, new: Field | None = None, group: bool = False
) -> None:
    """Read the columns of a question's row into ``new`` (or check a group's row)."""
    handled = _GROUP_COLUMNS if group else _FIELD_COLUMNS
    for key in [*row.cells, *row.texts]:
        if key in handled or (new is not None and key.startswith(_ATTRIBUTE)):
            continue
        if key == "calculation" and new is not None and new.type == "calculate":
            continue
        if key == "choice_filter" and new is not None and _choice_filter(row, reader, new):
            continue
        if key.startswith("$") or key == "disabled" or (group and key == "required"):
            continue  # KoboToolbox's bookkeeping ($kuid, $autoname); a group is not answered
        value = row.cells.get(key) or next(iter(row.texts.get(key, {}).values()), "")
        why = _WHY.get(key, "the instrument has no equivalent")
        reader.lost(row, "column_not_mapped", key, f"{value.strip()!r} is not imported: {why}")
    _appearance(row, reader, new)
    if new is None:
        return
    where = ("survey", row.number)
    new.hint = reader.languages.text(row.texts.get("hint"), (*where, "hint"))
    new.message = reader.languages.text(
        row.texts.get("constraint_message"), (*where, "constraint_message")
    )
    _required(row, reader, new)
    if row.get("relevant"):
        new.relevant = reader.relevance(row, f"question {new.name!r}")
    if row.get("constraint"):
        _constraint(row, reader, new)
    for key in row.cells:
        if key.startswith(_ATTRIBUTE):
            _attribute(row, reader, new, key[len(_ATTRIBUTE) :], row.get(key))
    _order(row, reader, new)


_FILTER_PART = re.compile(
    r"^\s*(?:(?P<column>[A-Za-z_][\w.-]*)\s*=\s*\$\{(?P<field>[^}]+)\}"
    r"|\$\{(?P<field2>[^}]+)\}\s*=\s*(?P<column2>[A-Za-z_][\w.-]*))\s*$"
)


def _choice_filter(row: Row, reader: SurveyReader, new: Field) -> bool:
    """``state=${state}`` (parts joined by ``and``): the question's filter; False if not so."""
    if new.list_name is None:
        return False
    pairs = []
    for part in re.split(r"\s+and\s+", row.get("choice_filter")):
        match = _FILTER_PART.match(part)
        if match is None:
            return False
        column = match["column"] or match["column2"]
        target = reader.resolve((match["field"] or match["field2"]).strip())
        if target is None:
            return False
        pairs.append((column, target.column))
    listed = next(c for c in reader.lists.values() if c.name == new.list_name)
    listed.used.update(column for column, _ in pairs)
    new.filter_by = pairs
    return True


def _appearance(row: Row, reader: SurveyReader, new: Field | None) -> None:
    words = row.get("appearance").split()
    if new is not None and "likert" in words and new.type == "select_one":
        new.likert = True
    shown = [w for w in words if w not in ("likert", "field-list")]
    if shown and not reader.appearance_noted:
        reader.appearance_noted = True
        reader.lost(
            row,
            "appearance_not_mapped",
            "appearance",
            f"appearance {' '.join(shown)!r} (how a question looks on a phone) is not imported; "
            "later rows' appearances are not listed again",
            lost=False,
        )


def _required(row: Row, reader: SurveyReader, new: Field) -> None:
    value = row.get("required")
    if not value or value.lower() in _NO:
        return
    if value.lower() in _YES:
        new.required = True
        return
    reader.lost(
        row,
        "required_not_mapped",
        "required",
        f"required only when {value!r} is not imported: an instrument question is required or "
        "not; it is imported as not required",
    )


def _constraint(row: Row, reader: SurveyReader, new: Field) -> None:
    text = row.get("constraint")
    try:
        parts = constraint_parts(text, new.name, new.type, reader.resolve)
    except XPathError as reason:
        _drop_constraint(row, reader, new, text, str(reason))
        return
    new.limits.update(parts.limits)
    new.rules.extend(parts.rules)
    new.pattern = parts.pattern
    new.special = parts.special
    new.exclusive = parts.exclusive
    if not parts.lost:
        return
    reasons = "; ".join(parts.lost)
    if not (parts.limits or parts.rules or parts.pattern or parts.exclusive or parts.special):
        _drop_constraint(row, reader, new, text, reasons)
        return
    reader.lost(
        row,
        "constraint_not_mapped",
        "constraint",
        f"part of the constraint {text!r} is not imported: {reasons}. The rest is kept as "
        "limits or checks",
    )


def _drop_constraint(row: Row, reader: SurveyReader, new: Field, text: Any, reason: str) -> None:
    """Report a constraint of which nothing is imported; its message goes with it."""
    dropped = " (nor its message, which is about it)" if new.message else ""
    new.message = None
    reader.lost(
        row,
        "constraint_not_mapped",
        "constraint",
        f"the constraint {text!r} is not imported{dropped}: {reason}. Write it as limits "
        "(min, max) or a check in the instrument",
    )


def _limit(text: str, qtype: str) -> Limit | None:
    try:
        if qtype == "integer":
            return int(text)
        if qtype == "decimal":
            value = float(text)
            return int(value) if value.is_integer() and "." not in text else value
        if qtype == "date":
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None


def _attribute(row: Row, reader: SurveyReader, new: Field, name: str, value: str) -> None:
    numeric = new.type in ("integer", "decimal")
    problem = ""
    if name == "key" and value.isdigit() and int(value) >= 1:
        new.key = int(value)
    elif name == "unit" and numeric:
        new.unit = value
    elif name in ("soft_min", "soft_max") and (limit := _limit(value, new.type)) is not None:
        new.limits[name] = limit
    elif name == "part_of" and numeric:
        new.part_of = value
    elif name in ("pii", "reverse") and value.lower() in _YES | _NO:
        setattr(new, name, value.lower() in _YES)
    elif name == "scale" and new.type == "select_one":
        new.scale = value
    elif name == "when_skipped" and (skipped := _skipped(value, numeric)) is not None:
        new.when_skipped = skipped
    elif (
        name == "sesoi"
        and (sesoi := _skipped(value, True)) is not None
        and sesoi != "not applicable"
    ):
        new.sesoi = sesoi if isinstance(sesoi, int | float) and sesoi > 0 else None
    elif (
        name == "radius_km"
        and new.type == "geopoint"
        and isinstance(radius := _limit(value, "decimal"), int | float)
        and 0 < radius < float("inf")
    ):
        new.radius_km = radius
    elif name == "backcheck" and value in ("1", "2", "3"):
        new.backcheck = int(value)
    elif name == "backcheck_tolerance" and (tolerance := _tolerance(value)) is not None:
        new.backcheck_tolerance = tolerance
    elif name in ("section", "after") and new.moment is not None:
        pass  # where a start or end question stands: placed by the reader
    elif name not in ATTRIBUTES:
        problem = f"{NAMESPACE}:{name} is not an attribute villagesurvey writes"
    else:
        problem = f"{value!r} is not a {name} of a {new.type} question"
    if problem:
        reader.lost(
            row, "column_not_mapped", f"{_ATTRIBUTE}{name}", f"{problem}; it is not imported"
        )


def _tolerance(value: str) -> int | float | str | None:
    """A back-check tolerance: ``10%`` as written, or an amount of 0 or more."""
    if value.endswith("%"):
        return value
    try:
        number = float(value)
    except ValueError:
        return None
    if not number >= 0 or number == float("inf"):
        return None
    return int(number) if number.is_integer() and "." not in value else number


def _skipped(value: str, numeric: bool) -> int | float | str | None:
    """A ``when_skipped`` value: ``not applicable``, or a number for a number question."""
    if value.strip() == "not applicable":
        return "not applicable"
    number = _limit(value, "decimal") if numeric else None
    return number if isinstance(number, int | float) else None


def _order(row: Row, reader: SurveyReader, new: Field) -> None:
    """Limits in order (min <= soft_min <= soft_max <= max), or the ones out of order dropped."""
    limits = new.limits
    low, high = limits.get("min"), limits.get("max")
    if high == TODAY:  # today has no fixed place among dates
        return
    if low is not None and high is not None and low > high:  # type: ignore[operator]
        reader.lost(
            row,
            "constraint_not_mapped",
            "constraint",
            f"the least answer allowed ({low}) is more than the greatest ({high}); the limits "
            "are not imported",
        )
        del limits["min"], limits["max"]
    soft = [limits.get("soft_min"), limits.get("soft_max")]
    bounds = [limits.get("min"), *soft, limits.get("max")]
    given = [b for b in bounds if b is not None]
    if any(a > b for a, b in pairwise(given)):  # type: ignore[operator]
        reader.lost(
            row,
            "column_not_mapped",
            f"{_ATTRIBUTE}soft_min",
            f"the soft limits {soft[0]}..{soft[1]} do not lie within the limits; they are not "
            "imported",
        )
        limits.pop("soft_min", None)
        limits.pop("soft_max", None)
