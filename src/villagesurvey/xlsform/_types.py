"""The question types of an XLSForm, as pyxform names them, and what each becomes.

pyxform accepts several names for each type (``select one from x``, ``int``, ``gps`` ...;
``pyxform/question_type_dictionary.py``); these tables read them all.
"""

from __future__ import annotations

import re

__all__ = [
    "AS_TEXT", "BEGIN_GROUP", "BEGIN_REPEAT", "CALCULATIONS", "END_GROUP", "END_REPEAT",
    "FROM_FILE", "MOMENTS", "SELECT", "SELECT_ONE", "TYPES", "skipped",
]  # fmt: skip

# answers that are a text the phone records: a scanned code, a file's name, an "OK"
AS_TEXT = frozenset(
    {"barcode", "q barcode", "add barcode prompt", "image", "photo", "q image", "q picture",
     "add image prompt", "add photo prompt", "audio", "q audio", "add audio prompt", "video",
     "q video", "add video prompt", "file", "acknowledge", "trigger", "hidden"}
)  # fmt: skip
# pyxform's names of each type (question_type_dictionary.py), lower case
TYPES = {
    **dict.fromkeys(("text", "string", "q string", "add text prompt", "phone number"), "text"),
    **dict.fromkeys(
        ("integer", "int", "q int", "add integer prompt", "percentage",
         "number of days in last month", "number of days in last six months",
         "number of days in last year"), "integer"),
    **dict.fromkeys(("decimal", "q decimal", "add decimal prompt"), "decimal"),
    **dict.fromkeys(("date", "q date", "add date prompt"), "date"),
    **dict.fromkeys(("time", "q time", "add time prompt"), "time"),
    **dict.fromkeys(("datetime", "q datetime", "date time", "add datetime prompt",
                     "add date time prompt"), "datetime"),
    **dict.fromkeys(AS_TEXT, "text"),
    **dict.fromkeys(("geopoint", "gps", "location", "q geopoint", "q location",
                     "add location prompt"), "geopoint"),
}  # fmt: skip
_METADATA = frozenset(
    {"start", "end", "today", "deviceid", "imei", "subscriberid", "simserial", "phonenumber",
     "username", "email", "audit", "start-geopoint", "background-audio", "background-geopoint",
     "caseid", "uri:email", "uri:username", "uri:phonenumber", "uri:deviceid",
     "uri:subscriberid", "uri:simserial", "get start time", "get end time", "start time",
     "end time", "get today", "get sim id", "sim id", "get phone number", "get device id",
     "device id", "subscriber id", "get subscriber id"}
)  # fmt: skip
MOMENTS = {
    **dict.fromkeys(("start", "get start time", "start time"), "start"),
    **dict.fromkeys(("end", "get end time", "end time"), "end"),
}
"""Metadata rows whose answer is a moment the phone records: imported as datetime questions."""
_NOTES = frozenset({"note", "q note", "add note prompt"})
CALCULATIONS = frozenset({"calculate", "q calculate", "add calculate prompt"})
SELECT = re.compile(
    r"^(?P<kind>select_one|select one|select1|q select1|add select one prompt|select_multiple"
    r"|select multiple|select all that apply|q select|add select multiple prompt)"
    r"(?:\s+(?:from|using))?\s+(?P<list>\S+)(?:\s+(?P<other>or_other|or specify other))?$",
    re.IGNORECASE,
)
# choices that live outside the form: a CSV or XML file attached to it, or the external
# choices sheet; the form does not say them, so any answer is taken
FROM_FILE = re.compile(
    r"^(?P<kind>select_(?:one|multiple))(?:_from_file|_external)\s+(?P<file>\S+)$", re.IGNORECASE
)
SELECT_ONE = frozenset(
    {"select_one", "select one", "select1", "q select1", "add select one prompt"}
)
BEGIN_GROUP = ("begin_group", "begin group")
END_GROUP = ("end_group", "end group")
BEGIN_REPEAT = ("begin_repeat", "begin repeat", "begin_loop", "begin loop", "begin lgroup")
END_REPEAT = ("end_repeat", "end repeat", "end_loop", "end loop", "end lgroup")


def skipped(kind: str, name: str) -> tuple[str, str, bool] | None:
    """Why a row of this type is not a question: (finding code, message, lost), or ``None``."""
    lowered = kind.lower()
    if not kind:
        return "missing_type", f"row {name or '(no name)'!r} has no type and is not imported", True
    if lowered in _METADATA:
        return (
            "metadata_field",
            f"{kind} {name!r} is recorded by the phone, not asked; it is not imported",
            False,
        )
    if lowered in _NOTES:
        return (
            "note_field",
            (
                f"note {name!r} is not imported: an instrument holds questions; put "
                "its text in the hint of the question it explains"
            ),
            True,
        )
    if (
        lowered not in TYPES
        and lowered != "range"
        and lowered not in CALCULATIONS
        and SELECT.match(kind) is None
        and FROM_FILE.match(kind) is None
    ):
        return (
            "unsupported_type",
            (
                f"{kind} question {name!r} is not imported: an instrument has "
                "integer, decimal, text, date, time, datetime, geopoint, select_one, "
                "select_multiple and likert questions"
            ),
            True,
        )
    if not name:
        return "missing_name", f"this {kind} question has no name and is not imported", True
    return None
