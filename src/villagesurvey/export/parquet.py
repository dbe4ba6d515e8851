"""Write a labelled dataset as a Parquet file, its labels kept in the schema's metadata.

Values are the clean dataset's own: numbers, choice codes as they are in the instrument
(whole numbers, or text such as ``alibaba``), dates as dates, blanks as nulls. Each field's
metadata holds its label and value labels (JSON); the schema's metadata says which
instrument the data belongs to. Codes, not categories: they are the same in every language,
and R (arrow) and pandas read them without knowing villagesurvey.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path
from .labelled import LabelledDataset, Variable

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SCHEMA_KEY", "field_metadata", "write_parquet"]

SCHEMA_KEY = b"villagesurvey"
"""The key of the schema metadata that describes the dataset (JSON)."""


def write_parquet(dataset: LabelledDataset, path: str | Path, language: str) -> list[str]:
    """Write ``dataset`` to a Parquet file, atomically.

    Parameters
    ----------
    dataset : LabelledDataset
    path : path
        The file to write.
    language : str
        The language of each field's ``label``; ``labels`` holds every language.

    Returns
    -------
    list of str
        Notes on what had to be changed to fit the format: always empty.

    Raises
    ------
    OutputError
        If the file cannot be written.
    """
    import pyarrow.parquet as pq

    table = _table(dataset, language)
    with atomic_path(path) as temporary:
        pq.write_table(table, temporary)
    return []


def field_metadata(variable: Variable, language: str) -> dict[bytes, bytes]:
    """A field's metadata: ``label``, ``labels`` and ``value_labels`` (JSON), and more.

    Keys: ``label`` (in ``language``), ``labels`` (``{"en": ..., "zh": ...}``), ``kind``,
    ``question_type``, ``column`` (the clean dataset's column), ``measure``, ``unit``,
    ``wave``, ``option`` (for a 0/1 option column), ``roster`` and ``slot`` (for a roster's
    column reshaped with ``--wide``: the roster and the member number), ``value_labels``
    (a JSON list of ``{"code", "label", "labels"}``; ``code`` as stored in the file).
    """
    values = [
        {"code": v.code, "label": v.label[language], "labels": v.label}
        for v in variable.value_labels
    ]
    items: dict[str, Any] = {
        "label": variable.label[language],
        "labels": json.dumps(variable.label, ensure_ascii=False),
        "kind": variable.kind,
        "question_type": variable.question_type,
        "column": variable.column,
        "measure": variable.measure,
        "unit": variable.unit,
        "wave": "" if variable.wave is None else str(variable.wave),
        "option": variable.option,
        "roster": variable.roster,
        "slot": variable.slot,
        "value_labels": json.dumps(values, ensure_ascii=False),
    }
    return {key.encode(): str(value).encode("utf-8") for key, value in items.items()}


def _table(dataset: LabelledDataset, language: str) -> pa.Table:
    import pyarrow as pa

    frame = dataset.data.copy()
    for variable in dataset.variables:
        if variable.kind == "date":
            column = frame[variable.name]
            frame[variable.name] = column.dt.date.astype(object).where(column.notna(), None)
    fields = [
        pa.field(variable.name, _arrow_type(variable), metadata=field_metadata(variable, language))
        for variable in dataset.variables
    ]
    table = pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)
    metadata = dict(table.schema.metadata or {})  # pandas' own, to read back its dtypes
    metadata[SCHEMA_KEY] = json.dumps(_about(dataset, language), ensure_ascii=False).encode()
    return table.replace_schema_metadata(metadata)


def _arrow_type(variable: Variable) -> pa.DataType:
    """The type of a column, fixed by its kind (not guessed from values that may be all null)."""
    import pyarrow as pa

    if variable.kind == "date":
        return pa.date32()
    if variable.kind == "text" or variable.text_codes:
        return pa.string()
    if variable.question_type == "decimal":
        return pa.float64()
    return pa.int64()


def _about(dataset: LabelledDataset, language: str) -> dict[str, Any]:
    from .._version import package_version

    instrument = dataset.instrument
    return {
        "instrument_id": instrument.id,
        "instrument_version": instrument.version,
        "instrument_sha256": instrument.content_hash,
        "title": dict(instrument.title),
        "language": language,
        "languages": list(instrument.languages),
        "key": list(instrument.key),
        "roster": dataset.roster or None,
        "linked_by": list(dataset.link),
        "pseudonymised": dataset.pseudonymised,
        "personal_data_left_out": list(dataset.dropped),
        "generator": f"villagesurvey {package_version()}",
    }
