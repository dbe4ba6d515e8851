"""NumPy arrays of one Python object repeated, pickled as the object and the array's shape.

The columns of their own that wait with every partition of the streamed path (its file,
sheet, language, submission: :data:`.partition_check.OWN`) are arrays of Python objects,
and most of them hold one object on every row: the file's name, ``None``. pickle writes
such an array element by element (a reference to the object for each row) and builds it
again element by element: about 1 ms each way for a column of 100,000 rows, 13 ms a
partition of the census for its six such columns. :func:`repeated` writes the object once
instead; the array read back holds that object on every row, as the one written did.

Only the same object repeated is written so, not equal ones: ``1``, ``1.0`` and ``True``
are equal, and an array of them is pickled as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["LEAST", "repeated"]

LEAST = 4096
"""Elements an array must have to be looked at: a small one costs little either way."""


def repeated(array: np.ndarray) -> tuple[Callable[..., np.ndarray], tuple[Any, ...]] | None:
    """How to pickle ``array`` (as :meth:`pickle.Pickler.reducer_override` returns it) if it
    is an array of objects of at least :data:`LEAST` elements whose rows each hold one
    object repeated (a 1-D array: one object); ``None`` for any other array.

    Parameters
    ----------
    array : ndarray
        Any array.

    Returns
    -------
    tuple or None
        A function and its arguments that make the array again: each row's object, the
        shape and whether it is laid out in Fortran order.
    """
    import numpy as np

    if type(array) is not np.ndarray or array.dtype != object or array.size < LEAST:
        return None
    if array.ndim not in (1, 2) or not (array.flags.c_contiguous or array.flags.f_contiguous):
        return None
    rows = array.reshape(1, -1) if array.ndim == 1 else array
    objects = []
    for row in rows:
        if not _one_object(row):
            return None
        objects.append(row[0])
    fortran = bool(array.flags.f_contiguous and not array.flags.c_contiguous)
    return _made, (objects, array.shape, fortran)


def _one_object(row: np.ndarray) -> bool:
    """Whether every element of a row of an object array is one object: the same address,
    read from the array's pointers to its objects (what NumPy keeps of an object array)."""
    import ctypes

    import numpy as np

    if not len(row):
        return False
    if not row.flags.c_contiguous:
        return all(element is row[0] for element in row.tolist())
    pointers = (ctypes.c_size_t * len(row)).from_address(row.ctypes.data)
    addresses = np.ctypeslib.as_array(pointers)
    return bool((addresses == addresses[0]).all())


def _made(objects: list[Any], shape: tuple[int, ...], fortran: bool) -> np.ndarray:
    """The array :func:`repeated` wrote: each row filled with its object."""
    import numpy as np

    array = np.empty(shape, dtype=object, order="F" if fortran else "C")
    rows = array.reshape(1, -1) if array.ndim == 1 else array
    for row, value in zip(rows, objects, strict=True):
        row.fill(value)  # the object itself, even a list or a tuple
    return array
