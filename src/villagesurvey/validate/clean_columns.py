"""The clean dataset's columns as Arrow text, made a column at a time from the typed rows.

:meth:`.result.Validation.clean` gives them as a pandas table; a partition of the streamed
path hands them to the CSV or Parquet writers as they are
(:meth:`.result.Validation.clean_texts`), without a pandas column in between.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

__all__ = ["kept_text", "taken_text", "text_frame", "writers_text"]


def kept_text(values: pd.Series, keep: np.ndarray) -> pa.Array:
    """The values of the rows kept, as the clean dataset's text.

    Numbers as a person writes them (:func:`.number_texts.number_texts`), Arrow text as it
    is, other values as pandas shows them as text; blank for a missing value.

    Parameters
    ----------
    values : Series
        A typed column.
    keep : ndarray of bool
        The rows kept, one flag per value.

    Returns
    -------
    pyarrow.Array
        One ``large_string`` per row kept, without nulls (as a pandas ``str`` column holds it).
    """
    from .number_texts import number_texts

    if str(values.dtype) == "Float64":
        return number_texts(_kept_numbers(values, keep))
    return _kept_strings(values, keep)


def writers_text(values: pd.Series, keep: np.ndarray) -> pa.Array:
    """:func:`kept_text` as the CSV writers take it
    (:func:`~villagesurvey.tables.csv_file.neutral_texts`: a formula-like text neutralised).

    A number's text is a plain ASCII number, which is never neutralised, or blank: only
    ``-inf`` begins with a sign and is not one, so a column of numbers without it is
    left as it is, unscanned.
    """
    import numpy as np

    from ..tables.csv_file import neutral_texts
    from .number_texts import number_texts

    if str(values.dtype) == "Float64":
        numbers = _kept_numbers(values, keep)
        text = number_texts(numbers)
        return neutral_texts(text) if np.isneginf(numbers).any() else text
    return neutral_texts(_kept_strings(values, keep))


def _kept_numbers(values: pd.Series, keep: np.ndarray) -> np.ndarray:
    """A ``Float64`` column's numbers of the rows kept, NaN for missing."""
    import numpy as np

    numbers: np.ndarray = values.to_numpy(dtype=float, na_value=np.nan)
    return numbers if keep.all() else numbers[keep]


def _kept_strings(values: pd.Series, keep: np.ndarray) -> pa.Array:
    """:func:`kept_text` of a column that does not hold numbers."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.dtype == "str" and values.dtype.storage == "pyarrow":
        strings = pa.array(values.array)
    else:
        strings = pa.array(values[keep].fillna("").astype(str).array)
        keep = np.ones(len(strings), dtype=bool)
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    if not keep.all():
        strings = pc.filter(strings, pa.array(keep))
    if strings.null_count:
        strings = pc.fill_null(strings, "")
    if not pa.types.is_large_string(strings.type):
        strings = strings.cast(pa.large_string())
    return strings


def taken_text(values: pd.Series, at: np.ndarray) -> pa.Array:
    """The Arrow text of a pandas ``str`` column at the positions ``at``, blank for missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    strings = pa.array(values.array).take(pa.array(at))
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    return pc.fill_null(strings, "") if strings.null_count else strings


def text_frame(columns: dict[str, pa.Array], rows: int) -> pd.DataFrame:
    """A table of ``rows`` rows of ``str`` columns holding these Arrow texts (one column per
    name, in order)."""
    import pandas as pd
    import pyarrow as pa

    text = pd.StringDtype("pyarrow", na_value=float("nan"))  # pandas' "str"
    if not columns:
        return pd.DataFrame(index=pd.RangeIndex(rows))
    mapped = {pa.large_string(): text, pa.string(): text}
    return pa.table(columns).to_pandas(types_mapper=mapped.get)
