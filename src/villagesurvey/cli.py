"""The ``villagesurvey`` command: a thin shell over the library.

Each command parses its options, calls one library function and turns the library's
exceptions into one clear message and an exit code: 0 success, 1 the data has problems,
2 the command could not do its job. Heavy libraries are imported inside the commands, so
``villagesurvey --help`` answers at once.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])

_INSTRUMENT = click.Path(exists=False, dir_okay=False, path_type=Path)


def _output_folder(help_text: str) -> Callable[[F], F]:
    """The ``-o/--output`` option of a command that writes a folder of files."""
    return click.option(
        "-o",
        "--output",
        "outdir",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


def _output_file(help_text: str, writable: bool = False) -> Callable[[F], F]:
    """The ``-o/--output`` option of a command that writes one file."""
    return click.option(
        "-o",
        "--output",
        required=True,
        type=click.Path(dir_okay=False, writable=writable, path_type=Path),
        help=help_text,
    )


def _fail(message: str, code: int) -> None:
    click.echo(f"villagesurvey: {message}", err=True)
    sys.exit(code)


def _reports_errors(command: F) -> F:
    """Turn library errors into a message and an exit code; never show a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import InstrumentError, VillageSurveyError

        try:
            return command(*args, **kwargs)
        except InstrumentError as exc:
            count = len(exc.problems)
            click.echo(
                f"villagesurvey: the instrument has {count} problem{'s' * (count != 1)}:", err=True
            )
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(exc.exit_code)
        except VillageSurveyError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:  # the reader of our output went away (| head): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(2)
        except Exception as exc:  # an unexpected failure is still one line, not a traceback
            if os.environ.get("VILLAGESURVEY_DEBUG"):
                raise
            _fail(
                f"unexpected error: {type(exc).__name__}: {exc} "
                "(set VILLAGESURVEY_DEBUG=1 to see the details, and please report it)",
                2,
            )

    return wrapper  # type: ignore[return-value]


def _bootstrap_options(command: F) -> F:
    """The ``--bootstrap``, ``--seed`` and ``--bootstrap-unit`` options of the commands that
    run the path model."""
    command = click.option(
        "--bootstrap-unit",
        "bootstrap_unit",
        type=click.Choice(["auto", "cluster", "respondent"]),
        default="auto",
        show_default=True,
        help="What the bootstrap resamples: whole villages (the instrument's first key column) "
        "or respondents; auto resamples villages when the key has them.",
    )(command)
    command = click.option(
        "--seed",
        type=int,
        default=None,
        help="Seed of the bootstrap resampling; default 1, so a rerun gives the same numbers.",
    )(command)
    return click.option(
        "--bootstrap",
        type=click.IntRange(min=0),
        default=None,
        help="Bootstrap resamples for the path model's standard errors; 0 for none (default 1000).",
    )(command)


def _bootstrap_settings(bootstrap: int | None, seed: int | None, unit: str) -> dict[str, Any]:
    """``--bootstrap``, ``--seed`` and ``--bootstrap-unit`` as given, or the defaults."""
    from .report import DEFAULT_BOOTSTRAP, DEFAULT_SEED

    return {
        "bootstrap": DEFAULT_BOOTSTRAP if bootstrap is None else bootstrap,
        "seed": DEFAULT_SEED if seed is None else seed,
        "bootstrap_unit": unit,
    }


@contextlib.contextmanager
def _bootstrap_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal for the bootstrap; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def advance(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="bootstrap", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)
            bar = None

    try:
        yield advance
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


class _Interruptible(click.Group):
    """The command group: a Ctrl-C while click reads the arguments exits 130, as elsewhere.

    click itself would say "Aborted!" and exit 1; inside a command :func:`_reports_errors`
    turns it into "interrupted" and 130, and so does this around the parsing.
    """

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _interrupted():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _interrupted():  # a subcommand's arguments are parsed here
            return super().invoke(ctx)


@contextlib.contextmanager
def _interrupted() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except click.Abort as abort:
        if not isinstance(abort.__context__, KeyboardInterrupt):
            raise
        _fail("interrupted", 130)


@click.group(cls=_Interruptible, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="villagesurvey")
def main() -> None:
    """Village household surveys, from questionnaire to before/after report.

    Define the questionnaire once as an instrument file; generate the workbook enumerators
    fill in, the paper form interviewers hold and the XLSForm phones use; validate the
    returns; compare the waves and score the scales; export the clean data for Stata, SPSS
    or Parquet. Run 'villagesurvey demo OUTDIR' to see the whole path on the bundled sample
    data.

    Exit codes: 0 success, 1 the data has problems, 2 the command could not run.
    """


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@_reports_errors
def check(instrument: Path) -> None:
    """Check an INSTRUMENT file and list every mistake in it.

    Each mistake is shown with its line, the question it concerns and how to fix it.
    """
    from .instrument import instrument_advice, load_instrument

    loaded = load_instrument(instrument)
    pairs = len(loaded.wave_pairs)
    click.echo(
        f"{instrument}: {loaded.id} version {loaded.version} is valid: "
        f"{len(loaded.questions)} questions, {len(loaded.columns)} columns, "
        f"{pairs} before/after pair{'s' * (pairs != 1)}, languages {', '.join(loaded.languages)}"
        + "".join(
            f"; roster {r.code}: {len(r.section.questions)} questions, key {r.key}"
            + (f", within {r.within}" if r.within else "")
            for r in loaded.rosters
        )
        + (f"; derived: {', '.join(d.code for d in loaded.derived)}" if loaded.derived else "")
    )
    for advice in instrument_advice(loaded):
        click.echo(f"warning: {advice}")


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@_output_file("The .xlsx file to write.", writable=True)
@click.option(
    "--lang",
    "language",
    default=None,
    help="Language of headings and drop-downs (en, zh, ...); default: the instrument's first.",
)
@click.option(
    "--rows",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows that carry the drop-downs and range checks.",
)
@_reports_errors
def workbook(instrument: Path, output: Path, language: str | None, rows: int) -> None:
    """Write the blank Excel workbook enumerators fill in for INSTRUMENT.

    One respondent per row, drop-down lists for choices, range checks for numbers and
    dates, the question and its hint as each cell's input message, and a codebook sheet.
    """
    from .instrument import load_instrument
    from .workbook import write_workbook

    if output.suffix.lower() != ".xlsx":
        _fail(f"{output}: the workbook must be an .xlsx file", 2)
    loaded = load_instrument(instrument)
    write_workbook(loaded, output, language=language, rows=rows)
    click.echo(f"wrote {output} ({loaded.id} {loaded.version}, {len(loaded.columns)} columns)")


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@_output_file("The XLSForm (.xlsx) to write.")
@_reports_errors
def xlsform(instrument: Path, output: Path) -> None:
    """Write INSTRUMENT as an XLSForm for ODK Collect, KoboToolbox or SurveyCTO.

    Sections become groups, questions asked in waves one field per wave, limits
    constraints with their messages, skip rules relevance; labels and hints in every
    language of the instrument. See docs/xlsform.md.
    """
    from .instrument import load_instrument
    from .xlsform import not_carried, write_xlsform

    if output.suffix.lower() != ".xlsx":
        _fail(f"{output}: the XLSForm must be an .xlsx file", 2)
    loaded = load_instrument(instrument)
    if lost := not_carried(loaded):
        click.echo(f"warning: not carried by the XLSForm: {'; '.join(lost)}")
    write_xlsform(loaded, output)
    repeats = "".join(f", repeat {r.code}" for r in loaded.rosters)
    click.echo(
        f"wrote {output} ({loaded.id} {loaded.version}, {len(loaded.columns)} fields{repeats})"
    )


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@_output_file("The HTML file to write (open it in a browser and print, or print it to PDF).")
@click.option(
    "--lang",
    "language",
    default=None,
    help="Language of the form: zh, en, or both as zh+en (the first leads); "
    "default: the instrument's first.",
)
@_reports_errors
def questionnaire(instrument: Path, output: Path, language: str | None) -> None:
    """Write the paper questionnaire of INSTRUMENT: a print-ready A4 form (HTML).

    Questions are numbered in the workbook's column order with each column's code beside
    them, waves side by side, skip rules as "If ... go to" instructions, personal data on
    a separate page. See docs/questionnaire.md.
    """
    from .instrument import load_instrument
    from .questionnaire import write_questionnaire

    if output.suffix.lower() not in (".html", ".htm"):
        _fail(f"{output}: the questionnaire must be an .html file", 2)
    loaded = load_instrument(instrument)
    write_questionnaire(loaded, output, language=language)
    click.echo(f"wrote {output} ({loaded.id} {loaded.version}, {len(loaded.questions)} questions)")


@main.command("import-xlsform")
@click.argument("form", type=click.Path(dir_okay=False, path_type=Path))
@_output_file("The instrument file (.yaml) to write.")
@click.option(
    "--media",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of the form's attached CSV files (choices of select_one_from_file).",
)
@_reports_errors
def import_xlsform(form: Path, output: Path, media: Path | None) -> None:
    """Read an XLSForm FORM (.xlsx, .xls, .ods or .csv) into an instrument file.

    Everything that does not map (repeats, calculations, notes, skip rules beyond the
    instrument's condition language, ...) is listed, one line each with its row. Exit code
    0 when everything was imported, 1 when something did not map (the instrument is
    still written with what did), 2 when the form could not be read.
    """
    from .xlsform import import_xlsform as run_import

    result = run_import(form, output, media)
    for finding in result.findings:
        click.echo(f"{form}: {finding}")
    instrument = result.instrument
    lost = len(result.lost)
    click.echo(
        f"wrote {output} ({instrument.id} {instrument.version}: "
        f"{len(instrument.questions)} questions in {len(instrument.sections)} sections"
        + "".join(f", roster {r.code} of {len(r.section.questions)}" for r in instrument.rosters)
        + "); "
        + (f"{lost} thing{'s' * (lost != 1)} did not map" if lost else "everything mapped")
    )
    sys.exit(result.exit_code)


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@click.argument("clean", type=click.Path(path_type=Path))
@_output_folder("Folder for report.html, report.md, results.json and tables.xlsx.")
@click.option(
    "--cpi",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CPI table (CSV with columns year,cpi); default: China's national CPI.",
)
@click.option(
    "--base-year",
    default=2020,
    show_default=True,
    type=int,
    help="Show money in this year's prices.",
)
@click.option(
    "--by",
    multiple=True,
    help="Repeat the comparison within each group of this column (gender, village); repeatable.",
)
@click.option(
    "--lang",
    "language",
    default=None,
    help="Language of the report (en, zh, ...); default: the instrument's first.",
)
@click.option(
    "--sesoi",
    multiple=True,
    metavar="OUTCOME=VALUE",
    help="Smallest change of interest of an outcome, in its unit (family_income=5000); "
    "overrides the instrument's sesoi; repeatable.",
)
@click.option(
    "--compare",
    default=None,
    metavar="COLUMN",
    help="A yes/no column coded 0/1 (ecom_participation_2022): add a difference-in-"
    "differences of the change with 1 against the change with 0.",
)
@click.option(
    "--roster",
    "rosters",
    multiple=True,
    metavar="CODE=FILE",
    help="A roster's clean rows (members=clean_members.csv), for the outcomes the instrument "
    "derives from it; repeatable. Given the validate folder as CLEAN, its clean_CODE.csv "
    "files are used.",
)
@_bootstrap_options
@_reports_errors
def report(
    instrument: Path,
    clean: Path,
    outdir: Path,
    cpi: Path | None,
    base_year: int,
    by: tuple[str, ...],
    language: str | None,
    sesoi: tuple[str, ...],
    compare: str | None,
    rosters: tuple[str, ...],
    bootstrap: int | None,
    seed: int | None,
    bootstrap_unit: str,
) -> None:
    """Compare the two waves of CLEAN (a clean.csv, or the folder validate wrote) and write
    the before/after report.

    The mean change of each outcome with a cluster-robust (CR2) test and interval, Holm's
    correction, the paired t-test beside it, McNemar's test for yes/no outcomes, effect
    sizes, the smallest detectable change and equivalence at a smallest change of interest;
    money in base-year prices. With scales in the instrument, also their reliability and
    validity and the PLS path model (the Measurement section). Outcomes the instrument
    derives from a roster (derive:) are compared too when the roster's rows are given.
    """
    from .errors import OptionError
    from .report import write_report

    changes: dict[str, float] = {}
    for item in sesoi:
        name, _, value = item.partition("=")
        try:
            changes[name.strip()] = float(value)
        except ValueError:
            raise OptionError(
                f"--sesoi {item}: give OUTCOME=VALUE, e.g. family_income=5000"
            ) from None
    files: dict[str, Path] = {}
    for item in rosters:
        code, _, file = item.partition("=")
        if not code.strip() or not file.strip():
            raise OptionError(f"--roster {item}: give CODE=FILE, e.g. members=clean_members.csv")
        files[code.strip()] = Path(file.strip())

    with _bootstrap_bar() as progress:
        summary = write_report(
            instrument,
            clean,
            outdir,
            cpi=cpi,
            base_year=base_year,
            by=by,
            language=language,
            progress=progress,
            sesoi=changes,
            compare=compare,
            rosters=files,
            **_bootstrap_settings(bootstrap, seed, bootstrap_unit),
        )
    for line in summary.lines():
        click.echo(line)


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@click.argument("clean", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    "language",
    default=None,
    help="Language of the construct names (en, zh, ...); default: the instrument's first.",
)
@_bootstrap_options
@_reports_errors
def scales(
    instrument: Path,
    clean: Path,
    language: str | None,
    bootstrap: int | None,
    seed: int | None,
    bootstrap_unit: str,
) -> None:
    """Print how well the scales of INSTRUMENT measure in CLEAN (a clean.csv).

    Cronbach's alpha, rho_A, rho_C and AVE per construct, the PLS path model's coefficients
    with bootstrap standard errors, and a warning for each usual threshold not met (see
    docs/scales.md). Exit code 0, or 2 when the data or the instrument cannot be used.
    """
    from .analysis import measure_scales
    from .errors import OptionError
    from .instrument import load_instrument
    from .report import read_clean
    from .report.measurement import measurement_lines

    loaded = load_instrument(instrument)
    language = language or loaded.languages[0]
    if language not in loaded.languages:
        raise OptionError(
            f"language {language!r} is not one of the instrument's languages "
            f"({', '.join(loaded.languages)})"
        )
    data = read_clean(clean)
    with _bootstrap_bar() as progress:
        measurement = measure_scales(
            loaded,
            data,
            progress=progress,
            source=str(clean),
            **_bootstrap_settings(bootstrap, seed, bootstrap_unit),
        )
    for line in measurement_lines(measurement, language):
        click.echo(line)


@main.command()
@click.argument("clean", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--instrument",
    "-i",
    "instrument",
    required=True,
    type=_INSTRUMENT,
    help="The instrument the dataset was validated against.",
)
@_output_file("The file to write: .dta (Stata), .sav (SPSS) or .parquet.")
@click.option(
    "--to",
    "to",
    type=click.Choice(["stata", "spss", "parquet"], case_sensitive=False),
    default=None,
    help="The format; default: the one the output's suffix names.",
)
@click.option(
    "--lang",
    "language",
    default=None,
    help="Language of the variable and value labels; default: the instrument's first.",
)
@click.option(
    "--pseudonymise",
    "--pseudonymize",
    "pseudonymise",
    is_flag=True,
    help="Replace the respondent key columns with salted pseudonyms.",
)
@click.option(
    "--salt-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Private file holding the pseudonyms' salt (made if missing); same file, same pseudonyms.",
)
@click.option(
    "--keep-pii",
    is_flag=True,
    help="Keep the answers to personal-data questions (left out by default).",
)
@click.option(
    "--wide",
    is_flag=True,
    help="Reshape each roster into the main file, one set of columns per member "
    "(member1_age, member2_age, ...), instead of one file per roster.",
)
@_reports_errors
def export(
    clean: tuple[Path, ...],
    instrument: Path,
    output: Path,
    to: str | None,
    language: str | None,
    pseudonymise: bool,
    salt_file: Path | None,
    keep_pii: bool,
    wide: bool,
) -> None:
    """Export CLEAN (a clean.csv, or the folder validate wrote) with its labels for Stata,
    SPSS or Parquet.

    Variable and value labels come from the instrument; a select_multiple question also
    gets one 0/1 column per option; personal-data questions are left out. Each roster's
    clean_<roster>.csv (beside CLEAN, or given after it) is written as a file of its own,
    OUTPUT's name followed by _<roster>, led by the household's key; or, with --wide, into
    the main file.
    """
    from .export import export_dataset
    from .export.levels import sort_inputs
    from .instrument import load_instrument

    loaded = load_instrument(instrument)
    main_data, rosters = sort_inputs(loaded, list(clean))
    summary = export_dataset(
        loaded,
        main_data,
        output,
        rosters=rosters,
        wide=wide,
        to=to,
        language=language,
        keep_pii=keep_pii,
        pseudonymise=pseudonymise,
        salt_file=salt_file,
    )
    for line in summary.lines():
        click.echo(line)


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@_output_file("The file to write: .md (Markdown) or .xlsx.")
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=None,
    help="A clean.csv (or the folder validate wrote) whose summary statistics the codebook "
    "gives; each roster's from the clean_<roster>.csv beside it.",
)
@click.option(
    "--lang",
    "language",
    default=None,
    help="Language of the headings; labels are given in every language.",
)
@_reports_errors
def codebook(instrument: Path, output: Path, data: Path | None, language: str | None) -> None:
    """Write the codebook of INSTRUMENT: every column, its labels, type and allowed values.

    With --data, each column's statistics too (n, missing, mean, SD, median, range,
    counts of each answer); personal-data columns get none.
    """
    from .export import write_codebook

    path = write_codebook(instrument, output, data=data, language=language)
    click.echo(f"wrote {path}")


@main.command()
@click.option("--n", "n", required=True, type=click.IntRange(min=2), help="Respondents (pairs).")
@click.option("--effect", type=float, default=None, help="An effect of interest, in d_z units.")
@click.option(
    "--icc",
    type=click.FloatRange(0, 1),
    default=None,
    help="Intra-cluster correlation of the changes (with --clusters).",
)
@click.option("--clusters", type=click.IntRange(min=1), default=None, help="Number of villages.")
@click.option(
    "--alpha",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Two-sided significance level.",
)
@click.option(
    "--power",
    "target",
    default=0.8,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="The power aimed at.",
)
@_reports_errors
def power(
    n: int,
    effect: float | None,
    icc: float | None,
    clusters: int | None,
    alpha: float,
    target: float,
) -> None:
    """How large a before/after change a paired survey of N respondents can detect.

    Gives the smallest detectable effect (d_z) at the target power, and with --effect the
    power for that effect and the respondents it needs; --icc and --clusters account for
    respondents nested in villages.
    """
    from .analysis import plan_power
    from .errors import OptionError
    from .report.planning import plan_lines

    try:
        plan = plan_power(n, effect, icc=icc, clusters=clusters, alpha=alpha, power=target)
    except ValueError as exc:
        raise OptionError(str(exc)) from None
    for line in plan_lines(plan):
        click.echo(line)


def _returns(ctx: Any, param: Any, values: tuple[str, ...]) -> tuple[Path | str, ...]:
    """Files and folders of returns; a URL (``s3://...``, ``file://...``) stays as written."""
    return tuple(value if "://" in value else Path(value) for value in values)


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@click.argument(
    "returns", nargs=-1, required=True, type=click.Path(path_type=str), callback=_returns
)
@_output_folder(
    "Folder for clean.csv and quarantine.csv (clean.parquet and quarantine.parquet with "
    "--format parquet), issues.csv, issues.xlsx, corrections.xlsx, audit.csv, dropped.csv, "
    "dashboard.html and summary.json; per roster, clean_<roster> and quarantine_<roster> "
    "(.csv or .parquet) and dropped_<roster>.csv. Validated in partitions: no "
    "corrections.xlsx or dashboard.html."
)
@click.option(
    "--show-pii",
    is_flag=True,
    help="Show answers to personal-data questions (names, phones) in the issues files.",
)
@click.option(
    "--outlier-iqr",
    default=3.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Flag values beyond the quartiles by this many interquartile ranges.",
)
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds allowed to read one file before it is refused.",
)
@click.option(
    "--corrections",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A corrections file (.xlsx or .csv, as corrections.xlsx) to apply before checking.",
)
@click.option(
    "--sample",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The sample list (.csv or .xlsx: key columns, village, replacement, target) "
    "to measure progress against.",
)
@click.option(
    "--villages",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A CSV of village, latitude, longitude: the villages' centres for the GPS checks.",
)
@click.option(
    "--backchecks",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Back-check returns (a file or folder; repeat for more) to compare with the clean rows.",
)
@click.option(
    "--partition-rows",
    type=click.IntRange(min=1),
    default=None,
    help="Check CSV returns this many rows at a time, in bounded memory (the default for "
    "512 MiB of CSV or more: 180,000).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes checking the partitions of CSV returns validated in partitions, "
    "each holding one (default: the usable cores, at most 4; 1: all in this process).",
)
@click.option(
    "--format",
    "table_format",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="Write clean and quarantine (and each roster's) as CSV or as Parquet (text columns).",
)
@click.option(
    "--partition-by",
    default=None,
    metavar="COLUMN",
    help="With --format parquet: write each table as a folder with one part per value of "
    "COLUMN (e.g. the village), in Hive layout.",
)
@click.option(
    "--lang",
    "language",
    default=None,
    help="Language of dashboard.html (en, zh, ...); default: the instrument's first.",
)
@click.option(
    "--dask",
    type=click.Choice(["local"]),
    default=None,
    help="Check the returns (workbooks, CSV or Parquet files; CSV and Parquet also at fsspec "
    "URLs) as Dask tasks on worker processes of this machine (pip install "
    "villagesurvey[dask]); tables written as Parquet.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="With --dask local: the workers (default: the machine's cores).",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Check the returns on the Dask cluster of this scheduler (tcp://host:8786); its "
    "workers must reach the returns and OUTDIR at the same paths.",
)
@_reports_errors
def validate(
    instrument: Path,
    returns: tuple[Path | str, ...],
    outdir: Path,
    show_pii: bool,
    outlier_iqr: float,
    timeout: float,
    corrections: Path | None,
    sample: Path | None,
    villages: Path | None,
    backchecks: tuple[Path, ...],
    partition_rows: int | None,
    jobs: int | None,
    table_format: str,
    partition_by: str | None,
    language: str | None,
    dask: str | None,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Check the RETURNS (workbooks, CSV files, ODK Central zips or folders) against INSTRUMENT.

    Writes the clean rows, the quarantined rows with their reasons, and every finding
    (file, sheet, row, column, value, check, severity) to OUTDIR. Exit code 0 when every
    row is clean, 1 when some rows have errors or some files were refused, 2 when no
    file could be read, 130 when interrupted (the previous outputs stay as they were).
    With --corrections, the decisions in that file are applied first: audit.csv lists each
    change, dropped.csv the rows dropped; the source files are never written.
    With --villages, GPS points are checked against each village's centre from that table
    (otherwise against the median point of the village's households).
    With --sample, dashboard.html and summary.json show the progress against that list.
    With --format parquet, clean.parquet and quarantine.parquet replace the CSV tables.
    With --dask local or --scheduler, the checks run as Dask tasks (docs/cluster.md).
    """
    from .dashboard.page import check_language
    from .instrument import load_instrument
    from .tables.outputset import output_lock
    from .validate import summary_lines, validate_returns, write_validation

    _check_dask_options(dask, scheduler, workers)
    loaded = load_instrument(instrument)
    whole = corrections is not None or bool(sample or villages or backchecks)
    if dask is not None or scheduler is not None:
        _check_parquet_options(loaded, "parquet", partition_by)
        _on_dask(loaded, returns, outdir, (scheduler, workers),
                 whole or bool(partition_rows) or jobs is not None,
                 show_pii, outlier_iqr, partition_by, timeout)  # fmt: skip
    _check_parquet_options(loaded, table_format, partition_by)
    check_language(loaded, language)
    stage = _stage if sys.stderr.isatty() else None
    streamed = _streamed(loaded, returns, outdir, show_pii, outlier_iqr, whole,
                         (partition_rows, jobs), stage, table_format, partition_by)  # fmt: skip
    if streamed is not None:
        for line in summary_lines(streamed, outdir):
            click.echo(line)
        sys.exit(streamed.exit_code)
    with output_lock(outdir):  # one run at a time into OUTDIR, from reading to writing
        with _progress("reading returns") as progress:
            result = validate_returns(
                loaded,
                returns,
                progress=progress,
                stage=stage,
                outlier_factor=outlier_iqr,
                timeout=timeout,
                corrections=corrections,
                villages=villages,
                sample=sample,
                backchecks=backchecks or None,
            )
        if stage is not None:
            stage(f"writing {outdir}")
        result.language = language
        write_validation(result, outdir, show_pii=show_pii, table_format=table_format,
                         partition_by=partition_by)  # fmt: skip
    for line in summary_lines(result, outdir, table_format=table_format):
        click.echo(line)
    sys.exit(result.exit_code)


def _check_dask_options(dask: str | None, scheduler: str | None, workers: int | None) -> None:
    """Refuse --workers without --dask local, and --dask local with --scheduler."""
    from .errors import OptionError

    if dask is not None and scheduler is not None:
        raise OptionError("give --dask local (a cluster on this machine) or --scheduler, not both")
    if workers is not None and dask is None:
        raise OptionError("--workers sets the workers of --dask local; an existing cluster's "
                          "scheduler (--scheduler) has its own")  # fmt: skip


def _check_parquet_options(instrument: Any, table_format: str, partition_by: str | None) -> None:
    """Refuse --partition-by without Parquet or with an unknown column."""
    from .errors import OptionError

    if partition_by is None:
        return
    if table_format != "parquet":
        raise OptionError("--partition-by needs --format parquet")
    codes = [column.code for column in instrument.columns]
    if partition_by not in codes:
        raise OptionError(f"--partition-by {partition_by!r} is not a column of the instrument")


def _on_dask(
    instrument: Any,
    returns: tuple[Path | str, ...],
    outdir: Path,
    where: tuple[str | None, int | None],
    refused: bool,
    show_pii: bool,
    outlier_iqr: float,
    partition_by: str | None,
    timeout: float = 60.0,
) -> None:
    """Validate on Dask (a local cluster, or the scheduler's), say what was written, exit."""
    from .errors import OptionError
    from .validate import summary_lines
    from .validate.dask_cluster import dask_client
    from .validate.dask_run import validate_dask

    if refused:
        raise OptionError(
            "--dask and --scheduler check the returns alone: leave out --corrections, "
            "--sample, --villages, --backchecks, --partition-rows and --jobs, or validate on one "
            "machine"
        )
    scheduler, workers = where
    stage = _stage if sys.stderr.isatty() else None
    with dask_client(scheduler, workers) as client:
        result = validate_dask(
            instrument, returns, outdir, client, outlier_factor=outlier_iqr, show_pii=show_pii,
            partition_by=partition_by, stage=stage, timeout=timeout,
        )  # fmt: skip
    for line in summary_lines(result, outdir):
        click.echo(line)
    sys.exit(result.exit_code)


def _streamed(
    instrument: Any,
    returns: tuple[Path | str, ...],
    outdir: Path,
    show_pii: bool,
    outlier_iqr: float,
    whole: bool,
    sizes: tuple[int | None, int | None],
    stage: Callable[[str], None] | None,
    table_format: str,
    partition_by: str | None,
) -> Any:
    """Validate CSV returns a partition at a time when asked or when they are large; ``None``
    when the returns are validated in memory, as they are when ``whole`` (a corrections file,
    a sample list, a villages table or back-checks need every row at once). ``sizes`` are
    the rows of a partition and the worker processes asked for (``None``: the defaults)."""
    from .validate.stream_pool import default_jobs, keep_freed
    from .validate.stream_writing import validate_streamed
    from .validate.streamed import (
        PARTITION_ROWS,
        STREAM_FROM_BYTES,
        NotStreamableError,
        stream_paths,
    )

    partition_rows, jobs = sizes
    paths = stream_paths(returns)
    large = bool(paths) and sum(p.stat().st_size for p in paths or ()) >= STREAM_FROM_BYTES
    if whole or not paths:
        if partition_rows is not None or (whole and large):  # partitions due: say why not
            why = ("--corrections, --sample, --villages and --backchecks need every row at once"
                   if whole else "only CSV files are read in partitions")  # fmt: skip
            _in_memory(why)
        return None
    if partition_rows is None and not large:
        return None
    keep_freed()  # this process is the command's own: a partition's memory serves the next
    try:
        return validate_streamed(
            instrument, paths, outdir, partition_rows=partition_rows or PARTITION_ROWS,
            outlier_factor=outlier_iqr, show_pii=show_pii, stage=stage,
            table_format=table_format, partition_by=partition_by, jobs=jobs or default_jobs(),
        )  # fmt: skip
    except NotStreamableError as error:
        _in_memory(str(error))
        return None  # read in memory: that reader reads any shape, or says why not


def _in_memory(why: str) -> None:
    """Say on standard error that the returns are validated in memory, not in partitions."""
    click.echo(f"note: validating in memory, not in partitions: {why}", err=True)


def _stage(line: str) -> None:
    """Say on the terminal what a long command does next."""
    click.echo(f"{line} ...", err=True)


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[Path, int, int], None] | None]:
    """A progress bar on a terminal for work on many files; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def close() -> None:
        nonlocal bar
        if bar is not None:
            bar.__exit__(None, None, None)
            bar = None

    def advance(path: Path, done: int, total: int) -> None:
        nonlocal bar
        if bar is None and done == 1 and total >= 5:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(1)
        if done == total:
            close()  # before whatever the command says next

    try:
        yield advance
    finally:
        close()


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@click.argument("survey", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("backchecks", nargs=-1, required=True, type=click.Path(path_type=Path))
@_output_folder(
    "Folder for differences.csv, comparisons.csv, backcheck.xlsx, backcheck_issues.csv and "
    "backcheck.json."
)
@click.option(
    "--backchecker",
    default=None,
    help="The back-checks' column naming who made each (default: the enumerator column).",
)
@click.option(
    "--show-pii",
    is_flag=True,
    help="Show answers to personal-data questions (names, phones) in the outputs.",
)
@click.option(
    "--threshold",
    default=0.1,
    show_default=True,
    type=click.FloatRange(min=0, max=1),
    help="Flag error rates above this share (types 1 and 2), as bcstats' okrate.",
)
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds allowed to read one file before it is refused.",
)
@_reports_errors
def backcheck(
    instrument: Path,
    survey: Path,
    backchecks: tuple[Path, ...],
    outdir: Path,
    backchecker: str | None,
    show_pii: bool,
    threshold: float,
    timeout: float,
) -> None:
    """Compare BACKCHECKS (returns of back-check visits) with the SURVEY's clean.csv.

    Back-check returns are validated like any return, against the questions INSTRUMENT
    marks with backcheck: 1, 2 or 3 and its key, then matched with the survey's rows on the
    key. Writes every difference, the error rates per question, enumerator and
    back-checker, and the paired tests of type-3 questions to OUTDIR. Exit code 0 when
    every back-check was compared and no rate is above the threshold, 1 otherwise, 2 when
    the command could not run.
    """
    from .instrument import load_instrument
    from .monitoring.backcheck_outputs import write_backchecks
    from .monitoring.backcheck_run import run_backcheck
    from .monitoring.backcheck_text import backcheck_exit_code, backcheck_lines

    loaded = load_instrument(instrument)
    with _progress("reading back-checks") as progress:
        result, validation = run_backcheck(
            loaded,
            survey,
            backchecks,
            backchecker=backchecker,
            threshold=threshold,
            progress=progress,
            timeout=timeout,
        )
    write_backchecks(result, validation, loaded, outdir, show_pii=show_pii)
    for line in backcheck_lines(result, validation, outdir):
        click.echo(line)
    sys.exit(backcheck_exit_code(result, validation))


@main.command("backcheck-sample")
@click.argument("instrument", type=_INSTRUMENT)
@click.argument("clean", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--share",
    default=0.1,
    show_default=True,
    type=click.FloatRange(min=0, max=1, min_open=True),
    help="The share of each stratum's interviews to back-check (at least one each).",
)
@click.option(
    "--by", default="enumerator", show_default=True, help="The column the sample is stratified by."
)
@click.option("--seed", default=1, show_default=True, type=int, help="The random seed.")
@click.option(
    "--keep",
    multiple=True,
    help="Another column the back-checker needs (a name, a phone); repeat for more.",
)
@_output_file("The sample, as CSV.")
@_reports_errors
def backcheck_sample(
    instrument: Path,
    clean: Path,
    share: float,
    by: str,
    seed: int,
    keep: tuple[str, ...],
    output: Path,
) -> None:
    """Draw a reproducible back-check sample from CLEAN (validate's clean.csv).

    A random share of each enumerator's interviews (--by another column), at least one
    each, with the key and what the back-checker needs to find the respondent, never the
    answers INSTRUMENT marks for back-checks. The same --seed gives the same sample.
    """
    from ._atomic import atomic_path
    from .instrument import load_instrument
    from .monitoring.backcheck_run import read_survey
    from .monitoring.backcheck_sample import backcheck_sample as draw
    from .tables.safe import neutralise, shown_name

    loaded = load_instrument(instrument)
    survey = read_survey(loaded, clean, answers=False)
    sample = draw(loaded, survey, share=share, by=by, seed=seed, keep=keep)
    safe = sample.map(neutralise)
    with atomic_path(output) as temporary:
        safe.to_csv(temporary, index=False, encoding="utf-8")
    strata = sample[by].nunique() if len(sample) else 0
    click.echo(
        f"drew {len(sample)} back-checks from {strata} {by} value{'s' * (strata != 1)}; "
        f"wrote {shown_name(str(output))}"
    )


@main.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@_reports_errors
def demo(outdir: Path) -> None:
    """Run the whole path on the bundled sample data, writing into OUTDIR."""
    from .demo import run_demo

    run_demo(outdir, echo=click.echo)
