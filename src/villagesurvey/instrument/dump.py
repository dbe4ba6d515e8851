"""Write an :class:`Instrument` back out as plain data or YAML text.

``parse_instrument(dump_instrument(i)) == i`` for every instrument ``i``: the round trip is a
tested property, so a tool that edits instruments (an XLSForm import, a migration) can write
files researchers then keep in git.
"""

from __future__ import annotations

from typing import Any

from .derive import Derived
from .model import Choice, Instrument, Question, Roster, Rule, StructuralModel
from .monitoring import Monitoring

__all__ = ["dump_instrument", "instrument_to_dict"]

_DEFAULTS: dict[str, Any] = {
    "hint": None, "required": False, "unit": None, "choices": None, "min": None, "max": None,
    "soft_min": None, "soft_max": None, "message": None, "relevant": None, "waves": (),
    "pii": False, "scale": None, "reverse": False, "part_of": None,
    "when_skipped": None, "sesoi": None, "pattern": None, "calculation": None, "filter_by": (),
    "special": (), "exclusive": (), "max_accuracy": None, "radius_km": None,
    "backcheck": None, "backcheck_tolerance": None,
}  # fmt: skip


def _choice(choice: Choice) -> dict[str, Any]:
    out: dict[str, Any] = {"code": choice.code, **choice.label}
    if choice.filter:
        out["filter"] = dict(choice.filter)
    return out


def _question(question: Question) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": question.code,
        "type": question.type,
        "label": dict(question.label),
    }
    for name, default in _DEFAULTS.items():
        value = getattr(question, name)
        if value != default and name == "filter_by":
            out[name] = dict(value)
        elif value != default and name == "backcheck_tolerance":
            out[name] = value.text if value.relative else value.amount
        elif value != default:
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


def _roster(roster: Roster) -> dict[str, Any]:
    out: dict[str, Any] = {"key": roster.key}
    if roster.within:
        out["within"] = roster.within
    if roster.count:
        out["count"] = roster.count
    if roster.exactly_one:
        out["exactly_one"] = roster.exactly_one
    if roster.sums:
        out["sums"] = [
            {"total": s.total, "part": s.part} | ({"tolerance": s.tolerance} if s.tolerance else {})
            for s in roster.sums
        ]
    if roster.older_than:
        out["older_than"] = [
            {"older": o.older, "younger": o.younger, "age": o.age} | ({"by": o.by} if o.by else {})
            for o in roster.older_than
        ]
    if roster.severity != "error":
        out["severity"] = roster.severity
    return {
        "code": roster.code,
        "label": dict(roster.section.label),
        "roster": out,
        "questions": [_question(q) for q in roster.section.questions],
    }


def _rule(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"code": rule.code, "rule": rule.text}
    if rule.severity != "warning":
        out["severity"] = rule.severity
    if rule.message:
        out["message"] = dict(rule.message)
    return out


def _model(model: StructuralModel) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if model.constructs:
        out["constructs"] = {
            name: {"label": dict(c.label), c.kind: c.source} for name, c in model.constructs.items()
        }
    out["paths"] = [{"from": p.source, "to": p.target} for p in model.paths]
    return out


def instrument_to_dict(instrument: Instrument) -> dict[str, Any]:
    """The instrument as plain dicts and lists, in the layout of an instrument file.

    Parameters
    ----------
    instrument : Instrument

    Returns
    -------
    dict
        Keys in file order; fields left at their defaults are omitted.
    """
    out: dict[str, Any] = {
        "id": instrument.id,
        "version": instrument.version,
        "title": dict(instrument.title),
        "languages": list(instrument.languages),
    }
    if instrument.consent:
        out["consent"] = dict(instrument.consent)
    if instrument.waves:
        out["waves"] = list(instrument.waves)
    out["key"] = list(instrument.key)
    if instrument.choices:
        out["choices"] = {
            name: [_choice(c) for c in items] for name, items in instrument.choices.items()
        }
    if instrument.scales:
        out["scales"] = {
            name: {"label": dict(s.label), "choices": s.choices}
            for name, s in instrument.scales.items()
        }
    out["sections"] = [
        {
            "code": section.code,
            "label": dict(section.label),
            "questions": [_question(q) for q in section.questions],
        }
        for section in instrument.sections
    ] + [_roster(roster) for roster in instrument.rosters]
    if instrument.rules:
        out["checks"] = [_rule(r) for r in instrument.rules]
    if instrument.model is not None:
        out["model"] = _model(instrument.model)
    if instrument.derived:
        out["derive"] = {d.code: _derived(d) for d in instrument.derived}
    if not instrument.monitoring_declared.is_empty:
        out["monitoring"] = _monitoring(instrument.monitoring_declared)
    return out


def _monitoring(block: Monitoring) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("enumerator", "date", "start", "end", "min_minutes"):
        if getattr(block, name) is not None:
            out[name] = getattr(block, name)
    for name in ("dont_know", "refused"):
        if getattr(block, name):
            out[name] = list(getattr(block, name))
    if block.consent is not None:
        out["consent"] = {"question": block.consent.question, "yes": list(block.consent.yes)}
    if block.outcomes is not None:
        out["outcomes"] = list(block.outcomes)
    return out


def _derived(derived: Derived) -> str | dict[str, Any]:
    if derived.label is None and derived.sesoi is None:
        return derived.expression
    out: dict[str, Any] = {"expression": derived.expression}
    if derived.label is not None:
        out["label"] = dict(derived.label)
    if derived.sesoi is not None:
        out["sesoi"] = derived.sesoi
    return out


def dump_instrument(instrument: Instrument) -> str:
    """The instrument as YAML text that :func:`parse_instrument` reads back unchanged."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    # Quote text that YAML 1.1 readers would take for a boolean (yes, no, on, off).
    def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "'" if value.lower() in {"yes", "no", "on", "off", "y", "n"} else None
        if any(ch in value for ch in "\x85\u2028\u2029"):
            style = '"'  # PyYAML writes these line breaks raw, and reads them back as spaces
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _text)
    # A line break would end the comment, and YAML allows no control character in one.
    version = "".join(ch for ch in " ".join(instrument.version.split()) if ch.isprintable())
    header = f"# {instrument.id} {version}: see docs/instrument.md for the format\n"
    body = yaml.dump(
        instrument_to_dict(instrument),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return header + body
