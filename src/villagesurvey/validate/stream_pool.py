"""Worker processes for the partitions of the streamed path, their results in order.

:func:`partition_pool` starts up to ``jobs`` worker processes ('spawn', as :mod:`._pool`
does: a child imports only what its task needs, never the command line). :func:`in_order`
runs a stream of tasks on them, holding at most ``jobs + 1`` in flight (each one holds a
partition: this bounds the memory), and gives back each result in the order the tasks came,
so that the outputs are those of one process. Without a pool, the tasks run here one after
the other: the single-process path, which needs no ``if __name__ == "__main__":`` guard.

A worker that dies (killed, out of memory) stops the run with a :class:`.ReturnsError`
naming the file it was checking; the other workers are stopped. Workers ignore Ctrl-C: the
parent stops them when it is interrupted, so that none prints a traceback of its own.

Values every task of a phase needs (the instrument, the empty rosters) travel once per
worker: :class:`Shared` holds them here and, pickled, only the path of a file they were
written to, which each worker reads once.

Memory a task freed stays with its worker while the tasks follow one another (the next task
uses it again, without the cost of the system handing it over page by page once more:
:func:`keep_freed`); when the partitions are checked (between the two passes the workers
find the duplicates and judge the outlier columns, with less memory), :func:`idle` has
every worker, and this process, give the C library's free memory back to the system.

:func:`in_order` bounds the tasks in flight (each holds a partition); :func:`ahead` hands a
few tasks of small results to the workers at once (the outlier columns), so that they run
while this process does something else.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..errors import ReturnsError
from ._pool import without_ctrl_c

__all__ = [
    "MAX_DEFAULT_JOBS",
    "Shared",
    "Workers",
    "ahead",
    "alongside",
    "default_jobs",
    "give_back",
    "idle",
    "in_order",
    "keep_freed",
    "keep_large_blocks",
    "not_while_starting",
    "on_each_worker",
    "partition_pool",
]

MAX_DEFAULT_JOBS = 4
"""The most worker processes used by default, whatever the number of cores: each holds a
partition (on the census, about 800 MiB a worker at the peak, in partitions of 180,000 rows
of 61 questions)."""

T = TypeVar("T")
M = TypeVar("M")

_LOADED: dict[str, Any] = {}  # in a worker: the shared values read, by file (a few a run)
_TOGETHER: list[Any] = []  # in a worker: the barrier of on_each_worker

_TOGETHER_WAIT = 60.0
"""Seconds a worker waits at the barrier for the others (:func:`on_each_worker`)."""


def usable_cpus() -> int:
    """The processors this process may run on (its affinity, where the system says)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_jobs() -> int:
    """Worker processes by default: one per usable processor, at most :data:`MAX_DEFAULT_JOBS`."""
    return min(usable_cpus(), MAX_DEFAULT_JOBS)


class Shared(Generic[T]):
    """A value shared by the tasks of a phase: held here, read from its file in a worker.

    Parameters
    ----------
    path : Path
        Where the value is written (pickled) for the workers; in a staging folder.
    value : object
        The value.
    """

    def __init__(self, path: Path, value: T) -> None:
        self.path = path
        self.value = value
        with open(path, "wb") as out:
            pickle.dump(value, out, pickle.HIGHEST_PROTOCOL)

    def __reduce__(self) -> tuple[Callable[[str], Any], tuple[str]]:
        return _shared_from, (str(self.path),)


def _shared_from(path: str) -> Any:
    """The value of a :class:`Shared` in a worker, read once from its file."""
    if path not in _LOADED:
        with open(path, "rb") as stream:
            _LOADED[path] = pickle.load(stream)  # noqa: S301  (written by this run, in its staging folder)
    shared = Shared.__new__(Shared)
    shared.path, shared.value = Path(path), _LOADED[path]
    return shared


@dataclass
class Workers:
    """Worker processes (an executor of ``jobs`` processes)."""

    executor: ProcessPoolExecutor
    jobs: int


@contextlib.contextmanager
def partition_pool(jobs: int, ready: Sequence[str] = ()) -> Iterator[Workers | None]:
    """Up to ``jobs`` worker processes, or ``None`` (work in this process) for one job.

    With ``ready``, every worker is started at once and imports these modules while this
    process goes on (a second or more each, otherwise paid when the first task comes).
    Every worker is stopped on the way out, at once when an error or Ctrl-C ends the run.
    """
    if jobs <= 1:
        yield None
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start,
        initargs=(context.Barrier(jobs), tuple(ready)),
    )
    finished = False
    try:
        if ready:
            with without_ctrl_c():  # a worker started now inherits Ctrl-C held back
                for _ in range(jobs):  # a task each while none is idle: every worker starts
                    pool.submit(int)
        yield Workers(pool, jobs)
        finished = True
    finally:
        if not finished:
            _stop(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def not_while_starting() -> None:
    """Stop, in one line, a worker process that is starting when the script that started
    its pool asks for workers again as the worker imports it (a script without the
    ``if __name__ == "__main__":`` guard): the run that started it then stops with a
    :class:`.ReturnsError` saying so, without a traceback from each worker.

    Raises
    ------
    SystemExit
        In a process of :mod:`multiprocessing` still starting (importing its parent's
        script); nowhere else.
    """
    import multiprocessing
    import sys

    if getattr(multiprocessing.current_process(), "_inheriting", False):
        sys.stderr.write(
            "villagesurvey: a worker process stopped: importing the script that started it, "
            "it was asked to start workers again (call validate_streamed under "
            "'if __name__ == \"__main__\":')\n"
        )
        raise SystemExit(1)


def in_order(
    pool: Workers | None,
    tasks: Iterable[tuple[M, Callable[..., T], tuple[Any, ...]]],
    name_of: Callable[[M], str],
) -> Iterator[tuple[M, T]]:
    """Run each task ``(meta, function, arguments)`` and give ``(meta, result)`` in order.

    With a pool, at most ``jobs + 1`` tasks are in flight; ``tasks`` is drawn from (here,
    in this process) only as results are taken. An exception a task raises is raised here,
    in the order of the tasks.

    Raises
    ------
    ReturnsError
        If a worker died: ``name_of(meta)`` names the file its partition came from.
    """
    if pool is None:
        for meta, function, arguments in tasks:
            yield meta, function(*arguments)
        return
    limit = pool.jobs + 1
    flight: deque[tuple[M, Future[T]]] = deque()
    try:
        for meta, function, arguments in tasks:
            flight.append((meta, _submit(pool, meta, function, arguments, name_of)))
            while len(flight) >= limit:
                yield _result(*flight.popleft(), name_of)
        while flight:
            yield _result(*flight.popleft(), name_of)
    finally:
        for _, future in flight:
            future.cancel()


def ahead(
    pool: Workers | None,
    tasks: Iterable[tuple[M, Callable[..., T], tuple[Any, ...]]],
    name_of: Callable[[M], str],
) -> Iterator[tuple[M, T]]:
    """:func:`in_order` for a few tasks with small results, all handed to the workers at
    once: they run while this process does something else, until their results are taken.
    Without a pool, each task runs here when its result is taken.

    Raises
    ------
    ReturnsError
        If a worker died, when the results are taken: ``name_of(meta)`` names the file.
    """
    if pool is None:
        return ((meta, function(*arguments)) for meta, function, arguments in tasks)
    flight = [(meta, _submit(pool, meta, function, arguments, name_of))
              for meta, function, arguments in tasks]  # fmt: skip
    return _taken(flight, name_of)


def _taken(flight: list[tuple[M, Future[T]]], name_of: Callable[[M], str]) -> Iterator[tuple[M, T]]:
    try:
        for meta, future in flight:
            yield _result(meta, future, name_of)
    finally:
        for _, future in flight:
            future.cancel()


def _submit(
    pool: Workers,
    meta: M,
    function: Callable[..., T],
    arguments: tuple[Any, ...],
    name_of: Callable[[M], str],
) -> Future[T]:
    try:
        with without_ctrl_c():  # a worker started now inherits Ctrl-C held back
            return pool.executor.submit(function, *arguments)
    except BrokenProcessPool:  # a worker died while idle
        raise _died(name_of(meta)) from None


def _result(meta: M, future: Future[T], name_of: Callable[[M], str]) -> tuple[M, T]:
    try:
        return meta, future.result()
    except BrokenProcessPool:
        raise _died(name_of(meta)) from None


def _died(name: str) -> ReturnsError:
    return ReturnsError(
        f"{name}: a worker process checking it stopped abruptly (killed, or out of memory); "
        "nothing was written: give fewer --jobs or smaller --partition-rows, or call "
        "validate_streamed under 'if __name__ == \"__main__\":' in a script"
    )


def idle(pool: Workers | None, name: str) -> None:
    """Every worker, and this process, give the memory they freed back to the system: the
    C library's heap and Arrow's unused pool memory. Arrow's allocator keeps its pages in a
    worker (:func:`keep_freed`): on the census, a worker holds about 450 MiB while the
    duplicates and the outlier fences are drawn (about 200 MiB when it lets them go).

    Raises
    ------
    ReturnsError
        If a worker died: ``name`` names the file it was checking.
    """
    if pool is not None:
        on_each_worker(pool, give_back, name)
    give_back()


def on_each_worker(pool: Workers, function: Callable[[], T], name: str) -> list[T]:
    """Run ``function`` once in every worker (started if need be), and give its results.

    Each worker takes one of ``jobs`` tasks that meet at a barrier before they run
    ``function`` (a worker waiting there takes no other task), so that none is left out.

    Raises
    ------
    ReturnsError
        If a worker died: ``name`` names the file it was checking.
    """
    futures = [_submit(pool, name, _together, (function,), str) for _ in range(pool.jobs)]
    return [_result(name, future, str)[1] for future in futures]


def _together(function: Callable[[], T]) -> T:
    """In a worker: wait for the others at the barrier (alone after a while), then run."""
    import threading

    with contextlib.suppress(threading.BrokenBarrierError):
        _TOGETHER[0].wait(_TOGETHER_WAIT)
    return function()


def give_back() -> None:
    """Arrow's unused pool memory, then the C heap's free pages (glibc's ``malloc_trim``;
    nothing where the C library has none)."""
    import sys

    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    _glibc("malloc_trim", 0)


def _start(together: Any, ready: tuple[str, ...]) -> None:
    """In a worker: leave Ctrl-C to the parent, which stops the workers; keep the barrier
    of :func:`on_each_worker`; keep the memory tasks free for the next (:func:`keep_freed`);
    import the modules ``ready`` names."""
    import importlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _TOGETHER[:] = [together]
    keep_freed()
    for module in ready:
        importlib.import_module(module)


_HEAP_BLOCK = 32 << 20
"""The largest block glibc's heap may hand out (glibc refuses more): larger ones are mapped."""

_HEAP_KEPT = 1 << 30
"""Free memory at the top of glibc's heap a worker keeps rather than gives back."""

_YOUNG_OBJECTS = 50_000
"""Container objects made before Python's collector looks for cycles among the young ones."""

_KEEPING = False
"""Whether this process keeps the memory it frees (:func:`keep_freed` was called)."""


@contextlib.contextmanager
def alongside(function: Callable[..., object], *arguments: Any) -> Iterator[None]:
    """Run ``function(*arguments)`` in a thread of this process while the block runs (work
    the kernel does, such as deleting files, beside work in Python); its error, if any, is
    raised once both are done."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        done = thread.submit(function, *arguments)
        yield
    done.result()


def keep_freed() -> None:
    """Keep the memory a task frees for the next task, in a worker (and in the command's own
    process when it checks the partitions itself).

    By default glibc maps each block of more than a few hundred KiB on its own, gives it back
    when it is freed and trims its heap's free top: the next partition's columns are then
    new pages the system zeroes again (on the 10,000,000-row census, 2 to 3 million page
    faults and a fifth of the CPU time in the kernel). Here blocks up to 32 MiB come from the
    heap, which keeps up to 1 GiB free at its top (:func:`idle` still gives it back between
    the passes). Arrow's allocator (mimalloc) likewise keeps what it freed, when Arrow is
    not loaded yet (``MIMALLOC_PURGE_DELAY=-1`` unless set: it gives pages back 10 ms after
    they are freed otherwise): on the census, 287,000 page faults against 622,000, for about
    400 MiB more at the peak of two workers. Python's collector looks for cycles after
    50,000 new containers rather than 700: a partition makes millions of short-lived ones.
    """
    import gc

    global _KEEPING
    _KEEPING = True
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "-1")
    gc.set_threshold(_YOUNG_OBJECTS, *gc.get_threshold()[1:])
    _glibc("mallopt", -3, _HEAP_BLOCK)  # M_MMAP_THRESHOLD
    _glibc("mallopt", -1, _HEAP_KEPT)  # M_TRIM_THRESHOLD


def keep_large_blocks() -> None:
    """From now on, take blocks of every size from glibc's heap in this process, and keep
    them there once freed (as :func:`keep_freed` keeps those up to 32 MiB).

    For the outlier fences: judging a column of the census allocates and frees a handful of
    arrays of 80 MB each (its answers, their logarithms, the fences of each answer), and
    each would otherwise be new pages the system zeroes (a third of the CPU time while the
    fences are drawn, by ``perf``). Taken from the heap, the next column reuses them. Peak
    memory does not grow: the second pass then reuses the same pages. Only in a process that
    keeps what it frees (:func:`keep_freed`: a worker, or the command's own process), so that
    a script's own process is left as it was; nothing where the C library is not glibc.
    """
    if _KEEPING:
        _glibc("mallopt", -4, 0)  # M_MMAP_MAX: no block mapped on its own


def _glibc(function: str, *arguments: int) -> None:
    """Call the C library's ``function``: nothing where it is not glibc (not Linux, or a
    library without it)."""
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            getattr(ctypes.CDLL("libc.so.6"), function)(*arguments)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill every worker at once (an error or Ctrl-C ends the run)."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError):
            process.kill()
