"""People are read from the layout of addressee lists and signature blocks, not from known names."""

from __future__ import annotations

import pytest

from sendkg.model import Block, Span
from sendkg.people import addressees, signature_people, split_name_role
from sendkg.structure import split_lines


def block_of(text: str) -> Block:
    lines = split_lines(text)
    return Block(Span(0, len(text)), tuple(lines))


@pytest.mark.parametrize(
    ("printed", "name", "role"),
    [
        ("Lorna Fitzjohn HMI Regional Director", "Lorna Fitzjohn", "Regional Director"),
        ("Simon Mosley HMI Lead Inspector", "Simon Mosley", "HMI Lead Inspector"),
        ("Andrew Cook HMI", "Andrew Cook", None),
        ("Priya Ramanathan-Lowe CQC Inspector", "Priya Ramanathan-Lowe", "CQC Inspector"),
        ("Mr Tomasz Nowak Her Majesty's Inspector", "Tomasz Nowak", "Her Majesty's Inspector"),
        ("Regional Director", None, "Regional Director"),
    ],
)
def test_a_name_is_split_from_its_role(printed, name, role):
    assert split_name_role(printed) == (name, role)


def test_addressees_on_one_line_are_separated_by_their_roles_and_organisations():
    text = (
        "Mrs Amara Okafor Director of Children's Services, Leeds **Civic Hall** Calverley Street Leeds **LS1 1UR**\n\n"
        "Owen Price, Chief Officer, NHS Leeds Clinical Commissioning Group Ruth Mensah, Local Area Nominated Officer\n"
    )
    found = [(p.name, p.role, p.organisation) for p in addressees(block_of(text), text)]
    assert found == [
        ("Amara Okafor", "Director of Children's Services", "Leeds"),
        ("Owen Price", "Chief Officer", "NHS Leeds Clinical Commissioning Group"),
        ("Ruth Mensah", "Local Area Nominated Officer", None),
    ]


def test_addressees_over_several_lines_leave_the_postal_address_out():
    text = "Dr Hannah Quist\nDirector of Children, Young People and Learning\nTown Hall\nHigh Street\nSlough\nSL1 3UF\n\nMr Ian Vale, designated clinical officer\n"
    found = [(p.name, p.role, p.organisation) for p in addressees(block_of(text), text)]
    assert found == [
        ("Hannah Quist", "Director of Children, Young People and Learning", None),
        ("Ian Vale", "designated clinical officer", None),
    ]


def test_a_two_column_signature_block_gives_each_inspectorate_its_people():
    text = (
        "Ofsted\tCare Quality Commission\n"
        "Nia Roberts HMI\tKwame Asante\n"
        "Regional Director\tDeputy Chief Inspector, Children Health and Justice\n"
        "Lucy Hartley-Jones\tBeth Carr\n"
        "HMI Lead Inspector\tCQC Inspector\n"
    )
    found = [(p.name, p.role, p.body) for p in signature_people(block_of(text), text)]
    assert found == [
        ("Nia Roberts", "Regional Director", "Ofsted"),
        ("Kwame Asante", "Deputy Chief Inspector, Children Health and Justice", "CQC"),
        ("Lucy Hartley-Jones", "HMI Lead Inspector", "Ofsted"),
        ("Beth Carr", "CQC Inspector", "CQC"),
    ]
