"""Rows of 'Areas for priority action' and 'Areas for improvement' are the cells between the
table's drawn rules, however the text runs."""

from __future__ import annotations

import pytest

from sendkg.read import read
from sendkg.structure import structure
from tests.conftest import CORPUS

REPORTS = CORPUS / "area-send-reports"


def rows(document: str, section: str):
    layout = structure(read(REPORTS / document))
    return next((s.items for s in layout.sections if s.section == section), ())


def test_a_row_cut_by_a_page_break_is_one_row_with_its_whole_responsible_body():
    actions = rows("halton-2024.pdf", "priority-actions")
    assert len(actions) == 5
    cut = actions[2]
    assert cut.text.startswith("Leaders across education, health and social care should improve the joint commissioning")
    assert cut.text.endswith("receive sufficient support to have their needs met effectively.")
    assert cut.responsible == "Halton Borough Council and NHS Cheshire and Merseyside Integrated Care Board (ICB)"


def test_a_complete_row_before_a_page_break_leaves_the_next_boxed_row_its_own():
    improvements = rows("barking-and-dagenham-2024.pdf", "improvements")
    assert len(improvements) == 3
    assert improvements[0].text.endswith("PfA outcomes across education, health and social care.")
    assert improvements[1].text.startswith("The processes around writing and reviewing EHC plans")


def test_sub_bullets_inside_a_cell_are_part_of_its_row():
    improvements = rows("surrey-2023.pdf", "improvements")
    assert len(improvements) == 4
    assert "reducing waiting times for health assessments" in improvements[2].text


def test_numbered_paragraphs_in_one_cell_are_rows_and_the_header_row_is_none():
    improvements = rows("blackpool-2024.pdf", "improvements")
    assert [item.text[:2] for item in improvements] == ["1.", "2.", "3.", "4."]


@pytest.mark.parametrize("document", ["halton-2024.pdf", "surrey-2023.pdf"])
def test_each_row_quotes_its_own_cell(document):
    layout = structure(read(REPORTS / document))
    for section in layout.sections:
        for item in section.items:
            assert " ".join(layout.source.quote(item.span).split()).startswith(item.text[:40])
