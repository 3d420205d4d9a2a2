"""Stage 6, validate: the graph against the SHACL shapes in `shapes/`, with pyshacl."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, Graph, Namespace, URIRef

from .resources import folder

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str  # as the report prints it (prefixed where a prefix is bound)
    path: str
    message: str
    shape: str
    severity: str
    focus_iri: str = ""  # in full, to find the document behind it

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus} {self.path}: {self.message}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: tuple[Violation, ...]

    def __str__(self) -> str:
        if self.conforms:
            return "conforms to the SHACL shapes"
        return "\n".join([f"{len(self.violations)} SHACL violation(s):", *(f"  {v}" for v in self.violations)])


@cache
def shapes() -> Graph:
    graph = Graph()
    for path in sorted(folder("shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def validate(graph: Graph) -> Report:
    """A graph against the shapes. With no inference pyshacl adds nothing to the data graph, so it
    is validated in place rather than copied first, unless its store cannot hold named graphs,
    which pyshacl reads through."""
    if not graph.store.context_aware:
        graph = Graph() + graph
    conforms, results, _ = shacl_validate(
        graph, shacl_graph=shapes(), inference="none", advanced=True, allow_warnings=True, inplace=True
    )
    def value(result, prop) -> str:
        found = results.value(result, prop)
        return "" if found is None else found.n3(graph.namespace_manager)

    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        violations.append(
            Violation(
                focus=value(result, SH.focusNode),
                path=value(result, SH.resultPath),
                message=str(results.value(result, SH.resultMessage) or ""),
                shape=str(results.value(result, SH.sourceShape) or ""),
                severity=value(result, SH.resultSeverity).removeprefix("sh:"),
                focus_iri=str(results.value(result, SH.focusNode) or ""),
            )
        )
    return Report(bool(conforms), tuple(sorted(violations, key=lambda v: (v.focus, v.path, v.message))))


def validate_document(part: Graph, shared: Graph, about: set[str] | None = None) -> Report:
    """One document's graph against the shapes, with what it needs of the shared graph beside it:
    the shared graph's statements about every node the document's graph names, and the class
    hierarchy. The shapes look no further than that, so the result is the whole graph's for the
    document's own nodes, at the cost of the document alone. Violations on shared nodes the
    document does not describe are left to `validate(shared)`; with `about`, only violations on
    those nodes are kept."""
    graph = Graph()
    graph += part
    nodes = {term for triple in part for term in triple if isinstance(term, URIRef)}
    for node in nodes:
        for triple in shared.triples((node, None, None)):
            graph.add(triple)
    for triple in shared.triples((None, RDFS.subClassOf, None)):
        graph.add(triple)
    report = validate(graph)
    own = about if about is not None else {str(subject) for subject in part.subjects()}
    return combined([report], keep=lambda v: v.focus_iri in own)


def combined(reports: list[Report], keep=lambda violation: True) -> Report:
    violations = sorted({v for r in reports for v in r.violations if keep(v)}, key=lambda v: (v.focus, v.path, v.message))
    return Report(not any(v.severity == "Violation" for v in violations), tuple(violations))
