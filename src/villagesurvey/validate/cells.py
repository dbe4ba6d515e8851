"""Read one typed-in cell as a number or a date, saying what had to be changed.

These are the slow, careful paths for the few cells that are not already clean numbers or
dates; :mod:`.normalise` runs them only where the fast vectorised path did not apply.
Each returns the value and the list of changes made, or ``None`` when the text is not
unambiguously a number (or a date): ``"1,5"`` and ``"about 3000"`` are left for a person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from datetime import date, datetime, timedelta
from decimal import Decimal

__all__ = [
    "DONT_KNOW",
    "EXCEL_EPOCH",
    "HIDDEN",
    "full_width_to_ascii",
    "is_dont_know",
    "own_column",
    "parse_date",
    "parse_number",
    "serial_to_date",
    "show",
]

HIDDEN = "(hidden: personal data)"
"""What stands for an answer to a personal-data question (``pii: true``) in the reports."""
EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system (serial 1 is 1900-01-01, counting the fictitious
1900-02-29, so serials from 61 on are exact; :func:`serial_to_date` corrects those below)."""

_LAST_SERIAL = 2958465  # 9999-12-31

# Changes, in the order they are undone; each name is a check code of a ``fixed`` finding.
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:([, '])[0-9]{3})(?:\1[0-9]{3})*(?:\.[0-9]+)?")
_CURRENCY_BEFORE = re.compile(r"^(?:¥|￥|\$|RMB|CNY|人民币)\s*", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"\s*(?:元|块钱|块|圆|RMB|CNY|yuan|rmb)$", re.IGNORECASE)
_MAGNITUDES = {"万": 10_000, "萬": 10_000, "千": 1_000, "亿": 100_000_000, "億": 100_000_000}

DONT_KNOW = frozenset(
    {
        "不知道",
        "不清楚",
        "不详",
        "说不清",
        "拒绝回答",
        "拒答",
        "don't know",
        "dont know",
        "do not know",
        "dk",
        "d/k",
        "refused",
        "n/a",
        "na",
        "unknown",
    }
)
"""Answers that mean "don't know" or "refused": counted in the non-response rates."""


def is_dont_know(text: str) -> bool:
    """True for a "don't know" or "refused" answer such as ``不知道`` or ``DK``."""
    return unicodedata.normalize("NFKC", text).strip().casefold().replace("’", "'") in DONT_KNOW


def parse_number(text: str) -> tuple[float, list[str]] | None:
    """Read typed text as a number and name each change made on the way.

    Examples
    --------
    >>> parse_number(" 41")
    (41.0, ['whitespace', 'number_as_text'])
    >>> parse_number("¥54,000")
    (54000.0, ['currency_mark', 'thousands_separator', 'number_as_text'])
    >>> parse_number("1.2万")
    (12000.0, ['magnitude_word', 'number_as_text'])
    >>> parse_number("about 3000") is None
    True
    """
    changes: list[str] = []
    work = text.strip()
    if work != text:
        changes.append("whitespace")
    folded = full_width_to_ascii(work)
    if folded != work:
        changes.append("full_width_digits")
        work = folded.strip()
    stripped = _CURRENCY_AFTER.sub("", _CURRENCY_BEFORE.sub("", work))
    if stripped != work:
        changes.append("currency_mark")
        work = stripped
    factor = 1
    if work and work[-1] in _MAGNITUDES:
        factor = _MAGNITUDES[work[-1]]
        work = work[:-1].strip()
        changes.append("magnitude_word")
        stripped = _CURRENCY_AFTER.sub("", _CURRENCY_BEFORE.sub("", work))
        if stripped != work:  # "¥1.2万"
            work = stripped
            if "currency_mark" not in changes:
                changes.append("currency_mark")
    if _THOUSANDS.fullmatch(work):
        work = re.sub(r"[,\s']", "", work)
        changes.append("thousands_separator")
    if not _PLAIN.fullmatch(work):
        return None
    changes.append("number_as_text")
    return float(Decimal(work) * factor), changes


def full_width_to_ascii(text: str) -> str:
    """Full-width forms (``４５，０００``, ``￥``'s neighbours) and the ideographic space as ASCII.

    Only these are an unambiguous change: other characters that Unicode folds into digits
    (superscripts ``²``, circled ``①``, Arabic-Indic ``٣``) are left as they are, so that
    they are not read as a number without a person looking.
    """
    return text.translate(_FULL_WIDTH) if _FULL_WIDTH_CHARS.search(text) else text


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULL_WIDTH_CHARS = re.compile("[\uff01-\uff5e\u3000]")


def serial_to_date(serial: float) -> date | None:
    """The date of an Excel serial number (1900 system), or ``None`` if it is not one.

    Serial 60 is the 1900-02-29 that Excel counts but that never was: not a date. Serials
    1 to 59 are 1900-01-01 to 1900-02-28.
    """
    if not 1 <= serial <= _LAST_SERIAL or serial != int(serial) or serial == 60:
        return None
    return EXCEL_EPOCH + timedelta(days=int(serial) + (serial < 60))


_DATE_FORMATS = (
    (
        re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.A),
        "iso",
    ),
    (re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", re.A), "date_as_text"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?", re.A), "date_as_text"),
)


def parse_date(text: str) -> tuple[date, list[str]] | None:
    """Read typed text as a date: year first only (``2022-08-03``, ``2022/8/3``, ``2022年8月3日``).

    Day-first and month-first forms (``3/8/2022``) are ambiguous and are not guessed.

    Examples
    --------
    >>> parse_date("2022年8月3日")
    (datetime.date(2022, 8, 3), ['date_as_text'])
    >>> parse_date("3/8/2022") is None
    True
    """
    changes: list[str] = []
    work = full_width_to_ascii(text).strip()
    if work != text:
        changes.append("whitespace")
    for pattern, change in _DATE_FORMATS:
        match = pattern.fullmatch(work)
        if match:
            try:
                value = date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
            if change != "iso" or len(work) != 10:
                changes.append("date_as_text")
            return value, changes
    return None


def own_column(name: str, codes: Collection[str]) -> str:
    """The header a table gives its own column ``name`` (``file``, ``reason``, ``when``, ...):
    ``name``, or ``_name`` when a question of the instrument has that code (``__name`` if
    that is one too), so that no answer column is written over or written twice."""
    while name in codes:
        name = "_" + name
    return name


def show(value: object) -> str:
    """A value as a person would write it: ``41`` not ``41.0``, dates as ``2022-08-03``."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        value = float(value)  # a numpy float's repr would say np.float64(...)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "item") and callable(value.item):  # another numpy scalar
        return show(value.item())
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
