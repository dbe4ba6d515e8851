"""Write the codebook of an instrument as Markdown or Excel, with a dataset's statistics.

The codebook has one entry per dataset column (:func:`~villagesurvey.codebook.codebook_rows`):
its labels in every language, type, unit, allowed values, usual range, wave, skip rule,
personal data; choices with their labels and the number Stata and SPSS exports store; and,
given a clean dataset, the statistics of :mod:`~villagesurvey.export.statistics`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import atomic_path
from ..codebook import CodebookRow, codebook_rows
from ..errors import OptionError
from ..instrument import Instrument, load_instrument
from ._words import words
from .datafile import pick_language
from .statistics import ColumnStatistics

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CODEBOOK_FORMATS",
    "Codebook",
    "build_codebook",
    "percent",
    "show_number",
    "show_percent",
    "write_codebook",
]

CODEBOOK_FORMATS = {".md": "markdown", ".markdown": "markdown", ".xlsx": "xlsx"}
"""The codebook file suffixes :func:`write_codebook` knows, and the format of each."""


@dataclass(frozen=True)
class Codebook:
    """A codebook ready to render.

    Attributes
    ----------
    instrument : Instrument
    language : str
        The language of headings; labels are given in every language.
    rows : list of CodebookRow
        One per dataset column, in questionnaire order.
    numbers : dict
        Column code -> ``{choice code: stored number}`` for choices whose codes are text.
    options : dict
        ``select_multiple`` column code -> ``{choice code: its 0/1 column in exports}``.
    export_names : dict
        Column code -> its name in Stata and SPSS exports, where that is not the code
        (a code longer than 32 characters, or one they reserve).
    statistics : dict or None
        Column code -> :class:`ColumnStatistics`; ``None`` without a dataset.
    source : str
        The dataset's file name, ``""`` without one.
    rows_in_data : int
        The dataset's rows (0 without one).
    roster : str
        For a roster's codebook, the roster's code; ``""`` for the main level.
    link : tuple of str
        For a roster, the household's key columns that lead its table and link it.
    rosters : tuple of Codebook
        The codebook of each roster's own columns (with its statistics, given its table).
    """

    instrument: Instrument
    language: str
    rows: list[CodebookRow]
    numbers: dict[str, dict[str, int]]
    options: dict[str, dict[str, str]]
    export_names: dict[str, str]
    statistics: dict[str, ColumnStatistics] | None
    source: str
    rows_in_data: int
    roster: str = ""
    link: tuple[str, ...] = ()
    rosters: tuple[Codebook, ...] = ()

    @property
    def words(self) -> dict[str, str]:
        """The headings in the codebook's language."""
        return words(self.language)


def build_codebook(
    instrument: Instrument,
    *,
    data: pd.DataFrame | str | Path | None = None,
    language: str | None = None,
    rosters: Mapping[str, pd.DataFrame | str | Path] | None = None,
) -> Codebook:
    """Gather the codebook of ``instrument`` and, given ``data``, its statistics.

    Parameters
    ----------
    instrument : Instrument
    data : DataFrame or path, optional
        A clean dataset (``clean.csv``, or the folder ``validate`` wrote); its personal-data
        columns get no statistics.
    language : str, optional
        The language of headings; default the instrument's first.
    rosters : mapping, optional
        Each roster's clean table, by roster code, for its statistics; by default the
        ``clean_<roster>.csv`` files beside ``data``.

    Returns
    -------
    Codebook
        With a :attr:`Codebook.rosters` entry per roster of the instrument.

    Raises
    ------
    OptionError
        For a language the instrument lacks.
    AnalysisError
        If the dataset's columns are not the instrument's or a value has the wrong type.
    """
    from ..instrument import roster_instrument
    from .levels import main_file, roster_sources

    language = pick_language(instrument, language)
    if isinstance(data, str | Path):
        data = main_file(data)
    tables = roster_sources(instrument, data, rosters) if data is not None else {}
    levels = []
    for roster in instrument.rosters:
        table = roster_instrument(instrument, roster)
        rows = [row for row in codebook_rows(table) if row.section == roster.code]
        level = _codebook(table, rows, tables.get(roster.code), language)
        levels.append(replace(level, roster=roster.code, link=tuple(instrument.key)))
    main = _codebook(instrument, codebook_rows(instrument), data, language)
    return replace(main, rosters=tuple(levels))


def _codebook(
    instrument: Instrument,
    rows: list[CodebookRow],
    data: pd.DataFrame | str | Path | None,
    language: str,
) -> Codebook:
    """The codebook of one level: its rows, export names and, given data, statistics."""
    from .labelled import export_variables, labelled_dataset
    from .statistics import column_statistics

    numbers: dict[str, dict[str, int]] = {}
    options: dict[str, dict[str, str]] = {}
    export_names: dict[str, str] = {}
    for variable in export_variables(instrument, [c.code for c in instrument.columns]):
        if variable.kind != "dummy" and variable.name != variable.column:
            export_names[variable.column] = variable.name
        if variable.kind == "dummy":
            options.setdefault(variable.column, {})[variable.option] = variable.name
        elif variable.text_codes:
            numbers[variable.column] = {str(v.code): v.number for v in variable.value_labels}
    statistics, source, count = None, "", 0
    if data is not None:
        dataset = labelled_dataset(instrument, data)
        statistics = column_statistics(dataset)
        source = Path(data).name if isinstance(data, str | Path) else ""
        count = len(dataset.data)
    return Codebook(
        instrument, language, rows, numbers, options, export_names, statistics, source, count
    )


def write_codebook(
    instrument: Instrument | str | Path,
    output: str | Path,
    *,
    data: pd.DataFrame | str | Path | None = None,
    language: str | None = None,
) -> Path:
    """Write the codebook as Markdown (``.md``) or an Excel workbook (``.xlsx``).

    Parameters
    ----------
    instrument : Instrument or path
    output : path
        The file to write (atomically); its suffix chooses the format.
    data : DataFrame or path, optional
        A clean dataset whose statistics the codebook gives.
    language : str, optional
        The language of headings; default the instrument's first.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OptionError
        For an unknown suffix or language.
    AnalysisError
        If the dataset does not fit the instrument.
    OutputError
        If the file cannot be written.
    """
    from .codebook_markdown import render_codebook_markdown
    from .codebook_xlsx import codebook_workbook

    output = Path(output)
    kind = CODEBOOK_FORMATS.get(output.suffix.lower())
    if kind is None:
        raise OptionError(f"{output}: a codebook is written as .md or .xlsx; rename the file")
    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument)
    codebook = build_codebook(instrument, data=data, language=language)
    with atomic_path(output) as temporary:
        if kind == "markdown":
            temporary.write_text(render_codebook_markdown(codebook), encoding="utf-8")
        else:
            codebook_workbook(codebook).save(temporary)
    return output


def show_number(value: float | date | None) -> str:
    """A statistic as text: whole numbers plain, others to 2 decimals (4 digits below 1)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.4g}"


def show_percent(value: float | None) -> str:
    """A percentage to one decimal: ``32.4``."""
    return "" if value is None else f"{value:.1f}"


def percent(count: int, total: int) -> float | None:
    """``count`` as a percentage of ``total`` (``None`` when there is nothing to count)."""
    return round(100 * count / total, 1) if total else None
