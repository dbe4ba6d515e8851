"""The outliers of the streamed path (:mod:`villagesurvey.validate.stream_outliers`): each
column judged by a worker process, the warnings those of one process, and of numpy.quantile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from villagesurvey.instrument import load_instrument
from villagesurvey.validate.hfc import outlier_columns
from villagesurvey.validate.partition_check import BLANK_GROUP, Keeps
from villagesurvey.validate.stream_outliers import judge_task
from villagesurvey.validate.stream_pool import Workers, partition_pool
from villagesurvey.validate.streamed import Partition, Partitions
from villagesurvey.validate.waiting_keeps import wait_keeps

from .test_validate_hfc import _fences_by_numpy

ROOT = Path(__file__).resolve().parents[1]
ROWS = 12_000
GROUPS = 300


@pytest.fixture(scope="module")
def instrument() -> Any:
    return load_instrument(ROOT / "instruments" / "village_ecommerce.yaml")


def _answers(kind: int, rng: np.random.Generator) -> np.ndarray:
    """A column's answers of one of seven kinds, a few far out, some blank."""
    values = [
        np.round(rng.lognormal(9, 0.7, ROWS), -2),  # amounts in hundreds, ties
        np.round(rng.normal(0, 3, ROWS)) * rng.choice([1.0, -1.0], ROWS),  # -0.0 beside 0.0
        np.where(rng.random(ROWS) < 0.002, np.inf, np.round(rng.normal(40, 9, ROWS))),
        rng.integers(0, 7, ROWS).astype(float),  # too few different values: not judged
        rng.normal(100, 15, ROWS),  # all different: selected, not counted
        np.full(ROWS, np.nan),  # nothing answered
        np.where(rng.random(ROWS) < 0.001, -np.inf, np.round(rng.normal(40, 9, ROWS))),
    ][kind % 7]
    far = rng.random(ROWS) < 0.003
    values[far] = values[far] * 40 + 7
    values[rng.random(ROWS) < 0.05] = np.nan
    return values


def _batch(instrument: Any, seed: int) -> dict[str, Any]:
    """Answers of every outlier column for records of many groups (small and large, one of
    them blank), as the partitions' checks keep them."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, GROUPS, ROWS) ** 2 % GROUPS  # uneven sizes, many under 30
    columns = outlier_columns(instrument)
    blank = int(np.bincount(codes).argmax())  # the largest group has no village
    return {
        "codes": codes,
        "blank": blank,
        "labels": [None if g == blank else f"V{g:04d}" for g in range(GROUPS)],
        "records": np.arange(ROWS, dtype=np.int64) * 2 + 1,  # total rows between
        "values": {code: _answers(n, rng) for n, code in enumerate(columns)},
    }


def _partitions(instrument: Any, folder: Path, pool: Workers | None, batch: dict) -> Partitions:
    """The batch kept as the partitions' checks keep it, three partitions of it."""
    parts = Partitions(instrument, folder, pool=pool)
    for first, end in ((0, 5_000), (5_000, 5_001), (5_001, ROWS)):
        met = list(dict.fromkeys(batch["codes"][first:end].tolist()))  # in order first met
        at = {group: n for n, group in enumerate(met)}
        records = batch["records"][first:end]
        keeps = Keeps(
            records=records,
            answers=records.astype(np.uint64),  # no duplicates
            submitted=np.zeros(len(records), dtype=np.uint64),
            keys=records.astype(np.uint64),
            complete=np.ones(len(records), dtype=bool),
            submissions=False,
            group_keys=[BLANK_GROUP if g == batch["blank"] else f"V{g:04d}" for g in met],
            group_labels=[batch["labels"][g] for g in met],
            groups=np.array([at[g] for g in batch["codes"][first:end].tolist()], np.intp),
            sound_records=records,
            values={code: v[first:end] for code, v in batch["values"].items()},
        )
        parts._keep(wait_keeps(keeps, folder / f"{first}.keeps", outlier_columns(instrument)))
        parts.parts.append(Partition("census.csv", first, end - first, folder / "x"))
    return parts


class _Watched:
    """An executor that notes every task handed to it, then hands it on."""

    def __init__(self, executor: Any) -> None:
        self.executor = executor
        self.tasks: list[tuple[Any, tuple[Any, ...]]] = []

    def submit(self, function: Any, *arguments: Any) -> Any:
        self.tasks.append((function, arguments))
        return self.executor.submit(function, *arguments)


def test_each_column_is_judged_by_a_worker_as_this_process_judges_it(
    instrument: Any, tmp_path: Path
) -> None:
    batch = _batch(instrument, seed=5)
    here = _partitions(instrument, tmp_path / "here", None, batch).outliers(3.0)
    with partition_pool(2) as started:
        assert started is not None
        watched = _Watched(started.executor)
        pool = Workers(watched, started.jobs)  # type: ignore[arg-type]
        parts = _partitions(instrument, tmp_path / "there", pool, batch)
        copies, there = parts.reductions(3.0)
    assert len(list((tmp_path / "there").glob("*.keeps"))) == 3  # kept until dropped
    parts.drop_reductions()  # the arrays read, and the groups: deleted
    assert not list((tmp_path / "there").glob("*.keeps"))
    assert not (tmp_path / "there" / "outliers").exists()
    judged = [arguments[4] for function, arguments in watched.tasks if function is judge_task]
    assert judged == outlier_columns(instrument)  # every column, once, through the pool
    assert copies.empty
    assert len(there) > 100
    pd.testing.assert_frame_equal(there, here)
    messages = " ".join(here["message"])
    assert "village_id (blank)" in messages
    assert "all returns" in messages
    assert "village_id V0" in messages


def test_the_answers_flagged_are_those_beyond_numpy_quantiles_fences(
    instrument: Any, tmp_path: Path
) -> None:
    """Outside reference: numpy.quantile's fences of each group (of all returns for a small
    one), on the amounts' logarithm for money."""
    batch = _batch(instrument, seed=9)
    table = _partitions(instrument, tmp_path, None, batch).outliers(3.0)
    codes = batch["codes"]
    for code, values in batch["values"].items():
        question = instrument.column(code).question
        if question.special:
            values = np.where(np.isin(values, question.special), np.nan, values)
        logged = question.is_money and not (values < 0).any()
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.log(np.where(values > 0, values, np.nan)) if logged else values
            low, high = _fences_by_numpy(scale, codes, 3.0)
            far = (scale > high) | ((scale < low) & (not logged))
        flagged = table.loc[table["column"] == code, "record"].astype("int64").to_numpy()
        assert np.array_equal(flagged, batch["records"][far]), code
