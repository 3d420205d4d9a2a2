"""The 'Local area partnership details' table: every leader listed, a wrapped role kept whole,
an address never a person."""

from __future__ import annotations

import pytest

from sendkg.people import partnership_people, role_and_body
from sendkg.read import read
from sendkg.structure import structure
from tests.conftest import CORPUS

REPORTS = CORPUS / "area-send-reports"


def leaders(document: str):
    layout = structure(read(REPORTS / document))
    return [(p.name, p.role, p.organisation) for p in partnership_people(layout, layout.source.text)]


def test_a_role_over_three_lines_is_one_role():
    assert ("Neil Kennett-Brown", "Chief Operating Officer (Greenwich), South East London Integrated Care System",
            "South East London Integrated Care Board") in leaders("greenwich-2023.pdf")


def test_two_people_in_one_cell_are_both_found_each_with_their_board():
    found = leaders("surrey-2023.pdf")
    assert ("Karen McDowell", "Acting CEO", "Surrey Heartlands Integrated Care Board") in found
    assert ("Fiona Edwards", "CEO", "NHS Frimley Integrated Care Board") in found
    assert len(found) == 3


def test_a_street_address_is_not_a_person_and_an_honorific_is_dropped():
    found = leaders("trafford-2023.pdf")
    assert [name for name, _, _ in found] == ["Jill McGregor", "Mark Fisher"]


@pytest.mark.parametrize("document", ["durham-2024.pdf", "middlesbrough-2023.pdf", "stoke-on-trent-2024.pdf"])
def test_a_name_on_its_own_line_takes_the_role_below_it(document):
    found = leaders(document)
    assert len(found) == 2 and all(role for _, role, _ in found)


def test_a_role_that_names_one_of_several_boards_is_split_from_it():
    assert role_and_body("Acting CEO Surrey Heartlands Integrated Care Board", "Surrey Heartlands ICB and Frimley ICB") == (
        "Acting CEO",
        "Surrey Heartlands Integrated Care Board",
    )
    assert role_and_body("CEO NHS North East and North Cumbria Integrated Care Board", "NHS North East and North Cumbria") == (
        "CEO NHS North East and North Cumbria Integrated Care Board",
        "NHS North East and North Cumbria",
    )
    assert role_and_body("Chief Nursing Officer and Deputy Chief Executive.", "X ICB") == (
        "Chief Nursing Officer and Deputy Chief Executive",
        "X ICB",
    )
