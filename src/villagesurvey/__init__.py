"""villagesurvey: village household surveys from questionnaire to before/after report.

The pipeline, one module per stage::

    instrument  ->  workbook (blank .xlsx for enumerators)
                ->  codebook

Importing the package is cheap: heavy libraries (openpyxl, pandas) load only when a stage
that needs them is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import InstrumentError as InstrumentError
from .errors import InstrumentProblem as InstrumentProblem
from .errors import OutputError as OutputError
from .errors import VillageSurveyError as VillageSurveyError
from .instrument import Instrument as Instrument
from .instrument import dump_instrument as dump_instrument
from .instrument import load_instrument as load_instrument
from .instrument import parse_instrument as parse_instrument

if TYPE_CHECKING:
    from .codebook import codebook_rows as codebook_rows
    from .workbook import build_workbook as build_workbook
    from .workbook import write_workbook as write_workbook

__all__ = [
    "Instrument",
    "InstrumentError",
    "InstrumentProblem",
    "OutputError",
    "VillageSurveyError",
    "build_workbook",
    "codebook_rows",
    "dump_instrument",
    "load_instrument",
    "parse_instrument",
    "write_workbook",
]

_LAZY = {
    "build_workbook": "workbook",
    "write_workbook": "workbook",
    "codebook_rows": "codebook",
}


def __getattr__(name: str) -> Any:
    # Stages that import openpyxl load on first use, so `import villagesurvey` stays fast.
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
