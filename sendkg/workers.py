"""Queries answered in worker processes that can be stopped.

Neither Oxigraph nor Python can interrupt a query that is being evaluated, and a query built to
crash the engine would take the server with it; so `serve` hands each query to one of a few
worker processes, each with the store open, and waits at most the time limit for its answer. A
worker that does not answer in time is killed (the client gets 503) and one that crashed is
replaced (500); the server, and the other workers, go on.

`respond` is what a worker does with one request: a plain function of the store and the request.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import pyoxigraph as ox

from .processes import die_with_parent
from .query import declare_prefixes, names_dataset

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "text/csv": ox.QueryResultsFormat.CSV,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
TIME_LIMIT = 10.0  # seconds a query may take before its worker is killed
STARTUP = 120.0  # seconds a worker may take to open the store
ANSWERS = 64 * 2**20  # bytes of answers kept for repeated requests


@dataclass(frozen=True)
class Request:
    query: str
    accept: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    media: str = "text/plain"


def chosen(accept: str, offered: Mapping[str, object], default: str) -> str | None:
    """The media type to answer with: the first one the Accept header names that is offered,
    the default for */* or no header, None when nothing it names is offered."""
    if not accept.strip():
        return default
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


def respond(store: ox.Store, request: Request) -> Reply:
    """The answer to one query, as the protocol has it: the results in the format the Accept
    header asks for, or the status that says why not."""
    dataset: dict = {"use_default_graph_as_union": not names_dataset(request.query)}
    if request.default_graphs or request.named_graphs:
        dataset = {}
        if request.default_graphs:
            dataset["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
        if request.named_graphs:
            dataset["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    try:
        results = store.query(declare_prefixes(request.query), **dataset)
        if isinstance(results, ox.QuerySolutions | ox.QueryBoolean):
            offered, default = RESULT_FORMATS, "application/sparql-results+json"
        else:
            offered, default = GRAPH_FORMATS, "text/turtle"
        media = chosen(request.accept, offered, default)
        if media is None:
            return Reply(HTTPStatus.NOT_ACCEPTABLE, f"not acceptable: this answer comes as {', '.join(offered)}\n".encode())
        if offered is RESULT_FORMATS:
            return Reply(HTTPStatus.OK, results.serialize(format=RESULT_FORMATS[media]), media)
        return Reply(HTTPStatus.OK, ox.serialize(results, format=GRAPH_FORMATS[media]), media)
    except (SyntaxError, ValueError) as error:
        return Reply(HTTPStatus.BAD_REQUEST, f"{str(error).splitlines()[0] if str(error) else error}\n".encode())
    except Exception as error:  # the engine's own failure: said, and the worker goes on
        return Reply(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query could not be answered ({type(error).__name__})\n".encode())


def work(location: str, connection) -> None:
    """A worker's life: open the store, say so (or why not), then answer requests until the pipe closes."""
    die_with_parent()
    from .store import open_store

    try:
        store = open_store(Path(location))
    except Exception as error:
        connection.send(("failed", str(error).splitlines()[0] if str(error) else type(error).__name__))
        return
    connection.send(("ready", None))
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(respond(store, request))


class Unavailable(ValueError):
    """The store could not be opened by a worker."""


class Answers:
    """The answers to the latest requests, up to `capacity` bytes, most recently used kept. The
    store a server reads does not change under it (a store folder is opened read-only, a file
    is loaded), so the same request has the same answer; a dashboard's repeated queries are then
    answered without evaluating them again."""

    def __init__(self, capacity: int = ANSWERS) -> None:
        self.capacity = capacity
        self.kept: OrderedDict[Request, Reply] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, request: Request) -> Reply | None:
        with self.lock:
            reply = self.kept.get(request)
            if reply is not None:
                self.kept.move_to_end(request)
            return reply

    def put(self, request: Request, reply: Reply) -> None:
        cost = len(reply.body) + len(request.query)
        if reply.status != HTTPStatus.OK or cost > self.capacity // 8:
            return
        with self.lock:
            if request in self.kept:
                return
            self.kept[request] = reply
            self.size += cost
            while self.size > self.capacity:
                old, dropped = self.kept.popitem(last=False)
                self.size -= len(dropped.body) + len(old.query)

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()
            self.size = 0


class Workers:
    """`count` worker processes over the store at `location`, answering one request each at a
    time, each within `time_limit` seconds; answers kept (`Answers`) up to `answers` bytes."""

    def __init__(self, location: Path, count: int = 2, time_limit: float = TIME_LIMIT, answers: int = ANSWERS) -> None:
        self.location = str(location)
        self.time_limit = time_limit
        self.answers = Answers(answers)
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["sendkg.workers", "sendkg.store"])
        self.idle: queue.Queue = queue.Queue()
        self.all: set = set()
        self.lock = threading.Lock()
        self.closed = False
        started = [self.start() for _ in range(count)]
        for worker in started:
            self.ready(worker)

    def start(self):
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=work, args=(self.location, theirs), daemon=True)
        process.start()
        theirs.close()
        with self.lock:
            self.all.add((process, ours))
        return process, ours

    def ready(self, worker) -> None:
        """Wait for a worker to have opened the store, then let it take requests."""
        process, connection = worker
        if not connection.poll(STARTUP):
            self.stop(worker)
            raise Unavailable(f"{self.location}: the store did not open within {STARTUP:g} s")
        try:
            state, reason = connection.recv()
        except (EOFError, OSError):
            state, reason = "failed", "the worker process ended while opening it"
        if state != "ready":
            self.stop(worker)
            raise Unavailable(reason)
        self.idle.put(worker)

    def replace(self) -> None:
        """A new worker for one that was stopped; it opens the store again, which may have been
        rebuilt since, so the answers kept are dropped."""
        if self.closed:
            return
        self.answers.clear()
        try:
            self.ready(self.start())
        except Unavailable:
            pass  # the store has gone from under the server; the remaining workers go on

    def stop(self, worker) -> None:
        process, connection = worker
        with self.lock:
            self.all.discard(worker)
        process.kill()
        process.join()
        connection.close()

    def answer(self, request: Request) -> Reply:
        """The worker's reply, or 503 when no worker was free, or the answer not ready, within the
        time limit (the worker is then killed and replaced), or 500 when the worker died."""
        kept = self.answers.get(request)
        if kept is not None:
            return kept
        began = time.monotonic()
        try:
            worker = self.idle.get(timeout=self.time_limit)
        except queue.Empty:
            return Reply(HTTPStatus.SERVICE_UNAVAILABLE, f"busy: no query worker was free within {self.time_limit:g} s; try again\n".encode())
        process, connection = worker
        try:
            connection.send(request)
            if connection.poll(max(0.0, self.time_limit - (time.monotonic() - began))):
                reply = connection.recv()
                self.idle.put(worker)
                self.answers.put(request, reply)
                return reply
            outcome = Reply(HTTPStatus.SERVICE_UNAVAILABLE, f"the query was stopped: it took longer than the time limit of {self.time_limit:g} s\n".encode())
        except (EOFError, OSError):
            outcome = Reply(HTTPStatus.INTERNAL_SERVER_ERROR, b"the query could not be answered (the engine failed on it)\n")
        self.stop(worker)
        threading.Thread(target=self.replace, daemon=True).start()
        return outcome

    def close(self) -> None:
        self.closed = True
        with self.lock:
            workers = list(self.all)
        for worker in workers:
            self.stop(worker)
