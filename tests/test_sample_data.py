"""The bundled sample data: made by ``sample_data/generate.py``, and as clean as it claims."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import operator
import re
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest

from villagesurvey import Instrument
from villagesurvey._resources import sample_script
from villagesurvey.instrument import Column, roster_instrument
from villagesurvey.instrument.conditions import AllOf, AnyOf, Compare, Condition, In, Not, Selected
from villagesurvey.workbook import CODE_ROW, FIRST_DATA_ROW, META_SHEET
from villagesurvey.workbook._points import sheet_columns

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
CLEAN = sorted((SAMPLE / "returns").glob("*.xlsx"))
MESSY = sorted((SAMPLE / "returns_messy").glob("*.xlsx"))
VILLAGES = [f"V{n:02d}" for n in range(1, 12)]


def _generator() -> ModuleType:
    return sample_script("generate")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data generated afresh into a temporary folder."""
    outdir = tmp_path_factory.mktemp("sample_data")
    _generator().generate(outdir)
    return outdir


@functools.cache
def _cells(path: Path) -> dict[str, tuple[tuple[Any, ...], ...]]:
    """Every sheet's cell values, row by row (read once per file: the tests only look)."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        # The version of villagesurvey that wrote a file may differ; everything else may not.
        return {
            s.title: tuple(r for r in s.iter_rows(values_only=True) if r[:1] != ("generator",))
            for s in workbook.worksheets
        }
    finally:
        workbook.close()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _relative(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(SAMPLE)) for p in paths]


# ---------------------------------------------------------------------------
# (a) the committed data is what the generator makes
# ---------------------------------------------------------------------------


def test_the_generator_writes_the_same_files(regenerated):
    fresh = [*sorted(regenerated.glob("returns*/*")), *sorted(regenerated.glob("truth*.csv"))]
    committed = [*sorted(SAMPLE.glob("returns*/*")), *sorted(SAMPLE.glob("truth*.csv"))]
    assert [str(p.relative_to(regenerated)) for p in fresh] == _relative(committed)


@pytest.mark.parametrize("name", _relative(CLEAN + MESSY))
def test_regenerated_workbooks_hold_the_same_cell_values(regenerated, name):
    assert _cells(regenerated / name) == _cells(SAMPLE / name)


@pytest.mark.parametrize("name", ["truth.csv", "truth_members.csv", "defects.csv", "README.md"])
def test_regenerated_text_files_are_identical(regenerated, name):
    fresh = (regenerated / name).read_text(encoding="utf-8")
    assert fresh == (SAMPLE / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# (b) 62 respondents in 11 villages, in workbooks of the current instrument
# ---------------------------------------------------------------------------


def test_truth_has_62_respondents_in_11_villages():
    truth = _csv(SAMPLE / "truth.csv")
    sizes = Counter(row["village_id"] for row in truth)
    assert len(truth) == 62
    assert sorted(sizes) == VILLAGES
    assert sorted(Counter(sizes.values()).items()) == [(5, 4), (6, 7)]
    keys = {(r["village_id"], r["household_id"], r["person_id"]) for r in truth}
    assert len(keys) == 62
    households = Counter((r["village_id"], r["household_id"]) for r in truth)
    assert set(households.values()) <= {1, 2, 3}


def test_one_clean_workbook_per_village():
    assert [p.name for p in CLEAN] == [f"{v}_returns.xlsx" for v in VILLAGES]


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_workbook_matches_the_instrument(path, model_study):
    cells = _cells(path)
    meta = dict(cells[META_SHEET])
    sheet = cells[meta["data_sheet"]]
    assert list(sheet[CODE_ROW - 1]) == [code for code, _, _ in sheet_columns(model_study)]
    assert meta["instrument_sha256"] == model_study.content_hash
    assert meta["instrument_version"] == model_study.version


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_workbook_has_the_members_sheet(path, model_study):
    meta = dict(_cells(path)[META_SHEET])
    sheet = _cells(path)[meta["roster_sheet.members"]]
    roster = roster_instrument(model_study, "members")
    assert list(sheet[CODE_ROW - 1]) == [c.code for c in roster.columns]


def test_every_respondent_lists_the_members_of_their_household():
    truth = _csv(SAMPLE / "truth.csv")
    members = _csv(SAMPLE / "truth_members.csv")
    key = ("village_id", "household_id", "person_id")
    listed: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for m in members:
        listed.setdefault(tuple(m[k] for k in key), []).append(m)
    assert set(listed) == {tuple(r[k] for k in key) for r in truth}
    heads = {}
    for r in truth:
        rows = listed[tuple(r[k] for k in key)]
        assert len(rows) == int(r["household_size"])
        assert [m["member"] for m in rows] == [str(n) for n in range(1, len(rows) + 1)]
        assert [m["relation"] for m in rows].count("1") == 1
        # a respondent is among the members with the age and sex they gave
        assert (r["age"], r["gender"]) in {(m["member_age"], m["sex"]) for m in rows}
        household = (r["village_id"], r["household_id"])
        answers = [{c: v for c, v in m.items() if c not in key} for m in rows]
        assert heads.setdefault(household, answers) == answers  # the same for each respondent
        if r["person_id"] == "1":
            assert (rows[0]["relation"], rows[0]["member_age"]) == ("1", r["age"])


def test_the_members_obey_the_skip_rules():
    for m in _csv(SAMPLE / "truth_members.csv"):
        adult = int(m["member_age"]) >= 16
        assert (m["schooling"] != "") == (int(m["member_age"]) >= 6)
        for wave in ("2020", "2022"):
            assert (m[f"works_{wave}"] != "") == adult == (m[f"migrated_{wave}"] != "")
            assert (m[f"earnings_{wave}"] != "") == (m[f"works_{wave}"] == "1")
            if m[f"migrated_{wave}"] == "1":
                assert m[f"works_{wave}"] == "1"


def test_languages_are_eight_zh_and_three_en():
    languages = Counter(dict(_cells(p)[META_SHEET])["language"] for p in CLEAN)
    assert languages == {"zh": 8, "en": 3}


# ---------------------------------------------------------------------------
# (c) truth.csv obeys the instrument
# ---------------------------------------------------------------------------

_OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _compare(text: str, op: str, value: int | float | str) -> bool:
    """A comparison of a stored answer; a blank answer satisfies none."""
    if text == "":
        return False
    left: float | str = float(text) if isinstance(value, int | float) else text
    return bool(_OPERATORS[op](left, value))


def _holds(condition: Condition, row: dict[str, str]) -> bool:
    """Evaluate a skip rule (already bound to its wave) on one row of truth.csv."""
    match condition:
        case Compare(name, op, value):
            return _compare(row[name], op, value)
        case In(name, values):
            return any(_compare(row[name], "=", v) for v in values)
        case Selected(name, value):
            return str(value) in row[name].split()
        case Not(operand):
            return not _holds(operand, row)
        case AllOf(operands):
            return all(_holds(o, row) for o in operands)
        case AnyOf(operands):
            return any(_holds(o, row) for o in operands)
    raise TypeError(f"not a condition: {condition!r}")


def test_the_evaluator_reads_skip_rules_as_written():
    row = {"a": "1", "b": "", "c": "alibaba temu", "d": "2021"}
    assert _holds(Compare("a", "=", 1), row)
    assert not _holds(Compare("b", "=", 1), row)
    assert _holds(Not(Compare("b", "=", 1)), row)
    assert _holds(AllOf((In("a", (0, 1)), Selected("c", "temu"))), row)
    assert not _holds(AnyOf((Selected("c", "amazon"), Compare("d", "<", 2020))), row)


def _value(instrument: Instrument, column: Column, text: str) -> Any:
    """Parse a non-blank truth value by its column's type; ValueError if it is not one."""
    kind = column.question.type
    codes = {str(c.code) for c in instrument.choice_list(column.question)}
    if kind == "integer":
        return int(text)
    if kind == "decimal":
        return float(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind in ("select_one", "likert") and text not in codes:
        raise ValueError(f"{text!r} is not a code of {column.code}")
    if kind == "select_multiple" and not set(text.split()) <= codes:
        raise ValueError(f"{text!r} holds a code that {column.code} lacks")
    return text


def _problems(instrument: Instrument, row: dict[str, str]) -> list[str]:
    """Every hard-limit, type, required and skip-rule problem of one respondent."""
    problems = []
    for column in instrument.columns:
        q, text = column.question, row[column.code]
        asked = column.relevant is None or _holds(column.relevant, row)
        if not asked and text != "":
            problems.append(f"{column.code}={text!r} although its skip rule says not asked")
        if asked and q.required and text == "":
            problems.append(f"{column.code} is required but blank")
        if text == "":
            continue
        value = _value(instrument, column, text)
        if (q.min is not None and value < q.min) or (q.max is not None and value > q.max):
            problems.append(f"{column.code}={text} is outside {q.min}..{q.max}")
    return problems


def test_every_respondent_obeys_the_instrument(model_study):
    truth = _csv(SAMPLE / "truth.csv")
    assert list(truth[0]) == ["source_file", *(c.code for c in model_study.columns)]
    problems = {r["source_file"] + ":" + r["person_id"]: _problems(model_study, r) for r in truth}
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_checks_catch_a_broken_respondent(model_study):
    row = _csv(SAMPLE / "truth.csv")[0] | {"age": "150", "family_income_2020": ""}
    row |= {"ecom_participation_2022": "0", "ecom_start_year": "", "ecom_platforms": ""}
    row |= {"ecom_role": "1", "income_ecommerce_2022": ""}
    assert len(_problems(model_study, row)) == 3


def test_only_two_values_lie_outside_a_soft_limit(model_study):
    outside = []
    for row in _csv(SAMPLE / "truth.csv"):
        for column in model_study.columns:
            q, text = column.question, row[column.code]
            if text == "" or q.type not in ("integer", "decimal"):
                continue
            value = float(text)
            if (q.soft_min is not None and value < q.soft_min) or (
                q.soft_max is not None and value > q.soft_max
            ):
                outside.append((column.code, text))
    assert sorted(outside) == [("age", "17"), ("training_days_2022", "75")]


def _number(text: str) -> float:
    return float(text) if text else 0.0


@pytest.mark.parametrize(
    ("total", "parts"),
    [
        (
            "family_income",
            ["income_farming", "income_wages", "income_ecommerce", "income_transfers"],
        ),
        ("household_spending", ["spending_food", "spending_education", "spending_health"]),
    ],
)
def test_parts_never_exceed_their_total(total, parts):
    for row in _csv(SAMPLE / "truth.csv"):
        for wave in (2020, 2022):
            if row[f"{total}_{wave}"]:
                summed = sum(_number(row[f"{p}_{wave}"]) for p in parts)
                assert summed <= float(row[f"{total}_{wave}"]), (row["source_file"], wave)


def test_non_response_is_only_on_optional_questions(model_study):
    blanks = Counter()
    for row in _csv(SAMPLE / "truth.csv"):
        for column in model_study.columns:
            if row[column.code] == "" and column.relevant is None:
                blanks[column.question.code] += 1
    assert set(blanks) == {"household_spending", "income_transfers", "spending_health"}
    assert blanks["household_spending"] == 2


# ---------------------------------------------------------------------------
# (d) the clean workbooks, read back, are truth.csv
# ---------------------------------------------------------------------------


def _truth_text(instrument: Instrument, column: Column, value: Any, language: str) -> str:
    """A cell as a perfect validator stores it; TypeError for a cell of the wrong kind."""
    kind = column.question.type
    if value is None:
        return ""
    if kind in ("select_one", "likert"):
        labels = {c.label[language]: str(c.code) for c in instrument.choice_list(column.question)}
        return labels[value]
    types = {"integer": int, "decimal": int | float, "date": dt.datetime, "datetime": dt.datetime}
    if not isinstance(value, types.get(kind, str)) or isinstance(value, bool):
        raise TypeError(f"{column.code}: {value!r} is not a {kind} cell")
    if kind == "date":
        return value.date().isoformat()
    return value.isoformat() if kind == "datetime" else str(value)


def _point_part(value: float | None) -> str:
    """One number of a point's four cells, as written (``14``, not ``14.0``)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError(f"{value!r} is not a number")
    return str(int(value)) if value == int(value) else str(value)


def _read_returns(path: Path, instrument: Instrument) -> list[list[str]]:
    """The respondent rows of a clean workbook, as truth.csv holds them (a point's four
    cells as one answer)."""
    cells = _cells(path)
    meta = dict(cells[META_SHEET])
    sheet = cells[meta["data_sheet"]]
    layout = list(sheet_columns(instrument))
    assert [code for code, _, _ in layout] == list(sheet[CODE_ROW - 1])
    rows = []
    for row in sheet[FIRST_DATA_ROW - 1 :]:
        if any(v is not None for v in row):
            texts: dict[str, str] = {}
            for (_, column, part), value in zip(layout, row, strict=True):
                if part is None:
                    texts[column.code] = _truth_text(instrument, column, value, meta["language"])
                else:
                    texts[column.code] = f"{texts.get(column.code, '')} {_point_part(value)}"
            rows.append([path.name, *(text.strip() for text in texts.values())])
    return rows


def test_reading_the_clean_workbooks_gives_the_truth(model_study):
    read = [row for path in CLEAN for row in _read_returns(path, model_study)]
    with (SAMPLE / "truth.csv").open(encoding="utf-8", newline="") as handle:
        truth = list(csv.reader(handle))[1:]
    assert read == truth


def test_a_number_typed_as_text_is_noticed(model_study):
    with pytest.raises(TypeError, match="age"):
        _truth_text(model_study, model_study.column("age"), "45", "en")


# ---------------------------------------------------------------------------
# (e) defects.csv points at cells that hold what it says
# ---------------------------------------------------------------------------

DEFECTS = _csv(SAMPLE / "defects.csv")


def _sheet(name: str, sheet: str) -> dict[int, tuple[Any, ...]]:
    return dict(enumerate(_cells(SAMPLE / "returns_messy" / name)[sheet], start=1))


@pytest.mark.parametrize(
    "defect", DEFECTS, ids=[f"{d['file']}:{d['letter']}{d['row']}:{d['defect']}" for d in DEFECTS]
)
def test_each_defect_is_in_its_cell(defect):
    rows = _sheet(defect["file"], defect["sheet"])
    row = rows[int(defect["row"])]
    if not defect["letter"]:
        assert all(v is None for v in row), "a whole-row defect is a blank row"
        return
    index = openpyxl.utils.column_index_from_string(defect["letter"]) - 1
    value = row[index] if index < len(row) else None
    assert ("" if value is None else str(value)) == defect["value"]
    if defect["sheet"] != META_SHEET:
        assert rows[CODE_ROW][index] == defect["column"]
    if defect["defect"] == "number_as_text":
        assert isinstance(value, str)
    if defect["defect"] == "date_serial":
        assert isinstance(value, int)
    if defect["defect"] == "duplicate_row":
        original = int(re.search(r"identical to row (\d+)", defect["note"])[1])
        assert rows[original] == row


def test_defects_cover_what_field_teams_send():
    assert list(DEFECTS[0]) == [
        "file", "sheet", "row", "column", "letter", "value", "defect", "severity", "note",
    ]  # fmt: skip
    assert {d["severity"] for d in DEFECTS} == {"fixed", "warning", "error"}
    assert {d["defect"] for d in DEFECTS} >= {
        "full_width_digits", "thousands_separator", "currency_mark", "magnitude_word",
        "whitespace", "number_as_text", "date_serial", "other_language_label", "unknown_label",
        "not_a_number", "out_of_range", "outside_soft_limit", "required_missing",
        "skip_rule_violation", "parts_exceed_total", "duplicate_key", "duplicate_row",
        "blank_row", "total_row", "old_template", "roster_orphan", "roster_count",
        "roster_exactly_one",
    }  # fmt: skip
    assert 4 <= len(MESSY) <= 5


def test_the_old_template_lacks_training_days(model_study):
    cells = _cells(SAMPLE / "returns_messy" / "V10_old_template.xlsx")
    meta = dict(cells[META_SHEET])
    codes = [
        code for code, c, _ in sheet_columns(model_study) if c.question.code != "training_days"
    ]
    assert meta["instrument_version"] == "2021.1"
    assert list(cells[meta["data_sheet"]][CODE_ROW - 1]) == codes


def test_sample_data_stays_small():
    files = [p for p in SAMPLE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    size = sum(p.stat().st_size for p in files)
    assert size < 1_500_000  # the model study and the fieldwork sample, workbooks included
