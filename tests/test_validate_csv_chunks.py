"""A table written in pieces (:mod:`villagesurvey.validate.csv_chunks`) gives the bytes of the
same table written whole (:func:`villagesurvey.tables.csv_file.write_csv`), whatever the
values (commas, quotes, line breaks, carriage returns, formulas) and wherever it is cut."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.tables.csv_file import write_csv
from villagesurvey.validate.csv_chunks import CarriageReturnError, append_piece, render_piece

_TEXT = st.text(alphabet=list('ab 中,"\n\r=-+@1.5\t'), max_size=6)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[pd.DataFrame, list[int]]:
    width = draw(st.integers(2, 3))  # the outputs have many columns (see csv_chunks)
    rows = draw(st.integers(0, 12))
    columns = {f"c{i}": draw(st.lists(_TEXT, min_size=rows, max_size=rows)) for i in range(width)}
    cuts = sorted(draw(st.lists(st.integers(0, rows), max_size=4)))
    return pd.DataFrame(columns, dtype="str"), cuts


def _pieces(path: Path, frame: pd.DataFrame, cuts: list[int]) -> bytes:
    bounds = [0, *cuts, len(frame)]
    crlf = False
    while True:
        try:
            data = b"".join(
                render_piece(frame.iloc[start:end], path.name, header=n == 0, crlf=crlf)
                for n, (start, end) in enumerate(itertools.pairwise(bounds))
            )
            break
        except CarriageReturnError:
            crlf = True
    path.write_bytes(data)
    return path.read_bytes()


@settings(max_examples=150, deadline=None)
@given(_tables())
def test_pieces_give_the_bytes_of_the_whole(tmp_path_factory, table) -> None:  # type: ignore[no-untyped-def]
    frame, cuts = table
    folder = tmp_path_factory.mktemp("csv")
    write_csv(folder / "whole.csv", frame)
    assert _pieces(folder / "pieces.csv", frame, cuts) == (folder / "whole.csv").read_bytes()


def _appended(path: Path, frame: pd.DataFrame, cuts: list[int]) -> bytes:
    """The table appended to one file a piece at a time, from the start again (the file
    emptied) when a piece holds a carriage return, as the streamed path does."""
    bounds = [0, *cuts, len(frame)]
    crlf = False
    while True:
        path.write_bytes(b"")
        try:
            for n, (start, end) in enumerate(itertools.pairwise(bounds)):
                with open(path, "ab") as out:
                    piece = frame.iloc[start:end]
                    append_piece(piece, path.name, out, header=n == 0, crlf=crlf)
            return path.read_bytes()
        except CarriageReturnError:
            crlf = True


@settings(max_examples=150, deadline=None)
@given(_tables())
def test_pieces_appended_to_the_file_give_the_bytes_of_the_whole(tmp_path_factory, table) -> None:  # type: ignore[no-untyped-def]
    frame, cuts = table
    folder = tmp_path_factory.mktemp("csv")
    write_csv(folder / "whole.csv", frame)
    assert _appended(folder / "pieces.csv", frame, cuts) == (folder / "whole.csv").read_bytes()
