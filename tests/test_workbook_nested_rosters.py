"""A nested roster's sheet: the household's key, the outer roster's key, then its own."""

from __future__ import annotations

import openpyxl

from tests.rosters import FARMS
from villagesurvey import parse_instrument, write_workbook
from villagesurvey.workbook import CODE_ROW, FIRST_DATA_ROW, META_SHEET


def test_a_nested_roster_sheet_has_the_key_of_both_levels_above_it(tmp_path):
    instrument = parse_instrument(FARMS)
    book = openpyxl.load_workbook(write_workbook(instrument, tmp_path / "blank.xlsx"))
    assert book.sheetnames[:4] == ["Data", "members", "farms", "plots"]
    sheet = book["plots"]
    codes = [c.value for c in sheet[CODE_ROW] if c.value]
    assert codes == ["village", "hh", "farm", "plot", "main", "crop", "plot_area"]
    checks = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    farm = checks[f"C{FIRST_DATA_ROW}"]  # the farm number is checked as on the farms sheet
    assert (farm.type, farm.formula1) == ("whole", "1")
    meta = {row[0].value: row[1].value for row in book[META_SHEET].iter_rows()}
    assert meta["roster_sheet.plots"] == "plots"


def test_the_codebook_lists_nested_roster_columns_under_their_roster(tmp_path):
    instrument = parse_instrument(FARMS)
    book = openpyxl.load_workbook(write_workbook(instrument, tmp_path / "blank.xlsx"))
    sections = {row[0]: row[2] for row in book["Codebook"].iter_rows(min_row=2, values_only=True)}
    assert (sections["farm"], sections["plot"], sections["plot_area"]) == (
        "farms",
        "plots",
        "plots",
    )


def test_the_paper_grid_of_a_nested_roster_has_as_many_lines_as_its_count_allows(tmp_path):
    from villagesurvey.questionnaire.rosters import MAX_LINES, roster_lines

    instrument = parse_instrument(FARMS)
    _, farms, plots = instrument.rosters
    # n_farms allows 9 farms; n_plots, a question of farms, 20 plots: more than one grid holds
    assert (roster_lines(instrument, farms), roster_lines(instrument, plots)) == (9, MAX_LINES)


def test_the_paper_grid_of_a_nested_roster_asks_which_outer_row_each_line_is(tmp_path):
    from villagesurvey.questionnaire import build_questionnaire

    form = build_questionnaire(parse_instrument(FARMS))
    farms, plots = form.rosters[1:]
    assert [q.code for q in plots.questions][:2] == ["farm", "main"]
    farm = plots.questions[0]
    assert farm.number == farms.key.number  # the farm number's own question number
    assert farm.cells[0].letter == "C"  # as on the plots sheet of the workbook
