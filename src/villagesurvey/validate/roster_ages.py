"""Ages between rows of one household: a roster's ``older_than`` rules, as warnings.

``older_than: [{older: relation = 2, younger: relation = 3, age: age}]`` says no child is
older than the head's spouse. A row that holds ``younger`` and whose age is above the oldest
age of the rows of its household that hold ``older`` (less ``by``) gets a ``roster_older_than``
warning on its age cell. A household without such a row, or a row without an age, is not
judged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..instrument import OlderThan, Roster
from ..instrument.conditions import parse_condition
from .masks import holds
from .roster_checks import _add, _finding, _keys, _number

if TYPE_CHECKING:
    from .run import Validation

__all__ = ["check_ages"]


def check_ages(
    level: Validation,
    spec: Roster,
    parent_key: tuple[str, ...],
    letters: dict[tuple[str, str, str], str],
) -> None:
    """Add a warning on each row that breaks one of the roster's ``older_than`` rules.

    Parameters
    ----------
    level : Validation
        The roster's level, checked against its own instrument; its findings are updated.
    spec : Roster
        The roster as the instrument declares it.
    parent_key : tuple of str
        The columns that say which household (or outer roster's row) a row belongs to.
    letters : dict
        The Excel letter of each ``(file, sheet, column)``.
    """
    if not spec.older_than or not len(level.raw):
        return
    groups = _keys(level, parent_key)
    found: list[dict[str, Any]] = []
    for rule in spec.older_than:
        found += _older_than(level, rule, groups)
    _add(level, found, letters)


def _older_than(level: Validation, rule: OlderThan, groups: Any) -> list[dict[str, Any]]:
    typed = level.typed
    older = holds(parse_condition(rule.older), typed).fillna(False).astype(bool)
    younger = holds(parse_condition(rule.younger), typed).fillna(False).astype(bool)
    ages = typed[rule.age].astype("Float64")
    judged = older & ages.notna() & groups.notna()
    oldest = ages[judged].groupby(groups[judged]).max()
    out = []
    for record in typed.index[younger & ages.notna() & groups.isin(oldest.index)]:
        age, limit = float(ages.at[record]), float(oldest.at[groups.at[record]])
        if age > limit - rule.by:
            younger_by = f"at least {_number(rule.by)} years younger" if rule.by else "younger"
            out.append(_finding(
                level, record, rule.age, "roster_older_than", "warning",
                f"is {_number(age)}, but a row of {rule.younger} should be {younger_by} than "
                f"the oldest row of {rule.older} in its household ({_number(limit)})",
                value=_number(age), expected=f"at most {_number(limit - rule.by)}",
            ))  # fmt: skip
    return out
