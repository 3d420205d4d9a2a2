"""An embedded, persistent triple store (pyoxigraph, the Oxigraph engine) that `sendkg build
--store` fills and `sendkg query --store` reads, so queries do not re-parse Turtle.

The store holds the same named graphs as the N-Quads output: one per document, the official
statistics, and the shared graph; queries see their union.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .query import Table, query_text
from .write import digests, format_for, in_graph, ntriples, write_atomic


DIGESTS = "sendkg-graphs.json"  # beside Oxigraph's own files: what each named graph held when loaded


def fill(path: Path, shared: Graph, parts: Mapping[URIRef, bytes]) -> int:
    """Bring the store to the build, touching only what changed: a named graph that is no longer
    built is removed, a new or changed one (re-extracted, or naming an entity whose IRI changed)
    replaced, one whose triples are the same kept; the shared graph is replaced. Returns the
    number of quads."""
    store = ox.Store(str(path))
    digests_file = Path(path) / DIGESTS
    loaded = json.loads(digests_file.read_text()) if digests_file.is_file() else {}
    wanted = {str(identifier): digest for identifier, digest in digests(parts).items()}
    for present in list(store.named_graphs()):
        if loaded.get(present.value) != wanted.get(present.value):
            store.remove_graph(present)
    store.clear_graph(ox.DefaultGraph())
    store.bulk_load(ntriples(shared), ox.RdfFormat.N_TRIPLES)
    new = [i for i in sorted(parts) if not store.contains_named_graph(ox.NamedNode(str(i)))]
    if new:
        store.bulk_load(b"".join(in_graph(parts[i], i) for i in new), ox.RdfFormat.N_QUADS)
    store.flush()
    write_atomic(json.dumps(wanted, sort_keys=True, indent=0).encode(), digests_file)
    return len(store)


def term(value: str) -> ox.NamedNode | ox.Literal:
    return ox.NamedNode(value) if value.startswith(("http://", "https://")) else ox.Literal(value)


def text_of(value) -> str:
    return "" if value is None else value.value


OXIGRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}


def open_store(location: Path) -> ox.Store:
    """A store to query: an on-disk store (a folder built with `build --store`) opened read-only,
    or a graph file (TriG, N-Quads, Turtle, N-Triples) loaded into memory, where lookups are an
    order of magnitude faster than on disk, at the cost of loading it at start."""
    location = Path(location)
    if location.is_dir():
        return ox.Store.read_only(str(location))
    fmt = OXIGRAPH_FORMATS.get(format_for(location))
    if fmt is None:
        raise ValueError(f"{location}: a store folder or a TriG, N-Quads, Turtle or N-Triples file")
    store = ox.Store()
    store.bulk_load(path=str(location), format=fmt)
    return store


def run(location: Path | ox.Store, query: str, params: dict[str, str] | None = None) -> Table:
    """A bundled query's name, a .rq file or SPARQL, answered by the store (read-only): an open
    store, or a location for `open_store`."""
    store = location if isinstance(location, ox.Store) else open_store(location)
    substitutions = {ox.Variable(name): term(value) for name, value in (params or {}).items()}
    solutions = store.query(query_text(query), use_default_graph_as_union=True, substitutions=substitutions)
    columns = tuple(v.value for v in solutions.variables)
    rows = tuple(tuple(text_of(solution[name]) for name in columns) for solution in solutions)
    return Table(columns, rows)
