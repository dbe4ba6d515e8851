"""The survey sheet of an instrument's XLSForm (:func:`survey_rows`): its groups, repeats and
fields, with the constraint, relevance and ``villagesurvey`` attributes of each.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from ..codebook import column_label
from ..instrument import Column, Instrument, Question, Roster, roster_instrument
from ..instrument.model import Limit
from ._blocks import check_parts, place_of
from ._languages import language_tag
from ._names import SUBMISSION_KEY
from ._namespace import ATTRIBUTES, NAMESPACE
from .xpath import condition_xpath, number_xpath, quote

__all__ = ["Rows", "older_than_text", "recorded_times", "roster_columns", "survey_rows"]

Rows = tuple[tuple[str, ...], ...]


def _limit(value: Limit) -> str:
    if isinstance(value, str):
        return value
    return value.isoformat() if isinstance(value, date) else number_xpath(value)


def _limit_xpath(value: Limit) -> str:
    if isinstance(value, str):  # TODAY, the one word a limit can be
        return "today()"
    return f"date({quote(value.isoformat())})" if isinstance(value, date) else number_xpath(value)


def _constraint(question: Question) -> str:
    parts = []
    if question.min is not None:
        parts.append(f". >= {_limit_xpath(question.min)}")
    if question.max is not None:
        parts.append(f". <= {_limit_xpath(question.max)}")
    if question.pattern is not None:
        parts.append(f"regex(., {quote(question.pattern)})")
    for code in question.exclusive:
        parts.append(f"not(selected(., {quote(str(code))}) and count-selected(.) > 1)")
    joined = " and ".join(parts)
    if question.special:
        codes = " or ".join(f". = {number_xpath(s)}" for s in question.special)
        return f"({joined}) or {codes}" if joined else codes
    return joined


def _field_type(instrument: Instrument, question: Question) -> str:
    if question.type == "likert" and question.scale:
        return f"select_one {instrument.scales[question.scale].choices}"
    if question.type in ("select_one", "select_multiple"):
        return f"{question.type} {question.choices}"
    if question.type == "datetime":
        return "dateTime"
    return question.type


def recorded_times(instrument: Instrument) -> dict[str, str]:
    """The datetime questions the phone fills itself, by code: ``start`` and ``end``."""
    watch = instrument.monitoring
    moments = {}
    for kind, code in (("start", watch.start), ("end", watch.end)):
        if code and code not in moments and instrument.question(code).type == "datetime":
            moments[code] = kind
    return moments


class _Survey:
    """Builds the survey sheet's rows as mappings of column header to text."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.tags = {lang: language_tag(lang) for lang in instrument.languages}
        every = [*instrument.columns, *(c for _, cs in roster_columns(instrument) for c in cs)]
        self.types = {c.code: c.question.type for c in every}
        self.rows: list[dict[str, str]] = []
        # Group names share the form's namespace with the fields (and ODK's "meta" group).
        self.taken = {c.code.lower() for c in every} | {"meta"}

    def translated(self, row: dict[str, str], column: str, text: dict[str, str]) -> None:
        for lang, tag in self.tags.items():
            row[f"{column}::{tag}"] = text[lang]

    def group(self, code: str, label: dict[str, str], section: bool = True) -> None:
        name, number = code, 1
        while name.lower() in self.taken:
            number += 1
            name = f"{code}_group" if number == 2 else f"{code}_group{number - 1}"
        self.taken.add(name.lower())
        row = {"type": "begin_group", "name": name}
        self.translated(row, "label", label)
        if not section:
            row["appearance"] = "field-list"  # a scale's items on one screen
        elif name != code:  # a section named like a question: its code is kept here
            row[f"bind::{NAMESPACE}:section"] = code
        self.rows.append(row)

    def end_group(self) -> None:
        self.rows.append({"type": "end_group"})

    def repeat(self, roster: Roster) -> None:
        """Begin a roster's repeat: its count, key and checks across levels as attributes."""
        self.taken.add(roster.code.lower())
        row = {"type": "begin_repeat", "name": roster.code}
        self.translated(row, "label", roster.section.label)
        if roster.count:
            row["repeat_count"] = f"${{{roster.count}}}"
        row[f"bind::{NAMESPACE}:roster_key"] = roster.key
        if roster.exactly_one:
            row[f"bind::{NAMESPACE}:exactly_one"] = roster.exactly_one
        if roster.sums:
            row[f"bind::{NAMESPACE}:sums"] = "; ".join(
                f"{s.total}={s.part}" + (f"~{number_xpath(s.tolerance)}" if s.tolerance else "")
                for s in roster.sums
            )
        if roster.older_than:
            row[f"bind::{NAMESPACE}:older_than"] = older_than_text(roster)
        if roster.severity != "error":
            row[f"bind::{NAMESPACE}:severity"] = roster.severity
        self.rows.append(row)

    def field(self, column: Column) -> None:
        instrument, question = self.instrument, column.question
        row = {"type": _field_type(instrument, question), "name": column.code}
        self.translated(row, "label", {lang: column_label(column, lang) for lang in self.tags})
        if question.hint:
            self.translated(row, "hint", question.hint)
        if question.required:
            row["required"] = "yes"
        if column.relevant is not None:
            row["relevant"] = condition_xpath(column.relevant, self.types)
        parts = [*filter(None, [_constraint(question)]), *check_parts(instrument, column)]
        if parts:
            row["constraint"] = " and ".join(parts)
        if question.message:
            self.translated(row, "constraint_message", question.message)
        if question.type == "likert":
            row["appearance"] = "likert"
        if question.max_accuracy is not None:  # ODK Collect warns above it
            row["parameters"] = f"warning-accuracy={question.max_accuracy}"
        if question.calculation is not None:
            row["calculation"] = question.calculation
        if question.filter_by:
            parts = [
                f"{key}=${{{self.parent(column, source)}}}" for key, source in question.filter_by
            ]
            row["choice_filter"] = " and ".join(parts)
        for name, value in _attributes(instrument, column):
            row[f"bind::{NAMESPACE}:{name}"] = value
        self.rows.append(row)

    def parent(self, column: Column, source: str) -> str:
        """The field a filter compares with: the same wave's, for a question asked in waves."""
        waved = f"{source}_{column.wave}"
        return waved if column.wave is not None and waved in self.types else source

    def header(self) -> tuple[str, ...]:
        used = {key for row in self.rows for key in row}
        order = ["type", "name"]
        order += [f"label::{t}" for t in self.tags.values()]
        order += [f"hint::{t}" for t in self.tags.values()]
        order += ["required", "relevant", "constraint", "calculation", "choice_filter"]
        order += ["repeat_count"]
        order += [f"constraint_message::{t}" for t in self.tags.values()]
        order += ["appearance", "parameters", *(f"bind::{NAMESPACE}:{a}" for a in ATTRIBUTES)]
        return tuple(key for key in order if key in used)


def _attributes(instrument: Instrument, column: Column) -> Iterator[tuple[str, str]]:
    question = column.question
    if question.code in instrument.key:
        yield "key", str(instrument.key.index(question.code) + 1)
    if question.unit:
        yield "unit", question.unit
    if question.soft_min is not None:
        yield "soft_min", _limit(question.soft_min)
    if question.soft_max is not None:
        yield "soft_max", _limit(question.soft_max)
    if column.part_of:
        yield "part_of", column.part_of
    if question.pii:
        yield "pii", "true"
    if question.scale:
        yield "scale", question.scale
    if question.reverse:
        yield "reverse", "true"
    if question.when_skipped is not None:
        yield "when_skipped", str(question.when_skipped)
    if question.sesoi is not None:
        yield "sesoi", str(question.sesoi)
    if question.radius_km is not None:
        yield "radius_km", str(question.radius_km)
    if question.backcheck is not None:
        yield "backcheck", str(question.backcheck)
    if question.backcheck_tolerance is not None:
        yield "backcheck_tolerance", question.backcheck_tolerance.text


def _scale_runs(questions: tuple[Question, ...]) -> Iterator[tuple[str | None, list[Question]]]:
    """The section's questions in runs: consecutive items of one scale, or single questions."""
    run: list[Question] = []
    for question in questions:
        if run and question.scale is not None and question.scale == run[0].scale:
            run.append(question)
            continue
        if run:
            yield run[0].scale, run
        run = [question]
    if run:
        yield run[0].scale, run


def older_than_text(roster: Roster) -> str:
    """A roster's ``older_than`` rules as the form's attribute holds them: a JSON list."""
    rules = [
        {"older": o.older, "younger": o.younger, "age": o.age} | ({"by": o.by} if o.by else {})
        for o in roster.older_than
    ]
    return json.dumps(rules, ensure_ascii=False, separators=(", ", ": "))


def roster_columns(instrument: Instrument) -> list[tuple[Roster, tuple[Column, ...]]]:
    """Each roster and its own columns (not the household's key columns it begins with)."""
    return [
        (r, tuple(c for c in roster_instrument(instrument, r).columns
                  if c.question.section == r.code))
        for r in instrument.rosters
    ]  # fmt: skip


def survey_rows(instrument: Instrument) -> Rows:
    """The survey sheet's rows, its header first: sections as groups, rosters as repeats."""
    survey = _Survey(instrument)
    moments = recorded_times(instrument)
    # metadata the phone records, at the top, placed in its section by two attributes; one
    # with a skip rule stays in its place, after the questions the rule names
    top = [code for code in moments if instrument.column(code).relevant is None]
    for code in top:
        survey.field(instrument.column(code))
        place = {f"bind::{NAMESPACE}:{k}": v for k, v in place_of(instrument, code).items()}
        survey.rows[-1] |= {"type": moments[code], **place}
    columns: dict[str, list[Column]] = {}
    for column in instrument.columns:
        columns.setdefault(column.question.code, []).append(column)
    for section in instrument.sections:
        survey.group(section.code, section.label)
        for scale, questions in _scale_runs(section.questions):
            if scale is not None:
                survey.group(scale, instrument.scales[scale].label, section=False)
            for question in questions:
                if instrument.key == (SUBMISSION_KEY,) and question.code == SUBMISSION_KEY:
                    continue  # the phone fills it: meta/instanceID
                if question.code in top:
                    continue  # written above as start or end metadata
                for column in columns[question.code]:
                    survey.field(column)
                    if question.code in moments:
                        survey.rows[-1]["type"] = moments[question.code]
            if scale is not None:
                survey.end_group()
        survey.end_group()
    every = roster_columns(instrument)
    for roster, roster_cols in every:
        if roster.within is not None:
            continue  # written inside the repeat of the roster it is within
        survey.repeat(roster)
        for column in roster_cols:
            survey.field(column)
        for inner, inner_cols in every:
            if inner.within == roster.code:
                survey.repeat(inner)
                for column in inner_cols:
                    survey.field(column)
                survey.rows.append({"type": "end_repeat"})
        survey.rows.append({"type": "end_repeat"})
    header = survey.header()
    return (header, *(tuple(row.get(key, "") for key in header) for row in survey.rows))
