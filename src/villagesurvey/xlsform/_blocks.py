"""What an XLSForm carries beyond its own columns: the instrument's blocks, and more.

XLSForm has one title and no place for an instrument's consent statement, checks across
questions, structural model, derived outcomes or monitoring block. The export writes each in a
column of the settings sheet named ``villagesurvey:<block>`` (texts per language as
``villagesurvey:title::English (en)``), holding the block as the instrument file has it, in
JSON. pyxform keeps unknown settings to itself without a warning, and phones never see them;
the import reads them back. Checks that are errors on one number are written in its
constraint too (:func:`check_parts`), so that the phone refuses what validation would; a
``start`` or ``end`` row names the section it stands in (:func:`place_of`).
:func:`not_carried` names what no XLSForm can hold.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..instrument import Column, Instrument, instrument_to_dict
from ._names import SUBMISSION_KEY
from .xpath import number_xpath

__all__ = [
    "BLOCKS",
    "PREFIX",
    "TEXTS",
    "block_settings",
    "check_parts",
    "not_carried",
    "place_of",
    "read_blocks",
    "same_rule",
]

PREFIX = "villagesurvey:"
TEXTS = ("title", "consent")
"""Blocks that are a text per language: one column per language."""
BLOCKS = ("waves", "checks", "model", "derive", "monitoring")
"""Blocks written as JSON, in the instrument file's layout."""
_NONCHARACTER = re.compile("[\ufffe\uffff]")


def _asked_waves(instrument: Instrument) -> list[int]:
    questions = [
        *instrument.questions,
        *(q for r in instrument.rosters for q in r.section.questions),
    ]
    return sorted({w for q in questions for w in q.waves})


def block_settings(instrument: Instrument, tags: dict[str, str], moments: bool) -> dict[str, str]:
    """The extension settings of an instrument: ``{"villagesurvey:checks": "[...]", ...}``.

    A block is written when the import could not otherwise give it back: the title when
    a language's differs from the first's (``form_title``, read without the spaces around
    it), the waves when some is not asked,
    the monitoring block when declared or when the form has ``start``/``end`` rows (which
    the import would otherwise declare).
    """
    data = instrument_to_dict(instrument)
    out: dict[str, str] = {}
    first = instrument.title[instrument.languages[0]]
    if first != first.strip() or any(text != first for text in instrument.title.values()):
        out |= {f"{PREFIX}title::{tag}": instrument.title[lang] for lang, tag in tags.items()}
    if instrument.consent:
        out |= {f"{PREFIX}consent::{tag}": instrument.consent[lang] for lang, tag in tags.items()}
    if moments:
        data.setdefault("monitoring", {})
    if list(instrument.waves) == _asked_waves(instrument):
        data.pop("waves", None)
    for name in BLOCKS:
        if name in data:
            out[f"{PREFIX}{name}"] = json.dumps(data[name], ensure_ascii=False, default=str)
    return out


def read_blocks(
    texts: dict[str, dict[str, str]], cells: dict[str, str], text: Any
) -> tuple[dict[str, Any], list[str]]:
    """The blocks a form's settings carry, as instrument file data, and the columns unread.

    ``text`` turns a column's texts by language tag into a text per language (or ``None``).
    """
    data: dict[str, Any] = {}
    unread = []
    for name in TEXTS:
        if (value := text(texts.get(f"{PREFIX}{name}"), name)) is not None:
            data[name] = value
    for name in BLOCKS:
        raw = cells.get(f"{PREFIX}{name}", "").strip()
        if not raw:
            continue
        try:
            data[name] = json.loads(raw)
        except ValueError:
            unread.append(f"{PREFIX}{name}")
    return data, unread


_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def same_rule(a: str, b: str) -> bool:
    """True when two check rules say the same (``q > 10.51`` and ``q > 10.510``)."""

    def words(rule: str) -> list[object]:
        return [float(w) if _NUMBER.match(w) else w for w in rule.split()]

    return words(a) == words(b)


def _texts(value: Any, path: str) -> list[str]:
    """The paths of the texts in ``value`` that hold a noncharacter."""
    if isinstance(value, str):
        return [path] if _NONCHARACTER.search(value) else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found += _texts(item, f"{path}.{key}" if path else str(key))
        return found
    if isinstance(value, list):
        found = []
        for index, item in enumerate(value):
            name = item["code"] if isinstance(item, dict) and "code" in item else index
            found += _texts(item, f"{path}[{name}]")
        return found
    return []


def place_of(instrument: Instrument, code: str) -> dict[str, str]:
    """Where a start or end question stands: its ``section``, and the field it is ``after``."""
    question = instrument.question(code)
    section = next(s for s in instrument.sections if s.code == question.section)
    place = {"section": section.code}
    submission = instrument.key == (SUBMISSION_KEY,)  # its question is not in the form
    before = [
        q
        for q in section.questions[: section.questions.index(question)]
        if not (submission and q.code == SUBMISSION_KEY)
    ]
    if before:  # the last field of the question before it (a wave's, for one in waves)
        fields = [c.code for c in instrument.columns if c.question.code == before[-1].code]
        place["after"] = fields[-1]
    return place


def check_parts(instrument: Instrument, column: Column) -> list[str]:
    """The checks (errors) on a question that its constraint can hold and read back as checks.

    A comparison with another number not asked in waves, or a bound that a limit cannot be
    (``!=``; ``<``, ``>`` on a decimal), on a number not asked in waves and without special
    codes, whose message is the question's. All checks are also in the settings
    (``villagesurvey:checks``), which the import prefers.
    """
    q = column.question
    if q.waves or q.special or q.type not in ("integer", "decimal"):
        return []
    if q.code not in {x.code for x in instrument.questions}:
        return []  # a roster's question: checks are on the household's
    parts = []
    for rule in instrument.rules:
        if rule.left != q.code or rule.severity != "error" or rule.message not in (None, q.message):
            continue
        if rule.right is None:
            if rule.op == "!=" or (rule.op in ("<", ">") and q.type == "decimal"):
                parts.append(f". {rule.op} {number_xpath(rule.factor)}")
            continue
        right = instrument.question(rule.right)
        earlier = instrument.questions.index(right) < instrument.questions.index(q)
        if earlier and not right.waves and right.type in ("integer", "decimal"):
            times = "" if rule.factor == 1 else f"{number_xpath(rule.factor)} * "
            parts.append(f". {rule.op} {times}${{{rule.right}}}")
    return parts


def not_carried(instrument: Instrument) -> tuple[str, ...]:
    """What of an instrument an XLSForm cannot hold, one phrase each (empty: nothing).

    Parameters
    ----------
    instrument : Instrument

    Returns
    -------
    tuple of str
        Today one thing can be lost: the Unicode noncharacters U+FFFE and U+FFFF, which no
        .xlsx can hold (the written form leaves them out), named with where they are
        (``sections[money].questions[debt].label.en``).
    """
    found = _texts(instrument_to_dict(instrument), "")
    if not found:
        return ()
    return (f"the characters U+FFFE and U+FFFF, which no .xlsx can hold ({', '.join(found)})",)
