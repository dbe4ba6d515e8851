"""Repeats of an XLSForm read as rosters: the walk's side, then the instrument data's side.

A repeat at any depth outside another repeat becomes a roster section: its questions (and
those of groups inside it) belong to it, its ``repeat_count`` (``${hh_size}``) is its
count, and the ``bind::villagesurvey:`` attributes the export writes (``roster_key``,
``exactly_one``, ``sums``, ``older_than``, ``severity``) come back. A repeat within a repeat
becomes a roster ``within`` the outer one, its count and totals questions of the outer
roster; a repeat nested deeper is not imported (:meth:`SurveyReader.repeat` reports it). What
would cross levels (a skip rule naming a question of another level, a part of a total there)
is left out, one finding each.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..instrument.conditions import ConditionSyntaxError, parse_condition, references
from ._drafts import SectionDraft
from ._namespace import NAMESPACE
from ._table import Row
from .findings import Finding

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._survey import SurveyReader

__all__ = ["begin_roster", "finish_rosters"]

_REFERENCE = re.compile(r"^\s*\$\{\s*([^}\s]+)\s*\}\s*$")
_SUM = re.compile(r"^\s*([^=~\s]+)\s*=\s*([^=~\s]+)\s*(?:~\s*([0-9.eE+-]+))?\s*$")
_KEY_TYPES = ("integer", "text", "select_one")


def _number(text: str) -> int | float:
    """A tolerance as written: ``1`` a whole number, ``0.5`` or ``1e-07`` a fraction."""
    return int(text) if text.lstrip("+-").isdigit() else float(text)


def begin_roster(reader: SurveyReader, row: Row, within: str | None = None) -> SectionDraft:
    """The roster section a ``begin_repeat`` row starts; the walk puts its questions in it.

    ``within`` is the code of the roster whose repeat holds this one, if any.
    """
    name = row.get("name") or f"repeat_{row.number}"
    label = reader.languages.text(row.texts.get("label"), ("survey", row.number, "label"))
    if row.get("relevant"):
        reader.lost(
            row, "repeat_relevance", "relevant",
            f"the relevance of repeat {name!r} is not imported: a roster is asked in every "
            "household, its count saying how many rows it has",
        )  # fmt: skip
    count = row.get("repeat_count")
    found = _REFERENCE.match(count) if count else None
    if count and found is None:
        reader.lost(
            row, "repeat_count_not_mapped", "repeat_count",
            f"repeat_count {count!r} is not a question of the form (${{name}}); the roster "
            "has no count",
        )  # fmt: skip
    spec = {
        "key": row.get(f"bind::{NAMESPACE}:roster_key") or None,
        "count": found.group(1) if found else None,
        "exactly_one": row.get(f"bind::{NAMESPACE}:exactly_one") or None,
        "sums": row.get(f"bind::{NAMESPACE}:sums") or None,
        "severity": row.get(f"bind::{NAMESPACE}:severity") or None,
        "older_than": row.get(f"bind::{NAMESPACE}:older_than") or None,
        "within": within,
        "row": row.number,
    }
    code = reader.section_codes.take(name)
    return SectionDraft(code, label or {k: name for k in reader.title}, row.number, roster=spec)


def finish_rosters(
    data: dict[str, Any], names: dict[str, str], note: Callable[[Finding], None]
) -> None:
    """Turn the roster sections' raw specs into ``roster:`` fields; keep each level apart.

    ``names`` maps a field's name in the form to its code in the instrument.
    """
    sections = data["sections"]
    household = {q["code"]: q for s in sections if "roster" not in s for q in s["questions"]}
    taken = {q["code"] for s in sections for q in s["questions"]}
    by_code = {s["code"]: s for s in sections}
    for section in sections:
        if "roster" in section:
            within = section["roster"]["within"]
            parent = {q["code"]: q for q in by_code[within]["questions"]} if within else household
            section["roster"] = _spec(section, names, parent, taken, note)
        allowed = (
            {q["code"] for q in section["questions"]} if "roster" in section else set(household)
        )
        for question in section["questions"]:
            _one_level(question, allowed, taken, note)
    rules = [
        c for c in data.get("checks", []) if not _crosses(_names(c["rule"]), set(household), taken)
    ]
    for check in data.get("checks", []):
        if check not in rules:
            message = f"the check {check['rule']!r} names a roster question; not imported"
            note(Finding("cross_level_not_mapped", None, "constraint", message))
    if "checks" in data:
        data["checks"] = rules
        if not rules:
            del data["checks"]


def _spec(
    section: dict[str, Any],
    names: dict[str, str],
    parent: dict[str, dict[str, Any]],
    taken: set[str],
    note: Callable[[Finding], None],
) -> dict[str, Any]:
    """The roster's fields; ``parent`` holds the questions of the level it is within."""
    raw, row = section["roster"], section["roster"]["row"]
    own = {q["code"]: q for q in section["questions"]}
    spec: dict[str, Any] = {"within": raw["within"]} if raw["within"] else {}
    key = own.get(names.get(raw["key"] or "", ""))
    if key is None or key["type"] not in _KEY_TYPES or key.get("waves"):
        code, number = f"{section['code']}_no", 1
        while code in taken:
            number += 1
            code = f"{section['code']}_no{number}"
        taken.add(code)
        label = {lang: "Row number" for lang in section["label"]}
        key = {"code": code, "type": "integer", "required": True, "min": 1, "label": label}
        section["questions"].insert(0, key)
        note(Finding(
            "roster_key_added", row, "type",
            f"repeat {section['code']!r} has no question numbering its rows; {code!r} is added "
            "as its key (1, 2, ... within a household, as KoboToolbox's _index)", lost=False,
        ))  # fmt: skip
    key["required"] = True
    spec["key"] = key["code"]
    level = f"roster {raw['within']!r}" if raw["within"] else "the household"
    count = parent.get(names.get(raw["count"] or "", ""))
    if count is not None and count["type"] == "integer" and not count.get("waves"):
        spec["count"] = count["code"]
    elif raw["count"]:
        note(Finding(
            "repeat_count_not_mapped", row, "repeat_count",
            f"repeat_count ${{{raw['count']}}} is not an integer question of {level} "
            "asked once; the roster has no count",
        ))  # fmt: skip
    if raw["exactly_one"] and not _crosses(_names(raw["exactly_one"]), set(own), taken):
        spec["exactly_one"] = raw["exactly_one"]
    sums = [_SUM.match(part) for part in (raw["sums"] or "").split(";") if part.strip()]
    spec_sums = [
        {"total": m.group(1), "part": m.group(2)}
        | ({"tolerance": _number(m.group(3))} if m.group(3) else {})
        for m in sums
        if m and m.group(1) in parent and m.group(2) in own
    ]
    if spec_sums:
        spec["sums"] = spec_sums
    if older_than := _older_than(raw["older_than"], set(own), taken, row, note):
        spec["older_than"] = older_than
    if raw["severity"] in ("error", "warning"):
        spec["severity"] = raw["severity"]
    return spec


def _older_than(
    text: str | None, own: set[str], taken: set[str], row: int, note: Callable[[Finding], None]
) -> list[dict[str, Any]]:
    """The ``older_than`` rules the export wrote as a JSON list, those of this roster."""
    if not text:
        return []
    try:
        rules = json.loads(text)
    except ValueError:
        rules = None
    good = [
        rule for rule in (rules if isinstance(rules, list) else [])
        if _older_than_rule(rule) and not _crosses(
            [*_names(rule["older"]), *_names(rule["younger"]), rule["age"]], own, taken)
    ]  # fmt: skip
    if not isinstance(rules, list) or len(good) < len(rules):
        note(Finding(
            "older_than_not_mapped", row, f"bind::{NAMESPACE}:older_than",
            f"older_than {text!r} is not a list of {{older, younger, age}} on the repeat's own "
            "questions; what is not is not imported",
        ))  # fmt: skip
    return good


def _older_than_rule(rule: Any) -> bool:
    """Whether a decoded rule has older, younger and age as text (and perhaps ``by``)."""
    needed = ("older", "younger", "age")
    return (
        isinstance(rule, dict)
        and set(rule) <= {*needed, "by"}
        and all(isinstance(rule.get(f), str) for f in needed)
    )


def _one_level(
    question: dict[str, Any], allowed: set[str], taken: set[str], note: Callable[[Finding], None]
) -> None:
    """Leave out a skip rule or a part of a total that names a question of another level."""
    for field in ("relevant", "part_of"):
        text = question.get(field)
        if text is None:
            continue
        named = [text] if field == "part_of" else _names(text)
        if _crosses(named, allowed, taken):
            del question[field]
            if field == "relevant":
                question.pop("when_skipped", None)
            note(Finding(
                "cross_level_not_mapped", None, field,
                f"the {field} of {question['code']!r} ({text}) names a question of another "
                "level (a roster and its household); a question names only questions of its "
                "own level: not imported",
            ))  # fmt: skip


def _names(text: str) -> list[str]:
    """The names a skip rule or a check's rule uses."""
    try:
        return [name for name, _ in references(parse_condition(text))]
    except ConditionSyntaxError:
        return re.findall(r"[A-Za-z][\w.\-]*", text)


def _crosses(names: list[str], allowed: set[str], taken: set[str]) -> bool:
    """Whether a name (or the question of a wave column) is a question outside ``allowed``."""
    for name in names:
        base = name if name in taken else name.rsplit("_", 1)[0]
        if base in taken and base not in allowed:
            return True
    return False
