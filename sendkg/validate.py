"""Stage 6, validate: the graph against the SHACL shapes in `shapes/`, with pyshacl."""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Namespace

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


def shapes() -> Graph:
    graph = Graph()
    for path in sorted(folder("shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def validate(graph: Graph) -> Report:
    conforms, results, _ = shacl_validate(
        graph, shacl_graph=shapes(), inference="none", advanced=True, allow_warnings=True
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
