"""The embedded Oxigraph store answers the bundled queries as rdflib does over the file."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import RDFS, Graph, Literal, URIRef

from sendkg.query import bundled, load_query
from sendkg.query import run as rdflib_run
from sendkg.store import fill, open_store
from sendkg.store import run as store_run
from sendkg.validate import ENGINES, validate
from sendkg.write import ntriples, serialise_parts, write_atomic
from tests.engines import as_numbers



@pytest.fixture(scope="module")
def store(corpus_build, tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "store"
    quads = fill(path, corpus_build.shared_lines, corpus_build.parts)
    assert quads == len(ox.Store.read_only(str(path))) > len(corpus_build.graph) // 2  # counted as loaded, not by a scan
    return path


@pytest.mark.parametrize("name", sorted(bundled()))
def test_every_bundled_query_answers_the_same_from_the_store(corpus_build, store, name):
    params = load_query(name).example
    expected = rdflib_run(corpus_build.graph, name, params)
    found = store_run(store, name, params)
    assert found.columns == expected.columns
    assert as_numbers(found.rows) == as_numbers(expected.rows)


def test_a_trig_file_loaded_into_memory_answers_as_the_store_does(corpus_build, store, tmp_path):
    path = tmp_path / "sendkg.trig"
    write_atomic(serialise_parts(corpus_build.shared_lines, corpus_build.parts, "trig"), path)
    memory = open_store(path)
    assert len(memory) == len(open_store(store))
    for name in ("inspections", "findings", "areas-by-theme"):
        assert sorted(store_run(memory, name, load_query(name).example).rows) == sorted(store_run(store, name, load_query(name).example).rows)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_graph_read_back_from_the_store_still_conforms_to_the_shapes(store, engine):
    """Oxigraph gives an xsd:nonNegativeInteger back as an xsd:integer; the shapes accept both."""
    read_back = ox.Store.read_only(str(store))
    triples = b"".join(sorted({f"{quad.triple} .\n".encode() for quad in read_back}))
    assert b"XMLSchema#nonNegativeInteger" not in triples and b"XMLSchema#integer" in triples
    assert validate(triples, engine).conforms


def test_a_file_that_is_no_graph_cannot_be_opened_as_a_store(tmp_path):
    path = tmp_path / "notes.jsonld"
    path.write_text("{}")
    with pytest.raises(ValueError, match="notes.jsonld"):
        open_store(path)


def test_the_shared_graph_is_reloaded_only_when_it_changes(corpus_build, tmp_path):
    """A marker put into the store's default graph by hand survives a fill with the same shared
    graph (it was not reloaded) and is gone after a fill with a changed one, which is loaded whole."""
    path = tmp_path / "store"
    fill(path, corpus_build.shared_lines, corpus_build.parts)
    marker = ox.Quad(ox.NamedNode("https://example.org/marker"), ox.NamedNode("https://example.org/p"), ox.Literal("x"))
    oxigraph = ox.Store(str(path))
    oxigraph.add(marker)
    del oxigraph
    fill(path, corpus_build.shared_lines, corpus_build.parts)
    assert marker in ox.Store.read_only(str(path))
    changed = Graph() + corpus_build.shared
    changed.add((URIRef("https://example.org/new"), RDFS.label, Literal("new")))
    quads = fill(path, ntriples(changed), corpus_build.parts)
    after = ox.Store.read_only(str(path))
    assert marker not in after
    assert quads == len(after) == len(changed) + sum(len(part.splitlines()) for part in corpus_build.parts.values())
