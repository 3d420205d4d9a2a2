"""Tables in the PDFs: ruled tables read cell by cell from the drawn rules, tab-stop tables split
where their columns start."""

from __future__ import annotations

import pytest

from sendkg.read import read
from tests.conftest import CORPUS

REPORTS = CORPUS / "area-send-reports"


@pytest.fixture(scope="module")
def greenwich():
    return read(REPORTS / "greenwich-2023.pdf")


def cells(source, table):
    return [[source.quote(cell) if cell else None for cell in row] for row in table.rows]


def test_a_ruled_table_is_read_cell_by_cell(greenwich):
    offset = greenwich.text.index("Local area partnership details")
    table = next(t for t in greenwich.tables if t.rows[0][0] and t.rows[0][0].start > offset)
    rows = cells(greenwich, table)
    assert rows[0] == ["Local Authority", "Integrated Care Board"]
    # a role that wraps onto three lines stays in its cell, apart from the other column's
    assert rows[2][1] == "Neil Kennett-Brown, Chief Operating\nOfficer (Greenwich), South East London\nIntegrated Care System"
    assert rows[4][0].startswith("The Woolwich Centre") and rows[4][0].endswith("SE18 6HQ")


def test_each_cell_is_its_own_run_of_text(greenwich):
    text = greenwich.text
    assert "\n\nFlorence Kroll, Director of Children’s\nServices\n\nNeil Kennett-Brown" in text


def test_a_tab_stop_table_is_split_where_the_next_rows_column_starts(greenwich):
    assert "Gaynor Roberts, Ofsted HMI, lead inspector\tLesley Perry, CQC lead inspector" in greenwich.text


def test_a_table_cut_by_a_page_break_is_marked_on_both_pages():
    halton = read(REPORTS / "halton-2024.pdf")
    first, second = halton.tables[1], halton.tables[2]  # after the page 1 box: areas for priority action
    assert (first.page, second.page) == (5, 6)
    assert first.ends_page and second.starts_page
    assert halton.quote(second.rows[0][0]) == "Merseyside Integrated Care\nBoard (ICB)"


def test_a_table_of_outlined_boxes_is_read_as_a_table():
    from sendkg.pdf import read_pdf
    from tests.pdfs import boxed_table_pdf

    text, _, tables, _ = read_pdf(boxed_table_pdf([["Responsible body", "Areas for priority action"], ["Northshire Council", "Leaders should act."]]))
    [table] = tables
    assert [[text[c.start : c.end] for c in row] for row in table.rows] == [
        ["Responsible body", "Areas for priority action"],
        ["Northshire Council", "Leaders should act."],
    ]
