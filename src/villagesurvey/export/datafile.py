"""Export a clean dataset to Stata, SPSS or Parquet: the one call the command line makes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OptionError, OutputError
from ..instrument import Instrument, load_instrument

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMATS", "ExportSummary", "export_dataset", "export_format", "pick_language"]

FORMATS = {"stata": ".dta", "spss": ".sav", "parquet": ".parquet"}
"""The formats :func:`export_dataset` writes, and the file suffix of each."""


@dataclass(frozen=True)
class ExportSummary:
    """What :func:`export_dataset` wrote.

    Attributes
    ----------
    path : Path
        The file written.
    format : str
        ``stata``, ``spss`` or ``parquet``.
    language : str
        The language of the labels.
    rows : int
        Respondents (rows) written.
    variables : int
        Variables (columns) written.
    dropped : tuple of str
        The personal-data columns left out.
    pseudonymised : bool
        Whether the key columns hold pseudonyms.
    salt : str
        Where the salt of the pseudonyms is: ``""`` when not pseudonymised, the salt file,
        or ``"random, not kept"``.
    notes : tuple of str
        What had to be changed to fit the format (text cut to Stata's limit), rosters left
        out or reshaped.
    rosters : tuple of ExportSummary
        One per roster written as a file of its own (``survey_members.dta``); their
        ``dropped`` and ``notes`` are those of the main summary.
    roster : str
        For a roster's file, the roster; ``""`` for the main level.
    link : tuple of str
        For a roster's file, the key columns linking its rows to the main file's.
    """

    path: Path
    format: str
    language: str
    rows: int
    variables: int
    dropped: tuple[str, ...]
    pseudonymised: bool
    salt: str
    notes: tuple[str, ...]
    rosters: tuple[ExportSummary, ...] = ()
    roster: str = ""
    link: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """A few lines for a terminal."""
        lines = [self._wrote()] + [level._wrote() for level in self.rosters]
        if self.dropped:
            lines.append(f"personal data left out: {', '.join(self.dropped)}")
        if self.pseudonymised:
            lines.append(f"respondent identifiers replaced by pseudonyms (salt: {self.salt})")
        lines += [f"note: {note}" for note in self.notes]
        return lines

    def _wrote(self) -> str:
        linked = f", roster {self.roster}, linked by {', '.join(self.link)}"
        return (
            f"wrote {self.path} ({self.format}, labels in {self.language}): "
            f"{self.rows} rows, {self.variables} variables{linked if self.roster else ''}"
        )


def export_format(output: str | Path, to: str | None = None) -> str:
    """The format to write: ``to`` if given, else the one the file's suffix names.

    Raises
    ------
    OptionError
        For an unknown format, a suffix that names none, or a suffix naming another format.
    """
    suffix = Path(output).suffix.lower()
    by_suffix = {ext: name for name, ext in FORMATS.items()}
    known = ", ".join(FORMATS)
    if to is None:
        if suffix not in by_suffix:
            raise OptionError(
                f"{output}: cannot tell the format from the name; end it in "
                f"{', '.join(FORMATS.values())} or give --to ({known})"
            )
        return by_suffix[suffix]
    name = to.lower()
    if name not in FORMATS:
        raise OptionError(f"--to {to}: unknown format; use one of {known}")
    if suffix in by_suffix and by_suffix[suffix] != name:
        raise OptionError(
            f"{output}: a {suffix} file is {by_suffix[suffix]}, not {name}; "
            f"name it *{FORMATS[name]} or drop --to"
        )
    return name


def export_dataset(
    instrument: Instrument | str | Path,
    clean: pd.DataFrame | str | Path,
    output: str | Path,
    *,
    to: str | None = None,
    language: str | None = None,
    keep_pii: bool = False,
    pseudonymise: bool = False,
    salt_file: str | Path | None = None,
    rosters: Mapping[str, pd.DataFrame | str | Path] | None = None,
    wide: bool = False,
) -> ExportSummary:
    """Write a clean dataset with its labels as a Stata, SPSS or Parquet file.

    An instrument with rosters is exported one file per level: the main file, and for each
    roster with a clean table ``<output stem>_<roster><suffix>`` (``survey_members.dta``),
    its rows led by the household's key columns; or, with ``wide``, the rosters' answers
    as columns of the main file (``member1_age``, ``member2_age``, ...).

    Parameters
    ----------
    instrument : Instrument or path
        The questionnaire the dataset was validated against (or its file).
    clean : DataFrame or path
        The ``clean.csv`` that ``villagesurvey validate`` wrote, or the folder holding it.
    output : path
        The file to write (atomically).
    to : str, optional
        ``stata``, ``spss`` or ``parquet``; by default the suffix of ``output`` says
        (``.dta``, ``.sav``, ``.parquet``).
    language : str, optional
        The language of the labels; default the instrument's first.
    keep_pii : bool, default False
        Keep the answers to personal-data questions (left out by default).
    pseudonymise : bool, default False
        Replace the key columns with salted pseudonyms, and leave out ``source_file``.
    salt_file : path, optional
        With ``pseudonymise``: a private file holding the salt, made with a random one if
        it does not exist; the same file gives the same pseudonyms in every export. Without
        it, a random salt is used once and kept nowhere. Every level gets the same
        pseudonyms for the household's key.
    rosters : mapping, optional
        Each roster's clean table (``clean_<roster>.csv``, or a frame of text), by roster
        code; by default the ``clean_<roster>.csv`` files beside ``clean`` are used, and a
        roster without one is left out (the summary's notes say so).
    wide : bool, default False
        Reshape each roster to the main level, one set of columns per member number
        (:func:`~villagesurvey.export.wide.widen`), and write one file.

    Returns
    -------
    ExportSummary

    Raises
    ------
    OptionError
        An unknown format or language, or ``salt_file`` without ``pseudonymise``.
    AnalysisError
        The dataset's columns are not the instrument's, or a value has the wrong type; with
        ``wide``, a roster row that cannot be placed (see
        :func:`~villagesurvey.export.wide.widen`).
    OutputError
        The file cannot be written, or it is the dataset itself.
    """
    from .labelled import NAME_LIMIT, SPSS_NAME_LIMIT, labelled_dataset
    from .levels import level_path, main_file, read_levels
    from .parquet import write_parquet
    from .pseudonyms import load_salt, new_salt
    from .stata_spss import write_spss, write_stata

    output = Path(output)
    name = export_format(output, to)
    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument)
    language = pick_language(instrument, language)
    if salt_file is not None and not pseudonymise:
        raise OptionError("--salt-file is used only with --pseudonymise")
    if not output.parent.is_dir():  # say so before reading the dataset
        raise OutputError(f"cannot write {output}: folder {output.parent} does not exist")
    if isinstance(clean, str | Path):
        clean = main_file(clean)
        if _same_file(clean, output):
            raise OutputError(f"{output}: this is the dataset being exported; name another file")
    salt, where = None, ""
    if pseudonymise:
        if salt_file is None:
            salt, where = new_salt(), "random, not kept"
        else:
            salt, created = load_salt(salt_file)
            where = f"{salt_file}{' (new; keep it private)' if created else ''}"
    limit = SPSS_NAME_LIMIT if name == "spss" else NAME_LIMIT
    dataset = labelled_dataset(instrument, clean, keep_pii=keep_pii, salt=salt, name_limit=limit)
    dataset, levels, notes = read_levels(
        instrument, dataset, clean, rosters, keep_pii=keep_pii, salt=salt, name_limit=limit,
        wide=wide,
    )  # fmt: skip
    writer = {"stata": write_stata, "spss": write_spss, "parquet": write_parquet}[name]
    paths = [level_path(output, level.roster) for level in levels]
    for level, path in zip(levels, paths, strict=True):
        given = (rosters or {}).get(level.roster)
        beside = level_path(clean, level.roster) if isinstance(clean, Path) else None
        if any(isinstance(p, str | Path) and _same_file(Path(p), path) for p in (given, beside)):
            raise OutputError(f"{path}: this is a dataset being exported; name another file")
    notes = [*writer(dataset, output, language), *notes]
    summaries = []
    for level, path in zip(levels, paths, strict=True):
        notes += [f"{level.roster}: {note}" for note in writer(level, path, language)]
        summary = ExportSummary(
            path, name, language, len(level.data), len(level.variables), level.dropped,
            level.pseudonymised, where, (), roster=level.roster, link=level.link,
        )  # fmt: skip
        summaries.append(summary)
    dropped = (*dataset.dropped, *(c for level in levels for c in level.dropped))
    return ExportSummary(
        path=output,
        format=name,
        language=language,
        rows=len(dataset.data),
        variables=len(dataset.variables),
        dropped=tuple(dict.fromkeys(dropped)),
        pseudonymised=dataset.pseudonymised,
        salt=where,
        notes=tuple(notes),
        rosters=tuple(summaries),
    )


def pick_language(instrument: Instrument, language: str | None) -> str:
    """``language``, or the instrument's first; :class:`OptionError` if it has no such one."""
    language = language or instrument.languages[0]
    if language not in instrument.languages:
        raise OptionError(
            f"language {language!r} is not one of the instrument's languages "
            f"({', '.join(instrument.languages)})"
        )
    return language


def _same_file(source: Path, output: Path) -> bool:
    try:
        return output.exists() and source.exists() and output.samefile(source)
    except OSError:
        return False
