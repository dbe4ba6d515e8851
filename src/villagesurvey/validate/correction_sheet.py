"""Write ``corrections.xlsx``: a line per error and warning, for a supervisor to decide on.

The first sheet, ``corrections``, has the respondent's key columns (for an instrument with
rosters, then ``roster`` and the rosters' key columns: a roster's findings are listed after
the households'), then :data:`.corrections.FIELDS`; ``action`` has a drop-down of the four
actions and ``new_value`` a drop-down of the labels of a choice question. Lines of the corrections
file the run applied that hold a decision are carried over as they were, first; a finding
on a cell (or a respondent) those lines already decide is not listed again. The second
sheet says how to fill it in, in English and Chinese. Every text is stored as text, never
as a formula; answers to personal-data questions are hidden unless asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path
from ..tables.safe import writable
from ..tables.stable_zip import fix_times
from .cells import show
from .corrections import ACTIONS, FIELDS, HIDDEN, _text
from .roster_corrections import ROSTER, key_columns

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from ..instrument import Instrument
    from .run import Validation

__all__ = ["MAX_OPEN_LINES", "correction_header", "correction_lines", "write_correction_sheet"]

MAX_OPEN_LINES = 10_000
"""Open findings listed at most (decided lines are always carried over); issues.csv has all."""

_HOW_TO = (
    ("One line per problem found. Decide in the column 'action':",
     "每行是一个发现的问题。请在“action”列中选择处理方式："),
    ("replace: the value becomes 'new_value' (a choice: pick its label).",
     "replace：把值改为“new_value”（选择题请选标签）。"),
    ("confirm: the value is true (after a call-back); the warning is not raised again.",
     "confirm：核实后值正确；不再提示该警告。"),
    ("drop: the whole interview is removed (a duplicate, a test); it goes to dropped.csv.",
     "drop：删除整份问卷（重复或测试），移入 dropped.csv。"),
    ("blank: the value is cleared (asked by mistake).", "blank：清空该值（误问）。"),
    ("Always fill 'reason', 'who' and 'when'. Leave 'value' as it is: it is checked.",
     "请填写“reason”（原因）、“who”（谁决定）和“when”（日期）。不要修改“value”列：会被核对。"),
    ("Then run: villagesurvey validate INSTRUMENT RETURNS -o OUT --corrections corrections.xlsx",
     "然后运行：villagesurvey validate 问卷 回收文件 -o 输出目录 --corrections corrections.xlsx"),
)  # fmt: skip


def correction_lines(validation: Validation, issues: pd.DataFrame) -> list[list[str]]:
    """The lines of the template: decided lines carried over, then one per open finding.

    ``issues`` is the issues table as written (personal data already hidden): the findings
    of ``validation``, then those of each of its rosters, in order. The lines of every level
    come in that order too, laid out as :func:`correction_header` says.
    """
    header = correction_header(validation.instrument)
    lines: list[list[str]] = []
    start, room = 0, MAX_OPEN_LINES
    for code, level in [("", validation), *validation.rosters.items()]:
        part = issues.iloc[start : start + len(level.findings)]
        start += len(level.findings)
        found = _level_lines(level, code, part.set_axis(level.findings.index), room)
        room -= sum(1 for line in found if not line.get("action"))
        lines += [[line.get(name, "") for name in header] for line in found]
    return lines


def correction_header(instrument: Instrument) -> list[str]:
    """The template's columns: the key columns (with ``roster`` and the rosters' keys when the
    instrument has rosters), then :data:`.corrections.FIELDS`."""
    return [*key_columns(instrument), *FIELDS]


def _level_lines(
    level: Validation, roster: str, issues: pd.DataFrame, room: int
) -> list[dict[str, str]]:
    """One level's lines as mappings of column to text: decided ones, then open findings."""
    instrument = level.instrument
    applied = level.corrections
    lines: list[dict[str, str]] = []
    decided: set[tuple[tuple[str, ...], str]] = set()
    if applied is not None:
        for c in applied.source.lines:
            if c.get("action"):
                line = {**c.fields, **dict(zip(instrument.key, c.key, strict=True))}
                lines.append(line | ({ROSTER: roster} if roster else {}))
                where = c.key if any(c.key) else (c.get("file"), c.get("row"))
                column = "" if c.get("action").casefold() == "drop" else c.get("column")
                decided.add((where, column))
    pii = {c.code for c in instrument.columns if c.question.pii}
    raw = level.raw
    findings = level.findings
    open_ = findings["severity"].isin(["error", "warning"]) & findings["record"].notna()
    for i in findings.index[open_.to_numpy()][: max(room, 0)]:
        record, column = int(findings.at[i, "record"]), str(findings.at[i, "column"])
        key = tuple(_text(raw.at[record, k]) for k in instrument.key)
        where = key if any(key) else (str(raw.at[record, "_file"]), str(raw.at[record, "_row"]))
        if (where, "") in decided or (where, column) in decided:
            continue
        value = show(raw.at[record, column]) if column in raw else ""
        label = ""
        if column in {c.code for c in instrument.columns}:
            label = " / ".join(instrument.column(column).question.label.values())
        fields = {
            **dict(zip(instrument.key, key, strict=True)),
            **({ROSTER: roster} if roster else {}),
            "file": str(raw.at[record, "_file"]),
            "row": str(raw.at[record, "_row"]),
            "column": column,
            "label": label,
            "value": HIDDEN if column in pii and issues.at[i, "value"] == HIDDEN else value,
            "check": str(findings.at[i, "check"]),
            "message": str(issues.at[i, "message"]),
        }
        lines.append(fields)
    return lines


def write_correction_sheet(path: Path, validation: Validation, issues: pd.DataFrame) -> None:
    """Write ``corrections.xlsx`` (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    instrument = validation.instrument
    header = correction_header(instrument)
    lines = correction_lines(validation, issues)
    book = Workbook()
    sheet = book.create_sheet("corrections")
    book.remove(book.worksheets[0])
    _put_row(sheet, 1, header)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", "305496")
    for n, line in enumerate(lines, start=2):
        _put_row(sheet, n, line)
    sheet.freeze_panes = "A2"
    last = max(len(lines) + 1, 2)
    column_of = {name: get_column_letter(i) for i, name in enumerate(header, start=1)}
    action = DataValidation(type="list", formula1='"' + ",".join(ACTIONS) + '"',
                            allow_blank=True)  # fmt: skip
    action.add(f"{column_of['action']}2:{column_of['action']}{last}")
    sheet.add_data_validation(action)
    _choice_lists(book, sheet, lines, header, column_of["new_value"], validation)
    for name, letter in column_of.items():
        sheet.column_dimensions[letter].width = 40 if name == "message" else 14
    how = book.create_sheet("how to")
    howto = list(_HOW_TO)
    if _open_count(validation) > MAX_OPEN_LINES:
        howto.append((f"Only the first {MAX_OPEN_LINES:,} problems are listed; issues.csv has all.",
                      f"只列出前 {MAX_OPEN_LINES:,} 个问题；全部问题见 issues.csv。"))  # fmt: skip
    for n, (english, chinese) in enumerate(howto, start=1):
        _put_row(how, n, [english, chinese] if "zh" in instrument.languages else [english])
    how.column_dimensions["A"].width = how.column_dimensions["B"].width = 80
    with atomic_path(path) as temporary:
        book.save(temporary)
        fix_times(temporary)


def _put_row(sheet: Worksheet, row: int, values: list[Any]) -> None:
    """Cells stored as text: never a formula, characters xlsx cannot hold escaped."""
    for column, value in enumerate(values, start=1):
        if value in (None, ""):
            continue
        cell = sheet.cell(row=row, column=column, value=writable(str(value)))
        cell.data_type = "s"


def _choice_lists(
    book: Any, sheet: Worksheet, lines: list[list[str]], header: list[str], letter: str,
    validation: Validation,
) -> None:  # fmt: skip
    """A hidden sheet of each choice list's labels; a drop-down on each choice line."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    instrument = validation.instrument
    where = header.index("column")
    by_list: dict[str, list[int]] = {}
    labels_of: dict[str, list[str]] = {}
    levels = [validation, *validation.rosters.values()]
    columns = {c.code: c for level in levels for c in level.instrument.columns}
    for n, line in enumerate(lines, start=2):
        code = line[where]
        if code in columns and columns[code].question.type in ("select_one", "likert"):
            question = columns[code].question
            name = question.choices or question.scale or code
            choices = instrument.choice_list(question)
            labels_of[name] = [next(iter(c.label.values())) for c in choices]
            by_list.setdefault(name, []).append(n)
    if not by_list:
        return
    lists = book.create_sheet("choices")
    lists.sheet_state = "hidden"
    for i, (name, rows) in enumerate(sorted(by_list.items()), start=1):
        labels = labels_of[name]
        _put_row(lists, 1, [""] * (i - 1) + [name])
        for r, label in enumerate(labels, start=2):
            _put_row(lists, r, [""] * (i - 1) + [label])
        col = get_column_letter(i)
        check = DataValidation(type="list", formula1=f"choices!${col}$2:${col}${len(labels) + 1}",
                               allow_blank=True, showErrorMessage=False)  # fmt: skip
        for r in rows:
            check.add(f"{letter}{r}")
        sheet.add_data_validation(check)


def _open_count(validation: Validation) -> int:
    count = 0
    for level in [validation, *validation.rosters.values()]:
        findings = level.findings
        count += int(
            (findings["severity"].isin(["error", "warning"]) & findings["record"].notna()).sum()
        )
    return count
