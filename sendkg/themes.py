"""Themes: which SEND topics each finding is about, from the SKOS scheme `ontology/themes.ttl`.

Every preferred and alternative label of a theme is a phrase pattern; a finding is about a theme
when one of its labels occurs in it, compared by lemma (so 'EHC plans were issued' matches 'issue
EHC plan'). The words that matched are kept as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from rdflib import Graph
from rdflib.namespace import SKOS
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from .model import Extraction
from .nlp import pipeline
from .resources import folder

THEME_SCHEME = "https://w3id.org/sendkg/code/theme"


@dataclass(frozen=True)
class ThemeMatch:
    theme: str  # the theme's notation, e.g. 'local-offer'
    words: tuple[str, ...]  # the words of the finding that matched its labels


@cache
def scheme() -> Graph:
    return Graph().parse(folder("ontology") / "themes.ttl", format="turtle")


@cache
def theme_labels() -> dict[str, tuple[str, ...]]:
    """Every theme's notation with its labels (preferred and alternative), for the themes a
    finding is tagged with (the most specific ones)."""
    graph = scheme()
    labels: dict[str, tuple[str, ...]] = {}
    for concept, notation in sorted(graph.subject_objects(SKOS.notation)):
        if (concept, SKOS.narrower, None) in graph:
            continue  # a grouping concept ('therapies'): a finding gets its narrower themes
        names = [str(l) for p in (SKOS.prefLabel, SKOS.altLabel) for l in graph.objects(concept, p)]
        labels[str(notation)] = tuple(sorted(set(names)))
    return labels


@cache
def lemmatiser() -> Lemmatizer:
    """spaCy's lookup lemmatiser (tables from spacy-lookups-data), on the tokenizer and vocabulary
    of the entity pipeline rather than a second blank pipeline of its own."""
    lemmatizer = Lemmatizer(pipeline().vocab, model=None, mode="lookup")
    lemmatizer.initialize()
    return lemmatizer


def lemmatised(texts: Iterable[str]) -> Iterator[Doc]:
    nlp, lemmatizer = pipeline(), lemmatiser()
    for doc in nlp.tokenizer.pipe(texts):
        yield lemmatizer(doc)


@cache
def matcher() -> PhraseMatcher:
    phrases = PhraseMatcher(pipeline().vocab, attr="LEMMA")
    for theme, labels in theme_labels().items():
        phrases.add(theme, list(lemmatised(label.lower() for label in labels)))
    return phrases


def tag_texts(texts: list[str]) -> list[list[ThemeMatch]]:
    """The themes of each text, in the scheme's order, with the words that matched."""
    nlp, phrases = pipeline(), matcher()
    results = []
    for text, doc in zip(texts, lemmatised(t.lower() for t in texts)):
        found: dict[str, list[str]] = {}
        for match_id, start, end in phrases(doc):
            span = doc[start:end]
            words = text[span.start_char : span.end_char] if len(text) == len(doc.text) else span.text
            found.setdefault(nlp.vocab.strings[match_id], []).append(words)
        results.append([ThemeMatch(theme, tuple(dict.fromkeys(words))) for theme, words in sorted(found.items())])
    return results


def tag(extractions: list[Extraction]) -> None:
    """Set `extraction.themes`: for each finding (by section, polarity and position) its themes."""
    keys, texts = [], []
    for x in extractions:
        for section in x.layout.sections:
            for number, item in enumerate(section.items, start=1):
                keys.append((x, (section.section, section.polarity, number)))
                texts.append(item.text)
    for (x, key), matches in zip(keys, tag_texts(texts)):
        x.themes[key] = matches
