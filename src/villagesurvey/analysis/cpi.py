"""Consumer price index tables and deflation of money to base-year prices.

A CPI table is a small CSV: comment lines starting with ``#`` (the first ones say where the
numbers come from), then a header ``year,cpi`` and one row per year. Only ratios of the index
matter, so any reference year works::

    # China, national CPI, annual average (National Bureau of Statistics)
    year,cpi
    2020,102.5
    2022,105.49095

``real = nominal x CPI[base_year] / CPI[year]``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import AnalysisError

__all__ = ["DEFAULT_CPI", "CpiTable", "default_cpi", "load_cpi", "parse_cpi"]

DEFAULT_CPI = Path(__file__).resolve().parent / "cpi_china_national.csv"
"""The bundled table: China's national CPI, annual averages, from the NBS communiqués."""


@dataclass(frozen=True)
class CpiTable:
    """A price index by year.

    Attributes
    ----------
    index : dict of int to float
        The index of each year (any reference year; only ratios are used).
    source : str
        Where the numbers come from: the table's leading comment lines, joined.
    name : str
        The file the table was read from, for messages and the report's methods.
    """

    index: dict[int, float]
    source: str = ""
    name: str = "<cpi>"

    def value(self, year: int) -> float:
        """The index of ``year``; :class:`AnalysisError` naming the year if the table lacks it."""
        if year not in self.index:
            years = sorted(self.index)
            have = f"{years[0]}-{years[-1]}" if years else "no years"
            raise AnalysisError(
                f"{self.name}: the CPI table has no value for {year} (it covers {have}); "
                f"add a row '{year},<index>' or choose another --base-year"
            )
        return self.index[year]

    def factor(self, year: int, base_year: int) -> float:
        """Multiply a nominal amount of ``year`` by this to get ``base_year`` prices."""
        return self.value(base_year) / self.value(year)


def parse_cpi(text: str, name: str = "<cpi>") -> CpiTable:
    """Read a CPI table from CSV text (see the module's description of the format).

    Raises
    ------
    AnalysisError
        With the line number, when the header is not ``year,cpi``, a year or an index is not a
        number, an index is not positive, or a year appears twice.
    """
    comments: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if not rows:
                comments.append(stripped.lstrip("#").strip())
            continue
        rows.append((number, next(csv.reader(io.StringIO(stripped)))))
    if not rows:
        raise AnalysisError(f"{name}: the CPI table is empty; expected a header 'year,cpi'")
    header_line, header = rows[0]
    columns = [cell.strip().lower() for cell in header]
    if "year" not in columns or "cpi" not in columns:
        raise AnalysisError(
            f"{name}:{header_line}: the CPI table's header must name the columns 'year' and "
            f"'cpi', found {','.join(header)!r}"
        )
    at_year, at_cpi = columns.index("year"), columns.index("cpi")
    index: dict[int, float] = {}
    for at_line, cells in rows[1:]:
        year = _number(cells, at_year, name, at_line, "year")
        cpi = _number(cells, at_cpi, name, at_line, "cpi")
        where = f"{name}:{at_line}"
        if not math.isfinite(year) or year != int(year):
            raise AnalysisError(f"{where}: the year must be a whole number, found {year}")
        if not math.isfinite(cpi) or cpi <= 0:
            raise AnalysisError(f"{where}: the index must be a positive number, found {cpi}")
        if int(year) in index:
            raise AnalysisError(f"{where}: the year {int(year)} appears twice")
        index[int(year)] = cpi
    return CpiTable(index=index, source=" ".join(comments), name=name)


def _number(cells: list[str], at: int, name: str, line: int, column: str) -> float:
    value = cells[at].strip() if at < len(cells) else ""
    try:
        return float(value)
    except ValueError:
        raise AnalysisError(
            f"{name}:{line}: column '{column}' must be a number, found {value!r}"
        ) from None


def load_cpi(path: str | Path) -> CpiTable:
    """Read a CPI table from a CSV file; :class:`AnalysisError` if it is missing or malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnalysisError(f"{path}: no such CPI table") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"{path}: cannot read the CPI table: {exc}") from None
    return parse_cpi(text, name=str(path))


def default_cpi() -> CpiTable:
    """The bundled table: China's national CPI (NBS annual averages), 2019 = 100."""
    table = load_cpi(DEFAULT_CPI)
    return CpiTable(index=table.index, source=table.source, name=DEFAULT_CPI.name)
