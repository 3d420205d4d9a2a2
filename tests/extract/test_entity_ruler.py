"""The entity ruler's token patterns run only on the stretches of text that can hold a match
(`nlp.Windowed`), and find exactly what they find over the whole document."""

from __future__ import annotations

import pytest

from sendkg.nlp import Windowed, analysis_text, pipeline


def both(text: str) -> tuple[list, list]:
    nlp = pipeline()
    windowed = nlp.get_pipe("entity_ruler").matcher
    assert isinstance(windowed, Windowed)
    doc = nlp.make_doc(analysis_text(text))
    return sorted(windowed.matcher(doc)), sorted(windowed(doc))


def test_the_windowed_matcher_finds_what_the_whole_document_matcher_finds_in_every_corpus_document(corpus_build):
    found = 0
    for extraction in corpus_build.extractions:
        whole, windowed = both(extraction.layout.source.text)
        assert windowed == whole, extraction.source.path.name
        found += len(whole)
    assert found > 1000


@pytest.mark.parametrize(
    "text",
    [
        "Duties under the Children and Families Act 2014 and the Special Educational Needs and Disability Regulations 2014 apply.",
        "The Equality Act (2010) and the Care Act, and the 2014 Children and Families Act.",
        "Leaders of NHS Northshire and Westvale\nClinical\nCommissioning Group and Northshire CCG met Westvale ICB and\nNorthshire and Westvale Integrated Care Board.",
        "The Unseen Borough Council, the Parent Forum and The Big Lottery Fund met in Northshire.",  # name-like runs with no anchor
        "Act Act Act ICB CCG , , the the and of Regulations 2014 Act 2014 ) Regulations",
        "",
    ],
)
def test_the_windowed_matcher_finds_what_the_whole_document_matcher_finds_in_unseen_text(text):
    whole, windowed = both(text)
    assert windowed == whole
