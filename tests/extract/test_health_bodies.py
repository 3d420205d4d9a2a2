"""CCGs and ICBs in any printed form, split from a council or a person that runs into them."""

from __future__ import annotations

import pytest

from sendkg.extract import health_body
from sendkg.nlp import analyse


def health_bodies(sentence: str, year: int = 2023) -> list[tuple[str, str]]:
    doc = next(analyse([sentence]))
    found = [health_body(ent.text, ent.start_char, ent.ent_id_, year) for ent in doc.ents if ent.label_ == "HEALTH_BODY"]
    return [(m.text, m.key) for m in found if m]


@pytest.mark.parametrize(
    ("sentence", "name", "ods"),
    [
        ("London Borough of Hillingdon and North West London Integrated Care Board are responsible.",
         "North West London Integrated Care Board", "qrv"),
        ("Halton Borough Council and NHS Cheshire and Merseyside ICB should act.", "NHS Cheshire and Merseyside ICB", "qyg"),
        ("Cornwall Council and NHS Cornwall and the Isles of Scilly Integrated Care Board work together.",
         "NHS Cornwall and the Isles of Scilly Integrated Care Board", "qt6"),
        ("The partnership includes Bedfordshire, Luton and Milton Keynes Integrated Care Board (ICB).",
         "Bedfordshire, Luton and Milton Keynes Integrated Care Board", "qhg"),
        ("Staffordshire & Stoke-on-Trent Integrated Care Board", "Staffordshire and Stoke-on-Trent Integrated Care Board", "qnc"),
        ("Karen McDowell\nActing CEO Surrey Heartlands Integrated\nCare Board", "Surrey Heartlands Integrated Care Board", "qxu"),
    ],
)
def test_an_icb_is_split_from_what_runs_into_it(sentence, name, ods):
    assert (name, ods) in health_bodies(sentence)


def test_a_ccg_printed_in_lower_case_is_found_when_the_reference_list_knows_it():
    assert health_bodies("services moved from Wakefield clinical commissioning group in 2022.", 2021) == [
        ("Wakefield clinical commissioning group", "03r")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Cc: Department for Education\nClinical commissioning group\nNHS England",
        "The local authority and the area's clinical commissioning group were jointly responsible.",
        "The Integrated Care System brings partners together.",
    ],
)
def test_generic_or_lower_case_bodies_are_not_names(sentence):
    assert health_bodies(sentence, 2018) == []


def test_two_bodies_in_one_cell_are_not_one_name():
    text = "Dudley Metropolitan Borough Council\n\nBlack Country Integrated Care Board"
    assert health_bodies(text) == [("Black Country Integrated Care Board", "qua")]
