"""The whole build: read → structure → extract → themes and numbers → resolve → map → validate, for many documents.

A document that cannot be read or is not an inspection document is reported and left out;
every other document is still built.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache as cache_function
from pathlib import Path

from rdflib import Graph, URIRef

from .extract import DocumentError, extract
from .model import Extraction
from .nlp import analyse
from .numbers import measure
from .official import GRAPH as OFFICIAL_GRAPH
from .official import official_graph
from .rdf import ID, document_iri, inspection_iri, to_dataset
from .resolve import person_key
from .read import ReadError, find_documents, read
from .structure import NotAnInspection, structure
from .themes import tag
from .validate import Report, Violation, validate
from .write import write_atomic


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


def extract_document(path: Path, cache: Path | None = None) -> Extraction | Failure:
    """One document from file to extraction, or the one-line reason it cannot be. With a cache, a
    document whose bytes and extractor version were seen before is not processed again."""
    entry = cache_entry(path, cache) if cache else None
    if entry is not None and entry.is_file():
        result = pickle.loads(entry.read_bytes())
        if isinstance(result, Extraction):
            result.layout = replace(result.layout, source=replace(result.layout.source, path=path))
            return result
        return Failure(path, result.reason)
    try:
        layout = structure(read(path))
        result: Extraction | Failure = extract(layout, next(analyse([layout.source.text])))
    except (ReadError, NotAnInspection, DocumentError) as error:
        result = Failure(path, getattr(error, "reason", None) or str(error))
    if entry is not None:
        write_atomic(pickle.dumps(result), entry)
    return result


def cache_entry(path: Path, cache: Path) -> Path | None:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return cache / f"{extractor_version()}-{digest}.pickle"


@cache_function
def extractor_version() -> str:
    """A digest of the code and data that turn a file into an extraction: change either and every
    document is read again."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for file in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".jsonl", ".csv")):
        digest.update(file.relative_to(package).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def extract_documents(
    paths: Iterable[Path], jobs: int = 1, progress: Callable[[int], None] | None = None, cache: Path | None = None
) -> tuple[list[Extraction], list[Failure]]:
    """Every document, in the order of the paths; with jobs > 1 in that many processes. The order
    of the results, and so the output, does not depend on the number of jobs."""
    documents = list(find_documents(paths))
    if jobs > 1 and len(documents) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = []
            chunks = max(1, len(documents) // (jobs * 8))
            for result in pool.map(extract_document, documents, [cache] * len(documents), chunksize=chunks):
                results.append(result)
                if progress:
                    progress(1)
    else:
        results = []
        for document in documents:
            results.append(extract_document(document, cache))
            if progress:
                progress(1)
    extractions = [r for r in results if isinstance(r, Extraction)]
    failures = [r for r in results if isinstance(r, Failure)]
    return extractions, failures


def documents_behind(report: Report, extractions: list[Extraction]) -> dict[Extraction, Violation]:
    """The documents whose statements a violation is about: its focus is the document, something
    minted under it, its inspection, or a person it names."""
    culprits: dict[Extraction, Violation] = {}
    for x in extractions:
        own = {str(document_iri(x)), str(inspection_iri(x))}
        own |= {str(ID[f"person/{person_key(p.name)}"]) for p in [*x.team, *x.addressees]}
        for violation in report.violations:
            focus = violation.focus_iri
            if focus in own or focus.startswith(str(document_iri(x)) + "/"):
                culprits.setdefault(x, violation)
    return culprits


def build(
    paths: Iterable[Path],
    *,
    check: bool = True,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    cache: Path | None = None,
) -> Build:
    extractions, failures = extract_documents(paths, jobs, progress, cache)
    tag(extractions)
    measure(extractions)
    official = official_graph()
    graph, documents = to_dataset(extractions)
    graph += official
    report = validate(graph) if check else None
    if report is not None and not report.conforms:
        culprits = documents_behind(report, extractions)
        if culprits and len(culprits) < len(extractions):
            # One document whose graph breaks the shapes is reported and left out; the rest is built.
            for extraction, violation in culprits.items():
                failures.append(Failure(extraction.source.path, f"does not conform to the shapes ({violation.message})"))
            extractions = [x for x in extractions if x not in culprits]
            graph, documents = to_dataset(extractions)
            graph += official
            report = validate(graph)
    return Build(graph, extractions, failures, report, named={**documents, OFFICIAL_GRAPH: official})
