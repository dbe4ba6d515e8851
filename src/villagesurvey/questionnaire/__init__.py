"""The paper questionnaire: a printable interview form that matches the workbook's codes.

:func:`build_questionnaire` turns an instrument into plain data (a :class:`Form`);
:func:`render_questionnaire` lays that out as one self-contained, print-ready HTML page;
:func:`questionnaire_html` does both and :func:`write_questionnaire` saves the page
atomically. Only :func:`write_questionnaire` touches a file.
"""

from __future__ import annotations

from pathlib import Path

from ..instrument import Instrument
from .build import build_questionnaire as build_questionnaire
from .form import Cell as Cell
from .form import Form as Form
from .form import FormQuestion as FormQuestion
from .form import FormSection as FormSection
from .form import Skip as Skip
from .html import render_questionnaire as render_questionnaire

__all__ = [
    "Cell",
    "Form",
    "FormQuestion",
    "FormSection",
    "Skip",
    "build_questionnaire",
    "questionnaire_html",
    "render_questionnaire",
    "write_questionnaire",
]


def questionnaire_html(instrument: Instrument, language: str | None = None) -> str:
    """The paper questionnaire of an instrument as HTML; see :func:`build_questionnaire`.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire.
    language : str, optional
        ``en``, ``zh`` or both joined by ``+`` (``zh+en``); the instrument's first
        language by default.

    Returns
    -------
    str
        A self-contained HTML document for A4 paper.

    Raises
    ------
    OptionError
        For a language the instrument lacks.
    """
    return render_questionnaire(build_questionnaire(instrument, language))


def write_questionnaire(
    instrument: Instrument, path: str | Path, language: str | None = None
) -> Path:
    """Write the paper questionnaire to ``path`` (HTML, UTF-8) atomically.

    Parameters are those of :func:`questionnaire_html`. Returns the path written.

    Raises
    ------
    OptionError
        For a language the instrument lacks.
    OutputError
        If the file cannot be written.
    """
    from .._atomic import atomic_path

    path = Path(path)
    page = questionnaire_html(instrument, language)
    with atomic_path(path) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return path
