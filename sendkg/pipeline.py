"""The whole build: read → structure → extract → themes → resolve → map → validate, for many documents.

A document that cannot be read or is not an inspection document is reported and left out;
every other document is still built.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from .extract import DocumentError, extract
from .model import Extraction, Source
from .nlp import analyse
from .official import GRAPH as OFFICIAL_GRAPH
from .official import official_graph
from .rdf import to_graph
from .read import ReadError, find_documents, read
from .structure import NotAnInspection, structure
from .themes import tag
from .validate import Report, validate


@dataclass(frozen=True)
class Failure:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Build:
    graph: Graph  # everything: vocabulary, reference data, extracted facts, official statistics
    extractions: list[Extraction]
    failures: list[Failure] = field(default_factory=list)
    report: Report | None = None
    named: dict[URIRef, Graph] = field(default_factory=dict)  # graphs that TriG writes apart

    @property
    def ok(self) -> bool:
        return not self.failures and (self.report is None or self.report.conforms)


def extract_documents(paths: Iterable[Path]) -> tuple[list[Extraction], list[Failure]]:
    failures: list[Failure] = []
    layouts = []
    for path in find_documents(paths):
        try:
            source: Source = read(path)
            layouts.append(structure(source))
        except (ReadError, NotAnInspection) as error:
            failures.append(Failure(path, getattr(error, "reason", None) or str(error)))
    extractions = []
    for layout, doc in zip(layouts, analyse(layout.source.text for layout in layouts)):
        try:
            extractions.append(extract(layout, doc))
        except DocumentError as error:
            failures.append(Failure(layout.source.path, str(error)))
    return extractions, failures


def build(paths: Iterable[Path], *, check: bool = True) -> Build:
    extractions, failures = extract_documents(paths)
    tag(extractions)
    graph = to_graph(extractions)
    official = official_graph()
    report = validate(graph) if check else None
    graph += official
    return Build(graph, extractions, failures, report, named={OFFICIAL_GRAPH: official})
