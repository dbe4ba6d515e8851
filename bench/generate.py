"""Realistic field returns of any size, for the benchmarks: same seed, same cells.

Run it alone to look at what the benchmarks read::

    python bench/generate.py season [--folder DIR] [--seed 20221101]

Respondents are simulated by ``sample_data/generate.py`` (the model of the sample data: skip
rules obeyed, income parts within their totals, village effects, Likert factors), a pool of
:data:`POOL_VILLAGES` villages of 1,000 people, which larger batches reuse village by village
under new village codes and enumerators. About :data:`DEFECT_RATE` of the rows get one of
the defects field teams send (``12,000``, ``¥54,000``, ``1.2万``, full-width digits, spaces,
a number stored as text, an age of 150, ``不知道`` in an income, a misspelt label, an age
above the soft limit, a blank row), so the checks have findings to report.

Sizes (:data:`SIZES`):

``small``     11 workbooks x 6 respondents, the model study;
``season``    100 workbooks x 1,000 respondents, a season of a large programme;
``national``  one CSV export of 1,000,000 respondents, a national survey;
``census``    one CSV export of 10,000,000 respondents (about 3 GB), a census extract,
              written :data:`CENSUS_CHUNK` rows at a time (generating it holds one chunk).

Workbooks are the real blank workbook (:func:`villagesurvey.build_workbook`: its sheets,
header rows and ``_instrument`` sheet) with the answers typed from its first data row, in
Chinese or English; they are written with openpyxl's streaming (write-only) writer, two at
a time. A CSV export holds codes, ISO dates and the question codes as its header.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "village_ecommerce.yaml"
SEED = 20221101
POOL_VILLAGES = 4
POOL_SIZE = 1000
DEFECT_RATE = 0.005
FORMAT_VERSION = 1  # bump when the files generated change, so cached copies are remade
_BLANKS: dict[str, Any] = {}  # per process: the instrument and a blank workbook per language

__all__ = ["CURVE", "SIZES", "Size", "clean_dataset", "generate", "national_csv"]


@dataclass(frozen=True)
class Size:
    """A benchmark size: ``files`` files of ``rows`` respondents each, as ``kind``."""

    name: str
    kind: str  # "xlsx" or "csv"
    files: int
    rows: int

    @property
    def respondents(self) -> int:
        return self.files * self.rows

    def describe(self) -> str:
        if self.kind == "csv":
            return f"1 CSV x {self.rows:,} respondents"
        return f"{self.files} workbooks x {self.rows:,} respondents"


SIZES = {
    "small": Size("small", "xlsx", 11, 6),
    "season": Size("season", "xlsx", 100, 1000),
    "national": Size("national", "csv", 1, 1_000_000),
    "census": Size("census", "csv", 1, 10_000_000),
}
CENSUS_CHUNK = 250_000
"""Rows generated and written at a time for the files beyond a million rows."""
CURVE = (25_000, 50_000, 100_000, 150_000)
"""Rows of the CSV files timed to show how the cost of validation grows: up to the most a
CSV file may hold today (``reading.MAX_CELLS``, 10 million cells: 163,934 rows of 61)."""


def _sample_model() -> ModuleType:
    """``sample_data/generate.py``, the simulation of the model study."""
    from villagesurvey._resources import sample_script

    return sample_script("generate")


def _instrument() -> Any:
    import villagesurvey

    if "instrument" not in _BLANKS:
        _BLANKS["instrument"] = villagesurvey.load_instrument(INSTRUMENT)
    return _BLANKS["instrument"]


def _pool(seed: int, villages: int = POOL_VILLAGES, size: int = POOL_SIZE) -> list[list[dict]]:
    """``villages`` simulated villages of ``size`` respondents each (truth values)."""
    import numpy as np

    model = _sample_model()
    rng = np.random.default_rng(seed)
    names = list(model.VILLAGE_SIZES)[:villages]
    people = model.simulate(rng, dict.fromkeys(names, size), range(1, max(2 * size, 81)))
    return [[p for p in people if p["village_id"] == name] for name in names]


def _enumerator(index: int) -> str:
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明"
    return surnames[index % len(surnames)] + given[(index * 7 + 3) % len(given)]


def _village(index: int, width: int) -> str:
    return f"V{index + 1:0{width}d}"


# -- defects -----------------------------------------------------------------------------------

_MONEY = (
    "family_income_2020", "family_income_2022", "income_wages_2022", "household_spending_2022",
)  # fmt: skip


def _fullwidth(number: int) -> str:
    return str(number).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})


def _defect(kind: int, row: dict[str, Any], person: dict[str, Any], text_cells: bool) -> None:
    """Plant defect number ``kind`` (0-9) in ``row``, a row of cells made from ``person``."""
    money = _MONEY[kind % len(_MONEY)]
    amount = person.get(money)
    if kind in (0, 1, 2, 3) and not isinstance(amount, int):
        kind = 6
    if kind == 0:
        row[money] = f"{amount:,}"  # thousands_separator
    elif kind == 1:
        row[money] = f"¥{amount:,}"  # currency_mark
    elif kind == 2:
        row[money] = f"{amount / 10000:g}万"  # magnitude_word
    elif kind == 3:
        row[money] = _fullwidth(amount)  # full_width_digits
    elif kind == 4:
        row["village_id"] = f" {row['village_id']} "  # whitespace
    elif kind == 5:
        row["age"] = "150" if text_cells else 150  # out_of_range
    elif kind == 6:
        row["income_transfers_2020"] = "不知道"  # not_a_number
    elif kind == 7:
        row["gender"] = "Femal"  # unknown_label
    elif kind == 8:
        row["age"] = "85" if text_cells else 85  # outside_soft_limit
    else:
        row["household_size"] = str(person["household_size"])  # number_as_text (a workbook)


# -- workbooks ---------------------------------------------------------------------------------


def _cells(instrument: Any, people: list[dict], language: str, rng: Any) -> list[list[Any] | None]:
    """The data rows as an enumerator types them; ``None`` is a blank row between two."""
    model = _sample_model()
    codes = [c.code for c in instrument.columns]
    rows: list[list[Any] | None] = []
    for person in people:
        row = {
            c.code: model.cell_value(instrument, c, person.get(c.code), language)
            for c in instrument.columns
        }
        if rng.random() < DEFECT_RATE:
            kind = int(rng.integers(0, 11))
            if kind == 10:
                rows.append(None)  # blank_row
            else:
                _defect(kind, row, person, text_cells=False)
        rows.append([row[code] for code in codes])
    return rows


def _blank(language: str) -> Any:
    """The blank workbook of one language (built once per process) and the instrument."""
    if language not in _BLANKS:
        import villagesurvey

        instrument = _instrument()
        _BLANKS[language] = (instrument, villagesurvey.build_workbook(instrument, language, rows=1))
    return _BLANKS[language]


def _write_workbook(args: tuple[Path, int, list[dict], str, int]) -> Path:
    """One village's return in the real blank workbook, written by a streaming writer.

    The sheets, their order and visibility, the rows above the answers and the document
    properties are those of :func:`villagesurvey.build_workbook`; the answers are typed from
    its first data row. xlsxwriter (constant memory) writes it when installed, else
    openpyxl's write-only mode, five times slower.
    """
    import numpy as np

    path, index, people, language, seed = args
    instrument, blank = _blank(language)
    rng = np.random.default_rng([seed, index])
    rows = _cells(instrument, people, language, rng)
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        _save_openpyxl(path, blank, rows)
    else:
        _save_xlsxwriter(path, blank, rows)
    return path


def _sheets(blank: Any) -> Iterator[tuple[Any, list[tuple[Any, ...]], bool]]:
    """Each sheet of the blank workbook, its rows of values, and whether it holds the data."""
    from villagesurvey.workbook import CODE_ROW

    data = blank.worksheets[0]
    for sheet in blank.worksheets:
        top = CODE_ROW if sheet is data else None
        yield sheet, list(sheet.iter_rows(max_row=top, values_only=True)), sheet is data


def _save_openpyxl(path: Path, blank: Any, rows: list[list[Any] | None]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for prop in blank.custom_doc_props:
        book.custom_doc_props.append(prop)
    for sheet, values, is_data in _sheets(blank):
        out = book.create_sheet(sheet.title)
        out.sheet_state = sheet.sheet_state
        for row in values:
            out.append(row)
        for row in rows if is_data else ():
            out.append(row if row is not None else [])
    book.save(path)


def _save_xlsxwriter(path: Path, blank: Any, rows: list[list[Any] | None]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for prop in blank.custom_doc_props:
        book.set_custom_property(prop.name, prop.value)
    for sheet, values, is_data in _sheets(blank):
        out = book.add_worksheet(sheet.title)
        if sheet.sheet_state != "visible":
            out.hide()
        for r, row in enumerate([*values, *(rows if is_data else ())]):
            for c, value in enumerate(row or ()):
                if value is None:
                    continue
                if isinstance(value, str):
                    out.write_string(r, c, value)
                elif isinstance(value, dt.date):
                    out.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
                else:
                    out.write_number(r, c, value)
    book.close()


def _villages(files: int, rows: int, seed: int) -> Iterator[list[dict]]:
    """``files`` villages of ``rows`` respondents, each under its own code and enumerator."""
    if rows <= 20:  # the model study's own villages
        model = _sample_model()
        import numpy as np

        names = list(model.VILLAGE_SIZES)
        extra = {f"V{i + 1:02d}": rows for i in range(len(names), files)}
        sizes = dict.fromkeys(names[:files], rows) | extra
        known = {n for names in model.ENUMERATORS.values() for n in names}
        if set(sizes) <= known:
            people = model.simulate(np.random.default_rng(seed), sizes, range(1, 81))
            for name in sizes:
                yield [p for p in people if p["village_id"] == name]
            return
    pool = _pool(seed)
    width = max(2, len(str(files)))
    for index in range(files):
        village, enumerator = _village(index, width), _enumerator(index)
        source = pool[index % len(pool)][:rows]
        yield [p | {"village_id": village, "enumerator": enumerator} for p in source]


def _workbooks(size: Size, folder: Path, seed: int) -> list[Path]:
    jobs = []
    for index, people in enumerate(_villages(size.files, size.rows, seed)):
        language = "en" if index % 4 == 3 else "zh"
        village = people[0]["village_id"]
        jobs.append((folder / f"{village}_returns.xlsx", index, people, language, seed))
    if len(jobs) <= 2:
        return [_write_workbook(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        return list(pool.map(_write_workbook, jobs, chunksize=4))


# -- CSV ---------------------------------------------------------------------------------------


def _truth_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _csv_frame(
    rows: int, seed: int, *, defects: bool, start: int = 0, total: int | None = None
) -> Any:
    """``rows`` respondents as an export holds them (all text, codes), in villages of 1,000;
    with ``start``, rows ``start`` on of a file of ``total`` rows (a chunk of it)."""
    import numpy as np
    import pandas as pd

    instrument = _instrument()
    codes = [c.code for c in instrument.columns]
    pool = _pool_table(seed)
    table = pd.DataFrame(pool, columns=codes)
    numbers = start + np.arange(rows)
    picks = numbers % len(table)
    frame = table.iloc[picks].reset_index(drop=True)
    villages = numbers // POOL_SIZE
    last = (start + (total or rows)) - 1
    width = max(2, len(str(last // POOL_SIZE + 1)))
    first = int(villages[0]) if rows else 0
    names = np.array(
        [_village(i, width) for i in range(first, int(villages[-1]) + 1 if rows else 0)]
    )
    frame["village_id"] = names[villages - first] if rows else []
    enumerators = np.array([_enumerator(i) for i in range(first, first + len(names))])
    frame["enumerator"] = enumerators[villages - first] if rows else []
    if defects and rows:
        rng = np.random.default_rng([seed, rows] if total is None else [seed, total, start])
        hit = np.flatnonzero(rng.random(rows) < DEFECT_RATE)
        kinds = rng.integers(0, 9, size=len(hit))  # no blank rows or text numbers in a CSV
        cells = {code: frame[code].to_numpy(dtype=object) for code in codes}
        for record, kind in zip(hit, kinds, strict=True):
            row = {code: cells[code][record] for code in codes}
            person = {k: int(v) if v.isdigit() else v for k, v in row.items()}
            _defect(int(kind), row, person, text_cells=True)
            for code, value in row.items():
                cells[code][record] = value
        frame = pd.DataFrame(cells)
    return frame


_POOLS: dict[int, list[list[str]]] = {}


def _pool_table(seed: int) -> list[list[str]]:
    """The pool's respondents as the cells of a CSV export (made once per seed)."""
    if seed not in _POOLS:
        codes = [c.code for c in _instrument().columns]
        pool = [p for village in _pool(seed) for p in village]
        _POOLS[seed] = [[_truth_text(p.get(code)) for code in codes] for p in pool]
    return _POOLS[seed]


def census_csv(rows: int, folder: Path, seed: int = SEED) -> Path:
    """A CSV export of ``rows`` respondents (with defects), written :data:`CENSUS_CHUNK` rows
    at a time, so that generating it holds one chunk; its path."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = folder / f"census_{rows}.csv"
    writer = None
    try:
        for start in range(0, rows, CENSUS_CHUNK):
            count = min(CENSUS_CHUNK, rows - start)
            frame = _csv_frame(count, seed, defects=True, start=start, total=rows)
            table = pa.table({n: pa.array(frame[n], type=pa.string()) for n in frame.columns})
            if writer is None:
                options = pacsv.WriteOptions(quoting_style="needed")
                writer = pacsv.CSVWriter(path, table.schema, write_options=options)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return path


def _write_csv(frame: Any, path: Path, extra: dict[str, Any] | None = None) -> Path:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    columns = dict(extra or {}) | {name: frame[name] for name in frame.columns}
    table = pa.table({n: pa.array(v, type=pa.string()) for n, v in columns.items()})
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))
    return path


def national_csv(rows: int, folder: Path, seed: int = SEED) -> Path:
    """A CSV export of ``rows`` respondents (with defects) in ``folder``; its path."""
    path = folder / f"national_{rows}.csv"
    return _write_csv(_csv_frame(rows, seed, defects=True), path)


def error_twins(rows: int, folder: Path, seed: int = SEED) -> tuple[Path, Path]:
    """Two CSV exports of the same ``rows`` respondents: clean, and with half the rows
    carrying three errors (an age in words, a day that does not exist, a formula in an
    income), as the returns of a survey's first days with a wrong template look."""
    import numpy as np

    frame = _csv_frame(rows, seed, defects=False)
    clean = _write_csv(frame, folder / f"clean_{rows}.csv")
    half = np.arange(rows) % 2 == 0
    frame.loc[half, "age"] = "about 40"
    frame.loc[half, "interview_date"] = "2022-06-31"
    frame.loc[half, "family_income_2020"] = "=1+1"
    return clean, _write_csv(frame, folder / f"errors_{rows}.csv")


def one_row_files(count: int, folder: Path, seed: int = SEED) -> list[Path]:
    """``count`` CSV exports of one respondent each, as many phones each sending one interview
    would make; their paths (``one_00000.csv`` and on) in ``folder``."""
    frame = _csv_frame(count, seed, defects=False)
    return [_write_csv(frame.iloc[[i]], folder / f"one_{i:05d}.csv") for i in range(count)]


def clean_dataset(rows: int, folder: Path, seed: int = SEED) -> Path:
    """A clean.csv (``source_file`` then the instrument's columns) of ``rows`` respondents."""
    frame = _csv_frame(rows, seed, defects=False)
    files = [f"{v}_returns.xlsx" for v in frame["village_id"]]
    return _write_csv(frame, folder / f"clean_{rows}.csv", {"source_file": files})


# -- entry points ------------------------------------------------------------------------------


def generate(size: Size, folder: Path | None = None, seed: int = SEED) -> list[Path]:
    """Write the returns of ``size`` into ``folder`` (a new temporary folder if not given).

    A folder that already holds the same size, seed and format is reused as it is.

    Returns
    -------
    list of Path
        The files written, in order.
    """
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix=f"villagesurvey-bench-{size.name}-"))
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "GENERATED.json"
    wanted = {"size": size.name, "files": size.files, "rows": size.rows, "seed": seed,
              "format": FORMAT_VERSION, "instrument": _instrument().content_hash}  # fmt: skip
    if stamp.exists() and json.loads(stamp.read_text())["stamp"] == wanted:
        kept = [folder / name for name in json.loads(stamp.read_text())["paths"]]
        if all(path.exists() for path in kept):  # the census file is removed after its run
            return kept
    for old in folder.glob("*.xlsx"):
        old.unlink()
    if size.kind == "csv" and size.rows > 1_000_000:
        paths = [census_csv(size.rows, folder, seed)]
    elif size.kind == "csv":
        paths = [national_csv(size.rows, folder, seed)]
    else:
        paths = _workbooks(size, folder, seed)
    record = {"stamp": wanted, "paths": [p.name for p in paths]}
    stamp.write_text(json.dumps(record, indent=1))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=list(SIZES))
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    start = time.perf_counter()
    paths = generate(SIZES[args.size], args.folder, args.seed)
    took = time.perf_counter() - start
    print(f"{len(paths)} files in {paths[0].parent} ({took:.1f} s)")


if __name__ == "__main__":
    main()
