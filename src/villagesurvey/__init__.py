"""villagesurvey: village household surveys from questionnaire to before/after report.

The pipeline, one module per stage::

    instrument  ->  workbook (blank .xlsx for enumerators)
                <-> xlsform (ODK Collect, KoboToolbox, SurveyCTO)
                ->  codebook
                ->  questionnaire (printable paper form)
    returns     ->  validate (clean dataset, quarantine, issues)
    clean data  ->  export (Stata, SPSS, Parquet; codebook with statistics)
                ->  analysis (before/after; scales and the PLS path model) -> report

Every public name is importable from here (``villagesurvey.load_instrument``). They load on
first use, so that ``import villagesurvey`` and ``villagesurvey --help`` stay instant.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import Measurement as Measurement
    from .analysis import analyse as analyse
    from .analysis import cronbach_alpha as cronbach_alpha
    from .analysis import measure_scales as measure_scales
    from .analysis import pls_path_model as pls_path_model
    from .codebook import codebook_rows as codebook_rows
    from .errors import AnalysisError as AnalysisError
    from .errors import InstrumentError as InstrumentError
    from .errors import InstrumentProblem as InstrumentProblem
    from .errors import OptionError as OptionError
    from .errors import OutputError as OutputError
    from .errors import ReturnsError as ReturnsError
    from .errors import VillageSurveyError as VillageSurveyError
    from .errors import XLSFormError as XLSFormError
    from .export import build_codebook as build_codebook
    from .export import export_dataset as export_dataset
    from .export import labelled_dataset as labelled_dataset
    from .export import write_codebook as write_codebook
    from .instrument import Instrument as Instrument
    from .instrument import dump_instrument as dump_instrument
    from .instrument import load_instrument as load_instrument
    from .instrument import parse_instrument as parse_instrument
    from .questionnaire import questionnaire_html as questionnaire_html
    from .questionnaire import write_questionnaire as write_questionnaire
    from .report import write_report as write_report
    from .validate import Validation as Validation
    from .validate import validate_returns as validate_returns
    from .validate import write_validation as write_validation
    from .workbook import build_workbook as build_workbook
    from .workbook import write_workbook as write_workbook
    from .xlsform import XLSFormImport as XLSFormImport
    from .xlsform import build_xlsform as build_xlsform
    from .xlsform import import_xlsform as import_xlsform
    from .xlsform import read_xlsform as read_xlsform
    from .xlsform import write_xlsform as write_xlsform

_WHERE = {
    "AnalysisError": "errors",
    "Instrument": "instrument",
    "Measurement": "analysis",
    "InstrumentError": "errors",
    "InstrumentProblem": "errors",
    "OptionError": "errors",
    "OutputError": "errors",
    "ReturnsError": "errors",
    "Validation": "validate",
    "VillageSurveyError": "errors",
    "XLSFormError": "errors",
    "XLSFormImport": "xlsform",
    "analyse": "analysis",
    "build_codebook": "export",
    "build_workbook": "workbook",
    "build_xlsform": "xlsform",
    "codebook_rows": "codebook",
    "cronbach_alpha": "analysis",
    "dump_instrument": "instrument",
    "export_dataset": "export",
    "labelled_dataset": "export",
    "load_instrument": "instrument",
    "measure_scales": "analysis",
    "import_xlsform": "xlsform",
    "parse_instrument": "instrument",
    "pls_path_model": "analysis",
    "questionnaire_html": "questionnaire",
    "read_xlsform": "xlsform",
    "validate_returns": "validate",
    "write_codebook": "export",
    "write_questionnaire": "questionnaire",
    "write_report": "report",
    "write_validation": "validate",
    "write_workbook": "workbook",
    "write_xlsform": "xlsform",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*_WHERE, *(name for name in globals() if name.startswith("__"))})
