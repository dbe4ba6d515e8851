"""Enumerator performance: the numbers per enumerator, and signals only where a fair
comparison with the others finds a difference (checked against R)."""

from __future__ import annotations

from datetime import datetime, timedelta
from textwrap import dedent

import openpyxl
import pytest

from villagesurvey import load_instrument, parse_instrument, validate_returns, write_validation
from villagesurvey.monitoring.compare import fisher_p, holm, rank_sum_p

from .conftest import MODEL_STUDY, ROOT
from .returns import write_csv

WATCHED = parse_instrument(
    dedent(
        """\
        id: watched
        version: "1"
        title: Watched
        languages: [en]
        key: [hh]
        choices:
          yes_no:
            - {code: 1, en: "Yes"}
            - {code: 0, en: "No"}
        sections:
          - code: visit
            label: Visit
            questions:
              - {code: hh, type: text, required: true, label: Household}
              - {code: enumerator, type: text, label: Enumerator}
              - {code: start, type: datetime, label: Started}
              - {code: end, type: datetime, label: Ended}
              - {code: sells, type: select_one, choices: yes_no, label: Sells online}
              - {code: online_income, type: decimal, relevant: sells = 1, label: Online income}
              - {code: income, type: decimal, min: 0, special: [-98, -99], label: Income}
        monitoring: {min_minutes: 20, dont_know: [-98], refused: [-99]}
        """
    )
)

# Durations in minutes, no two alike (so that R's wilcox.test is exact where it can be).
MINUTES = {
    "A": [18, 35, 36.5, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48],
    "B": [19, 35.5, 37, 38.5, 39.5, 40.5, 41.5, 42.5, 43.5, 44.5, 45.5, 46.5, 47.5, 49],
    "C": [19.5, 34, 36, 37.5, 38.25, 40.25, 41.25, 42.25, 43.25, 44.25, 45.25, 46.25, 47.25, 50],
    "E07": [8, 9, 10, 11, 11.5, 12, 12.5, 13, 14, 15, 16, 17, 17.5, 18.5, 22, 25, 28, 31, 33.3,
            36.7],
}  # fmt: skip


def _rows(minutes=None, sells=None, income=None, names=None) -> list[dict[str, str]]:
    """One row per interview: enumerator, times (09:00+08:00 plus the minutes), answers."""
    names = names or {name: len(MINUTES[name]) for name in MINUTES}
    rows = []
    for name, count in names.items():
        for i in range(count):
            begun = datetime(2024, 5, 1 + i % 5, 9, 0)
            row = {"hh": f"{name}-{i}", "enumerator": name, "start": "", "end": "",
                   "sells": "1", "online_income": "100", "income": "5000"}  # fmt: skip
            if minutes is not None:
                row["start"] = begun.isoformat() + "+08:00"
                row["end"] = (begun + timedelta(minutes=minutes[name][i])).isoformat() + "+08:00"
            if sells is not None and i < sells.get(name, 0):
                row |= {"sells": "0", "online_income": ""}
            if income is not None and i < income.get(name, 0):
                row["income"] = "-98"
            rows.append(row)
    return rows


def _view(rows, tmp_path, instrument=WATCHED):
    validation = validate_returns(instrument, [write_csv(rows, tmp_path / "export.csv")])
    return validation, validation.monitoring["enumerators"]


def _flags(validation):
    f = validation.findings
    return f[f["check"].str.startswith("enumerator_")]


def test_short_interviews_are_flagged_with_the_numbers_behind_them(tmp_path):
    validation, view = _view(_rows(minutes=MINUTES), tmp_path)
    (signal,) = view["signals"]
    assert (signal["enumerator"], signal["check"]) == ("E07", "enumerator_short_interviews")
    # R: e07 <- c(8, 9, ..., 36.7); others <- c(a, b, cc)   (MINUTES above)
    #    median(e07); median(others)  -> 15.5 41.75
    #    p <- sapply(names(all), function(n) wilcox.test(all[[n]],
    #                unlist(all[names(all) != n]))$p.value)
    #    A 4.155772323e-02  B 1.312093395e-02  C 2.938140576e-02  E07 1.591053523e-12
    #    p.adjust(p, "holm"): E07 6.364214092e-12 (B 0.039 is longer: not a signal)
    #    Fisher on under 20 minutes, 14 of 20 against 3 of 42:
    #    fisher.test(matrix(c(14, 6, 3, 39), 2))$p.value -> 6.199272772e-07, Holm 2.479709109e-06
    assert signal["p"] == pytest.approx(1.591053523e-12, rel=1e-6)
    assert signal["p_holm"] == pytest.approx(6.364214092e-12, rel=1e-6)
    assert signal["message"] == (
        "enumerator 'E07': median interview 15.5 minutes, 14 of 20 under 20 minutes, against "
        "41.8 minutes (3 of 42 under) for the others (rank-sum test p < 0.001, Holm-adjusted "
        "< 0.001; Fisher's exact test p < 0.001, Holm-adjusted < 0.001)"
    )
    (flag,) = _flags(validation).itertuples()
    assert (flag.column, flag.value, flag.severity) == ("enumerator", "E07", "warning")
    e07 = next(r for r in view["enumerators"] if r["enumerator"] == "E07")
    assert (e07["interviews"], e07["days"], e07["per_day"], e07["timed"]) == (20, 5, 4.0, 20)
    assert (e07["median_minutes"], e07["under_min"], e07["share_under_min"]) == (15.5, 14, 0.7)
    assert view["duration_from"] == "start_end"
    assert validation.rows_quarantined == 0  # a signal never moves a row


def test_gates_answered_to_skip_are_flagged_per_gate(tmp_path):
    _, view = _view(_rows(sells={"A": 4, "B": 4, "C": 4, "E07": 15}), tmp_path)
    assert view["gates"] == ["sells"]
    # R: fisher.test(matrix(c(15, 5, 12, 30), 2))$p.value -> 0.0008786917231;
    #    the family A, B, C, E07 (4 of 14 each, 15 of 20) -> p.adjust(p, "holm") 0.003514766893
    (signal,) = view["signals"]
    assert signal["check"] == "enumerator_gate_skips"
    assert signal["p"] == pytest.approx(0.0008786917231, rel=1e-6)
    assert signal["p_holm"] == pytest.approx(0.003514766893, rel=1e-6)
    assert (
        "the answer to sells skipped the questions that depend on it for 15 of 20 (75%)"
        in (signal["message"])
    )
    assert "against 12 of 42 (29%) for the others" in signal["message"]


def test_dont_know_codes_are_counted_over_the_answers(tmp_path):
    # each row answers sells and income (online_income is skipped: sells = 0)
    _, view = _view(_rows(sells={n: 20 for n in MINUTES}, income={"A": 1, "E07": 8}), tmp_path)
    # R: A B C E07 with 1/28 0/28 0/28 8/40 "don't know" answers, each against the rest:
    #    fisher.test(matrix(c(8, 32, 1, 83), 2))$p.value -> 0.0004745407095
    #    p.adjust(c(0.6824766977875, 0.2067797505841, 0.2067797505841, 0.0004745407095),
    #             "holm") -> E07 0.001898162838
    (signal,) = view["signals"]
    assert (signal["enumerator"], signal["check"]) == ("E07", "enumerator_dont_know")
    assert signal["p"] == pytest.approx(0.0004745407095, rel=1e-6)
    assert signal["p_holm"] == pytest.approx(0.001898162838, rel=1e-6)
    e07 = next(r for r in view["enumerators"] if r["enumerator"] == "E07")
    assert (e07["answers"], e07["dont_know"], e07["share_dont_know"]) == (40, 8, 0.2)
    assert e07["refused"] == 0


def test_similar_enumerators_are_not_flagged(tmp_path):
    even = {name: sorted(MINUTES["A"])[::-1] + [40] * 6 for name in MINUTES}
    rows = _rows(minutes=even, sells={n: 5 for n in MINUTES}, income={n: 1 for n in MINUTES})
    _, view = _view(rows, tmp_path)
    assert view["signals"] == []
    # A, B, C: the first 14 of the list (A's own: median 41.5); E07 all 20 (six of 40 more)
    assert [r["median_minutes"] for r in view["enumerators"]] == [41.5, 41.5, 41.5, 40.0]


def test_too_few_interviews_are_shown_but_not_compared(tmp_path):
    rows = _rows(minutes=MINUTES, names={"A": 14, "B": 14, "C": 14, "E07": 9})
    _, view = _view(rows, tmp_path)
    assert view["signals"] == []
    assert [r["interviews"] for r in view["enumerators"]] == [14, 14, 14, 9]


def test_the_model_study_flags_nothing():
    validation = validate_returns(load_instrument(MODEL_STUDY), [ROOT / "sample_data" / "returns"])
    view = validation.monitoring["enumerators"]
    assert [(r["enumerator"], r["interviews"]) for r in view["enumerators"]] == [
        ("李娜", 17), ("王强", 17), ("Zhou Min", 17), ("陈静", 11)
    ]  # fmt: skip
    assert view["signals"] == []
    assert view["duration_from"] == "start_end"  # the model study's start and end times
    assert not validation.findings["check"].str.startswith("enumerator_").any()


def test_hostile_names_and_times(tmp_path):
    rows = [
        {"hh": "1", "enumerator": "E07\nX", "start": "2024-05-01T23:40:00+08:00",
         "end": "2024-05-02T00:25:00+08:00", "sells": "1", "online_income": "1", "income": "1"},
        {"hh": "2", "enumerator": "<script>alert(1)</script>",
         "start": "2024-05-01T10:00:00+03:00", "end": "2024-05-01T08:30:00Z", "sells": "1",
         "online_income": "1", "income": "1"},
        {"hh": "3", "enumerator": "=HYPERLINK(1)", "start": "2024-05-01T10:00:00",
         "end": "2024-05-01T09:00:00", "sells": "1", "online_income": "1", "income": "不知道"},
        {"hh": "4", "enumerator": "", "start": "2024-05-01T10:00:00",
         "end": "2024-05-01T10:50:00+08:00", "sells": "1", "online_income": "1", "income": "1"},
    ]  # fmt: skip
    validation, view = _view(rows, tmp_path)
    minutes = {r["enumerator"]: r["median_minutes"] for r in view["enumerators"]}
    assert minutes == {
        "E07\nX": 45.0,  # across midnight
        "<script>alert(1)</script>": 90.0,  # 10:00 at +03:00 is 07:00Z; ends 08:30Z
        "=HYPERLINK(1)": None,  # ends before it starts: left out, and a warning
        "(blank)": 50.0,  # one time without a zone: taken in the other's
    }
    back = validation.findings[validation.findings["check"] == "end_before_start"]
    assert back[["row", "column", "severity"]].values.tolist() == [[4, "end", "warning"]]
    text_dk = next(r for r in view["enumerators"] if r["enumerator"] == "=HYPERLINK(1)")
    assert (text_dk["dont_know"], text_dk["rows_with_errors"]) == (1, 1)
    write_validation(validation, tmp_path / "out")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "issues.xlsx")["by_enumerator"]
    header = [c.value for c in sheet[1]]
    assert {"median_minutes", "share_gate_skips", "signals"} <= set(header)
    cells = {c.value: c.data_type for c in sheet["A"][1:]}
    assert cells["=HYPERLINK(1)"] == "s"  # text, not a formula
    assert "E07\nX" in cells


def test_submission_times_stand_in_for_a_missing_end(tmp_path):
    instrument = parse_instrument(
        dedent(
            """\
            id: t
            version: "1"
            title: T
            languages: [en]
            key: [hh]
            sections:
              - code: s
                label: S
                questions:
                  - {code: hh, type: text, required: true, label: Household}
                  - {code: enumerator, type: text, label: Enumerator}
                  - {code: start, type: datetime, label: Started}
            """
        )
    )
    kobo = [
        {"hh": "1", "enumerator": "A", "start": "2017-12-28T10:01:27.000-05:00",
         "_submission_time": "2017-12-28T15:32:27"},
    ]  # fmt: skip
    _, view = _view(kobo, tmp_path, instrument)
    assert view["duration_from"] == "start_submitted"
    # 10:01:27 at -05:00 is 15:01:27 UTC, the time KoboToolbox gives its submissions
    assert view["enumerators"][0]["median_minutes"] == 31.0
    surveycto = [
        {"hh": "1", "enumerator": "A", "start": "Jul 2, 2022 11:55:00 PM",
         "SubmissionDate": "Jul 3, 2022 12:40:00 AM"},
    ]  # fmt: skip
    _, view = _view(surveycto, tmp_path, instrument)
    assert (view["enumerators"][0]["median_minutes"], view["enumerators"][0]["days"]) == (45.0, 1)


def test_the_tests_match_r():
    # R: fisher.test(matrix(c(9, 11, 3, 39), 2))$p.value -> 0.000969577565388
    assert fisher_p(9, 20, 3, 42) == pytest.approx(0.000969577565388, rel=1e-9)
    # R: fisher.test(matrix(c(0, 17, 2, 43), 2))$p.value -> 1
    assert fisher_p(0, 17, 2, 45) == pytest.approx(1.0)
    # R: wilcox.test(c(12.5, 14, 9, 11, 15), c(41, 38, 45, 40, 39, 50, 13))$p.value
    #    -> 0.010101010101 (exact)
    assert rank_sum_p([12.5, 14, 9, 11, 15], [41, 38, 45, 40, 39, 50, 13]) == pytest.approx(
        0.010101010101, rel=1e-9
    )
    # R: wilcox.test(c(12, 14, 9, 12, 15), c(41, 38, 45, 40, 12, 50, 14))$p.value
    #    -> 0.0405623827743 (ties: normal approximation, continuity correction)
    assert rank_sum_p([12, 14, 9, 12, 15], [41, 38, 45, 40, 12, 50, 14]) == pytest.approx(
        0.0405623827743, rel=1e-9
    )
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.5), "holm") -> 0.04 0.09 0.09 0.50
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])


def test_the_view_can_be_left_out(tmp_path):
    rows = _rows(minutes=MINUTES)
    validation = validate_returns(
        WATCHED, [write_csv(rows, tmp_path / "e.csv")], views=("gps", "progress", "fabrication")
    )
    assert "enumerators" not in validation.monitoring
