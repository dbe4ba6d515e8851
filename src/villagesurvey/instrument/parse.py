"""Read an instrument file, check every part of it, and build an :class:`Instrument`.

All mistakes are collected before anything is raised, so a researcher fixes a file in one
pass: :class:`~villagesurvey.errors.InstrumentError` lists each with its line, the question
it concerns, what to do, and a stable check code.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from ..errors import InstrumentError, InstrumentProblem
from ._monitoring import MonitoringReader
from ._yaml import read_yaml
from .model import Instrument

__all__ = ["load_instrument", "parse_instrument"]


MAX_INSTRUMENT_BYTES = 4 * 2**20
"""The largest instrument file read; the model study's is about 20 KB."""


def load_instrument(path: str | Path) -> Instrument:
    """Read and check an instrument file.

    Parameters
    ----------
    path : str or Path
        A YAML instrument file (see ``docs/instrument.md``).

    Returns
    -------
    Instrument
        The checked instrument.

    Raises
    ------
    InstrumentError
        If the file cannot be read or has mistakes; ``problems`` lists every one.
    """
    path = Path(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode) and not path.is_dir():
            raise _single(str(path), "unreadable", "is not a regular file (a device or a pipe)")
        with open(path, "rb") as stream:
            data = stream.read(MAX_INSTRUMENT_BYTES + 1)
        if len(data) > MAX_INSTRUMENT_BYTES:
            raise _single(
                str(path), "too_large",
                f"is larger than {MAX_INSTRUMENT_BYTES // 2**20} MiB, far more than an instrument",
            )  # fmt: skip
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise _single(str(path), "not_found", "no such file") from None
    except IsADirectoryError:
        raise _single(str(path), "unreadable", "is a folder, not an instrument file") from None
    except UnicodeDecodeError:
        raise _single(str(path), "not_utf8", "is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise _single(str(path), "unreadable", f"cannot be read: {exc.strerror}") from None
    return parse_instrument(text, source=str(path))


def parse_instrument(text: str, source: str = "<string>") -> Instrument:
    """Check an instrument given as YAML text and build it.

    Parameters
    ----------
    text : str
        The YAML text.
    source : str, default "<string>"
        Where the text came from, used in error messages.

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        Listing every mistake found, each located by line.
    """
    import yaml

    try:
        document = read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        character = getattr(exc, "character", None)
        if isinstance(exc, yaml.reader.ReaderError) and isinstance(character, int):
            # a control character (often pasted from a word processor): locate it, name it
            line = text.count("\n", 0, exc.position) + 1
            problem = f"the invisible character U+{character:04X} is not allowed; delete it"
        raise InstrumentError(
            [InstrumentProblem(source, line, "", "yaml_syntax", f"not valid YAML: {problem}")]
        ) from None
    reader = MonitoringReader(source)
    owners = _owners(document.data)
    for line, key, mapping in document.duplicates:
        where = owners.get(id(mapping), "")
        reader.problem(line, where, "duplicate_key", f"{key!r} is given twice; keep one")
    instrument = reader.instrument(document.data)
    if reader.problems or instrument is None:
        raise InstrumentError(sorted(reader.problems, key=lambda p: p.line or 0))
    return instrument


def _owners(data: Any) -> dict[int, str]:
    """What each mapping of the document belongs to (``"question 'age'"``), by its id."""
    owners: dict[int, str] = {}

    def claim(node: Any, where: str) -> None:
        if isinstance(node, dict) and id(node) not in owners:
            owners[id(node)] = where
            for value in node.values():
                claim(value, where)
        elif isinstance(node, list):
            for value in node:
                claim(value, where)

    if not isinstance(data, dict):
        return owners
    sections = data.get("sections")
    for section in sections if isinstance(sections, list) else []:
        questions = section.get("questions") if isinstance(section, dict) else None
        for question in questions if isinstance(questions, list) else []:
            if isinstance(question, dict):
                claim(question, f"question {question.get('code')!r}")
        if isinstance(section, dict):
            claim(section, f"section {section.get('code')!r}")
    for field, what in (("choices", "choice list"), ("scales", "scale")):
        parts = data.get(field)
        for name, part in parts.items() if isinstance(parts, dict) else []:
            claim(part, f"{what} {name!r}")
    model = data.get("model")
    constructs = model.get("constructs") if isinstance(model, dict) else None
    for name, part in constructs.items() if isinstance(constructs, dict) else []:
        claim(part, f"construct {name!r}")
    claim(model, "model")
    return owners


def _single(source: str, check: str, message: str) -> InstrumentError:
    return InstrumentError([InstrumentProblem(source, None, "", check, message)])
