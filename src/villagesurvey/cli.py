"""The ``villagesurvey`` command: a thin shell over the library.

Each command parses its options, calls one library function and turns the library's
exceptions into one clear message and an exit code: 0 success, 1 the data has problems,
2 the command could not do its job. Heavy libraries are imported inside the commands, so
``villagesurvey --help`` answers at once.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])

_INSTRUMENT = click.Path(exists=False, dir_okay=False, path_type=Path)


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
        except Exception as exc:  # an unexpected failure is still one line, not a traceback
            if os.environ.get("VILLAGESURVEY_DEBUG"):
                raise
            _fail(
                f"unexpected error: {type(exc).__name__}: {exc} "
                "(set VILLAGESURVEY_DEBUG=1 to see the details, and please report it)",
                2,
            )

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="villagesurvey")
def main() -> None:
    """Village household surveys, from questionnaire to before/after report.

    Define the questionnaire once as an instrument file, generate the workbook enumerators
    fill in, and check it. Run 'villagesurvey demo OUTDIR' to see the whole path on the
    bundled sample data.

    Exit codes: 0 success, 1 the data has problems, 2 the command could not run.
    """


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@_reports_errors
def check(instrument: Path) -> None:
    """Check an INSTRUMENT file and list every mistake in it.

    Each mistake is shown with its line, the question it concerns and how to fix it.
    """
    from .instrument import load_instrument

    loaded = load_instrument(instrument)
    pairs = len(loaded.wave_pairs)
    click.echo(
        f"{instrument}: {loaded.id} version {loaded.version} is valid: "
        f"{len(loaded.questions)} questions, {len(loaded.columns)} columns, "
        f"{pairs} before/after pair{'s' * (pairs != 1)}, languages {', '.join(loaded.languages)}"
    )


@main.command()
@click.argument("instrument", type=_INSTRUMENT)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The .xlsx file to write.",
)
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
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@_reports_errors
def demo(outdir: Path) -> None:
    """Run the whole path on the bundled sample data, writing into OUTDIR."""
    from .demo import run_demo

    run_demo(outdir, echo=click.echo)
