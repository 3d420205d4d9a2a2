"""The spaCy pipeline: `spacy.blank("en")`, an EntityRuler and one registered component.

Patterns are data (`data/patterns/*.jsonl`); local areas come from the reference table of all
English local authorities. No model is downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .gazetteer import local_authorities
from .resources import jsonl

TITLE = r"[A-Z][\w'’&\-]*(?:[ \n](?:(?:and|for|of|in|the|&)[ \n])?[A-Z][\w'’\-]*)*"

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
        text = doc.text  # rebuilt from the tokens on every access, so asked once
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
    ruler = nlp.add_pipe("entity_ruler")  # the patterns are checked by the tests, not at every start
    ruler.add_patterns(area_patterns() + [dict(p) for p in jsonl("patterns/entities.jsonl")])
    nlp.add_pipe("sendkg_introductions")
    return nlp


def analyse(texts: Iterable[str]) -> Iterator[Doc]:
    """Run documents through `nlp.pipe`, one Doc per text, offsets equal to the text's."""
    yield from pipeline().pipe(analysis_text(t) for t in texts)
