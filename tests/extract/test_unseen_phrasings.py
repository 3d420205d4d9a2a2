"""Phrasings the bundled letters do not use but unseen letters do: each is read from its
structure or wording, not from a name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sendkg.dates import find_range
from sendkg.extract import WSOA_REQUIRED, extract, statute
from sendkg.gazetteer import find_area, find_area_within
from sendkg.model import Source
from sendkg.nlp import analyse
from sendkg.people import split_name_role
from sendkg.structure import structure
from tests.extract.test_people import block_of


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Between 6–10 November 2017, Ofsted", date(2017, 11, 6), date(2017, 11, 10)),
        ("From Monday 11 to Friday 15 July, 2016,", date(2016, 7, 11), date(2016, 7, 15)),
        ("From 30 April to 4 May 2018", date(2018, 4, 30), date(2018, 5, 4)),
        ("in the week commencing 4th March 2019", date(2019, 3, 4), None),
    ],
)
def test_date_ranges_in_other_forms(text, start, end):
    found = find_range(text)
    assert (found[0].value, found[1].value if found[1] else None) == (start, end)


@pytest.mark.parametrize(
    "sentence",
    [
        "a Written Statement of Action (WSOA) is required because of significant areas of weakness",
        "the local area must produce a Written Statement of Action",
    ],
)
def test_other_wordings_that_require_a_written_statement_of_action(sentence):
    assert WSOA_REQUIRED.search(sentence)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Emma Senior, HMI Lead Inspector", ("Emma Senior", "HMI Lead Inspector")),
        ("Anne de Vries, Ofsted Inspector", ("Anne de Vries", "Ofsted Inspector")),
        ("Dr Helen O'Donnell OBE, Ofsted Inspector", ("Helen O'Donnell", "Ofsted Inspector")),
    ],
)
def test_names_that_contain_role_words_or_particles(printed, expected):
    assert split_name_role(printed) == expected


def test_title_names_an_area_in_its_administrative_form():
    assert find_area("the Royal Borough of Kingston upon Thames").name == "Kingston upon Thames"
    assert find_area("Leeds City Council area").name == "Leeds"
    assert find_area_within("Bath and North East Somerset (BANES)").name == "Bath and North East Somerset"


@pytest.mark.parametrize(
    "printed", ["the Children and Families Act (2014)", "the 2014 Children and Families Act", "Children and Families Act, 2014"]
)
def test_statutes_printed_with_the_year_elsewhere(printed):
    assert statute(printed, 0).text == "Children and Families Act 2014"


LETTER = """3 March 2020

Ms Ann Example, Director of Children's Services, Rutland County Council

Dear Ms Example

Joint local area SEND revisit in Rutland

Between 2 and 4 March 2020, Ofsted and the Care Quality Commission (CQC) revisited the area.

Main findings

• The initial inspection found that the local offer was weak.
• The local offer is now easy to find.

Leaders have made sufficient progress in addressing this area of weakness.

• The initial inspection found that joint commissioning was weak.
• Commissioning is still not joined up

The area has made insufficient progress in addressing this area of significant weakness.

Yours sincerely

Ofsted\tCare Quality Commission
Emma Senior, HMI Lead Inspector\tTracey Head, CQC Inspector
"""


def test_a_revisit_with_other_verdict_wordings_and_bullets():
    source = Source(Path("rutland.txt"), LETTER, "0" * 64, "text/plain")
    layout = structure(source)
    assert [v.progress for v in layout.verdicts] == ["sufficient", "insufficient"]
    extraction = extract(layout, next(analyse([LETTER])))
    assert extraction.outcome.value == "revisit-insufficient"
    assert extraction.lead_inspector.name == "Emma Senior"
    assert [(p.name, p.body) for p in extraction.team] == [("Emma Senior", "Ofsted"), ("Tracey Head", "CQC")]


def test_addressees_with_organisations_on_their_own_lines_and_commas_in_ccg_names():
    text = (
        "Ms Jacqui Jones\nExecutive Director, Adults, Children and Education\nBristol City Council\nCity Hall\nCollege Green\nBristol\nBS1 5TR\n\n"
        "Julia Ross, Chief Executive, NHS Bristol, North Somerset and South Gloucestershire CCG\n"
    )
    from sendkg.people import addressees

    found = [(p.name, p.role, p.organisation) for p in addressees(block_of(text), text)]
    assert found == [
        ("Jacqui Jones", "Executive Director, Adults, Children and Education", "Bristol City Council"),
        ("Julia Ross", "Chief Executive", "NHS Bristol, North Somerset and South Gloucestershire CCG"),
    ]


def test_lines_wrapped_inside_a_bullet_stay_in_it():
    text = LETTER.replace(
        "• The local offer is now easy to find.",
        "• The local offer is now easy to find. Parents use it.\nSchools link to it from their websites.",
    )
    layout = structure(Source(Path("rutland.txt"), text, "0" * 64, "text/plain"))
    items = [item.text for section in layout.sections for item in section.items]
    assert "The local offer is now easy to find. Parents use it. Schools link to it from their websites." in items


def test_a_cover_report_headed_like_the_letter_is_not_the_letter():
    cover = "Joint Local Area SEND Inspection in Leicester\n\nThe panel is asked to note the letter.\n\n"
    layout = structure(Source(Path("papers.txt"), cover + LETTER, "0" * 64, "text/plain"))
    assert "Rutland" in layout.source.text[layout.title.start : layout.title.end]


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        (
            "Ms Jo Bloggs, Director of Children, Young People and Families, Hull City Council",
            [("Jo Bloggs", "Director of Children, Young People and Families", "Hull City Council")],
        ),
        (
            "Jean-Paul van der Berg, Local Area Nominated Officer",
            [("Jean-Paul van der Berg", "Local Area Nominated Officer", None)],
        ),
    ],
)
def test_roles_with_commas_and_names_with_two_particles(segment, expected):
    from sendkg.people import parse_addressees

    assert parse_addressees(segment) == expected


def test_areas_named_as_cities():
    assert find_area("City of York").name == "York"
    assert find_area("Nottingham City").name == "Nottingham"
