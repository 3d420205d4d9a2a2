"""The spaCy pipeline: `spacy.blank("en")`, an EntityRuler and one registered component.

Patterns are data (`data/patterns/*.jsonl`); local areas come from the reference table of all
English local authorities. No model is downloaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache

import numpy
import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from .gazetteer import local_authorities
from .resources import jsonl

TITLE = r"[A-Z][\w'’&\-]*(?:[ \n](?:(?:and|for|of|in|the|&)[ \n])?[A-Z][\w'’\-]*)*"

TEXT = "sendkg_text"  # a Doc's key in user_data for the text it was made from

if not Span.has_extension("sendkg_kind"):
    Span.set_extension("sendkg_kind", default=None)
    Span.set_extension("sendkg_body", default=None)


def analysis_text(text: str) -> str:
    """The text spaCy sees, offsets equal to the source's: markdown emphasis (* and **) becomes spaces. Tabs (a
    column break) stay, and no pattern crosses one, so no name runs from one table cell into the next."""
    return text.replace("*", " ")


def compile_patterns(name: str) -> list[tuple[re.Pattern, dict]]:
    return [(re.compile(p["pattern"].replace("{TITLE}", TITLE)), p) for p in jsonl(name)]


@Language.factory("sendkg_introductions")
def make_introductions(nlp: Language, name: str) -> "Introductions":
    return Introductions()


class Introductions:
    """Finds named organisations and inspectors from how the text introduces them.

    An organisation is 'the parent carer forum, X', 'the local charity X', 'X (parent and carer
    organisation)', 'the X app', an acronym defined in brackets after 'information, advice and
    support service', and so on (`organisations.jsonl`); an unseen forum or charity is found the same way.
    """

    def __init__(self) -> None:
        self.organisations = compile_patterns("patterns/organisations.jsonl")
        self.types = [(re.compile(t["pattern"], re.I), t["type"]) for t in jsonl("patterns/org-types.jsonl")]
        self.excluded = [re.compile(x["pattern"], re.I) for x in jsonl("patterns/not-organisations.jsonl")]
        self.people = compile_patterns("patterns/people.jsonl")

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        doc.spans["organisations"] = self.find_organisations(doc, text)
        doc.spans["people"] = self.find_people(doc, text)
        return doc

    def find_organisations(self, doc: Doc, text: str) -> list[Span]:
        found: dict[tuple[int, int], Span] = {}
        for pattern, spec in self.organisations:
            for match in pattern.finditer(text):
                start, end = match.span("name")
                name = text[start:end].strip(" ,'’\"”")
                if not name or any(x.search(name) for x in self.excluded):
                    continue
                span = doc.char_span(start, start + len(name), label="ORGANISATION", alignment_mode="expand")
                if span is None:
                    continue
                kind = spec.get("type") or self.type_of(match.groupdict().get("desc") or "")
                known = found.get((span.start_char, span.end_char))
                if known is not None and known._.sendkg_kind != "other":
                    continue  # the same name found again; a specific type ('forum') beats 'other'
                span._.sendkg_kind = kind
                found[(span.start_char, span.end_char)] = span
        return sorted(filter_spans(found.values()), key=lambda span: span.start_char)

    def type_of(self, description: str) -> str:
        description = " ".join(description.split())
        return next((code for pattern, code in self.types if pattern.search(description)), "other")

    def find_people(self, doc: Doc, text: str) -> list[Span]:
        spans = []
        for pattern, spec in self.people:
            for match in pattern.finditer(text):
                span = doc.char_span(*match.span("name"), label="PERSON", alignment_mode="expand")
                if span is not None:
                    span._.sendkg_kind = spec.get("role")
                    body = match.group("body")
                    span._.sendkg_body = "Ofsted" if "ofsted" in body.lower() else "CQC"
                    spans.append(span)
        return spans


def area_patterns() -> list[dict]:
    return [
        {"label": "LOCAL_AREA", "pattern": variant, "id": la.key}
        for la in local_authorities()
        for variant in la.variants
    ]


@cache
def pipeline() -> Language:
    """Built once per process."""
    nlp = spacy.blank("en")
    # spaCy refuses texts over a million characters to bound the memory of parsers this pipeline
    # does not have (tokeniser and rules only); the size of what is read is bounded instead.
    nlp.max_length = 10**9
    nlp.tokenizer = ChunkCachedTokenizer(nlp.tokenizer)
    ruler = nlp.add_pipe("entity_ruler")  # the patterns are checked by the tests, not at every start
    token_patterns = [dict(p) for p in jsonl("patterns/entities.jsonl")]
    ruler.add_patterns(area_patterns() + token_patterns)
    if all(windowable(p["pattern"]) for p in token_patterns):
        ruler.matcher = Windowed(ruler.matcher, [p["pattern"] for p in token_patterns], nlp.vocab)
    nlp.add_pipe("sendkg_introductions")
    return nlp


def text_of(doc: Doc) -> str:
    """The text a Doc was made from: kept by `ChunkCachedTokenizer`, as `doc.text` rebuilds it
    from the tokens on every access."""
    return doc.user_data.get(TEXT) or doc.text


class ChunkCachedTokenizer:
    """spaCy's tokeniser, with every chunk of a text (a run without whitespace) in its cache.

    The tokeniser caches how it split each chunk, but within one text only until the first
    special case it meets ("See #1250" in spaCy's tokenizer.pyx): a document meets one in its first
    lines, so hardly anything of a long document is cached, and every 'children,' is split again,
    in every document. Each chunk not seen before is first tokenised alone (a text of its own,
    where it is cached unless it holds a special case); the text then finds its chunks in the
    cache. The tokens are the tokeniser's own, and come six times faster."""

    def __init__(self, tokenizer: Tokenizer, capacity: int = 500_000) -> None:
        self.tokenizer = tokenizer
        self.tokenizer.max_cache_size = capacity  # spaCy's default, 10,000, is a few documents' chunks
        self.seen: set[str] = set()

    def __call__(self, text: str) -> Doc:
        if len(self.seen) < self.tokenizer.max_cache_size:
            new = set(text.split()) - self.seen
            for chunk in new:
                self.tokenizer(chunk)
            self.seen |= new
        doc = self.tokenizer(text)
        doc.user_data[TEXT] = text  # the text the tokens were made from, kept rather than rebuilt
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)


# What a token pattern may ask of a token for `Windowed`: properties of the word alone, the same
# wherever it stands (not NORM, which the tokeniser may set for one occurrence).
WORD_ATTRIBUTES = {"ORTH", "TEXT", "LOWER", "SHAPE", "LENGTH", "PREFIX", "SUFFIX", "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE", "LIKE_NUM"}
REQUIRED = {None, "1", "+"}  # a token spec with one of these operators is in every match


def windowable(pattern: list[dict]) -> bool:
    return all(set(spec) - {"OP"} <= WORD_ATTRIBUTES for spec in pattern) and any(spec.get("OP") in REQUIRED for spec in pattern)


def without_op(spec: dict) -> dict:
    return {k: v for k, v in spec.items() if k != "OP"}


class Windowed:
    """The entity ruler's token Matcher run only on the stretches of a document that can hold a
    match, with the same matches as over the whole document.

    The health-body and statute patterns open with 'one or more name-like words', so the Matcher
    over a whole document keeps a partial match alive from every name-like word ('the', a comma,
    a capitalised word) for every pattern, most of its time. Each token of a match satisfies one of
    the patterns' token specs, and each match holds a token that satisfies its pattern's anchor (a
    required spec, a literal word where there is one: 'act', 'ICB'); so every match lies in a run of
    tokens each satisfying some spec, a run holding an anchor, and the Matcher is run on those runs
    alone. Whether a word satisfies a spec depends on the word alone (`windowable`), so it is
    worked out once per word, by Matchers of one-token patterns on a one-word doc."""

    def __init__(self, matcher: Matcher, patterns: list[list[dict]], vocab: Vocab) -> None:
        self.matcher, self.vocab = matcher, vocab
        self.specs, self.anchors = Matcher(vocab), Matcher(vocab)
        for spec in {json.dumps(without_op(spec), sort_keys=True) for p in patterns for spec in p}:
            self.specs.add("spec", [[json.loads(spec)]])
        for pattern in patterns:
            required = [without_op(spec) for spec in pattern if spec.get("OP") in REQUIRED]
            literal = [s for s in required if set(s) <= {"ORTH", "LOWER"} and all(isinstance(v, str) or set(v) == {"IN"} for v in s.values())]
            self.anchors.add("anchor", [[(literal or required)[0]]])
        self.words: dict[int, tuple[bool, bool]] = {}  # a word's id: (satisfies a spec, is an anchor)

    def __call__(self, doc: Doc | Span, **kwargs) -> list[tuple[int, int, int]]:
        if kwargs or not isinstance(doc, Doc):
            return self.matcher(doc, **kwargs)
        found = []
        for start, end in self.windows(doc):
            found += [(match_id, start + s, start + e) for match_id, s, e in self.matcher(doc[start:end])]
        return found

    def windows(self, doc: Doc) -> Iterator[tuple[int, int]]:
        """The runs of tokens that each satisfy a spec and that hold an anchor, each distinct word
        asked about once (numpy spreads the answers over the tokens)."""
        orths = doc.to_array(ORTH)
        if not len(orths):
            return
        distinct, where = numpy.unique(orths, return_inverse=True)
        known = numpy.array([self.word(orth) for orth in distinct.tolist()], dtype=bool).reshape(-1, 2)[where.reshape(-1)]
        edges = numpy.diff(numpy.concatenate(([0], known[:, 0].astype(numpy.int8), [0])))
        anchors = numpy.concatenate(([0], numpy.cumsum(known[:, 1])))
        for start, end in zip(numpy.flatnonzero(edges == 1).tolist(), numpy.flatnonzero(edges == -1).tolist()):
            if anchors[end] > anchors[start]:
                yield start, end

    def word(self, orth: int) -> tuple[bool, bool]:
        known = self.words.get(orth)
        if known is None:
            alone = Doc(self.vocab, words=[self.vocab.strings[orth]], spaces=[False])
            known = self.words[orth] = (bool(self.specs(alone)), bool(self.anchors(alone)))
        return known


def analyse(texts: Iterable[str]) -> Iterator[Doc]:
    """Run documents through `nlp.pipe`, one Doc per text, offsets equal to the text's."""
    yield from pipeline().pipe(analysis_text(t) for t in texts)
