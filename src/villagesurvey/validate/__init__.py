"""Validate field returns against their instrument: every problem located, nothing lost.

>>> import villagesurvey as vs
>>> instrument = vs.load_instrument("instruments/village_ecommerce.yaml")
>>> result = vs.validate_returns(instrument, ["returns/"])      # doctest: +SKIP
>>> vs.write_validation(result, "checked/")                    # doctest: +SKIP

:func:`validate_returns` reads and checks, and returns a :class:`Validation`;
:func:`write_validation` writes clean.csv, quarantine.csv, issues.csv, issues.xlsx and
summary.json. See ``docs/validate.md`` for every check code.

Public names load on first use, so that a reader process, which imports
:mod:`._worker` through this package, starts without pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .outputs import OUTPUTS as OUTPUTS
    from .outputs import summary_lines as summary_lines
    from .outputs import write_validation as write_validation
    from .run import FileReport as FileReport
    from .run import Validation as Validation
    from .run import validate_returns as validate_returns

_WHERE = {
    "OUTPUTS": "outputs",
    "FileReport": "run",
    "Validation": "run",
    "summary_lines": "outputs",
    "validate_returns": "run",
    "write_validation": "outputs",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
