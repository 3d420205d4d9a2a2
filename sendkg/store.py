"""An embedded, persistent triple store (pyoxigraph, the Oxigraph engine) that `sendkg build
--store` fills and `sendkg query --store` reads, so queries do not re-parse Turtle.

The store holds the same named graphs as the TriG and N-Quads outputs and a `sendkg load`: one per
document, the official statistics, and the shared graph `https://w3id.org/sendkg/graph`; its
default graph is empty, and queries see the union of the named graphs as their default graph.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from .query import Answer, QueryError, Result, Table, Triples, load_query
from .write import DEFAULT_GRAPH, digests, format_for, in_graph, write_atomic

DIGESTS = "sendkg-graphs.json"  # beside Oxigraph's own files: what each named graph held when loaded
SHARED = str(DEFAULT_GRAPH)


def fill(path: Path, shared: bytes, parts: Mapping[URIRef, bytes]) -> int:
    """Bring the store to the build (the shared graph and the named graphs, as sorted N-Triples:
    `Build.shared_lines` and `Build.parts`), touching only what changed: a named graph that is no
    longer built is removed, a new or changed one (re-extracted, or naming an entity whose IRI
    changed) replaced, one whose triples are the same kept; so is the shared graph. Returns the
    number of quads the build's graphs hold, counted as each is loaded (counting the store takes
    longer than bringing it up to date after one change)."""
    store = ox.Store(str(path))
    digests_file = Path(path) / DIGESTS
    loaded = recorded(digests_file)
    wanted = {str(identifier): digest for identifier, digest in digests(parts).items()}
    wanted[SHARED] = hashlib.sha256(shared).hexdigest()
    for present in list(store.named_graphs()):
        if loaded.get(present.value, ("", 0))[0] != wanted.get(present.value):
            store.remove_graph(present)
            loaded.pop(present.value, None)
    if loaded.get(SHARED, ("", 0))[0] != wanted[SHARED]:
        loaded.pop(SHARED, None)
        remember(digests_file, loaded)  # forgotten first: a load cut short is then redone next time
        store.clear_graph(ox.DefaultGraph())  # where stores made before the shared graph was named kept it
        shared_graph = ox.NamedNode(SHARED)
        if store.contains_named_graph(shared_graph):
            store.remove_graph(shared_graph)
        store.bulk_load(in_graph(shared, DEFAULT_GRAPH), ox.RdfFormat.N_QUADS)
        loaded[SHARED] = (wanted[SHARED], shared.count(b"\n"))
    new = [i for i in sorted(parts) if not store.contains_named_graph(ox.NamedNode(str(i)))]
    for quads, counts in in_runs(new, parts):
        store.bulk_load(quads, ox.RdfFormat.N_QUADS)
        loaded.update((str(i), (wanted[str(i)], n)) for i, n in counts.items())
    store.flush()
    held = {identifier: loaded[identifier] for identifier in wanted}
    remember(digests_file, held)
    return sum(quads for _, quads in held.values())


def recorded(digests_file: Path) -> dict[str, tuple[str, int]]:
    """What each named graph held when it was loaded: its digest and its number of quads (an
    entry written before the count was kept reads as unknown, and its graph is loaded again)."""
    entries = json.loads(digests_file.read_text()) if digests_file.is_file() else {}
    return {identifier: tuple(entry) for identifier, entry in entries.items() if isinstance(entry, list) and len(entry) == 2}


def remember(digests_file: Path, entries: dict[str, tuple[str, int]]) -> None:
    write_atomic(json.dumps(entries, sort_keys=True, indent=0).encode(), digests_file)


RUN_BYTES = 8 * 2**20


def in_runs(identifiers: list[URIRef], parts: Mapping[URIRef, bytes]) -> Iterator[tuple[bytes, dict[URIRef, int]]]:
    """The named graphs as N-Quads, in runs of about `RUN_BYTES`, with the number of quads of
    each. Oxigraph's bulk loader holds what it is given in memory several times over while it
    sorts it: 1.9 GB for the 370 MB of a 1,000-document build in one load, 0.4 GB in runs of this
    size, in the same time."""
    pending: list[bytes] = []
    counts: dict[URIRef, int] = {}
    size = 0
    for identifier in identifiers:
        pending.append(in_graph(parts[identifier], identifier))
        counts[identifier] = pending[-1].count(b"\n")
        size += len(pending[-1])
        if size >= RUN_BYTES:
            yield b"".join(pending), counts
            pending, counts, size = [], {}, 0
    if pending:
        yield b"".join(pending), counts


OXIGRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}


def open_store(location: Path) -> ox.Store:
    """A store to query: an on-disk store (a folder built with `build --store`) opened read-only,
    or a graph file (TriG, N-Quads, Turtle, N-Triples) loaded into memory, where lookups are an
    order of magnitude faster than on disk, at the cost of loading it at start."""
    location = Path(location)
    if location.is_dir():
        return ox.Store.read_only(str(location))
    fmt = OXIGRAPH_FORMATS.get(format_for(location))
    if fmt is None:
        raise ValueError(f"{location}: not a store folder, nor a TriG, N-Quads, Turtle or N-Triples file")
    store = ox.Store()
    try:
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            store.bulk_load(path=str(location), format=fmt)
        else:  # one graph: the shared graph, as a build would have named it
            store.bulk_load(path=str(location), format=fmt, to_graph=ox.NamedNode(SHARED))
    except (SyntaxError, ValueError) as error:
        raise ValueError(f"{location}: not a readable graph ({str(error).splitlines()[0]})") from None
    if not len(store):
        raise ValueError(f"{location}: holds no triples")
    return store


def run(location: Path | ox.Store, query: str, params: dict[str, str] | None = None) -> Table:
    """A SELECT query's rows (a bundled query's name, a .rq file or SPARQL), answered by the
    store, read-only: an open store, or a location for `open_store`."""
    result = answer(location, query, params)
    if not isinstance(result, Table):
        raise QueryError("not a SELECT query: use `answer` for ASK, CONSTRUCT and DESCRIBE")
    return result


def answer(location: Path | ox.Store, query: str, params: dict[str, str] | None = None, allow_service: bool = False) -> Result:
    """Any query form, answered by the store over the union of its graphs (or over the graphs
    the query names with FROM and FROM NAMED); SERVICE only if `allow_service`."""
    store = location if isinstance(location, ox.Store) else open_store(location)
    prepared = load_query(query)
    results = store.query(prepared.runnable(params, allow_service), use_default_graph_as_union=not prepared.names_its_dataset)
    if isinstance(results, ox.QueryBoolean):
        return Answer(bool(results))
    if isinstance(results, ox.QueryTriples):
        lines = ox.serialize(results, format=ox.RdfFormat.N_TRIPLES).splitlines()
        return Triples(b"".join(line + b"\n" for line in sorted(set(lines)) if line))
    columns = tuple(v.value for v in results.variables)
    # Oxigraph writes the rows as CSV (each term's text) far faster than Python reads them term by term.
    rows = csv.reader(io.StringIO(results.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8"), newline=""))
    next(rows, None)  # the header: the columns above
    return Table(columns, tuple(map(tuple, rows)))
