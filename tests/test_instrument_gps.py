"""A geopoint question's limits: max_accuracy and radius_km, read, refused and written back."""

from __future__ import annotations

import pytest

from villagesurvey.instrument import dump_instrument, parse_instrument

from .test_instrument_errors import MARK, only_problem, survey


def test_limits_are_read_and_written_back():
    text = survey(
        """
        - code: home
          type: geopoint
          label: {en: Home, zh: 家}
          max_accuracy: 25
          radius_km: 2.5
        """
    )
    instrument = parse_instrument(text)
    home = instrument.question("home")
    assert (home.max_accuracy, home.radius_km) == (25, 2.5)
    assert parse_instrument(dump_instrument(instrument)) == instrument
    assert "max_accuracy: 25" in dump_instrument(instrument)


@pytest.mark.parametrize("value", ["0", "-3", "ten", "true", ".nan", ".inf", "[5]"])
@pytest.mark.parametrize("key", ["max_accuracy", "radius_km"])
def test_a_limit_must_be_a_distance_above_zero(key, value):
    text = survey(
        f"""
        - code: home
          type: geopoint
          label: {{en: Home, zh: 家}}
          {key}: {value}  {MARK}
        """
    )
    problem = only_problem(text, "bad_limit", "question 'home'")
    assert key in problem.message
    assert "above 0" in problem.message


def test_a_limit_on_another_type_is_refused():
    text = survey(
        f"""
        - code: plots
          type: integer
          label: {{en: Plots, zh: 地块}}
          radius_km: 3  {MARK}
        """
    )
    problem = only_problem(text, "field_not_allowed", "question 'plots'")
    assert "geopoint" in problem.message
