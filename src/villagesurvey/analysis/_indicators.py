"""The indicators of every construct, as numbers, from a clean dataset.

A scale's indicators are its Likert items, reverse-worded ones reversed (``min + max - x`` of
the scale's codes, so 1 <-> 5 on a 1-5 scale). A single-indicator construct of the model
(``model.constructs``) is a column as it is, the change of a question between its first and
last wave (``after - before``), or its growth (``ln(after / before)``, undefined unless both
are positive).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..instrument import Instrument
from ..instrument.model import IndicatorConstruct, Text
from ._data import numeric_frame

__all__ = ["Block", "indicator_frame"]


@dataclass(frozen=True)
class Block:
    """A construct and the columns of its indicators in the indicator frame.

    Attributes
    ----------
    code : str
        The scale or construct code.
    label : Text
        Its name for readers.
    kind : str
        ``scale``, or how a single indicator is made: ``column``, ``change``, ``growth``.
    indicators : tuple of str
        Column names in the indicator frame (question codes for a scale's items).
    reversed : tuple of str
        The reverse-worded items, already reversed in the frame.
    undefined : int
        Respondents whose growth is undefined (an amount of 0 or less).
    """

    code: str
    label: Text
    kind: str
    indicators: tuple[str, ...]
    reversed: tuple[str, ...] = ()
    undefined: int = 0


def indicator_frame(
    instrument: Instrument, data: pd.DataFrame, source: str
) -> tuple[pd.DataFrame, list[Block]]:
    """Every construct's indicators as floats (NaN for a blank), and the blocks.

    The scales come first, in the instrument's order, then the model's single-indicator
    constructs. Raises :class:`~villagesurvey.errors.AnalysisError` for a missing column or a
    value that is not a number.
    """
    model = instrument.model
    singles = list(model.constructs.values()) if model else []
    needed = [q.code for s in instrument.scales for q in instrument.scale_items(s)]
    needed += [c for single in singles for c in _source_columns(instrument, single)]
    numbers, _ = numeric_frame(data, list(dict.fromkeys(needed)), [], source)
    frame = pd.DataFrame(index=numbers.index)
    blocks: list[Block] = []
    for code, scale in instrument.scales.items():
        items = instrument.scale_items(code)
        codes = [int(c.code) for c in instrument.choices.get(scale.choices, ())]
        low, high = (min(codes), max(codes)) if codes else (0, 0)
        for q in items:
            frame[q.code] = low + high - numbers[q.code] if q.reverse else numbers[q.code]
        reversed_items = tuple(q.code for q in items if q.reverse)
        blocks.append(
            Block(code, scale.label, "scale", tuple(q.code for q in items), reversed_items)
        )
    for single in singles:
        name = f"{single.kind}:{single.source}"
        values, undefined = _single(instrument, single, numbers)
        frame[name] = values
        blocks.append(Block(single.code, single.label, single.kind, (name,), (), undefined))
    return frame, blocks


def _source_columns(instrument: Instrument, single: IndicatorConstruct) -> list[str]:
    if single.kind == "column":
        return [single.source]
    waves = sorted(instrument.question(single.source).waves)
    return [f"{single.source}_{waves[0]}", f"{single.source}_{waves[-1]}"]


def _single(
    instrument: Instrument, single: IndicatorConstruct, numbers: pd.DataFrame
) -> tuple[pd.Series, int]:
    columns = _source_columns(instrument, single)
    if single.kind == "column":
        return numbers[columns[0]], 0
    before, after = numbers[columns[0]], numbers[columns[1]]
    if single.kind == "change":
        return after - before, 0
    positive = (before > 0) & (after > 0)
    growth = np.log(after.where(positive) / before.where(positive))
    undefined = int((~positive & before.notna() & after.notna()).sum())
    return growth, undefined
