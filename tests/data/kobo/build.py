"""Rebuild the KoboToolbox forms and exports here from formpack's test fixtures.

Run with formpack importable (its ``src`` on ``sys.path``) and openpyxl installed::

    python tests/data/kobo/build.py FORMPACK_CHECKOUT

Each fixture ``tests/fixtures/<name>/v1.json`` of formpack holds a form's content (its survey
and choices sheets as KoboToolbox stores them) and the form's submissions. This writes the
form as the XLSForm a KoboToolbox user downloads (``<name>.xlsx``) and the submissions as
KoboToolbox's CSV export with "XML values and headers" (``<name>.csv``), made by formpack's
own exporter, the one KoboToolbox runs. For the forms with repeat groups (:data:`REPEATS`)
it also writes KoboToolbox's XLS export: the main sheet, then one
sheet per repeat (``xls/<name>.xlsx``), its rows linked to their parent by ``_parent_index``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FORMS = (
    "customer_satisfaction",
    "dietary_needs",
    "favorite_coffee",
    "grouped_translated",
    "literacy_test",
    "or_other",
    "sanitation_report",
    "auto_report",
    "auto_report_extended_fields",
    "site_inspection",
    "restaurant_profile",
)
REPEATS = (  # forms with repeat groups: their XLS export too, one sheet per repeat
    "grouped_repeatable",
    "select_one_from_previous_answers",
    "long_names",
)
VERSION = {"restaurant_profile": "v4"}
# the metadata KoboToolbox's export adds (kpi's export task)
COPY_FIELDS = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes",
               "_status", "_submitted_by", "__version__", "_tags")  # fmt: skip


def _sheet(rows: list[dict], translations: list) -> tuple[list[str], list[list]]:
    headers: list[str] = []
    out: list[dict] = []
    for row in rows:
        cells: dict = {}
        for key, value in row.items():
            if key.startswith("$") or key == "select_from_list_name":
                continue
            if key == "type" and row.get("select_from_list_name"):
                value = f"{value} {row['select_from_list_name']}"
            if isinstance(value, list):
                for language, text in zip(translations, value, strict=False):
                    column = f"{key}::{language}" if language else key
                    cells[column] = text
            elif isinstance(value, bool):
                cells[key] = "true" if value else "false"
            else:
                cells[key] = value
        for key in cells:
            if key not in headers:
                headers.append(key)
        out.append(cells)
    return headers, [[c.get(h) for h in headers] for c in out]


def build(checkout: Path, here: Path) -> None:
    from formpack import FormPack
    from openpyxl import Workbook

    for name in (*FORMS, *REPEATS):
        version = VERSION.get(name, "v1")
        data = json.loads((checkout / "tests/fixtures" / name / f"{version}.json").read_text())
        content = data["content"]
        translations = content.get("translations") or [None]
        book = Workbook()
        book.remove(book.active)
        for sheet in ("survey", "choices"):
            if content.get(sheet):
                headers, rows = _sheet(content[sheet], translations)
                ws = book.create_sheet(sheet)
                ws.append(headers)
                for values in rows:
                    ws.append(values)
        settings = book.create_sheet("settings")
        settings.append(["form_id", "version"])
        settings.append([data.get("id_string", name), data.get("version", version)])
        book.save(here / f"{name}.xlsx")
        submissions = data.pop("submissions")
        if data.get("version"):  # as formpack's build_fixture() does
            for submission in submissions:
                submission[data.get("version_id_key", "__version__")] = data["version"]
        pack = FormPack([data], title=name, id_string=data.get("id_string", name))
        export = pack.export(
            lang="_xml", versions=pack.versions.keys(), copy_fields=COPY_FIELDS, force_index=True
        )
        lines = export.to_csv(submissions)
        (here / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if name in REPEATS:  # KoboToolbox's XLS export: the main sheet, then one per repeat
            export.to_xlsx(str(here / "xls" / f"{name}.xlsx"), submissions)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(sys.argv[1]) / "src"))
    build(Path(sys.argv[1]), Path(__file__).parent)
