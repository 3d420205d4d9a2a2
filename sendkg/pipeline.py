"""The whole build: read → structure → extract → themes and numbers → resolve → map → validate, for many documents.

A document that cannot be read or is not an inspection document is reported and left out;
every other document is still built.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache as cache_function
from functools import cached_property, partial, wraps
from pathlib import Path
from typing import TypeVar

from rdflib import Graph, URIRef

from .cache import discarded, fingerprint, forget, keep, recall, stamp, unchanged
from .model import Extraction
from .numbers import measure
from .official import GRAPH as OFFICIAL_GRAPH
from .official import official_graph
from .processes import die_with_parent
from .rdf import document_graph_iri, document_iri, document_ntriples, entities_used, new_graph, shared_graph_of, shared_inputs
from .read import DEFAULT_MAX_BYTES, ReadError, file_bytes, find_documents, read
from .resolve import Entity, resolve
from .resources import folder
from .structure import NotAnInspection, structure
from .validate import DEFAULT_ENGINE, Report, SharedStatements, Violation, combined, validate, validate_document
from .write import NamedGraphs, clean_stale, contents, merge_sorted, named_nodes, ntriples, union, write_atomic


T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Build:
    """What a build made. The graph is kept as the store and the files keep it: the shared graph
    (vocabulary, reference data, the entities documents name) and every other named graph (one
    per document, the official statistics) as sorted N-Triples, which is compact at national
    scale; `shared`, `graph` and `named` turn it into rdflib graphs when asked."""

    shared_lines: bytes  # the shared graph as sorted N-Triples: for the SHACL report's key, the store, the triple count
    parts: NamedGraphs
    extractions: list[Extraction]
    failures: list[Failure] = field(default_factory=list)
    report: Report | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # wall-clock time by stage, for the benchmarks

    @property
    def ok(self) -> bool:
        return not self.failures and (self.report is None or self.report.conforms)

    @cached_property
    def graph(self) -> Graph:
        """Everything in one rdflib graph."""
        return union(self.shared, self.parts)

    @cached_property
    def named(self) -> dict[URIRef, Graph]:
        return {identifier: Graph().parse(data=part, format="nt") for identifier, part in self.parts.items()}

    @cached_property
    def shared(self) -> Graph:
        """The shared graph as an rdflib graph, read from its N-Triples when first asked."""
        return new_graph().parse(data=self.shared_lines, format="nt")

    @cached_property
    def triple_count(self) -> int:
        return sum(1 for _ in merge_sorted([self.shared_lines, *self.parts.values()]))


@dataclass(frozen=True)
class MappedDocument:
    """One document's named graph, and what SHACL said of it."""

    identifier: URIRef
    digest: str
    subjects: frozenset[str]  # those another document may describe too: itself, its inspection, ...
    report: Report | None
    lines: bytes = b""  # sorted N-Triples, held in memory
    file: Path | None = None  # or the cache file that holds them (the cache's entry keeps neither)
    written: tuple[int, int] = (0, 0)  # the file's size and modification time (ns) when written

    @property
    def graph(self) -> bytes | Path:
        return self.file or self.lines


def extract_document(path: Path, cache: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Extraction | Failure:
    """One document from file to extraction (with its findings' themes and numbers), or the
    one-line reason it cannot be. With a cache, a document whose bytes and extractor version
    were seen before is not processed again."""
    entry = cache_entry(path, cache, max_bytes) if cache else None
    found = from_cache(entry, path)
    if found is not None:
        return found
    from .extract import DocumentError, extract  # spaCy is loaded only when a document is read
    from .nlp import analyse
    from .themes import tag

    try:
        layout = structure(read(path, max_bytes))
        result: Extraction | Failure = extract(layout, next(analyse([layout.source.text])))
        tag([result])
        measure([result])
    except (ReadError, NotAnInspection, DocumentError) as error:
        result = Failure(path, getattr(error, "reason", None) or str(error))
    except Exception as error:  # whatever else one document does to the code costs that document only
        result = Failure(path, f"could not be processed ({type(error).__name__}: {one_line(error)})")
        entry = None  # not remembered: a fixed version of the code should try again
    if entry is not None:
        keep(entry, result)
    return result


def from_cache(entry: Path | None, path: Path) -> Extraction | Failure | None:
    result = recall(entry)
    if result is None:
        return None
    if isinstance(result, Extraction):
        result.layout = replace(result.layout, source=replace(result.layout.source, path=path))
        return result
    return Failure(path, result.reason)


def cache_entry(path: Path, cache: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Path | None:
    try:
        return cache_file(cache, "extraction", file_bytes(Path(path), max_bytes))
    except ReadError:
        return None


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:200] or "no message"


def cache_file(cache: Path, kind: str, *inputs: bytes | str) -> Path:
    """Where the cache keeps one `kind` of result made from `inputs` by this version of the code."""
    digest = hashlib.sha256(extractor_version().encode())
    for data in inputs:
        digest.update(hashlib.sha256(data.encode() if isinstance(data, str) else data).digest())
    return cache / f"{kind}-{digest.hexdigest()}.msgpack"


def extractor_files() -> list[Path]:
    """The code and data that turn a file into a document's graph: the package with its data
    files and trained models, the ontology and the shapes."""
    package = Path(__file__).resolve().parent
    files = [p for p in package.rglob("*") if p.suffix in (".py", ".jsonl", ".csv", ".json", ".tsv") and "__pycache__" not in p.parts]
    files += [p for name in ("ontology", "shapes") for p in folder(name).glob("*.ttl")]
    return sorted(files, key=lambda f: (f.name, f.as_posix()))


@cache_function
def extractor_version() -> str:
    """A digest of `extractor_files`: change any and every document is read again."""
    digest = hashlib.sha256()
    for file in extractor_files():
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def in_processes(function: Callable, items: list, jobs: int, progress: Callable[[int], None] | None) -> list:
    """`function` over `items` in order, in `jobs` forked processes when there is more than one;
    a forked process sees what the parent had set up (the spaCy pipeline, the shared graph), and
    ends when the parent does, even killed."""
    results = []
    if jobs > 1 and len(items) > 1:
        context = multiprocessing.get_context("fork")
        gc.freeze()  # the children's collector then leaves the parent's objects, and their pages, shared (`frees_when_done`)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            for result in pool.map(function, items, chunksize=max(1, len(items) // (jobs * 8))):
                results.append(result)
                if progress:
                    progress(1)
        return results
    for item in items:
        results.append(function(item))
        if progress:
            progress(1)
    return results


def frees_when_done(function: Callable[..., T]) -> Callable[..., T]:
    """What `long_lived` and `in_processes` froze out of the collector's reach while `function`
    ran is given back to it when `function` returns."""

    @wraps(function)
    def unfrozen_after(*args, **kwargs) -> T:
        try:
            return function(*args, **kwargs)
        finally:
            gc.unfreeze()

    return unfrozen_after


@contextmanager
def long_lived() -> Iterator[None]:
    """For objects that live as long as the build and hold no reference cycles (what the cache
    recalls): the collector is paused while they are made, then they are frozen out of its reach.
    Otherwise its passes scan them again and again, 0.8 s of a rebuild at 1,000 documents."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def extract_documents(
    paths: Iterable[Path],
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    cache: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[list[Extraction], list[Failure]]:
    """Every document, in the order of the paths; those not in the cache in `jobs` processes. The
    order of the results, and so the output, does not depend on the number of jobs. A second copy
    of a document (the same bytes) is reported as a duplicate of the first and built once."""
    documents = list(find_documents(paths))
    with long_lived():
        results = [from_cache(cache_entry(path, cache, max_bytes) if cache else None, path) for path in documents]
    if progress:
        progress(sum(r is not None for r in results))
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        from . import extract, nlp, themes  # noqa: F401  imported once, before the workers are forked
    work = partial(extract_document, cache=cache, max_bytes=max_bytes)
    for i, result in zip(missing, in_processes(work, [documents[i] for i in missing], jobs, progress)):
        results[i] = result
    first: dict[str, Path] = {}
    for i, result in enumerate(results):
        if isinstance(result, Extraction):
            original = first.setdefault(result.source.sha256, result.source.path)
            if original != result.source.path:
                results[i] = Failure(result.source.path, f"duplicate of {original} (the same bytes); built once")
    extractions = [r for r in results if isinstance(r, Extraction)]
    failures = [r for r in results if isinstance(r, Failure)]
    return extractions, failures


def map_document(
    extraction: Extraction, entities: dict[tuple[str, str], Entity], shared: SharedStatements, check: str | None, cache: Path | None
) -> MappedDocument:
    """One document's named graph, validated with the shared graph beside it. Cached by what the
    graph depends on (the document's bytes and name, the code, the IRIs of the entities it names),
    so a rebuild maps and validates only the documents that changed; the cached graph stays on
    disk until it is written out. `check` names the SHACL engine, or is None not to validate."""
    entry = mapping_entry(extraction, entities, cache, check)
    found = mapped_from_cache(entry, check)
    if found is not None:
        return found
    lines = document_ntriples(extraction, entities)
    nodes = named_nodes(lines)
    report = validate_document(lines, shared, engine=check, nodes=nodes) if check else None
    own = str(document_iri(extraction)) + "/"
    subjects = frozenset(iri for iri in (s.decode()[1:-1] for s in nodes[1]) if not iri.startswith(own))
    mapped = MappedDocument(document_graph_iri(extraction), hashlib.sha256(lines).hexdigest(), subjects, report, lines)
    if entry is None:
        return mapped
    file = entry.with_suffix(".nt")
    write_atomic(lines, file)
    kept = replace(mapped, lines=b"", written=stamp(file))
    keep(entry, kept)
    return replace(kept, file=file)


def mapping_entry(extraction: Extraction, entities: dict[tuple[str, str], Entity], cache: Path | None, check: str | None) -> Path | None:
    if cache is None:
        return None
    source = extraction.source
    return cache_file(cache, "graph", source.sha256, source.name, "\n".join(entities_used(extraction, entities)), check or "")


def mapped_from_cache(entry: Path | None, check: str | None) -> MappedDocument | None:
    mapped = recall(entry)
    if mapped is None or (mapped.report is None and check):
        return None
    graph = entry.with_suffix(".nt")
    if not unchanged(graph, mapped.written):  # emptied, cut short or rewritten since (its digest is checked when it is read)
        forget(entry)
        return None
    return replace(mapped, file=graph)


_MAPPING: dict = {}  # set before the processes are forked: (extractions, entities, shared, check, cache)


def map_at(index: int) -> MappedDocument | Failure:
    extractions, entities, shared, check, cache = _MAPPING["work"]
    extraction = extractions[index]
    try:
        return map_document(extraction, entities, shared, check, cache)
    except Exception as error:  # one document's graph that cannot be made costs that document only
        return Failure(extraction.source.path, f"could not be mapped to RDF ({type(error).__name__}: {one_line(error)})")


def map_documents(
    extractions: list[Extraction],
    shared: SharedStatements,
    entities: dict[tuple[str, str], Entity],
    *,
    check: str | None,
    jobs: int,
    cache: Path | None,
    progress: Callable[[int], None] | None,
) -> list[MappedDocument | Failure]:
    """Every document's graph, in order; those not in the cache in `jobs` processes."""
    with long_lived():
        results = [mapped_from_cache(mapping_entry(x, entities, cache, check), check) for x in extractions]
    if progress:
        progress(sum(r is not None for r in results))
    missing = [i for i, r in enumerate(results) if r is None]
    _MAPPING["work"] = (extractions, entities, shared, check, cache)
    try:
        for i, mapped in zip(missing, in_processes(map_at, missing, jobs, progress)):
            results[i] = mapped
    finally:
        _MAPPING.clear()
    return results


def overlaps_report(mapped: list[MappedDocument], shared: SharedStatements, engine: str) -> Report:
    """What no one document's check can see: nodes that two documents both describe (a letter and
    the council report summarising it describe one inspection), validated with both documents'
    statements together."""
    counts = Counter(subject for m in mapped for subject in m.subjects)
    common = {subject for subject, n in counts.items() if n > 1}
    if not common:
        return Report(True, ())
    together = b"".join(merge_sorted([contents(m.graph, m.digest) for m in mapped if m.subjects & common]))
    return validate_document(together, shared, about=common, engine=engine)


def cached(cache: Path | None, kind: str, inputs: list[bytes | str], make: Callable[[], T]) -> T:
    """What `make` makes, kept in the cache under a digest of what it is made from (and the code)."""
    if cache is None:
        return make()
    entry = cache_file(cache, kind, *inputs)
    made = recall(entry)
    if made is None:
        made = make()
        keep(entry, made)
    return made


def shared_ntriples(extractions: list[Extraction], entities: dict[tuple[str, str], Entity], cache: Path | None) -> bytes:
    """The shared graph as sorted N-Triples; from the cache while the entities and the facts it
    takes from each document stay the same, as they do when a changed document names the same
    things."""
    facts, named = shared_inputs(extractions, entities)
    return cached(cache, "shared", [fingerprint((facts, named))], lambda: ntriples(shared_graph_of(facts, named)))


def documents_behind(
    report: Report, extractions: list[Extraction], mapped: list[MappedDocument], entities: dict[tuple[str, str], Entity]
) -> dict[Extraction, Violation]:
    """The documents whose statements a violation is about: its focus is a node of the document's
    own graph, or an entity (a person, an organisation) the document names."""
    culprits: dict[Extraction, Violation] = {}
    for x, m in zip(extractions, mapped):
        named = {line.rsplit(" ", 1)[-1] for line in entities_used(x, entities)}
        for violation in report.violations:
            focus = violation.focus_iri
            if focus in m.subjects or focus in named or focus.startswith(str(document_iri(x)) + "/"):
                culprits.setdefault(x, violation)
    return culprits


@contextmanager
def stage(seconds: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started


@frees_when_done
def build(
    paths: Iterable[Path],
    *,
    check: bool = True,
    validator: str = DEFAULT_ENGINE,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    cache: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Build:
    """Read, extract, resolve, map and validate every document. With `check`, each document's
    graph is validated by the `validator` engine with the shared graph beside it (in `jobs`
    processes, cached), then the shared graph and the nodes documents share; a document whose
    graph breaks the shapes is reported and left out, and the rest is built. A file larger than
    `max_bytes` is refused unread. Temporary files a killed build left in the cache are removed
    first."""
    discarded.clear()  # this build's damaged cache entries, for the command to say
    seconds: dict[str, float] = {}
    if cache is not None:
        clean_stale(cache)
    with stage(seconds, "read and extract (or recall from the cache)"):
        extractions, failures = extract_documents(paths, jobs, progress, cache, max_bytes)
        official = cached(cache, "official", [], lambda: ntriples(official_graph()))
    while True:
        with stage(seconds, "resolve entities"):
            entities = resolve(extractions)
        with stage(seconds, "shared graph"):
            shared_lines = shared_ntriples(extractions, entities, cache)
            statements = SharedStatements(shared_lines) if check else None
        engine = validator if check else None
        with stage(seconds, "map and validate each document (or recall)" if check else "map each document (or recall)"):
            mapped = map_documents(extractions, statements, entities, check=engine, jobs=jobs, cache=cache, progress=progress)
        broken = [m for m in mapped if isinstance(m, Failure)]
        if broken:
            failures.extend(broken)
            gone = {f.path for f in broken}
            extractions = [x for x in extractions if x.source.path not in gone]
            continue
        parts = NamedGraphs()
        for m in mapped:
            parts.add(m.identifier, m.graph, m.digest)
        parts.add(OFFICIAL_GRAPH, official)
        result = Build(shared_lines, parts, extractions, failures, seconds=seconds)
        if not check:
            return result
        with stage(seconds, "validate the shared graph and shared nodes"):
            result.report = combined(
                [
                    cached(cache, "report", [shared_lines, validator], lambda: validate(shared_lines, validator)),
                    cached(cache, "report", [shared_lines, parts[OFFICIAL_GRAPH], validator], lambda: validate_document(parts[OFFICIAL_GRAPH], statements, engine=validator)),
                    overlaps_report(mapped, statements, validator),
                    *(m.report for m in mapped),
                ]
            )
        if result.report.conforms:
            return result
        culprits = documents_behind(result.report, extractions, mapped, entities)
        if not culprits or len(culprits) == len(extractions):
            return result
        for extraction, violation in culprits.items():
            failures.append(Failure(extraction.source.path, f"does not conform to the shapes ({violation.message})"))
        extractions = [x for x in extractions if x not in culprits]
