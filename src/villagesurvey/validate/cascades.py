"""Rules of choices across answers: cascading selects and exclusive options.

**Cascading selects** (an XLSForm's ``choice_filter``).
A question with ``filter_by: {state: state_q}`` offers only the choices whose ``filter``
``state`` equals the answer to ``state_q``; an answer outside them (a district of another
state) is a ``choice_not_allowed`` error. A row whose earlier answer is blank is not judged.

**Exclusive options** (``not(selected(., 'none') and count-selected(.) > 1)``): an option of a
``select_multiple`` in ``exclusive`` chosen with another is an ``exclusive_option`` error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..instrument import Column, Instrument

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["find_exclusive", "find_filtered"]


def _text(value: Any) -> str | None:
    if value is None or value != value:  # NaN, NA
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parent(instrument: Instrument, column: Column, code: str, typed: pd.DataFrame) -> str:
    """The column of the earlier question: the same wave's, when it is asked in waves."""
    if column.wave is not None and f"{code}_{column.wave}" in typed.columns:
        return f"{code}_{column.wave}"
    return code


def find_filtered(instrument: Instrument, typed: pd.DataFrame) -> pd.DataFrame:
    """Findings (``record, column, value, check, message``) for answers a filter excludes."""
    import pandas as pd

    rows: list[tuple[Any, ...]] = []
    for column in instrument.columns:
        question = column.question
        if not question.filter_by or column.code not in typed.columns:
            continue
        allowed = {str(c.code): dict(c.filter) for c in instrument.choice_list(question)}
        for record, answer in typed[column.code].items():
            codes = (
                (_text(answer) or "").split()
                if question.type == "select_multiple"
                else [_text(answer) or ""]
            )
            for code in [c for c in codes if c in allowed]:
                for key, source in question.filter_by:
                    parent = _parent(instrument, column, source, typed)
                    said = _text(typed.at[record, parent]) if parent in typed.columns else None
                    if said is not None and allowed[code].get(key) != said:
                        rows.append(
                            (record, column.code, code, "choice_not_allowed",
                             f"{code!r} is not a choice when {source} is {said!r} (its {key} "
                             f"is {allowed[code].get(key, 'not given')!r})")
                        )  # fmt: skip
    return pd.DataFrame(
        rows, columns=["record", "column", "value", "check", "message"], dtype=object
    )


def find_exclusive(instrument: Instrument, typed: pd.DataFrame) -> pd.DataFrame:
    """Findings (``record, column, value, check, message``) for an exclusive option chosen
    with another."""
    import pandas as pd

    rows: list[tuple[Any, ...]] = []
    for column in instrument.columns:
        alone = {str(c) for c in column.question.exclusive}
        if not alone or column.code not in typed.columns:
            continue
        for record, answer in typed[column.code].dropna().items():
            chosen = str(answer).split()
            clash = sorted(alone & set(chosen))
            if clash and len(chosen) > 1:
                rows.append(
                    (record, column.code, answer, "exclusive_option",
                     f"{clash[0]!r} is chosen alone, not with other options ({answer!r})")
                )  # fmt: skip
    return pd.DataFrame(
        rows, columns=["record", "column", "value", "check", "message"], dtype=object
    )
