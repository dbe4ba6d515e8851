"""Read an XLSForm into an instrument, reporting everything that does not map.

:func:`xlsform_to_instrument` works on plain sheets (rows of cell values) and touches no file;
:func:`read_xlsform` reads a form file first; :func:`import_xlsform` also writes the
instrument file. The result is an :class:`~villagesurvey.xlsform.findings.XLSFormImport`: the
checked instrument, and one :class:`~villagesurvey.xlsform.findings.Finding` per thing of the
form that did not map (with its sheet, row and column), in the order of the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InstrumentError, XLSFormError
from ._assemble import FormParts, assemble
from ._blocks import PREFIX, read_blocks, same_rule
from ._choices import read_choices, report_other_columns
from ._names import Codes
from ._references import unlink_references
from ._survey import SurveyReader
from ._table import Table, read_table
from ._texts import Languages
from .findings import Finding, XLSFormImport

__all__ = ["import_xlsform", "read_xlsform", "xlsform_to_instrument"]

_SETTINGS = frozenset(
    {
        "form_title",
        "form_id",
        "version",
        "default_language",
        "namespaces",
        "style",
        "instance_name",
        "submission_url",
        "public_key",
        "auto_send",
        "auto_delete",
        "allow_choice_duplicates",
        "clean_text_values",
    }
)
_KEPT_SETTINGS = ("form_title", "form_id", "version", "default_language", "namespaces")
_OTHER_SHEETS = ("external_choices", "entities", "osm")
_SHEET_ORDER = {"survey": 0, "choices": 1, "settings": 2}


def _sheet(sheets: Mapping[str, Sequence[Sequence[Any]]], name: str) -> str | None:
    return next((s for s in sheets if s.strip().lower() == name), None)


def _settings(table: Table | None, note: Any) -> dict[str, str]:
    if table is None or not table.rows:
        return {}
    row = table.rows[0]
    values = {key: row.get(key) for key in row.cells}
    for key, text in row.texts.items():  # form_title::English (en) is not standard; read it
        values.setdefault(key, next(iter(text.values())).strip())
    dropped = [
        row.headers.get(k, k)
        for k in values
        if k not in _KEPT_SETTINGS and not k.startswith(PREFIX) and values[k]
    ]
    if dropped:
        note(
            Finding(
                "setting_not_mapped",
                row.number,
                ", ".join(dropped),
                f"the setting{'s' * (len(dropped) != 1)} {', '.join(dropped)} "
                f"{'is' if len(dropped) == 1 else 'are'} not imported: settings of a phone or "
                "server, not of the questionnaire",
                "settings",
                lost=not set(dropped) <= _SETTINGS,
            )
        )
    return values


def _identity(settings: dict[str, str], name: str, note: Any) -> tuple[str, str]:
    written = settings.get("form_id") or Path(name).stem
    ident = Codes("form").take(written)
    if ident != written or not settings.get("form_id"):
        why = (
            "has no form_id; the file name is used"
            if not settings.get("form_id")
            else (f"form_id {written!r} is not letters, digits and _")
        )
        note(
            Finding(
                "setting_assumed",
                None,
                "form_id",
                f"the form {why}: the instrument's id is {ident!r}",
                "settings",
                lost=False,
            )
        )
    version = settings.get("version", "")
    if not version:
        version = "1"
        note(
            Finding(
                "setting_assumed",
                None,
                "version",
                "the form has no version; the "
                "instrument's version is '1'. Change it whenever the form changes",
                "settings",
                lost=False,
            )
        )
    return ident, version


def _tables(
    sheets: Mapping[str, Sequence[Sequence[Any]]], name: str, findings: list[Finding]
) -> dict[str, Table]:
    """The sheets an XLSForm has, read; a finding for each known sheet that does not map."""
    survey_name = _sheet(sheets, "survey")
    if survey_name is None:
        raise XLSFormError(f"{name}: has no 'survey' sheet, so it is not an XLSForm")
    survey = read_table(sheets[survey_name], "survey")
    if "type" not in survey.keys or "name" not in survey.keys:
        raise XLSFormError(f"{name}: the survey sheet needs the columns 'type' and 'name'")
    tables = {
        key: read_table(sheets[found], key)
        for key in ("choices", "settings", *_OTHER_SHEETS)
        if (found := _sheet(sheets, key)) is not None
    }
    for other in _OTHER_SHEETS:
        if other in tables and tables[other].rows:
            message = f"the {other} sheet is not imported: an instrument has no equivalent"
            findings.append(Finding("sheet_not_mapped", None, "", message, other))
    return {"survey": survey, **tables}


def xlsform_to_instrument(
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    name: str = "form.xlsx",
    media: Mapping[str, list[dict[str, str]]] | None = None,
) -> XLSFormImport:
    """Turn an XLSForm's sheets into a checked instrument.

    Parameters
    ----------
    sheets : Mapping[str, Sequence[Sequence]]
        Each sheet's rows from row 1, as cell values (text, numbers, dates, booleans,
        ``None``); sheet names are matched without regard to case.
    name : str, default "form.xlsx"
        The form's file name: its stem is the instrument's id when the form has no form_id.
    media : mapping, optional
        The CSV files attached to the form, by file name: their rows as ``{column: text}``.
        A ``select_one_from_file`` question whose file is here gets its choices from the
        file's ``name`` and ``label`` columns; otherwise it is imported as text.

    Returns
    -------
    XLSFormImport
        The instrument and the findings, ordered by sheet and row.

    Raises
    ------
    XLSFormError
        If there is no survey sheet with ``type`` and ``name`` columns, or no question maps.
    """
    findings: list[Finding] = []
    tables = _tables(sheets, name, findings)
    survey = tables["survey"]
    choices = tables.get("choices")
    settings = _settings(tables.get("settings"), findings.append)
    columns = [*survey.languages, *(choices.languages if choices else [])]
    languages = Languages(columns, settings.get("default_language", ""), findings.append)
    lists = read_choices(choices, languages, findings.append)
    ident, version = _identity(settings, name, findings.append)
    title = {lang: settings.get("form_title") or ident for lang in languages.languages}
    reader = SurveyReader(lists, languages, title, findings.append, media)
    sections = reader.read(survey)
    report_other_columns(choices, {c for cl in lists.values() for c in cl.used}, findings.append)
    if not sections:
        lost = [f for f in findings if f.lost]
        # the reason no question came through is on the survey sheet (a repeat, a type)
        why = sorted(lost, key=lambda f: (f.sheet != "survey", f.row or 0))
        first = f"; the first on the survey sheet: {why[0]}" if why else ""
        raise XLSFormError(
            f"{name}: no question of the form could be imported, and an instrument needs at "
            f"least one ({len(lost)} row{'s' * (len(lost) != 1)} did not map{first})"
        )
    parts = FormParts(
        ident, version, title, languages.languages, lists, sections, reader.scale_labels
    )
    data = assemble(parts, findings.append)
    unlink_references(data, findings.append)
    blocks = _blocks(tables.get("settings"), languages, findings.append)
    instrument = _checked(_with_blocks(data, blocks), name, data, findings.append)
    findings.sort(key=lambda f: (_SHEET_ORDER.get(f.sheet, 3), f.row or 0))
    return XLSFormImport(instrument, tuple(findings))


def _blocks(table: Table | None, languages: Languages, note: Any) -> dict[str, Any]:
    """The instrument's blocks the settings carry (``villagesurvey:checks``, ...)."""
    if table is None or not table.rows:
        return {}
    row = table.rows[0]
    blocks, unread = read_blocks(
        row.texts,
        row.cells,
        lambda texts, name: languages.text(texts, ("settings", row.number, f"{PREFIX}{name}")),
    )
    for column in unread:
        note(
            Finding(
                "setting_not_mapped",
                row.number,
                row.headers.get(column, column),
                f"the setting {column} is not imported: it is not JSON",
                "settings",
            )
        )
    return blocks


def _with_blocks(data: dict[str, Any], blocks: dict[str, Any]) -> dict[str, Any]:
    """The instrument's data with the blocks of the settings put in their places."""
    if not blocks:
        return data
    out = dict(data)
    for name in ("consent", "waves", "model", "derive"):
        if name in blocks:
            out[name] = blocks[name]
    if "title" in blocks:  # a form_title edited since is the first language's
        first, title = data["languages"][0], dict(blocks["title"])
        if data["title"][first] != title[first].strip():
            title[first] = data["title"][first]
        out["title"] = title
    if "monitoring" in blocks:  # as declared: it replaces the one start and end rows give
        out.pop("monitoring", None)
        if blocks["monitoring"]:
            out["monitoring"] = blocks["monitoring"]
    if isinstance(listed := blocks.get("checks"), list):
        rules = [c.get("rule", "") for c in listed if isinstance(c, dict)]
        # a constraint's checks that the list holds too are the list's (code, severity, message)
        made = [
            c for c in data.get("checks", []) if not any(same_rule(c["rule"], r) for r in rules)
        ]
        out["checks"] = [*listed, *made]
    order = ["id", "version", "title", "languages", "consent", "waves", "key", "choices"]
    order += ["scales", "sections", "checks", "model", "derive", "monitoring"]
    return {k: out[k] for k in order if k in out} | {k: v for k, v in out.items() if k not in order}


def _checked(
    data: dict[str, Any], name: str, plain: dict[str, Any] | None = None, note: Any = None
) -> Any:
    """The instrument of ``data``; else, if ``plain`` is given, of ``plain`` with a finding."""
    import yaml

    from ..instrument import parse_instrument

    try:
        return parse_instrument(yaml.safe_dump(data, sort_keys=False), source=name)
    except InstrumentError as error:
        if plain is not None and plain is not data:  # the settings' blocks do not fit
            problems = "; ".join(map(str, error.problems))
            note(
                Finding(
                    "setting_not_mapped",
                    None,
                    f"{PREFIX}*",
                    f"the instrument's blocks in the settings' {PREFIX} columns are not "
                    f"imported: they do not fit the questions ({problems})",
                    "settings",
                )
            )
            return _checked(plain, name)
        # the import should have avoided each: say what it missed
        problems = "; ".join(map(str, error.problems))
        raise XLSFormError(
            f"{name}: the imported instrument is not valid ({problems}); "
            "please report this with the form"
        ) from None


def read_xlsform(path: str | Path, media: str | Path | None = None) -> XLSFormImport:
    """Read an XLSForm file (.xlsx, .xls, .ods, or .csv in pyxform's layout).

    Parameters
    ----------
    path : str or Path
        The form.
    media : str or Path, optional
        The folder of the form's attached files (the media ODK and KoboToolbox upload with
        it): the choices of ``select_one_from_file x.csv`` are read from its ``x.csv``.

    Returns
    -------
    XLSFormImport
        See :func:`xlsform_to_instrument`.

    Raises
    ------
    XLSFormError
        If the file cannot be read safely or is not an XLSForm with a question that maps.
    """
    from ._sheets import read_sheets

    path = Path(path)
    return xlsform_to_instrument(read_sheets(path), path.name, _media(media))


def _media(folder: str | Path | None) -> dict[str, list[dict[str, str]]]:
    """The CSV files of a media folder, by name: their rows (UTF-8, a header row first)."""
    import csv

    if folder is None:
        return {}
    found: dict[str, list[dict[str, str]]] = {}
    for path in sorted(Path(folder).glob("*.csv")):
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                found[path.name] = [dict(row) for row in csv.DictReader(handle)]
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise XLSFormError(
                f"{path}: cannot be read as a CSV file of choices ({error})"
            ) from None
    return found


def import_xlsform(
    path: str | Path, output: str | Path, media: str | Path | None = None
) -> XLSFormImport:
    """Read an XLSForm and write its instrument file (YAML) atomically.

    The instrument is written even when some of the form did not map: it holds what did.

    Parameters
    ----------
    path : str or Path
        The form.
    output : str or Path
        The instrument file to write.
    media : str or Path, optional
        The folder of the form's attached files; see :func:`read_xlsform`.

    Returns
    -------
    XLSFormImport
        The instrument written and the findings.

    Raises
    ------
    XLSFormError
        If the form cannot be read or no question maps.
    OutputError
        If the instrument file cannot be written.
    """
    from .._atomic import atomic_path
    from ..instrument import dump_instrument

    result = read_xlsform(path, media)
    output = Path(output)
    with atomic_path(output) as temporary:
        temporary.write_text(dump_instrument(result.instrument), encoding="utf-8")
    return result
