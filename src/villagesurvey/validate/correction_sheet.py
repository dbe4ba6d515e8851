"""Write ``corrections.xlsx``: a line per error and warning, for a supervisor to decide on.

The first sheet, ``corrections``, has the respondent's key columns, then
:data:`.corrections.FIELDS`; ``action`` has a drop-down of the four actions and
``new_value`` a drop-down of the labels of a choice question. Lines of the corrections
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

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from .run import Validation

__all__ = ["MAX_OPEN_LINES", "correction_lines", "write_correction_sheet"]

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

    ``issues`` is the issues table as written (personal data already hidden), on the same
    index as ``validation.findings``.
    """
    instrument = validation.instrument
    applied = validation.corrections
    lines: list[list[str]] = []
    decided: set[tuple[tuple[str, ...], str]] = set()
    if applied is not None:
        for c in applied.source.lines:
            if c.get("action"):
                lines.append([*c.key, *(c.get(f) for f in FIELDS)])
                where = c.key if any(c.key) else (c.get("file"), c.get("row"))
                column = "" if c.get("action").casefold() == "drop" else c.get("column")
                decided.add((where, column))
    pii = {c.code for c in instrument.columns if c.question.pii}
    raw = validation.raw
    findings = validation.findings
    open_ = findings["severity"].isin(["error", "warning"]) & findings["record"].notna()
    chosen = findings.index[open_.to_numpy()][:MAX_OPEN_LINES]
    # a column at a time: each finding's record looked up in the raw frame once per column
    where = raw.index.get_indexer(findings.loc[chosen, "record"].astype("int64").to_numpy())
    codes = findings.loc[chosen, "column"].astype(str).tolist()
    keys = [[_text(v) for v in raw[k].to_numpy(dtype=object)[where]] for k in instrument.key]
    files = [str(v) for v in raw["_file"].to_numpy(dtype=object)[where]]
    rows = [str(v) for v in raw["_row"].to_numpy(dtype=object)[where]]
    values = _cell_texts(raw, where, codes)
    checks = findings.loc[chosen, "check"].astype(str).tolist()
    shown = issues.loc[chosen, "value"].tolist()
    messages = [str(m) for m in issues.loc[chosen, "message"].tolist()]
    labels = {c.code: " / ".join(c.question.label.values()) for c in instrument.columns}
    for n, column in enumerate(codes):
        key = tuple(k[n] for k in keys)
        place = key if any(key) else (files[n], rows[n])
        if (place, "") in decided or (place, column) in decided:
            continue
        fields = {
            "file": files[n],
            "row": rows[n],
            "column": column,
            "label": labels.get(column, ""),
            "value": HIDDEN if column in pii and shown[n] == HIDDEN else values[n],
            "check": checks[n],
            "message": messages[n],
        }
        lines.append([*key, *(fields.get(f, "") for f in FIELDS)])
    return lines


def _cell_texts(raw: pd.DataFrame, where: np.ndarray, codes: list[str]) -> list[str]:
    """The cells (row positions ``where``, columns ``codes``) as read (:func:`show`).

    Blank for a column not in ``raw``; each column is looked up once.
    """
    import numpy as np

    texts = [""] * len(codes)
    by_column: dict[str, list[int]] = {}
    for n, code in enumerate(codes):
        by_column.setdefault(code, []).append(n)
    for code, ns in by_column.items():
        if code in raw:
            cells = raw[code].to_numpy(dtype=object)[where[np.array(ns)]]
            for n, cell in zip(ns, cells, strict=True):
                texts[n] = show(cell)
    return texts


def write_correction_sheet(path: Path, validation: Validation, issues: pd.DataFrame) -> None:
    """Write ``corrections.xlsx`` (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    instrument = validation.instrument
    header = [*instrument.key, *FIELDS]
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
    codes = {c.code for c in instrument.columns}
    for n, line in enumerate(lines, start=2):
        code = line[where]
        if code in codes and instrument.column(code).question.type in ("select_one", "likert"):
            question = instrument.column(code).question
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
    findings = validation.findings
    return int((findings["severity"].isin(["error", "warning"]) & findings["record"].notna()).sum())
