"""Validate field returns against their instrument: every problem located, nothing lost.

>>> import villagesurvey as vs
>>> instrument = vs.load_instrument("instruments/village_ecommerce.yaml")
>>> result = vs.validate_returns(instrument, ["returns/"])      # doctest: +SKIP
>>> vs.write_validation(result, "checked/")                    # doctest: +SKIP

:func:`validate_returns` reads and checks, and returns a :class:`Validation`;
:func:`write_validation` writes clean.csv, quarantine.csv, issues.csv, issues.xlsx and
summary.json. See ``docs/validate.md`` for every check code.
"""

from __future__ import annotations

from .outputs import OUTPUTS, summary_lines, write_validation
from .run import FileReport, Validation, validate_returns

__all__ = [
    "OUTPUTS",
    "FileReport",
    "Validation",
    "summary_lines",
    "validate_returns",
    "write_validation",
]
