"""The real-world XLSForm corpus: how much of each form and of its export comes through.

For each form kept in ``tests/data`` (pyxform's example forms; KoboToolbox forms with their
exports, see ``tests/data/README.md``) this measures:

- the answer fields of the form, as pyxform itself parses it (the outside reference): every
  question that a respondent answers (notes, calculations and the phone's
  metadata are not answers); those of a repeat too (a roster), not those of a loop over choices;
- how many of them the instrument imported by ``import-xlsform`` holds;
- whether the instrument written back as an XLSForm converts in pyxform without an error;
- for a form with an export: the rows of the export read (a row with no answer at all is
  read and reported as a blank row) and the rows clean.

``python -m tests.xlsform_corpus`` prints the table in Markdown; ``tests/test_xlsform_corpus.py``
asserts the goals on it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYXFORM = ROOT / "tests" / "data" / "xlsforms" / "pyxform"
KOBO = ROOT / "tests" / "data" / "kobo"
# not answers: the phone's own records (also every uri:...), notes, calculations
NOT_ANSWERS = frozenset(
    {"note", "calculate", "start", "end", "today", "deviceid", "subscriberid", "simserial",
     "phonenumber", "username", "email", "audit", "start-geopoint", "background-audio"}
)  # fmt: skip


@dataclass(frozen=True)
class CorpusRow:
    """What came through of one form."""

    form: str
    answer_fields: int
    imported: int
    reexport_ok: bool
    rows_in: int | None = None
    rows_read: int | None = None
    rows_clean: int | None = None
    error: str | None = None


def answer_fields(path: Path) -> list[str]:
    """The names of the form's answer fields (in repeats too), as pyxform parses the form."""
    from pyxform.xls2json import parse_file_to_json

    def walk(node: dict[str, Any]) -> Any:
        for child in node.get("children", []):
            kind = child.get("type", "")
            if kind == "loop":
                continue
            if kind in ("group", "repeat"):
                if child.get("name") != "meta":
                    yield from walk(child)
            elif kind in NOT_ANSWERS or kind.startswith("uri:"):
                continue
            elif child.get("control", {}).get("appearance") == "label":
                continue  # a table-list's row of labels: shown, not answered
            elif child.get("label") != "Specify other.":
                yield child["name"]

    return list(walk(parse_file_to_json(str(path), warnings=[])))


def _reexport_ok(instrument: Any, folder: Path) -> bool:
    from pyxform.xls2xform import convert

    from villagesurvey.xlsform import write_xlsform

    out = folder / "reexport.xlsx"
    write_xlsform(instrument, out)
    try:
        convert(xlsform=str(out), warnings=[])
    except Exception:  # pyxform raises its own errors and ValueErrors alike
        return False
    return True


def measure(form: Path, export: Path | None = None) -> CorpusRow:
    """Import ``form``, re-export it, and validate ``export`` against it when given."""
    from villagesurvey.errors import XLSFormError
    from villagesurvey.validate import validate_returns
    from villagesurvey.xlsform import read_xlsform

    fields = answer_fields(form)
    try:
        result = read_xlsform(form)
    except XLSFormError as error:
        return CorpusRow(form.name, len(fields), 0, False, error=str(error))
    levels = [*result.instrument.sections, *(r.section for r in result.instrument.rosters)]
    columns = {q.code for s in levels for q in s.questions}
    imported = sum(name in columns for name in fields)
    with tempfile.TemporaryDirectory() as temporary:
        ok = _reexport_ok(result.instrument, Path(temporary))
    if export is None:
        return CorpusRow(form.name, len(fields), imported, ok)
    rows_in = sum(1 for line in export.read_text(encoding="utf-8").splitlines() if line) - 1
    validation = validate_returns(result.instrument, [export], workers=1)
    blank = int((validation.findings["check"] == "blank_row").sum())  # read, and reported
    return CorpusRow(
        form.name,
        len(fields),
        imported,
        ok,
        rows_in,
        validation.rows_in + blank,
        validation.rows_clean,
    )


def corpus() -> list[CorpusRow]:
    """Every form of the corpus, measured."""
    rows = [measure(path) for path in sorted(PYXFORM.iterdir())]
    for form in sorted(KOBO.glob("*.xlsx")):
        rows.append(measure(form, form.with_suffix(".csv")))
    return rows


def _accepted(row: CorpusRow) -> str:
    if row.error is not None:
        return "no instrument"  # nothing of the form imports (e.g. calculations only)
    return "yes" if row.reexport_ok else "NO"


def markdown(rows: list[CorpusRow]) -> str:
    """The corpus as a Markdown table, with a line of totals."""
    lines = [
        "| form | answer fields | imported | re-export accepted | export rows | read | clean |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]

    def cell(value: int | None) -> str:
        return "" if value is None else str(value)

    for r in rows:
        lines.append(
            f"| {r.form} | {r.answer_fields} | {r.imported} | {_accepted(r)}"
            f" | {cell(r.rows_in)} | {cell(r.rows_read)} | {cell(r.rows_clean)} |"
        )
    total = sum(r.answer_fields for r in rows)
    got = sum(r.imported for r in rows)
    rows_in = sum(r.rows_in or 0 for r in rows)
    clean = sum(r.rows_clean or 0 for r in rows)
    lines.append(
        f"| **{len(rows)} forms** | {total} | {got} ({got / total:.0%}) | "
        f"{sum(r.reexport_ok for r in rows)} | {rows_in} | "
        f"{sum(r.rows_read or 0 for r in rows)} | {clean} |"
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(corpus()), end="")
