"""Reshape a roster to the household level: one set of columns per member, as Stata's
``reshape wide`` makes them.

``reshape wide age sex, i(village hh) j(member)`` in Stata turns one row per member into one
row per household with ``age1 age2 ... sex1 sex2 ...``. :func:`widen` does the same for every
question of a roster, naming the columns ``<key><number>_<question>`` (``member1_age``) and
labelling them "Age (Member number 1)". There is one set of columns per member number found
in the data (with members numbered 1, 2, ... that is as many as the largest household has);
a household without that member has blanks there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..errors import AnalysisError
from ..instrument.model import Roster
from ._names import NameBook
from ._words import words
from .dataset import PROVENANCE_COLUMNS, SOURCE_COLUMN
from .labelled import LABEL_SET_ROOM, NAME_LIMIT, LabelledDataset, Variable
from .levels import key_frame, unlinked_rows

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["widen"]

_SHOWN = 5  # rows quoted in an error message


def widen(
    main: LabelledDataset, level: LabelledDataset, roster: Roster, *, name_limit: int = NAME_LIMIT
) -> LabelledDataset:
    """The main level with the roster's answers added as one set of columns per member.

    Parameters
    ----------
    main : LabelledDataset
        The main level (one row per household).
    level : LabelledDataset
        The roster's rows (:func:`~villagesurvey.export.levels.roster_dataset`).
    roster : Roster
    name_limit : int, default NAME_LIMIT
        The longest name, as for :func:`~villagesurvey.export.labelled.labelled_dataset`.

    Returns
    -------
    LabelledDataset
        ``main`` with, after its own variables, for each member number ``n`` in ascending
        order, each roster variable as ``<key><n>_<name>``: the same kind, value labels and
        measure, the label "<label> (<key's label> n)". Where a household has no member
        ``n`` the values are blank (not "not asked").

    Raises
    ------
    AnalysisError
        If a roster row has no member number, two rows of a household share one, or a row's
        household is not in the main level: the reshape would lose or merge rows.
    """
    import pandas as pd

    _check(main, level, roster)
    link = list(level.link)
    member = key_frame(level, [roster.key])[roster.key]
    slots = sorted(member.dropna().unique().tolist(), key=_order)
    parents = key_frame(main, link).astype("string")
    children = key_frame(level, link).astype("string").reset_index(drop=True)
    names = NameBook()
    names.taken.update(v.name.lower() for v in main.variables)
    skip = {*link, roster.key, SOURCE_COLUMN, *PROVENANCE_COLUMNS}
    answers = [v for v in level.variables if v.column not in skip]
    key_label = next(v.label for v in level.variables if v.column == roster.key)
    data: dict[str, pd.Series] = {}
    not_asked: dict[str, pd.Series] = {}
    variables: list[Variable] = []
    index = main.data.index
    for slot in slots:
        rows = (member == slot).to_numpy()
        found = children[rows].assign(_row=range(int(rows.sum())))
        place = parents.merge(found, on=link, how="left")["_row"]
        for variable in answers:
            wide = _slot_variable(variable, slot, roster, key_label, names, name_limit)
            data[wide.name] = _placed(level.data[variable.name][rows], place, index)
            asked = _placed(level.not_asked[variable.name][rows].astype("boolean"), place, index)
            not_asked[wide.name] = asked.fillna(False).astype(bool)
            variables.append(wide)
    return replace(
        main,
        data=pd.concat([main.data, pd.DataFrame(data, index=index)], axis=1),
        variables=(*main.variables, *variables),
        not_asked=pd.concat([main.not_asked, pd.DataFrame(not_asked, index=index)], axis=1),
        dropped=tuple(dict.fromkeys((*main.dropped, *level.dropped))),
    )


def _check(main: LabelledDataset, level: LabelledDataset, roster: Roster) -> None:
    member = key_frame(level, [roster.key])[roster.key]
    where = f"roster {roster.code}"
    blank = member.isna().to_numpy().nonzero()[0]
    if len(blank):
        raise AnalysisError(f"{where}: rows without a {roster.key}: {_rows(blank)}")
    keys = key_frame(level, [*level.link, roster.key]).astype("string")
    twice = keys.duplicated(keep=False).to_numpy().nonzero()[0]
    if len(twice):
        raise AnalysisError(
            f"{where}: rows sharing their household's {roster.key}: {_rows(twice)}; "
            "run villagesurvey validate on the returns and export its clean files"
        )
    parents = key_frame(main, list(level.link)).astype("string")
    twice = parents.duplicated(keep=False).to_numpy().nonzero()[0]
    if len(twice):
        raise AnalysisError(
            f"the main dataset has rows sharing a household key: {_rows(twice)}; "
            "--wide needs one row per household"
        )
    orphans = unlinked_rows(main, level)
    if orphans:
        raise AnalysisError(
            f"{where}: rows whose household is not in the main dataset: {_rows(orphans)}; "
            "--wide would lose them (export without --wide, or export the matching clean.csv)"
        )


def _rows(indices: Iterable[Any]) -> str:
    """Rows as a spreadsheet shows them (the header is row 1)."""
    rows = [int(i) + 2 for i in indices]
    more = f" and {len(rows) - _SHOWN} more" if len(rows) > _SHOWN else ""
    return ", ".join(str(r) for r in rows[:_SHOWN]) + more


def _order(value: object) -> tuple[int, float, str]:
    """Member numbers in ascending order: numbers by value, then text."""
    try:
        return (0, float(str(value)), "")
    except ValueError:
        return (1, 0.0, str(value))


def _placed(values: pd.Series, place: pd.Series, index: pd.Index) -> pd.Series:
    """``values`` (one per member of a slot) at the row of each household, blank elsewhere."""
    values = values.reset_index(drop=True)
    out = values.reindex(place.astype("Int64").to_numpy(na_value=-1))
    return out.set_axis(index)


def _slot_variable(
    variable: Variable, slot: object, roster: Roster, key_label: dict[str, str],
    names: NameBook, name_limit: int,
) -> Variable:  # fmt: skip
    number = _slot_text(slot)
    limit = name_limit
    if variable.value_labels and name_limit == NAME_LIMIT:
        limit -= LABEL_SET_ROOM
    head = f"{roster.key}{number}_"
    wanted = head + variable.name[: max(1, limit - len(head))]
    label = {
        lang: words(lang)["slot"].format(label=text, key=key_label[lang], slot=number)
        for lang, text in variable.label.items()
    }
    name = names.take(wanted, limit)
    return replace(variable, name=name, label=label, roster=roster.code, slot=number)


def _slot_text(slot: object) -> str:
    text = str(slot)
    return text[:-2] if text.endswith(".0") else text
