"""The pipeline's tokeniser (`nlp.ChunkCachedTokenizer`) caches every chunk of a text, and gives
exactly the tokens spaCy's own tokeniser gives."""

from __future__ import annotations

import pytest
import spacy

from sendkg.nlp import TEXT, ChunkCachedTokenizer, analysis_text, pipeline


def tokens(doc) -> list[tuple[str, int, str]]:
    return [(t.text, t.idx, t.whitespace_) for t in doc]


def test_the_cached_tokeniser_gives_spacys_tokens_for_every_corpus_document(corpus_build):
    plain = spacy.blank("en").tokenizer
    tokenizer = pipeline().tokenizer
    assert isinstance(tokenizer, ChunkCachedTokenizer)
    for extraction in corpus_build.extractions:
        text = analysis_text(extraction.layout.source.text)
        doc = tokenizer(text)
        assert tokens(doc) == tokens(plain(text)), extraction.source.path.name
        assert doc.user_data[TEXT] == doc.text == text


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith (HMI) and Dr. Jones' team: e.g. the U.K.'s 0-25 SEND offer... don't, can't, won't :) 10am–5pm.",
        "children, children; (children) children.\n\n\tchildren—'children' “children”",
        "a.m. a.m. a.m.",
        "",
        " \n ",
    ],
)
def test_the_cached_tokeniser_gives_spacys_tokens_for_special_cases_and_repeated_chunks(text):
    plain = spacy.blank("en").tokenizer
    cached = ChunkCachedTokenizer(spacy.blank("en").tokenizer)
    for _ in range(2):  # the second time from the cache
        assert tokens(cached(text)) == tokens(plain(text))
