"""Generate the fieldwork sample: a collection in progress, for the supervisor's views.

Run ``python sample_data/fieldwork.py`` to rewrite ``sample_data/fieldwork/``:

- ``returns/``: the workbooks of the first two weeks of a larger collection with the model
  study's instrument (one per village, two enumerators per village);
- ``sample.csv``: the respondents to interview, village by village, with their
  replacements; ``villages.csv``: each village's centre;
- ``backchecks.csv``: the back-check interviews of a tenth of the respondents;
- ``planted.csv``: each problem planted in all of this, and where it is.

The respondents are simulated as the model study's are (``generate.py``, which this file
reads) from a seed of their own. Planted, and nothing else:

- one enumerator heaps amounts: every amount ends in 000 or 500, where the other
  enumerators' amounts end in any hundred;
- one enumerator copies one household's GPS point for the next five households;
- a back-check disagrees on a household's size;
- a listed respondent is interviewed twice; a respondent not on the list is interviewed.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from villagesurvey._resources import sample_script

HERE = Path(__file__).resolve().parent
FIELDWORK = HERE / "fieldwork"
FIELDWORK_STREAM = 3
"""The fieldwork comes from ``default_rng([seed, FIELDWORK_STREAM])``: the model study's
own data do not depend on it."""

LISTED = 26  # respondents listed per village (households of 1 to 3 respondents)
REPLACEMENTS = 2  # replacements listed per village, interviewed only in place of another
DONE_SHARE = 0.7  # of each village's list, interviewed by the end of the two weeks
FIRST_DAY = dt.date(2022, 10, 10)
WORKING_DAYS = 10
BACKCHECK_SHARE = 0.1
ENUMERATORS = {  # the two enumerators of each village
    "V01": ("李娜", "孙悦"), "V02": ("李娜", "王强"), "V03": ("孙悦", "陈静"),
    "V04": ("王强", "Liu Yang"), "V05": ("Zhou Min", "孙悦"), "V06": ("王强", "陈静"),
    "V07": ("Liu Yang", "Zhou Min"), "V08": ("陈静", "李娜"), "V09": ("Zhou Min", "Liu Yang"),
    "V10": ("孙悦", "Liu Yang"), "V11": ("陈静", "Zhou Min"),
}  # fmt: skip
HEAPER = "孙悦"  # every amount to the 500 yuan
COPIER = ("Liu Yang", "V07")  # the same GPS point for six households of V07
BACKCHECKERS = ("赵敏", "Hu Jun")
BACKCHECKED = ("gender", "age", "household_size", "education", "marital_status", "cbec_1")


def model_study() -> ModuleType:
    """The model study's generator, whose simulation and workbooks this file reuses."""
    return sample_script("generate")


def working_days() -> list[dt.date]:
    """The collection's working days, Monday to Friday."""
    days, day = [], FIRST_DAY
    while len(days) < WORKING_DAYS:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def assign(rng: np.random.Generator, interviewed: list[dict[str, Any]]) -> None:
    """Who interviewed whom, and when: a village's respondents shared by its two
    enumerators, each doing up to five interviews a day across the two weeks."""
    days = working_days()
    load: dict[tuple[str, dt.date], int] = {}
    for p in interviewed:
        pair = ENUMERATORS[p["village_id"]]
        p["enumerator"] = pair[int(rng.integers(0, 2))]
    for p in sorted(interviewed, key=lambda p: (p["enumerator"], p["village_id"])):
        start = int(rng.integers(0, 4))
        day = next(d for d in days[start:] + days[:start] if load.get((p["enumerator"], d), 0) < 5)
        load[(p["enumerator"], day)] = load.get((p["enumerator"], day), 0) + 1
        p["interview_date"] = day
    interviewed.sort(key=lambda p: (p["village_id"], p["interview_date"], p["household_id"]))


def heap(p: dict[str, Any], parts: dict[str, tuple[str, ...]]) -> None:
    """Amounts to the 500 yuan: totals up, their parts down, so that parts still fit."""
    for total, items in parts.items():
        for wave in (2020, 2022):
            code = f"{total}_{wave}"
            if p.get(code) is not None:
                p[code] = int(-(-p[code] // 500) * 500)
            for item in items:
                code = f"{item}_{wave}"
                if p.get(code) is not None:
                    p[code] = int(p[code] // 500 * 500)


def backchecks(
    rng: np.random.Generator, interviewed: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A tenth of each enumerator's respondents asked again a few days later; the answers
    agree but for one household's size (planted) and the first opinion item (``cbec_1``),
    which a second asking moves by one step up as often as down (a stability question)."""
    chosen: list[dict[str, Any]] = []
    for name in sorted({p["enumerator"] for p in interviewed}):
        own = [p for p in interviewed if p["enumerator"] == name]
        count = max(1, round(BACKCHECK_SHARE * len(own)))
        chosen += [own[i] for i in sorted(rng.choice(len(own), size=count, replace=False))]
    rows = []
    moves = rng.permutation(np.resize([1, -1, 0, 0, 0], len(chosen)))
    for i, (p, move) in enumerate(zip(chosen, moves, strict=True)):
        row = {k: p[k] for k in ("village_id", "household_id", "person_id", *BACKCHECKED)}
        row["enumerator"] = BACKCHECKERS[i % 2]  # the back-checker, in the form's field
        row["interview_date"] = p["interview_date"] + dt.timedelta(days=int(rng.integers(3, 8)))
        row["cbec_1"] = int(
            p["cbec_1"] + move if 1 <= p["cbec_1"] + move <= 5 else p["cbec_1"] - move
        )
        rows.append(row)
    planted = rows[len(rows) // 2]
    planted["household_size"] = planted["household_size"] + 2
    return rows, planted


def listing(people: list[dict[str, Any]]) -> None:
    """Mark each village's last households, two respondents or more, as replacements."""
    for village in ENUMERATORS:
        own = [p for p in people if p["village_id"] == village]
        flagged = 0
        for house in reversed(list(dict.fromkeys(p["household_id"] for p in own))):
            if flagged >= REPLACEMENTS:
                break
            for p in own:
                if p["household_id"] == house:
                    p["replacement"] = 1
                    flagged += 1
        for p in own:
            p.setdefault("replacement", 0)


def interviews(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who has been interviewed in two weeks: each village's list from the top, whole
    households, up to :data:`DONE_SHARE`; in V03 a replacement household stands in for a
    listed one that moved away."""
    done = []
    for village in ENUMERATORS:
        listed = [p for p in people if p["village_id"] == village and not p["replacement"]]
        goal = round(DONE_SHARE * len(listed))
        houses = list(dict.fromkeys(p["household_id"] for p in listed))
        taken: list[dict[str, Any]] = []
        for house in houses:
            if len(taken) >= goal:
                break
            if village == "V03" and house == houses[0]:
                continue  # moved away: replaced below
            taken += [p for p in listed if p["household_id"] == house]
        if village == "V03":
            first = next(p for p in people if p["village_id"] == village and p["replacement"])
            taken += [
                p for p in people if p["replacement"] and p["household_id"] == first["household_id"]
                and p["village_id"] == village
            ]  # fmt: skip
        done += taken
    return done


def copy_point(interviewed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The copier's first household in the village gives its point to the next five; the
    rows at that point (the first household's respondents, the five) are returned."""
    name, village = COPIER
    own = sorted(
        (p for p in interviewed if p["enumerator"] == name and p["village_id"] == village),
        key=lambda p: p["start"],
    )
    houses = list(dict.fromkeys(p["household_id"] for p in own))
    source = next(p for p in own if p["household_id"] == houses[0])
    copied = [next(p for p in own if p["household_id"] == h) for h in houses[1:6]]
    for p in copied:
        for part in ("", "_latitude", "_longitude", "_altitude", "_accuracy"):
            p[f"gps{part}"] = source[f"gps{part}"]
    at_home = [
        p for p in interviewed if p["village_id"] == village and p["household_id"] == houses[0]
    ]
    return sorted([*at_home, *copied], key=lambda p: p["start"])


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A small UTF-8 CSV file with these columns; dates as ISO dates."""
    gen_text = model_study().truth_text
    lines = [",".join(columns)]
    lines += [",".join(gen_text(row.get(c)) for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate(outdir: Path = FIELDWORK, seed: int | None = None) -> None:
    """Write the fieldwork sample into ``outdir``.

    Parameters
    ----------
    outdir : Path
        The folder to fill (``returns/``, ``sample.csv``, ``villages.csv``,
        ``backchecks.csv``, ``planted.csv``); stale workbooks in ``returns/`` are removed.
    seed : int, optional
        The model study's seed (:data:`generate.SEED` by default), with
        :data:`FIELDWORK_STREAM`.
    """
    import villagesurvey
    from villagesurvey.instrument import roster_instrument

    gen = model_study()
    seed = gen.SEED if seed is None else seed
    instrument = villagesurvey.load_instrument(gen.INSTRUMENT)
    rng = np.random.default_rng([seed, FIELDWORK_STREAM])
    people = gen.simulate(rng, {v: LISTED + REPLACEMENTS for v in ENUMERATORS}, range(101, 400))
    listing(people)
    interviewed = interviews(people)
    assign(rng, interviewed)
    for p in interviewed:
        if p["enumerator"] == HEAPER:
            heap(p, {"family_income": gen.INCOME_PARTS, "household_spending": gen.SPENDING_PARTS})
    gen.schedule(rng, interviewed)
    points = gen.homes(rng, interviewed)
    for p in interviewed:
        gen.locate(rng, p, points[(p["village_id"], p["household_id"])])
    copied = copy_point(interviewed)
    households = gen.simulate_members(rng, interviewed)
    off_list = next(p for p in reversed(interviewed) if p["village_id"] == "V09")
    twice = next(p for p in interviewed if p["village_id"] == "V05")
    again = dict(twice)
    again["enumerator"] = next(e for e in ENUMERATORS["V05"] if e != twice["enumerator"])
    again["interview_date"] = twice["interview_date"] + dt.timedelta(days=2)
    again["start"] = twice["start"] + dt.timedelta(days=2, hours=1)
    again["end"] = twice["end"] + dt.timedelta(days=2, hours=1)
    interviewed.insert(interviewed.index(twice) + 1, again)
    checks, disagreeing = backchecks(rng, [p for p in interviewed if p is not again])

    folder = outdir / "returns"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.xlsx"):
        stale.unlink()
    roster = roster_instrument(instrument, gen.ROSTER)
    rows_of: dict[int, tuple[str, int]] = {}
    for village in ENUMERATORS:
        language = "en" if village in gen.ENGLISH_VILLAGES else "zh"
        own = [p for p in interviewed if p["village_id"] == village]
        name = f"{village}_fieldwork.xlsx"
        rows = [gen._row(instrument, p, language) for p in own]
        members = [gen._row(roster, m, language) for m in gen.roster_rows(own, households)]
        book = gen.fill_workbook(instrument, language, rows, members)
        gen.save_workbook(book, folder / name)
        for offset, p in enumerate(own):
            rows_of[id(p)] = (name, gen.FIRST_DATA_ROW + offset)
    key = ["village_id", "household_id", "person_id"]
    listed = [p for p in people if p is not off_list]
    write_csv(outdir / "sample.csv", listed, [*key, "replacement"])
    centres = [
        {"village_id": v, "latitude": lat, "longitude": lon}
        for v, (lat, lon) in gen.VILLAGE_CENTRES.items()
    ]
    write_csv(outdir / "villages.csv", centres, ["village_id", "latitude", "longitude"])
    write_csv(
        outdir / "backchecks.csv",
        checks,
        [*key, "enumerator", "interview_date", *BACKCHECKED],
    )
    planted = planted_rows(rows_of, interviewed, copied, twice, again, off_list, disagreeing)
    columns = ["problem", "check", "file", "row", "enumerator", "note"]
    write_csv(outdir / "planted.csv", planted, columns)


def planted_rows(
    rows_of: dict[int, tuple[str, int]],
    interviewed: list[dict[str, Any]],
    copied: list[dict[str, Any]],
    twice: dict[str, Any],
    again: dict[str, Any],
    off_list: dict[str, Any],
    disagreeing: dict[str, Any],
) -> list[dict[str, Any]]:
    """``planted.csv``: each planted problem, located, for the tests and for a reader."""

    def at(p: dict[str, Any]) -> dict[str, Any]:
        file, row = rows_of[id(p)]
        return {"file": file, "row": row, "enumerator": p["enumerator"]}

    heaped = sum(p["enumerator"] == HEAPER for p in interviewed)
    source = copied[0]["household_id"]
    key = " / ".join(disagreeing[k] for k in ("village_id", "household_id", "person_id"))
    return [
        {"problem": "heaped_amounts", "check": "digit_preference", "file": "", "row": "",
         "enumerator": HEAPER,
         "note": f"every amount of {heaped} interviews to the 500 yuan"},
        *({"problem": "copied_gps_point", "check": "gps_same_point", **at(p),
           "note": "the household whose point was copied" if p["household_id"] == source
           else f"the point of household {source} copied"} for p in copied),
        {"problem": "interviewed_twice", "check": "duplicate_key", **at(twice),
         "note": "the first interview (its members are listed twice with it)"},
        {"problem": "interviewed_twice", "check": "duplicate_key", **at(again),
         "note": "the same key two days later"},
        {"problem": "not_on_the_list", "check": "not_in_sample", **at(off_list),
         "note": "left off sample.csv"},
        {"problem": "backcheck_household_size", "check": "backcheck_differs",
         "file": "backchecks.csv", "row": "",
         "enumerator": next(p["enumerator"] for p in interviewed
                            if all(p[k] == disagreeing[k]
                                   for k in ("village_id", "household_id", "person_id"))),
         "note": f"{key}: household size {disagreeing['household_size']} in the back-check, "
                 f"{disagreeing['household_size'] - 2} in the survey"},
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(generate())
