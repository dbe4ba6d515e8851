"""The languages of an imported form, and each text in every one of them.

An instrument needs every label in every language; a form may leave a translation empty, mix
``label`` with ``label::French (fr)``, or name its languages without codes. Each such case is
resolved the way a phone shows the form (a missing translation falls back to another
language) and reported as a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..instrument.model import Text
from ._languages import language_code
from .findings import Finding

__all__ = ["Languages"]

_CODE = re.compile(r"^[a-z]{2,3}$")


class Languages:
    """Maps the languages written in a form's headers to the instrument's language codes.

    Parameters
    ----------
    columns : sequence of (str, str)
        Each translated column of the form: its name (``label``, ``hint``) and its language as
        written (``English (en)``, ``en``; ``""`` for a column without a language).
    default : str
        The form's ``default_language`` setting, ``""`` if none.
    note : callable
        Records a :class:`Finding`.
    """

    def __init__(
        self, columns: Sequence[tuple[str, str]], default: str, note: Callable[[Finding], None]
    ) -> None:
        self.note = note
        self.codes: dict[str, str] = {}  # tag as written -> code
        tags = list(dict.fromkeys(tag for _, tag in columns))
        named = [t for t in tags if t.strip() and t.strip().lower() != "default"]
        for tag in named:
            self.codes[tag] = self._code(tag)
        plain = [t for t in tags if t not in named]
        self.plain = frozenset(plain)  # columns without a language: every language's fallback
        default_code = language_code(default) if default.strip() else None
        if plain:
            self._plain(columns, plain, named, default_code)
        order = list(dict.fromkeys(self.codes.values()))
        if default_code in order:
            order.remove(default_code)
            order.insert(0, default_code)
        self.languages: tuple[str, ...] = tuple(order) or ("en",)

    def _plain(
        self,
        columns: Sequence[tuple[str, str]],
        plain: list[str],
        named: list[str],
        default: str | None,
    ) -> None:
        """The language of columns without one: the default language, else a language of
        their own when they stand beside translated columns of the same name (``label`` and
        ``label::French (fr)``), else the form's first language (a plain ``hint`` in a form
        whose labels are translated)."""
        translated = {key for key, tag in columns if tag in named}
        own = not named or any(key in translated for key, tag in columns if tag in plain)
        codes = list(dict.fromkeys(self.codes.values()))
        column = next(key for key, tag in columns if tag in plain)
        if default is not None:
            code = default
        elif own:
            code = "en" if "en" not in codes else "und"
            self._assumed(column, code, bool(named))
        else:
            code = codes[0]
            self._assumed(column, code, True)
        for tag in plain:
            self.codes[tag] = code

    def _code(self, tag: str) -> str:
        code = language_code(tag)
        if code is not None:
            return code
        letters = re.sub(r"[^a-z]", "", tag.lower())[:3]
        code = letters if _CODE.match(letters) else "und"
        self.note(
            Finding(
                "language_code",
                1,
                tag,
                f"the language {tag!r} has no code; it is written as {code!r}. Name it as "
                "ODK expects, e.g. 'English (en)', to choose the code",
                lost=False,
            )
        )
        return code

    def _assumed(self, column: str, code: str, named: bool) -> None:
        what = f"columns without a language (such as {column!r})"
        why = (
            "there is no default_language setting to say which language they are in"
            if named
            else "the form does not say its language"
        )
        self.note(
            Finding(
                "language_code",
                1,
                column,
                f"{what} are taken as language {code!r}: {why}. Add default_language to the "
                "settings sheet (e.g. 'English (en)') or fix the code in the instrument",
                lost=False,
            )
        )

    def text(self, texts: dict[str, str] | None, where: tuple[str, int, str]) -> Text | None:
        """A text in every language, filling a missing translation from the column without a
        language, else from another language.

        ``where`` is the sheet, row and column for the note about a missing translation.
        """
        if not texts:
            return None
        by_code: dict[str, str] = {}
        for tag, value in texts.items():
            code = self.codes.get(tag)
            if code is not None and value.strip():
                by_code.setdefault(code, value)
        if not by_code:
            return None
        missing = [lang for lang in self.languages if lang not in by_code]
        if missing:
            # a column without a language (label) is the text for every language, as pyxform
            # treats it; else another language's text, as a phone shows it
            plain = [v for tag, v in texts.items() if tag in self.plain and v.strip()]
            fallback = (
                plain[0]
                if plain
                else next(by_code[lang] for lang in self.languages if lang in by_code)
            )
            sheet, row, column = where
            self.note(
                Finding(
                    "missing_translation",
                    row,
                    column,
                    f"no text in {', '.join(missing)}; the {column} of another language is used "
                    "there, as a phone shows it. Translate it in the instrument",
                    sheet,
                    lost=False,
                )
            )
            by_code.update({lang: fallback for lang in missing})
        return {lang: by_code[lang] for lang in self.languages}
