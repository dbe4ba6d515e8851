"""The command line: exit codes, one-line errors, and outputs read back through the library."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from villagesurvey import load_instrument
from villagesurvey.cli import main
from villagesurvey.validate import OUTPUTS
from villagesurvey.workbook import CODE_ROW, META_SHEET
from villagesurvey.workbook._points import sheet_columns

from .conftest import MODEL_STUDY, ROOT, SMALL


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_workbook_writes_the_blank_workbook(run, tmp_path):
    target = tmp_path / "blank_zh.xlsx"
    result = run("workbook", MODEL_STUDY, "-o", target, "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.output
    workbook = openpyxl.load_workbook(target)
    instrument = load_instrument(MODEL_STUDY)
    codes = [code for code, _, _ in sheet_columns(instrument)]  # a point in four cells
    assert [c.value for c in workbook.active[CODE_ROW]] == codes
    assert dict(workbook[META_SHEET].values)["language"] == "zh"


def test_workbook_defaults_to_the_first_language(run, tmp_path):
    result = run("workbook", MODEL_STUDY, "-o", tmp_path / "b.xlsx")
    assert result.exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "b.xlsx").active.title == "Data"


def test_broken_instrument_lists_every_problem_and_exits_2(run, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        SMALL.replace("type: integer", "type: integr").replace(
            "choices: gender,", "choices: genders,"
        ),
        encoding="utf-8",
    )
    result = run("workbook", broken, "-o", tmp_path / "b.xlsx")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines[0] == "villagesurvey: the instrument has 2 problems:"
    assert "[unknown_type]" in lines[1]
    assert f"{broken}:" in lines[1]
    assert "Traceback" not in result.output
    assert not (tmp_path / "b.xlsx").exists()


def test_unknown_language_is_one_line_and_exit_2(run, tmp_path):
    result = run("workbook", MODEL_STUDY, "-o", tmp_path / "b.xlsx", "--lang", "fr")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "villagesurvey: language 'fr' is not one of the instrument's languages (en, zh)"
    )


def test_output_must_be_xlsx(run, tmp_path):
    result = run("workbook", MODEL_STUDY, "-o", tmp_path / "b.csv")
    assert result.exit_code == 2
    assert "must be an .xlsx file" in result.output


def test_missing_output_folder_exit_2(run, tmp_path):
    result = run("workbook", MODEL_STUDY, "-o", tmp_path / "no" / "b.xlsx")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_missing_instrument_exit_2(run, tmp_path):
    result = run("check", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "no such file [not_found]" in result.output


def test_check_summarises_a_good_instrument(run):
    result = run("check", MODEL_STUDY)
    assert result.exit_code == 0
    assert "village_ecommerce version 2022.1 is valid" in result.output
    assert "; roster members: 8 questions, key member" in result.output
    assert "; derived: earners, migrants, members_earnings" in result.output
    assert "16 before/after pairs" in result.output


def test_demo_writes_workbooks_and_copies_the_sample(run, tmp_path):
    sample = ROOT / "sample_data"
    sources = sorted(p for p in sample.glob("returns*/*") if p.is_file())
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sources}
    out = tmp_path / "out"
    result = run("demo", out)
    assert result.exit_code == 0, result.output
    for language in ("en", "zh"):
        path = out / f"blank_workbook_{language}.xlsx"
        assert str(path) in result.output
        assert dict(openpyxl.load_workbook(path)[META_SHEET].values)["language"] == language
    assert load_instrument(out / "village_ecommerce.yaml") == load_instrument(MODEL_STUDY)
    for language, title in (("en", "Village cross-border e-commerce"), ("zh", "乡村跨境电商")):
        form = out / f"questionnaire_{language}.html"
        assert f"paper form  {form}" in result.output
        page = form.read_text(encoding="utf-8")
        assert f"<h1>{title}" in page
        assert 'data-column="family_income_2022"' in page
    for path in sources:
        copy = out / path.relative_to(sample)
        assert copy.read_bytes() == path.read_bytes(), copy
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sources} == before
    assert f"villagesurvey check {out / 'village_ecommerce.yaml'}" in result.output
    truth = (sample / "truth.csv").read_text(encoding="utf-8")
    assert (out / "validated" / "clean.csv").read_text(encoding="utf-8") == truth
    messy = json.loads((out / "validated_messy" / "summary.json").read_text(encoding="utf-8"))
    assert (messy["rows_in"], messy["rows_quarantined"]) == (24, 12)
    assert "24 rows in, 12 clean, 12 quarantined" in result.output
    members = (sample / "truth_members.csv").read_text(encoding="utf-8")
    assert (out / "validated" / "clean_members.csv").read_text(encoding="utf-8") == members
    # the members sheet's three planted defects (sample_data/defects.csv), and the members
    # of the quarantined respondents waiting for them
    assert (
        "roster members: 106 rows in, 57 clean, 49 quarantined; across levels: roster_count 1, "
        "roster_exactly_one 1, parent_quarantined 48, roster_orphan 1"
    ) in result.output
    survey = openpyxl.load_workbook(out / "xlsform.xlsx")["survey"]
    assert "village_id" in {row[1] for row in survey.iter_rows(values_only=True)}
    codebook = (out / "codebook.md").read_text(encoding="utf-8")
    assert "| `family_income_2022` |" in codebook
    assert (out / "report" / "report.html").exists()


# -- validate ------------------------------------------------------------------------------


def test_validate_clean_returns_exits_0_and_summarises(run, tmp_path):
    result = run("validate", MODEL_STUDY, ROOT / "sample_data" / "returns", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "checked 11 files against village_ecommerce 2022.1: 11 read, 0 refused"
    assert lines[1] == "rows: 62 in, 62 clean, 0 quarantined"
    members = ["clean_members.csv", "quarantine_members.csv", "dropped_members.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*OUTPUTS, *members])


def test_validate_messy_returns_exits_1_and_names_the_top_problems(run, tmp_path):
    result = run("validate", MODEL_STUDY, ROOT / "sample_data" / "returns_messy", "-o", tmp_path)
    assert result.exit_code == 1
    assert "rows: 24 in, 12 clean, 12 quarantined" in result.output
    assert "errors: " in result.output
    assert "duplicate_key 2" in result.output


def test_validate_refuses_a_bad_file_and_reads_the_rest(run, tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "V01.xlsx").write_bytes(
        (ROOT / "sample_data" / "returns" / "V01_returns.xlsx").read_bytes()
    )
    (batch / "notes.xlsx").write_text("not a workbook at all", encoding="utf-8")
    result = run("validate", MODEL_STUDY, batch, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "1 read, 1 refused" in result.output
    assert "refused notes.xlsx:" in result.output
    assert "[not_a_spreadsheet]" in result.output
    assert "Traceback" not in result.output


def test_validate_with_nothing_readable_exits_2(run, tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    result = run("validate", MODEL_STUDY, tmp_path / "empty.xlsx", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "[empty_file]" in result.output


def test_validate_a_folder_without_returns_is_one_line_and_exit_2(run, tmp_path):
    result = run("validate", MODEL_STUDY, tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.strip().startswith("villagesurvey: no returns found in")


def test_validate_a_missing_path_is_one_line_and_exit_2(run, tmp_path):
    result = run("validate", MODEL_STUDY, tmp_path / "nowhere", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "nowhere" in result.output


def test_demo_runs_again_into_the_same_folder(run, tmp_path):
    assert run("demo", tmp_path).exit_code == 0
    assert run("demo", tmp_path).exit_code == 0
    assert not list(tmp_path.rglob("*.part"))


def test_unexpected_errors_are_one_line(run, tmp_path, monkeypatch):
    import villagesurvey.workbook as workbook

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(workbook, "write_workbook", boom)
    result = run("workbook", MODEL_STUDY, "-o", tmp_path / "b.xlsx")
    assert result.exit_code == 2
    assert result.output.strip().startswith(
        "villagesurvey: unexpected error: RuntimeError: disk on fire"
    )
    assert "Traceback" not in result.output


def test_help_does_not_import_heavy_libraries():
    # The start-up promise: `villagesurvey --help` answers without loading pandas & co.
    code = (
        "import sys\n"
        "from villagesurvey.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'pandas', 'numpy', 'openpyxl', 'scipy', 'pingouin', 'pandera', 'yaml',\n"
        "         'matplotlib', 'statsmodels', 'python_calamine', 'defusedxml',\n"
        "         'dask', 'distributed', 'fsspec'}\n"
        "ours = {'villagesurvey.instrument', 'villagesurvey.workbook', 'villagesurvey.analysis',\n"
        "        'villagesurvey.report', 'villagesurvey.validate'}\n"
        "loaded = {m.split('.')[0] for m in sys.modules} | set(sys.modules)\n"
        "print(sorted(loaded & (heavy | ours)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_console_script_runs(tmp_path):
    script = Path(sys.executable).parent / "villagesurvey"
    done = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "villagesurvey" in done.stdout


def test_output_piped_into_a_reader_that_stops_ends_quietly(tmp_path):
    # As in `villagesurvey demo out | head -1`: the rest of the output has nowhere to go.
    with subprocess.Popen(
        [sys.executable, "-m", "villagesurvey", "demo", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline().startswith(b"instrument")
        process.stdout.close()
        assert process.wait(timeout=120) == 2
        assert process.stderr.read() == b""


def test_demo_into_an_impossible_folder_is_one_line_and_exit_2(run, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run("demo", blocker / "out")
    assert result.exit_code == 2
    assert result.output.strip().startswith(f"villagesurvey: cannot create {blocker / 'out'}")
