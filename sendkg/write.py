"""Stage 7, write: serialise the graph, atomically (a temporary file renamed into place)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

FORMATS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "nt",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "json-ld": "json-ld",
    "trig": "trig",
    "nq": "nquads",
    "nquads": "nquads",
}
DEFAULT_GRAPH = URIRef("https://w3id.org/sendkg/graph")
# Prefixes for the Turtle writer: vocabularies only (IRIs of things, with '/' in their keys, stay whole).
TURTLE_PREFIXES = {"sk", "oa", "prov", "org", "skos", "dcterms", "foaf", "rdf", "rdfs", "owl", "xsd"}


def serialise(graph: Graph, fmt: str = "turtle", named: dict[URIRef, Graph] | None = None) -> bytes:
    """Bytes that are the same for the same graph on every run. TriG keeps each of `named` in its
    own named graph (their triples are also in `graph`); other formats write the one graph."""
    rdf_format = FORMATS[fmt]
    if rdf_format == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(set(filter(None, lines)))) + "\n").encode("utf-8")
    if rdf_format in ("trig", "nquads"):
        parts = dict(named or {})
        main = shared_part(graph, parts)
        if rdf_format == "nquads":
            dataset = Dataset()
            for identifier, part in [(DEFAULT_GRAPH, main), *parts.items()]:
                target = dataset.graph(identifier)
                for triple in part:
                    target.add(triple)
            lines = dataset.serialize(format="nquads", encoding="utf-8").decode("utf-8").splitlines()
            return ("\n".join(sorted(set(filter(None, lines)))) + "\n").encode("utf-8")
        return trig(graph, [(DEFAULT_GRAPH, main), *sorted(parts.items())])
    if rdf_format == "json-ld":
        return graph.serialize(format="json-ld", encoding="utf-8", sort_keys=True, indent=1)
    return turtle(graph)


def turtle(graph: Graph) -> bytes:
    """Turtle written by Oxigraph's serializer (fifteen times faster than rdflib's on these
    graphs) from the triples in sorted order, with the prefixes sorted too: the same bytes every run."""
    triples = sorted(
        ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES),
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    used = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix in TURTLE_PREFIXES}
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")
    lines = text.split("\n")
    header = sorted(line for line in lines if line.startswith("@prefix"))
    body = [line for line in lines if not line.startswith("@prefix")]
    return ("\n".join(header) + "\n\n" + "\n".join(body).lstrip("\n")).encode("utf-8")


def shared_part(graph: Graph, named: dict[URIRef, Graph]) -> Graph:
    """The triples of `graph` in none of the named graphs: the shared nodes (vocabulary, areas,
    people, organisations) that TriG, N-Quads, the store and a Graph Store load keep apart."""
    apart = set().union(*(set(part) for part in named.values())) if named else set()
    shared = Graph()
    for prefix, namespace in graph.namespaces():
        shared.bind(prefix, namespace)
    for triple in graph:
        if triple not in apart:
            shared.add(triple)
    return shared


def trig(prefixes: Graph, graphs: list[tuple[URIRef, Graph]]) -> bytes:
    """TriG written graph by graph in a fixed order, each as Turtle, so the bytes are the same on
    every run (rdflib's own TriG writer orders graphs as its store happens to)."""
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(prefixes.namespaces()) if prefix)
    blocks = []
    for identifier, part in graphs:
        body = Graph()
        for prefix, namespace in prefixes.namespaces():
            body.bind(prefix, namespace, replace=True)
        for triple in part:
            body.add(triple)
        turtle = body.serialize(format="turtle")
        statements = "\n".join(line for line in turtle.splitlines() if not line.startswith("@prefix")).strip()
        indented = "\n".join(f"    {line}" if line else "" for line in statements.splitlines())
        blocks.append(f"<{identifier}> {{\n{indented}\n}}\n")
    return (header + "\n" + "\n".join(blocks)).encode("utf-8")


def write_atomic(data: bytes, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write(graph: Graph, path: Path, fmt: str = "turtle", named: dict[URIRef, Graph] | None = None) -> None:
    write_atomic(serialise(graph, fmt, named), path)


def format_for(path: Path) -> str:
    return {".ttl": "turtle", ".nt": "nt", ".jsonld": "jsonld", ".json": "jsonld", ".trig": "trig", ".nq": "nq"}.get(
        Path(path).suffix.lower(), "turtle"
    )


def load(path: Path) -> Graph:
    return load_dataset(path)[0]


def load_dataset(path: Path) -> tuple[Graph, dict[URIRef, Graph]]:
    """A graph file as (everything, named graphs): TriG and N-Quads keep their named graphs apart;
    the graph written as the shared one (or a file's default graph) is part of everything only."""
    fmt = FORMATS[format_for(path)]
    graph: Graph = Graph()
    if fmt not in ("trig", "nquads"):
        graph.parse(path, format=fmt)
        return graph, {}
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace)
    named: dict[URIRef, Graph] = {}
    for part in dataset.graphs():
        if not len(part):
            continue
        for triple in part:
            graph.add(triple)
        if part.identifier not in (DEFAULT_GRAPH, DATASET_DEFAULT_GRAPH_ID):
            named[part.identifier] = Graph()
            for triple in part:
                named[part.identifier].add(triple)
    return graph, named
