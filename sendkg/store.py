"""An embedded, persistent triple store (pyoxigraph, the Oxigraph engine) that `sendkg build
--store` fills and `sendkg query --store` reads, so queries do not re-parse Turtle.

The store holds the same named graphs as the N-Quads output: one per document, the official
statistics, and the shared graph; queries see their union.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .query import Table, query_text
from .write import serialise, shared_part


def fill(path: Path, graph: Graph, named: dict[URIRef, Graph]) -> int:
    """Bring the store to the graph, touching only what changed: a named graph that is no longer
    built is removed, a new one added, one already there (same document bytes, same IRI) kept;
    the shared graph is replaced. Returns the number of quads."""
    store = ox.Store(str(path))
    wanted = {ox.NamedNode(str(identifier)) for identifier in named}
    for present in list(store.named_graphs()):
        if present not in wanted:
            store.remove_graph(present)
    store.clear_graph(ox.DefaultGraph())
    new = {identifier: part for identifier, part in named.items() if not store.contains_named_graph(ox.NamedNode(str(identifier)))}
    store.bulk_load(serialise(shared_part(graph, named), "nt"), ox.RdfFormat.N_TRIPLES)
    for identifier, part in sorted(new.items()):
        store.bulk_load(serialise(part, "nt"), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(identifier)))
    store.flush()
    return len(store)


def term(value: str) -> ox.NamedNode | ox.Literal:
    return ox.NamedNode(value) if value.startswith(("http://", "https://")) else ox.Literal(value)


def text_of(value) -> str:
    return "" if value is None else value.value


def run(path: Path, query: str, params: dict[str, str] | None = None) -> Table:
    """A bundled query's name, a .rq file or SPARQL, answered by the store (read-only)."""
    store = ox.Store.read_only(str(path))
    substitutions = {ox.Variable(name): term(value) for name, value in (params or {}).items()}
    solutions = store.query(query_text(query), use_default_graph_as_union=True, substitutions=substitutions)
    columns = tuple(v.value for v in solutions.variables)
    rows = tuple(tuple(text_of(solution[name]) for name in columns) for solution in solutions)
    return Table(columns, rows)
