"""The graph: stable IRIs and bytes, one node per real-world thing, provenance for every finding."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import FOAF

from sendkg.pipeline import build
from sendkg.query import run
from sendkg.rdf import SK
from sendkg.write import serialise
from tests.conftest import LETTERS


def test_the_same_input_gives_byte_identical_turtle(corpus_build):
    again = build([LETTERS.parent])
    assert serialise(again.graph) == serialise(corpus_build.graph)


def test_iris_do_not_depend_on_which_documents_are_built_with_it(corpus_build):
    alone = build([LETTERS / "st-helens-2018.txt"], check=False)
    subjects = {s for s in alone.graph.subjects() if "/id/" in str(s)}
    assert subjects <= set(corpus_build.graph.subjects())


def test_a_person_in_two_documents_is_one_node(corpus_build):
    graph = corpus_build.graph
    nodes = set(graph.subjects(FOAF.name, Literal("Simon Mosley")))
    assert len(nodes) == 1
    teams = run(graph, "inspection-team").records()
    assert {r["document"] for r in teams if r["name"] == "Simon Mosley"} == {
        "stoke-on-trent-2016.txt",
        "worcestershire-2018-council-papers.txt",
    }


def test_every_finding_quotes_its_source_span(corpus_build):
    texts = {x.source.name: x.source.text for x in corpus_build.extractions}
    rows = run(corpus_build.graph, "provenance").records()
    assert len(rows) == sum(len(s.items) for x in corpus_build.extractions for s in x.layout.sections)
    for row in rows:
        assert texts[row["document"]][int(row["start"]) : int(row["end"])] == row["exact"]


def test_every_dated_fact_has_a_mention_naming_its_span(corpus_build):
    graph = corpus_build.graph
    about = set(graph.objects(None, SK.aboutProperty))
    assert {SK.startDate, SK.endDate, SK.letterDate, SK.outcome} <= about


def test_the_cc_list_is_recorded_with_its_spans(corpus_build):
    rows = run(
        corpus_build.graph,
        "PREFIX sk: <https://w3id.org/sendkg/ontology#> SELECT ?to WHERE { ?d sk:fileName 'sefton-2019-revisit.txt' ; sk:copiedTo ?to }",
    ).records()
    assert {r["to"] for r in rows} == {
        "Department for Education",
        "Clinical commissioning group",
        "Director Public Health for Sefton",
        "Department of Health and Social Care",
        "NHS England",
    }


def test_each_document_has_its_own_named_graph_in_trig_and_nquads(corpus_build, tmp_path):
    from rdflib import Dataset

    from sendkg.write import load, write

    trig, nquads, turtle = tmp_path / "g.trig", tmp_path / "g.nq", tmp_path / "g.ttl"
    for path in (trig, nquads, turtle):
        write(corpus_build.graph, path, path.suffix.lstrip("."), corpus_build.named)
    dataset = Dataset()
    dataset.parse(nquads, format="nquads")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    documents = {n for n in names if "/graph/document/" in n}
    assert len(documents) == len(corpus_build.extractions)
    assert "https://w3id.org/sendkg/graph/official-statistics" in names
    assert len(load(trig)) == len(load(nquads)) == len(load(turtle))
    assert serialise(corpus_build.graph, "nq", corpus_build.named) == nquads.read_bytes()


def test_a_document_written_straight_to_ntriples_has_the_bytes_of_its_rdflib_graph(corpus_build):
    from sendkg.rdf import document_graph, document_ntriples
    from sendkg.resolve import resolve
    from sendkg.write import ntriples

    entities = resolve(corpus_build.extractions)
    for extraction in corpus_build.extractions:
        assert document_ntriples(extraction, entities) == ntriples(document_graph(extraction, entities)), extraction.source.name
