"""A YAML reader that remembers where things are.

Mappings come back as :class:`LineMap` and sequences as :class:`LineList`, which know the line
they start on and the line of each key, so a mistake can be reported where the researcher
wrote it. Duplicate keys, which plain YAML silently overwrites, are collected. Only ``true``
and ``false`` are booleans: ``Yes``, ``No``, ``On`` and ``Off`` stay text, as a label should.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

__all__ = ["LineList", "LineMap", "YamlDocument", "read_yaml"]


class LineMap(dict[str, Any]):
    """A mapping with the 1-based ``line`` it starts on and ``key_lines`` of its keys.

    ``plain`` keeps the text of each unquoted scalar value as written, so that a label such as
    ``1.10`` or ``2022-06-01`` can be read as the text the researcher typed.
    """

    line: int = 0
    key_lines: dict[str, int]
    plain: dict[str, str]

    def line_of(self, key: str) -> int:
        """The line of ``key``, or of the mapping if the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence with the 1-based ``line`` it starts on."""

    line: int = 0


class YamlDocument:
    """The parsed document and the duplicate keys found: ``(line, key, mapping)`` triples."""

    def __init__(self, data: Any, duplicates: list[tuple[int, str, LineMap]]) -> None:
        self.data = data
        self.duplicates = duplicates


@cache
def _loader() -> type[Any]:
    """The loader class, built on first use so that importing this module stays cheap."""
    import yaml

    class Loader(yaml.SafeLoader):
        duplicates: list[tuple[int, str, LineMap]]

    # YAML 1.1 reads yes/no/on/off as booleans ("the Norway problem"); labels need text.
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
    return Loader


def _mapping(loader: Any, node: Any) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.plain = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = str(key) if not isinstance(key, str) else key
        line = key_node.start_mark.line + 1
        if key in result:
            loader.duplicates.append((line, key, result))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        if value_node.id == "scalar" and value_node.style is None:
            result.plain[key] = value_node.value
    return result


def _timestamp(loader: Any, node: Any) -> Any:
    # 2022-13-45 looks like a date but is none: keep the text, for the checks to report.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


def _sequence(loader: Any, node: Any) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


MAX_DEPTH = 50
"""The deepest nesting of mappings and lists read; an instrument needs under ten."""
MAX_NODES = 200_000
"""The most values a document may hold once its aliases are expanded; a large instrument
holds tens of thousands, an alias bomb billions."""


def _check_shape(text: str) -> None:
    """Refuse, before building anything, a document nested too deep or whose aliases
    expand beyond :data:`MAX_NODES` (each alias counts the size of what it names)."""
    import yaml

    sizes: dict[str, int] = {}
    stack: list[tuple[str | None, int]] = []
    total = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append((event.anchor, 1))
            total += 1
            if len(stack) > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"it is nested more than {MAX_DEPTH} levels deep",
                    problem_mark=event.start_mark,  # type: ignore[arg-type]
                )
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
            if anchor is not None:
                sizes[anchor] = size
        elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
            size = sizes.get(event.anchor or "", 1) if isinstance(event, yaml.AliasEvent) else 1
            if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                sizes[event.anchor] = 1
            total += size
        else:
            continue
        if total > MAX_NODES:
            raise yaml.MarkedYAMLError(
                problem=f"its aliases (*name) expand to more than {MAX_NODES:,} values",
                problem_mark=event.start_mark,  # type: ignore[arg-type]
            )
        if stack:
            anchor, held = stack[-1]
            stack[-1] = (anchor, held + size)


def read_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raises :class:`yaml.YAMLError` on a syntax error.

    A document nested deeper than :data:`MAX_DEPTH` or whose aliases expand to more than
    :data:`MAX_NODES` values is a :class:`yaml.YAMLError` too, found before anything is built.
    """
    _check_shape(text)
    loader = _loader()(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    return YamlDocument(data, loader.duplicates)
