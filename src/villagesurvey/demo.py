"""``villagesurvey demo``: the whole path on the bundled model study, in one call."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ._atomic import atomic_path, make_folder
from ._resources import bundled
from .instrument import Instrument, load_instrument

if TYPE_CHECKING:
    from .validate import Validation

__all__ = ["DEMO_INSTRUMENT", "run_demo"]

DEMO_INSTRUMENT = "village_ecommerce.yaml"
_LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}


def _copy(source: Path, target: Path) -> Path:
    with atomic_path(target) as temporary:
        shutil.copyfile(source, temporary)
    return target


def _copy_folder(source: Path, target: Path) -> list[Path]:
    make_folder(target)
    return [_copy(path, target / path.name) for path in sorted(source.iterdir()) if path.is_file()]


def run_demo(outdir: str | Path, echo: Callable[[str], object] = print) -> list[Path]:
    """Run every stage on the bundled sample data, writing into ``outdir``.

    The folder receives the model study's instrument, its blank workbook and its paper
    questionnaire in each language, its XLSForm, the sample field returns (clean and messy)
    and their validation, the before/after report and the codebook with statistics, so that
    a user can open each and go on with the commands from there.

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
    from .export import write_codebook
    from .questionnaire import write_questionnaire
    from .workbook import write_workbook
    from .xlsform import write_xlsform

    outdir = make_folder(outdir)
    source = bundled("instruments", DEMO_INSTRUMENT)
    instrument = load_instrument(source)
    written = [_copy(source, outdir / DEMO_INSTRUMENT)]
    echo(
        f"instrument  {written[0]}: {instrument.id} {instrument.version}, "
        f"{len(instrument.questions)} questions, {len(instrument.columns)} columns, "
        f"{len(instrument.wave_pairs)} before/after pairs"
    )
    for language in instrument.languages:
        path = write_workbook(instrument, outdir / f"blank_workbook_{language}.xlsx", language)
        written.append(path)
        name = _LANGUAGE_NAMES.get(language, language)
        echo(f"workbook    {path}  (blank, for enumerators, in {name})")
    for language in instrument.languages:
        path = write_questionnaire(instrument, outdir / f"questionnaire_{language}.html", language)
        written.append(path)
        name = _LANGUAGE_NAMES.get(language, language)
        echo(f"paper form  {path}  (to print on A4 for interviews on paper, in {name})")
    written.append(write_xlsform(instrument, outdir / "xlsform.xlsx"))
    echo(f"xlsform     {written[-1]}  (the same questionnaire for ODK, KoboToolbox, SurveyCTO)")
    for folder, what in (
        ("returns", "village workbooks as they come back from the field, with their members"),
        ("returns_messy", "workbooks with the defects field teams send, listed in defects.csv"),
    ):
        copied = _copy_folder(bundled("sample_data", folder), outdir / folder)
        written += copied
        workbooks = sum(1 for p in copied if p.suffix == ".xlsx")
        echo(f"returns     {outdir / folder}/  ({workbooks} {what})")
    written.append(_copy(bundled("sample_data", "defects.csv"), outdir / "defects.csv"))
    written.append(_copy(bundled("sample_data", "corrections.csv"), outdir / "corrections.csv"))
    written += _validate(instrument, outdir, echo)
    written += _fieldwork(instrument, outdir, echo)
    written += _report(instrument, outdir, echo)
    clean = outdir / "validated" / "clean.csv"
    written.append(write_codebook(instrument, outdir / "codebook.md", data=clean))
    echo(f"codebook    {written[-1]}  (every variable, its labels, allowed values and statistics)")
    echo("")
    echo("Next: open the workbooks in Excel or LibreOffice, or edit the instrument and run")
    echo(f"  villagesurvey check {outdir / DEMO_INSTRUMENT}")
    echo(f"  villagesurvey workbook {outdir / DEMO_INSTRUMENT} -o my_workbook.xlsx --lang zh")
    echo(f"  villagesurvey questionnaire {outdir / DEMO_INSTRUMENT} -o my_form.html --lang zh+en")
    echo(
        f"  villagesurvey validate {outdir / DEMO_INSTRUMENT} {outdir / 'returns_messy'} "
        f"-o {outdir / 'my_check'}"
    )
    fieldwork = outdir / "fieldwork"
    echo(
        f"  villagesurvey validate {outdir / DEMO_INSTRUMENT} {fieldwork / 'returns'} "
        f"--sample {fieldwork / 'sample.csv'} --villages {fieldwork / 'villages.csv'} "
        f"-o {outdir / 'my_fieldwork'}"
    )
    echo(
        f"  villagesurvey backcheck-sample {outdir / DEMO_INSTRUMENT} "
        f"{outdir / 'validated_fieldwork' / 'clean.csv'} --share 0.1 --seed 1 -o to_backcheck.csv"
    )
    echo(
        f"  villagesurvey report {outdir / DEMO_INSTRUMENT} {outdir / 'validated'} "
        f"-o {outdir / 'my_report'} --by gender --lang zh"
    )
    echo(f"  villagesurvey scales {outdir / DEMO_INSTRUMENT} {clean} --bootstrap 5000")
    echo(
        f"  villagesurvey export {clean} -i {outdir / DEMO_INSTRUMENT} -o clean.dta --pseudonymise"
    )
    return written


def _report(instrument: Instrument, outdir: Path, echo: Callable[[str], object]) -> list[Path]:
    """The before/after report of the validated clean returns (and their members roster)."""
    from .report import write_report

    summary = write_report(instrument, outdir / "validated", outdir / "report")
    names = ", ".join(Path(f).name for f in summary.files)
    echo(f"report      {summary.outdir}/  ({names})")
    for line in summary.lines():
        if not line.startswith("wrote "):
            echo(f"            {line}")
    return list(summary.files)


def _validate(instrument: Instrument, outdir: Path, echo: Callable[[str], object]) -> list[Path]:
    """Validate the clean and the messy returns, each into its own folder."""
    from .validate import OUTPUTS, validate_returns, write_validation
    from .validate.outputs import roster_outputs

    written: list[Path] = []
    runs = (
        ("returns", "validated", None),
        ("returns_messy", "validated_messy", None),
        ("returns_messy", "validated_corrected", outdir / "corrections.csv"),
    )
    for source, target, corrections in runs:
        result = validate_returns(instrument, [outdir / source], corrections=corrections)
        folder = write_validation(result, outdir / target)
        written += [folder / name for name in (*OUTPUTS, *roster_outputs(result))]
        applied = int((result.audit["action"] != "fixed").sum()) if corrections else 0
        top = ", ".join(
            f"{check} {n}" for check, n in list(result.counts.get("error", {}).items())[:3]
        )
        echo(
            f"validate    {folder}/  ({result.rows_in} rows in, {result.rows_clean} clean, "
            f"{result.rows_quarantined} quarantined"
            + (
                f", {result.rows_dropped} dropped, {applied} corrections applied"
                if corrections
                else ""
            )
            + f"{': ' + top if top else ''}; see issues.xlsx)"
        )
        for code, level in result.rosters.items():
            echo(f"            {_roster_line(code, result, level)}")
    return written


def _fieldwork(instrument: Instrument, outdir: Path, echo: Callable[[str], object]) -> list[Path]:
    """Two weeks of a larger collection, watched as a field manager would: progress against
    the sample list, the enumerators' signals, the GPS points, the back-checks."""
    from .monitoring.backcheck_outputs import write_backchecks
    from .monitoring.backcheck_run import run_backcheck
    from .validate import OUTPUTS, validate_returns, write_validation
    from .validate.outputs import roster_outputs

    source = bundled("sample_data", "fieldwork")
    folder = outdir / "fieldwork"
    written = _copy_folder(source, folder) + _copy_folder(source / "returns", folder / "returns")
    echo(
        f"fieldwork   {folder}/  (two weeks of a larger collection: returns/, the sample list, "
        "the villages' centres, the back-checks, and planted.csv, what is planted to be found)"
    )
    result = validate_returns(
        instrument,
        [folder / "returns"],
        sample=folder / "sample.csv",
        villages=folder / "villages.csv",
        backchecks=[folder / "backchecks.csv"],
    )
    validated = write_validation(result, outdir / "validated_fieldwork")
    written += [validated / name for name in (*OUTPUTS, *roster_outputs(result))]
    done = result.monitoring["progress"]["overall"]
    echo(
        f"validate    {validated}/  ({result.rows_in} rows in, {result.rows_clean} clean, "
        f"{result.rows_quarantined} quarantined; open dashboard.html)"
    )
    echo(
        f"            progress: {done['completed']} of {done['listed']} listed respondents "
        f"interviewed, {done['remaining']} remaining, {done['replacements_used']} replacements "
        f"used, {done['not_listed']} not on the list, {done['interviewed_twice']} interviewed twice"
    )
    signals = {
        check: n
        for check, n in result.counts.get("warning", {}).items()
        if check not in ("outside_soft_limit",)
    }
    echo("            signals: " + ", ".join(f"{check} {n}" for check, n in signals.items()))
    checks, survey = run_backcheck(instrument, validated / "clean.csv", [folder / "backchecks.csv"])
    target = outdir / "backcheck"
    write_backchecks(checks, survey, instrument, target)
    echo(
        f"backcheck   {target}/  ({len(checks.comparisons)} answers of "
        f"{checks.rows['backchecks_compared']} back-checks compared, "
        f"{len(checks.differences)} differ; see backcheck.xlsx)"
    )
    return written + [target / name for name in sorted(p.name for p in target.iterdir())]


_ACROSS_LEVELS = ("roster_count", "roster_exactly_one", "roster_sum")
_OF_MEMBERS = ("roster_orphan", "parent_quarantined")


def _roster_line(code: str, household: Validation, roster: Validation) -> str:
    """A roster's rows, and what the checks across levels found (on both levels)."""
    found = {
        check: n
        for level, checks in ((household, _ACROSS_LEVELS), (roster, _OF_MEMBERS))
        for check, n in level.counts.get("error", {}).items()
        if check in checks
    }
    across = ", ".join(f"{check} {n}" for check, n in found.items())
    own = ", ".join(
        f"{check} {n}"
        for check, n in roster.counts.get("error", {}).items()
        if check not in _OF_MEMBERS
    )
    return (
        f"roster {code}: {roster.rows_in} rows in, {roster.rows_clean} clean, "
        f"{roster.rows_quarantined} quarantined"
        + (f"; across levels: {across}" if across else "")
        + (f"; in the rows: {own}" if own else "")
    )
