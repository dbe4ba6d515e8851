"""``tables.xlsx``: one sheet per table, numbers as numbers, for further work in a spreadsheet.

Headers are the stable keys of ``results.json``. Missing numbers are empty cells. A text cell
that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is stored as text with
Excel's quote prefix (the cell style that a typed leading apostrophe sets): Excel shows the
text as it is and never evaluates it as a formula, and the value itself is unchanged.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from .._formulas import FORMULA_STARTS
from ..analysis import Analysis
from ._tables import choice_label, headline_notes, label, notes
from .measurement import measurement_notes, measurement_sheets

__all__ = ["build_tables", "write_tables_xlsx"]

_RESULTS = [
    "outcome", "label", "unit", "kind", "deflated", "when_skipped", "structural_zeros", "n",
    "n_excluded", "mean_before", "mean_after", "mean_diff", "sd_diff", "ci_low", "ci_high",
    "se", "t", "df", "p", "p_holm", "method", "conclusion", "cohen_dz", "d_av", "naive_t",
    "naive_df", "naive_p", "naive_p_holm", "naive_ci_low", "naive_ci_high", "wilcoxon_p",
    "wilcoxon_method", "boot_ci_low", "boot_ci_high", "hl", "hl_ci_low", "hl_ci_high",
]  # fmt: skip
_POWER = [
    "outcome", "label", "n", "df", "mde", "mde_dz", "sesoi", "power_sesoi", "tost_p",
    "conclusion", "cohen_dz", "dz_ci_low", "dz_ci_high", "d_av", "gmr", "gmr_n",
]  # fmt: skip
_CLUSTER = [
    "outcome", "label", "clusters", "cluster_m", "icc", "icc_low", "icc_high", "deff", "n_eff",
    "cr2_t", "cr2_df", "cr2_p", "wild_p",
]  # fmt: skip
_KINDS = [
    "outcome", "label", "kind", "n", "started", "stopped", "mcnemar_p", "mcnemar_method", "rd",
    "rd_ci_low", "rd_ci_high", "improved", "same", "worse", "sign_p",
]  # fmt: skip


def _labelled(analysis: Analysis, table: pd.DataFrame, language: str) -> pd.DataFrame:
    table = table.copy()
    table["label"] = [label(analysis.instrument.question(q), language) for q in table["question"]]
    return table


def _labelled_outcomes(analysis: Analysis, table: pd.DataFrame, language: str) -> pd.DataFrame:
    """``table`` with each outcome's label in ``language`` beside its code."""
    labels = {
        row.outcome: label(analysis.instrument.question(row.question), language)
        for row in analysis.outcomes.itertuples()
    }
    table = table.copy()
    table.insert(1, "label", [labels.get(o, "") for o in table["outcome"]])
    return table


def build_tables(analysis: Analysis, language: str) -> dict[str, pd.DataFrame]:
    """The sheets, by name: each a DataFrame of numbers and short texts."""
    outcomes = _labelled(analysis, analysis.outcomes, language)
    demographics = analysis.demographics.copy()
    demographics.insert(
        1,
        "label",
        [label(analysis.instrument.question(v), language) for v in demographics["variable"]],
    )
    demographics.insert(
        3,
        "category_label",
        [
            choice_label(analysis.instrument, v, c, language) if c else ""
            for v, c in zip(demographics["variable"], demographics["category"], strict=True)
        ],
    )
    sheets = {
        "Respondents": demographics,
        "Before-after": outcomes[_RESULTS] if len(outcomes) else pd.DataFrame(columns=_RESULTS),
        "Power": outcomes[_POWER] if len(outcomes) else pd.DataFrame(columns=_POWER),
        "Clustering": outcomes[_CLUSTER] if len(outcomes) else pd.DataFrame(columns=_CLUSTER),
        "Yes-no and ratings": (
            outcomes.loc[outcomes["kind"] != "number", _KINDS]
            if len(outcomes)
            else pd.DataFrame(columns=_KINDS)
        ),
        "Missing": analysis.missing,
    }
    for column, groups in analysis.subgroups.items():
        frames = []
        for level, table in groups.items():
            labelled = _labelled(analysis, table, language)[_RESULTS]
            labelled.insert(0, column, level)
            labelled.insert(
                1, "group_label", choice_label(analysis.instrument, column, level, language)
            )
            frames.append(labelled)
        sheets[f"By {column}"[:31]] = (
            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        )
    if not analysis.did.empty:
        sheets["Difference-in-differences"] = _labelled_outcomes(analysis, analysis.did, language)
    for column, tests in analysis.subgroup_tests.items():
        if not tests.empty:
            sheets[f"Differences by {column}"[:31]] = _labelled_outcomes(analysis, tests, language)
    if analysis.cpi is not None:
        years = sorted({*analysis.cpi_factors, analysis.base_year})
        sheets["CPI"] = pd.DataFrame(
            {
                "year": years,
                "cpi": [analysis.cpi.index[y] for y in years],
                f"factor_to_{analysis.base_year}": [
                    analysis.cpi.factor(y, analysis.base_year) for y in years
                ],
            }
        )
    if analysis.measurement is not None:
        sheets |= measurement_sheets(analysis.measurement, language)
    warnings = [
        ("all", note.code, message)
        for note, message in zip(analysis.notes, headline_notes(analysis, language), strict=True)
    ]
    for row in analysis.outcomes.itertuples():
        messages = notes(row.warnings, language)
        warnings += [(row.outcome, n.code, m) for n, m in zip(row.warnings, messages, strict=True)]
    if analysis.measurement is not None:
        m_notes = analysis.measurement.notes
        messages = measurement_notes(analysis.measurement, language)
        warnings += [("scales", n.code, m) for n, m in zip(m_notes, messages, strict=True)]
    sheets["Warnings"] = pd.DataFrame(warnings, columns=["outcome", "code", "message"])
    return sheets


_AMOUNTS = {
    "mean_before", "mean_after", "mean_diff", "sd_diff", "ci_low", "ci_high", "cluster_se",
    "change_exposed", "change_unexposed", "did", "did_ci_low", "did_ci_high", "baseline_diff",
    "baseline_ci_low", "baseline_ci_high", "difference",
}  # fmt: skip
_COUNTS = {"n", "n_excluded", "n_exposed", "n_unexposed", "clusters", "year"}


def _number_format(column: str) -> str:
    """How a column's numbers are shown; the cell keeps the full value."""
    if column == "p" or column.endswith("_p") or column.startswith("p_"):
        return '[<0.0001]"<0.0001";0.0000'  # the cell keeps the exact p
    if column in _COUNTS:
        return "0"
    if column == "df" or column.endswith("_df") or column.startswith("f_df"):
        return "0.0"  # Bell-McCaffrey degrees of freedom are not whole numbers
    if column in _AMOUNTS or column.startswith("mean") or column == "count":
        return "#,##0.00"
    return "0.000"


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def write_tables_xlsx(analysis: Analysis, path: str | Path, language: str) -> None:
    """Write the sheets of :func:`build_tables` to ``path`` (an .xlsx file)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for name, frame in build_tables(analysis, language).items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font = bold
        for record in frame.itertuples(index=False):
            sheet.append([_cell_value(v) for v in record])
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
        formats = [_number_format(str(c)) for c in frame.columns]
        for row in sheet.iter_rows(min_row=2):
            for cell, number_format in zip(row, formats, strict=False):
                if isinstance(cell.value, float):
                    cell.number_format = number_format
        sheet.freeze_panes = "A2"
        if len(frame.columns):
            sheet.auto_filter.ref = sheet.dimensions
        for index, column in enumerate(frame.columns, start=1):
            letter = sheet.cell(1, index).column_letter
            sheet.column_dimensions[letter].width = 28 if column in ("label", "message") else 13
    workbook.save(path)
