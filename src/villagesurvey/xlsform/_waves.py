"""Join the fields of one question asked in waves back into that question.

The export writes a question asked in waves as one field per wave, ``income_2020`` and
``income_2022``, labelled ``Income (2020)`` and ``Income (2022)`` (``收入（2020年）`` in
Chinese), their skip rules bound to the wave. Consecutive fields of one group that follow
that pattern and agree in everything else are joined into one question with ``waves``; a
skip rule naming ``q_2020`` in the 2020 field and ``q_2022`` in the 2022 field is read as
naming ``q``. Fields that do not agree stay separate questions, which loses nothing: the
dataset's columns are the same either way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from ..instrument.conditions import AllOf, AnyOf, Compare, Condition, In, Not, Selected
from ..instrument.model import Text
from ._drafts import Field

__all__ = ["Joined", "join_waves", "wave_name"]

_WAVE_NAME = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9_]*)_(?P<wave>\d{4})$")


class _NoJoin(Exception):  # noqa: N818 -- a verdict used for control flow, never raised out
    pass


@dataclass
class Joined:
    """A question of the instrument: one field, or the fields of its waves joined."""

    code: str
    fields: list[Field]
    waves: tuple[int, ...] = ()
    label: Text | None = None  # the label without the wave, when joined
    relevant: Condition | None = None

    @property
    def first(self) -> Field:
        """The first field: everything but the label and skip rule is the same in each."""
        return self.fields[0]


def wave_name(code: str) -> tuple[str, int] | None:
    """``income_2020`` -> ``("income", 2020)``; ``None`` for a name without a wave."""
    match = _WAVE_NAME.match(code)
    if match is None or not 1900 <= int(match["wave"]) <= 2200:
        return None
    return match["base"], int(match["wave"])


def _label(field: Field, wave: int) -> Text | None:
    stripped: Text = {}
    for lang, text in field.label.items():
        for suffix in (f" ({wave})", f"（{wave}年）"):
            if text.endswith(suffix) and text[: -len(suffix)].strip():
                stripped[lang] = text[: -len(suffix)]
                break
        else:
            return None
    return stripped


def _signature(field: Field) -> tuple[object, ...]:
    return (
        field.type,
        field.list_name,
        field.hint,
        field.required,
        field.message,
        sorted(field.limits.items()),
        field.unit,
        field.pii,
        field.scale,
        field.reverse,
        field.likert,
        field.group,
        field.section,
    )


def join_waves(fields: Sequence[Field], taken: set[str]) -> list[Joined]:
    """Join the fields of each question asked in waves; ``taken`` holds every field's code."""
    joined: list[Joined] = []
    merged: dict[str, tuple[int, ...]] = {}
    bases = Counter(named[0] for f in fields if (named := wave_name(f.code)))
    index = 0
    while index < len(fields):
        run = _run(fields, index, taken | set(merged))
        if len(run) == 1 and bases[run[0].code.rsplit("_", 1)[0]] > 1:
            run = []  # income_2022 alone while income_2020 stays a question of its own
        if run:
            base = str(wave_name(run[0].code)[0])  # type: ignore[index]
            waves = tuple(wave_name(f.code)[1] for f in run)  # type: ignore[index]
            try:
                relevant = _unify([f.relevant for f in run], waves, merged)
            except _NoJoin:
                run = []
            else:
                label = _label(run[0], waves[0])
                joined.append(Joined(base, run, waves, label, relevant))
                merged[base] = waves
                index += len(run)
                continue
        field = fields[index]
        joined.append(Joined(field.code, [field], relevant=field.relevant))
        index += 1
    return joined


def _run(fields: Sequence[Field], start: int, taken: set[str]) -> list[Field]:
    """The fields from ``start`` that are the waves of one question; empty if none."""
    first = fields[start]
    named = wave_name(first.code)
    if named is None or first.key is not None or first.rules:
        return []
    base, wave = named
    label = _label(first, wave)
    if label is None or base in taken:
        return []
    run, waves = [first], {wave}
    for field in fields[start + 1 :]:
        named = wave_name(field.code)
        if named is None or named[0] != base or named[1] in waves:
            break
        if field.rules or field.key is not None or _signature(field) != _signature(first):
            break
        if _label(field, named[1]) != label:
            break
        run.append(field)
        waves.add(named[1])
    return run


def _unify(
    conditions: list[Condition | None], waves: tuple[int, ...], merged: dict[str, tuple[int, ...]]
) -> Condition | None:
    """The one skip rule that, bound to each wave, gives each field's rule."""
    if all(c is None for c in conditions):
        return None
    if any(c is None for c in conditions):
        raise _NoJoin
    return _walk([c for c in conditions if c is not None], waves, merged)


def _walk(
    nodes: list[Condition], waves: tuple[int, ...], merged: dict[str, tuple[int, ...]]
) -> Condition:
    first = nodes[0]
    if any(type(n) is not type(first) for n in nodes):
        raise _NoJoin

    def same(values: list[object]) -> None:
        if any(v != values[0] for v in values):
            raise _NoJoin

    def name(items: list[Compare] | list[In] | list[Selected]) -> str:
        return _name([n.name for n in items], waves, merged)

    if isinstance(first, Compare):
        compares = cast(list[Compare], nodes)
        same([(n.op, n.value) for n in compares])
        return Compare(name(compares), first.op, first.value)
    if isinstance(first, In):
        ins = cast(list[In], nodes)
        same([n.values for n in ins])
        return In(name(ins), first.values)
    if isinstance(first, Selected):
        selected = cast(list[Selected], nodes)
        same([n.value for n in selected])
        return Selected(name(selected), first.value)
    if isinstance(first, Not):
        return Not(_walk([cast(Not, n).operand for n in nodes], waves, merged))
    groups = cast(list[AllOf | AnyOf], nodes)
    same([len(n.operands) for n in groups])
    parts = tuple(
        _walk([n.operands[i] for n in groups], waves, merged) for i in range(len(first.operands))
    )
    return AllOf(parts) if isinstance(first, AllOf) else AnyOf(parts)


def _name(names: list[str], waves: tuple[int, ...], merged: dict[str, tuple[int, ...]]) -> str:
    """``q`` when each wave's rule names ``q_<wave>`` of a question asked in those waves;
    the column itself when every wave names the same one."""
    parsed = [wave_name(n) for n in names]
    if all(p is not None for p in parsed):
        bases = {p[0] for p in parsed if p is not None}
        base = next(iter(bases))
        if (
            len(bases) == 1
            and all(p is not None and p[1] == w for p, w in zip(parsed, waves, strict=True))
            and set(waves) <= set(merged.get(base, ()))
        ):
            return base
    if len(set(names)) == 1:
        return names[0]
    raise _NoJoin
