"""Themes: which SEND topics each finding is about, from the SKOS scheme `ontology/themes.ttl`.

Two kinds of evidence, combined. Every preferred and alternative label of a theme is a phrase
pattern, compared by lemma (so 'EHC plans were issued' matches 'issue EHC plan'); and a small
logistic model per theme, trained on hand-labelled findings (`tests/themes/train.py`, shipped as
`data/themes/model.json`), scores the finding from its words and the labels it matched, each
weighted by how rare it is among the labelled findings (TF-IDF, the finding's vector of unit
length: a long finding's common words then weigh less, which cross-validation by document
preferred to plain presence). A label
match is kept when the model does not find it unlikely (a passing mention is not a theme), and a
theme no label names is kept when the model finds it likely. The matched words and the model's
score are kept as evidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy
from rdflib import Graph
from rdflib.namespace import SKOS
from spacy.attrs import IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, ORTH
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from .model import Extraction, ThemeMatch
from .nlp import pipeline, text_of
from .resources import data_file, folder

THEME_SCHEME = "https://w3id.org/sendkg/code/theme"


@dataclass(frozen=True)
class ThemeModel:
    """One logistic model per theme over `features`, and the two likelihoods a theme needs: with
    a label matched, and without (a theme's own, where the labels had enough examples of it to
    choose them, else the same for all). With `idf`, a feature's value is its inverse document
    frequency over the training findings, the finding's vector scaled to unit length (features
    never seen in training are left out, as in training); without, every feature present is 1."""

    weights: dict[str, dict[str, float]]
    bias: dict[str, float]
    with_words: float
    alone: float
    thresholds: dict[str, tuple[float, float]] = field(default_factory=dict)  # a theme's own (with_words, alone)
    idf: dict[str, float] = field(default_factory=dict)

    def values(self, features: Iterable[str]) -> dict[str, float]:
        present = set(features)
        if not self.idf:
            return dict.fromkeys(sorted(present), 1.0)
        known = {f: self.idf[f] for f in sorted(present) if f in self.idf}
        norm = math.sqrt(sum(v * v for v in known.values())) or 1.0
        return {f: v / norm for f, v in known.items()}

    def scores(self, features: Iterable[str]) -> dict[str, float]:
        """Each theme's likelihood. Each theme's weighted features are summed one at a time in the
        order of the features' names (numpy's `add.accumulate` adds in order, so the figures are
        those of a plain loop and do not depend on the finding's order or the machine)."""
        rows, matrix = self.matrix
        present = [(rows[f], v) for f, v in self.values(features).items() if f in rows]
        sums = [0.0] * len(self.weights)
        if present:
            indexes, values = zip(*present, strict=True)
            sums = numpy.add.accumulate(matrix[list(indexes)] * numpy.array(values)[:, None], axis=0)[-1].tolist()
        return {theme: 1.0 / (1.0 + math.exp(-(self.bias[theme] + total))) for theme, total in zip(self.weights, sums, strict=True)}

    @cached_property
    def matrix(self) -> tuple[dict[str, int], numpy.ndarray]:
        """The weights as a table, a row per feature (by name) and a column per theme; 0 where a
        theme does not weigh a feature, which adds nothing to its sum."""
        names = sorted({feature for weights in self.weights.values() for feature in weights})
        rows = {feature: i for i, feature in enumerate(names)}
        matrix = numpy.zeros((len(names), len(self.weights)))
        for column, weights in enumerate(self.weights.values()):
            for feature, weight in weights.items():
                matrix[rows[feature], column] = weight
        return rows, matrix

    def kept(self, theme: str, matched: bool, score: float | None) -> bool:
        if score is None:
            return matched  # a theme too rare in the labels to model: its labels alone decide
        with_words, alone = self.thresholds.get(theme, (self.with_words, self.alone))
        return score >= (with_words if matched else alone)


@cache
def shipped_model() -> ThemeModel:
    """The model as `tests/themes/train.py --write` ships it: every feature's name once (`features`,
    with its `idf` alongside), a theme's weights as [position in `features`, weight] pairs, so
    the file stays under 1 MB."""
    spec = json.loads(data_file("themes/model.json").read_text(encoding="utf-8"))
    names = spec["features"]
    weights = {theme: {names[i]: w for i, w in pairs} for theme, pairs in spec["weights"].items()}
    thresholds = {theme: tuple(pair) for theme, pair in spec.get("thresholds", {}).items()}
    return ThemeModel(weights, spec["bias"], spec["with_words"], spec["alone"], thresholds, dict(zip(names, spec["idf"])))


def features(doc: Doc, matched: Iterable[str]) -> list[str]:
    """What the model reads of a finding: its lemmas, pairs of adjacent lemmas, and the themes
    whose labels it matched. Stop words are left out (a pair then spans them: 'plan of care' gives
    'plan_care'), which cross-validation over dev documents preferred."""
    strings, lowered = doc.vocab.strings, lowered_lemmas()
    lemmas = []
    for lemma, punct, space, stop in doc.to_array([LEMMA, IS_PUNCT, IS_SPACE, IS_STOP]).tolist():
        if not (punct or space or stop):
            word = lowered.get(lemma)
            if word is None:
                word = lowered[lemma] = strings[lemma].lower()
            lemmas.append(word)
    return sorted({f"w:{w}" for w in lemmas} | {f"b:{a}_{b}" for a, b in zip(lemmas, lemmas[1:])} | {f"m:{t}" for t in matched})


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
    """The texts tokenised, each token with the lemma spaCy's lookup lemmatiser gives it, looked
    up once per distinct word and set on the whole doc at once (`Doc.from_array`)."""
    nlp, lemmatizer, lemmas = pipeline(), lemmatiser(), lemma_ids()
    for doc in nlp.tokenizer.pipe(texts):
        ids = []
        for i, orth in enumerate(doc.to_array(ORTH).tolist()):
            lemma = lemmas.get(orth)
            if lemma is None:  # the lemma the Lemmatizer component would set on the token
                lemma = lemmas[orth] = nlp.vocab.strings.add(lemmatizer.lemmatize(doc[i])[0])
            ids.append(lemma)
        doc.from_array([LEMMA], numpy.array(ids, dtype="uint64"))
        yield doc


@cache
def lowered_lemmas() -> dict[int, str]:
    """Each lemma in lower case, by its id in the pipeline's string store, as they are met."""
    return {}


@cache
def lemma_ids() -> dict[int, int]:
    """Each word's lemma, by their ids in the pipeline's string store, as they are met."""
    return {}


@cache
def matcher() -> PhraseMatcher:
    phrases = PhraseMatcher(pipeline().vocab, attr="LEMMA")
    for theme, labels in theme_labels().items():
        phrases.add(theme, list(lemmatised(label.lower() for label in labels)))
    return phrases


def tag_texts(texts: list[str], model: ThemeModel | None = None) -> list[list[ThemeMatch]]:
    """The themes of each text, in the scheme's order, with the words that matched and the
    model's score."""
    nlp, phrases, model = pipeline(), matcher(), model or shipped_model()
    results = []
    for text, doc in zip(texts, lemmatised(t.lower() for t in texts)):
        found = matched_words(text, doc, nlp, phrases)
        scores = model.scores(features(doc, found))
        themes = sorted(set(found) | set(scores))
        results.append(
            [
                ThemeMatch(theme, tuple(found.get(theme, ())), None if theme not in scores else round(scores[theme], 3))
                for theme in themes
                if model.kept(theme, theme in found, scores.get(theme))
            ]
        )
    return results


def matched_words(text: str, doc: Doc, nlp, phrases: PhraseMatcher) -> dict[str, list[str]]:
    """Each theme whose labels the text matches, with the words as printed (deduplicated)."""
    found: dict[str, list[str]] = {}
    for match_id, start, end in phrases(doc):
        span = doc[start:end]
        words = text[span.start_char : span.end_char] if len(text) == len(text_of(doc)) else span.text
        found.setdefault(nlp.vocab.strings[match_id], []).append(words)
    return {theme: list(dict.fromkeys(words)) for theme, words in found.items()}


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
