"""A survey with rosters, exported one file per level and linked by the household's key.

``villagesurvey validate`` writes a roster's clean rows as ``clean_<roster>.csv`` beside
``clean.csv``: the household's key columns, then the roster's questions. Each such table is
exported as a file of its own (``survey.dta``, ``survey_members.dta``) with the same labels,
the same personal-data rule and, when pseudonymised, the same pseudonyms for the household's
key, so that ``merge 1:m village hh using survey_members`` in Stata joins them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OptionError
from ..instrument import Instrument, roster_instrument
from ..instrument.model import Roster
from .labelled import LabelledDataset, labelled_dataset

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CLEAN_FILE",
    "key_frame",
    "level_path",
    "roster_dataset",
    "roster_sources",
    "sort_inputs",
    "unlinked_rows",
]

CLEAN_FILE = "clean.csv"
"""The main level's file in a folder that ``villagesurvey validate`` wrote."""


def level_path(path: str | Path, roster: str) -> Path:
    """The file of a roster's level beside ``path``: ``survey.dta`` -> ``survey_members.dta``."""
    path = Path(path)
    return path.with_name(f"{path.stem}_{roster}{path.suffix}")


def main_file(clean: str | Path) -> Path:
    """``clean`` itself, or the ``clean.csv`` in it when it is a folder."""
    clean = Path(clean)
    return clean / CLEAN_FILE if clean.is_dir() else clean


def roster_sources(
    instrument: Instrument,
    clean: pd.DataFrame | str | Path,
    given: Mapping[str, pd.DataFrame | str | Path] | None,
) -> dict[str, pd.DataFrame | str | Path]:
    """Each roster's clean table: those ``given``, else the files beside ``clean``.

    Beside a file ``clean.csv`` a roster's table is ``clean_<roster>.csv``; a roster without
    such a file (or with ``clean`` a frame) is left out.

    Raises
    ------
    OptionError
        If ``given`` names a roster the instrument does not have.
    """
    codes = [r.code for r in instrument.rosters]
    if given is not None:
        unknown = [code for code in given if code not in codes]
        if unknown:
            raise OptionError(
                f"{instrument.id} has no roster {', '.join(unknown)}; "
                f"its rosters: {', '.join(codes) or 'none'}"
            )
        return {code: given[code] for code in codes if code in given}
    if not isinstance(clean, str | Path):
        return {}
    main = main_file(clean)
    found = {code: level_path(main, code) for code in codes}
    return {code: path for code, path in found.items() if path.is_file()}


def sort_inputs(
    instrument: Instrument, paths: Sequence[Path]
) -> tuple[Path, dict[str, Path] | None]:
    """The main dataset and each roster's table among the files (or the folder) given.

    A file named ``<anything>_<roster>.csv`` or ``<roster>.csv`` holds that roster's rows;
    the one other file (or ``clean.csv`` in a folder) is the main level. Rosters not given
    are looked for beside it (``None``: look for all).

    Raises
    ------
    OptionError
        If no file, or more than one, is left for the main level, or a roster is given twice.
    """
    codes = [r.code for r in instrument.rosters]
    main: list[Path] = []
    rosters: dict[str, Path] = {}
    for path in paths:
        code = next((c for c in codes if path.stem == c or path.stem.endswith(f"_{c}")), None)
        if code is None or path.is_dir():
            main.append(main_file(path))
        elif code in rosters:
            raise OptionError(f"{rosters[code]} and {path} both hold roster {code}; give one")
        else:
            rosters[code] = path
    if len(main) != 1:
        named = ", ".join(str(p) for p in main) or "none"
        raise OptionError(
            f"give one clean dataset (clean.csv, or the folder validate wrote) and any "
            f"clean_<roster>.csv files; main datasets given: {named}"
        )
    if not rosters:
        return main[0], None
    beside = roster_sources(instrument, main[0], None)
    return main[0], {**{c: Path(p) for c, p in beside.items() if isinstance(p, str | Path)},
                     **rosters}  # fmt: skip


def roster_dataset(
    instrument: Instrument,
    roster: Roster,
    clean: pd.DataFrame | str | Path,
    *,
    keep_pii: bool = False,
    salt: bytes | None = None,
    name_limit: int,
) -> LabelledDataset:
    """A roster's clean table as a labelled dataset, linked to the main level.

    Labels, value labels, "not asked" and personal data are handled as for the main level;
    with ``salt`` the household's key columns get the same pseudonyms as in the main level
    (the roster's own key, the member number, is kept: it numbers members within a
    household and tells nothing without the household's key). A roster within another
    (plots within farms) is linked by the household's key and the outer roster's key.
    """
    table = roster_instrument(instrument, roster)
    dataset = labelled_dataset(
        table, clean, keep_pii=keep_pii, salt=salt, name_limit=name_limit,
        pseudonym_key=instrument.key,
    )  # fmt: skip
    return replace(dataset, roster=roster.code, link=tuple(table.key[:-1]))


def key_frame(dataset: LabelledDataset, columns: Sequence[str]) -> pd.DataFrame:
    """The dataset's values of these dataset columns (by their codes, not export names)."""
    names = {v.column: v.name for v in dataset.variables if v.kind != "dummy"}
    frame = dataset.data[[names[c] for c in columns]]
    return frame.set_axis(list(columns), axis=1)


def unlinked_rows(main: LabelledDataset, level: LabelledDataset) -> list[int]:
    """The roster rows (0-based) whose household is not among the main level's rows."""
    import pandas as pd

    link = list(level.link)
    parents = pd.MultiIndex.from_frame(key_frame(main, link).astype("string"))
    rows = pd.MultiIndex.from_frame(key_frame(level, link).astype("string"))
    return [int(i) for i in (~rows.isin(parents)).nonzero()[0]]


def read_levels(
    instrument: Instrument,
    main: LabelledDataset,
    clean: pd.DataFrame | str | Path,
    given: Mapping[str, pd.DataFrame | str | Path] | None,
    *,
    keep_pii: bool,
    salt: bytes | None,
    name_limit: int,
    wide: bool,
) -> tuple[LabelledDataset, list[LabelledDataset], list[str]]:
    """The main level (with the rosters reshaped into it when ``wide``), the roster levels
    to write as files of their own, and notes for the user.

    Raises
    ------
    OptionError
        With ``wide``, when no roster has a clean table.
    AnalysisError
        From :func:`roster_dataset` and :func:`~villagesurvey.export.wide.widen`.
    """
    from .wide import widen

    sources = roster_sources(instrument, clean, given)
    notes: list[str] = []
    for roster in instrument.rosters:
        if given is not None or roster.code in sources:
            continue
        if isinstance(clean, str | Path):
            where = f"no {level_path(clean, roster.code).name} beside {Path(clean).name}"
        else:
            where = "no table given"
        notes.append(f"roster {roster.code}: {where}, so it is not exported")
    levels = [
        (r, roster_dataset(instrument, r, sources[r.code], keep_pii=keep_pii, salt=salt,
                           name_limit=name_limit))
        for r in instrument.rosters
        if r.code in sources
    ]  # fmt: skip
    if wide:
        if not levels:
            raise OptionError(
                "--wide: no roster table to reshape; give the clean_<roster>.csv files or "
                "the folder validate wrote"
            )
        for roster, level in levels:
            if roster.within:
                notes.append(
                    f"roster {roster.code} is within roster {roster.within}: not reshaped, "
                    f"written as a file of its own linked by {', '.join(level.link)}"
                )
                continue
            before = len(main.variables)
            main = widen(main, level, roster, name_limit=name_limit)
            notes.append(
                f"roster {roster.code}: {len(level.data)} rows reshaped to "
                f"{len(main.variables) - before} columns of the main file"
            )
        return main, [level for roster, level in levels if roster.within], notes
    exported = {roster.code: level for roster, level in levels}
    for roster, level in levels:
        parent = exported.get(roster.within) if roster.within else main
        if parent is None:
            continue  # its outer roster has no table to link to
        orphans = unlinked_rows(parent, level)
        if orphans:
            rows = ", ".join(str(i + 2) for i in orphans[:5])
            owner = f"row of roster {roster.within}" if roster.within else "household"
            where = f"file of {roster.within}" if roster.within else "main file"
            notes.append(
                f"roster {roster.code}: {len(orphans)} row{'s' * (len(orphans) > 1)} whose "
                f"{owner} is not in the {where} (rows {rows})"
            )
    return main, [level for _, level in levels], notes
