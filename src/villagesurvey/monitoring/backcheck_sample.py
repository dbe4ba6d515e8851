"""A back-check sample: a random share of each enumerator's interviews, reproducibly.

Rows are drawn within each stratum (each enumerator, or another column's values): the
share of its rows, rounded half up, and at least one. The draw uses numpy's ``Generator``
on the ``PCG64`` bit generator seeded with the seed given: one uniform number per row, the
strata in sorted order and the rows of a stratum in the order of their key, the rows with
the smallest numbers drawn. The same seed and the same rows give the same sample, whatever
the order of the rows in the file and on any platform.

The sample holds what a back-checker needs to find the respondent (the key, the stratum and
any column asked for) and never the answers to the back-checked questions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import OptionError
from .backchecks import backcheck_columns
from .keys import text_keys

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument import Instrument

__all__ = ["backcheck_sample"]


def backcheck_sample(
    instrument: Instrument,
    clean: pd.DataFrame,
    *,
    share: float = 0.1,
    by: str = "enumerator",
    seed: int = 1,
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Draw the back-check sample from the survey's clean rows.

    Parameters
    ----------
    instrument : Instrument
        Its key identifies the rows; its back-checked answers are left out.
    clean : DataFrame
        The survey's clean rows (``clean.csv``), as text.
    share : float, default 0.1
        The share of each stratum to draw, in (0, 1].
    by : str, default "enumerator"
        The column whose values are the strata.
    seed : int, default 1
        The seed of the PCG64 bit generator.
    keep : sequence of str
        More columns the back-checker needs (a name, a phone, a village's hamlet).

    Returns
    -------
    DataFrame
        ``by``, the key columns and ``keep``, sorted by stratum and key.

    Raises
    ------
    OptionError
        If a column is missing, ``keep`` names a back-checked answer, or ``share`` is not in
        (0, 1].
    """
    import numpy as np

    if not 0 < share <= 1:
        raise OptionError(f"--share {share}: give a share above 0 and at most 1")
    checked = {c.code for c in backcheck_columns(instrument)}
    hidden = [k for k in (by, *keep) if k in checked]
    if hidden:
        raise OptionError(
            f"{', '.join(hidden)} is back-checked: the back-checker must not see the answer"
        )
    columns = list(dict.fromkeys([by, *instrument.key, *keep]))
    missing = [c for c in columns if c not in clean.columns]
    if missing:
        raise OptionError(f"the clean data has no column {', '.join(missing)}")
    table = clean[columns].copy()
    keys = text_keys(table, instrument)
    table["_stratum"] = table[by].fillna("").astype(str)
    table["_order"] = [tuple(_in_order(part) for part in key) for key in keys]
    table = table.sort_values(["_stratum", "_order"], kind="stable")
    rng = np.random.Generator(np.random.PCG64(seed))
    picked = []
    for _, rows in table.groupby("_stratum", sort=True):
        size = max(1, math.floor(share * len(rows) + 0.5))
        draws = rng.random(len(rows))
        picked.append(rows.iloc[np.sort(np.argsort(draws, kind="stable")[:size])])
    if not picked:
        return table[columns].iloc[0:0]
    import pandas as pd

    return pd.concat(picked)[columns].reset_index(drop=True)


def _in_order(part: str) -> tuple[int, int, str]:
    """A key part's place: numbers first, by their value (then as written), then texts."""
    return (0, int(part), part) if part.isdigit() else (1, 0, part)
