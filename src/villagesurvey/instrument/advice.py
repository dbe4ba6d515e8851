"""Advice on a valid instrument: things that are allowed but that the analysis must guess."""

from __future__ import annotations

from .model import Instrument

__all__ = ["instrument_advice"]

_COMPARED = ("integer", "decimal", "likert", "select_one")


def instrument_advice(instrument: Instrument) -> list[str]:
    """Warnings for ``villagesurvey check``: an instrument that loads but leaves a gap.

    Today one kind: a question with a skip rule that feeds a before/after comparison without
    ``when_skipped``. Its skipped answers are blank, and the report cannot tell a structural
    zero (no e-commerce, so no e-commerce income) from an answer that is missing.

    Returns
    -------
    list of str
        One sentence per question, in the instrument's order.
    """
    compared = {pair.question.code for pair in instrument.wave_pairs}
    return [
        f"question {q.code!r} has a skip rule and is compared before/after, but does not say "
        "what a skipped answer means; add when_skipped: 0 (skipped means none) or "
        "when_skipped: not applicable (skipped answers are left out)"
        for q in instrument.questions
        if q.code in compared and q.relevant and q.when_skipped is None and q.type in _COMPARED
    ]
