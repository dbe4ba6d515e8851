"""A few persistent reader processes, one file at a time each, replaced when one dies.

The parent never runs a native reader. It hands a file's bytes to a worker
(:func:`._worker.serve`, started with 'spawn'), gathers its messages, and stops it if it runs
past its time. A worker that dies (a native abort, the memory limit) or is stopped costs
only its current file; the next file gets a fresh worker. Messages are unpickled with only
plain values and :mod:`datetime` types allowed, so even a subverted worker cannot make the
parent run code.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from ._worker import serve

__all__ = ["Outcome", "ReaderPool", "SheetData", "without_ctrl_c"]

_UNGUARDED = (
    "the reader process could not start: it imports the script that started it, which "
    "validates again at its top level; call validate_returns under "
    "'if __name__ == \"__main__\":'"
)

_START_ALLOWANCE = 30.0  # seconds a new worker may take to start, on top of the time limit
_LOG_TAIL = 4096
_MEMORY_SIGNS = ("memory allocation of", "MemoryError", "Cannot allocate memory", "out of memory")
_DATETIME = frozenset(("date", "datetime", "time", "timedelta", "timezone"))
_RESAVE = "open it in Excel or WPS, save it again as .xlsx and send that"


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _DATETIME:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a reader sent an unexpected {module}.{name}")


@dataclass
class SheetData:
    """One sheet as a worker sent it."""

    name: str
    first_row: int
    first_column: int
    formulas: list[tuple[int, int, str]]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Outcome:
    """What became of one file: sheets and notes, or a refusal (check, reason)."""

    sheets: list[SheetData] = field(default_factory=list)
    notes: list[tuple[str, str, str | None]] = field(default_factory=list)
    refusal: tuple[str, str] | None = None


@dataclass(eq=False)
class _Slot:
    process: BaseProcess
    connection: Connection
    log: str
    ready: bool = False
    job: int | None = None
    deadline: float = 0.0
    outcome: Outcome = field(default_factory=Outcome)


class ReaderPool:
    """Up to ``size`` reader processes with a memory limit each and a time limit per file.

    Parameters
    ----------
    size : int
        The most workers alive at once.
    memory_limit : int
        Bytes of address space each worker may use (where the system allows a limit).
    timeout : float
        Seconds a worker may spend on one file.
    """

    def __init__(self, size: int, memory_limit: int, timeout: float) -> None:
        self.size = max(1, size)
        self.memory_limit = memory_limit
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._slots: list[_Slot] = []
        self._folder: str | None = None
        self._started = 0

    def __enter__(self) -> ReaderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def idle(self) -> bool:
        """Whether a file can be handed over now."""
        return sum(slot.job is not None for slot in self._slots) < self.size

    def busy(self) -> bool:
        """Whether any file is being read."""
        return any(slot.job is not None for slot in self._slots)

    def submit(self, job: int, header: dict[str, Any], data: bytes) -> None:
        """Hand one file to an idle worker (started if need be); ``job`` names it in results."""
        for _ in range(2):
            slot = self._idle_slot()
            try:
                slot.connection.send_bytes(pickle.dumps(header, protocol=5))
                slot.connection.send_bytes(data)
            except OSError:  # it died while idle; a fresh one takes the file
                self._discard(slot)
                continue
            slot.job = job
            slot.outcome = Outcome()
            allowance = 0.0 if slot.ready else _START_ALLOWANCE
            slot.deadline = time.monotonic() + self.timeout + allowance
            return
        raise OSError("no reader process could be started")

    def collect(self) -> list[tuple[int, Outcome]]:
        """Wait until some file is finished (or stopped); return those finished."""
        finished: list[tuple[int, Outcome]] = []
        while not finished and self.busy():
            busy = [slot for slot in self._slots if slot.job is not None]
            left = min(slot.deadline for slot in busy) - time.monotonic()
            waiting: dict[Any, _Slot] = {}
            for slot in busy:
                waiting[slot.connection] = slot
                waiting[slot.process.sentinel] = slot
            for ready in wait(list(waiting), timeout=max(0.0, left)):
                slot = waiting[ready]
                if slot in self._slots:
                    finished.extend(self._drain(slot))
            now = time.monotonic()
            for slot in [s for s in self._slots if s.job is not None and s.deadline <= now]:
                finished.append(self._stop(slot, ("read_timeout", self._timeout_reason())))
        return finished

    def close(self) -> None:
        """Stop every worker and remove their logs."""
        for slot in self._slots:
            if slot.job is None:
                with contextlib.suppress(OSError):
                    slot.connection.send_bytes(pickle.dumps(None))
        for slot in list(self._slots):
            if slot.job is None:
                slot.process.join(timeout=2)
            self._discard(slot)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # -- workers ---------------------------------------------------------------------------

    def _idle_slot(self) -> _Slot:
        for slot in list(self._slots):
            if slot.job is None:
                if slot.process.is_alive():
                    return slot
                self._discard(slot)
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="villagesurvey-readers-")
        self._started += 1
        log = os.path.join(self._folder, f"reader-{self._started}.log")
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=serve,
            args=(child, self.memory_limit, log),
            name=f"villagesurvey-reader-{self._started}",
            daemon=True,
        )
        with without_ctrl_c(), _stderr_into(log):
            process.start()  # the reader inherits Ctrl-C held back: the parent stops it
        child.close()
        slot = _Slot(process, parent, log)
        self._slots.append(slot)
        return slot

    def _discard(self, slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        slot.connection.close()
        if slot.log and os.path.exists(slot.log):
            os.remove(slot.log)
        if slot in self._slots:
            self._slots.remove(slot)

    def _stop(self, slot: _Slot, refusal: tuple[str, str]) -> tuple[int, Outcome]:
        job = slot.job
        assert job is not None  # only busy slots are stopped
        self._discard(slot)
        return job, Outcome(refusal=refusal)

    def _drain(self, slot: _Slot) -> list[tuple[int, Outcome]]:
        """Handle every message waiting from one worker; notice if it has died."""
        while True:
            try:
                if not slot.connection.poll():
                    if slot.process.is_alive():
                        return []
                    raise EOFError
                message = _Unpickler(io.BytesIO(slot.connection.recv_bytes())).load()
            except (EOFError, OSError):
                if slot.job is None:
                    self._discard(slot)
                    return []
                return [self._stop(slot, self._death(slot))]
            except (pickle.UnpicklingError, ValueError, TypeError, AttributeError) as error:
                if slot.job is None:
                    self._discard(slot)
                    return []
                return [self._stop(slot, ("reader_crashed", f"the reader went wrong ({error})"))]
            done = self._handle(slot, message)
            if done is not None:
                if done[1].refusal is not None and done[1].refusal[0] == "memory_limit":
                    self._discard(slot)  # it is exiting; it must not be given another file
                return [done]

    def _handle(self, slot: _Slot, message: tuple[Any, ...]) -> tuple[int, Outcome] | None:
        kind, outcome = message[0], slot.outcome
        if kind == "ready":
            slot.ready = True
            if slot.job is not None:
                slot.deadline = time.monotonic() + self.timeout
        elif kind == "note":
            outcome.notes.append((message[1], message[2], message[3]))
        elif kind == "sheet":
            outcome.sheets.append(SheetData(*message[1:5]))
        elif kind == "rows":
            outcome.sheets[-1].rows.extend(message[1])
        elif kind in ("done", "refused"):
            job = slot.job
            if job is None:
                return None
            if kind == "refused":
                check, reason = message[1], message[2]
                if check == "memory_limit":
                    reason = self._memory_reason()
                outcome = Outcome(notes=outcome.notes, refusal=(check, reason))
            slot.job, slot.outcome = None, Outcome()
            return job, outcome
        return None

    # -- reasons ---------------------------------------------------------------------------

    def _death(self, slot: _Slot) -> tuple[str, str]:
        slot.process.join(timeout=5)
        code = slot.process.exitcode
        try:
            with open(slot.log, "rb") as log:
                log.seek(max(0, os.path.getsize(slot.log) - _LOG_TAIL))
                last_words = log.read().decode("utf-8", "replace")
        except OSError:
            last_words = ""
        if any(sign in last_words for sign in _MEMORY_SIGNS):
            return "memory_limit", self._memory_reason()
        if not slot.ready:
            if "bootstrapping phase" in last_words:  # multiprocessing's words for it
                return "reader_crashed", _UNGUARDED
            last = last_words.strip().rpartition("\n")[2] or f"exit code {code}"
            return "reader_crashed", f"the reader process could not start ({last})"
        if code is not None and code < 0:
            try:
                how = f"signal {signal.Signals(-code).name}"
            except ValueError:
                how = f"signal {-code}"
        else:
            how = f"exit code {code}"
        return "reader_crashed", (
            f"the spreadsheet reader crashed on it ({how}); the file is damaged or was "
            f"made to break readers: {_RESAVE}"
        )

    def _memory_reason(self) -> str:
        return (
            f"reading it needed more than the memory limit of {self.memory_limit / 2**20:,.0f} "
            "MiB (its sheets span more cells than a survey return holds, or it was made to "
            "exhaust memory); delete the empty rows and columns below and right of the "
            "answers, or split the file, and send it again"
        )

    def _timeout_reason(self) -> str:
        return (
            f"reading it took longer than {self.timeout:g} seconds and was stopped; it is far "
            f"larger than a survey return or damaged: {_RESAVE}"
        )


@contextlib.contextmanager
def _stderr_into(log: str) -> Any:
    """Point standard error at the reader's log while it starts: whatever its interpreter
    says before the reader runs (a Ctrl-C while it imports) goes to the log the parent
    reads, never to the user's terminal, as the reader's own words do once it runs."""
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    saved = os.dup(2)
    try:
        os.dup2(descriptor, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(descriptor)


@contextlib.contextmanager
def without_ctrl_c() -> Any:
    """Hold Ctrl-C back while a child process starts (a reader, a partition's worker): the
    child inherits it held back, so that it never prints a traceback of its own when the
    user interrupts (the parent stops it); in the parent, a Ctrl-C that came meanwhile is
    delivered right after."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: readers have no console signals
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
