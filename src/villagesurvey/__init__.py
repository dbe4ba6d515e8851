"""villagesurvey: village household surveys from questionnaire to before/after report.

The pipeline, one module per stage::

    instrument  ->  workbook (blank .xlsx for enumerators)
                ->  codebook
    returns     ->  validate (clean dataset, quarantine, issues)

Every public name is importable from here (``villagesurvey.load_instrument``). They load on
first use, so that ``import villagesurvey`` and ``villagesurvey --help`` stay instant.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .codebook import codebook_rows as codebook_rows
    from .errors import InstrumentError as InstrumentError
    from .errors import InstrumentProblem as InstrumentProblem
    from .errors import OptionError as OptionError
    from .errors import OutputError as OutputError
    from .errors import ReturnsError as ReturnsError
    from .errors import VillageSurveyError as VillageSurveyError
    from .instrument import Instrument as Instrument
    from .instrument import dump_instrument as dump_instrument
    from .instrument import load_instrument as load_instrument
    from .instrument import parse_instrument as parse_instrument
    from .validate import Validation as Validation
    from .validate import validate_returns as validate_returns
    from .validate import write_validation as write_validation
    from .workbook import build_workbook as build_workbook
    from .workbook import write_workbook as write_workbook

_WHERE = {
    "Instrument": "instrument",
    "InstrumentError": "errors",
    "InstrumentProblem": "errors",
    "OptionError": "errors",
    "OutputError": "errors",
    "ReturnsError": "errors",
    "Validation": "validate",
    "VillageSurveyError": "errors",
    "build_workbook": "workbook",
    "codebook_rows": "codebook",
    "dump_instrument": "instrument",
    "load_instrument": "instrument",
    "parse_instrument": "instrument",
    "validate_returns": "validate",
    "write_validation": "validate",
    "write_workbook": "workbook",
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
