"""An embedded, persistent triple store (pyoxigraph, the Oxigraph engine) that `sendkg build
--store` fills and `sendkg query --store` reads, so queries do not re-parse Turtle.

The store holds the same named graphs as the N-Quads output: one per document, the official
statistics, and the shared graph; queries see their union.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .query import Table, query_text
from .write import in_graph, ntriples, write_atomic


DIGESTS = "sendkg-graphs.json"  # beside Oxigraph's own files: what each named graph held when loaded


def fill(path: Path, shared: Graph, parts: dict[URIRef, bytes]) -> int:
    """Bring the store to the build, touching only what changed: a named graph that is no longer
    built is removed, a new or changed one (re-extracted, or naming an entity whose IRI changed)
    replaced, one whose triples are the same kept; the shared graph is replaced. Returns the
    number of quads."""
    store = ox.Store(str(path))
    digests_file = Path(path) / DIGESTS
    loaded = json.loads(digests_file.read_text()) if digests_file.is_file() else {}
    wanted = {str(identifier): hashlib.sha256(part).hexdigest() for identifier, part in parts.items()}
    for present in list(store.named_graphs()):
        if loaded.get(present.value) != wanted.get(present.value):
            store.remove_graph(present)
    store.clear_graph(ox.DefaultGraph())
    store.bulk_load(ntriples(shared), ox.RdfFormat.N_TRIPLES)
    new = [(i, part) for i, part in sorted(parts.items()) if not store.contains_named_graph(ox.NamedNode(str(i)))]
    if new:
        store.bulk_load(b"".join(in_graph(part, i) for i, part in new), ox.RdfFormat.N_QUADS)
    store.flush()
    write_atomic(json.dumps(wanted, sort_keys=True, indent=0).encode(), digests_file)
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
