"""Candidate names come from how the text prints them, so an unseen service is a candidate too."""

from __future__ import annotations

import pytest

from sendkg.organisations import candidates, described, key_of, named_by_rule, spells


def names(text: str) -> set[str]:
    return {c.name for c in candidates(text)}


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Families value the ‘Bright Steps’ service in every locality.", "Bright Steps"),
        ("Leaders set up the Young Carers Response Unit last year.", "Young Carers Response Unit"),
        ("Children use the Harbour project, which offers respite.", "Harbour project"),
        ("Support comes from the Family Link and Outreach Service (FLOS).", "Family Link and Outreach Service (FLOS)"),
        ("Young people attend sessions run by KindaKlub in the holidays.", "KindaKlub"),
        ("Staff are trained through the Northwick Speech and Language programme.", "Northwick Speech and Language programme"),
    ],
)
def test_a_name_printed_as_a_name_is_a_candidate(sentence, name):
    assert name in names(sentence)


def test_an_acronym_is_the_name_it_was_defined_for():
    text = "The Family Link and Outreach Service (FLOS) is valued. Parents say FLOS responds quickly."
    [candidate] = [c for c in candidates(text) if c.key == key_of("Family Link and Outreach Service")]
    assert [m.text for m in candidate.mentions] == ["Family Link and Outreach Service (FLOS)", "FLOS"]


@pytest.mark.parametrize(
    ("words", "acronym", "spelled"),
    [
        (["Family", "and", "Adolescent", "Support", "Service"], "FaASS", True),
        (["SEND", "information,", "advice", "and", "support", "service"], "SENDIASS", True),
        (["the", "parent", "carer", "forum"], "PCF", False),
        (["Parent", "Carer", "Forum"], "PCF", True),
        (["Local", "Offer"], "SEND", False),
    ],
)
def test_an_acronym_is_spelled_by_the_initials_before_it(words, acronym, spelled):
    assert spells([w.strip(",") for w in words], acronym.upper()) is spelled


@pytest.mark.parametrize(
    "sentence",
    [
        "The Local Offer website is hard to navigate.",  # generic
        "Inspectors met Jane Smith and Ofsted HMI colleagues.",  # people and the inspectorate
        "Write to the council at Glebe Street, Stoke-on-Trent ST4 1HH.",  # an address
        "Leaders in Hertfordshire know the area well.",  # a place
        "The Children Act 2004 sets the framework.",  # an Act
    ],
)
def test_what_is_printed_like_a_name_but_is_not_one_is_not_weighed(sentence):
    weighed = {c.name for c, _ in described(sentence, known_people=frozenset({"Jane Smith"}))}
    assert not weighed & {"Local Offer", "Jane Smith", "Ofsted HMI", "Glebe Street", "Hertfordshire", "Children Act"}


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Parents value the SEND information, advice and support service.", "SEND information, advice and support service"),
        ("Leaders work closely with the Dorset parent carer forum on the plan.", "Dorset parent carer forum"),
    ],
)
def test_what_the_schema_counts_as_named_is_kept_by_rule(sentence, name):
    kept = [c.name for c, f in described(sentence) if named_by_rule(c, f)]
    assert name in kept
