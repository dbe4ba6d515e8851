"""Reading returns: hostile files refused in bounded time and memory, good files read exactly.

Every hostile file is built here from readable parts. One batch mixes them with good files,
as a supervisor's folder would, and is read once; the tests below look at its results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import resource
import struct
import time
import zipfile
from pathlib import Path
from textwrap import dedent
from typing import Any

import msoffcrypto.format.ooxml
import openpyxl
import pytest

from villagesurvey.errors import OptionError
from villagesurvey.validate._worker import FAULT_VARIABLE
from villagesurvey.validate.reading import (
    ReadFile,
    Refused,
    Sheet,
    find_returns,
    read_returns,
)
from villagesurvey.workbook import CODE_ROW, FIRST_DATA_ROW, META_SHEET

ROOT = Path(__file__).resolve().parent.parent
RETURNS = sorted((ROOT / "sample_data" / "returns").glob("*.xlsx"))
V01 = ROOT / "sample_data" / "returns" / "V01_returns.xlsx"
SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TIMEOUT = 2.0
MEMORY = 512 * 2**20
MiB = 2**20

BILLION_LAUGHS = dedent(
    f"""\
    <?xml version="1.0"?>
    <!DOCTYPE worksheet [
      <!ENTITY a "lol">
      <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
      <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
      <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
      <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
      <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
      <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
      <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
      <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
    ]>
    <worksheet xmlns="{MAIN}"><sheetData>
      <row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row>
    </sheetData></worksheet>
    """
)
EXTERNAL_ENTITY = dedent(
    f"""\
    <?xml version="1.0"?>
    <!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
    <worksheet xmlns="{MAIN}"><sheetData>
      <row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>
    </sheetData></worksheet>
    """
)
# a sheet whose two cells are a whole worksheet apart: the native reader allocates the range
# between them (17 billion cells) and aborts the process
FAR_APART = (
    f'<worksheet xmlns="{MAIN}"><sheetData>'
    '<row r="1"><c r="A1"><v>1</v></c></row>'
    '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    "</sheetData></worksheet>"
)
SHARED_FORMULAS = (
    f'<worksheet xmlns="{MAIN}"><sheetData>'
    '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>2</v></c></row>'
    '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>4</v></c></row>'
    '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c></row>'
    '<row r="4"><c r="A4"><f>SUM(A1:A3)</f><v>6</v></c></row>'
    "</sheetData></worksheet>"
)
CSV_TABLE = "village_id,name,income\nV01,李娜,45000\nV02,王芳,\n"
ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Data">'
    "<table:table-row>"
    '<table:table-cell office:value-type="string"><text:p>village_id</text:p></table:table-cell>'
    '<table:table-cell office:value-type="string"><text:p>age</text:p></table:table-cell>'
    "</table:table-row><table:table-row>"
    '<table:table-cell office:value-type="string"><text:p>V01</text:p></table:table-cell>'
    '<table:table-cell office:value-type="float" office:value="43"><text:p>43</text:p></table:table-cell>'
    "</table:table-row>"
    "</table:table></office:spreadsheet></office:body></office:document-content>"
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


# -- building files ----------------------------------------------------------------------------


def _workbook(path: Path, tables: dict[str, list[list[Any]]], at: str = "A1") -> Path:
    """Save sheets with openpyxl, each table's top-left cell at ``at``."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        top = sheet[at]
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                sheet.cell(top.row + i, top.column + j, value)
    book.save(path)
    return path


def _rezip(source: Path, target: Path, **members: bytes | str) -> Path:
    """Copy a package, replacing or adding members (``name=content``; "/" spelt "__")."""
    changes = {name.replace("__", "/"): content for name, content in members.items()}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in changes:
                new.writestr(info, old.read(info))
        for name, content in changes.items():
            new.writestr(name, content)
    return target


def _small(tmp: Path, name: str) -> Path:
    return _workbook(tmp / name, {"Data": [["village_id", "age"], ["V01", 43]]})


def _with_zeros(source: Path, target: Path, size: int) -> Path:
    """Copy a package, its sheet replaced by ``size`` zero bytes (written in pieces)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != SHEET:
                new.writestr(info, old.read(info))
        with new.open(SHEET, "w") as member:
            for _ in range(size // MiB):
                member.write(bytes(MiB))
    return target


def _declare_size(path: Path, member: str, size: int) -> Path:
    """Make the local and central headers of ``member`` declare ``size`` unpacked bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as package:
        local = package.getinfo(member).header_offset
    struct.pack_into("<I", data, local + 22, size)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == member.encode():
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 46)
    path.write_bytes(data)
    return path


def _zip_bomb(tmp: Path) -> Path:
    """A valid-looking workbook whose sheet is 200 MB of zeros, compressed about 1000 to 1."""
    return _with_zeros(_small(tmp, "base.xlsx"), tmp / "zip_bomb.xlsx", 200 * MiB)


def _lying_bomb(tmp: Path) -> Path:
    """A sheet of 64 MB of zeros that declares 1,000 bytes (so its declared ratio is tiny)."""
    bomb = _with_zeros(_small(tmp, "base2.xlsx"), tmp / "lying_bomb.xlsx", 64 * MiB)
    return _declare_size(bomb, SHEET, 1000)


def _encrypted(tmp: Path) -> Path:
    plain = _small(tmp, "plain.xlsx")
    target = tmp / "encrypted.xlsx"
    with plain.open("rb") as source, target.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("secret", out)
    return target


def _macros(tmp: Path) -> Path:
    with zipfile.ZipFile(_small(tmp, "m.xlsx")) as package:
        types = package.read("[Content_Types].xml").decode()
    types = types.replace("sheet.main+xml", "sheet.macroEnabled.main+xml")
    return _rezip(
        tmp / "m.xlsx",
        tmp / "macros.xlsm",
        **{"[Content_Types].xml": types, "xl__vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"},
    )


def _ods(tmp: Path) -> Path:
    path = tmp / "open.ods"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        package.writestr("content.xml", ODS_CONTENT, zipfile.ZIP_DEFLATED)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the batch ---------------------------------------------------------------------------------

# file name -> (the check it is refused with, a word the reason must hold)
HOSTILE = {
    "zip_bomb.xlsx": ("zip_bomb", "compressed"),
    "lying_bomb.xlsx": ("zip_bomb", "declares"),
    "billion_laughs.xlsx": ("unsafe_xml", "DOCTYPE"),
    "billion_laughs_utf16.xlsx": ("unsafe_xml", "DOCTYPE"),
    "external_entity.xlsx": ("unsafe_xml", "entities"),
    "encrypted.xlsx": ("password_protected", "password"),
    "truncated.xlsx": ("corrupt_file", "cut short"),
    "empty.xlsx": ("empty_file", "empty"),
    "renamed_text.xlsx": ("not_a_spreadsheet", "text file"),
    "web_page.xls": ("not_a_spreadsheet", "HTML"),
    "notes.txt": ("unsupported_format", ".txt"),
    "far_apart.xlsx": ("memory_limit", "memory limit"),
    "crash.xlsx": ("reader_crashed", "SIGABRT"),
    "hang.xlsx": ("read_timeout", "seconds"),
    "greedy.xlsx": ("memory_limit", "memory limit"),
}
FAULTS = "abort:crash.xlsx,hang:hang.xlsx,memory:greedy.xlsx"


def _files(tmp: Path) -> list[Path]:
    """The batch, good files between the hostile ones."""
    truncated = V01.read_bytes()
    made = {
        "zip_bomb.xlsx": _zip_bomb(tmp),
        "lying_bomb.xlsx": _lying_bomb(tmp),
        "billion_laughs.xlsx": _rezip(
            _small(tmp, "b.xlsx"),
            tmp / "billion_laughs.xlsx",
            **{SHEET.replace("/", "__"): BILLION_LAUGHS},
        ),
        "billion_laughs_utf16.xlsx": _rezip(
            _small(tmp, "b16.xlsx"),
            tmp / "billion_laughs_utf16.xlsx",
            **{
                SHEET.replace("/", "__"): BILLION_LAUGHS.replace(
                    '"1.0"', '"1.0" encoding="UTF-16"', 1
                ).encode("utf-16")
            },
        ),
        "external_entity.xlsx": _rezip(
            _small(tmp, "x.xlsx"),
            tmp / "external_entity.xlsx",
            **{SHEET.replace("/", "__"): EXTERNAL_ENTITY},
        ),
        "encrypted.xlsx": _encrypted(tmp),
        "far_apart.xlsx": _rezip(
            _small(tmp, "f.xlsx"), tmp / "far_apart.xlsx", **{SHEET.replace("/", "__"): FAR_APART}
        ),
        "crash.xlsx": _small(tmp, "crash.xlsx"),
        "hang.xlsx": _small(tmp, "hang.xlsx"),
        "greedy.xlsx": _small(tmp, "greedy.xlsx"),
        "macros.xlsm": _macros(tmp),
        "embedded.xlsx": _rezip(
            _small(tmp, "e.xlsx"),
            tmp / "embedded.xlsx",
            xl__embeddings__oleObject1=b"\xd0\xcf\x11\xe0 object",
        ),
        "linked.xlsx": _rezip(
            _small(tmp, "l.xlsx"),
            tmp / "linked.xlsx",
            xl__externalLinks__externalLink1=f'<externalLink xmlns="{MAIN}"/>',
        ),
        "formula.xlsx": _workbook(
            tmp / "formula.xlsx", {"Data": [["amount"], [1], [2], ["=SUM(A2:A3)"]]}
        ),
        "shared.xlsx": _rezip(
            _small(tmp, "s.xlsx"),
            tmp / "shared.xlsx",
            **{SHEET.replace("/", "__"): SHARED_FORMULAS},
        ),
        "open.ods": _ods(tmp),
        "misnamed.xls": tmp / "misnamed.xls",
    }
    (tmp / "misnamed.xls").write_bytes(V01.read_bytes())
    (tmp / "truncated.xlsx").write_bytes(truncated[: len(truncated) // 2])
    (tmp / "empty.xlsx").write_bytes(b"")
    (tmp / "renamed_text.xlsx").write_text(CSV_TABLE, encoding="utf-8")
    (tmp / "web_page.xls").write_text(
        "<html><body><table><tr><td>V01</td></tr></table></body></html>"
    )
    (tmp / "notes.txt").write_text("village V01: 6 households visited\n")
    (tmp / "gb18030.csv").write_bytes(CSV_TABLE.encode("gb18030"))
    (tmp / "bom.csv").write_bytes(CSV_TABLE.encode("utf-8-sig"))
    for name in HOSTILE:
        made.setdefault(name, tmp / name)
    made["gb18030.csv"], made["bom.csv"] = tmp / "gb18030.csv", tmp / "bom.csv"
    good = tmp / "good"
    good.mkdir()
    copies = [good / f"{i}_{p.name}" for i, p in enumerate(RETURNS)]
    for copy, original in zip(copies, RETURNS, strict=True):
        copy.write_bytes(original.read_bytes())
    order = list(made.values())
    return [copies[0], *order[:6], copies[1], *order[6:12], *copies[2:6], *order[12:], *copies[6:]]


class Batch:
    def __init__(self, tmp: Path) -> None:
        self.paths = _files(tmp)
        self.before = {p: (_sha(p), p.stat().st_mtime_ns) for p in self.paths}
        self.times: list[float] = []
        self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.monotonic()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(FAULT_VARIABLE, FAULTS)
            self.results = list(
                read_returns(
                    self.paths,
                    timeout=TIMEOUT,
                    memory_limit=MEMORY,
                    progress=lambda _: self.times.append(time.monotonic() - start),
                )
            )
        self.elapsed = time.monotonic() - start
        self.self_growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - self_rss
        self.children_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.by_name = {r.path.name: r for r in self.results}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    return Batch(tmp_path_factory.mktemp("returns"))


def _read(batch: Batch, name: str) -> ReadFile:
    result = batch.by_name[name]
    assert isinstance(result, ReadFile), result
    return result


# -- hostile files -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "check", "word"), [(n, c, w) for n, (c, w) in HOSTILE.items()])
def test_hostile_file_refused_with_its_reason(batch: Batch, name: str, check: str, word: str):
    result = batch.by_name[name]
    assert isinstance(result, Refused)
    assert (result.check, result.path.name) == (check, name)
    assert word in result.reason
    assert "\n" not in result.reason
    assert "Traceback" not in result.reason
    assert result.sha256 == batch.before[result.path][0]


def test_one_result_per_file_in_the_order_given(batch: Batch):
    assert [r.path for r in batch.results] == batch.paths
    assert len(batch.times) == len(batch.paths)


def test_every_file_answered_within_seconds(batch: Batch):
    gaps = [
        later - earlier for earlier, later in zip([0.0, *batch.times], batch.times, strict=False)
    ]
    assert max(gaps) < TIMEOUT + 5
    assert batch.elapsed < 30
    hung = batch.paths.index(next(p for p in batch.paths if p.name == "hang.xlsx"))
    assert batch.times[hung] >= TIMEOUT


def test_memory_stays_bounded(batch: Batch):
    # ru_maxrss is in KiB on Linux: the parent never unpacks a bomb, the readers stay
    # under their limit although one file asks for 550 GB and another for all it may have
    assert batch.self_growth_kib < 150 * 1024
    assert batch.children_kib < (MEMORY + 64 * MiB) // 1024


def test_sources_are_not_modified(batch: Batch):
    assert {p: (_sha(p), p.stat().st_mtime_ns) for p in batch.paths} == batch.before


def test_good_files_between_hostile_ones_are_read_completely(batch: Batch):
    good = [r for r in batch.results if r.path.parent.name == "good"]
    assert len(good) == len(RETURNS)
    for result, original in zip(good, RETURNS, strict=True):
        assert isinstance(result, ReadFile)
        assert result.sha256 == _sha(original)
        _assert_same_as_openpyxl(result, original)


# -- files that are read, with notes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "check"),
    [
        ("macros.xlsm", "xlsm", "macros_ignored"),
        ("embedded.xlsx", "xlsx", "embedded_objects_ignored"),
        ("linked.xlsx", "xlsx", "external_links_ignored"),
        ("misnamed.xls", "xlsx", "format_mismatch"),
    ],
)
def test_active_content_is_not_run_but_noted(batch: Batch, name: str, fmt: str, check: str):
    result = _read(batch, name)
    assert result.format == fmt
    assert [note.check for note in result.notes] == [check]
    if name != "misnamed.xls":
        assert result.sheets["Data"].rows == [["village_id", "age"], ["V01", 43.0]]


def test_formula_cells_are_located(batch: Batch):
    sheet = _read(batch, "formula.xlsx").sheets["Data"]
    assert sheet.formulas == {(4, 1): "=SUM(A2:A3)"}
    assert sheet.rows == [["amount"], [1.0], [2.0]]  # openpyxl saves no calculated value


def test_shared_formulas_are_located(batch: Batch):
    sheet = _read(batch, "shared.xlsx").sheets["Data"]
    assert sheet.formulas == {
        (1, 2): "=A1*2",
        (2, 2): "=A1*2",  # filled from B1: B1's text
        (3, 2): "=A1*2",
        (4, 1): "=SUM(A1:A3)",
    }
    assert sheet.rows[3] == [6.0, None]


@pytest.mark.parametrize(
    ("name", "encoding"), [("gb18030.csv", "GB18030"), ("bom.csv", "UTF-8 with a byte-order mark")]
)
def test_csv_decoded_and_its_encoding_noted(batch: Batch, name: str, encoding: str):
    result = _read(batch, name)
    stem = name.removesuffix(".csv")
    assert (result.format, list(result.sheets)) == ("csv", [stem])
    assert result.sheets[stem] == Sheet(
        stem,
        [["village_id", "name", "income"], ["V01", "李娜", "45000"], ["V02", "王芳", None]],
        1,
        1,
        {},
    )
    (note,) = result.notes
    assert note.check == "csv_encoding"
    assert encoding in note.message


def test_ods_read(batch: Batch):
    result = _read(batch, "open.ods")
    assert result.format == "ods"
    assert result.sheets["Data"].rows == [["village_id", "age"], ["V01", 43.0]]


# -- exact reading -----------------------------------------------------------------------------


def _same(ours: object, theirs: object) -> bool:
    if isinstance(theirs, dt.datetime) and type(ours) is dt.date:
        return theirs == dt.datetime.combine(ours, dt.time())
    return ours == theirs


def _assert_same_as_openpyxl(result: ReadFile, original: Path) -> None:
    book = openpyxl.load_workbook(original, data_only=True)
    for name, sheet in result.sheets.items():
        theirs = {
            (c.row, c.column): c.value
            for row in book[name].iter_rows()
            for c in row
            if c.value not in (None, "")
        }
        ours = {
            (sheet.first_row + i, sheet.first_column + j): value
            for i, row in enumerate(sheet.rows)
            for j, value in enumerate(row)
            if value is not None
        }
        assert ours.keys() == theirs.keys(), name
        assert all(_same(ours[k], theirs[k]) for k in ours), name


def test_sample_return_read_exactly():
    (result,) = read_returns([V01])
    assert isinstance(result, ReadFile)
    assert (result.format, list(result.sheets), result.notes) == (
        "xlsx",
        [META_SHEET, "数据", "members"],
        (),
    )
    meta = dict(result.sheets[META_SHEET].rows)
    assert (meta["data_sheet"], meta["code_row"]) == ("数据", str(CODE_ROW))
    data = result.sheets["数据"]
    assert (data.first_row, data.first_column, data.formulas) == (1, 1, {})
    codes = data.rows[CODE_ROW - data.first_row]
    assert codes[:5] == ["village_id", "household_id", "person_id", "enumerator", "interview_date"]
    first = data.rows[FIRST_DATA_ROW - data.first_row]
    assert first[0] == "V01"
    assert isinstance(first[4], dt.date)
    _assert_same_as_openpyxl(result, V01)


def test_first_row_and_column_follow_the_used_range(tmp_path: Path):
    path = _workbook(
        tmp_path / "c5.xlsx", {"Data": [["code", "age"], ["V01", 43], [None, None]]}, at="C5"
    )
    (result,) = read_returns([path])
    assert isinstance(result, ReadFile)
    sheet = result.sheets["Data"]
    assert (sheet.first_row, sheet.first_column) == (5, 3)
    assert sheet.rows == [["code", "age"], ["V01", 43.0]]


def test_instrument_sheet_and_its_data_sheet_only(tmp_path: Path):
    tables = {
        "Notes": [["read me"]],
        "Answers": [["village_id"], ["V01"]],
        META_SHEET: [["instrument_id", "small"], ["data_sheet", "Answers"]],
    }
    (result,) = read_returns([_workbook(tmp_path / "w.xlsx", tables)])
    assert isinstance(result, ReadFile)
    assert list(result.sheets) == [META_SHEET, "Answers"]
    del tables[META_SHEET]
    (result,) = read_returns([_workbook(tmp_path / "plain.xlsx", tables)])
    assert isinstance(result, ReadFile)
    assert list(result.sheets) == ["Notes"]


# -- finding files and arguments ---------------------------------------------------------------


def test_find_returns(tmp_path: Path):
    for name in [
        "b.xlsx",
        "a.CSV",
        "~$b.xlsx",
        ".hidden.xlsx",
        "readme.txt",
        "sub/c.ods",
        ".git/d.xlsx",
    ]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF")
    found = find_returns([tmp_path, other, tmp_path / "b.xlsx", str(tmp_path / "sub")])
    assert found == [tmp_path / "a.CSV", tmp_path / "b.xlsx", tmp_path / "sub" / "c.ods", other]
    with pytest.raises(OptionError, match=r"missing\.xlsx"):
        find_returns([tmp_path / "missing.xlsx"])


def test_unreadable_path_refused_without_hash(tmp_path: Path):
    (result,) = read_returns([tmp_path])
    assert isinstance(result, Refused)
    assert (result.check, result.sha256) == ("unreadable_file", None)


@pytest.mark.parametrize("options", [{"workers": 0}, {"timeout": 0}, {"memory_limit": 1000}])
def test_bad_limits(options: dict[str, Any]):
    with pytest.raises(OptionError):
        read_returns([V01], **options)


def test_a_script_without_the_main_guard_is_told_how_to_call(tmp_path):
    """Reader processes import the script that started them: one that validates at its top
    level has every workbook refused, and the reason says what to write."""
    import subprocess
    import sys
    import textwrap

    root = ROOT
    script = tmp_path / "check.py"
    script.write_text(textwrap.dedent(f"""
        import villagesurvey as vs
        instrument = vs.load_instrument({str(root / "instruments" / "village_ecommerce.yaml")!r})
        book = {str(root / "sample_data" / "returns" / "V01_returns.xlsx")!r}
        result = vs.validate_returns(instrument, [book], views=())
        for report in result.files:
            print(report.check, report.reason)
    """), encoding="utf-8")  # fmt: skip
    said = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, check=True).stdout  # fmt: skip
    assert "reader_crashed" in said
    assert "call validate_returns under 'if __name__ == \"__main__\":'" in said
