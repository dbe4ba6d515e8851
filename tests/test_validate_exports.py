"""Exports of ODK Central, KoboToolbox and SurveyCTO validate like our own workbooks.

Each test writes the bundled sample's true answers (``sample_data/truth.csv``) the way one
of these tools exports submissions of the form ``villagesurvey xlsform`` makes: field names
with the form's group paths, select_multiple split into 0/1 columns, codes rather than
labels, the tool's own metadata columns. The clean
dataset must come out the same as from the workbooks, with the submission kept as provenance.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from villagesurvey import Instrument, build_xlsform, validate_returns, write_validation
from villagesurvey.validate.exports import field_code, join_options, metadata_name, option_column

from .conftest import ROOT

TRUTH = ROOT / "sample_data" / "truth.csv"


def _truth() -> list[dict[str, str]]:
    with TRUTH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _groups(instrument: Instrument) -> dict[str, list[str]]:
    """Column code → the groups it sits in on the phone form ``villagesurvey xlsform`` writes."""
    survey = build_xlsform(instrument).survey
    header = survey[0]
    kind, name = header.index("type"), header.index("name")
    stack: list[str] = []
    groups: dict[str, list[str]] = {}
    for row in survey[1:]:
        if row[kind] in ("begin_group", "begin group"):
            stack.append(row[name])
        elif row[kind] in ("end_group", "end group"):
            stack.pop()
        elif row[name]:
            groups[row[name]] = list(stack)
    return groups


def _options(instrument: Instrument, code: str) -> list[str]:
    column = next(c for c in instrument.columns if c.code == code)
    return [str(c.code) for c in instrument.choice_list(column.question)]


def odk_central(instrument: Instrument, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """ODK Central's CSV: ``group-field`` names, metadata before and after, codes."""
    groups = _groups(instrument)
    out = []
    for i, row in enumerate(rows):
        record = {"SubmissionDate": f"2022-07-{1 + i % 28:02d}T08:{i % 60:02d}:00.000Z"}
        record |= {"start": "2022-07-01T08:00:00.000+08:00", "deviceid": f"collect:{i:04d}"}
        record |= {"-".join([*groups[c.code], c.code]): row[c.code] for c in instrument.columns}
        record |= {
            "meta-instanceID": f"uuid:0000-{i:04d}",
            "KEY": f"uuid:0000-{i:04d}",
            "SubmitterID": "5",
            "SubmitterName": "enumerator-app",
            "AttachmentsPresent": "0",
            "AttachmentsExpected": "0",
            "Status": "",
            "ReviewState": "",
            "DeviceID": f"collect:{i:04d}",
            "Edits": "0",
            "FormVersion": instrument.version,
        }
        out.append(record)
    return out


def kobo(instrument: Instrument, rows: list[dict[str, str]], *, whole: bool) -> list[dict]:
    """KoboToolbox: ``group/field`` names, select_multiple split into ``group/field/option``."""
    groups = _groups(instrument)
    out = []
    for i, row in enumerate(rows):
        record: dict = {"start": "2022-07-01T08:00:00.000+08:00", "end": "2022-07-01T09:00:00"}
        for column in instrument.columns:
            name = "/".join([*groups[column.code], column.code])
            if column.question.type != "select_multiple" or whole:
                record[name] = row[column.code]
            if column.question.type == "select_multiple":
                chosen = row[column.code].split()
                for option in _options(instrument, column.code):
                    record[f"{name}/{option}"] = (
                        "" if not row[column.code] else int(option in chosen)
                    )
        record |= {
            "_id": 1000 + i,
            "_uuid": f"kobo-{i:04d}",
            "_submission_time": f"2022-07-02T10:{i % 60:02d}:00",
            "_validation_status": "",
            "_notes": "",
            "_status": "submitted_via_web",
            "_submitted_by": "",
            "__version__": "vDh3",
            "_tags": "",
            "_index": i + 1,
        }
        out.append(record)
    return out


def surveycto(instrument: Instrument, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """SurveyCTO: plain field names, select_multiple as ``field_option`` columns only."""
    out = []
    for i, row in enumerate(rows):
        record = {"SubmissionDate": f"Jul 2, 2022 10:{i % 60:02d}:00 AM", "starttime": ""}
        for column in instrument.columns:
            if column.question.type == "select_multiple":
                chosen = row[column.code].split()
                for option in _options(instrument, column.code):
                    cell = "" if not row[column.code] else str(int(option in chosen))
                    record[f"{column.code}_{option}"] = cell
            else:
                record[column.code] = row[column.code]
        record |= {"KEY": f"uuid:cto-{i:04d}", "formdef_version": "2211010101"}
        out.append(record)
    return out


def _write_csv(records: list[dict], path: Path, delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(records)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _cell(value: object) -> object:
    """A value as a KoboToolbox xlsx export types it: numbers and dates typed, blanks empty."""
    if not isinstance(value, str):
        return value
    if value == "":
        return None
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if re.fullmatch(r"-?\d+\.\d+", value):
        return float(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return value


def _write_xlsx(records: list[dict], path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(records[0]))
    for record in records:
        sheet.append([_cell(record[k]) for k in records[0]])
    book.save(path)
    return path


def _clean_columns(outdir: Path) -> tuple[list[str], list[list[str]]]:
    with (outdir / "clean.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _same_answers_as_truth(instrument: Instrument, outdir: Path) -> list[str]:
    """Assert the clean dataset holds the truth's answers; return its header."""
    header, rows = _clean_columns(outdir)
    codes = [c.code for c in instrument.columns]
    at = [header.index(code) for code in codes]
    got = [[row[i] for i in at] for row in rows]
    want = [[row[code] for code in codes] for row in _truth()]
    assert got == want
    return header


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_odk_central_csv_gives_the_truth(model_study, tmp_path, delimiter):
    path = _write_csv(odk_central(model_study, _truth()), tmp_path / "odk.csv", delimiter)
    result = validate_returns(model_study, [path])
    write_validation(result, tmp_path / "out")

    assert result.exit_code == 0
    checks = set(result.findings["check"])
    assert not checks & {"unknown_column", "renamed_column", "missing_column"}
    header = _same_answers_as_truth(model_study, tmp_path / "out")
    assert header[:3] == ["source_file", "source_submission", "source_submitted"]
    _, rows = _clean_columns(tmp_path / "out")
    assert rows[0][1:3] == ["uuid:0000-0000", "2022-07-01T08:00:00.000Z"]


@pytest.mark.parametrize("whole", [True, False], ids=["with-whole-column", "split-only"])
def test_kobo_xlsx_with_split_choices_gives_the_truth(model_study, tmp_path, whole):
    path = _write_xlsx(kobo(model_study, _truth(), whole=whole), tmp_path / "kobo.xlsx")
    result = validate_returns(model_study, [path])
    write_validation(result, tmp_path / "out")

    assert result.exit_code == 0
    # two soft limits in the truth itself; the export has no sheet for the members roster
    assert set(result.findings["check"]) == {"outside_soft_limit", "no_roster_sheet"}
    assert list(result.findings.loc[result.findings["check"] == "no_roster_sheet", "file"]) == [
        "kobo.xlsx"
    ]
    _same_answers_as_truth(model_study, tmp_path / "out")
    _, rows = _clean_columns(tmp_path / "out")
    assert rows[5][1] == "kobo-0005"


def test_surveycto_csv_gives_the_truth(model_study, tmp_path):
    path = _write_csv(surveycto(model_study, _truth()), tmp_path / "cto.csv")
    result = validate_returns(model_study, [path])
    write_validation(result, tmp_path / "out")

    assert result.exit_code == 0
    assert not set(result.findings["check"]) & {"unknown_column", "missing_column"}
    _same_answers_as_truth(model_study, tmp_path / "out")


def test_a_bad_option_flag_is_located_and_quarantined(model_study, tmp_path):
    records = kobo(model_study, _truth()[:3], whole=False)
    name = next(k for k in records[2] if k.endswith("/ecom_platforms/temu"))
    records[2][name] = "maybe"
    path = _write_xlsx(records, tmp_path / "kobo.xlsx")
    result = validate_returns(model_study, [path])

    errors = result.findings[result.findings["severity"] == "error"]
    assert list(errors["row"]) == [4]
    assert list(errors["column"]) == ["ecom_platforms"]
    assert list(errors["value"]) == ["temu=maybe"]
    assert result.rows_quarantined == 1
    quarantine = result.quarantine()
    assert list(quarantine["submission"]) == ["kobo-0002"]


def test_a_workbook_batch_has_no_provenance_columns(model_study, tmp_path):
    result = validate_returns(model_study, [ROOT / "sample_data" / "returns"])
    assert list(result.clean().columns[:2]) == ["source_file", "village_id"]


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("identification/village_id", "village_id"),
        ("identification-village_id", "village_id"),
        ("survey/income/family_income_2022", "family_income_2022"),
        ("FAMILY_INCOME_2022", None),  # a bare code in another case is a rename, found elsewhere
        ("identification/nothing", None),
    ],
)
def test_field_code_removes_group_paths(header, code):
    codes = {"village_id": "village_id", "family_income_2022": "family_income_2022"}
    assert field_code(header, codes) == code


def test_option_columns_of_each_tool():
    codes = {"ecom_platforms": "ecom_platforms"}
    options = {"ecom_platforms": ["taobao", "jd", "1", "tiktok_shop"]}
    assert option_column("livelihood/ecom_platforms/taobao", codes, options) == (
        "ecom_platforms",
        "taobao",
    )
    assert option_column("livelihood-ecom_platforms/jd", codes, options) == ("ecom_platforms", "jd")
    assert option_column("ecom_platforms_1", codes, options) == ("ecom_platforms", "1")
    assert option_column("ecom_platforms_tiktok_shop", codes, options) == (
        "ecom_platforms",
        "tiktok_shop",
    )
    assert option_column("ecom_platforms/amazon", codes, options) is None


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("_uuid", "_uuid"),
        ("meta/instanceID", "instanceid"),
        ("meta-instanceID", "instanceid"),
        ("KEY", "key"),
        ("SubmissionDate", "submissiondate"),
        ("formhub/uuid", "formhub/uuid"),
        ("household_size", None),
    ],
)
def test_metadata_names(header, name):
    assert metadata_name(header) == name


def test_join_options_reads_each_tool_s_flags():
    flags = [
        ("a", [1, "1", None, "0", "TRUE", "x?"]),
        ("b", [0, "1", None, "", "false", "0"]),
    ]
    assert join_options(flags) == ["a", "a b", None, "", "a", "a=x?"]
