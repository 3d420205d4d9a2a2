"""Stage 7, write: serialise the graph, atomically (a temporary file renamed into place)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

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


def serialise(graph: Graph, fmt: str = "turtle", named: dict[URIRef, Graph] | None = None) -> bytes:
    """Bytes that are the same for the same graph on every run. TriG keeps each of `named` in its
    own named graph (their triples are also in `graph`); other formats write the one graph."""
    rdf_format = FORMATS[fmt]
    if rdf_format == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(set(filter(None, lines)))) + "\n").encode("utf-8")
    if rdf_format in ("trig", "nquads"):
        dataset = Dataset()
        for prefix, namespace in graph.namespaces():
            dataset.bind(prefix, namespace)
        parts = named or {}
        apart = set().union(*(set(part) for part in parts.values())) if parts else set()
        main = dataset.graph(DEFAULT_GRAPH)
        for triple in graph:
            if triple not in apart:
                main.add(triple)
        for identifier in sorted(parts):
            target = dataset.graph(identifier)
            for triple in parts[identifier]:
                target.add(triple)
        if rdf_format == "nquads":
            lines = dataset.serialize(format="nquads", encoding="utf-8").decode("utf-8").splitlines()
            return ("\n".join(sorted(set(filter(None, lines)))) + "\n").encode("utf-8")
        return dataset.serialize(format="trig", encoding="utf-8")
    if rdf_format == "json-ld":
        return graph.serialize(format="json-ld", encoding="utf-8", sort_keys=True, indent=1)
    return graph.serialize(format="turtle", encoding="utf-8")


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
    graph = Graph()
    fmt = FORMATS[format_for(path)]
    if fmt in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(path, format=fmt)
        for s, p, o, _ in dataset.quads():
            graph.add((s, p, o))
        for prefix, namespace in dataset.namespaces():
            graph.bind(prefix, namespace)
        return graph
    graph.parse(path, format=fmt)
    return graph


def load_dataset(path: Path) -> tuple[Graph, dict[URIRef, Graph]]:
    """A graph file as (everything, named graphs): TriG and N-Quads keep their named graphs apart."""
    fmt = FORMATS[format_for(path)]
    if fmt not in ("trig", "nquads"):
        return load(path), {}
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    graph, named = Graph(), {}
    for part in dataset.graphs():
        if not len(part):
            continue
        for triple in part:
            graph.add(triple)
        if part.identifier != DEFAULT_GRAPH and isinstance(part.identifier, URIRef) and "graph/" in str(part.identifier):
            named[part.identifier] = Graph()
            for triple in part:
                named[part.identifier].add(triple)
    return graph, named
