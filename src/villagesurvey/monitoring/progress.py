"""Progress against the sample: per village and overall, what is done and what remains.

:func:`add_progress` reads a validation's rows (and, when given, the sample list of
:mod:`.sample`) and puts the view ``progress`` in ``validation.monitoring``:

``villages``
    one entry per village (the sample's villages in its order, then any other village
    returns name): ``interviews`` (rows returned), ``clean``, ``quarantined``, ``refused``
    (rows whose consent answer is not a yes; ``None`` when the instrument declares no
    consent question) and, with a sample list, ``listed`` (respondents who are not
    replacements), ``replacements_listed``, ``target``, ``interviewed`` (listed respondents
    with at least one row), ``completed`` (listed respondents with a row that is not a
    refusal), ``remaining`` (target minus completed, at least 0), ``replacements_used``,
    ``not_listed`` (rows whose respondent is not on the list) and ``interviewed_twice``
    (listed respondents with more than one row).
``overall``
    the same numbers for the whole batch.
``per_village_day``
    ``[{"village": "V1", "date": "2022-07-05", "interviews": 2}, ...]``: each village's
    interviews on each day it has some, the villages in the order of ``villages``.
``per_day``
    ``[{"date": "2022-07-05", "interviews": 3}, ...]`` and ``undated`` (rows without a day);
    the day of each row is :func:`.days.interview_days`' (the date question, else the start
    time, else the submission time, row by row), and ``date_from`` says how many rows each
    of those gave their day (``{"interview_date": 204, "start": 2}``).
``not_listed``, ``interviewed_twice``
    where those rows are (file, sheet, row), at most :data:`LOCATED` of each, with the
    respondent's key (:data:`~villagesurvey.validate.cells.HIDDEN` when a key question is
    personal data).

Each row whose respondent is not on the list is also a ``not_in_sample`` warning at its row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from ..validate.cells import HIDDEN
from ..validate.result import FILE, ROW, SHEET, Validation
from .days import interview_days
from .keys import SEPARATOR, row_keys
from .sample import VILLAGE, SampleList

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LOCATED", "NAME", "add_progress"]

NAME = "progress"
"""The view's name in ``validation.monitoring``."""
LOCATED = 200
"""Rows located in the block for each of ``not_listed`` and ``interviewed_twice``."""

_JOIN = "\x1f"
"""Joins a key's parts for matching: the unit separator, a control character, not a key's."""
_COUNTS = ("interviews", "clean", "quarantined", "refused")
_SAMPLE_COUNTS = (
    "listed", "replacements_listed", "target", "interviewed", "completed", "remaining",
    "replacements_used", "not_listed", "interviewed_twice",
)  # fmt: skip


def add_progress(validation: Validation, sample: SampleList | None = None) -> None:
    """Compute the ``progress`` view of a validation and add its warnings.

    Parameters
    ----------
    validation : Validation
        The checked rows; gets ``monitoring["progress"]`` and a ``not_in_sample`` warning
        for each row whose respondent is not on the sample list.
    sample : SampleList, optional
        The respondents to interview (:func:`.sample.read_sample`).
    """
    days = interview_days(validation)
    rows = _rows(validation, sample, days.day)
    consent = _consent(validation.instrument)
    asked = consent is not None and consent[0] in validation.typed
    table = _village_counts(rows, sample, asked)
    overall = {
        name: None if name == "refused" and not asked else sum(t[name] for t in table)
        for name in (*_COUNTS, *(_SAMPLE_COUNTS if sample is not None else ()))
    }
    block: dict[str, Any] = {
        "sample": None if sample is None else {
            "file": sample.name, "sha256": sample.sha256, "respondents": len(sample.keys),
        },
        "village_column": _village_column(validation.instrument, sample),
        "consent_question": consent[0] if consent is not None else None,
        "date_from": days.sources,
        "villages": table,
        "overall": overall,
        "per_day": _per_day(rows),
        "per_village_day": _per_village_day(rows, sample),
        "undated": int(rows["day"].isna().sum()),
    }  # fmt: skip
    if sample is not None:
        shown = rows
        if any(validation.instrument.question(k).pii for k in validation.instrument.key):
            shown = rows.assign(key=HIDDEN)  # the rows are located all the same
        block["not_listed"] = _located(shown[shown["listed"] < 0])
        block["interviewed_twice"] = _twice(shown)
        validation.add_warnings(_not_listed_warnings(shown, validation.instrument, sample))
    validation.monitoring[NAME] = block


def _rows(validation: Validation, sample: SampleList | None, days: pd.Series) -> pd.DataFrame:
    """One line per validated row: key, village, clean, refused, day, place in the list."""
    import numpy as np
    import pandas as pd

    instrument = validation.instrument
    keys = row_keys(validation.typed, list(instrument.key))
    first, *rest = instrument.key
    joined = keys[first].astype(str).str.cat([keys[c].astype(str) for c in rest], sep=SEPARATOR)
    village_code = VILLAGE if VILLAGE in {q.code for q in instrument.questions} else None
    own = row_keys(validation.typed, [village_code])[village_code] if village_code else None
    village = own if own is not None else keys[instrument.key[0]]
    listed = pd.Series(-1, index=keys.index, dtype="int64")
    if sample is not None:
        matched = keys[first].astype(str).str.cat([keys[c].astype(str) for c in rest], sep=_JOIN)
        place = {_JOIN.join(k): i for i, k in enumerate(sample.keys)}
        listed = matched.map(place).fillna(-1).astype("int64")
        villages = np.array(sample.villages, dtype=object)
        of_list = pd.Series(villages[listed.clip(lower=0).to_numpy()], index=keys.index)
        village = of_list.where(listed >= 0, village)
    return pd.DataFrame(
        {
            "key": pd.Series(joined, index=keys.index, dtype=object),
            "village": village.astype(object),
            "clean": ~validation.typed.index.isin(validation.quarantined),
            "refused": _refused(validation),
            "day": days,
            "listed": listed,
            "file": validation.raw[FILE],
            "sheet": validation.raw[SHEET],
            "row": validation.raw[ROW],
        },
        index=keys.index,
    )


def _village_column(instrument: Instrument, sample: SampleList | None) -> str:
    if sample is not None:
        return sample.village_column
    codes = {q.code for q in instrument.questions}
    return VILLAGE if VILLAGE in codes else instrument.key[0]


def _village_order(rows: pd.DataFrame, sample: SampleList | None) -> list[str]:
    listed = list(dict.fromkeys(sample.villages)) if sample is not None else []
    seen = set(listed)
    others = sorted({str(v) for v in rows["village"]} - seen)
    return [*listed, *others]


def _consent(instrument: Instrument) -> tuple[str, set[str]] | None:
    """The consent question and its answers that mean yes, if the instrument declares one."""
    consent = instrument.monitoring.consent
    if consent is None:
        return None
    return consent.question, {str(v) for v in consent.yes}


def _refused(validation: Validation) -> pd.Series:
    """Per row: ``True`` when the consent answer is given and is not a yes (NA: not asked)."""
    import pandas as pd

    consent = _consent(validation.instrument)
    index = validation.typed.index
    if consent is None or consent[0] not in validation.typed:
        return pd.Series(pd.NA, index=index, dtype="boolean")
    answers = row_keys(validation.typed, [consent[0]])[consent[0]]
    return ((answers != "") & ~answers.isin(consent[1])).astype("boolean")


def _village_counts(
    rows: pd.DataFrame, sample: SampleList | None, asked: bool
) -> list[dict[str, Any]]:
    """The counts of every village, in :func:`_village_order` (one pass over the rows)."""
    import pandas as pd

    by = rows.groupby("village", sort=False)
    refused = rows["refused"].fillna(False).astype(bool)
    order = _village_order(rows, sample)
    frame = pd.DataFrame(index=pd.Index(order, dtype=object))
    frame["interviews"] = by.size()
    frame["clean"] = by["clean"].sum()
    frame["refused"] = refused.groupby(rows["village"], sort=False).sum()
    if sample is not None:
        on = rows[rows["listed"] >= 0]
        firsts = on.drop_duplicates("listed")
        times = on["listed"].value_counts()
        spare = pd.Series(sample.replacement, dtype=bool)
        frame["interviewed"] = firsts.groupby("village", sort=False).size()
        done = on[~refused[on.index]].drop_duplicates("listed")
        frame["completed"] = done.groupby("village", sort=False).size()
        frame["replacements_used"] = (
            spare[firsts["listed"]].groupby(firsts["village"].to_numpy(), sort=False).sum()
        )
        frame["twice"] = (
            (times[firsts["listed"]] > 1).groupby(firsts["village"].to_numpy(), sort=False).sum()
        )
        frame["not_listed"] = (rows["listed"] < 0).groupby(rows["village"], sort=False).sum()
        frame["listed"] = _on_list(sample, replacement=False)
        frame["replacements_listed"] = _on_list(sample, replacement=True)
    found = frame.fillna(0).astype("int64").to_dict("index")
    return [_counts(v, found[v], sample, asked) for v in order]


def _on_list(sample: SampleList, replacement: bool) -> pd.Series:
    """Respondents listed per village, replacements or not."""
    import pandas as pd

    villages = pd.Series(sample.villages, dtype=object)
    chosen = pd.Series(sample.replacement, dtype=bool) == replacement
    return villages[chosen].value_counts(sort=False)


def _counts(
    village: str, found: dict[str, int], sample: SampleList | None, asked: bool
) -> dict[str, Any]:
    counts: dict[str, Any] = {
        "village": village,
        "interviews": int(found["interviews"]),
        "clean": int(found["clean"]),
        "quarantined": int(found["interviews"] - found["clean"]),
        "refused": int(found["refused"]) if asked else None,
    }
    if sample is None:
        return counts
    main = int(found["listed"])
    target = sample.targets.get(village, main)
    return counts | {
        "listed": main,
        "replacements_listed": int(found["replacements_listed"]),
        "target": target,
        "interviewed": int(found["interviewed"]),
        "completed": int(found["completed"]),
        "remaining": max(target - int(found["completed"]), 0),
        "replacements_used": int(found["replacements_used"]),
        "not_listed": int(found["not_listed"]),
        "interviewed_twice": int(found["twice"]),
    }


def _per_day(rows: pd.DataFrame) -> list[dict[str, Any]]:
    days = rows["day"].dropna().value_counts().sort_index()
    return [{"date": str(d), "interviews": int(n)} for d, n in days.items()]


def _per_village_day(rows: pd.DataFrame, sample: SampleList | None) -> list[dict[str, Any]]:
    """Interviews of each village on each day it has some, the villages in the table's order."""
    dated = rows[rows["day"].notna()]
    counts = dated.groupby(["village", "day"], sort=True).size()
    place = {v: i for i, v in enumerate(_village_order(rows, sample))}
    found = sorted(counts.items(), key=lambda c: (place[str(c[0][0])], c[0][1]))
    return [{"village": str(v), "date": str(d), "interviews": int(n)} for (v, d), n in found]


def _place(rows: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {"file": str(f), "sheet": str(s), "row": int(r)}
        for f, s, r in zip(rows["file"], rows["sheet"], rows["row"], strict=True)
    ]


def _located(rows: pd.DataFrame) -> list[dict[str, Any]]:
    shown = rows.head(LOCATED)
    return [{"key": str(k), **p} for k, p in zip(shown["key"], _place(shown), strict=True)]


def _twice(rows: pd.DataFrame) -> list[dict[str, Any]]:
    listed = rows[rows["listed"] >= 0]
    again = listed[listed["listed"].duplicated(keep=False)]
    out: list[dict[str, Any]] = []
    for _, group in again.groupby("listed", sort=True):
        if len(out) == LOCATED:
            break
        first = group.iloc[0]
        out.append({"key": str(first["key"]), "village": str(first["village"]),
                    "rows": _place(group)})  # fmt: skip
    return out


def _not_listed_warnings(
    rows: pd.DataFrame, instrument: Instrument, sample: SampleList
) -> pd.DataFrame:
    import pandas as pd

    off = rows[rows["listed"] < 0]
    first = instrument.key[0]
    return pd.DataFrame(
        {
            "file": off["file"],
            "sheet": off["sheet"],
            "row": off["row"],
            "column": first,
            "value": off["key"],
            "check": "not_in_sample",
            "severity": "warning",
            "message": [
                f"respondent {'' if k == HIDDEN else k + ' '}is not on the sample list "
                f"{sample.name}: check the key, or add the respondent to the list if they "
                "replace someone"
                for k in off["key"]
            ],
            "expected": "a respondent of the sample list",
            "record": off.index,
        }
    )
