"""Validate a batch of returns: read, lay out, normalise, check, split clean from quarantine.

The stages, each in its own module::

    sources       files and folders named → the files to read (:mod:`.sources`)
    reading       files → cell values (hostile files refused)
    layout        cell values → the instrument's columns (template version, headers)
    raw_frame     the answers of every file → one frame of the cells as read
    checking      corrections, normalising, the rules, duplicates, outliers
                  (:func:`.checking.check_returns`)
    result        what they give (:class:`.result.Validation`): clean rows, quarantine

This module runs them over a batch of files, with phone exports' archives, repeat files and
rosters. Nothing here writes a file; :mod:`.outputs` does.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from ..errors import ReturnsError
from ..instrument import Instrument
from ..tables.safe import shown_name
from . import archives
from . import corrections as fixes_file
from .answer_batches import AnswerBatches
from .checking import check_returns as check_returns
from .export_repeats import ExportRepeats
from .findings import Findings
from .layout import lay_out
from .reading import OUTPUT_FILE, OUTPUT_SET, ReadFile, Refused, find_returns, read_returns
from .result import FileReport as FileReport
from .result import Validation as Validation
from .roster_corrections import level_lines
from .rosters import RosterReturns

__all__ = [
    "FileReport",
    "Validation",
    "check_returns",
    "display_names",
    "note_reading",
    "refused_file",
    "skipped_folders",
    "validate_returns",
]

STEPS_FROM = 50_000
"""Rows from which :func:`validate_returns` says each step of the checking as it starts."""


def display_names(paths: Sequence[Path]) -> dict[Path, str]:
    """How each file is named in the outputs: its name, or its path where two share a name."""
    names = Counter(p.name for p in paths)
    return {p: shown_name(p.name if names[p.name] == 1 else str(p)) for p in paths}


def validate_returns(
    instrument: Instrument,
    sources: Sequence[str | Path],
    *,
    progress: Callable[[Path, int, int], None] | None = None,
    stage: Callable[[str], None] | None = None,
    outlier_factor: float | None = None,
    corrections: str | Path | None = None,
    sample: str | Path | None = None,
    villages: str | Path | None = None,
    backchecks: Sequence[str | Path] | None = None,
    views: Collection[str] | None = None,
    **reading: Any,
) -> Validation:
    """Validate returned workbooks (files or folders of them) against an instrument.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire the returns should follow.
    sources : sequence of path
        Files (.xlsx, .xlsm, .xls, .ods, .csv) and folders holding them.
    progress : callable, optional
        Called as ``progress(path, done, total)`` after each file is read.
    stage : callable, optional
        Called with a line saying what comes next, once the files are read.
    outlier_factor : float, optional
        The multiple of the interquartile range beyond which a value is an outlier
        (default :data:`.hfc.IQR_FACTOR`).
    corrections : path, optional
        A corrections file (.xlsx or .csv) to apply after reading, before checking
        (:mod:`.corrections`).
    sample : path, optional
        The sample list (.csv, .xlsx): the respondents to interview, for the ``progress``
        view (:mod:`villagesurvey.monitoring.progress`).
    villages : path, optional
        A villages table (CSV: village, latitude, longitude) whose points are the villages'
        centres for the GPS view (:mod:`villagesurvey.monitoring.gps`), which runs whenever
        the instrument has a geopoint question.
    backchecks : sequence of path, optional
        Back-check returns to compare with the clean rows
        (:func:`villagesurvey.monitoring.backcheck_step.add_backchecks`).
    views : collection of str, optional
        The field monitoring views to run (:data:`villagesurvey.monitoring.watch.VIEWS`;
        default every one, ``()`` none). Each runs once the rows are checked
        (:mod:`villagesurvey.monitoring.watch`), puts its numbers in
        :attr:`Validation.monitoring` and its signals as warnings.
    **reading
        Limits passed to :func:`.reading.read_returns` (``timeout``, ``memory_limit``,
        ``workers``).

    Returns
    -------
    Validation
        Everything found; write it with :func:`~villagesurvey.validate.write_validation`.

    Raises
    ------
    OptionError
        If a source does not exist, the villages table cannot be read or a view is unknown.
    ReturnsError
        If no source holds any file to validate, or the corrections file or the sample list
        cannot be read.
    """
    from ..monitoring import watch

    watching = watch.prepare(
        instrument,
        sample=sample,
        villages=villages,
        backchecks=backchecks,
        views=watch.VIEWS if views is None else views,
        **reading,
    )
    decided = (
        fixes_file.read_corrections(corrections, instrument, **reading)
        if corrections is not None
        else None
    )
    skipped: list[tuple[Path, str]] = []
    paths = find_returns(sources, skipped)
    if not paths:
        raise ReturnsError(
            "no returns found in "
            + ", ".join(shown_name(str(s)) for s in sources)
            + " (looked for .xlsx, .xlsm, .xls, .ods, .csv and .zip files)"
            + "".join(f"; {shown_name(str(f))}: {why}" for f, why in skipped)
        )
    unpacked = archives.unpack(paths)  # an ODK Central zip: its CSV files
    unread = [r.path for r in unpacked.refused]
    names = display_names([*(unpacked.shown(p) for p in unpacked.paths), *unread])
    findings = Findings()
    files: list[FileReport] = skipped_folders(skipped, findings)
    files += [refused_file(names[r.path], r) for r in unpacked.refused]
    batches = AnswerBatches()  # many small CSV files: their columns joined as they come
    rosters = RosterReturns(instrument)
    repeats = ExportRepeats(instrument)
    done = 0

    def advance(path: Path) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(path, done, len(unpacked.paths))

    import pandas  # noqa: F401  (here, so that the thread below imports only pandera)

    warm = threading.Thread(target=_prepare_checks, args=(instrument,), daemon=True)
    warm.start()  # while the readers parse, the parent mostly waits for them
    result: ReadFile | Refused | None = None
    for result in read_returns(unpacked.paths, progress=advance, **reading):
        result = unpacked.as_given(result)
        name = names[result.path]
        if isinstance(result, Refused):
            files.append(refused_file(name, result))
            continue
        note_reading(result, name, findings)
        if repeats.take(result, name, files):  # a repeat's own CSV file (ODK Central)
            continue
        laid = lay_out(instrument, result, name, findings, repeats.parents(result))
        if isinstance(laid, Refused):
            files.append(refused_file(name, laid))
            continue
        files.append(FileReport(name, result.path, result.sha256, "read", result.format))
        batches.add(laid)
        rosters.add(result, name, laid)
        repeats.add(result, name, laid)
    result = None  # the answers are in the returns now; the cells as read can go
    unpacked.close()
    returns = batches.returns()
    warm.join()
    if stage is not None:
        rows = sum(len(r.rows) for r in returns)
        what = f"{rows:,} row{'s' * (rows != 1)}"
        stage(f"checking {what} against {instrument.id} {instrument.version}")
    repeats.prepare(findings)
    steps = stage if stage is not None and sum(len(r.rows) for r in returns) >= STEPS_FROM else None
    household = check_returns(
        instrument,
        returns,
        files=files,
        findings=findings,
        outlier_factor=outlier_factor,
        stage=steps,
        corrections=level_lines(decided, instrument) if decided is not None else None,
    )
    repeats.link(household, rosters)
    validation = rosters.check(household, outlier_factor, decided)
    watch.watch(validation, watching, returns, **reading)
    return validation


def skipped_folders(skipped: list[tuple[Path, str]], findings: Findings) -> list[FileReport]:
    """Folders not read: an output set (or a file in one) is a warning, a folder not listed
    is refused."""
    refused = []
    for folder, reason in skipped:
        name = shown_name(str(folder))
        if reason in (OUTPUT_SET, OUTPUT_FILE):
            findings.add(file=name, check="output_folder", severity="warning", message=reason)
        else:
            refused.append(
                FileReport(name, folder, None, "refused", check="unreadable_folder", reason=reason)
            )
    return refused


def _prepare_checks(instrument: Instrument) -> None:
    """Import pandera and build the instrument's schemas, so the checks can start at once."""
    from . import schema

    # a failure here is not lost: check_returns builds the schemas again and raises it there
    with contextlib.suppress(Exception):
        schema.build_schemas(instrument)


def refused_file(name: str, refused: Refused) -> FileReport:
    """The report of a file the reader refused, with its reason."""
    return FileReport(
        name, refused.path, refused.sha256, "refused", check=refused.check, reason=refused.reason
    )


def note_reading(read: ReadFile, name: str, findings: Findings) -> None:
    """What reading the file noticed (its notes), as warnings of the file."""
    for note in read.notes:
        findings.add(
            file=name,
            sheet=note.sheet or "",
            check=note.check,
            severity="warning",
            message=note.message,
        )
