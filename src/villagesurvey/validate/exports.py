"""What the exports of phone-based survey tools look like, and how to read them as returns.

ODK Central, KoboToolbox and SurveyCTO export one row per submission, in CSV or xlsx, with
three habits a workbook does not have:

- field names carry the path of the groups they sit in: ``identification/village_id``
  (KoboToolbox), ``identification-village_id`` (ODK Central);
- a select_multiple question may come split into one 0/1 column per option:
  ``ecom_platforms/taobao`` (KoboToolbox, ODK Central) or ``ecom_platforms_taobao``
  (SurveyCTO), with or without the space-separated column beside it;
- metadata of the submission: ``_uuid``, ``_submission_time``, ``meta/instanceID``,
  ``KEY``, ``SubmissionDate``, ``start``, ``deviceid`` ...

:func:`field_code` and :func:`option_column` find the instrument column a field name means,
:func:`metadata_name` recognises the metadata, and :func:`join_options` puts split options
back into one answer. Nothing here reads a file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "METADATA",
    "SUBMISSION_ID",
    "SUBMITTED_AT",
    "field_code",
    "geopoint_part",
    "join_options",
    "metadata_name",
    "option_column",
]

_GROUP_SEPARATORS = ("/", "-", ":")

METADATA = frozenset(
    {
        # KoboToolbox
        "_id", "_uuid", "_submission_time", "_index", "_parent_index", "_parent_table_name",
        "_validation_status", "_status", "_submitted_by", "__version__", "_version_",
        "_xform_id_string", "_notes", "_tags", "_attachments", "_geolocation", "_duration",
        "formhub/uuid",
        # ODK Central (also ODK Briefcase)
        "instanceid", "instancename", "submissiondate", "submitterid", "submittername",
        "attachmentspresent", "attachmentsexpected", "status", "reviewstate", "deviceid",
        "edits", "formversion", "key", "parent_key",
        # SurveyCTO
        "completiondate", "formdef_version", "starttime", "endtime", "duration", "caseid",
        "review_quality", "review_status", "review_comments", "review_corrections",
        # XLSForm metadata questions
        "start", "end", "today", "subscriberid", "simserial", "phonenumber", "username",
        "email", "audit", "uuid", "devicephonenum", "simid",
        # a note field (XLSForm ``note``) as exports name it: it asks nothing
        "note",
    }
)  # fmt: skip
"""Metadata columns of a submission (case-folded, group path removed)."""

SUBMISSION_ID = ("instanceid", "key", "_uuid", "uuid")
"""Columns that identify a submission, most specific first; kept as ``source_submission``."""

SUBMITTED_AT = ("submissiondate", "_submission_time", "completiondate")
"""Columns that say when a submission reached the server; kept as ``source_submitted``."""

_SELECTED = frozenset({"1", "1.0", "true", "yes", "y", "x"})
_NOT_SELECTED = frozenset({"", "0", "0.0", "false", "no", "n"})


def _tails(text: str) -> list[str]:
    """The field name without each possible group path, shortest path removed first."""
    tails: list[str] = []
    for separator in _GROUP_SEPARATORS:
        parts = text.split(separator)
        tails.extend(separator.join(parts[k:]) for k in range(1, len(parts)))
    return tails


def field_code(text: str, codes: Mapping[str, str]) -> str | None:
    """The column a group-prefixed field name means, or ``None``.

    Parameters
    ----------
    text : str
        A header cell, e.g. ``"identification/village_id"``.
    codes : mapping
        Case-folded column code → column code.

    Examples
    --------
    >>> field_code("income-family_income_2022", {"family_income_2022": "family_income_2022"})
    'family_income_2022'
    """
    for tail in _tails(text):
        code = codes.get(tail.strip().casefold())
        if code is not None:
            return code
    return None


def option_column(
    text: str, codes: Mapping[str, str], options: Mapping[str, Sequence[str]]
) -> tuple[str, str] | None:
    """``(column, option)`` when a header is one option of a split select_multiple.

    Parameters
    ----------
    text : str
        A header cell, e.g. ``"livelihood/ecom_platforms/taobao"`` or
        ``"ecom_platforms_taobao"``.
    codes : mapping
        Case-folded column code → column code.
    options : mapping
        The option codes (as text) of each select_multiple column.
    """
    for separator in ("/", "_", "."):
        parts = text.split(separator)
        for k in range(len(parts) - 1, 0, -1):  # option codes may hold the separator too
            head, option = separator.join(parts[:k]), separator.join(parts[k:]).strip()
            code = codes.get(head.strip().casefold()) or field_code(head, codes)
            if code is not None and code in options and option in options[code]:
                return code, option
    return None


GEOPOINT_PARTS = ("latitude", "longitude", "altitude", "accuracy")
"""The parts of a geopoint, in the order a phone writes them in one answer."""
_POINT = "geopoint:"  # marks a geopoint's part among the split columns of a question


def geopoint_part(
    text: str, codes: Mapping[str, str], points: frozenset[str]
) -> tuple[str, str] | None:
    """``(column, part)`` when a header is one part of a geopoint split in four columns.

    ODK Central's CSV writes a geopoint ``location`` as ``location-Latitude``,
    ``location-Longitude``, ``location-Altitude`` and ``location-Accuracy``; the blank
    workbook as ``location_latitude`` ...; KoboToolbox beside the point as
    ``_location_latitude`` ... ``_location_precision`` (used only when the point's own column
    is not in the file). :func:`join_options` puts the parts back into one answer.
    """
    for separator in ("-", "_", "/"):
        head, found, part = text.strip().rpartition(separator)
        part = "accuracy" if part.casefold() == "precision" else part.casefold()
        if found and part in GEOPOINT_PARTS:
            heads = (head, head[1:]) if head.startswith("_") else (head,)
            for name in heads:
                code = codes.get(name.strip().casefold()) or field_code(name, codes)
                if code is not None and code in points:
                    return code, _POINT + part
    return None


_GEOPOINT_PART = re.compile(r"^_.+_(latitude|longitude|altitude|precision)$")
"""KoboToolbox's copy of a geopoint's parts beside it: ``_location_latitude``."""


def metadata_name(text: str) -> str | None:
    """The metadata a header holds (``"_uuid"``, ``"instanceid"``, ...), or ``None``."""
    folded = text.strip().casefold()
    if folded in METADATA:
        return folded
    if folded.startswith("_submission_") and folded[12:] in METADATA:
        return folded[12:]  # KoboToolbox's repeat sheet: its submission's _uuid, ...
    if folded.startswith("set-of-"):
        return "set-of"  # SurveyCTO: the repeat rows of the submission, in their own file
    if _GEOPOINT_PART.match(folded.rsplit("/", 1)[-1]):
        return "geopoint_part"
    for tail in _tails(folded):
        if tail in METADATA:
            return tail
    return None


def join_options(flags: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
    """One answer per row from the 0/1 columns of a split select_multiple.

    Parameters
    ----------
    flags : sequence of (option, cells)
        Each option's column, in the order of the file.

    Returns
    -------
    list
        Per row, the selected options separated by spaces (``None`` when no column says
        anything). A cell that is neither a yes (1, true, yes) nor a no (0, false, no,
        blank) is kept as ``option=cell`` so that validation reports it where it is. For a
        geopoint's parts (:func:`geopoint_part`), the point as one answer, a missing part
        written ``?`` so that validation reports it.
    """
    if flags and all(option.startswith(_POINT) for option, _ in flags):
        return _join_point(flags)
    rows = len(flags[0][1]) if flags else 0
    out: list[Any] = []
    for row in range(rows):
        chosen: list[str] = []
        said = False
        for option, cells in flags:
            cell = cells[row]
            text = _flag_text(cell)
            if text is None:
                continue
            said = True
            if text in _SELECTED:
                chosen.append(option)
            elif text not in _NOT_SELECTED:
                chosen.append(f"{option}={cell}")
        out.append(" ".join(chosen) if said else None)
    return out


def _join_point(parts: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
    """``latitude longitude altitude accuracy`` per row from a geopoint's split columns."""
    order = sorted(parts, key=lambda p: GEOPOINT_PARTS.index(p[0].removeprefix(_POINT)))
    out: list[Any] = []
    for row in range(len(parts[0][1])):
        texts = [_part_text(cells[row]) for _, cells in order]
        while texts and not texts[-1]:
            texts.pop()  # no altitude and accuracy: the point as far as it goes
        out.append(" ".join(t or "?" for t in texts) if texts else None)
    return out


def _part_text(cell: Any) -> str:
    """A geopoint part's cell as written (``36.8219``, ``1,2921S``): not case-folded."""
    from .cells import show

    return " ".join(show(cell).split())


def _flag_text(cell: Any) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    text = re.sub(r"\s+", " ", str(cell)).strip().casefold()
    return text or None
