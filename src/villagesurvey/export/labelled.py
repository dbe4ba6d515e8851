"""The clean dataset as labelled variables: what every export (Stata, SPSS, Parquet) writes.

:func:`labelled_dataset` decides once, for all formats, which columns an export holds, their
names, labels, value labels and measurement levels, and where a blank answer means "not
asked" (the skip rule said so) rather than "not answered". The writers only translate this
into their format; nothing here writes files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..codebook import column_label
from ..instrument import Column, Instrument, Question
from ..instrument.model import Text
from ._names import NAME_LIMIT, NameBook
from ._words import words
from .dataset import PROVENANCE_COLUMNS, SOURCE_COLUMN, read_dataset
from .pseudonyms import pseudonymise_keys

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LABEL_SET_ROOM",
    "NAME_LIMIT",
    "SPSS_NAME_LIMIT",
    "LabelledDataset",
    "ValueLabel",
    "Variable",
    "export_variables",
    "labelled_dataset",
    "value_labels",
]

SPSS_NAME_LIMIT = 64
"""The longest variable name of an SPSS ``.sav``, in UTF-8 bytes; SPSS names no label sets."""
LABEL_SET_ROOM = 4
"""Characters kept free in the name of a variable with value labels: pyreadstat names its set
of value labels by the variable's name followed by the column's number (up to 9999), and that
name must fit in 32 characters too. Reserving a fixed room keeps names the same whatever
the column's place, so that the codebook (written without the data) lists them right."""

_KINDS = {"integer": "number", "decimal": "number", "date": "date", "select_one": "code",
          "likert": "code"}  # fmt: skip


@dataclass(frozen=True)
class ValueLabel:
    """One labelled value: the instrument's ``code``, the ``number`` Stata and SPSS store."""

    code: int | str
    number: int
    label: Text


@dataclass(frozen=True)
class Variable:
    """One column of an export.

    Attributes
    ----------
    name : str
        The column name in the export: a valid Stata and SPSS name of at most
        :data:`NAME_LIMIT` characters, the dataset column's code wherever it is one.
    column : str
        The clean dataset's column it comes from (for an option's 0/1 column, the
        ``select_multiple`` question's column).
    label : Text
        The variable label per language.
    kind : str
        ``number`` (integer or decimal), ``code`` (a choice or Likert answer), ``dummy``
        (1 when a ``select_multiple`` option was selected, else 0), ``date`` or ``text``.
    question_type : str
        The question's type, ``""`` for ``source_file``.
    value_labels : tuple of ValueLabel
        The labelled values, empty when there are none.
    measure : str
        SPSS's measurement level: ``nominal``, ``ordinal`` or ``scale``.
    unit : str
        The question's unit, or ``""``.
    wave : int or None
        The wave of the column.
    option : str
        For a ``dummy``, the code of its option; else ``""``.
    minimum : float or None
        The question's hard minimum when it is a number (not a date or another answer).
    roster : str
        For a roster's column reshaped into the main level (``--wide``), the roster.
    slot : str
        For such a column, the member number whose answer it holds.
    """

    name: str
    column: str
    label: Text
    kind: str
    question_type: str
    value_labels: tuple[ValueLabel, ...] = ()
    measure: str = "nominal"
    unit: str = ""
    wave: int | None = None
    option: str = ""
    minimum: float | None = None
    roster: str = ""
    slot: str = ""

    @property
    def text_codes(self) -> bool:
        """True for a choice whose codes are text, stored as numbers in Stata and SPSS."""
        return any(isinstance(v.code, str) for v in self.value_labels)


@dataclass(frozen=True)
class LabelledDataset:
    """A clean dataset ready to export.

    Attributes
    ----------
    instrument : Instrument
    data : DataFrame
        One column per variable, named by :attr:`Variable.name`; numbers and codes as
        ``Int64``/``Float64``, dates as ``datetime64``, text (and text codes) as strings.
    variables : tuple of Variable
        In the order of the columns.
    not_asked : DataFrame
        True where a value is blank because the question's skip rule did not ask it (known
        from the answers it depends on); same shape as :attr:`data`.
    dropped : tuple of str
        The personal-data columns left out.
    pseudonymised : bool
        Whether the key columns hold pseudonyms.
    pseudonym_key : tuple of str
        The columns that hold pseudonyms (empty when not pseudonymised).
    roster : str
        The roster whose rows these are, ``""`` for the main level (one row per respondent).
    link : tuple of str
        For a roster, the key columns that link its rows to the main level's rows.
    """

    instrument: Instrument
    data: pd.DataFrame
    variables: tuple[Variable, ...]
    not_asked: pd.DataFrame
    dropped: tuple[str, ...]
    pseudonymised: bool
    pseudonym_key: tuple[str, ...] = ()
    roster: str = ""
    link: tuple[str, ...] = ()


def labelled_dataset(
    instrument: Instrument,
    clean: pd.DataFrame | str | Path,
    *,
    keep_pii: bool = False,
    salt: bytes | None = None,
    name_limit: int = NAME_LIMIT,
    pseudonym_key: Sequence[str] | None = None,
) -> LabelledDataset:
    """The clean dataset with its export names, labels and value labels.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire the dataset was validated against.
    clean : DataFrame or path
        The ``clean.csv`` that ``villagesurvey validate`` wrote (or that file as a frame
        of text).
    keep_pii : bool, default False
        Keep the answers to personal-data questions; by default those columns are left out.
    salt : bytes, optional
        Replace the key columns with pseudonyms made with this secret (and leave out
        ``source_file``, whose names often tell the village); see
        :mod:`~villagesurvey.export.pseudonyms`.
    name_limit : int, default NAME_LIMIT
        The longest name: :data:`NAME_LIMIT` characters (Stata, and the codebook), or
        :data:`SPSS_NAME_LIMIT` bytes for an SPSS file.
    pseudonym_key : sequence of str, optional
        With ``salt``: the key columns to pseudonymise, outermost first; default the
        instrument's key. A roster's table pseudonymises its household's key only.

    Returns
    -------
    LabelledDataset

    Raises
    ------
    AnalysisError
        If the dataset's columns are not the instrument's or a value has the wrong type.
    """
    import pandas as pd

    typed = read_dataset(instrument, clean, keep_pii=keep_pii)
    skipped = _not_asked(instrument, typed)
    keys = tuple(instrument.key if pseudonym_key is None else pseudonym_key)
    if salt is not None:
        typed = pseudonymise_keys(
            typed.drop(columns=[SOURCE_COLUMN, *PROVENANCE_COLUMNS], errors="ignore"),
            keys, salt,
        )  # fmt: skip
    else:
        keys = ()
    variables = export_variables(
        instrument, list(typed.columns), pseudonymised=salt is not None, name_limit=name_limit,
        pseudonym_key=keys,
    )  # fmt: skip
    data: dict[str, pd.Series] = {}
    not_asked: dict[str, pd.Series] = {}
    for variable in variables:
        values = typed[variable.column]
        if variable.kind == "dummy":
            padded = " " + values.fillna("") + " "
            chosen = padded.str.contains(f" {variable.option} ", regex=False).astype("Int64")
            values = chosen.where(values.notna())
        elif variable.column == PROVENANCE_COLUMNS[1]:  # a date and time: as text everywhere
            values = values.dt.strftime("%Y-%m-%d %H:%M:%S").astype("string")
        data[variable.name] = values
        skip = skipped.get(variable.column)
        not_asked[variable.name] = values.isna() & (skip if skip is not None else False)
    dropped = tuple(c.code for c in instrument.columns if c.question.pii and not keep_pii)
    return LabelledDataset(
        instrument=instrument,
        data=pd.DataFrame(data, index=typed.index),
        variables=variables,
        not_asked=pd.DataFrame(not_asked, index=typed.index),
        dropped=dropped,
        pseudonymised=salt is not None,
        pseudonym_key=keys,
    )


def export_variables(
    instrument: Instrument,
    columns: Iterable[str],
    *,
    pseudonymised: bool = False,
    name_limit: int = NAME_LIMIT,
    pseudonym_key: Sequence[str] | None = None,
) -> tuple[Variable, ...]:
    """The variables an export of these dataset columns holds, with their unique names.

    Parameters
    ----------
    instrument : Instrument
    columns : iterable of str
        Dataset columns in order (``source_file`` and the instrument's column codes).
    pseudonymised : bool, default False
        Label the key columns as pseudonyms.
    name_limit : int, default NAME_LIMIT
        :data:`NAME_LIMIT` (Stata: characters, less :data:`LABEL_SET_ROOM` for a variable
        with value labels) or :data:`SPSS_NAME_LIMIT` (SPSS: bytes, no room needed).
    pseudonym_key : sequence of str, optional
        The key columns labelled as pseudonyms; default the instrument's key.

    Returns
    -------
    tuple of Variable
        One per column, and after a ``select_multiple`` column one 0/1 variable per option.
    """
    names = NameBook()
    keys = set(instrument.key if pseudonym_key is None else pseudonym_key)
    variables: list[Variable] = []
    for code in columns:
        for variable in _variables(instrument, code, pseudonymised and code in keys):
            limit = name_limit
            if variable.value_labels and name_limit == NAME_LIMIT:
                limit -= LABEL_SET_ROOM
            wanted = variable.name
            if variable.kind == "dummy" and len(wanted) > limit:  # keep the option in sight
                head = variable.column[: max(1, limit - len(variable.option) - 1)]
                wanted = f"{head}_{variable.option}"
            variables.append(_renamed(variable, names.take(wanted, limit)))
    return tuple(variables)


def _variables(instrument: Instrument, code: str, pseudonymised: bool) -> Iterable[Variable]:
    """The export variables of one dataset column: itself, and a select_multiple's options."""
    languages = instrument.languages
    if code in (SOURCE_COLUMN, *PROVENANCE_COLUMNS):
        label = {lang: words(lang)[code] for lang in languages}
        yield Variable(code, code, label, "text", "")
        return
    column = instrument.column(code)
    question = column.question
    label = {lang: column_label(column, lang) for lang in languages}
    if pseudonymised:  # a pseudonym is text, whatever the identifier's type
        label = {lang: words(lang)["pseudonym"].format(label=label[lang]) for lang in languages}
        yield Variable(code, code, label, "text", question.type, wave=column.wave)
        return
    kind = _KINDS.get(question.type, "text")
    if kind == "code":
        labelled = value_labels(instrument, question)
        measure = "ordinal" if _ordinal(instrument, column) else "nominal"
    else:
        labelled, measure = (), "nominal" if kind == "text" else "scale"
    unit = question.unit or ""
    low = question.min if isinstance(question.min, int | float) else None
    yield Variable(
        code, code, label, kind, question.type, labelled, measure, unit, column.wave, minimum=low
    )
    if question.type == "select_multiple":
        yield from _options(instrument, column)


def _ordinal(instrument: Instrument, column: Column) -> bool:
    """A Likert item, or a rating the report compares before/after: a choice asked in waves
    whose three or more codes are whole numbers in ascending order (a 1-5 skill level).

    Other choices (marital status, a role) are nominal: nothing in the instrument says
    their codes are in order, and SPSS users can change the level where they know better.
    """
    question = column.question
    if question.type == "likert":
        return True
    codes = [c.code for c in instrument.choice_list(question)]
    numbers = [c for c in codes if isinstance(c, int)]
    return column.wave is not None and len(codes) > 2 and numbers == codes == sorted(numbers)


def _options(instrument: Instrument, column: Column) -> Iterable[Variable]:
    """One 0/1 variable per option of a select_multiple question (missing when unanswered)."""
    languages = instrument.languages
    yes_no = (
        ValueLabel(0, 0, {lang: words(lang)["no"] for lang in languages}),
        ValueLabel(1, 1, {lang: words(lang)["yes"] for lang in languages}),
    )
    for choice in instrument.choice_list(column.question):
        label = {
            lang: words(lang)["selected"].format(
                label=column_label(column, lang), choice=choice.label[lang]
            )
            for lang in languages
        }
        yield Variable(
            f"{column.code}_{choice.code}", column.code, label, "dummy", "select_multiple",
            yes_no, "nominal", wave=column.wave, option=str(choice.code),
        )  # fmt: skip


def value_labels(instrument: Instrument, question: Question) -> tuple[ValueLabel, ...]:
    """A choice or Likert question's answers as labelled values, in list order.

    Whole-number codes are stored as they are; when any code is text (``alibaba``), the
    answers are numbered 1, 2, ... in list order, since Stata and SPSS label numbers only.
    """
    choices = instrument.choice_list(question)
    numbered = any(isinstance(c.code, str) for c in choices)
    return tuple(
        ValueLabel(c.code, index if numbered else int(c.code), dict(c.label))
        for index, c in enumerate(choices, start=1)
    )


def _not_asked(instrument: Instrument, typed: pd.DataFrame) -> dict[str, pd.Series]:
    """Per column with a skip rule: True where the rule is known not to hold."""
    import pandas as pd

    from ..instrument.conditions import references
    from ..validate.masks import holds

    answers = pd.DataFrame(index=typed.index)
    for code in typed.columns:
        if code in (SOURCE_COLUMN, *PROVENANCE_COLUMNS):
            continue
        kind = instrument.column(code).question.type
        values = typed[code]
        if kind in ("integer", "decimal"):
            answers[code] = values.astype("Float64")
        elif kind == "date":
            answers[code] = values.dt.strftime("%Y-%m-%d").astype("string")
        else:
            answers[code] = values.astype("string")
    skipped: dict[str, pd.Series] = {}
    for column in instrument.columns:
        rule = column.relevant
        if rule is None or column.code not in typed.columns:
            continue
        if any(name not in answers.columns for name, _ in references(rule)):
            continue  # a personal-data answer it depends on was left out: unknown
        skipped[column.code] = holds(rule, answers).eq(False).fillna(False).astype(bool)
    return skipped


def _renamed(variable: Variable, name: str) -> Variable:
    return variable if name == variable.name else replace(variable, name=name)
