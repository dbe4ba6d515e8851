"""``analyse``: the before/after analysis of a clean dataset, returned as data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..errors import AnalysisError
from ..instrument import Instrument
from ._data import Outcome, demographic_questions, numeric_frame, pick_outcomes, resolve_by
from ._headline import headline_notes, missing_table
from .cpi import CpiTable, default_cpi
from .demographics import demographics_table
from .groups import difference_in_differences, exposure, subgroup_differences
from .notes import Note
from .outcome import SMALL_SAMPLE, add_holm, compare_outcome
from .roster_table import RosterSummary
from .scales import Measurement, ScaleNote, measure_scales
from .skips import fill_skipped

__all__ = ["SMALL_SAMPLE", "Analysis", "analyse"]


@dataclass(frozen=True)
class Analysis:
    """Everything the before/after report shows, as data.

    Attributes
    ----------
    instrument : Instrument
        The questionnaire the data follows (for labels and units).
    n : int
        Respondents in the dataset.
    cluster : str
        The column respondents are clustered by (the instrument's first key column).
    cluster_sizes : dict of str to int
        Respondents per cluster.
    base_year : int
        Money outcomes are in this year's prices.
    cpi : CpiTable or None
        The price index used (None when no outcome is money).
    cpi_factors : dict of int to float
        For each wave year, the factor ``CPI[base_year] / CPI[year]`` applied to its money.
    outcomes : DataFrame
        One row per compared outcome, in the instrument's order (see ``docs/report.md`` for
        every column); ``warnings`` holds a list of :class:`~villagesurvey.analysis.Note`.
    pairs : DataFrame
        The complete pairs behind the tests, long form: ``outcome``, ``cluster``,
        ``before``, ``after``, ``diff`` (money in base-year prices). No personal data.
    subgroups : dict
        ``{column: {category: outcomes-like DataFrame}}`` for each ``by`` column.
    subgroup_sizes : dict
        ``{column: {category: respondents}}``.
    demographics : DataFrame
        Table 1 (see :func:`~villagesurvey.analysis.demographics_table`).
    left_out : tuple of (str, str)
        Codes of the questions asked in waves but not compared, with the reason
        (``categorical``, ``not_numeric``).
    notes : tuple of Note
        Warnings for the top of the report, most important first.
    alpha, target_power : float
        Significance level and the power called adequate.
    measurement : Measurement or None
        Reliability and validity of the instrument's scales and its PLS path model (see
        :func:`~villagesurvey.analysis.measure_scales`); None when it declares no scales.
    missing : DataFrame
        One row per compared column: ``outcome``, ``column``, ``wave``, ``missing`` (still
        blank after skipped answers are filled), ``skipped`` (filled as ``when_skipped``
        says), then one column per village with its blanks.
    compare : str or None
        The 0/1 column that splits respondents into exposed and unexposed, if one was given.
    did : DataFrame
        With ``compare``: the difference-in-differences of each outcome (see
        :func:`~villagesurvey.analysis.groups.difference_in_differences`); else empty.
    subgroup_tests : dict of str to DataFrame
        For each ``by`` column other than the cluster, the cluster-robust test of each
        level's mean change against the first level's
        (:func:`~villagesurvey.analysis.groups.subgroup_differences`).
    rosters : tuple of RosterSummary
        The rosters given with the data, described for Table 1 (members per household, by
        age and sex: :func:`~villagesurvey.analysis.roster_table.describe_roster`).
    """

    instrument: Instrument
    n: int
    cluster: str
    cluster_sizes: dict[str, int]
    base_year: int
    cpi: CpiTable | None
    cpi_factors: dict[int, float]
    outcomes: pd.DataFrame
    pairs: pd.DataFrame
    subgroups: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    subgroup_sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    demographics: pd.DataFrame = field(default_factory=pd.DataFrame)
    left_out: tuple[tuple[str, str], ...] = ()
    notes: tuple[Note, ...] = ()
    alpha: float = 0.05
    target_power: float = 0.8
    measurement: Measurement | None = None
    missing: pd.DataFrame = field(default_factory=pd.DataFrame)
    compare: str | None = None
    did: pd.DataFrame = field(default_factory=pd.DataFrame)
    subgroup_tests: dict[str, pd.DataFrame] = field(default_factory=dict)
    rosters: tuple[RosterSummary, ...] = ()


def analyse(
    instrument: Instrument,
    data: pd.DataFrame,
    *,
    cpi: CpiTable | None = None,
    base_year: int = 2020,
    by: Sequence[str] = (),
    alpha: float = 0.05,
    power: float = 0.8,
    source: str = "the dataset",
    bootstrap: int = 0,
    seed: int | None = None,
    progress: Callable[[int, int], object] | None = None,
    bootstrap_unit: str = "auto",
    sesoi: Mapping[str, float] | None = None,
    resamples: int = 999,
    compare: str | None = None,
) -> Analysis:
    """Compare every before/after outcome of ``data`` and say how far the numbers can be trusted.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire; its wave pairs are the outcomes, its first key column the cluster.
    data : DataFrame
        The clean dataset, one row per respondent, one column per instrument column (values
        as numbers or as text that reads as numbers; choice answers as codes).
    cpi : CpiTable, optional
        Price index for money outcomes; default China's national CPI (:func:`default_cpi`).
    base_year : int, default 2020
        Money outcomes are converted to this year's prices.
    by : sequence of str
        Columns to repeat the comparison within each category of (``"gender"``,
        ``"village"``).
    alpha, power : float
        Significance level, and the power below which a warning is given.
    source : str
        How to name ``data`` in error messages (e.g. its file name).
    bootstrap, seed, progress
        Resamples for the standard errors of the path model's coefficients (0 for none), the
        seed of the resampling, and ``progress(done, total)`` called as they are estimated.
    bootstrap_unit : {"auto", "cluster", "respondent"}, default "auto"
        What that bootstrap resamples (see :func:`measure_scales`).
        seed of the resampling (also of the outcomes' bootstraps), and ``progress(done,
        total)`` called as they are estimated.
    sesoi : mapping of str to float, optional
        Smallest change of interest per outcome or question code, in its unit; overrides the
        instrument's ``sesoi``.
    resamples : int, default 999
        Draws of the wild cluster bootstrap and of the cluster bootstrap of each outcome.
    compare : str, optional
        A yes/no column coded 0/1 (``ecom_participation_2022``): adds the
        difference-in-differences of each outcome, exposed (1) against unexposed (0).

    Returns
    -------
    Analysis

    Raises
    ------
    AnalysisError
        A missing column, a value that is not a number, a CPI table without a needed year,
        or a ``by`` column that does not exist or is personal data.
    """
    outcomes, left_out = pick_outcomes(instrument)
    cluster = instrument.key[0]
    groups = resolve_by(instrument, by)
    people = demographic_questions(instrument)
    numeric = [c for o in outcomes for c in (o.pair.before.code, o.pair.after.code)]
    numeric += [q.code for q in people]
    frame, labels = numeric_frame(data, numeric, [cluster, *groups], source)
    factors: dict[int, float] = {}
    if any(o.pair.question.is_money for o in outcomes):
        cpi = cpi or default_cpi()
        for o in outcomes:
            if o.pair.question.is_money:
                for column in (o.pair.before, o.pair.after):
                    year = int(column.wave or base_year)
                    factors[year] = cpi.factor(year, base_year)
    else:
        cpi = None
    blank = frame.isna()
    structural = _structural(frame, data, outcomes)
    missing = missing_table(frame, blank, labels[cluster], outcomes)
    pairs = _pairs(frame, labels[cluster], outcomes, factors)
    settings = _Settings(alpha, power, _sesoi(instrument, outcomes, sesoi), resamples, seed)
    table = _table(pairs, outcomes, settings, structural)
    subgroups = {
        column: {
            level: _table(
                pairs[pairs["respondent"].isin(labels.index[labels[column] == level])],
                outcomes,
                settings,
            )
            for level in _levels(instrument, labels[column])
        }
        for column in groups
    }
    tests = {  # by village: the clusters themselves; the ICC says how much they differ
        column: subgroup_differences(pairs, labels[column], list(subgroups[column]))
        for column in groups
        if column != cluster
    }
    did = pd.DataFrame()
    if compare is not None:
        known = [c.code for c in instrument.columns]
        did = difference_in_differences(pairs, exposure(data, compare, known, source))
    sizes = labels[cluster].value_counts(sort=False).sort_index()
    measurement, unmeasured = _measure(
        instrument, data, bootstrap, seed, progress, source, bootstrap_unit
    )
    return Analysis(
        instrument=instrument,
        n=len(frame),
        cluster=cluster,
        cluster_sizes={str(k): int(v) for k, v in sizes.items()},
        base_year=base_year,
        cpi=cpi,
        cpi_factors=dict(sorted(factors.items())),
        outcomes=table,
        pairs=pairs.drop(columns="respondent"),
        subgroups=subgroups,
        subgroup_sizes={
            column: {level: int((labels[column] == level).sum()) for level in levels}
            for column, levels in subgroups.items()
        },
        demographics=demographics_table(instrument, frame, people),
        left_out=tuple(left_out),
        notes=(*headline_notes(table, len(frame), len(sizes), power, compare), *unmeasured),
        alpha=alpha,
        target_power=power,
        measurement=measurement,
        missing=missing,
        compare=compare,
        did=did,
        subgroup_tests=tests,
    )


def _measure(
    instrument: Instrument,
    data: pd.DataFrame,
    bootstrap: int,
    seed: int | None,
    progress: Callable[[int, int], object] | None,
    source: str,
    bootstrap_unit: str = "auto",
) -> tuple[Measurement | None, list[Note]]:
    """The scales' measurement, or a note saying why it could not be made (the before/after
    comparison does not need the scales' items)."""
    if not instrument.scales:
        return None, []
    try:
        measured = measure_scales(
            instrument,
            data,
            bootstrap=bootstrap,
            seed=seed,
            bootstrap_unit=bootstrap_unit,
            progress=progress,
            source=source,
        )
    except AnalysisError as exc:
        return None, [ScaleNote("scales_not_measured", {"reason": str(exc)})]
    return measured, []


def _structural(frame: pd.DataFrame, data: pd.DataFrame, outcomes: list[Outcome]) -> dict[str, int]:
    """Fill the structural zeros of ``frame`` in place; per outcome, how many were filled."""
    columns = {c.code: c for o in outcomes for c in (o.pair.before, o.pair.after)}
    filled = fill_skipped(frame, data, list(columns.values()))
    return {o.name: filled[o.pair.before.code] + filled[o.pair.after.code] for o in outcomes}


def _sesoi(
    instrument: Instrument, outcomes: list[Outcome], given: Mapping[str, float] | None
) -> dict[str, float]:
    known = {q.code: float(q.sesoi) for q in instrument.questions if q.sesoi is not None}
    names = {o.name for o in outcomes} | {o.pair.question.code for o in outcomes}
    for name, value in (given or {}).items():
        if name not in names:
            raise AnalysisError(
                f"--sesoi {name}={value}: {name!r} is not a before/after outcome; use one of "
                + ", ".join(o.name for o in outcomes)
            )
        if not value > 0:
            raise AnalysisError(f"--sesoi {name}={value}: give a positive change in its unit")
        known[name] = float(value)
    return known


def _pairs(
    frame: pd.DataFrame, cluster: pd.Series, outcomes: list[Outcome], factors: dict[int, float]
) -> pd.DataFrame:
    parts = []
    for o in outcomes:
        before = frame[o.pair.before.code]
        after = frame[o.pair.after.code]
        if o.pair.question.is_money:
            before = before * factors[int(o.pair.before.wave or 0)]
            after = after * factors[int(o.pair.after.wave or 0)]
        parts.append(
            pd.DataFrame(
                {
                    "outcome": o.name,
                    "respondent": frame.index,
                    "cluster": cluster.to_numpy(dtype=object),
                    "before": before.to_numpy(),
                    "after": after.to_numpy(),
                    "diff": (after - before).to_numpy(),
                }
            )
        )
    columns = ["outcome", "respondent", "cluster", "before", "after", "diff"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _table(
    pairs: pd.DataFrame,
    outcomes: list[Outcome],
    settings: _Settings,
    structural: dict[str, int] | None = None,
) -> pd.DataFrame:
    rows = [
        compare_outcome(
            o,
            pairs[pairs["outcome"] == o.name],
            alpha=settings.alpha,
            power=settings.power,
            sesoi=settings.sesoi.get(o.name, settings.sesoi.get(o.pair.question.code)),
            structural=(structural or {}).get(o.name, 0),
            resamples=settings.resamples,
            seed=settings.seed,
        )
        for o in outcomes
    ]
    return add_holm(pd.DataFrame(rows), settings.alpha)


@dataclass(frozen=True)
class _Settings:
    alpha: float
    power: float
    sesoi: dict[str, float]
    resamples: int
    seed: int | None


def _levels(instrument: Instrument, values: pd.Series) -> list[str]:
    present = [str(v) for v in values.dropna().unique()]
    column = instrument.column(str(values.name))
    order = [str(c.code) for c in instrument.choice_list(column.question)]
    return [c for c in order if c in present] + sorted(set(present) - set(order))
