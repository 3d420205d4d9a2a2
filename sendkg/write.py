"""Stage 7, write: serialise the graph, atomically (a temporary file renamed into place)."""

from __future__ import annotations

import errno
import json
import hashlib
import heapq
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
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


class NamedGraphs(Mapping[URIRef, bytes]):
    """Named graphs as sorted N-Triples, each held in memory or read from its file when asked, with
    the digest of each, so that a store can tell what changed without reading the unchanged ones
    and a national build does not hold every document's graph in memory."""

    def __init__(self) -> None:
        self.sources: dict[URIRef, bytes | Path] = {}
        self.digests: dict[URIRef, str] = {}

    def add(self, identifier: URIRef, source: bytes | Path, digest: str | None = None) -> None:
        self.sources[identifier] = source
        self.digests[identifier] = digest or hashlib.sha256(contents(source)).hexdigest()

    def __getitem__(self, identifier: URIRef) -> bytes:
        return contents(self.sources[identifier], self.digests[identifier])

    def __iter__(self) -> Iterator[URIRef]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


def contents(source: bytes | Path, digest: str | None = None) -> bytes:
    """N-Triples held in memory, or read from the file that holds them; a file that no longer
    has the `digest` it was written with is removed, and `ChangedOnDisk` raised."""
    if isinstance(source, bytes):
        return source
    data = source.read_bytes()
    if digest is not None and hashlib.sha256(data).hexdigest() != digest:
        source.unlink(missing_ok=True)
        raise ChangedOnDisk(errno.EIO, "changed since it was written (a damaged cache file, now removed: build again)", str(source))
    return data


class ChangedOnDisk(OSError):
    """A file the build wrote and kept (a cached graph) was altered before it was read back."""


def digests(parts: Mapping[URIRef, bytes]) -> dict[URIRef, str]:
    if isinstance(parts, NamedGraphs):
        return dict(parts.digests)
    return {identifier: hashlib.sha256(part).hexdigest() for identifier, part in parts.items()}


def serialise(graph: Graph, fmt: str = "turtle", named: dict[URIRef, Graph] | None = None) -> bytes:
    """Bytes that are the same for the same graph on every run. TriG and N-Quads keep each of
    `named` in its own named graph (their triples are also in `graph`); other formats write the one graph."""
    named = named or {}
    parts = {i: ntriples(part) for i, part in named.items()}
    return serialise_parts(ntriples(shared_part(graph, named)), parts, fmt, namespaces=graph)


def serialise_parts(shared: bytes, parts: Mapping[URIRef, bytes], fmt: str = "turtle", namespaces: Graph | None = None) -> bytes:
    """The shared graph and the named graphs (each as sorted N-Triples, the form a build keeps
    them in) in one format: the union for Turtle, N-Triples and JSON-LD, graph by graph (the
    shared graph first, then the named graphs in order) for TriG and N-Quads, so that a national
    build's N-Quads need not be sorted as one. Prefixes are those bound in `namespaces` (default:
    sendkg's), so the shared graph is never parsed to write it."""
    return b"".join(serialised(shared, parts, fmt, namespaces))


def serialised(shared: bytes, parts: Mapping[URIRef, bytes], fmt: str = "turtle", namespaces: Graph | None = None) -> Iterator[bytes]:
    """`serialise_parts` in pieces to be written one after another: N-Triples line by line and
    N-Quads graph by graph, each graph read only when it is reached, so a national build's
    export is never held whole in memory."""
    rdf_format = FORMATS[fmt]
    if rdf_format == "nt":
        yield from merge_sorted([shared, *parts.values()])
        return
    if rdf_format == "nquads":
        yield from (in_graph(part, i) for i, part in graphs_in_order(shared, parts))
        return
    if rdf_format == "json-ld":
        yield json_ld(union(Graph().parse(data=shared, format="nt"), parts))
        return
    if namespaces is None:
        from .rdf import new_graph

        namespaces = new_graph()
    prefixes = {prefix: str(namespace) for prefix, namespace in namespaces.namespaces() if prefix in TURTLE_PREFIXES}
    if rdf_format == "trig":
        yield trig(prefixes, graphs_in_order(shared, parts))
    else:
        yield from turtle_pieces(merge_sorted([shared, *parts.values()]), prefixes)


def json_ld(graph: Graph) -> bytes:
    """JSON-LD with the nodes in order of IRI and each property's values in order: rdflib's writer
    visits subjects in an order that changes from one run to the next."""
    nodes = json.loads(graph.serialize(format="json-ld"))
    nodes = nodes.get("@graph", []) if isinstance(nodes, dict) else nodes
    ordered = sorted((in_order(node) for node in nodes), key=lambda node: node.get("@id", ""))
    return json.dumps(ordered, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")


def in_order(value):
    """A JSON-LD value with every array sorted except an `@list`, whose order is its meaning."""
    if isinstance(value, dict):
        return {key: item if key == "@list" else in_order(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((in_order(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def graphs_in_order(shared: bytes, parts: Mapping[URIRef, bytes]) -> Iterator[tuple[URIRef, bytes]]:
    """The shared graph's N-Triples (as `DEFAULT_GRAPH`), then each named graph's in order of IRI,
    each read only when it is reached: the order TriG, N-Quads and a Graph Store load write them in."""
    yield DEFAULT_GRAPH, shared
    for identifier in sorted(parts):
        yield identifier, parts[identifier]


def ntriples(graph: Graph) -> bytes:
    """N-Triples, one line per triple, sorted: the form in which named graphs are kept and merged."""
    lines = graph.serialize(format="nt", encoding="utf-8").split(b"\n")
    return b"".join(line + b"\n" for line in sorted(set(lines)) if line)


def named_nodes(lines: bytes) -> tuple[set[bytes], set[bytes]]:
    """The IRIs an N-Triples chunk names (as subject or object), and those it says something about."""
    named, subjects = set(), set()
    for line in lines.splitlines():
        subject, _, rest = line.partition(b" ")
        subjects.add(subject)
        named.add(subject)
        value = rest.partition(b" ")[2].rstrip()[:-1].rstrip()
        if value.startswith(b"<"):
            named.add(value)
    return {n for n in named if n.startswith(b"<")}, subjects


def merge_sorted(chunks: list[bytes]) -> Iterator[bytes]:
    """The lines of sorted N-Triples or N-Quads chunks as one sorted run, each line once."""
    last = None
    for line in heapq.merge(*(chunk.splitlines(keepends=True) for chunk in chunks)):
        if line != last:
            yield line
            last = line


def in_graph(chunk: bytes, identifier: URIRef) -> bytes:
    """N-Triples lines as N-Quads in the graph `identifier`. Each line ends ' .' and a newline,
    which no term can hold (N-Triples escapes a newline in a literal)."""
    return chunk.replace(b" .\n", f" <{identifier}> .\n".encode())


def union(shared: Graph, parts: Mapping[URIRef, bytes]) -> Graph:
    graph = Graph()
    for prefix, namespace in shared.namespaces():
        graph.bind(prefix, namespace)
    graph += shared
    for part in parts.values():
        graph.parse(data=part, format="nt")
    return graph


def turtle(sorted_ntriples: bytes, prefixes: dict[str, str]) -> bytes:
    return b"".join(turtle_pieces(sorted_ntriples, prefixes))


def turtle_pieces(sorted_ntriples: bytes | Iterable[bytes], prefixes: dict[str, str]) -> list[bytes | memoryview]:
    """Turtle written by Oxigraph's serializer (fifteen times faster than rdflib's on these
    graphs) from triples in sorted order (bytes, or lines read as they come), with the prefixes
    sorted too and a blank line after them: the same bytes every run."""
    source = sorted_ntriples if isinstance(sorted_ntriples, bytes) else io.BufferedReader(Chunks(sorted_ntriples), 2**20)
    text = ox.serialize(ox.parse(source, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    end = 0
    while text.startswith(b"@prefix", end):
        end = text.index(b"\n", end) + 1
    header = b"".join(sorted(text[:end].splitlines(keepends=True)))
    start = end
    while text.startswith(b"\n", start):
        start += 1
    return [header, b"\n", memoryview(text)[start:]]


class Chunks(io.RawIOBase):
    """Pieces of bytes as a readable stream, so a parser reads them as they are made."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self.pieces, self.left = iter(pieces), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self.left) < len(buffer):
            more = b"".join(islice(self.pieces, 4096))
            if not more:
                break
            self.left += more
        n = min(len(buffer), len(self.left))
        buffer[:n] = self.left[:n]
        self.left = self.left[n:]
        return n


def shared_part(graph: Graph, named: dict[URIRef, Graph]) -> Graph:
    """The triples of `graph` in none of the named graphs: the shared nodes (vocabulary, areas,
    people, organisations) that TriG, N-Quads, the store and a Graph Store load keep apart."""
    if not named:
        return graph
    apart = set().union(*(set(part) for part in named.values()))
    shared = Graph()
    for prefix, namespace in graph.namespaces():
        shared.bind(prefix, namespace)
    for triple in graph:
        if triple not in apart:
            shared.add(triple)
    return shared


def trig(prefixes: dict[str, str], graphs: Iterable[tuple[URIRef, bytes]]) -> bytes:
    """TriG written graph by graph in a fixed order, each as Turtle, so the bytes are the same on
    every run."""
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(prefixes.items()))
    blocks = []
    for identifier, part in graphs:
        text = turtle(part, prefixes).decode("utf-8")
        statements = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip()
        indented = "\n".join(f"    {line}" if line else "" for line in statements.splitlines())
        blocks.append(f"<{identifier}> {{\n{indented}\n}}\n")
    return (header + "\n" + "\n".join(blocks)).encode("utf-8")


def refuse_remote_contexts(path: Path) -> None:
    """Reading a graph never fetches anything: a JSON-LD file whose @context is a URL (which
    rdflib would download) is refused, naming it."""

    def contexts(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    yield from value if isinstance(value, list) else [value]
                yield from contexts(value)
        elif isinstance(node, list):
            for item in node:
                yield from contexts(item)

    try:
        document = json.loads(Path(path).read_bytes())
    except ValueError as error:
        raise GraphFileError(f"{path}: not a readable json-ld graph ({error})") from None
    remote = next((c for c in contexts(document) if isinstance(c, str)), None)
    if remote is not None:
        raise GraphFileError(f"{path}: its JSON-LD @context is a remote document ({remote}), which is never fetched; give the context inline")


class GraphFileError(ValueError):
    """A graph file that cannot be read: the message names it and says why, in one line."""


def write_atomic(data: bytes | Iterable[bytes], path: Path) -> None:
    """Write to a temporary file beside `path`, then rename it into place: a reader sees the old
    file or the new one, never half of one. The file gets the mode a new file gets (the umask's)."""
    os.replace(written_beside(data, path), path)


def written_beside(data: bytes | Iterable[bytes], path: Path) -> Path:
    """`data` (bytes, or pieces of them) in a new temporary file beside `path`, for the caller to rename into place. Its name
    holds this process's ID (`.NAME.PID.RANDOM.tmp`), so that `clean_stale` can tell the files a
    killed process left from those another build is writing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMPORARY, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.writelines([data] if isinstance(data, bytes) else data)
        os.chmod(temporary, 0o666 & ~umask())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


TEMPORARY = ".tmp"


def clean_stale(folder: Path) -> list[Path]:
    """Remove the temporary files in `folder` that a process no longer running left (a build
    killed while writing); returns them."""
    removed = []
    for path in sorted(Path(folder).glob(f".*{TEMPORARY}")) if Path(folder).is_dir() else []:
        pid = path.name.rsplit(".", 3)[-3] if path.name.count(".") >= 4 else ""
        if pid.isdigit() and not running(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def umask() -> int:
    """The process's umask, read without changing it where Linux says it (/proc), so threads
    writing at the same moment never see it altered."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def write(graph: Graph, path: Path, fmt: str = "turtle", named: dict[URIRef, Graph] | None = None) -> None:
    write_atomic(serialise(graph, fmt, named), path)


EXTENSIONS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "jsonld", ".json": "jsonld", ".trig": "trig", ".nq": "nq"}


def format_for(path: Path, strict: bool = False) -> str | None:
    """The format a file's extension names; Turtle for any other, or None when `strict`."""
    return EXTENSIONS.get(Path(path).suffix.lower(), None if strict else "turtle")


def load(path: Path) -> Graph:
    """A graph file as one rdflib graph (the union of its named graphs)."""
    return union(*load_dataset(path))


def load_ntriples(path: Path) -> bytes:
    """A graph file as one sorted N-Triples chunk (the union of its named graphs)."""
    shared, parts = load_dataset(path)
    return b"".join(merge_sorted([ntriples(shared), *parts.values()]))


def load_for_query(path: Path) -> Dataset:
    """A graph file as an rdflib dataset whose default graph is the union of its named graphs, laid
    out as everywhere else: the shared graph as `DEFAULT_GRAPH` and one named graph per document
    (a file of one graph is all shared graph), so `GRAPH ?g { … }` means the same in every engine."""
    shared, parts = load_dataset(path)
    dataset = Dataset(default_union=True)
    for prefix, namespace in shared.namespaces():
        dataset.bind(prefix, namespace)
    shared_graph = dataset.graph(DEFAULT_GRAPH)
    shared_graph += shared
    for identifier, part in parts.items():
        dataset.graph(identifier).parse(data=part, format="nt")
    return dataset


def load_dataset(path: Path) -> tuple[Graph, dict[URIRef, bytes]]:
    """A graph file as a build keeps it: (the shared graph, the named graphs as sorted N-Triples).
    TriG and N-Quads keep their named graphs apart; the graph written as the shared one, a file's
    default graph, or the whole of any other format is the shared graph. A file that is not
    such a graph is a `GraphFileError`."""
    try:
        return read_dataset(path)
    except GraphFileError:
        raise
    except OSError as error:
        raise GraphFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    except Exception as error:  # what each of rdflib's parsers raises for a broken or foreign file
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        raise GraphFileError(f"{path}: not a readable {format_for(path)} graph ({reason})") from None


def read_dataset(path: Path) -> tuple[Graph, dict[URIRef, bytes]]:
    fmt = FORMATS[format_for(path)]
    shared: Graph = Graph()
    if fmt == "json-ld":
        refuse_remote_contexts(path)
    if fmt not in ("trig", "nquads"):
        shared.parse(path, format=fmt)
        if not len(shared):
            raise GraphFileError(f"{path}: holds no triples")
        return shared, {}
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    for prefix, namespace in dataset.namespaces():
        shared.bind(prefix, namespace)
    parts: dict[URIRef, bytes] = {}
    for part in dataset.graphs():
        if not len(part):
            continue
        if part.identifier in (DEFAULT_GRAPH, DATASET_DEFAULT_GRAPH_ID):
            shared += part
        else:
            parts[part.identifier] = ntriples(part)
    if not len(shared) and not parts:
        raise GraphFileError(f"{path}: holds no triples")
    return shared, parts
