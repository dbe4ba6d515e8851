"""Real phone exports on the streamed path: KoboToolbox's CSV exports (formpack's fixtures)
give the in-memory path's bytes in partitions of two rows (two of them also checked by two
worker processes), the warnings of an export without its repeats' tables included; ODK Central's export of a form with repeats (a CSV file per
repeat) is not streamed, since its repeat rows are linked to their households in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from villagesurvey.validate import validate_returns, write_validation
from villagesurvey.validate.stream_writing import validate_streamed
from villagesurvey.validate.streamed import NotStreamableError, stream_paths
from villagesurvey.xlsform import read_xlsform

from .test_validate_streamed import same_issue_sheets
from .xlsform_corpus import KOBO

DATA = Path(__file__).resolve().parent / "data"
IN_MEMORY_ONLY = {"corrections.xlsx", "dashboard.html"}


def same_outputs(streamed: Path, memory: Path) -> None:
    """The streamed output set is the in-memory one but for :data:`IN_MEMORY_ONLY`: the same
    bytes in each file, the same finding sheets in issues.xlsx."""
    written = sorted(p.name for p in streamed.iterdir())
    assert written == sorted({p.name for p in memory.iterdir()} - IN_MEMORY_ONLY)
    for file in written:
        if file != "issues.xlsx":
            assert (streamed / file).read_bytes() == (memory / file).read_bytes(), file
    same_issue_sheets(streamed, memory)


FORMS = sorted(p.stem for p in KOBO.glob("*.xlsx"))


@pytest.mark.parametrize(
    ("name", "jobs"),
    [*((name, 1) for name in FORMS),
     ("sanitation_report", 2), ("site_inspection", 2)],  # rows quarantined, in workers
)  # fmt: skip
def test_a_kobo_csv_export_streams_to_the_in_memory_bytes(
    name: str, jobs: int, tmp_path: Path
) -> None:
    form = KOBO / f"{name}.xlsx"
    instrument = read_xlsform(form).instrument
    export = form.with_suffix(".csv")
    memory, streamed = tmp_path / "memory", tmp_path / "streamed"
    write_validation(validate_returns(instrument, [export], workers=1, views=()), memory)
    validate_streamed(instrument, [export], streamed, partition_rows=2, jobs=jobs)
    same_outputs(streamed, memory)
    if instrument.rosters:  # the CSV export holds the main table alone: said, as in memory
        said = (streamed / "issues.csv").read_text(encoding="utf-8")
        assert said.count(",no_roster_sheet,warning,") == len(instrument.rosters)


@pytest.mark.parametrize(("name", "children"), [("singlerepeat", 3), ("multirepeat", 4)])
def test_odk_central_repeat_files_are_not_streamed_as_households(
    name: str, children: int, tmp_path: Path
) -> None:
    """Each repeat's CSV file (``<form>-child.csv``) would otherwise be checked as a file of
    households: its children counted as respondents."""
    instrument = read_xlsform(DATA / "odk_central" / f"{name}.xlsx").instrument
    paths = stream_paths([DATA / "odk_central" / name])
    assert paths is not None  # every file is a CSV file
    out = tmp_path / "out"
    with pytest.raises(NotStreamableError, match=f"{name}-child.csv: it holds the rows of a"):
        validate_streamed(instrument, paths, out, partition_rows=2)
    assert not out.exists()  # nothing written: the caller validates in memory
    memory = validate_returns(instrument, paths, workers=1, views=())
    assert memory.rows_in == 3  # the submissions; the children are the roster's rows
    assert memory.rosters["child"].rows_in == children  # the lines of <form>-child.csv
