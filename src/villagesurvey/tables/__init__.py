"""Writers' shared pieces, importing nothing from the rest of the package's stages.

- :mod:`.safe`: text no spreadsheet runs, text an xlsx file can hold, names on one line;
- :mod:`.csv_file`: tables as CSV files every reader gives back the same, formulas
  neutralised;
- :mod:`.xlsx`: write-only table sheets (openpyxl);
- :mod:`.xlsx_stream`: the same sheets written straight as XML, for large tables;
- :mod:`.stable_zip`: an xlsx file openpyxl wrote, made the same bytes on every run;
- :mod:`.outputset`: a set of output files written as one, and the lock of an output folder.
"""

from __future__ import annotations

from .safe import neutralise as neutralise
from .safe import shown_name as shown_name
from .safe import writable as writable

__all__ = ["neutralise", "shown_name", "writable"]
