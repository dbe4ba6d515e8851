"""The streamed path reads a CSV file in byte ranges that the workers parse
(:mod:`villagesurvey.validate.csv_ranges`): files built to break the cutting (line breaks in
quoted values near and at the cuts, a stray quote, blank rows across ranges and at the end,
CR LF and carriage returns alone, a byte-order mark, a last line without a line break) give
the bytes of the in-memory path, in ranges of three rows; the ranges are used on a plain
file, and a file whose rows are not its lines is read on in one stream, which is said."""

from __future__ import annotations

import csv
import hashlib
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.instrument import load_instrument
from villagesurvey.validate import csv_ranges, csv_stream, range_reading
from villagesurvey.validate.csv_ranges import ByteRange, Cutter, RangeError
from villagesurvey.validate.stream_writing import validate_streamed
from villagesurvey.validate.streamed import NotStreamableError

from .test_validate_streamed import INSTRUMENT, ROOT, _compare

HEAD_LINES = 4
"""Lines of a file's head in these tests (:data:`.csv_stream.FIRST_ROWS`): ranges follow."""

KINDS = ("plain", "plain", "plain", "blank", "unknown", "newline", "crlf_value", "last_newline",
         "stray", "carriage")  # fmt: skip
"""What a row of a generated file holds: an ordinary respondent (most rows), nothing, only a
column the instrument does not have, a line feed or a CR LF in a quoted answer, a line feed
in the quoted last value, a stray quote in an unquoted answer (``5'11"``), a carriage return
alone in a quoted answer."""


@pytest.fixture(scope="module")
def instrument() -> Any:
    return load_instrument(INSTRUMENT)


def _truth() -> tuple[list[str], list[list[str]]]:
    with open(ROOT / "sample_data" / "truth.csv", encoding="utf-8") as source:
        rows = list(csv.reader(source))
    keep = [i for i, name in enumerate(rows[0]) if name != "source_file"]
    header = [rows[0][i] for i in keep] + ["extra_note"]
    return header, [[r[i] for i in keep] + [""] for r in rows[1:]]


def _field(value: str, raw: bool = False) -> str:
    if raw or not any(c in value for c in ',"\n\r'):
        return value
    return '"' + value.replace('"', '""') + '"'


def hazard_file(
    path: Path, kinds: list[str], *, crlf: bool = False, bom: bool = False, final: bool = True
) -> Path:
    """A CSV file of the model study's header and one row per kind (see :data:`KINDS`),
    the respondents taken from its answers in turn (copies after 23 rows)."""
    header, answers = _truth()
    name, note = header.index("respondent_name"), len(header) - 1
    lines = [",".join(_field(h) for h in header)]
    for n, kind in enumerate(kinds):
        row = list(answers[(n * 7) % 23])
        raw = False
        if kind == "blank":
            row = [""] * len(header)
        elif kind == "unknown":
            row = [""] * (len(header) - 1) + ["a note in a column not of the instrument"]
        elif kind == "newline":
            row[name] = "two\nlines, one name"
        elif kind == "crlf_value":
            row[name] = "two\r\nlines"
        elif kind == "last_newline":
            row[note] = "a note\n"
        elif kind == "stray":
            row[name], raw = "5'11\" tall", True
        elif kind == "carriage":
            row[name] = "carriage\rreturn"
        lines.append(",".join(_field(v, raw and i == name) for i, v in enumerate(row)))
    end = "\r\n" if crlf else "\n"
    text = end.join(lines) + (end if final else "")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


class _Seen:
    """What a streamed run says (its stage lines) and which ranges it read in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, jobs: int = 1) -> None:
        self.lines: list[str] = []
        self.ranges: list[ByteRange] = []
        task = range_reading.range_task

        def counted(*args: Any) -> Any:
            self.ranges.append(args[2])
            return task(*args)

        if jobs == 1:  # a worker is given the task by name: not counted
            monkeypatch.setattr(range_reading, "range_task", counted)
        monkeypatch.setattr(csv_stream, "FIRST_ROWS", HEAD_LINES)

    def stage(self, line: str) -> None:
        self.lines.append(line)

    @property
    def streamed(self) -> list[str]:
        return [line for line in self.lines if "in one stream" in line]


def _run(instrument: Any, path: Path, tmp: Path, rows: int, jobs: int, seen: _Seen) -> None:
    from . import test_validate_streamed as streamed_tests

    def validate(*args: Any, **kwargs: Any) -> Any:
        return validate_streamed(*args, **kwargs, stage=seen.stage)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(streamed_tests, "validate_streamed", validate)
        _compare(instrument, [path], tmp, rows, jobs)


@settings(max_examples=20, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=30),
    crlf=st.booleans(),
    bom=st.booleans(),
    final=st.booleans(),
    rows=st.sampled_from([2, 3, 5]),
)
def test_ranges_give_the_in_memory_bytes_whatever_the_file(
    instrument: Any,
    tmp_path_factory: pytest.TempPathFactory,
    kinds: list[str],
    crlf: bool,
    bom: bool,
    final: bool,
    rows: int,
) -> None:
    tmp = tmp_path_factory.mktemp("hazards")
    kinds = ["plain"] * (HEAD_LINES - 1) + kinds  # a head of respondents: ranges follow
    path = hazard_file(tmp / "season.csv", kinds, crlf=crlf, bom=bom, final=final)
    with pytest.MonkeyPatch.context() as patch:
        seen = _Seen(patch)
        _run(instrument, path, tmp, rows, 1, seen)
    assert len(seen.streamed) <= 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_plain_file_is_read_in_ranges_only(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Blank rows across ranges and at the end, rows not read, a stray quote, CR LF, a
    byte-order mark and no line break after the last line: every range is verified."""
    kinds = ["plain"] * 6 + ["blank"] * 60 + ["plain", "unknown", "stray"] + ["plain"] * 9
    kinds += ["blank", "unknown", "blank", "plain", "blank", "blank"]
    path = hazard_file(tmp_path / "season.csv", kinds, crlf=True, bom=True, final=False)
    seen = _Seen(monkeypatch, jobs)
    _run(instrument, path, tmp_path, 3, jobs, seen)
    assert seen.streamed == []
    if jobs == 1:  # the ranges of the rows after the head, one after the other
        spans = seen.ranges
        assert len(spans) >= 4
        assert spans[0].row == HEAD_LINES + 1
        for before, after in itertools.pairwise(spans):
            assert (after.start, after.row) == (before.end, before.row + before.lines)
        assert spans[-1].end == path.stat().st_size
    issues = (tmp_path / "streamed" / "issues.csv").read_text(encoding="utf-8")
    assert issues.count(",blank_row,") == 62  # the run of 60, two between respondents


@pytest.mark.parametrize(
    ("kind", "jobs"), [("newline", 1), ("last_newline", 1), ("crlf_value", 2), ("carriage", 2)]
)
def test_a_row_that_is_not_a_line_reads_the_rest_in_one_stream(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, jobs: int
) -> None:
    """A quoted value holding a line break, at every row from the 14th on (so that cuts
    fall inside it, or right after it), or a carriage return alone: the ranges before are
    kept, the rest is read in one stream from the last row verified."""
    kinds = ["plain"] * 12 + [kind] * 10 + ["blank", "plain", "blank"]
    path = hazard_file(tmp_path / "season.csv", kinds, crlf=kind == "crlf_value")
    seen = _Seen(monkeypatch, jobs)
    _run(instrument, path, tmp_path, 3, jobs, seen)
    assert len(seen.streamed) == 1, seen.lines
    row = int(seen.streamed[0].split("from row ")[1].split(" ")[0])
    assert HEAD_LINES < row <= 14  # the ranges before the first such row were verified
    if jobs == 1:
        assert seen.ranges


@pytest.mark.parametrize(
    "kinds",
    [["newline"] + ["plain"] * 12,  # a row of two lines in the head
     ["blank"] * 8 + ["plain"] * 12],  # no respondent in the head: the stream reads on
)  # fmt: skip
def test_a_head_whose_rows_are_not_lines_reads_the_file_in_one_stream(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kinds: list[str]
) -> None:
    path = hazard_file(tmp_path / "season.csv", kinds)
    seen = _Seen(monkeypatch)
    streamed = []
    partitions = csv_stream.csv_partitions

    def whole(*args: Any) -> Any:
        streamed.append(args[1].name)
        return partitions(*args)

    monkeypatch.setattr("villagesurvey.validate.streamed.csv_partitions", whole)
    _run(instrument, path, tmp_path, 3, 1, seen)
    assert streamed == ["season.csv"]
    assert seen.ranges == []


def test_a_head_of_few_respondents_is_the_streamed_readers_first_chunk(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fewer than 200 respondents in the head's lines: it grows to ``rows`` lines, as the
    streamed reader's first chunk, and the ranges follow."""
    path = hazard_file(tmp_path / "season.csv", ["plain", "blank"] * 6 + ["plain"] * 20)
    seen = _Seen(monkeypatch)
    _run(instrument, path, tmp_path, 9, 1, seen)
    assert seen.streamed == []
    assert seen.ranges[0].row == 9  # the head's 9 lines but the blank one after its last
    assert seen.ranges[0].start == len(b"".join(path.read_bytes().splitlines(True)[:8]))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_ragged_row_in_a_range_is_not_streamable(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """The worker cannot parse its range: the stream from there says why, with the file's
    name, and nothing is written (the caller validates in memory)."""
    path = hazard_file(tmp_path / "season.csv", ["plain"] * 20)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[15] += ",an extra cell"
    path.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(csv_stream, "FIRST_ROWS", HEAD_LINES)
    out = tmp_path / "out"
    with pytest.raises(NotStreamableError, match=r"^season\.csv: a row has more or fewer cells"):
        validate_streamed(instrument, [path], out, partition_rows=3, jobs=jobs)
    assert not out.exists()


def test_a_range_ending_in_an_open_quote_or_holding_a_line_break_is_refused(
    tmp_path: Path,
) -> None:
    from villagesurvey.validate.csv_ranges import read_range
    from villagesurvey.validate.csv_stream import FileLayout

    path = tmp_path / "x.csv"
    data = b'a,b,"c\nd"\ne,f,"g\n'
    path.write_bytes(data)
    layout = FileLayout("x.csv", "x", None, None, ",", 3)  # type: ignore[arg-type]
    second = data.index(b"e")
    for start, end, lines in ((0, second, 2), (second, len(data), 1), (0, 7, 1)):
        with pytest.raises(RangeError):
            read_range(ByteRange(str(path), start, end, 1, lines, True), layout)
    plain = tmp_path / "y.csv"
    plain.write_bytes(b'a,"b ""q""",c\r\nd,e,f\r\n')
    table = read_range(ByteRange(str(plain), 0, plain.stat().st_size, 1, 2, True), layout)
    assert table.column(1).to_pylist() == ['b "q"', "e"]


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary().map(lambda b: bytes(b"ab\n\r,"[x % 5] for x in b)),
    lines=st.integers(0, 4),
    back=st.integers(0, 8),
    sizes=st.lists(st.integers(1, 9), min_size=1, max_size=5),
)
def test_the_cutter_hands_on_every_byte_once_at_line_feeds(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, lines: int, back: int, sizes: list[int]
) -> None:
    """Read in blocks of 7 bytes: lines and CR LF pairs across blocks."""
    path = tmp_path_factory.mktemp("cut") / "x.csv"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_ranges, "_READ", 7)
        cutter = Cutter(path)
        head = cutter.take_lines(lines)
        pieces = data.split(b"\n")
        whole = data.count(b"\n") < lines
        assert head == (data if whole else b"\n".join(pieces[:lines]) + b"\n"[:lines])
        back = min(back, len(head))
        cutter.give_back(head[len(head) - back :])
        at, n = cutter.position, 0
        assert at == len(head) - back
        while not cutter.ended():
            size = sizes[n % len(sizes)]
            n += 1
            taken, feeds, broken, lone = cutter.take_range(size)
            piece = data[at : at + taken]
            assert taken >= min(size, len(data) - at)
            assert piece.find(b"\n", size - 1) in (len(piece) - 1, -1)
            assert broken == piece.endswith(b"\n")
            assert feeds == piece.count(b"\n")
            assert broken or at + taken == len(data)
            assert lone == (piece.count(b"\r") != piece.count(b"\r\n"))
            at += taken
        assert at == len(data)
        assert cutter.rest() == hashlib.sha256(data).hexdigest()
        cutter.close()


@pytest.mark.parametrize(
    "name",
    sorted(p.stem for p in (ROOT / "tests" / "data" / "kobo").glob("*.xlsx")),
)
def test_a_kobo_export_in_ranges_gives_the_in_memory_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """KoboToolbox's exports (``;`` between values, every value quoted, submissions with no
    answer), a head of two lines and ranges of about a row."""
    from villagesurvey.validate import validate_returns, write_validation
    from villagesurvey.xlsform import read_xlsform

    from .test_validate_streamed_exports import KOBO, same_outputs

    form = KOBO / f"{name}.xlsx"
    instrument = read_xlsform(form).instrument
    export = form.with_suffix(".csv")
    memory, streamed = tmp_path / "memory", tmp_path / "streamed"
    write_validation(validate_returns(instrument, [export], workers=1, views=()), memory)
    seen = _Seen(monkeypatch)
    monkeypatch.setattr(csv_stream, "FIRST_ROWS", 2)
    validate_streamed(instrument, [export], streamed, partition_rows=1, stage=seen.stage)
    assert seen.streamed == []
    assert seen.ranges or len(export.read_bytes().splitlines()) <= 2  # rows after the head
    same_outputs(streamed, memory)


@pytest.mark.parametrize("jobs", [1, 2])
def test_rows_quarantined_by_the_duplicates_are_read_again_from_their_range(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """What waits of a range holds the rows as read of the records with a finding only: a
    copy of an earlier row, quarantined once every row is hashed, is read again from its
    range (rows of the model study taken in turn: copies after 23 rows)."""
    from villagesurvey.validate import range_tasks

    path = hazard_file(tmp_path / "season.csv", ["plain"] * 60)
    seen = _Seen(monkeypatch, jobs)
    again: list[Any] = []
    reread = range_tasks.range_rows

    def counted(*args: Any) -> Any:
        again.append(args[1])
        return reread(*args)

    monkeypatch.setattr(range_tasks, "range_rows", counted)
    _run(instrument, path, tmp_path, 5, jobs, seen)
    assert seen.streamed == []
    quarantine = (tmp_path / "streamed" / "quarantine.csv").read_text(encoding="utf-8")
    assert quarantine.count("duplicate") >= 37  # every copy, each with its answers as read
    if jobs == 1:  # a worker is given the task by name: not counted
        assert again
        assert all(source.span.row > HEAD_LINES for source in again)


def test_a_file_changed_before_its_rows_are_read_again_is_refused(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that changes between the checks and the split is not read again as if it had
    not: the run stops, and writes nothing."""
    from villagesurvey.errors import ReturnsError

    path = hazard_file(tmp_path / "season.csv", ["plain"] * 40)
    monkeypatch.setattr(csv_stream, "FIRST_ROWS", HEAD_LINES)

    def stage(line: str) -> None:
        if line.startswith("looking for duplicates"):  # between the two passes
            with open(path, "ab") as more:
                more.write(path.read_bytes().splitlines(keepends=True)[-1])

    out = tmp_path / "out"
    with pytest.raises(ReturnsError, match=r"season\.csv changed while it was validated"):
        validate_streamed(instrument, [path], out, partition_rows=5, jobs=1, stage=stage)
    assert not out.exists()


def test_a_large_range_reaches_the_rows_as_read_as_arrow_parsed_it(
    tmp_path: Path, instrument: Any
) -> None:
    """A range of more than 16 MiB is parsed in at most :data:`.raw_frame.FEW_CHUNKS`
    blocks, so that the rows as read hold the text Arrow parsed, not a copy joined into one
    (in Arrow's default 1 MiB blocks, such a range has some 20 pieces of fewer than 4,096
    rows each, which the rows as read join)."""
    from villagesurvey.validate.checking import rows_as_read
    from villagesurvey.validate.findings import Findings
    from villagesurvey.validate.raw_frame import FEW_CHUNKS

    header, answers = _truth()
    lines = [",".join(_field(h) for h in header)]
    lines += [",".join(_field(v) for v in answers[n % 23]) for n in range(90_000)]
    path = tmp_path / "large.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    delimiter, width, _ = csv_stream.file_dialect(path)
    cutter = Cutter(path)
    head = csv_ranges.read_head(
        instrument, csv_stream.StreamedFile(path, path.name), (delimiter, width), 1_000, cutter
    )
    assert head is not None
    start, row = cutter.position, head.end
    taken, lines_taken, broken, _ = cutter.take_range(path.stat().st_size)
    cutter.close()
    assert taken > 16 << 20  # Arrow's default blocks would give more pieces than FEW_CHUNKS
    span = ByteRange(str(path), start, start + taken, row, lines_taken, broken)
    table = csv_ranges.read_range(span, head.layout)
    assert max(column.num_chunks for column in table.columns) <= FEW_CHUNKS
    laid, _ = head.layout.lay(table, row, Findings())
    raw = rows_as_read(instrument, [laid], Findings())[0]
    parsed = {chunk.buffers()[2].address for column in table.columns for chunk in column.chunks}
    name = raw["respondent_name"].array.__arrow_array__()
    assert len(raw) == 90_000 - (head.end - 2)
    assert {chunk.buffers()[2].address for chunk in name.chunks} <= parsed
