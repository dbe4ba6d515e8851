"""The instrument as plain, immutable data.

An :class:`Instrument` is what :func:`~villagesurvey.instrument.parse_instrument` returns
once a file has passed every check. Nothing here reads or writes files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import pairwise
from typing import Any

from .backcheck import Tolerance
from .conditions import Condition, bind_waves, parse_condition
from .derive import Derived
from .monitoring import Monitoring, resolve_monitoring

__all__ = [
    "ANALYSIS_FIELDS",
    "FORMATTED_TYPES",
    "NUMERIC_TYPES",
    "QUESTION_TYPES",
    "SELECT_TYPES",
    "SKIPPED_NOT_APPLICABLE",
    "TODAY",
    "BoundRule",
    "Choice",
    "Column",
    "IndicatorConstruct",
    "Instrument",
    "Limit",
    "ModelPath",
    "OlderThan",
    "Question",
    "Roster",
    "RosterSum",
    "Rule",
    "Scale",
    "Section",
    "StructuralModel",
    "Text",
    "WavePair",
]

Text = dict[str, str]
"""A text in every language of the instrument: ``{"en": "Age", "zh": "年龄"}``."""

Limit = int | float | date | str
"""A hard or soft limit: a number, or a date for ``date`` questions; a date question's ``max``
may also be :data:`TODAY` (not after the day the answer is checked)."""

TODAY = "today"
"""The ``max`` of a date question that may not lie in the future (XLSForm ``. <= today()``)."""

QUESTION_TYPES = (
    "integer",
    "decimal",
    "text",
    "date",
    "select_one",
    "select_multiple",
    "likert",
    "time",
    "datetime",
    "geopoint",
    "calculate",
)
NUMERIC_TYPES = ("integer", "decimal")
FORMATTED_TYPES = ("time", "datetime", "geopoint")
"""Answers kept as text in a fixed format (an XLSForm's ``time``, ``datetime``, ``geopoint``)."""
SELECT_TYPES = ("select_one", "select_multiple")
ANALYSIS_FIELDS = ("when_skipped", "sesoi", "backcheck", "backcheck_tolerance")
"""Question fields that only change the analysis (or the back-checks); the content hash leaves
them out."""
SKIPPED_NOT_APPLICABLE = "not applicable"
"""``when_skipped`` value: a skipped answer is missing by design and is left out."""


@dataclass(frozen=True)
class Choice:
    """One answer of a choice list: its stored ``code`` and its ``label`` per language."""

    code: int | str
    label: Text
    filter: tuple[tuple[str, str], ...] = ()
    """Values a cascading select compares with an earlier answer (``(("state", "ca"),)``)."""


@dataclass(frozen=True)
class Scale:
    """A multi-item construct (e.g. a Likert scale) and the choice list its items use."""

    code: str
    label: Text
    choices: str


@dataclass(frozen=True)
class Question:
    """One question as the researcher wrote it; see ``docs/instrument.md`` for each field."""

    code: str
    type: str
    label: Text
    section: str
    hint: Text | None = None
    required: bool = False
    unit: str | None = None
    choices: str | None = None
    min: Limit | None = None
    max: Limit | None = None
    soft_min: Limit | None = None
    soft_max: Limit | None = None
    message: Text | None = None
    relevant: str | None = None
    waves: tuple[int, ...] = ()
    pii: bool = False
    scale: str | None = None
    reverse: bool = False
    part_of: str | None = None
    when_skipped: float | str | None = None
    sesoi: float | None = None
    pattern: str | None = None
    calculation: str | None = None
    filter_by: tuple[tuple[str, str], ...] = ()
    """A cascading select's filter: pairs (choice ``filter`` key, the earlier question whose
    answer it must equal), from an XLSForm's ``choice_filter`` ``state = ${state}``."""
    special: tuple[int | float, ...] = ()
    """Codes a number question accepts beyond its limits (``9999``: don't know)."""
    exclusive: tuple[int | str, ...] = ()
    """Options of a select_multiple that cannot be chosen with another (``none``)."""
    max_accuracy: float | None = None
    """A geopoint's accuracy limit in metres: a point measured less accurately is a warning."""
    radius_km: float | None = None
    """A geopoint's distance from its village's centre beyond which it is a warning, in km."""
    backcheck: int | None = None
    """The back-check type (1, 2 or 3) when a back-check re-asks the question."""
    backcheck_tolerance: Tolerance | None = None
    """How far a back-check's number may lie from the survey's and still agree."""

    @property
    def is_money(self) -> bool:
        """True when the unit is a currency (a three-letter ISO 4217 code such as ``CNY``)."""
        return self.unit is not None and len(self.unit) == 3 and self.unit.isupper()


@dataclass(frozen=True)
class Section:
    """A titled group of questions, in the order they are asked."""

    code: str
    label: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class RosterSum:
    """A household total that should equal the sum of a roster question over its rows.

    ``total`` is a number question of the household, ``part`` one of the roster (in the same
    waves); they may differ by at most ``tolerance``, in their unit.
    """

    total: str
    part: str
    tolerance: float = 0


@dataclass(frozen=True)
class OlderThan:
    """Within a household, the rows that hold ``older`` are older than those that hold ``younger``.

    ``older`` and ``younger`` are conditions on the roster's questions (``relation = 2``: the
    head's spouse; ``relation = 3``: a child), ``age`` the roster's age question; ``by`` is
    the least difference in age expected (0: not older). A row that holds ``younger`` and is
    older than the oldest row holding ``older`` less ``by`` is a warning on that row.
    """

    older: str
    younger: str
    age: str
    by: float = 0


@dataclass(frozen=True)
class Roster:
    """A repeat group: one row per member (plot, business, ...) of each household.

    Attributes
    ----------
    section : Section
        The roster's code, label and questions, asked once per row.
    key : str
        The roster question that numbers its rows within a household (the member number);
        with the instrument's key it identifies one row.
    count : str or None
        The household question giving how many rows to expect (an XLSForm's repeat_count).
    exactly_one : str or None
        A condition on the roster's questions that exactly one row of each household holds
        (``relation = 1``: one head of household).
    sums : tuple of RosterSum
        Household totals that equal the sum over the roster.
    severity : str
        ``error`` (the household and its rows are quarantined) or ``warning``: the severity
        of a broken count, ``exactly_one`` or sum.
    within : str or None
        The roster this one is nested in (plots within a household's farms): its rows belong
        to a row of that roster, and ``count`` and the totals of ``sums`` are questions of
        it. ``None`` for a roster of the household.
    older_than : tuple of OlderThan
        Ages expected between rows of one household (a child younger than the head's spouse),
        checked as warnings.
    """

    section: Section
    key: str
    count: str | None = None
    exactly_one: str | None = None
    sums: tuple[RosterSum, ...] = ()
    severity: str = "error"
    within: str | None = None
    older_than: tuple[OlderThan, ...] = ()

    @property
    def code(self) -> str:
        """The roster's name: its section code, and its sheet and output files' name."""
        return self.section.code


@dataclass(frozen=True)
class Column:
    """One column of the dataset: a question, or one wave of a question asked in waves.

    Attributes
    ----------
    code : str
        The column name, ``<question>`` or ``<question>_<wave>``.
    question : Question
        The question the column answers.
    wave : int or None
        The wave (year) of the column, ``None`` for a question without waves.
    relevant : Condition or None
        The skip rule with its references bound to this column's wave.
    part_of : str or None
        The column of the total this amount is part of, in the same wave.
    """

    code: str
    question: Question
    wave: int | None = None
    relevant: Condition | None = None
    part_of: str | None = None


@dataclass(frozen=True)
class WavePair:
    """A question measured in two waves: the columns the analysis compares."""

    question: Question
    before: Column
    after: Column


@dataclass(frozen=True)
class Rule:
    """A check across questions: ``left op factor * right`` (or ``left op factor``).

    ``spending <= 2 * income`` warns when spending is more than twice the income. Rules on
    questions asked in waves hold in each wave the questions share.

    Attributes
    ----------
    code : str
        The check code its findings carry, e.g. ``spending_above_income``.
    left, op : str
        The question on the left and the comparison (``<=``, ``<``, ``>=``, ``>``, ``=``,
        ``!=``).
    right : str or None
        The question on the right, or ``None`` to compare with ``factor`` alone.
    factor : int or float
        The multiple of ``right`` (1 when none is written), or the number compared with.
    severity : str
        ``error`` (the row is quarantined) or ``warning``.
    message : Text or None
        What to tell the enumerator, per language.
    """

    code: str
    left: str
    op: str
    right: str | None
    factor: int | float = 1
    severity: str = "warning"
    message: Text | None = None

    @property
    def text(self) -> str:
        """The rule as written in the instrument."""
        if self.right is None:
            return f"{self.left} {self.op} {self.factor}"
        factor = "" if self.factor == 1 else f"{self.factor} * "
        return f"{self.left} {self.op} {factor}{self.right}"


@dataclass(frozen=True)
class BoundRule:
    """A rule bound to the dataset's columns (one per wave for questions in waves)."""

    rule: Rule
    left: str
    right: str | None
    wave: int | None = None


@dataclass(frozen=True)
class IndicatorConstruct:
    """A construct measured by one number of the dataset, for the structural model.

    Attributes
    ----------
    code : str
        The construct's name in the model's paths, e.g. ``income_growth``.
    label : Text
        Its name for readers, per language.
    kind : str
        How the number is made: ``column`` (a column as it is), ``change`` (the last wave
        minus the first) or ``growth`` (the natural log of the last wave over the first).
    source : str
        The column (``column``) or the question asked in waves (``change``, ``growth``).
    """

    code: str
    label: Text
    kind: str
    source: str


@dataclass(frozen=True)
class ModelPath:
    """One arrow of the structural model: ``source`` is thought to affect ``target``."""

    source: str
    target: str


@dataclass(frozen=True)
class StructuralModel:
    """The path model between constructs: scales and single-indicator constructs.

    Attributes
    ----------
    constructs : dict of str to IndicatorConstruct
        The single-indicator constructs, in the order declared.
    paths : tuple of ModelPath
        The arrows, in the order declared; the model has no cycle.
    """

    constructs: dict[str, IndicatorConstruct] = field(default_factory=dict)
    paths: tuple[ModelPath, ...] = ()

    @property
    def construct_codes(self) -> tuple[str, ...]:
        """Every construct a path names, in the order first named."""
        return tuple(dict.fromkeys(c for p in self.paths for c in (p.source, p.target)))


@dataclass(frozen=True)
class Instrument:
    """A checked questionnaire.

    Build one with :func:`~villagesurvey.instrument.load_instrument` or
    :func:`~villagesurvey.instrument.parse_instrument`; both refuse an instrument with
    mistakes, so every reference in an ``Instrument`` resolves.
    """

    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    key: tuple[str, ...]
    sections: tuple[Section, ...]
    choices: dict[str, tuple[Choice, ...]] = field(default_factory=dict)
    scales: dict[str, Scale] = field(default_factory=dict)
    waves: tuple[int, ...] = ()
    rules: tuple[Rule, ...] = ()
    model: StructuralModel | None = None
    consent: Text | None = None
    """The consent statement read to the respondent before the interview, per language."""
    rosters: tuple[Roster, ...] = ()
    """The repeat groups, each with its own questions; not among ``sections``."""
    derived: tuple[Derived, ...] = ()
    """Household outcomes computed from the rosters (``derive:``), for the report."""
    monitoring_declared: Monitoring = field(default_factory=Monitoring)
    """The ``monitoring:`` block as the file gives it (``None`` where a default applies)."""

    @cached_property
    def monitoring(self) -> Monitoring:
        """What field monitoring reads: the ``monitoring:`` block with its defaults filled in."""
        return resolve_monitoring(self.monitoring_declared, self)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question, in the order asked."""
        return tuple(q for section in self.sections for q in section.questions)

    @cached_property
    def _by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}

    def question(self, code: str) -> Question:
        """The question with this code; :class:`KeyError` if there is none."""
        return self._by_code[code]

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """The dataset's columns, in order: one per question, or one per wave of it."""
        waved = {q.code for q in self.questions if q.waves}
        columns: list[Column] = []
        for q in self.questions:
            condition = parse_condition(q.relevant) if q.relevant else None
            if not q.waves:
                columns.append(Column(q.code, q, None, condition, q.part_of))
                continue
            for wave in q.waves:
                bound = bind_waves(condition, wave, waved) if condition else None
                total = f"{q.part_of}_{wave}" if q.part_of else None
                columns.append(Column(f"{q.code}_{wave}", q, wave, bound, total))
        return tuple(columns)

    @cached_property
    def _columns_by_code(self) -> dict[str, Column]:
        return {c.code: c for c in self.columns}

    def column(self, code: str) -> Column:
        """The column with this code; :class:`KeyError` if there is none."""
        return self._columns_by_code[code]

    def choice_list(self, question: Question) -> tuple[Choice, ...]:
        """The choices of a question (a Likert item's come from its scale); empty if none."""
        name = question.choices
        if question.type == "likert" and question.scale:
            name = self.scales[question.scale].choices
        return self.choices.get(name, ()) if name else ()

    def scale_items(self, scale: str) -> tuple[Question, ...]:
        """The Likert items that belong to a scale, in the order asked."""
        return tuple(q for q in self.questions if q.scale == scale)

    @cached_property
    def totals(self) -> dict[str, tuple[Column, ...]]:
        """Each total's column and the columns of its parts, which should not add up to more."""
        totals: dict[str, list[Column]] = {}
        for column in self.columns:
            if column.part_of:
                totals.setdefault(column.part_of, []).append(column)
        return {total: tuple(parts) for total, parts in totals.items()}

    @cached_property
    def bound_rules(self) -> tuple[BoundRule, ...]:
        """The cross-question rules on the dataset's columns, one per wave they share."""
        bound: list[BoundRule] = []
        for rule in self.rules:
            left = self.question(rule.left)
            right = self.question(rule.right) if rule.right else None
            waves = left.waves or (right.waves if right else ())
            if right is not None and left.waves and right.waves:
                waves = tuple(w for w in left.waves if w in right.waves)
            if not waves:
                bound.append(BoundRule(rule, rule.left, rule.right))
                continue
            for wave in waves:
                lcol = f"{rule.left}_{wave}" if left.waves else rule.left
                rcol = None
                if right is not None:
                    rcol = f"{right.code}_{wave}" if right.waves else right.code
                bound.append(BoundRule(rule, lcol, rcol, wave))
        return tuple(bound)

    @cached_property
    def wave_pairs(self) -> tuple[WavePair, ...]:
        """Before/after column pairs: each wave of a question against the one before it."""
        pairs: list[WavePair] = []
        for q in self.questions:
            waves = sorted(q.waves)
            for before, after in pairwise(waves):
                pairs.append(
                    WavePair(
                        q,
                        self.column(f"{q.code}_{before}"),
                        self.column(f"{q.code}_{after}"),
                    )
                )
        return tuple(pairs)

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the instrument's content (not its layout or comments), in hex.

        The analysis settings of a question (``when_skipped``, ``sesoi``) are left out: they
        change how answers are analysed, not what is asked, so returns collected with the
        same questions keep matching the instrument. So is the ``monitoring:`` block: it
        changes how fieldwork is watched, not what is asked.
        """
        from .dump import instrument_to_dict

        content = instrument_to_dict(self)
        content.pop("derive", None)  # how rosters are analysed, not what is asked
        content.pop("monitoring", None)  # how fieldwork is watched, not what is asked
        for section in content.get("sections", []):
            for question in section.get("questions", []):
                for name in ANALYSIS_FIELDS:
                    question.pop(name, None)
        canonical = json.dumps(
            content,
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            default=_json_default,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _json_default(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__}")
