"""The before/after report: ``report.html``, ``report.md``, ``results.json``, ``tables.xlsx``.

:func:`write_report` reads the clean dataset, runs :func:`~villagesurvey.analysis.analyse`
and writes the four files, each atomically. The renderers (:func:`render_html`,
:func:`render_markdown`, :func:`results_dict`) return text or data and write nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import atomic_path, make_folder
from ..errors import AnalysisError, OptionError
from ..instrument import Instrument, load_instrument

if TYPE_CHECKING:
    import pandas as pd

    from ..analysis import Analysis, CpiTable

__all__ = [
    "DEFAULT_BOOTSTRAP",
    "DEFAULT_SEED",
    "REPORT_FILES",
    "ReportSummary",
    "read_clean",
    "write_report",
]

REPORT_FILES = ("report.html", "report.md", "results.json", "tables.xlsx")
"""The files :func:`write_report` writes into its folder."""

DEFAULT_BOOTSTRAP = 1000
"""Bootstrap resamples for the path model's standard errors (a fraction of a second for a
survey of the model study's size)."""

DEFAULT_SEED = 1
"""Seed of the bootstrap, so that the same data gives the same report."""


@dataclass(frozen=True)
class ReportSummary:
    """What :func:`write_report` did.

    Attributes
    ----------
    outdir : Path
        The output folder.
    files : tuple of Path
        The files written, in the order of :data:`REPORT_FILES`.
    analysis : Analysis
        The numbers behind the report.
    language : str
        The report's language.
    """

    outdir: Path
    files: tuple[Path, ...]
    analysis: Analysis
    language: str
    derived: tuple[str, ...] = ()
    """The derived outcomes computed from the rosters given."""
    not_derived: tuple[str, ...] = ()
    """The instrument's derived outcomes left out: their roster's data was not given."""

    def lines(self) -> list[str]:
        """A few lines for a terminal: the files, what changed, the warnings."""
        table = self.analysis.outcomes
        counts = table["conclusion"].value_counts() if len(table) else {}
        changed, same, unsure = (
            int(counts.get(k, 0)) for k in ("changed", "equivalent", "inconclusive")
        )
        lines = [f"wrote {path}" for path in self.files]
        lines.append(
            f"{self.analysis.n} respondents, {len(self.analysis.cluster_sizes)} clusters: "
            f"{changed} of {len(table)} outcomes changed clearly (cluster-robust test, "
            f"Holm-adjusted p < {self.analysis.alpha:g}), {same} equivalent to no change, "
            f"{unsure} inconclusive"
        )
        if self.derived:
            lines.append(f"derived from the rosters: {', '.join(self.derived)}")
        if self.not_derived:
            lines.append(
                f"not derived: {', '.join(self.not_derived)} (give the validate folder, or "
                "--roster CODE=clean_CODE.csv)"
            )
        lines += [f"warning: {note}" for note in self.analysis.notes]
        measurement = self.analysis.measurement
        if measurement is not None:
            scales = measurement.constructs[measurement.constructs["kind"] == "scale"]
            lines.append(
                f"{len(scales)} scales: {len(measurement.notes)} measurement warning"
                f"{'s' * (len(measurement.notes) != 1)} (see the Measurement section)"
            )
        return lines


def read_clean(path: str | Path) -> pd.DataFrame:
    """Read a clean dataset (``clean.csv``) as text, for :func:`~villagesurvey.analysis.analyse`.

    Raises
    ------
    AnalysisError
        If the file is missing, unreadable, empty or not a CSV file.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise AnalysisError(f"{path}: no such file")
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    except pd.errors.EmptyDataError:
        raise AnalysisError(f"{path}: the file is empty; expected a clean.csv") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AnalysisError(f"{path}: not a readable CSV file ({first})") from None
    except OSError as exc:
        raise AnalysisError(f"{path}: cannot read: {exc.strerror}") from None
    return frame


def write_report(
    instrument: Instrument | str | Path,
    clean: pd.DataFrame | str | Path,
    outdir: str | Path,
    *,
    cpi: CpiTable | str | Path | None = None,
    base_year: int = 2020,
    by: Sequence[str] = (),
    language: str | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int | None = DEFAULT_SEED,
    progress: Callable[[int, int], object] | None = None,
    bootstrap_unit: str = "auto",
    sesoi: Mapping[str, float] | None = None,
    compare: str | None = None,
    rosters: Mapping[str, pd.DataFrame | str | Path] | None = None,
) -> ReportSummary:
    """Analyse a clean dataset and write the before/after report into ``outdir``.

    Parameters
    ----------
    instrument : Instrument or path
        The questionnaire (or its file).
    clean : DataFrame or path
        The clean dataset, the ``clean.csv`` that ``villagesurvey validate`` wrote, or the
        folder it wrote it into (its ``clean_<roster>.csv`` files are then the rosters).
    outdir : path
        Folder for the four files; created if missing.
    cpi : CpiTable or path, optional
        Price index for money; default China's national CPI.
    base_year : int, default 2020
        Money is shown in this year's prices.
    by : sequence of str
        Repeat the comparison within each category of these columns (``gender``,
        ``village``).
    language : str, optional
        Language of the report (``en``, ``zh``, ...); default the instrument's first.
    bootstrap : int, default 1000
        Resamples for the standard errors of the path model (0: none).
    seed : int or None, default 1
        Seed of the bootstrap.
    progress : callable, optional
        ``progress(done, total)`` as bootstrap resamples are estimated.
    bootstrap_unit : {"auto", "cluster", "respondent"}, default "auto"
        What the bootstrap resamples: whole villages (the instrument's first key column, when
        the key has more than one) or respondents; ``auto`` resamples villages if it can.
    sesoi : mapping of str to float, optional
        Smallest change of interest by outcome or question code, in its unit; overrides the
        instrument's ``sesoi``.
    compare : str, optional
        A yes/no column coded 0/1: adds the difference-in-differences, exposed against not.
    rosters : mapping of str to DataFrame or path, optional
        Each roster's clean rows by roster code (``{"members": "clean_members.csv"}``):
        the instrument's ``derive:`` outcomes of those rosters are computed and compared as
        any other outcome, and Table 1 describes each roster. Given, they take the place of
        a folder's.

    Returns
    -------
    ReportSummary

    Raises
    ------
    AnalysisError
        The dataset or the CPI table cannot be used (the message names the column or year).
    OptionError
        The language is not one of the instrument's.
    OutputError
        The folder or a file cannot be written.
    """
    from ..analysis import analyse, load_cpi
    from ..analysis.derived import add_derived
    from ..analysis.roster_table import describe_roster
    from .html import render_html
    from .markdown import render_markdown
    from .provenance import read_validation
    from .results import results_dict
    from .tables_xlsx import write_tables_xlsx

    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument)
    language = language or instrument.languages[0]
    if language not in instrument.languages:
        raise OptionError(
            f"language {language!r} is not one of the instrument's languages "
            f"({', '.join(instrument.languages)})"
        )
    source, name, validation = "the dataset", "", None
    given = dict(rosters or {})
    if isinstance(clean, (str, Path)) and Path(clean).is_dir():
        validated = Path(clean)
        given = {**_folder_rosters(instrument, validated), **given}
        clean = validated / "clean.csv"
    if isinstance(clean, (str, Path)):
        source, name = str(clean), Path(clean).name
        validation = read_validation(Path(clean))
        clean = read_clean(clean)
    frames = {code: _roster_frame(instrument, code, data) for code, data in given.items()}
    instrument, clean, derived = add_derived(instrument, clean, frames)
    if isinstance(cpi, (str, Path)):
        cpi = load_cpi(cpi)
    if bootstrap < 0:
        raise OptionError(f"--bootstrap {bootstrap}: give 0 (none) or a number of resamples")
    analysis = analyse(
        instrument,
        clean,
        cpi=cpi,
        base_year=base_year,
        by=by,
        source=source,
        bootstrap=bootstrap,
        seed=seed,
        progress=progress,
        bootstrap_unit=bootstrap_unit,
        sesoi=sesoi,
        compare=compare,
    )
    if frames:
        described = tuple(describe_roster(instrument, clean, c, f) for c, f in frames.items())
        analysis = replace(analysis, rosters=described)
    folder = make_folder(outdir)
    paths = tuple(folder / name for name in REPORT_FILES)
    texts = {
        paths[0]: render_html(analysis, language, validation),
        paths[1]: render_markdown(analysis, language, validation),
        paths[2]: json.dumps(
            results_dict(analysis, name, validation), ensure_ascii=False, indent=2, allow_nan=False
        )
        + "\n",
    }
    for path, text in texts.items():
        with atomic_path(path) as temporary:
            temporary.write_text(text, encoding="utf-8")
    with atomic_path(paths[3]) as temporary:
        write_tables_xlsx(analysis, temporary, language)
    done = tuple(d.code for d in derived)
    return ReportSummary(
        outdir=folder,
        files=paths,
        analysis=analysis,
        language=language,
        derived=done,
        not_derived=tuple(d.code for d in instrument.derived if d.code not in done),
    )


def _folder_rosters(instrument: Instrument, folder: Path) -> dict[str, Path]:
    """The ``clean_<roster>.csv`` files of a validate folder."""
    codes = [r.code for r in instrument.rosters]
    return {c: folder / f"clean_{c}.csv" for c in codes if (folder / f"clean_{c}.csv").is_file()}


def _roster_frame(
    instrument: Instrument, code: str, data: pd.DataFrame | str | Path
) -> pd.DataFrame:
    if code not in {r.code for r in instrument.rosters}:
        known = ", ".join(r.code for r in instrument.rosters) or "none"
        raise OptionError(f"--roster {code}: the instrument has no such roster (it has {known})")
    return read_clean(data) if isinstance(data, (str, Path)) else data
