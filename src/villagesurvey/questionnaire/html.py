"""Render a :class:`~villagesurvey.questionnaire.form.Form` as one print-ready HTML page."""

from __future__ import annotations

from html import escape

from ._answers import answer_space, column_tag
from ._roster_html import roster_personal, roster_section
from ._style import stylesheet
from ._text import words
from ._words import Texts, skip_attributes
from .form import Form, FormQuestion, FormSection, Skip

__all__ = ["render_questionnaire"]


def render_questionnaire(form: Form) -> str:
    """The questionnaire as a self-contained HTML document, laid out for A4 paper.

    Parameters
    ----------
    form : Form
        From :func:`~villagesurvey.questionnaire.build_questionnaire`.

    Returns
    -------
    str
        HTML with its style sheet inline: no script, no font or image to fetch. Printing
        it (a browser's Print, or ``chromium --headless --print-to-pdf``) gives A4 pages
        with the form's version and "page n of N" in the footer.
    """
    texts = Texts(form)
    lead = form.languages[0]
    w = words(lead)
    version = f"{form.id} {form.version} · {form.content_hash[:12]}"
    key_line = "   ".join(f"{q.question.label.get(lead, q.code)} ________" for q in form.key)
    css = stylesheet(version, key_line, w["page"], w["of"], w["pages_end"])
    title = form.title.get(lead, form.id)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lead)}">',
        '<head><meta charset="utf-8">',
        f"<title>{escape(title)} – {escape(form.id)} {escape(form.version)}</title>",
        f"<style>\n{css}</style></head>",
        "<body>",
        _cover(texts),
        *(_section(texts, section) for section in form.sections),
        *(roster_section(texts, roster) for roster in form.rosters),
        _personal(texts) if form.personal or any(r.personal for r in form.rosters) else "",
        "</body></html>",
        "",
    ]
    return "\n".join(parts)


def _cover(texts: Texts) -> str:
    form = texts.form
    rows = (
        f"<tr><th>{texts.say('instrument')}</th><td>{escape(form.id)}</td>"
        f"<th>{texts.say('version')}</th><td>{escape(form.version)}</td></tr>"
        f'<tr><th>{texts.say("hash")}</th><td colspan="3" class="hash">'
        f"{escape(form.content_hash)}</td></tr>"
    )
    consent = ""
    if form.consent:
        consent = (
            f'<div class="consent"><b>{texts.say("consent")}</b><p>{texts.lang(form.consent)}</p>'
            f'<span class="code">&#x2610;</span> {texts.say("consent_given")}</div>'
        )
    where = ""
    personal = [*form.personal, *(q for roster in form.rosters for q in roster.personal)]
    if personal:
        numbers = ", ".join(q.number for q in personal)
        where = f'<p class="note">{texts.say("personal_where", numbers=numbers)}</p>'
    dated = any(q.question.type == "date" for q in form.cover)
    date = "" if dated else f"<span>{texts.say('date')}</span>"
    return (
        f'<header class="cover"><h1>{_title(texts)}</h1>'
        f'<table class="meta">{rows}</table>'
        f'<p class="note">{texts.say("how_to")}</p>{consent}'
        + "".join(_question(texts, q) for q in form.cover)
        + where
        + f'<div class="signature"><span>{texts.say("signature")}</span>{date}</div></header>'
    )


def _title(texts: Texts) -> str:
    title = texts.lang(texts.form.title)
    return title.replace('<span class="alt"', '<br><span class="alt"', 1)


def _section(texts: Texts, section: FormSection) -> str:
    label = texts.lang(section.label)
    body = "".join(_question(texts, q) for q in section.questions)
    return (
        f'<section data-section="{escape(section.code)}">'
        f"<h2>{section.number} {label}</h2>{body}</section>"
    )


def _personal(texts: Texts) -> str:
    form = texts.form
    key = "".join(_question(texts, q, copy=True) for q in form.key)
    body = "".join(_question(texts, q) for q in form.personal)
    body += "".join(roster_personal(texts, roster) for roster in form.rosters)
    return (
        f'<section class="personal" data-section="personal"><h2>{texts.say("personal_title")}</h2>'
        f'<p class="note">{texts.say("personal_note")}</p>'
        f'<p class="note">{texts.say("key_copy")}</p>{key}{body}</section>'
    )


def _question(texts: Texts, item: FormQuestion, copy: bool = False) -> str:
    q = item.question
    codes = {cell.code for cell in item.cells}
    waved = item.cells[0].wave is not None
    tag = "" if waved else column_tag(item.cells[0])
    head = (
        f'<div class="qhead"><span class="num">{item.number}</span>'
        f'<span class="label">{texts.lang(q.label)}</span>{tag}</div>'
    )
    hint = f'<div class="hint">{texts.lang(q.hint)}</div>' if q.hint else ""
    skips = () if copy else texts.form.skips
    banners = "".join(_banner(texts, s) for s in skips if s.whole and s.skipped[0] in codes)
    go_tos = "".join(_go_to(texts, s) for s in skips if s.source in codes)
    ident = "" if copy else f' id="q{item.number}"'
    return (
        f'<div class="q"{ident} data-question="{escape(item.code)}">{head}{banners}{hint}'
        f'<div class="answer">{answer_space(texts, item)}</div>{go_tos}</div>'
    )


def _target(texts: Texts, skip: Skip) -> str:
    return texts.form.numbers[skip.target] if skip.target else ""


def _banner(texts: Texts, skip: Skip) -> str:
    numbers = dict.fromkeys(texts.form.numbers[code] for code in skip.skipped)
    first, last = next(iter(numbers)), list(numbers)[-1]
    questions = first if first == last else f"{first}–{last}"
    condition = {lang: texts.condition(skip.condition, lang) for lang in texts.form.languages}
    key = "ask_only_if" if skip.target else "ask_only_if_end"
    sentence = texts.say(key, questions=questions, condition=condition, target=_target(texts, skip))
    return f'<p class="ask-if" {skip_attributes(skip)}>{sentence}</p>'


def _go_to(texts: Texts, skip: Skip) -> str:
    assert skip.source is not None  # only called for a skip printed at its question
    question, cell = texts.cells[skip.source]
    answers = {lang: texts.failing(skip, question, lang) for lang in texts.form.languages}
    if cell.wave is None:
        when = texts.each("if", answer=answers)
    else:
        when = texts.each("if_wave", answer=answers, wave=str(cell.wave))
    go = (
        texts.each("go_to", target=_target(texts, skip)) if skip.target else texts.each("go_to_end")
    )
    sentences = texts.join({lang: f"{when[lang]} {go[lang]}" for lang in when})
    return f'<p class="skip" {skip_attributes(skip)}>{sentences}</p>'
