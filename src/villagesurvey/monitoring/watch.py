"""The field monitoring views, run on a validation once its rows are checked.

What the views are given besides the rows (the sample list, the villages' centres) is read
first, by :func:`prepare`, before the returns: a damaged list stops the run at once, not
after the long part. :func:`watch` then runs the views in this order:

1. ``enumerators`` (:mod:`.enumerators`), first, so that its shares of rows with warnings
   count the checks' warnings and not the other views' signals;
2. ``gps`` (:mod:`.gps`), when the instrument has a geopoint question;
3. ``progress`` (:mod:`.progress`), against the sample list when one is given;
4. ``fabrication`` (:mod:`.fabrication`);
5. ``backchecks`` (:mod:`.backcheck_step`), when back-check returns are given.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..instrument import Instrument
    from ..validate.layout import Return
    from ..validate.result import Validation
    from .sample import SampleList

__all__ = ["VIEWS", "Watch", "prepare", "watch"]

VIEWS = ("enumerators", "gps", "progress", "fabrication", "backchecks")
"""Every view, in the order :func:`watch` runs them."""


@dataclass(frozen=True)
class Watch:
    """The monitoring views to run, and what they are given besides the rows."""

    listed: SampleList | None = None
    """The sample list (``validate --sample``)."""
    centres: Mapping[str, tuple[float, float]] | None = None
    """Each village's centre (``validate --villages``)."""
    backchecks: Sequence[str | Path] = ()
    """Back-check returns (``validate --backchecks``)."""
    views: frozenset[str] = frozenset(VIEWS)
    """The views to run (a view also needs what it reads: gps a geopoint question, ...)."""


def prepare(
    instrument: Instrument,
    *,
    sample: str | Path | None = None,
    villages: str | Path | None = None,
    backchecks: Sequence[str | Path] | None = None,
    views: Collection[str] = VIEWS,
    **reading: Any,
) -> Watch:
    """Read the sample list and the villages table, before the returns.

    Raises
    ------
    OptionError
        If a view is not one of :data:`VIEWS`.
    ReturnsError
        If the sample list cannot be read.
    OptionError
        If the villages table cannot be read.
    """
    from ..errors import OptionError
    from .sample import read_sample
    from .villages import read_villages

    unknown = sorted(set(views) - set(VIEWS))
    if unknown:
        raise OptionError(
            f"no monitoring view {', '.join(unknown)}; the views are {', '.join(VIEWS)}"
        )
    return Watch(
        listed=read_sample(sample, instrument, **reading) if sample is not None else None,
        centres=read_villages(villages, instrument.key[0]) if villages is not None else None,
        backchecks=tuple(backchecks or ()),
        views=frozenset(views),
    )


def watch(validation: Validation, views: Watch, returns: Sequence[Return], **reading: Any) -> None:
    """Run the monitoring views on a checked validation (see the module's docstring).

    Parameters
    ----------
    validation : Validation
        The households' validation; each view writes ``validation.monitoring[name]`` and
        adds its signals as warnings.
    views : Watch
        From :func:`prepare`.
    returns : sequence of Return
        The files as laid out, for the Excel letter of each point's column.
    **reading
        Limits passed on to the back-checks' own validation.
    """
    run = views.views
    if "enumerators" in run:
        from .enumerators import monitor_enumerators

        monitor_enumerators(validation)
    if "gps" in run:
        from .gps import gps_view, point_letters

        gps_view(validation, views.centres, point_letters(validation.instrument, returns))
    if "progress" in run:
        from .progress import add_progress

        add_progress(validation, views.listed)
    if "fabrication" in run:
        from .fabrication import add_fabrication

        add_fabrication(validation)
    if "backchecks" in run and views.backchecks:
        from .backcheck_step import add_backchecks

        add_backchecks(validation, views.backchecks, **reading)
