"""ODK Central's zip of CSV files, read as downloaded; damaged and hostile archives refused."""

from __future__ import annotations

import hashlib
import zipfile

from villagesurvey.validate import validate_returns
from villagesurvey.xlsform import read_xlsform

from .xlsform_corpus import ROOT

CENTRAL = ROOT / "tests" / "data" / "odk_central"
MAIN = (CENTRAL / "singlerepeat" / "singlerepeat.csv").read_bytes()


def instrument():
    return read_xlsform(CENTRAL / "singlerepeat.xlsx").instrument


def refused(result):
    return [(f.name, f.check) for f in result.files if f.status == "refused"]


def test_a_zip_without_csv_files_is_refused(tmp_path):
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("media/1.jpg", b"\xff\xd8\xff")
    result = validate_returns(instrument(), [archive], workers=1)
    assert refused(result) == [("photos.zip", "not_a_spreadsheet")]
    assert result.exit_code == 2


def test_a_damaged_zip_is_refused(tmp_path):
    archive = tmp_path / "export.zip"
    archive.write_bytes(b"PK\x03\x04 this is not the rest of a zip archive")
    result = validate_returns(instrument(), [archive], workers=1)
    assert refused(result) == [("export.zip", "corrupt_file")]


def test_a_member_that_unpacks_to_far_more_than_it_holds_is_refused(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("singlerepeat.csv", MAIN)
        z.writestr("singlerepeat-child.csv", b"name,age,PARENT_KEY,KEY\n" + b"0" * 4 * 2**20)
    result = validate_returns(instrument(), [archive], workers=1)
    assert refused(result) == [("export.zip", "zip_bomb")]


def test_member_names_cannot_write_outside_and_the_archive_is_not_written(tmp_path):
    archive = tmp_path / "inner" / "export.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../singlerepeat.csv", MAIN)
        z.writestr("__MACOSX/._singlerepeat.csv", b"\x00\x05\x16\x07")
    before = hashlib.sha256(archive.read_bytes()).hexdigest()
    result = validate_returns(instrument(), [archive], workers=1)
    assert (result.rows_in, result.rows_clean) == (3, 3)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["export.zip", "inner"]
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == before
