"""What a validation gives: every file's report, the rows as read and typed, the findings.

:class:`Validation` is made by :func:`.checking.check_returns`; the clean dataset and the
quarantine are derived from it when asked (:meth:`Validation.clean`,
:meth:`Validation.quarantine`). Nothing here reads or writes a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from . import correction_tables
from . import corrections as fixes_file
from .cells import own_column, show
from .clean_columns import kept_text, taken_text, text_frame
from .findings import SEVERITIES

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "FILE", "NOT_READ", "PROVENANCE", "ROW", "SHEET", "FileReport", "Validation",
    "numbers_as_text",
]  # fmt: skip

FILE, SHEET, ROW = "_file", "_sheet", "_row"
PROVENANCE = {"submission": "_submission", "submitted": "_submitted"}
"""What a phone export says of each submission (:attr:`.layout.Return.provenance`) → column."""
NOT_READ = "row_not_read"
"""The check of a row that holds values but could not be read as a respondent."""


@dataclass
class FileReport:
    """What happened to one input file.

    ``status`` is ``"read"`` or ``"refused"``; a refused file has its ``check`` and
    ``reason``. ``rows_in`` counts the sheet's rows that hold anything below the header
    (blank rows left out): ``rows_in = rows_clean + rows_quarantined + rows_dropped +
    rows_not_read``.
    """

    name: str
    path: Path
    sha256: str | None
    status: str
    format: str = ""
    check: str = ""
    reason: str = ""
    rows_in: int = 0
    rows_clean: int = 0
    rows_quarantined: int = 0
    rows_not_read: int = 0
    rows_dropped: int = 0


@dataclass
class Validation:
    """The result of validating a batch of returns; see ``docs/validate.md``.

    Attributes
    ----------
    instrument : Instrument
        The instrument the returns were checked against.
    files : list of FileReport
        Every input file, read or refused.
    raw : DataFrame
        Every respondent row as it came in (cells as read), indexed by record number, with
        ``_file``, ``_sheet`` and ``_row`` (the Excel row).
    typed : DataFrame
        The same rows as typed, normalised answers.
    findings : DataFrame
        One line per finding (:data:`.findings.COLUMNS`).
    quarantined : Index
        The records with at least one error.
    rates : dict of DataFrame
        Non-response by enumerator and by the first key column.
    rosters : dict of Validation
        Each roster's own validation, by roster code (see :mod:`.rosters`).
    corrections : Applied or None
        What a corrections file changed (:mod:`.corrections`); see :attr:`audit`.
    monitoring : dict
        Field monitoring views computed from the rows (progress against the sample,
        enumerators, GPS, back-checks), by name; written to summary.json and the
        dashboard (:mod:`villagesurvey.monitoring`).
    language : str or None
        The language of dashboard.html, one of the instrument's (``validate --lang``);
        ``None``: its first.
    """

    instrument: Instrument
    files: list[FileReport]
    raw: pd.DataFrame
    typed: pd.DataFrame
    findings: pd.DataFrame
    quarantined: pd.Index
    rates: dict[str, pd.DataFrame] = field(default_factory=dict)
    rosters: dict[str, Validation] = field(default_factory=dict)
    corrections: fixes_file.Applied | None = None
    monitoring: dict[str, Any] = field(default_factory=dict)
    language: str | None = None

    @property
    def rows_in(self) -> int:
        """Rows of every file's data sheet that hold anything: read, dropped or not read."""
        return len(self.raw) + self.rows_not_read + self.rows_dropped

    @property
    def rows_dropped(self) -> int:
        """Rows a corrections file dropped (in :attr:`dropped`)."""
        return len(self.corrections.dropped) if self.corrections is not None else 0

    @property
    def audit(self) -> pd.DataFrame:
        """Each changed cell's history (:func:`.correction_tables.audit_table`)."""
        return correction_tables.audit_table(
            self.corrections, self.instrument, self.raw, self.findings
        )

    @property
    def dropped(self) -> pd.DataFrame:
        """The rows a corrections file dropped, as they came in, with the reason."""
        return correction_tables.dropped_table(self.corrections, self.instrument)

    @property
    def rows_not_read(self) -> int:
        """Rows that hold values but could not be read as a respondent (``row_not_read``)."""
        return int((self.findings["check"] == NOT_READ).sum())

    @property
    def rows_quarantined(self) -> int:
        """Rows with at least one error."""
        return len(self.quarantined)

    @property
    def rows_clean(self) -> int:
        """Rows with no error."""
        return len(self.raw) - self.rows_quarantined

    @property
    def refused(self) -> list[FileReport]:
        """The files that could not be read."""
        return [f for f in self.files if f.status == "refused"]

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Findings per severity (errors, warnings, fixes) and check code, most frequent first."""
        import numpy as np

        counts: dict[str, dict[str, int]] = {s: {} for s in SEVERITIES}
        # groups in the order first seen; most frequent first, ties in that order
        sizes = self.findings.groupby(["severity", "check"], sort=False).size()
        for i in np.argsort(-sizes.to_numpy(), kind="stable"):
            severity, check = sizes.index[i]
            counts[str(severity)][str(check)] = int(sizes.iloc[i])
        return {severity: checks for severity, checks in counts.items() if checks}

    @property
    def exit_code(self) -> int:
        """0 all clean, 1 errors in the data (or refused files), 2 nothing could be read."""
        if not any(f.status == "read" for f in self.files):
            return 2
        errors = any(
            (v.findings["severity"] == "error").any() for v in (self, *self.rosters.values())
        )
        return 1 if errors or self.refused else 0

    def add_warnings(self, warnings: pd.DataFrame) -> None:
        """Add warnings found after the checks (monitoring signals) to :attr:`findings`.

        Parameters
        ----------
        warnings : DataFrame
            Findings with :data:`.findings.COLUMNS` (missing ones are left blank), every
            ``severity`` ``"warning"``: a warning never moves a row to the quarantine, so
            adding one after the rows were split changes nothing but the reports.

        Raises
        ------
        ValueError
            If a line is not a warning.
        """
        import pandas as pd

        from .findings import COLUMNS

        if not len(warnings):
            return
        if not (warnings["severity"] == "warning").all():
            raise ValueError("only warnings can be added once the rows are split")
        size = len(warnings)
        lines = pd.DataFrame(index=range(size))
        for name in COLUMNS:
            given = warnings[name].reset_index(drop=True) if name in warnings else None
            if name in ("row", "record"):
                lines[name] = pd.Series(
                    given if given is not None else [None] * size, dtype="Int64"
                )
            elif name in ("value", "fixed_value"):
                lines[name] = given.astype(object) if given is not None else None
            else:
                lines[name] = (
                    given.astype(object).fillna("").astype(str) if given is not None else ""
                )
        self.findings = pd.concat([self.findings, lines], ignore_index=True)

    def clean(self) -> pd.DataFrame:
        """The clean dataset: one row per respondent with no error, values normalised.

        Columns are ``source_file`` (then ``source_submission`` and ``source_submitted``
        when a phone export says them) and the instrument's columns; numbers are written as a
        person would (``41``, not ``41.0``), choices as codes, dates as ISO dates.
        """
        keep = ~self.typed.index.isin(self.quarantined)  # a column at a time, no copy of all
        head = self._clean_head(keep)
        texts = {c.code: kept_text(self.typed[c.code], keep) for c in self.instrument.columns}
        frame = text_frame(texts, int(keep.sum()))
        for place, (name, values) in enumerate(head.items()):
            frame.insert(place, name, values)
        return frame

    def clean_texts(self) -> dict[str, pa.Array]:
        """The clean dataset (:meth:`clean`) as the CSV and Parquet writers take it: names and
        values neutralised (:func:`~villagesurvey.tables.csv_file.text_columns`), each column
        made in Arrow without a pandas table in between."""
        from ..tables.csv_file import texts
        from ..tables.safe import neutralise
        from .clean_columns import writers_text

        keep = ~self.typed.index.isin(self.quarantined)
        columns = {neutralise(n): texts(v) for n, v in self._clean_head(keep).items()}
        for column in self.instrument.columns:
            columns[neutralise(column.code)] = writers_text(self.typed[column.code], keep)
        return columns

    def _clean_head(self, keep: np.ndarray) -> dict[str, pd.Series]:
        """The clean dataset's first columns: each row's file and, if any, submission."""
        codes = {c.code for c in self.instrument.columns}
        out = {own_column("source_file", codes): self._own()[FILE][keep].reset_index(drop=True)}
        for key, values in self._provenance(self.typed.index[keep]).items():
            text = values.fillna("").astype(str)
            out[own_column(f"source_{key}", codes)] = text.reset_index(drop=True)
        return out

    def _own(self) -> pd.DataFrame:
        """The rows as read, for the columns of their own (file, submission) of every row."""
        return self.raw

    def quarantine(self) -> pd.DataFrame:
        """Every row with an error, as it came in, with its file, sheet, row and reasons."""
        import pandas as pd

        head, texts, others = self._quarantine_parts()
        frame = pd.concat([head, text_frame(texts, len(head))], axis=1)
        if not others:
            return frame
        for code, values in others.items():
            frame[code] = values
        return frame[[*head.columns, *(c.code for c in self.instrument.columns)]]

    def quarantine_texts(self) -> dict[str, pa.Array]:
        """The quarantine (:meth:`quarantine`) as the CSV and Parquet writers take it: names
        and values neutralised (:func:`~villagesurvey.tables.csv_file.text_columns`), the text
        of each answer as read handed on in Arrow, without a pandas table in between."""
        from ..tables.csv_file import neutral_texts, texts
        from ..tables.safe import neutralise

        head, arrow, others = self._quarantine_parts()
        columns = {neutralise(str(name)): texts(values) for name, values in head.items()}
        for column in self.instrument.columns:
            code = column.code
            taken = arrow.get(code)
            columns[neutralise(code)] = (
                neutral_texts(taken) if taken is not None else texts(others[code])
            )
        return columns

    def _quarantine_parts(
        self,
    ) -> tuple[pd.DataFrame, dict[str, pa.Array], dict[str, pd.Series]]:
        """The quarantine's own columns (file, sheet, row, checks, reasons, submission) and
        its answers as read: Arrow text (a CSV file's) and, apart, any other column."""
        import pandas as pd

        errors = self.findings[self.findings["severity"] == "error"]
        errors = errors[errors["record"].notna()]
        records = errors["record"].astype("int64")
        said = errors["message"].astype(object)
        named = (errors["column"] + ": " + errors["message"]).astype(object)
        text = said.where(errors["column"] == "", named)
        details = _joined(text, records.to_numpy(), " | ")
        checks = errors.assign(record=records).drop_duplicates(["record", "check"])
        reasons = _joined(checks["check"].astype(object), checks["record"].to_numpy(), "; ")
        at = self.raw.index.get_indexer(self.quarantined)
        if len(at) and at.min() < 0:  # raw holds some records only: never these
            raise LookupError("a quarantined record has no row as read")
        labels = self.raw.index[at]
        codes = {c.code for c in self.instrument.columns}
        own = {
            "file": self.raw[FILE].take(at),
            "sheet": self.raw[SHEET].take(at),
            "row": self.raw[ROW].take(at),
            "checks": reasons.reindex(labels).fillna("").to_numpy(dtype=object),
            "reasons": details.reindex(labels).fillna("").to_numpy(dtype=object),
            **self._provenance(labels),
        }
        head = pd.DataFrame({own_column(n, codes): v for n, v in own.items()}, index=labels)
        texts, others = {}, {}
        for column in self.instrument.columns:
            values = self.raw[column.code]  # text as read (a CSV file's) is shown as it is
            if values.dtype == "str" and values.dtype.storage == "pyarrow":
                texts[column.code] = taken_text(values, at)
            else:
                values = values.take(at).reset_index(drop=True)
                others[column.code] = (
                    values.fillna("") if values.dtype == "str" else values.map(show)
                )
        return head.reset_index(drop=True), texts, others

    def _provenance(self, records: pd.Index) -> dict[str, pd.Series]:
        """The submission columns of phone exports, if any file of the batch has them."""
        return {
            key: self.raw.loc[records, name]
            for key, name in PROVENANCE.items()
            if name in self.raw and self.raw[name].notna().any()
        }


def _joined(texts: pd.Series, records: np.ndarray, separator: str) -> pd.Series:
    """Each record's texts joined in their order, indexed by record (one join per record)."""
    import numpy as np
    import pandas as pd

    if not len(records):
        return pd.Series([], index=records, dtype=object)
    order = np.argsort(records, kind="stable")
    ordered, values = records[order], texts.to_numpy(dtype=object)[order].tolist()
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(order)]
    bounds = zip(starts.tolist(), ends.tolist(), strict=True)
    joined = [separator.join(values[a:b]) for a, b in bounds]
    return pd.Series(joined, index=ordered[starts], dtype=object)


def numbers_as_text(values: pd.Series) -> pd.Series:
    """Numbers as a person writes them: ``41`` not ``41.0``; blank for a missing one."""
    import numpy as np
    import pandas as pd

    from .number_texts import number_texts

    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(number_texts(numbers), index=values.index, dtype="str")
