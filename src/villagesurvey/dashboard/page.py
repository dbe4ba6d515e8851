"""``dashboard.html``: the supervisor's page, one file that works offline and on a phone.

The page holds its own style and nothing else: no script, no font, no image from outside
(its Content-Security-Policy forbids them, should any slip in). Its sections come in the
order of :data:`SECTIONS`; each is rendered by a function ``section(block, language)`` from
its block: a view of ``validation.monitoring`` (:mod:`villagesurvey.monitoring`), or the
top problems (:mod:`.problems`). A section whose block is absent is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._version import package_version
from ..errors import OptionError
from ..instrument import Instrument
from ..validate.result import Validation
from . import backchecks, enumerators, fabrication, gps_map, problems, progress
from .markup import number, plain, text
from .style import CSS
from .words import say

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SECTIONS", "Section", "check_language", "page_language", "render_dashboard"]

Section = Callable[[Mapping[str, Any], str], str]
"""A section renderer: its block and the page's language → ``<section class="card">``."""

SECTIONS: tuple[tuple[str, Section], ...] = (
    ("progress", progress.section),
    ("problems", problems.section),
    ("enumerators", enumerators.section),
    ("fabrication", fabrication.section),
    ("gps", gps_map.section),
    ("backchecks", backchecks.section),
)
"""The sections, in page order: the block each reads (by view name) and its renderer."""

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def check_language(instrument: Instrument, language: str | None) -> str:
    """The page's language: ``language``, or the instrument's first when it is ``None``.

    Raises
    ------
    OptionError
        If ``language`` is not one of the instrument's languages.
    """
    languages = instrument.languages
    if language is None:
        return languages[0] if languages else "en"
    if language not in languages:
        raise OptionError(
            f"--lang {language}: the dashboard speaks one of the instrument's languages "
            f"({', '.join(languages)})"
        )
    return language


def page_language(validation: Validation, language: str | None = None) -> str:
    """The page's language: the one asked, else the validation's
    (:attr:`~villagesurvey.validate.Validation.language`), else the instrument's first."""
    return check_language(validation.instrument, language or validation.language)


def render_dashboard(
    validation: Validation, issues: pd.DataFrame | None = None, language: str | None = None
) -> str:
    """The dashboard of a validation as one self-contained HTML page.

    Parameters
    ----------
    validation : Validation
        What :func:`~villagesurvey.validate.validate_returns` returned.
    issues : DataFrame, optional
        The findings to show among the top problems, as issues.csv has them (personal
        data hidden); by default the household findings with answers to ``pii`` questions
        hidden.
    language : str, optional
        One of the instrument's languages; by default the validation's ``language``, else
        the instrument's first.

    Returns
    -------
    str
        The page.
    """
    lang = page_language(validation, language)
    if issues is None:
        from ..validate.issue_tables import issues_table

        issues = issues_table(validation, show_pii=False)
    blocks: dict[str, Mapping[str, Any]] = dict(validation.monitoring)
    blocks["problems"] = problems.problems_block(issues)
    sections = [render(blocks[name], lang) for name, render in SECTIONS if name in blocks]
    instrument = validation.instrument
    title = instrument.title.get(lang) or next(iter(instrument.title.values()), instrument.id)
    head = (
        f'<!DOCTYPE html>\n<html lang="{plain(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">'
        f"<title>{say('dashboard', lang)}: {plain(title)}</title><style>{CSS}</style></head>"
    )
    body = (
        f"<body><main><header><h1>{say('dashboard', lang)}</h1>"
        f'<p class="note">{text(title)} · {text(instrument.id)} {text(instrument.version)}</p>'
        f"</header>{_overview(validation, lang)}{_contents(sections)}{''.join(sections)}"
        f'<footer class="note">'
        f"{say('footer', lang, generator=f'villagesurvey {package_version()}')}</footer>"
        "</main></body></html>\n"
    )
    return head + body


def _overview(validation: Validation, language: str) -> str:
    counts = validation.counts
    figures = [
        ("files_read", sum(f.status == "read" for f in validation.files), False),
        ("files_refused", len(validation.refused), bool(validation.refused)),
        ("rows_in", validation.rows_in, False),
        ("rows_clean", validation.rows_clean, False),
        ("rows_quarantined", validation.rows_quarantined, validation.rows_quarantined > 0),
        ("errors", sum(counts.get("error", {}).values()), "error" in counts),
        ("warnings", sum(counts.get("warning", {}).values()), False),
    ]
    rows = "".join(
        f'<tr><th>{say(word, language)}</th><td class="num">'
        + (f'<span class="flag warn">{number(n)}</span>' if bad else number(n))
        + "</td></tr>"
        for word, n, bad in figures
    )
    return (
        f'<section class="card" id="overview"><h2>{say("overview", language)}</h2>'
        f'<table class="grid"><tbody>{rows}</tbody></table></section>'
    )


def _contents(sections: list[str]) -> str:
    """Links to the sections, by the id and title each gives itself."""
    import re

    links = []
    for html in sections:
        found = re.match(r'<section class="card" id="([^"]+)"><h2>(.*?)</h2>', html)
        if found:
            links.append(f'<a href="#{found.group(1)}">{found.group(2)}</a>')
    return f"<nav>{' · '.join(links)}</nav>" if links else ""
