"""Language columns of an XLSForm: ``label::English (en)`` written, every common variant read.

ODK, KoboToolbox and pyxform expect the language of a translated column as a name followed by
its code in brackets (``English (en)``); older forms and SurveyCTO write the name alone
(``label:English``) or the code alone (``label::en``).
"""

from __future__ import annotations

import re

__all__ = ["language_code", "language_tag"]

_NAMES = {
    "am": "Amharic", "ar": "Arabic", "bn": "Bengali", "bo": "Tibetan", "de": "German",
    "en": "English", "es": "Spanish", "fa": "Persian", "fr": "French", "ha": "Hausa",
    "hi": "Hindi", "id": "Indonesian", "ig": "Igbo", "it": "Italian", "ja": "Japanese",
    "km": "Khmer", "ko": "Korean", "lo": "Lao", "mn": "Mongolian", "ms": "Malay",
    "my": "Burmese", "ne": "Nepali", "nl": "Dutch", "pt": "Portuguese", "ru": "Russian",
    "rw": "Kinyarwanda", "so": "Somali", "sw": "Swahili", "ta": "Tamil", "th": "Thai",
    "tl": "Tagalog", "tr": "Turkish", "ug": "Uyghur", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese", "yo": "Yoruba", "zh": "Chinese", "zu": "Zulu",
}  # fmt: skip
# Names a form may use instead of the English name: native names and common variants.
_OTHER_NAMES = {
    "中文": "zh", "汉语": "zh", "漢語": "zh", "普通话": "zh", "简体中文": "zh", "mandarin": "zh",
    "français": "fr", "francais": "fr", "español": "es", "espanol": "es", "português": "pt",
    "kiswahili": "sw", "bahasa indonesia": "id", "tiếng việt": "vi", "deutsch": "de",
    "русский": "ru", "العربية": "ar", "हिन्दी": "hi",
}  # fmt: skip
_BY_NAME = {name.lower(): code for code, name in _NAMES.items()} | _OTHER_NAMES
_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")  # the instrument's language codes
_BRACKETED = re.compile(r"\(\s*([^()]+?)\s*\)\s*$")


def language_tag(code: str) -> str:
    """The language as an XLSForm column names it: ``English (en)``, ``zh-Hans (zh-Hans)``."""
    primary = re.split(r"[-_]", code)[0]
    name = _NAMES.get(code) or _NAMES.get(primary) or code
    return f"{name} ({code})"


def _lower_primary(code: str) -> str:
    """``EN`` -> ``en``, ``ZH-Hans`` -> ``zh-Hans``: the primary subtag in lower case."""
    primary, *rest = re.split(r"(?=[-_])", code, maxsplit=1)
    return primary.lower() + "".join(rest)


def language_code(tag: str) -> str | None:
    """The language code of a column's language, or ``None`` when it names no known language.

    ``English (en)``, ``en``, ``EN``, ``zh-Hans``, ``English``, ``english`` and ``中文`` are
    all read; a bracketed code wins over the name before it.
    """
    tag = tag.strip()
    bracketed = _BRACKETED.search(tag)
    if bracketed and _CODE.match(_lower_primary(bracketed.group(1))):
        return _lower_primary(bracketed.group(1))
    known = _BY_NAME.get(tag.lower())
    if known is None and bracketed:  # Chinese (Simplified)
        known = _BY_NAME.get(tag[: bracketed.start()].strip().lower())
    if known is not None:
        return known
    code = _lower_primary(tag)
    return code if _CODE.match(code) else None
