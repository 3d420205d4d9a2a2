"""Stage 6, validate: the graph against the SHACL shapes in `shapes/`.

Two engines give the same violations (focus node, path, constraint; `tests/rdf/test_engines.py`):
shifty (`pyshifty`, compiled, the default), which reads a document's N-Triples as they are, and
pyshacl, the reference, which reads an rdflib graph. Each property shape is given a name when the
shapes are loaded, so a violation names its shape, and its path as the shape declares it, in the
same words whichever engine found it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rdflib import RDF, RDFS, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection

from .resources import folder
from .write import named_nodes, ntriples

SH = Namespace("http://www.w3.org/ns/shacl#")
ENGINES = ("shifty", "pyshacl")
DEFAULT_ENGINE = "shifty"


@dataclass(frozen=True)
class Violation:
    focus: str  # as the report prints it (prefixed where a prefix is bound)
    path: str  # as the shape declares it, in SPARQL's path syntax ('^sk:describes', 'oa:hasSelector/oa:exact')
    message: str
    shape: str  # the shape's IRI
    severity: str
    focus_iri: str = ""  # in full, to find the document behind it
    constraint: str = ""  # the SHACL constraint component, e.g. 'MinCountConstraintComponent'

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


class EngineError(ValueError):
    pass


@cache
def shapes() -> Graph:
    """The shapes, each property shape named `<node shape>/<path>` (with a number where one node
    shape checks one path twice) instead of a blank node."""
    graph = Graph()
    for path in sorted(folder("shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    taken: set[URIRef] = set()
    for parent, shape in sorted(graph.subject_objects(SH.property), key=lambda pair: (str(pair[0]), described(graph, pair[1]))):
        if not isinstance(shape, BNode):
            continue
        slug = "".join(c if c.isalnum() else "-" for c in path_text(graph, graph.value(shape, SH.path)).replace("^", "inverse-")).strip("-")
        name, n = URIRef(f"{parent}/{slug}"), 1
        while name in taken:
            n += 1
            name = URIRef(f"{parent}/{slug}-{n}")
        taken.add(name)
        for p, o in list(graph.predicate_objects(shape)):
            graph.remove((shape, p, o))
            graph.add((name, p, o))
        graph.remove((parent, SH.property, shape))
        graph.add((parent, SH.property, name))
    return graph


def described(graph: Graph, shape) -> str:
    """A blank shape's statements as text, to order two shapes on one path the same way every time."""
    return " ".join(sorted(f"{p.n3()} {'[' + described(graph, o) + ']' if isinstance(o, BNode) else o.n3()}" for p, o in graph.predicate_objects(shape)))


def path_text(graph: Graph, path) -> str:
    """A SHACL path in SPARQL's syntax, prefixed as the shapes are."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return path.n3(graph.namespace_manager)
    if (path, RDF.first, None) in graph:
        return "/".join(path_text(graph, step) for step in Collection(graph, path))
    for predicate, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(path_text(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, step) for step in Collection(graph, alternatives)) + ")"
    raise EngineError(f"a SHACL path the shapes cannot name: {path}")


_SHIFTY: dict[int, tuple[Graph, object]] = {}  # per process (a forked child compiles its own): the shapes and their validator


def shifty_validator():
    """The shapes compiled once by shifty, in this process."""
    import shifty

    graph = shapes()
    held = _SHIFTY.get(os.getpid())
    if held is None or held[0] is not graph:
        held = _SHIFTY[os.getpid()] = (graph, shifty.PreparedValidator(ntriples(graph)))
    return held[1]


def validate(data: Graph | bytes, engine: str = DEFAULT_ENGINE) -> Report:
    """A graph (an rdflib graph, or N-Triples) against the shapes."""
    if engine == "shifty":
        return shifty_report(data if isinstance(data, bytes) else ntriples(data))
    if engine == "pyshacl":
        return pyshacl_report(data if isinstance(data, Graph) else Graph().parse(data=data, format="nt"))
    raise EngineError(f"no SHACL engine '{engine}': one of {', '.join(ENGINES)}")


def shifty_report(data: bytes) -> Report:
    """shifty checks the conformance first, natively; the W3C report graph is made only for a
    graph that breaks a shape. A constraint it does not support is an error, never a pass."""
    validator = shifty_validator()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its diagnostics on a graph are in the report
        quick = validator.validate_algebra(data, infer=False, on_unsupported="error")
        if quick.conforms:
            return Report(True, ())
        conforms, results, _ = validator.validate(data, infer=False, on_unsupported="error")
    return from_results(bool(conforms), results)


def pyshacl_report(graph: Graph) -> Report:
    """pyshacl adds nothing to the data graph without inference, so it validates in place rather
    than copying first, unless the graph's store cannot hold named graphs, which pyshacl reads
    through."""
    from pyshacl import validate as shacl_validate

    if not graph.store.context_aware:
        graph = Graph() + graph
    conforms, results, _ = shacl_validate(graph, shacl_graph=shapes(), inference="none", advanced=True, allow_warnings=True, inplace=True)
    return from_results(bool(conforms), results)


def from_results(conforms: bool, results: Graph) -> Report:
    """The violations of a W3C validation report, each named by its shape and the shape's path."""
    names = shapes().namespace_manager
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        path = shapes().value(shape, SH.path) if isinstance(shape, URIRef) else None
        if path is None and isinstance(results.value(result, SH.resultPath), URIRef):
            path = results.value(result, SH.resultPath)
        component = results.value(result, SH.sourceConstraintComponent)
        violations.append(
            Violation(
                focus=focus.n3(names) if focus is not None else "",
                path=path_text(shapes(), path),
                message=str(results.value(result, SH.resultMessage) or ""),
                shape=str(shape) if isinstance(shape, URIRef) else "",
                severity=str(results.value(result, SH.resultSeverity) or "").rsplit("#", 1)[-1],
                focus_iri=str(focus or ""),
                constraint=str(component or "").rsplit("#", 1)[-1],
            )
        )
    return Report(conforms, tuple(sorted(set(violations), key=order)))


def order(v: Violation) -> tuple:
    return (v.focus, v.path, v.message, v.constraint, v.shape)


class SharedStatements:
    """The shared graph's N-Triples indexed by subject, so that a document is validated with what
    the shapes need of the shared graph (the statements about every node it names, and the class
    hierarchy) without building a graph first."""

    def __init__(self, lines: bytes):
        self.by_subject: dict[bytes, list[bytes]] = {}
        hierarchy = []
        subclass = b" " + URIRef(RDFS.subClassOf).n3().encode() + b" "
        for line in lines.splitlines(keepends=True):
            subject = line[: line.index(b" ")]
            self.by_subject.setdefault(subject, []).append(line)
            if subclass in line:
                hierarchy.append(line)
        self.hierarchy = b"".join(hierarchy)

    def about(self, nodes: Iterable[bytes]) -> bytes:
        return b"".join(line for node in sorted(set(nodes)) for line in self.by_subject.get(node, ()))


def validate_document(
    part: bytes, shared: SharedStatements, about: set[str] | None = None, engine: str = DEFAULT_ENGINE, nodes: tuple[set[bytes], set[bytes]] | None = None
) -> Report:
    """One document's graph (N-Triples) against the shapes, with what it needs of the shared graph
    beside it: the shared graph's statements about every node the document's graph names, and the
    class hierarchy. The shapes look no further than that, so the result is the whole graph's for
    the document's own nodes, at the cost of the document alone. Violations on shared nodes the
    document does not describe are left to the shared graph's own check; with `about`, only
    violations on those nodes are kept. `nodes` is `named_nodes(part)`, if the caller has it."""
    named, subjects = nodes or named_nodes(part)
    report = validate(part + shared.about(named) + shared.hierarchy, engine)
    own = about if about is not None else {s.decode()[1:-1] for s in subjects if s.startswith(b"<")}
    return combined([report], keep=lambda v: v.focus_iri in own)


def combined(reports: list[Report], keep=lambda violation: True) -> Report:
    violations = sorted({v for r in reports for v in r.violations if keep(v)}, key=order)
    return Report(not any(v.severity == "Violation" for v in violations), tuple(violations))
