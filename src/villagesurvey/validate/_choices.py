"""Choice answers to codes: one choice (select_one, likert) or several (select_multiple).

Answers repeat: a column of 100,000 answers holds a few dozen different texts. Each
different text (in each template language) is read once, with the logging it needs, and
the result is spread over every cell that holds it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import TYPE_CHECKING

from ..instrument import Column, Instrument
from ._column import Log, Parts, split, spread
from .arrow_lane import Distinct
from .cells import show

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    import pandas as pd

__all__ = ["choices", "several", "spoken"]

_LISTED = re.compile(r"\s*[,，、;；]\s*")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class _ChoiceIndex:
    """Every way an answer may name a choice of one list, and how each way is logged."""

    def __init__(self, instrument: Instrument, column: Column) -> None:
        choices = instrument.choice_list(column.question)
        self.codes = {str(c.code): str(c.code) for c in choices}
        self.labels = {
            lang: {c.label[lang]: str(c.code) for c in choices} for lang in instrument.languages
        }
        self.exact: dict[str, str] = {}
        for mapping in self.labels.values():
            self.exact.update(mapping)
        self.exact.update(self.codes)
        self.folded = {_fold(k): v for k, v in self.exact.items()}
        self.names = {str(c.code): c.label[instrument.languages[0]] for c in choices}
        self.column = column

    def silent(self, language: str | None) -> set[str]:
        return set(self.codes) if language is None else set(self.labels.get(language, {}))

    def classify(self, key: str, language: str | None) -> tuple[str | None, str, str]:
        """``(code, check, message)`` for an answer off the fast path."""
        code = self.exact.get(key)
        if code is not None:
            if key in self.codes:
                return code, "code_for_label", f"read code {key} as {self.names[code]!r}"
            other = next(lang for lang, m in self.labels.items() if key in m)
            if language is None:
                return code, "choice_label", f"read label {key!r} as code {code}"
            return (
                code,
                "other_language_label",
                (f"read the {other} label {key!r} as {self.names[code]!r} (code {code})"),
            )
        code = self.folded.get(_fold(key))
        if code is not None:
            check = "whitespace" if key.strip() in self.exact else "label_variant"
            return code, check, f"read {key!r} as {self.names[code]!r} (code {code})"
        return None, "unknown_label", self._unknown(key)

    def _unknown(self, key: str) -> str:
        close = difflib.get_close_matches(key, list(self.exact), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        allowed = ", ".join(f"{c} {self.names[c]}" for c in self.codes)
        return f"{key!r} is not a choice of {self.column.question.code} ({allowed}){hint}"

    def expected(self) -> str:
        return "one of " + ", ".join(f"{c} ({self.names[c]})" for c in self.codes)


def _keys(parts: Parts) -> tuple[np.ndarray, pd.Series]:
    """Each answer as the text it names a choice by (text as is, ``1.0`` as ``1``), and where."""
    import numpy as np
    import pandas as pd

    others = np.sort(np.concatenate([parts.numbers_at, parts.days_at, parts.other_at]))
    if not len(others):
        return parts.text_at, parts.text
    at = np.concatenate([parts.text_at, others])
    shown = pd.Series([show(v) for v in parts.at(others)], index=parts.index[others], dtype="str")
    order = np.argsort(at, kind="stable")
    return at[order], pd.concat([parts.text, shown]).iloc[order]


def spoken(languages: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    """The template language of each record as a number, and the languages numbered."""
    import numpy as np
    import pandas as pd

    if len(languages) and bool(pd.isna(languages.to_numpy(dtype=object)).all()):
        return np.zeros(len(languages), dtype=np.intp), [None]  # a CSV's: no language said
    codes, names = pd.factorize(languages.where(languages.notna(), ""))
    return codes, [str(name) or None for name in names]


def _groups(
    at: np.ndarray, keys: pd.Series, languages: tuple[np.ndarray, list[str | None]]
) -> tuple[list[tuple[str, str | None]], np.ndarray]:
    """The different (text, language) pairs among the answers, and each answer's pair."""
    import numpy as np
    import pandas as pd

    key_codes, texts = pd.factorize(keys)
    lang_codes, langs = languages
    said = lang_codes[at]
    if len(said) and (said == said[0]).all():  # one language: the pairs are the texts
        language = langs[int(said[0])]
        return [(str(text), language) for text in texts], key_codes
    width = max(len(langs), 1)
    found, first = pd.factorize(key_codes * width + said)  # hashing: no sort of all
    order = np.argsort(first)  # the pairs in order, as numpy's unique gives them
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    pairs = np.asarray(first)[order]
    return [(str(texts[p // width]), langs[p % width]) for p in pairs], rank[found]


def choices(
    instrument: Instrument,
    column: Column,
    parts: Parts | Distinct,
    languages: tuple[np.ndarray, list[str | None]],
    log: Log,
) -> pd.Series:
    """The code of each select_one or likert answer; labels and variants are logged.

    ``languages`` is :func:`spoken` of the records' template languages. A CSV column
    (:class:`.Distinct`) of records in one language is read by its different texts.
    """
    index = _ChoiceIndex(instrument, column)
    if isinstance(parts, Distinct):
        said, langs = languages
        if len(said) and (said == said[0]).all():
            language = langs[int(said[0])]
            codes = _codes(index, [(key, language) for key in parts.texts], parts.rows, log)
            return parts.text(codes)
        parts = split(parts.cells)  # records in several languages: pair by pair
    at, keys = _keys(parts)
    named, inverse = _groups(at, keys, languages)
    codes = _codes(index, named, lambda number: parts.index[at[inverse == number]], log)
    return spread(codes, inverse, at, parts.index)


def _codes(
    index: _ChoiceIndex,
    named: list[tuple[str, str | None]],
    rows: Callable[[int], pd.Index],
    log: Log,
) -> list[str | None]:
    """The code of each different (text, language) answer; ``rows(n)`` are the records of
    the ``n``-th, logged together when the answer is not the silent form."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pa.array([key for key, _ in named], type=pa.large_string())
    stripped = pc.utf8_trim_whitespace(texts)  # what pandas' str.strip() of Arrow text does
    blank = pc.equal(stripped, "").to_numpy(zero_copy_only=False)
    codes: list[str | None] = []
    for (key, language), is_blank in zip(named, blank, strict=True):
        if is_blank:
            codes.append(None)
        elif key in index.silent(language):
            codes.append(index.exact[key])
        else:
            code, check, message = index.classify(key, language)
            codes.append(code)
            severity = "error" if code is None else "fixed"
            expected = index.expected() if code is None else ""
            log.many(
                {"record": rows(len(codes) - 1), "column": index.column.code, "value": key,
                 "check": check, "severity": severity, "message": message,
                 "expected": expected, "fixed_value": code}
            )  # fmt: skip
    return codes


def several(instrument: Instrument, column: Column, parts: Parts | Distinct, log: Log) -> pd.Series:
    """The codes of each select_multiple answer, separated by spaces; commas are logged."""
    import pandas as pd

    index = _ChoiceIndex(instrument, column)
    if isinstance(parts, Distinct):  # a CSV column: by its different texts
        lane = parts
        joined = _joined(index, column, lane.texts, lane.rows, log)
        return lane.text(joined)
    at, keys = _keys(parts)
    key_codes, texts = pd.factorize(keys)
    joined = _joined(
        index, column, [str(key) for key in texts],
        lambda number: parts.index[at[key_codes == number]], log,
    )  # fmt: skip
    return spread(joined, key_codes, at, parts.index)


def _joined(
    index: _ChoiceIndex,
    column: Column,
    texts: list[str],
    rows: Callable[[int], pd.Index],
    log: Log,
) -> list[str | None]:
    """The codes each different answer names, joined by spaces (``None`` if blank or not
    read); ``rows(n)`` are the records of the ``n``-th, logged together (looked up only for
    an answer that is logged)."""
    joined: list[str | None] = []
    for number, key in enumerate(texts):
        found = _read_several(index, column, key)
        if found is None:
            joined.append(None)
            continue
        codes, unknown = found
        if unknown:
            log.many(
                {"record": rows(number), "column": column.code, "value": key,
                 "check": "unknown_label", "severity": "error",
                 "message": (f"{', '.join(map(repr, unknown))} "
                             f"{'is not a choice' if len(unknown) == 1 else 'are not choices'} "
                             f"of {column.question.code}; write codes separated by spaces"),
                 "expected": index.expected(), "fixed_value": None}
            )  # fmt: skip
            joined.append(None)
            continue
        text = " ".join(codes)
        joined.append(text)
        if text != key:
            log.many(
                {"record": rows(number), "column": column.code, "value": key,
                 "check": "choice_separator", "severity": "fixed",
                 "message": f"read {key!r} as the codes {text!r}", "expected": "",
                 "fixed_value": text}
            )  # fmt: skip
    return joined


def _read_several(
    index: _ChoiceIndex, column: Column, key: str
) -> tuple[list[str], list[str]] | None:
    """The codes an answer names and the tokens that name none; ``None`` for a blank."""
    text = key.strip()
    if not text:
        return None
    # Codes are separated by spaces; labels (which may hold spaces) by commas or 、.
    listed = _LISTED.search(text) is not None
    tokens = [t for t in (_LISTED.split(text) if listed else text.split()) if t]
    codes: list[str] = []
    unknown: list[str] = []
    for token in tokens:
        code = index.codes.get(token) or index.exact.get(token) or index.folded.get(_fold(token))
        if code is None:
            unknown.append(token)
        elif code not in codes:
            codes.append(code)
    return codes, unknown
