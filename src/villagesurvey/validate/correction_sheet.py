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
from typing import TYPE_CHECKING

from .._atomic import atomic_path
from .cells import HIDDEN, show
from .corrections import ACTIONS, FIELDS, _text
from .findings import column_letter
from .roster_corrections import ROSTER, key_columns

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ..instrument import Instrument
    from .run import Validation

__all__ = ["MAX_OPEN_LINES", "correction_header", "correction_lines", "write_correction_sheet"]

WAITS = "parent_quarantined"
"""A roster row that only waits for its quarantined household: not a line of its own."""

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
        lines += [[_shown(line.get(name)) for name in header] for line in found]
    return lines


def _shown(value: object) -> str:
    return "" if value is None else str(value)


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
    chosen = findings.index[_open(findings)][: max(room, 0)]
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
        lines.append(
            {
                **dict(zip(instrument.key, key, strict=True)),
                **({ROSTER: roster} if roster else {}),
                "file": files[n],
                "row": rows[n],
                "column": column,
                "label": labels.get(column, ""),
                "value": HIDDEN if column in pii and shown[n] == HIDDEN else values[n],
                "check": checks[n],
                "message": messages[n],
            }
        )
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
    from ..tables.xlsx_stream import TableBook

    instrument = validation.instrument
    header = correction_header(instrument)
    lines = correction_lines(validation, issues)
    column_of = {name: column_letter(i) for i, name in enumerate(header, start=1)}
    last = max(len(lines) + 1, 2)
    action = column_of["action"]
    drop_downs = [(f"{action}2:{action}{last}", '"' + ",".join(ACTIONS) + '"')]
    choices = _choice_lists(validation, lines, header.index("column"))
    for i, (_name, labels, rows) in enumerate(choices, start=1):
        col, new = column_letter(i), column_of["new_value"]
        source = f"choices!${col}$2:${col}${len(labels) + 1}"
        drop_downs.append((" ".join(f"{new}{r}" for r in rows), source))
    howto = list(_HOW_TO)
    if _open_count(validation) > MAX_OPEN_LINES:
        howto.append((f"Only the first {MAX_OPEN_LINES:,} problems are listed; issues.csv has all.",
                      f"只列出前 {MAX_OPEN_LINES:,} 个问题；全部问题见 issues.csv。"))  # fmt: skip
    chinese = "zh" in instrument.languages
    with atomic_path(path) as temporary:
        book = TableBook(temporary)
        book.add(
            "corrections", header, lines, autofilter=False, lists=drop_downs,
            widths=[40 if name == "message" else 14 for name in header],
        )  # fmt: skip
        if choices:
            grid: list[list[str]] = [[name for name, _, _ in choices]]
            for r in range(max(len(labels) for _, labels, _ in choices)):
                grid.append([labels[r] if r < len(labels) else "" for _, labels, _ in choices])
            book.add("choices", [], grid, widths=[], hidden=True)
        said = [[english, chinese_] if chinese else [english] for english, chinese_ in howto]
        book.add("how to", [], said, widths=[80, 80])
        book.save()


def _choice_lists(
    validation: Validation, lines: list[list[str]], where: int
) -> list[tuple[str, list[str], list[int]]]:
    """Each choice list the lines need (of any level): its name, its labels, the lines' rows."""
    instrument = validation.instrument
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
    return [(name, labels_of[name], rows) for name, rows in sorted(by_list.items())]


def _open(findings: pd.DataFrame) -> np.ndarray:
    """Which findings are open problems of a row, each a line of the template."""
    open_ = findings["severity"].isin(["error", "warning"]) & findings["record"].notna()
    open_ &= findings["check"] != WAITS  # settled by deciding on its household's line
    mask: np.ndarray = open_.to_numpy(dtype=bool)
    return mask


def _open_count(validation: Validation) -> int:
    levels = [validation, *validation.rosters.values()]
    return sum(int(_open(level.findings).sum()) for level in levels)
