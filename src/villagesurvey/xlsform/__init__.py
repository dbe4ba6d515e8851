"""XLSForm, the form format of ODK Collect, KoboToolbox and SurveyCTO, in both directions.

>>> import villagesurvey as vs
>>> instrument = vs.load_instrument("instruments/village_ecommerce.yaml")
>>> vs.write_xlsform(instrument, "village_ecommerce_form.xlsx")        # doctest: +SKIP
>>> result = vs.read_xlsform("household_form.xlsx")                     # doctest: +SKIP
>>> for finding in result.findings: print(finding)                      # doctest: +SKIP

:func:`build_xlsform` and :func:`xlsform_to_instrument` work on plain rows and touch no file;
:func:`write_xlsform`, :func:`read_xlsform` and :func:`import_xlsform` read and write files.
``docs/xlsform.md`` gives the mapping both ways and every finding code.
"""

from ._blocks import not_carried as not_carried
from .export import XLSFormSheets as XLSFormSheets
from .export import build_xlsform as build_xlsform
from .export import write_xlsform as write_xlsform
from .findings import Finding as Finding
from .findings import XLSFormImport as XLSFormImport
from .importer import import_xlsform as import_xlsform
from .importer import read_xlsform as read_xlsform
from .importer import xlsform_to_instrument as xlsform_to_instrument
from .xpath import condition_xpath as condition_xpath

__all__ = [
    "Finding",
    "XLSFormImport",
    "XLSFormSheets",
    "build_xlsform",
    "condition_xpath",
    "import_xlsform",
    "not_carried",
    "read_xlsform",
    "write_xlsform",
    "xlsform_to_instrument",
]
