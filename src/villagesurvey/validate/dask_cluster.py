"""A Dask client: a ``LocalCluster`` on this machine, or an existing cluster's scheduler.

Dask is an optional extra (``pip install villagesurvey[dask]``); it is imported here only,
when a command asks for it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import OptionError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["INSTALL", "dask_client"]

INSTALL = "pip install villagesurvey[dask]"
"""What installs Dask beside villagesurvey."""

CONNECT_SECONDS = 10.0
"""Seconds to wait for a scheduler before saying it cannot be reached."""

WORKER_MEMORY = "auto"
"""Memory of each local worker: the machine's memory shared among them."""


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None, workers: int | None = None, timeout: float | None = None
) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a new ``LocalCluster``.

    Parameters
    ----------
    scheduler : str, optional
        An existing cluster's scheduler (``tcp://host:8786``); if not given, a
        ``LocalCluster`` of worker processes (one thread each) is started, and closed after.
    workers : int, optional
        The local cluster's workers (default: the machine's cores).
    timeout : float, optional
        Seconds to wait for the scheduler (default :data:`CONNECT_SECONDS`).

    Raises
    ------
    OptionError
        If Dask is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise OptionError(f"validating on Dask needs Dask: {INSTALL}") from None
    if scheduler is not None:
        _check_address(scheduler)
        try:
            client = Client(scheduler, timeout=timeout or CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as error:
            said = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise OptionError(f"cannot reach the Dask scheduler at {scheduler}: {said}") from None
        with client:
            yield client
        return
    count = workers or os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            memory_limit=WORKER_MEMORY,
            dashboard_address=":0",  # any free port: no warning if 8787 is taken
            silence_logs=logging.CRITICAL,  # a failed task is said once, by the command
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


def _check_address(scheduler: str) -> None:
    """Refuse an address that names no host and port (``tcp://host:8786``)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(scheduler, strict=False)
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(location)
    except ValueError as error:
        raise OptionError(
            f"cannot reach the Dask scheduler at {scheduler}: {error} (write tcp://host:8786)"
        ) from None
