"""The graph's answers to the bundled queries agree with the hand-checked gold facts."""

from __future__ import annotations

import pytest

from tests.acceptance.compare import answers, gold, list_misses, list_scores, scalar_mismatches


@pytest.fixture(scope="module")
def found(corpus_build):
    return answers(corpus_build.graph)


@pytest.fixture(scope="module")
def records(corpus_build):
    return gold({x.source.name for x in corpus_build.extractions})


def test_every_gold_document_is_built(corpus_build):
    built = {x.source.name for x in corpus_build.extractions}
    assert set(gold()) == built
    assert corpus_build.failures == []


def test_graph_conforms_to_shapes(corpus_build):
    assert corpus_build.report.conforms, str(corpus_build.report)


@pytest.mark.parametrize("document", sorted(gold()))
def test_scalar_fields_and_counts_match_exactly(document, records, found):
    assert scalar_mismatches(records[document], found) == []


# Named organisations are measured on documents the model was not trained on in
# tests/organisations/test_quality.py; this is the figure on the documents it was trained on.
FLOORS = {"team": 0.98, "addressees": 0.98, "health_bodies": 0.98, "statutes": 0.98, "named_organisations": 0.80}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_lists_reach_their_f1_over_the_corpus(name, records, found):
    score = list_scores(records, found)[name]
    misses = [m for m in list_misses(records, found) if m.field.startswith(name)]
    assert score.f1 >= FLOORS[name], misses
