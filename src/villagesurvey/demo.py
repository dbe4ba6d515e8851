"""``villagesurvey demo``: the whole path on the bundled model study, in one call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ._resources import bundled
from .errors import OutputError
from .instrument import load_instrument

__all__ = ["DEMO_INSTRUMENT", "run_demo"]

DEMO_INSTRUMENT = "village_ecommerce.yaml"


def run_demo(outdir: str | Path, echo: Callable[[str], object] = print) -> list[Path]:
    """Run every stage that exists on the bundled sample data.

    Parameters
    ----------
    outdir : str or Path
        Folder for the outputs; created if missing.
    echo : callable, default print
        Receives one line per step, for the user to follow.

    Returns
    -------
    list of Path
        The files written.
    """
    from .workbook import write_workbook

    outdir = Path(outdir)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {outdir}: {exc.strerror}") from None
    source = bundled("instruments", DEMO_INSTRUMENT)
    instrument = load_instrument(source)
    returns = sorted(bundled("sample_data", "returns").glob("*.xlsx"))
    messy = sorted(bundled("sample_data", "returns_messy").glob("*.xlsx"))
    echo(
        f"instrument  {instrument.id} {instrument.version}: {len(instrument.questions)} questions, "
        f"{len(instrument.columns)} columns, {len(instrument.wave_pairs)} before/after pairs"
    )
    written: list[Path] = []
    for language in instrument.languages:
        path = write_workbook(instrument, outdir / f"blank_workbook_{language}.xlsx", language)
        written.append(path)
        echo(f"workbook    {path}  (blank, for enumerators, {language})")
    echo(
        f"sample data {len(returns)} village returns and {len(messy)} messy returns in "
        f"{bundled('sample_data')}"
    )
    return written
