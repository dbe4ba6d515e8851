"""The worker processes of the streamed path (:mod:`villagesurvey.validate.stream_pool`):
between the passes every worker, not just the ones that happen to be free, gives back the
memory it freed; work beside a block runs in a thread (:func:`alongside`)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from villagesurvey.validate import stream_pool
from villagesurvey.validate.stream_pool import (
    ahead,
    alongside,
    idle,
    in_order,
    keep_large_blocks,
    on_each_worker,
    partition_pool,
)


def test_each_worker_runs_once_whether_started_or_not() -> None:
    with partition_pool(2) as pool:
        assert pool is not None
        first = on_each_worker(pool, os.getpid, "a.csv")  # starts the workers it needs
        assert len(set(first)) == 2
        assert os.getpid() not in first
        tasks = ((n, os.getpid, ()) for n in range(7))
        used = {pid for _, pid in in_order(pool, tasks, str)}
        again = on_each_worker(pool, os.getpid, "a.csv")
        assert sorted(again) == sorted(first)
        assert used <= set(first)
        idle(pool, "a.csv")  # gives back in each worker and here; the pool goes on
        assert sorted(on_each_worker(pool, os.getpid, "a.csv")) == sorted(first)


def test_one_task_then_each_worker() -> None:
    with partition_pool(3) as pool:
        assert pool is not None
        ((_, pid),) = in_order(pool, [("only", os.getpid, ())], str)  # one worker started
        pids = on_each_worker(pool, os.getpid, "a.csv")
        assert len(set(pids)) == 3
        assert pid in pids


def test_tasks_ahead_run_in_the_workers_and_come_back_in_order() -> None:
    with partition_pool(2) as pool:
        assert pool is not None
        workers = set(on_each_worker(pool, os.getpid, "a.csv"))
        results = ahead(pool, ((n, divmod, (n, 3)) for n in range(9)), str)
        pids = ahead(pool, ((n, os.getpid, ()) for n in range(6)), str)
        assert [(n, q) for n, q in results] == [(n, divmod(n, 3)) for n in range(9)]
        assert {pid for _, pid in pids} <= workers


def test_tasks_ahead_without_workers_run_here_when_taken() -> None:
    ran: list[int] = []
    results = ahead(None, ((n, ran.append, (n,)) for n in range(3)), str)
    assert ran == []
    assert [n for n, _ in results] == [0, 1, 2]
    assert ran == [0, 1, 2]


def test_workers_keep_what_a_task_freed_for_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's collector looks for cycles far less often than Python's default (700 new
    containers), so that a partition's millions of short-lived objects do not set it off
    thousands of times; this process is left as it was."""
    import gc

    monkeypatch.delenv("MIMALLOC_PURGE_DELAY", raising=False)  # not inherited from here
    here = gc.get_threshold()
    with partition_pool(2) as pool:
        assert pool is not None
        thresholds = on_each_worker(pool, gc.get_threshold, "a.csv")
        delays = on_each_worker(pool, _purge_delay, "a.csv")
    assert {t[0] for t in thresholds} == {50_000}
    assert gc.get_threshold() == here
    assert delays == ["-1", "-1"]  # Arrow's allocator keeps its pages too


def _purge_delay() -> str | None:
    return os.environ.get("MIMALLOC_PURGE_DELAY")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap and /proc")
def test_large_blocks_are_kept_for_the_next_column_once_asked() -> None:
    """A column's arrays of the census (80 MB each) are mapped on their own and given back
    when freed, until the fences are drawn (:func:`keep_large_blocks`): then a block freed
    stays in the worker for the next."""
    with partition_pool(2) as pool:
        assert pool is not None
        kept = on_each_worker(pool, _large_block_kept, "a.csv")
    assert kept == [(False, True), (False, True)]


def test_a_scripts_own_process_keeps_no_large_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """With one job the fences are drawn in the process that called validate: a script's,
    which did not ask to keep what it frees (:func:`keep_freed`), is left as it was."""
    import ctypes

    def no_c_library(name: str) -> None:
        raise AssertionError(f"{name} was asked to change this process")

    monkeypatch.setattr(stream_pool, "_KEEPING", False)
    monkeypatch.setattr(ctypes, "CDLL", no_c_library)
    keep_large_blocks()


def _large_block_kept() -> tuple[bool, bool]:
    before = _freed_stays()
    keep_large_blocks()
    return before, _freed_stays()


def _freed_stays() -> bool:
    """Whether the memory of a 160 MB array stays in this process once it is freed."""
    import numpy as np

    def resident() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    block = np.ones(20_000_000)
    held = resident()
    del block
    return resident() > held - 80_000_000


def test_workers_started_ready_import_the_modules_at_once() -> None:
    """With ``ready``, both workers are started before any task comes, each importing the
    modules named, so that the first partitions do not wait for them."""

    with partition_pool(2, ready=("json.tool",)) as pool:
        assert pool is not None
        assert len(pool.executor._processes) == 2  # started, not on demand
        loaded = on_each_worker(pool, _json_tool_loaded, "a.csv")
    assert loaded == [True, True]


def _json_tool_loaded() -> bool:
    import sys

    return "json.tool" in sys.modules


def test_work_alongside_runs_while_the_block_runs_and_its_error_comes_after() -> None:
    started, block_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def work() -> None:
        started.set()
        seen.append(block_done.wait(timeout=10))  # still running when the block ends

    with alongside(work):
        assert started.wait(timeout=10)  # begun before the block is over
        block_done.set()
    assert seen == [True]  # and done when the block is left

    def fails() -> None:
        raise OSError("cannot delete")

    after: list[str] = []
    with pytest.raises(OSError, match="cannot delete"), alongside(fails):
        after.append("block")
    assert after == ["block"]  # the block ran in full before the error
