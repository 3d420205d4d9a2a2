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


@pytest.mark.parametrize("name", ["team", "addressees", "health_bodies", "named_organisations", "statutes"])
def test_lists_reach_f1_of_0_95_over_the_corpus(name, records, found):
    score = list_scores(records, found)[name]
    misses = [m for m in list_misses(records, found) if m.field.startswith(name)]
    assert score.f1 >= 0.95, misses
