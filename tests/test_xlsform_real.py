"""Real XLSForms with their real exports: import, validate, export, end to end.

The forms and exports are KoboToolbox's (formpack's test fixtures, exported by formpack's own
exporter) and pyxform's example forms; ``tests/data/README.md`` says where each comes from.
Every row of each export must be read, and every row the form itself would accept must come
out clean; each quarantined row is named here with the defect of that submission.
"""

from __future__ import annotations

import pyreadstat
import pytest

from villagesurvey.export import export_dataset
from villagesurvey.validate import validate_returns, write_validation
from villagesurvey.xlsform import read_xlsform

from .xlsform_corpus import KOBO, corpus, markdown

# form -> (rows in the export, rows clean, {(export row, column): check} of each error)
EXPECTED = {
    # the 3rd submission has no answer at all: read and reported as a blank row
    "auto_report": (6, 5, {}),
    "auto_report_extended_fields": (22, 22, {}),
    "customer_satisfaction": (3, 3, {}),
    "dietary_needs": (3, 3, {}),
    "favorite_coffee": (3, 3, {}),
    "grouped_translated": (3, 3, {}),
    "literacy_test": (3, 3, {}),
    "or_other": (3, 3, {}),
    "restaurant_profile": (4, 4, {}),
    # report_date is a datetime; the submissions hold '012345' ... (not a date and time)
    "sanitation_report": (4, 0, {(r, "report_date"): "not_a_datetime" for r in (2, 3, 4, 5)}),
    # clouseau found the site, so the required questions of the group were asked; the
    # submission holds their answers without the group's path, so the export has none
    "site_inspection": (
        2,
        1,
        {
            (2, code): "required_missing"
            for code in (
                "was_there_damage_to_the_site",
                "was_there_damage_to_the_site_dupe",
                "ping",
                "rssi",
                "is_the_gate_secure",
                "is_plant_life_encroaching",
            )
        },
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_kobo_export_validates_against_its_own_form(name):
    rows, clean, errors = EXPECTED[name]
    form = KOBO / f"{name}.xlsx"
    instrument = read_xlsform(form).instrument
    validation = validate_returns(instrument, [form.with_suffix(".csv")], workers=1)
    findings = validation.findings
    blank = int((findings["check"] == "blank_row").sum())
    assert validation.rows_in + blank == rows
    assert validation.rows_clean == clean
    found = findings[findings["severity"] == "error"]
    assert {
        (int(r), c): k for r, c, k in found[["row", "column", "check"]].itertuples(index=False)
    } == errors


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_kobo_export_writes_every_output_with_each_question_once(name, tmp_path):
    """auto_report's form has a question named ``when``, as dropped.csv's own column is
    named: the table's own column is written ``_when``, the question's answers stay whole."""
    import csv

    form = KOBO / f"{name}.xlsx"
    instrument = read_xlsform(form).instrument
    validation = validate_returns(instrument, [form.with_suffix(".csv")], workers=1)
    out = write_validation(validation, tmp_path / "out")
    codes = [c.code for c in instrument.columns]
    for table in ("clean.csv", "quarantine.csv", "dropped.csv"):
        with (out / table).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert len(header) == len(set(header)), (table, header)
        assert header[-len(codes) :] == codes, table
    if name == "auto_report":
        assert "_when" in header
        assert "when" in codes


def test_the_key_is_the_submissions_own_id(tmp_path):
    form = KOBO / "grouped_translated.xlsx"
    result = read_xlsform(form)
    assert result.instrument.key == ("instanceID",)
    note = next(f for f in result.findings if f.code == "key_chosen")
    assert "the submission's own ID" in note.message
    validation = validate_returns(result.instrument, [form.with_suffix(".csv")], workers=1)
    clean = validation.clean()
    # KoboToolbox's _uuid column, as the export has it
    assert clean["instanceID"].tolist() == [
        "6d1b903a-6d50-4504-bd7b-76c1a5098ed9",
        "d314118a-17c2-4ba4-aac3-634930535ad6",
        "f4b838c8-7253-47fe-9627-c47830b7dc9b",
    ]
    assert clean["source_submission"].tolist() == clean["instanceID"].tolist()


def test_submissions_without_an_id_are_not_copies_of_each_other():
    # the fixture's submissions 1-3 of Chez Céline on 2001-01-01 are alike in every answer
    form = KOBO / "auto_report_extended_fields.xlsx"
    instrument = read_xlsform(form).instrument
    validation = validate_returns(instrument, [form.with_suffix(".csv")], workers=1)
    assert validation.rows_clean == 22
    from_row = validation.findings[validation.findings["check"] == "submission_id_from_row"]
    assert len(from_row) == 22


def test_names_are_kept_as_the_form_writes_them():
    instrument = read_xlsform(KOBO / "grouped_translated.xlsx").instrument
    codes = [c.code for c in instrument.columns]
    assert "Do_you_have_body_flu_intracellular_space" in codes  # 40 characters
    assert codes[1:3] == ["start", "end"]  # the form's start and end metadata
    assert [c.code for c in instrument.choices[instrument.question(codes[5]).choices]] == [
        "yes",
        "yes__and_some_",
        "no___unsure",
    ]


def test_or_other_keeps_the_other_choice_and_its_text():
    form = KOBO / "or_other.xlsx"
    instrument = read_xlsform(form).instrument
    clean = validate_returns(instrument, [form.with_suffix(".csv")], workers=1).clean()
    assert clean["fav_emperor"].tolist() == ["other", "augustus", "other"]
    assert clean["fav_emperor_other"].tolist() == ["Nero", "", "Marcus Aurelius"]
    assert clean["fav_emperors_other"].tolist() == ["Commodus", "", ""]
    assert instrument.question("fav_emperor_other").relevant == "fav_emperor = 'other'"


@pytest.mark.parametrize("suffix", [".dta", ".sav"])
def test_stata_and_spss_exports_of_a_real_export_read_back_with_labels(suffix, tmp_path):
    form = KOBO / "grouped_translated.xlsx"
    instrument = read_xlsform(form).instrument
    validation = validate_returns(instrument, [form.with_suffix(".csv")], workers=1)
    write_validation(validation, tmp_path / "checked")
    output = tmp_path / f"out{suffix}"
    export_dataset(instrument, tmp_path / "checked" / "clean.csv", output)
    read = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
    data, meta = read(str(output))
    if suffix == ".dta":
        # names cut to Stata's 32 characters, 28 where pyreadstat adds a number to name the
        # set of value labels (the 0/1 columns keep their option in sight)
        names = [
            "What_kind_of_symmetry_do_you_hav", "What_kind_of_symme_spherical",
            "What_kind_of_symmetry_radial", "What_kind_of_symme_bilateral",
            "How_many_segments_does_your_body", "Do_you_have_body_flu_intrace",
            "Do_you_descend_from_unicellu",
        ]  # fmt: skip
    else:  # SPSS allows 64 bytes and names no set of value labels: the form's names stay
        names = [
            "What_kind_of_symmetry_do_you_have", "What_kind_of_symmetry_do_you_have_spherical",
            "What_kind_of_symmetry_do_you_have_radial",
            "What_kind_of_symmetry_do_you_have_bilateral",
            "How_many_segments_does_your_body_have", "Do_you_have_body_flu_intracellular_space",
            "Do_you_descend_from_unicellular_organism",
        ]  # fmt: skip
    _, _, radial, bilateral, segments, fluid_name, _ = names
    assert meta.column_names == [
        "source_file", "source_submission", "source_submitted", "instanceID", "start", "end",
        *names,
    ]  # fmt: skip
    assert data["start"].tolist()[0] == "2017-12-28T10:01:27.000-05:00"  # as the export has it
    assert data[segments].tolist()[:2] == [7, 1]
    assert (
        meta.column_names_to_labels[segments]
        == instrument.question("How_many_segments_does_your_body_have").label["en"]
    )
    assert data[bilateral].tolist()[:2] == [1, 1]
    assert _labels(meta, radial) == {
        0: "No", 1: "Yes",
    }  # fmt: skip
    fluid = instrument.question("Do_you_have_body_flu_intracellular_space")
    assert _labels(meta, fluid_name) == {
        i: c.label["en"] for i, c in enumerate(instrument.choices[fluid.choices], start=1)
    }
    assert data["source_submitted"].tolist() == [
        "2017-12-28 15:02:02", "2017-12-28 15:02:25", "2017-12-28 15:02:48",
    ]  # fmt: skip
    assert meta.column_names_to_labels["source_submitted"].startswith("When the submission")


def _labels(meta, name: str) -> dict[int, str]:
    return {int(k): v for k, v in meta.variable_value_labels[name].items()}


def test_the_corpus_meets_its_goals():
    rows = corpus()  # no form or export stops it
    fields = sum(r.answer_fields for r in rows)
    imported = sum(r.imported for r in rows)
    assert imported / fields >= 0.95
    for r in rows:
        if r.answer_fields:  # a form of calculations only has nothing to import
            assert r.error is None, r.form
            assert r.reexport_ok, r.form
        if r.rows_in is not None:
            assert r.rows_read == r.rows_in, r.form
    by_form = {r.form: r for r in rows if r.rows_in is not None}
    for name, (count, clean, _) in EXPECTED.items():
        assert (by_form[f"{name}.xlsx"].rows_read, by_form[f"{name}.xlsx"].rows_clean) == (
            count,
            clean,
        )
    assert markdown(rows).count("\n") == len(rows) + 3
