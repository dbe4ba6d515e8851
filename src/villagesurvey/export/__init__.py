"""Exports: the clean dataset for Stata, SPSS and Parquet, and the codebook.

>>> import villagesurvey as vs
>>> vs.export_dataset("survey.yaml", "checked/clean.csv", "survey.dta")    # doctest: +SKIP
>>> vs.write_codebook("survey.yaml", "codebook.md", data="checked/clean.csv")  # doctest: +SKIP

:func:`labelled_dataset` decides, once for every format, the columns, names, labels, value
labels and missing values of an export; the writers only translate it. See
``docs/export.md`` for what the files hold.
"""

from .codebook_export import CODEBOOK_FORMATS as CODEBOOK_FORMATS
from .codebook_export import Codebook as Codebook
from .codebook_export import build_codebook as build_codebook
from .codebook_export import write_codebook as write_codebook
from .datafile import FORMATS as FORMATS
from .datafile import ExportSummary as ExportSummary
from .datafile import export_dataset as export_dataset
from .dataset import read_dataset as read_dataset
from .labelled import LabelledDataset as LabelledDataset
from .labelled import ValueLabel as ValueLabel
from .labelled import Variable as Variable
from .labelled import labelled_dataset as labelled_dataset
from .parquet import write_parquet as write_parquet
from .stata_spss import write_spss as write_spss
from .stata_spss import write_stata as write_stata
from .statistics import ColumnStatistics as ColumnStatistics
from .statistics import column_statistics as column_statistics

__all__ = [
    "CODEBOOK_FORMATS",
    "FORMATS",
    "Codebook",
    "ColumnStatistics",
    "ExportSummary",
    "LabelledDataset",
    "ValueLabel",
    "Variable",
    "build_codebook",
    "column_statistics",
    "export_dataset",
    "labelled_dataset",
    "read_dataset",
    "write_codebook",
    "write_parquet",
    "write_spss",
    "write_stata",
]
