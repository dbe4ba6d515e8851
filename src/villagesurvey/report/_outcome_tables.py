"""The report's tables of the before/after outcomes, as :class:`Table` rows of formatted text."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..analysis import Analysis
from ._tables import (
    Table,
    choice_label,
    demographics_rows,
    fmt,
    label,
    outcome_label,
    p_text,
    unit_text,
)
from ._text import ui

__all__ = ["report_tables", "results_rows"]


def _interval(
    low: float, high: float, money: bool = False, *, language: str, digits: int = 2
) -> str:
    low_text = fmt(low, digits, money=money, sign=True)
    return f"{low_text} {ui(language)['to']} {fmt(high, digits, money=money, sign=True)}"


def results_rows(analysis: Analysis, table: pd.DataFrame, language: str) -> list[list[str]]:
    """Rows of the design-based before/after table (Table 2, and the subgroup tables)."""
    words = ui(language)["conclusions"]
    rows = []
    for row in table.itertuples():
        money = bool(row.deflated)
        rows.append(
            [
                outcome_label(analysis, row, language),
                unit_text(analysis, row, language),
                fmt(row.n),
                fmt(row.n_excluded),
                fmt(row.mean_before, money=money),
                fmt(row.mean_after, money=money),
                fmt(row.mean_diff, money=money, sign=True),
                _interval(row.ci_low, row.ci_high, money, language=language),
                f"{fmt(row.t)} ({fmt(row.df, 1)})",
                p_text(row.p),
                p_text(row.p_holm),
                words.get(row.conclusion, row.conclusion),
            ]
        )
    return rows


def _naive_rows(analysis: Analysis, language: str) -> list[list[str]]:
    rows = []
    for row in analysis.outcomes.itertuples():
        money = bool(row.deflated)
        rows.append(
            [
                outcome_label(analysis, row, language),
                f"{fmt(row.naive_t)} ({fmt(row.naive_df, 0)})",
                p_text(row.naive_p),
                p_text(row.naive_p_holm),
                _interval(row.naive_ci_low, row.naive_ci_high, money, language=language),
                p_text(row.wilcoxon_p),
                p_text(row.wild_p),
                _interval(row.boot_ci_low, row.boot_ci_high, money, language=language),
                f"{fmt(row.hl, money=money, sign=True)} "
                f"[{_interval(row.hl_ci_low, row.hl_ci_high, money, language=language)}]",
            ]
        )
    return rows


def _power_rows(analysis: Analysis, language: str) -> list[list[str]]:
    words = ui(language)["conclusions"]
    rows = []
    for row in analysis.outcomes.itertuples():
        money = bool(row.deflated)
        sesoi = row.sesoi if row.sesoi is not None else float("nan")
        rows.append(
            [
                outcome_label(analysis, row, language),
                unit_text(analysis, row, language),
                fmt(row.df, 1),
                fmt(row.mde, money=money),
                fmt(row.mde_dz),
                fmt(sesoi, money=money),
                fmt(row.power_sesoi),
                p_text(row.tost_p),
                words.get(row.conclusion, row.conclusion),
            ]
        )
    return rows


def _effect_rows(analysis: Analysis, language: str) -> list[list[str]]:
    rows = []
    for row in analysis.outcomes.itertuples():
        ratio = f"{fmt(row.gmr, 3)} ({row.gmr_n})" if row.deflated else "—"
        rows.append(
            [
                outcome_label(analysis, row, language),
                f"{fmt(row.cohen_dz)} [{fmt(row.dz_ci_low)}, {fmt(row.dz_ci_high)}]",
                fmt(row.d_av),
                ratio,
            ]
        )
    return rows


def _cluster_rows(analysis: Analysis, language: str) -> list[list[str]]:
    return [
        [
            outcome_label(analysis, row, language),
            fmt(row.clusters),
            f"{fmt(row.icc, 3)} [{fmt(row.icc_low, 2)}, {fmt(row.icc_high, 2)}]",
            fmt(row.deff),
            fmt(row.n_eff, 1),
            f"{fmt(row.cr2_t)} ({fmt(row.cr2_df, 1)})",
            p_text(row.cr2_p),
            p_text(row.wild_p),
        ]
        for row in analysis.outcomes.itertuples()
    ]


def _percent(value: float, low: float, high: float) -> str:
    low_text, high_text = fmt(100 * low, 1, sign=True), fmt(100 * high, 1, sign=True)
    return f"{fmt(100 * value, 1, sign=True)} [{low_text}, {high_text}]"


def _kind_tables(analysis: Analysis, language: str) -> list[Table]:
    text = ui(language)
    col = text["col"]
    table = analysis.outcomes
    tables = []
    yes_no = table[table["kind"] == "yes_no"]
    if len(yes_no):
        rows = [
            [
                outcome_label(analysis, row, language),
                fmt(row.n),
                f"{fmt(100 * row.mean_before, 1)}%",
                f"{fmt(100 * row.mean_after, 1)}%",
                fmt(int(row.started)),
                fmt(int(row.stopped)),
                f"{p_text(row.mcnemar_p)} "
                f"({text['test_methods'].get(row.mcnemar_method, row.mcnemar_method)})",
                _percent(row.rd, row.rd_ci_low, row.rd_ci_high),
                _percent(row.mean_diff, row.ci_low, row.ci_high),
            ]
            for row in yes_no.itertuples()
        ]
        keys = "outcome n before after started stopped mcnemar rd rd_cr"
        tables.append(Table(text["t_yes_no"], [col[k] for k in keys.split()], rows))
    ratings = table[table["kind"] == "rating"]
    if len(ratings):
        rows = [
            [
                outcome_label(analysis, row, language),
                fmt(row.n),
                *[
                    f"{count} ({100 * count / row.n:.0f}%)" if row.n else "—"
                    for count in (row.improved, row.same, row.worse)
                ],
                p_text(row.sign_p),
                fmt(row.mean_diff, sign=True),
            ]
            for row in ratings.itertuples()
        ]
        keys = "outcome n improved same worse sign change"
        tables.append(Table(text["t_ratings"], [col[k] for k in keys.split()], rows))
    return tables


def _missing_table(analysis: Analysis, language: str) -> Table | None:
    missing = analysis.missing
    if missing.empty:
        return None
    text = ui(language)
    col = text["col"]
    villages = [
        c for c in missing.columns if c not in ("outcome", "column", "wave", "missing", "skipped")
    ]
    rows = [
        [
            str(row["column"]),
            str(row["wave"]),
            fmt(int(row["missing"])),
            fmt(int(row["skipped"])),
            *[fmt(int(row[v])) for v in villages],
        ]
        for _, row in missing.iterrows()
    ]
    headers = [col["outcome"], col["wave"], col["missing"], col["skipped"], *villages]
    return Table(text["t_missing"], headers, rows, text_columns=2)


def report_tables(analysis: Analysis, language: str) -> list[Table]:
    """Every table of the report, in reading order."""
    text = ui(language)
    col = text["col"]
    keys = "outcome unit n excluded before after change ci t p p_holm conclusion"
    results_headers = [col[k] for k in keys.split()]
    tables = [
        Table(
            text["t_demo"],
            [col["variable"], col["category"], col["n"], col["summary"]],
            demographics_rows(analysis, language),
            text_columns=2,
        ),
        Table(
            text["t_results"],
            results_headers,
            results_rows(analysis, analysis.outcomes, language),
            text_columns=2,
            text_last=1,
        ),
        Table(
            text["t_naive"],
            [
                col[k]
                for k in [
                    "outcome",
                    "naive_t",
                    "naive_p",
                    "naive_p_holm",
                    "naive_ci",
                    "wilcoxon",
                    "wild",
                    "boot_ci",
                    "hl",
                ]
            ],
            _naive_rows(analysis, language),
        ),
        Table(
            text["t_power"],
            [
                col[k]
                for k in [
                    "outcome",
                    "unit",
                    "df",
                    "mde",
                    "mde_dz",
                    "sesoi",
                    "power_sesoi",
                    "tost",
                    "conclusion",
                ]
            ],
            _power_rows(analysis, language),
            text_columns=2,
            text_last=1,
        ),
        Table(
            text["t_effects"],
            [col[k] for k in ("outcome", "dz", "d_av", "gmr")],
            _effect_rows(analysis, language),
        ),
        Table(
            text["t_cluster"],
            [
                col[k]
                for k in ["outcome", "clusters", "icc", "deff", "n_eff", "cr_t", "cr_p", "wild"]
            ],
            _cluster_rows(analysis, language),
        ),
        *_kind_tables(analysis, language),
    ]
    missing = _missing_table(analysis, language)
    if missing is not None:
        tables.append(missing)
    tables.extend(_subgroup_tables(analysis, language, results_headers))
    tables.extend(_did_tables(analysis, language))
    tables.extend(_group_tests(analysis, language))
    return tables


def _row_of(analysis: Analysis, outcome: str) -> Any:
    table = analysis.outcomes
    return next(r for r in table.itertuples() if r.outcome == outcome)


def _omnibus(test: Any) -> str:
    """``F(q, df) = F, p`` of the test that every level changed alike."""
    if not math.isfinite(test.f):
        return "—"
    return (
        f"F({test.f_df_num:.0f}, {test.f_df_denom:.1f}) = {fmt(test.f)}, p {p_text(test.f_p)}"
        if p_text(test.f_p).startswith("<")
        else f"F({test.f_df_num:.0f}, {test.f_df_denom:.1f}) = {fmt(test.f)}, "
        f"p = {p_text(test.f_p)}"
    )


def _did_tables(analysis: Analysis, language: str) -> list[Table]:
    text = ui(language)
    col = text["col"]
    tables = []
    if not analysis.did.empty:
        rows = []
        for test in analysis.did.itertuples():
            row = _row_of(analysis, str(test.outcome))
            money = bool(row.deflated)
            rows.append(
                [
                    outcome_label(analysis, row, language),
                    f"{test.n_exposed} / {test.n_unexposed}",
                    fmt(test.change_exposed, money=money, sign=True),
                    fmt(test.change_unexposed, money=money, sign=True),
                    fmt(test.did, money=money, sign=True),
                    _interval(test.did_ci_low, test.did_ci_high, money, language=language),
                    p_text(test.did_p),
                    fmt(test.baseline_diff, money=money, sign=True),
                    p_text(test.baseline_p),
                ]
            )
        keys = "outcome n_groups change_exposed change_unexposed did ci p baseline baseline_p"
        title = text["t_did"].format(column=analysis.compare)
        tables.append(Table(title, [col[k] for k in keys.split()], rows))
    return tables


def _group_tests(analysis: Analysis, language: str) -> list[Table]:
    text = ui(language)
    col = text["col"]
    tables = []
    for column, tests in analysis.subgroup_tests.items():
        if tests.empty:
            continue
        rows = []
        shown: set[str] = set()
        for test in tests.itertuples():
            row = _row_of(analysis, str(test.outcome))
            omnibus = "" if test.outcome in shown else _omnibus(test)
            shown.add(str(test.outcome))
            money = bool(row.deflated)
            level = choice_label(analysis.instrument, column, str(test.level), language)
            reference = choice_label(analysis.instrument, column, str(test.reference), language)
            rows.append(
                [
                    outcome_label(analysis, row, language),
                    f"{level} − {reference}",
                    fmt(test.difference, money=money, sign=True),
                    _interval(test.ci_low, test.ci_high, money, language=language),
                    fmt(test.df, 1),
                    p_text(test.p),
                    omnibus,
                ]
            )
        by = label(analysis.instrument.column(column).question, language)
        keys = ("outcome", "groups", "difference", "ci", "df", "p", "all_equal")
        headers = [col[k] for k in keys]
        title = text["t_group_tests"].format(by=by)
        tables.append(Table(title, headers, rows, text_columns=2, text_last=1))
    return tables


def _subgroup_tables(analysis: Analysis, language: str, headers: list[str]) -> list[Table]:
    text = ui(language)
    tables = []
    letter = ord("a")
    for column, groups in analysis.subgroups.items():
        by = label(analysis.instrument.column(column).question, language)
        for level, group in groups.items():
            name = choice_label(analysis.instrument, column, level, language)
            title = text["t_subgroup"].format(letter=chr(letter), by=by, level=name)
            if not analysis.subgroup_tests.get(column, pd.DataFrame()).empty:
                title += text["t_subgroup_compare"]
            rows = results_rows(analysis, group, language)
            tables.append(Table(title, headers, rows, text_columns=2, text_last=1))
            letter = letter + 1 if letter < ord("z") else letter
    return tables
