"""Named organisations are found from how the text introduces them, so unseen ones are found too."""

from __future__ import annotations

import pytest

from sendkg.nlp import analyse


def organisations(text: str) -> list[tuple[str, str]]:
    doc = next(analyse([text]))
    return [(span.text, span._.sendkg_kind) for span in doc.spans["organisations"]]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The parent carer forum, 'Voices Together', has helped shape the strategy.", ("Voices Together", "parent-carer-forum")),
        ("The parent carer forum, Parents Plus Partnership, is now re-established.", ("Parents Plus Partnership", "parent-carer-forum")),
        ("Families value the local charity Bright Horizons Trust. It offers respite.", ("Bright Horizons Trust", "charity")),
        ("Leaders worked with Kidz Link (parent and carer organisation) on the plan.", ("Kidz Link", "parent-carer-forum")),
        ("Parents praise the special educational needs information, advice and support service (KIASS).", ("KIASS", "information-advice-and-support-service")),
        ("Young people designed the 'Tell Us Now' app with leaders.", ("Tell Us Now", "app")),
        ("Staff use the innovative Talking Tots Durham programme in nurseries.", ("Talking Tots Durham", "programme")),
        ("Support is provided by Barnardo's Futures, a commissioned provider of family support.", ("Barnardo's Futures", "other")),
        ("Inspectors visited Northgate College during the inspection.", ("Northgate College", "college")),
    ],
)
def test_an_unseen_organisation_is_found_from_its_introduction(sentence, expected):
    assert expected in organisations(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The parents' forum is involved at a strategic level.",
        "The 'starting well' public health nursing service is valued.",
        "Parents report that the 'tell it once' strategy is not embedded.",
        "The parent carer forum is a respected and valued strategic partner.",
        "Study programmes commissioned by the CCG are effective.",
    ],
)
def test_generic_services_are_not_named_organisations(sentence):
    assert organisations(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Leaders work with Positive Voices, the parent carer forum, on the strategy.", ("Positive Voices", "parent-carer-forum")),
        ("Families value the support of the national charity Contact in the area.", ("Contact", "charity")),
        ("Help comes from a local charity, Daisy Chain Durham, every week.", ("Daisy Chain Durham", "charity")),
        ("Parent Carers Cornwall has shaped the new strategy.", ("Parent Carers Cornwall", "parent-carer-forum")),
        ("Leaders meet the parent carer forum (Voices4Us) monthly.", ("Voices4Us", "parent-carer-forum")),
    ],
)
def test_other_ways_of_introducing_a_forum_or_charity(sentence, expected):
    assert expected in organisations(sentence)


def test_an_acronym_for_a_generic_forum_is_not_a_name():
    assert organisations("Leaders work with the parent and carers' forum (PCF) on the strategy.") == []


def test_the_entity_patterns_are_valid_spacy_patterns():
    """The pipeline adds them without spaCy's schema check, so it is done here."""
    import spacy

    from sendkg.nlp import area_patterns
    from sendkg.resources import jsonl

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True})
    ruler.add_patterns(area_patterns() + [dict(p) for p in jsonl("patterns/entities.jsonl")])
    assert len(ruler.patterns) > 150  # every local authority at least
