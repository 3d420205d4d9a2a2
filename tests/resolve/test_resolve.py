"""Entity resolution: candidate matches clustered with networkx, each merge with its reason."""

from __future__ import annotations

from pathlib import Path

from sendkg.model import Extraction, Layout, Mention, Person, Source, Span
from sendkg.query import run
from sendkg.resolve import resolve

SEFTON, STOKE = "E08000014", "E06000021"


def extraction(name: str, mentions: list[Mention], team: list[Person] = ()) -> Extraction:
    source = Source(Path(name), "x" * 100, "0" * 64, "text/plain")
    layout = Layout(source=source, document_kind="letter", framework="2016", body=Span(0, 100))
    return Extraction(layout=layout, mentions=mentions, team=list(team))


def organisation(area: str, name: str, kind: str) -> Mention:
    key = f"{area}/{' '.join(name.lower().split())}"
    return Mention("ORGANISATION", name, Span(0, len(name)), key, kind)


def test_a_forum_named_with_and_without_its_area_is_one_node():
    entities = resolve([
        extraction("a.txt", [organisation(SEFTON, "Sefton Parent Carer Forum", "parent-carer-forum")]),
        extraction("b.txt", [organisation(SEFTON, "Parent Carer Forum", "parent-carer-forum")]),
    ])
    merged = {e for e in entities.values() if e.label == "ORGANISATION"}
    assert len(merged) == 1
    [entity] = merged
    assert "with and without the area's name" in entity.merges[0][2]


def test_an_acronym_and_its_expansion_in_one_area_are_one_node_but_not_across_areas():
    long = "Special Educational Needs and Disabilities Information, Advice and Support Service"
    entities = resolve([
        extraction("a.txt", [organisation(SEFTON, "SENDIASS", "information-advice-and-support-service")]),
        extraction("b.txt", [organisation(SEFTON, long, "information-advice-and-support-service")]),
        extraction("c.txt", [organisation(STOKE, "SENDIASS", "information-advice-and-support-service")]),
    ])
    organisations = {e for e in entities.values() if e.label == "ORGANISATION"}
    assert len(organisations) == 2
    sefton = next(e for e in organisations if len(e.forms) == 2)
    assert sefton.merges == (("SENDIASS", long, "an acronym of the other name, in the same area"),)


def test_the_same_charity_in_two_areas_is_one_node():
    entities = resolve([
        extraction("a.txt", [organisation(SEFTON, "Action for Children", "charity")]),
        extraction("b.txt", [organisation(STOKE, "Action for Children", "charity")]),
    ])
    assert len({e for e in entities.values() if e.label == "ORGANISATION"}) == 1


def test_an_inspector_in_several_documents_is_one_person_with_dated_roles(corpus_build):
    rows = [r for r in run(corpus_build.graph, "people").records() if r["name"] == "Simon Mosley"]
    assert [(r["date"], r["role"]) for r in rows] == [
        ("2016-09-08", "HMI Lead Inspector"),
        ("2018-05-03", "Her Majesty's Inspector"),
    ]
