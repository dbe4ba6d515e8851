"""Defects of repeat tables in phone exports, each written as a small table here.

The forms are real (ODK Central's ``singlerepeat`` and formpack's ``grouped_repeatable`` and
``select_one_from_previous_answers``, see ``tests/data/README.md``); the exports are laid out
as ODK Central, SurveyCTO and KoboToolbox write theirs, with one defect per row.
"""

from __future__ import annotations

import csv
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.returns import table, typed
from villagesurvey.validate import validate_returns
from villagesurvey.xlsform import read_xlsform

from .xlsform_corpus import KOBO, ROOT

CENTRAL = ROOT / "tests" / "data" / "odk_central"
INSTRUMENT = read_xlsform(CENTRAL / "singlerepeat.xlsx").instrument

MAIN = """
| SubmissionDate           | meta-instanceID | name | age | KEY    |
| 2024-05-01T10:00:00.000Z | uuid:a          | Ann  | 40  | uuid:a |
| 2024-05-01T11:00:00.000Z | uuid:b          | Ben  | abc | uuid:b |
| 2024-05-01T12:00:00.000Z | uuid:c          | Cai  | 35  | uuid:c |
"""
# Amy and Abe are sound; Bo's household is quarantined (its age is not a number); Cy and Cal
# are both child 1 of uuid:c; uuid:z is no submission; Nob names no parent at all
CHILDREN = """
| name | age | PARENT_KEY | KEY                      |
| Amy  | 4   | uuid:a     | uuid:a/children/child[1] |
| Abe  | 6   | uuid:a     | uuid:a/children/child[2] |
| Bo   | 3   | uuid:b     | uuid:b/children/child[1] |
| Cy   | 5   | uuid:c     | uuid:c/children/child[1] |
| Cal  | 7   | uuid:c     | uuid:c/children/child[1] |
| Zed  | 9   | uuid:z     | uuid:z/children/child[1] |
| Nob  | 2   |            | uuid:q/children/child[1] |
"""
PETS = """
| kind | PARENT_KEY | KEY            |
| cat  | uuid:a     | uuid:a/pets[1] |
"""


def write_csv(path, text):
    rows = table(text)
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path, sheets):
    book = Workbook()
    book.remove(book.active)
    for name, text in sheets.items():
        rows = table(text)
        sheet = book.create_sheet(name)
        sheet.append(list(rows[0]))
        for row in rows:
            sheet.append([typed(v) for v in row.values()])
    book.save(path)
    return path


def located(level, check):
    part = level.findings[level.findings["check"] == check]
    return sorted(zip(part["file"], part["row"].astype(int), strict=True))


def test_each_defect_of_an_odk_central_export_is_found_at_its_row(tmp_path):
    instrument = read_xlsform(CENTRAL / "singlerepeat.xlsx").instrument
    write_csv(tmp_path / "singlerepeat.csv", MAIN)
    write_csv(tmp_path / "singlerepeat-child.csv", CHILDREN)
    write_csv(tmp_path / "singlerepeat-pets.csv", PETS)
    result = validate_returns(instrument, [tmp_path], workers=1)
    children = result.rosters["child"]
    where = "singlerepeat-child.csv"
    assert located(children, "parent_quarantined") == [(where, 4)]
    assert located(children, "duplicate_key") == [(where, 5), (where, 6)]
    assert located(children, "roster_orphan") == [(where, 7), (where, 8)]
    orphans = children.findings[children.findings["check"] == "roster_orphan"].sort_values("row")
    assert "no household has the key uuid:z" in orphans["message"].iloc[0]
    assert "PARENT_KEY is blank" in orphans["message"].iloc[1]
    assert children.clean()["name_2"].tolist() == ["Amy", "Abe"]
    # rows in = clean + quarantined + not read, at each level
    assert (children.rows_in, children.rows_clean, children.rows_quarantined) == (7, 2, 5)
    assert (result.rows_in, result.rows_clean, result.rows_quarantined) == (3, 2, 1)
    unknown = result.findings[result.findings["check"] == "unknown_repeat"]
    assert unknown["file"].tolist() == ["singlerepeat-pets.csv"]
    assert "repeat 'pets' (1 rows)" in unknown["message"].iloc[0]
    assert result.exit_code == 1


def test_surveycto_long_format_links_its_repeat_files(tmp_path):
    # SurveyCTO's long format: the main file says SET-OF-<repeat>; each repeat file has
    # PARENT_KEY and a KEY ending in /<repeat>[n]
    instrument = read_xlsform(CENTRAL / "singlerepeat.xlsx").instrument
    write_csv(tmp_path / "Household survey.csv", """
| SubmissionDate       | name | age | SET-OF-child      | instanceID | KEY    |
| May 1, 2024 10:00:00 | Ann  | 40  | uuid:a/child      | uuid:a     | uuid:a |
| May 1, 2024 11:00:00 | Ben  | 52  | uuid:b/child      | uuid:b     | uuid:b |
""")  # fmt: skip
    write_csv(tmp_path / "Household survey-child.csv", """
| name | age | PARENT_KEY | KEY            |
| Amy  | 4   | uuid:a     | uuid:a/child[1] |
| Bo   | 3   | uuid:b     | uuid:b/child[1] |
| Bea  | 1   | uuid:b     | uuid:b/child[2] |
""")  # fmt: skip
    result = validate_returns(instrument, [tmp_path], workers=1)
    children = result.rosters["child"]
    assert "unknown_column" not in set(result.findings["check"])
    assert children.clean()[["instanceID", "child_no", "name_2"]].values.tolist() == [
        ["uuid:a", "1", "Amy"],
        ["uuid:b", "1", "Bo"],
        ["uuid:b", "2", "Bea"],
    ]
    assert (result.rows_clean, children.rows_clean) == (2, 3)


KOBO_MAIN = """
| household_location | _uuid | __version__ | _index |
| montreal           | u1    | rgv1        | 1      |
| paris              | u2    | rgv1        | 2      |
"""
# peter and anne are montreal's; zoe's parent (_index 9, _uuid u9) is not in the file;
# nobody has no _parent_index
KOBO_MEMBERS = """
| household_member_name | _index | _parent_table_name | _parent_index | _submission__uuid |
| peter                 | 1      | grouped_repeatable | 1             | u1                |
| anne                  | 2      | grouped_repeatable | 1             | u1                |
| zoe                   | 3      | grouped_repeatable | 9             | u9                |
| nobody                | 4      | grouped_repeatable |               |                   |
"""
KOBO_PETS = """
| pet_name | _index | _parent_table_name     | _parent_index |
| rex      | 1      | houshold_member_repeat | 1             |
"""


def test_each_defect_of_a_kobo_xls_export_is_found_at_its_row(tmp_path):
    instrument = read_xlsform(KOBO / "grouped_repeatable.xlsx").instrument
    export = write_xlsx(tmp_path / "export.xlsx", {
        "grouped_repeatable": KOBO_MAIN,
        "houshold_member_repeat": KOBO_MEMBERS,
        "pets": KOBO_PETS,
    })  # fmt: skip
    result = validate_returns(instrument, [export], workers=1)
    members = result.rosters["houshold_member_repeat"]
    assert located(members, "roster_orphan") == [("export.xlsx", 4), ("export.xlsx", 5)]
    orphans = members.findings[members.findings["check"] == "roster_orphan"].sort_values("row")
    assert set(orphans["sheet"]) == {"houshold_member_repeat"}
    assert "no household has the key u9" in orphans["message"].iloc[0]
    assert "_parent_index is blank" in orphans["message"].iloc[1]
    assert members.clean()[["instanceID", "houshold_member_repeat_no"]].values.tolist() == [
        ["u1", "1"],
        ["u1", "2"],
    ]
    assert (members.rows_in, members.rows_clean, members.rows_quarantined) == (4, 2, 2)
    nested = result.findings[result.findings["check"] == "nested_repeat"]
    assert nested[["sheet", "severity"]].values.tolist() == [["pets", "warning"]]


def test_a_kobo_count_that_differs_from_the_rows_is_found_on_the_household(tmp_path):
    # the form asks Q1 (how many members) and repeats FM ${Q1} times
    instrument = read_xlsform(KOBO / "select_one_from_previous_answers.xlsx").instrument
    export = write_xlsx(tmp_path / "export.xlsx", {
        "select_one_from_previous_ans...": """
| Q1 | _uuid | _index |
| 3  | u1    | 1      |
| 1  | u2    | 2      |
""",
        "FM": """
| Q2             | Q3 | _index | _parent_table_name               | _parent_index |
| Julius Caesar  | 53 | 1      | select_one_from_previous_answers | 1             |
| Gaius Octavius | 17 | 2      | select_one_from_previous_answers | 1             |
| Livia          | 60 | 3      | select_one_from_previous_answers | 2             |
""",
    })  # fmt: skip
    result = validate_returns(instrument, [export], workers=1)
    counts = result.findings[result.findings["check"] == "roster_count"]
    assert counts[["row", "column"]].values.tolist() == [[2, "Q1"]]
    assert "says 3 but roster 'FM' has 2 rows" in counts["message"].iloc[0]
    family = result.rosters["FM"]
    assert located(family, "parent_quarantined") == [("export.xlsx", 2), ("export.xlsx", 3)]
    assert family.clean()["Q2"].tolist() == ["Livia"]


HOUSEHOLDS = """
| SubmissionDate           | household-village | household-hh | household-hh_size | household-family_income | meta-instanceID | KEY     |
| 2024-05-01T10:00:00.000Z | V1                | 1            | 2                 | 5000                    | uuid:h1         | uuid:h1 |
| 2024-05-01T11:00:00.000Z | V1                | 2            | 1                 | 700                     | uuid:h2         | uuid:h2 |
"""
# household 1 is sound; household 2 says 700 but its member earns 500; uuid:h9 is not sent
MEMBERS = """
| member | relation | sex | age | income | PARENT_KEY | KEY                |
| 1      | 1        | 1   | 45  | 3000   | uuid:h1    | uuid:h1/members[1] |
| 2      | 2        | 2   | 43  | 2000   | uuid:h1    | uuid:h1/members[2] |
| 1      | 1        | 2   | 70  | 500    | uuid:h2    | uuid:h2/members[1] |
| 1      | 1        | 1   | 50  | 10     | uuid:h9    | uuid:h9/members[1] |
"""


def test_members_take_the_declared_key_of_their_household(tmp_path):
    from villagesurvey.instrument import parse_instrument

    from .rosters import HOUSEHOLD

    instrument = parse_instrument(HOUSEHOLD)
    write_csv(tmp_path / "hh_survey.csv", HOUSEHOLDS)
    write_csv(tmp_path / "hh_survey-members.csv", MEMBERS)
    result = validate_returns(instrument, [tmp_path], workers=1)
    members = result.rosters["members"]
    sums = result.findings[result.findings["check"] == "roster_sum"]
    assert sums[["row", "column"]].values.tolist() == [[3, "family_income"]]
    assert members.clean()[["village", "hh", "member", "age"]].values.tolist() == [
        ["V1", "1", "1", "45"],
        ["V1", "1", "2", "43"],
    ]
    where = "hh_survey-members.csv"
    assert located(members, "parent_quarantined") == [(where, 4)]
    assert located(members, "roster_orphan") == [(where, 5)]
    orphan = members.findings[members.findings["check"] == "roster_orphan"]
    assert "PARENT_KEY 'uuid:h9' is no submission of the batch" in orphan["message"].iloc[0]
    assert sorted(located(members, "required_missing")) == [(where, 5), (where, 5)]
    assert (members.rows_in, members.rows_clean, members.rows_quarantined) == (4, 2, 2)


def test_damaged_repeat_tables_are_read_without_losing_a_row(tmp_path):
    instrument = read_xlsform(CENTRAL / "singlerepeat.xlsx").instrument
    write_csv(tmp_path / "singlerepeat.csv", MAIN)
    # a KEY without its number; a row shorter than the header; a header-only file
    (tmp_path / "singlerepeat-child.csv").write_text(
        "name,age,PARENT_KEY,KEY\nAmy,4,uuid:a,not a key\nAbe,6,uuid:a\n", encoding="utf-8"
    )
    (tmp_path / "singlerepeat-pets.csv").write_text("PARENT_KEY,KEY\n", encoding="utf-8")
    result = validate_returns(instrument, [tmp_path], workers=1)
    children = result.rosters["child"]
    assert children.rows_in == 2
    assert children.rows_in == children.rows_clean + children.rows_quarantined
    assert located(children, "required_missing") == [
        ("singlerepeat-child.csv", 2),
        ("singlerepeat-child.csv", 3),
    ]  # no member number: neither KEY says one


def test_a_kobo_parent_index_that_is_no_number_is_said(tmp_path):
    instrument = read_xlsform(KOBO / "grouped_repeatable.xlsx").instrument
    export = write_xlsx(tmp_path / "export.xlsx", {
        "grouped_repeatable": KOBO_MAIN,
        "houshold_member_repeat": """
| household_member_name | _index | _parent_table_name | _parent_index |
| peter                 | 1      | grouped_repeatable | one           |
""",
    })  # fmt: skip
    result = validate_returns(instrument, [export], workers=1)
    members = result.rosters["houshold_member_repeat"]
    orphan = members.findings[members.findings["check"] == "roster_orphan"]
    assert orphan["message"].tolist() == ["its _parent_index 'one' is not a row number"]
    assert (members.rows_in, members.rows_quarantined) == (1, 1)


def test_a_kobo_repeat_sheet_saved_as_its_own_csv_links_by_the_submission_uuid(tmp_path):
    # the sheets of KoboToolbox's XLS export, each saved as CSV: the main sheet's _index no
    # longer reaches the repeat's file, its _submission__uuid does
    instrument = read_xlsform(KOBO / "grouped_repeatable.xlsx").instrument
    write_csv(tmp_path / "main.csv", KOBO_MAIN)
    write_csv(tmp_path / "members.csv", KOBO_MEMBERS)
    result = validate_returns(instrument, [tmp_path], workers=1)
    members = result.rosters["houshold_member_repeat"]
    assert members.clean()[["instanceID", "household_member_name"]].values.tolist() == [
        ["u1", "peter"],
        ["u1", "anne"],
    ]
    assert located(members, "roster_orphan") == [("members.csv", 4), ("members.csv", 5)]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["uuid:a", "uuid:b", "uuid:c", "uuid:z", ""]),  # z: no submission
            st.sampled_from(["{p}/children/child[1]", "{p}/children/child[2]", "{p}/x", ""]),
            st.sampled_from(["Amy", "", "=1+1", "n/a"]),
            st.sampled_from(["4", "", "four", "-1"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_repeat_row_ends_somewhere_and_no_clean_one_lacks_its_household(tmp_path, rows):
    folder = tmp_path / str(len(list(tmp_path.iterdir())))
    folder.mkdir()
    write_csv(folder / "singlerepeat.csv", MAIN)
    with open(folder / "singlerepeat-child.csv", "w", newline="", encoding="utf-8") as stream:
        out = csv.writer(stream)
        out.writerow(["name", "age", "PARENT_KEY", "KEY"])
        for parent, key, name, age in rows:
            out.writerow([name, age, parent, key.format(p=parent or "uuid:q")])
    result = validate_returns(INSTRUMENT, [folder], workers=1)
    children = result.rosters["child"]
    written = [(n, a, p, k.format(p=p or "uuid:q")) for p, k, n, a in rows]
    # a row is a member when it holds an answer, a PARENT_KEY or a member number (the [n]
    # ending its KEY); a row of only an unnumbered KEY links to nothing and answers nothing:
    # it is reported at its row as a blank_row (docs/validate.md), never silently skipped
    member = [bool(n or a or p or re.search(r"\[[0-9]+\]$", k)) for n, a, p, k in written]
    assert children.rows_in == sum(member)
    only_keys = [line for line, (_, _, _, k) in enumerate(written, 2) if not member[line - 2] and k]
    blank = children.findings[children.findings["check"] == "blank_row"]
    assert set(only_keys) <= set(blank["row"])
    assert children.rows_in == (
        children.rows_clean + children.rows_quarantined + children.rows_not_read
    )
    households = set(result.clean()["instanceID"])
    assert set(children.clean()["instanceID"]) <= households
