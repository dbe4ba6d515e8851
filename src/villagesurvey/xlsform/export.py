"""Write an instrument as an XLSForm for ODK Collect, KoboToolbox and SurveyCTO.

:func:`build_xlsform` returns the three sheets (survey, choices, settings) as rows of text (the
survey sheet's from :mod:`.survey_rows`) and touches no file; :func:`write_xlsform` saves them
as an .xlsx atomically. How each part of the
instrument maps is in ``docs/xlsform.md``; in short:

* a section is a group, a run of Likert items of one scale a group inside it (one screen);
* a question asked in waves is one field per wave, ``<code>_<wave>``, its label followed by the
  wave, its skip rule bound to that wave (as :attr:`Instrument.columns` does);
* hard limits are a constraint with the instrument's message; skip rules are relevance;
* what XLSForm has no column for (the respondent key, units, soft limits, personal data, parts
  of a total, scales, reverse-coded items) is kept in custom bind attributes of the
  ``villagesurvey`` namespace, which phones ignore and :func:`~villagesurvey.xlsform.read_xlsform`
  reads back; the instrument's own blocks (title per language, consent, checks, model,
  derived outcomes, monitoring) in ``villagesurvey:`` columns of the settings sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import XLSFormError
from ..instrument import Instrument
from ._blocks import block_settings
from ._languages import language_tag
from ._namespace import ATTRIBUTES as ATTRIBUTES
from ._namespace import NAMESPACE as NAMESPACE
from ._namespace import NAMESPACE_URI as NAMESPACE_URI
from .survey_rows import Rows, recorded_times, survey_rows

__all__ = [
    "ATTRIBUTES",
    "NAMESPACE",
    "NAMESPACE_URI",
    "XLSFormSheets",
    "build_xlsform",
    "write_xlsform",
]

# An .xlsx writes a control character (which XML cannot hold, or, for a carriage return, turns
# into a line feed) as _xHHHH_, and a literal _xHHHH_ as _x005F_xHHHH_, as Excel does. The
# noncharacters U+FFFE and U+FFFF have no way into an .xlsx at all.
_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_NONCHARACTER = re.compile("[\ufffe\uffff]")


@dataclass(frozen=True)
class XLSFormSheets:
    """An XLSForm as plain data: each sheet's rows of text, its header first.

    Attributes
    ----------
    survey, choices, settings : tuple of tuple of str
        The rows of each sheet; an empty cell is ``""``.
    """

    survey: Rows
    choices: Rows
    settings: Rows

    def sheets(self) -> dict[str, Rows]:
        """The sheets by name, in the order they are written."""
        return {"survey": self.survey, "choices": self.choices, "settings": self.settings}


def _ooxml(value: str) -> str:
    """Text as an .xlsx cell holds it exactly (python-calamine and Excel read it back)."""
    value = _LITERAL_ESCAPE.sub(r"_x005F_\1", _NONCHARACTER.sub("", value))
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def _choice_rows(instrument: Instrument) -> Rows:
    tags = [language_tag(lang) for lang in instrument.languages]
    keys = list(dict.fromkeys(k for cs in instrument.choices.values() for c in cs
                              for k, _ in c.filter))  # fmt: skip
    rows = [("list_name", "name", *(f"label::{t}" for t in tags), *keys)]
    for name, choices in instrument.choices.items():
        for choice in choices:
            labels = (choice.label[lang] for lang in instrument.languages)
            values = dict(choice.filter)
            rows.append((name, str(choice.code), *labels, *(values.get(k, "") for k in keys)))
    return tuple(rows)


def build_xlsform(instrument: Instrument) -> XLSFormSheets:
    """Build the XLSForm of an instrument as plain rows.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire.

    Returns
    -------
    XLSFormSheets
        The survey, choices and settings sheets. Labels, hints and constraint messages have
        one column per language of the instrument (``label::English (en)``,
        ``label::Chinese (zh)``); the settings give ``form_id`` (the instrument's id),
        ``version``, ``form_title`` and ``default_language`` (the first language).

    Raises
    ------
    XLSFormError
        If a question is named ``meta``, a name ODK keeps for the form's metadata.
    """
    if any(column.code == "meta" for column in instrument.columns):
        raise XLSFormError(
            "question 'meta': ODK keeps the name 'meta' for the form's metadata, so an XLSForm "
            "cannot have a question of that name; rename the question in the instrument"
        )
    survey = survey_rows(instrument)
    settings = {
        "form_title": instrument.title[instrument.languages[0]],
        "form_id": instrument.id,
        "version": instrument.version,
        "default_language": language_tag(instrument.languages[0]),
    }
    if any(key.startswith(f"bind::{NAMESPACE}:") for key in survey[0]):
        settings["namespaces"] = f'{NAMESPACE}="{NAMESPACE_URI}"'
    tags = {lang: language_tag(lang) for lang in instrument.languages}
    settings |= block_settings(instrument, tags, bool(recorded_times(instrument)))
    return XLSFormSheets(
        survey=survey,
        choices=_choice_rows(instrument),
        settings=(tuple(settings), tuple(settings.values())),
    )


def write_xlsform(instrument: Instrument, path: str | Path) -> Path:
    """Build the XLSForm of an instrument and save it to ``path`` (.xlsx) atomically.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire.
    path : str or Path
        The .xlsx file to write.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    OutputError
        If the file cannot be written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .._atomic import atomic_path
    from ..workbook._cells import put

    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for name, rows in build_xlsform(instrument).sheets().items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value == "":
                    continue
                cell = put(sheet, r, c, _ooxml(value))  # "=SUM(A1)" in a label stays text
                if r == 1:
                    cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for c, header in enumerate(rows[0], start=1):
            widest = max((len(row[c - 1]) for row in rows[: min(len(rows), 200)]), default=8)
            letter = sheet.cell(row=1, column=c).column_letter
            sheet.column_dimensions[letter].width = min(60, max(10, len(header), widest) + 2)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path
