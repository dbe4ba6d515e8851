"""The structural check of a package, whole or with the inflating left to the reader process.

The hostile files of ``test_reading.py`` go through the whole reading path; these tests pin
down the split: with ``unpack=False`` the parent's check passes on what only inflating can
find, and :func:`unpack_members` (which the reader runs before calamine) refuses it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from villagesurvey.validate._preflight import Refusal, ZipLimits, preflight
from villagesurvey.validate._worker import _share
from villagesurvey.validate._zipcheck import unpack_members
from villagesurvey.validate.reading import (
    MAX_COMPRESSION_RATIO,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
)

from .test_reading import BILLION_LAUGHS, SHEET

LIMITS = ZipLimits(MAX_MEMBERS, MAX_MEMBER_BYTES, MAX_TOTAL_BYTES, MAX_COMPRESSION_RATIO)


def _package(tmp: Path, sheet: str | None) -> bytes:
    """A small workbook saved by openpyxl; its sheet part replaced by ``sheet`` if given."""
    book = openpyxl.Workbook()
    book.active.append(["village_id", "age"])
    book.active.append(["V01", 43])
    book.active["C2"] = "=B2*2"
    saved = tmp / "saved.xlsx"
    book.save(saved)
    if sheet is None:
        return saved.read_bytes()
    changed = tmp / "changed.xlsx"
    with zipfile.ZipFile(saved) as old, zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, sheet if info.filename == SHEET else old.read(info))
    return changed.read_bytes()


def test_whole_check_refuses_an_entity_bomb(tmp_path: Path):
    with pytest.raises(Refusal) as refused:
        preflight(_package(tmp_path, BILLION_LAUGHS), ".xlsx", LIMITS)
    assert refused.value.check == "unsafe_xml"


def test_deferred_check_leaves_the_bomb_to_the_reader(tmp_path: Path):
    data = _package(tmp_path, BILLION_LAUGHS)
    checked = preflight(data, ".xlsx", LIMITS, unpack=False)
    assert checked.format == "xlsx"
    assert checked.unpack == LIMITS
    with pytest.raises(Refusal) as refused:
        unpack_members(data, LIMITS)
    assert refused.value.check == "unsafe_xml"


def test_deferred_check_finds_the_formula_part_later(tmp_path: Path):
    data = _package(tmp_path, None)
    whole = preflight(data, ".xlsx", LIMITS)
    deferred = preflight(data, ".xlsx", LIMITS, unpack=False)
    assert whole.unpack is None
    assert whole.formula_parts == frozenset({SHEET})  # openpyxl wrote C2 as <f>B2*2</f>
    assert deferred.formula_parts == frozenset()
    assert unpack_members(data, LIMITS) == whole.formula_parts


def test_shared_texts_keep_every_cell():
    rows: list[list[object]] = [["yes", "", -0.0, 1.5, True], ["yes", None, 1.5, " ", 1]]
    rows[1][0] = "".join(["y", "es"])  # an equal text that is another object
    assert rows[0][0] is not rows[1][0]
    _share(rows)
    assert rows == [["yes", None, -0.0, 1.5, True], ["yes", None, 1.5, " ", 1]]
    assert rows[0][0] is rows[1][0]
    assert str(rows[0][2]) == "-0.0"
    assert rows[0][4] is True
    assert type(rows[1][4]) is int
