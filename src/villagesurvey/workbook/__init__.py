"""The blank workbook enumerators fill in by hand, one respondent per row.

:func:`build_workbook` returns an :class:`openpyxl.Workbook` and touches no file;
:func:`write_workbook` saves one atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OptionError
from ..instrument import Instrument

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = [
    "CODE_ROW",
    "FIRST_DATA_ROW",
    "LABEL_ROW",
    "META_SHEET",
    "build_workbook",
    "write_workbook",
]

SECTION_ROW = 1
LABEL_ROW = 2
CODE_ROW = 3
FIRST_DATA_ROW = 4
META_SHEET = "_instrument"
LISTS_SHEET = "_lists"


def _language(instrument: Instrument, language: str | None) -> str:
    if language is None:
        return instrument.languages[0]
    if language not in instrument.languages:
        raise OptionError(
            f"language {language!r} is not one of the instrument's languages "
            f"({', '.join(instrument.languages)})"
        )
    return language


def build_workbook(
    instrument: Instrument, language: str | None = None, rows: int = 1000
) -> Workbook:
    """Build the blank workbook for an instrument.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire.
    language : str, optional
        The language of headings, drop-downs and messages; the instrument's first
        language by default.
    rows : int, default 1000
        How many respondent rows carry the drop-downs and range checks.

    Returns
    -------
    openpyxl.Workbook
        Sheets: the data sheet (section, label and code rows above the respondents), one
        sheet per roster (named after it, the household's key columns first), the codebook,
        the instructions, and two hidden sheets: the drop-down lists and the
        instrument's id, version and content hash (also stored as document properties).

    Raises
    ------
    OptionError
        If ``language`` is not one of the instrument's languages or ``rows`` < 1.
    """
    from openpyxl import Workbook

    from ._data import add_data_sheet
    from ._rosters import add_roster_sheets
    from ._sheets import add_codebook_sheet, add_instructions_sheet, add_lists_sheet, add_meta

    language = _language(instrument, language)
    if rows < 1:
        raise OptionError(f"rows must be at least 1, not {rows}")
    workbook = Workbook()
    lists = add_lists_sheet(workbook, instrument, language)
    data = add_data_sheet(workbook, instrument, language, rows, lists)
    rosters = add_roster_sheets(workbook, instrument, language, rows, lists)
    add_codebook_sheet(workbook, instrument, language)
    add_instructions_sheet(workbook, instrument, language)
    add_meta(workbook, instrument, language, data.title, rosters)
    workbook.remove(workbook.worksheets[0])  # the default empty sheet
    workbook.move_sheet(LISTS_SHEET, offset=len(workbook.sheetnames))
    workbook.move_sheet(META_SHEET, offset=len(workbook.sheetnames))
    workbook.active = workbook.sheetnames.index(data.title)
    return workbook


def write_workbook(
    instrument: Instrument,
    path: str | Path,
    language: str | None = None,
    rows: int = 1000,
) -> Path:
    """Build the blank workbook and save it to ``path`` atomically.

    Parameters are those of :func:`build_workbook`. Returns the path written.

    Raises
    ------
    OptionError
        For a language the instrument lacks.
    OutputError
        If the file cannot be written.
    """
    from .._atomic import atomic_path

    path = Path(path)
    workbook = build_workbook(instrument, language, rows)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path
