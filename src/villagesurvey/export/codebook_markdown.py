"""Render a codebook as Markdown: an overview table, then one entry per dataset column."""

from __future__ import annotations

from ..codebook import CodebookRow
from .codebook_export import Codebook, percent, show_number, show_percent
from .statistics import ColumnStatistics

__all__ = ["render_codebook_markdown"]


def render_codebook_markdown(codebook: Codebook) -> str:
    """The codebook as GitHub-flavoured Markdown.

    Parameters
    ----------
    codebook : Codebook
        What :func:`~villagesurvey.export.build_codebook` gathered.

    Returns
    -------
    str
        A title and what the codebook describes, an overview table (one row per column),
        then per section one entry per column: a table of its fields, a table of its
        statistics (given a dataset), and a table of its choices; then each roster, its
        columns listed under it in the same way.
    """
    w = codebook.words
    instrument = codebook.instrument
    title = instrument.title.get(codebook.language, instrument.id)
    lines = [
        f"# {w['codebook']}: {_cell(title)}",
        "",
        f"{w['instrument']}: `{instrument.id}`, {w['version']} {instrument.version}, "
        f"sha256 `{instrument.content_hash}`",
    ]
    if codebook.statistics is not None:
        source = f"`{codebook.source}`, " if codebook.source else ""
        lines += ["", f"{w['data']}: {source}{codebook.rows_in_data} {w['rows']}"]
    lines += ["", f"## {w['variables']}", "", *_overview(codebook)]
    by_code = {row.code: row for row in codebook.rows}
    for section in instrument.sections:
        codes = [c.code for c in instrument.columns if c.question.section == section.code]
        if not codes:
            continue
        lines += ["", f"## {_cell(section.label.get(codebook.language, section.code))}"]
        for code in codes:
            lines += ["", *_entry(codebook, by_code[code])]
    for level in codebook.rosters:
        lines += ["", *_roster(level)]
    return "\n".join(lines) + "\n"


def _roster(level: Codebook) -> list[str]:
    """A roster's part: what its table is, an overview of its columns, then their entries."""
    w = level.words
    label = level.instrument.title.get(level.language, level.roster)
    names = ", ".join(f"`{code}`" for code in level.link)
    lines = [
        f"## {w['roster']}: {_cell(label)} (`{level.roster}`)",
        "",
        w["roster_note"].format(
            file=f"`clean_{level.roster}.csv`", roster=level.roster, link=names,
            key=", ".join(f"`{code}`" for code in level.instrument.key),
        ),
    ]  # fmt: skip
    if level.statistics is not None:
        source = f"`{level.source}`, " if level.source else ""
        lines += ["", f"{w['data']}: {source}{level.rows_in_data} {w['rows']}"]
    lines += ["", *_overview(level)]
    for row in level.rows:
        lines += ["", *_entry(level, row)]
    return lines


def _overview(codebook: Codebook) -> list[str]:
    w = codebook.words
    header = [w["variable"], w["label"].format(lang=codebook.language), w["type"]]
    if codebook.statistics is not None:
        header += [w["n"], w["missing"]]
    rows = []
    for row in codebook.rows:
        cells = [f"`{row.code}`", row.label[codebook.language], row.type]
        if codebook.statistics is not None:
            stats = codebook.statistics.get(row.code)
            cells += [str(stats.n), str(stats.missing)] if stats else ["", ""]
        rows.append(cells)
    return _table(header, rows)


def _entry(codebook: Codebook, row: CodebookRow) -> list[str]:
    w = codebook.words
    languages = codebook.instrument.languages
    fields = [[w["label"].format(lang=lang), row.label[lang]] for lang in languages]
    fields += [[w["section"], row.section], [w["type"], row.type], [w["unit"], row.unit]]
    fields += [
        [w["required"], w["yes"] if row.required else ""],
        [w["allowed"], "" if row.choices else row.allowed[codebook.language]],
        [w["expected"], row.expected],
        [w["wave"], "" if row.wave is None else str(row.wave)],
        [w["relevant"], f"`{row.relevant}`" if row.relevant else ""],
        [w["pii"], w["yes"] if row.pii else ""],
        [w["scale"], row.scale],
        [w["part_of"], f"`{row.part_of}`" if row.part_of else ""],
    ]
    if row.code in codebook.export_names:
        fields.append([w["export_name"], f"`{codebook.export_names[row.code]}`"])
    lines = [f"### `{row.code}`", "", *_table(["", ""], [f for f in fields if f[1]])]
    stats = codebook.statistics.get(row.code) if codebook.statistics is not None else None
    if codebook.statistics is not None and row.pii:
        lines += ["", f"*{w['no_statistics']}*"]
    elif stats is not None:
        lines += ["", *_statistics(codebook, row, stats)]
    if row.choices:
        lines += ["", *_choices(codebook, row, stats)]
    return lines


def _statistics(codebook: Codebook, row: CodebookRow, stats: ColumnStatistics) -> list[str]:
    w = codebook.words
    header = [w["n"], w["missing"], w["skipped"]]
    cells = [str(stats.n), str(stats.missing), str(stats.not_asked)]
    if row.type in ("integer", "decimal"):
        header += [w["mean"], w["sd"], w["min"], w["median"], w["max"]]
        cells += [show_number(v) for v in (stats.mean, stats.sd, stats.min, stats.median,
                                           stats.max)]  # fmt: skip
    elif row.type == "date":
        header += [w["min"], w["median"], w["max"]]
        cells += [show_number(v) for v in (stats.min, stats.median, stats.max)]
    elif stats.distinct is not None:
        header.append(w["distinct"])
        cells.append(str(stats.distinct))
    return _table(header, [cells])


def _choices(codebook: Codebook, row: CodebookRow, stats: ColumnStatistics | None) -> list[str]:
    w = codebook.words
    languages = codebook.instrument.languages
    numbers = codebook.numbers.get(row.code) or codebook.options.get(row.code)
    stored = "option_column" if row.type == "select_multiple" else "stata_spss"
    header = [w["code"]]
    header += [w[stored]] if numbers else []
    header += [w["label"].format(lang=lang) for lang in languages]
    counts = dict(stats.counts) if stats is not None else {}
    if stats is not None:
        header += [w["count"], w["percent"]]
    rows = []
    for choice in row.choices:
        cells = [f"`{choice.code}`"]
        cells += [f"`{numbers[str(choice.code)]}`" if row.type == "select_multiple"
                  else str(numbers[str(choice.code)])] if numbers else []  # fmt: skip
        cells += [choice.label[lang] for lang in languages]
        if stats is not None:
            count = counts.get(choice.code, 0)
            cells += [str(count), show_percent(percent(count, stats.n))]
        rows.append(cells)
    lines = _table(header, rows)
    if row.type == "select_multiple":
        lines += ["", f"*{w['selected_note']}*"]
    return lines


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _cell(text: str) -> str:
    """Text that stays in one table cell: no line breaks, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
