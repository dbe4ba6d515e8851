"""Many small CSV files: their answer columns are joined in batches as they are read."""

from __future__ import annotations

import csv

from tests.returns import plain_workbook
from villagesurvey import validate_returns
from villagesurvey.instrument import parse_instrument
from villagesurvey.validate.answer_batches import BATCH_FILES

SMALL = """\
id: small
version: "1"
title: {en: Small}
languages: [en]
key: [hh]
sections:
  - code: s
    label: {en: S}
    questions:
      - {code: hh, type: integer, required: true, label: {en: Household}}
      - {code: name, type: text, label: {en: Name}}
      - {code: size, type: integer, min: 1, max: 30, label: {en: Members}}
"""


def _files(folder, count):
    """``count`` CSV files of one or two rows; every seventh has no ``size`` column, one in
    the middle is a workbook; the rows each file holds, in file order."""
    expected = []
    for n in range(count):
        rows = [{"hh": str(n * 10 + i), "name": f"n{n}-{i}", "size": str(1 + (n + i) % 9)}
                for i in range(1 + n % 2)]  # fmt: skip
        if n % 7 == 3:
            for row in rows:
                row["size"] = ""
        if n == count // 2:
            header = ["hh", "name", "size"]
            plain_workbook([header, *([r[h] for h in header] for r in rows)],
                           folder / f"f{n:04d}.xlsx")  # fmt: skip
        else:
            with open(folder / f"f{n:04d}.csv", "w", newline="", encoding="utf-8") as out:
                names = ["hh", "name"] if n % 7 == 3 else ["hh", "name", "size"]
                writer = csv.DictWriter(out, names, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
        expected += [(f"f{n:04d}", r["hh"], r["name"], r["size"]) for r in rows]
    return expected


def test_answers_of_many_small_files_are_all_read_in_order(tmp_path):
    count = 2 * BATCH_FILES + 21  # three batches, a workbook between two of them
    expected = _files(tmp_path, count)
    result = validate_returns(parse_instrument(SMALL), [tmp_path], workers=1)
    assert [f.status for f in result.files] == ["read"] * count
    clean = result.clean()
    got = [
        (file.rpartition(".")[0], hh, name, size)
        for file, hh, name, size in zip(
            clean["source_file"], clean["hh"], clean["name"], clean["size"], strict=True
        )
    ]
    assert got == expected
    assert result.rows_in == len(expected) == result.rows_clean


def test_files_of_a_batch_share_one_column(tmp_path):
    from villagesurvey.validate.answer_batches import AnswerBatches
    from villagesurvey.validate.findings import Findings
    from villagesurvey.validate.layout import lay_out
    from villagesurvey.validate.reading import find_returns, read_returns

    instrument = parse_instrument(SMALL)
    for n in range(BATCH_FILES + 1):
        with open(tmp_path / f"f{n:04d}.csv", "w", newline="", encoding="utf-8") as out:
            out.write(f"hh,name,size\n{n},name {n},{n % 9 + 1}\n")
    batches = AnswerBatches()
    alone = []
    for read in read_returns(find_returns([tmp_path], []), workers=1):
        laid = lay_out(instrument, read, read.path.name, Findings())
        alone.append({code: laid.values[code].to_pylist() for code in laid.values})
        batches.add(laid)
    returns = batches.returns()
    assert [{code: r.values[code].to_pylist() for code in r.values} for r in returns] == alone
    # one buffer of names for the first batch; the last file, alone, keeps its own
    buffers = {r.values["name"].buffers()[2].address for r in returns[:BATCH_FILES]}
    assert len(buffers) == 1
    last = returns[-1].values["name"].chunk(0)  # a ChunkedArray, as the file was read
    assert last.buffers()[2].address not in buffers
