"""Each SHACL shape catches the break it is there for."""

from __future__ import annotations

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, PROV

from sendkg.rdf import OA, SK
from sendkg.validate import validate


def first(graph: Graph, cls: URIRef) -> URIRef:
    return sorted(graph.subjects(RDF.type, cls))[0]


def remove_all(graph: Graph, subject, predicate) -> None:
    for o in list(graph.objects(subject, predicate)):
        graph.remove((subject, predicate, o))


def inspection(g):
    return first(g, SK.Revisit)


BREAKS = {
    "inspection without a local area": lambda g: remove_all(g, inspection(g), SK.localArea),
    "inspection with two local areas": lambda g: g.add((inspection(g), SK.localArea, first(g, SK.LocalArea) + "-other"))
    or g.add((first(g, SK.LocalArea) + "-other", RDF.type, SK.LocalArea)),
    "inspection ending before it starts": lambda g: (
        remove_all(g, inspection(g), SK.endDate),
        g.add((inspection(g), SK.endDate, Literal("2001-01-01", datatype=XSD.date))),
    ),
    "inspection without a lead inspector": lambda g: remove_all(g, inspection(g), SK.leadInspector),
    "inspection without a source document": lambda g: [g.remove((d, SK.describes, inspection(g))) for d in list(g.subjects(SK.describes, inspection(g)))],
    "finding without text": lambda g: remove_all(g, first(g, SK.Finding), SK.text),
    "finding without a kind": lambda g: remove_all(g, first(g, SK.Finding), SK.polarity),
    "finding without a section": lambda g: remove_all(g, first(g, SK.Finding), SK.section),
    "finding without a span": lambda g: remove_all(g, first(g, SK.Finding), SK.evidence),
    "span ending before it starts": lambda g: (
        remove_all(g, first(g, OA.TextPositionSelector), OA.end),
        g.add((first(g, OA.TextPositionSelector), OA.end, Literal(0, datatype=XSD.nonNegativeInteger))),
    ),
    "span offset that is not a number": lambda g: g.set((first(g, OA.TextPositionSelector), OA.start, Literal("ten"))),
    "span offset below zero": lambda g: g.set((first(g, OA.TextPositionSelector), OA.start, Literal(-1, datatype=XSD.integer))),
    "span without quoted text": lambda g: remove_all(g, first(g, OA.TextQuoteSelector), OA.exact),
    "document without a digest": lambda g: g.set((first(g, SK.RevisitLetter), SK.sha256, Literal("not a digest"))),
    "document without a file name": lambda g: remove_all(g, first(g, SK.RevisitLetter), SK.fileName),
    "membership without a person": lambda g: remove_all(g, first(g, ORG.Membership), ORG.member),
    "person with an honorific": lambda g: g.set((first(g, FOAF.Person), FOAF.name, Literal("Mr Jonathan Jones"))),
    "finding not derived from a document": lambda g: remove_all(g, first(g, SK.Finding), PROV.wasDerivedFrom),
    "outcome outside the code list": lambda g: g.add((inspection(g), SK.outcome, URIRef("https://w3id.org/sendkg/code/outcome/excellent"))),
    "weakness with two verdicts": lambda g: g.add((first(g, SK.SignificantWeakness), SK.progress, URIRef("https://w3id.org/sendkg/code/progress/sufficient"))),
    "local area with a bad GSS code": lambda g: g.set((first(g, SK.LocalArea), SK.gssCode, Literal("W06000001x"))),
    "theme match without evidence": lambda g: [remove_all(g, first(g, SK.ThemeMatch), p) for p in (SK.matchedWords, SK.likelihood)],
    "likelihood above one": lambda g: g.set((first(g, SK.ThemeMatch), SK.likelihood, Literal("1.5", datatype=XSD.decimal))),
}


def broken(graph: Graph, name: str) -> Graph:
    """A copy of the graph with one break made in it."""
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    BREAKS[name](copy)
    return copy


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_a_broken_graph_is_caught(small_graph, name):
    report = validate(broken(small_graph, name))
    assert not report.conforms, name
    assert all(v.focus and v.message for v in report.violations)
