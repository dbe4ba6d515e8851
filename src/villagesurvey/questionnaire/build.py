"""Build the paper questionnaire's plain structure from an instrument."""

from __future__ import annotations

from ..errors import OptionError
from ..instrument import Column, Instrument, Question
from ..tables.letters import column_letter
from ..workbook._points import column_letters
from .form import Cell, Form, FormQuestion, FormSection
from .skips import skip_instructions

__all__ = ["build_questionnaire", "column_letter", "form_languages"]


def form_languages(instrument: Instrument, language: str | None) -> tuple[str, ...]:
    """The languages to print: ``zh``, ``en``, or two joined as ``zh+en`` (the first leads).

    Raises
    ------
    OptionError
        If a language is not one of the instrument's, or one is given twice.
    """
    if language is None:
        return (instrument.languages[0],)
    wanted = tuple(part.strip() for part in language.split("+"))
    for part in wanted:
        if part not in instrument.languages:
            raise OptionError(
                f"language {part!r} is not one of the instrument's languages "
                f"({', '.join(instrument.languages)}); use one of them, or two joined by +"
            )
    if len(set(wanted)) != len(wanted):
        raise OptionError(f"language {language!r} names a language twice")
    return wanted


def build_questionnaire(instrument: Instrument, language: str | None = None) -> Form:
    """The paper questionnaire of an instrument, as plain data.

    Questions are numbered ``section.question`` in the order of the workbook's columns;
    each answer space carries its column's code and letter.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire.
    language : str, optional
        ``en``, ``zh`` (any language of the instrument) or two joined by ``+`` (``zh+en``)
        to print both, the first leading; the instrument's first language by default.

    Returns
    -------
    Form
        Cover (respondent key, interviewer, date), body sections, the rosters (a grid
        each), personal-data page and the skip instructions.

    Raises
    ------
    OptionError
        For a language the instrument lacks.
    """
    languages = form_languages(instrument, language)
    letters = column_letters(instrument.columns)  # a geopoint has four cells
    by_question: dict[str, list[Column]] = {}
    for column in instrument.columns:
        by_question.setdefault(column.question.code, []).append(column)
    cover_section = instrument.question(instrument.key[0]).section
    cover: list[FormQuestion] = []
    personal: list[FormQuestion] = []
    sections: list[FormSection] = []
    numbers: dict[str, str] = {}
    for s_number, section in enumerate(instrument.sections, start=1):
        body: list[FormQuestion] = []
        for q_number, question in enumerate(section.questions, start=1):
            item = _question(instrument, question, f"{s_number}.{q_number}", by_question, letters)
            numbers.update((cell.code, item.number) for cell in item.cells)
            if question.pii and question.code not in instrument.key:
                personal.append(item)
            elif section.code == cover_section:
                cover.append(item)
            else:
                body.append(item)
        if body:
            sections.append(FormSection(s_number, section.code, dict(section.label), tuple(body)))
    key = tuple(q for q in cover if q.code in instrument.key)
    from .rosters import build_rosters  # it numbers its columns as this module does

    rosters = build_rosters(instrument, numbers)
    return Form(
        id=instrument.id,
        version=instrument.version,
        content_hash=instrument.content_hash,
        title=dict(instrument.title),
        languages=languages,
        consent=dict(instrument.consent) if instrument.consent else None,
        cover=tuple(cover),
        sections=tuple(sections),
        personal=tuple(personal),
        key=key,
        skips=skip_instructions(instrument),
        numbers=numbers,
        rosters=rosters,
    )


def _question(
    instrument: Instrument,
    question: Question,
    number: str,
    by_question: dict[str, list[Column]],
    letters: dict[str, str],
) -> FormQuestion:
    cells = tuple(
        Cell(c.code, letters[c.code], c.wave, c.relevant) for c in by_question[question.code]
    )
    return FormQuestion(number, question, cells, instrument.choice_list(question))
