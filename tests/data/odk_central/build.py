"""Rebuild the ODK Central exports here, and the XLSForms of their forms.

Run with openpyxl installed and a checkout of ODK Central's backend::

    python tests/data/odk_central/build.py CENTRAL_BACKEND_CHECKOUT

ODK Central's test suite (``test/unit/data/briefcase.js`` of getodk/central-backend) states,
byte for byte, the CSV files its export zip holds for two forms with repeats: ``singlerepeat``
(a ``child`` repeat inside the group ``children``) and ``multirepeat`` (a ``toy`` repeat
within the ``child`` repeat). This copies those CSV texts into ``<form>/`` and writes each
form, given there as an XForm, as the XLSForm that makes it (``<form>.xlsx``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

TESTS = {
    "singlerepeat": "should handle single-level repeats, with KEY/PARENT_KEY",
    "multirepeat": "should handle nested repeats, with PARENT_KEY/KEY",
}
REPEATS = {"singlerepeat": ("child",), "multirepeat": ("child", "toy")}
LABELS = {  # the labels of the XForms' body
    "name": "What is your name?",
    "age": "What is your age?",
    "child/name": "What is the child's name?",
    "child/age": "What is the child's age?",
    "toy/name": "What is the toy's name?",
}


def _survey(form: str) -> list[list[str]]:
    rows = [["type", "name", "label"], ["text", "name", LABELS["name"]],
            ["integer", "age", LABELS["age"]], ["begin_group", "children", "Child"],
            ["begin_repeat", "child", "Child"], ["text", "name", LABELS["child/name"]],
            ["integer", "age", LABELS["child/age"]]]  # fmt: skip
    if "toy" in REPEATS[form]:
        rows += [["begin_repeat", "toy", "Toy"], ["text", "name", LABELS["toy/name"]],
                 ["end_repeat", "", ""]]  # fmt: skip
    return [*rows, ["end_repeat", "", ""], ["end_group", "", ""]]


def build(checkout: Path, here: Path) -> None:
    from openpyxl import Workbook

    source = (checkout / "test/unit/data/briefcase.js").read_text(encoding="utf-8")
    for form, test in TESTS.items():
        body = source[source.index(test) :]
        folder = here / form
        folder.mkdir(exist_ok=True)
        for name in (form, *(f"{form}-{r}" for r in REPEATS[form])):
            found = re.search(rf"files\.get\('{name}\.csv'\)\.should\.equal\(\s*`([^`]*)`", body)
            assert found is not None, name
            (folder / f"{name}.csv").write_text(found.group(1), encoding="utf-8")
        book = Workbook()
        survey = book.active
        survey.title = "survey"
        for row in _survey(form):
            survey.append(row)
        settings = book.create_sheet("settings")
        settings.append(["form_id", "form_title"])
        settings.append([form, form])
        book.save(here / f"{form}.xlsx")


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(__file__).parent)
