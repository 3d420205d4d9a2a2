"""Serving the store over the SPARQL 1.1 Protocol, and loading a graph into any server that speaks
the SPARQL 1.1 Graph Store Protocol.

`serve`: a read-only SPARQL endpoint on localhost (GET or POST /sparql) over the embedded store,
with a small HTML page listing the bundled queries. SELECT and ASK answers come as SPARQL JSON,
XML, CSV or TSV, CONSTRUCT and DESCRIBE as N-Triples, Turtle, RDF/XML or JSON-LD, as the Accept
header asks; `default-graph-uri` and `named-graph-uri` choose the dataset (by default, the union of
the named graphs); an update is refused (403, read-only), and so is SERVICE (403: the server
never fetches from elsewhere); CORS headers let a page on any origin
query it. Standard library HTTP; the queries themselves are answered in worker processes that a
time limit stops (`workers`).

`load`: each named graph PUT to the Graph Store endpoint (replace semantics: loading twice leaves
the same triples), credentials from the environment (SENDKG_USER, SENDKG_PASSWORD; Basic or Digest,
as the server asks), never printed; `prune_graphs` deletes the sendkg graphs a build no longer has.
"""

from __future__ import annotations

import base64
import html
import json
import os
import secrets
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rdflib import Graph, URIRef

from .query import QueryError, bundled, check_limits, uses_service
from .workers import ANSWERS, TIME_LIMIT, Request, Workers
from .write import DEFAULT_GRAPH, graphs_in_order, ntriples

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
}
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
MAX_BODY = 1_000_000  # bytes of a POSTed query
WORKERS = 16
OWN_GRAPHS = str(DEFAULT_GRAPH)  # every graph sendkg writes is this IRI or starts with it and '/'


class LoadError(Exception):
    """The server could not be reached, refused the graph, or did not answer in time."""


def page() -> str:
    items = "".join(
        f'<li><a href="/sparql?query={urllib.parse.quote(path.read_text(encoding="utf-8"))}">{html.escape(name)}</a></li>'
        for name, path in bundled().items()
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>sendkg SPARQL endpoint</title></head><body>"
        "<h1>sendkg SPARQL endpoint (read-only)</h1>"
        "<form action='/sparql' method='get'><textarea name='query' rows='12' cols='100'>"
        "SELECT * WHERE { ?s ?p ?o } LIMIT 10</textarea><br><button>Run</button></form>"
        f"<h2>Bundled queries</h2><ul>{items}</ul></body></html>"
    )


def handler_for(workers: Workers) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in CORS.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def answer(self, query: str | None, default_graphs: list[str], named_graphs: list[str]) -> None:
            if not query:
                self.send(HTTPStatus.BAD_REQUEST, b"missing 'query'\n", "text/plain")
                return
            if uses_service(query):
                self.send(HTTPStatus.FORBIDDEN, b"SERVICE is refused: this endpoint never fetches from other servers\n", "text/plain")
                return
            try:
                check_limits(query)
            except QueryError as error:
                self.send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"{error}\n".encode(), "text/plain")
                return
            reply = workers.answer(Request(query, self.headers.get("Accept", ""), tuple(default_graphs), tuple(named_graphs)))
            self.send(reply.status, reply.body, reply.media)

        def refuse_update(self) -> None:
            self.send(HTTPStatus.FORBIDDEN, b"read-only: this endpoint answers queries, never updates\n", "text/plain")

        def do_OPTIONS(self) -> None:  # noqa: N802 - http.server's naming; a browser's CORS preflight
            self.send(HTTPStatus.NO_CONTENT, b"", "text/plain")

        def refused_host(self) -> bool:
            """A page elsewhere can rename itself to 127.0.0.1 (DNS rebinding) and read the
            answers; a request must name this server by a loopback name to be answered."""
            host = (self.headers.get("Host") or "").strip().lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.strip("[]") in LOOPBACK_NAMES or self.server.server_address[0] not in LOOPBACK_NAMES:
                return False
            self.send(HTTPStatus.FORBIDDEN, b"refused: the Host header does not name this server\n", "text/plain")
            return True

        def do_GET(self) -> None:  # noqa: N802
            if self.refused_host():
                return
            url = urllib.parse.urlsplit(self.path)
            form = urllib.parse.parse_qs(url.query)
            if url.path in ("/", "/index.html"):
                self.send(HTTPStatus.OK, page().encode(), "text/html; charset=utf-8")
            elif url.path in ("/sparql", "/query"):
                if "update" in form:
                    self.refuse_update()
                    return
                self.answer(form.get("query", [None])[0], form.get("default-graph-uri", []), form.get("named-graph-uri", []))
            else:
                self.send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

        def do_POST(self) -> None:  # noqa: N802
            if self.refused_host():
                return
            url = urllib.parse.urlsplit(self.path)
            kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            length = self.headers.get("Content-Length", "0").strip()
            if not length.isdigit():
                self.send(HTTPStatus.BAD_REQUEST, b"Content-Length is not a number\n", "text/plain")
                return
            if int(length) > MAX_BODY:
                self.send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY:,} bytes\n".encode(), "text/plain")
                self.close_connection = True
                return
            raw = self.rfile.read(int(length))
            try:
                body = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.send(HTTPStatus.BAD_REQUEST, b"the request body is not UTF-8\n", "text/plain")
                return
            form = urllib.parse.parse_qs(url.query)
            if kind == "application/x-www-form-urlencoded":
                form = {**form, **urllib.parse.parse_qs(body)}
            if url.path == "/update" or kind == "application/sparql-update" or "update" in form:
                self.refuse_update()
                return
            if url.path not in ("/sparql", "/query"):
                self.send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
                return
            query = body if kind == "application/sparql-query" else form.get("query", [None])[0]
            self.answer(query, form.get("default-graph-uri", []), form.get("named-graph-uri", []))

        do_PUT = do_DELETE = do_PATCH = refuse_update  # noqa: N815 - the Graph Store methods: read-only

    return Handler


class Server(ThreadingHTTPServer):
    """At most `WORKERS` requests answered at once (the rest wait in a listen queue of 128, not
    the default 5), each in its own daemon thread."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, handler, workers: Workers | None = None) -> None:
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(WORKERS)
        self.workers = workers

    def server_close(self) -> None:
        super().server_close()
        if self.workers is not None:
            self.workers.close()

    def process_request(self, request, client_address) -> None:
        self.slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def handle_error(self, request, client_address) -> None:
        """A client that went away mid-answer is no error of the server's: one line, no traceback."""
        import sys

        error = sys.exc_info()[1]
        print(f"sendkg serve: {client_address[0]}: {type(error).__name__}: {error}", file=sys.stderr)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def serve(location: Path, host: str = "127.0.0.1", port: int = 7879, processes: int = 2, time_limit: float = TIME_LIMIT, answers: int = ANSWERS) -> ThreadingHTTPServer:
    """A server ready to `serve_forever()` over a store folder, or a graph file loaded into memory
    (`store.open_store`), its queries answered by `processes` workers, each query within
    `time_limit` seconds, and up to `answers` bytes of answers kept for repeated requests (0:
    none); the caller stops it with `shutdown()` and `server_close()`."""
    workers = Workers(location, processes, time_limit, answers)
    try:
        return Server((host, port), handler_for(workers), workers)
    except BaseException:
        workers.close()
        raise


def opener(url: str) -> urllib.request.OpenerDirector:
    """An opener that answers a server's request for credentials, Basic or Digest, from
    SENDKG_USER and SENDKG_PASSWORD; without them, a plain one."""
    passwords = credentials(url)
    if passwords is None:
        return urllib.request.build_opener()
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords))


def credentials(url: str) -> urllib.request.HTTPPasswordMgrWithDefaultRealm | None:
    """SENDKG_USER and SENDKG_PASSWORD, or else the user and password written in the URL."""
    user, password = os.environ.get("SENDKG_USER"), os.environ.get("SENDKG_PASSWORD")
    if not user:
        written = urllib.parse.urlsplit(url)
        user, password = written.username, written.password
    if not user:
        return None
    url = without_credentials(url)
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, user, password or "")
    return passwords


def authorisation(written: str, url: str, method: str, timeout: float) -> str | None:
    """The Authorization header for a request with a body, worked out before it is sent.

    A server that wants credentials answers 401 as soon as it has read the headers and may close
    the connection while the body is still being sent (Virtuoso does), so the body must not go
    out unauthenticated: a request without one fetches the server's challenge first, and the
    header is computed from it (Digest or Basic). None when no credentials are set or the server
    asks for none. `written` is the URL as given, which may hold the credentials."""
    passwords = credentials(written)
    if passwords is None:
        return None
    challenges = asks_for_credentials(url, method, timeout) or []
    for challenge in challenges:
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() == "digest":
            digest = urllib.request.HTTPDigestAuthHandler(passwords)
            fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(rest)))
            return f"Digest {digest.get_authorization(urllib.request.Request(url, method=method), fields)}"
        if scheme.lower() == "basic":
            user, password = passwords.find_user_password(None, url)
            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return None


def load(
    shared: Graph,
    parts: Mapping[URIRef, bytes],
    endpoint: str,
    timeout: float = 30.0,
    deadline: float | None = None,
    update_endpoint: str | None = None,
) -> dict[str, int]:
    """PUT every graph (the shared one and each named one, as N-Triples) to a Graph Store Protocol
    endpoint, each request within `timeout` seconds and all within `deadline`. Returns triples
    sent per graph IRI.

    With `update_endpoint` (the server's SPARQL Update URL), every graph is first put under a
    temporary name, then all are switched in by one update (MOVE); a failure on the way deletes
    the temporary graphs, so the server keeps what it had. Without it, each graph is replaced in
    place, and a failure says how far the load got: loading again (replace semantics) finishes it."""
    graphs = list(graphs_in_order(ntriples(shared), parts))
    clock = Clock(deadline)
    if update_endpoint is None:
        sent: dict[str, int] = {}
        try:
            put_each(graphs, endpoint, timeout, clock, sent)
        except LoadError as error:
            raise LoadError(f"{error}; {how_far(sent, len(graphs))}") from None
        return sent
    staging = f"{OWN_GRAPHS}/staging/{secrets.token_hex(8)}"
    names = {str(identifier): f"{staging}/{number}" for number, (identifier, _) in enumerate(graphs)}
    staged: dict[str, int] = {}
    try:
        put_each(graphs, endpoint, timeout, clock, staged, names)
        switch = " ;\n".join(f"MOVE <{names[graph]}> TO <{graph}>" for graph in staged)
        form = urllib.parse.urlencode({"update": switch}).encode()  # the form every SPARQL server takes
        request(update_endpoint, "POST", clock.wait(timeout), body=form, content_type="application/x-www-form-urlencoded")
    except LoadError as error:
        left = [names[graph] for graph in staged if not deleted(endpoint, names[graph], timeout)]
        kept = "nothing was replaced: the server holds what it had"
        if left:
            kept += f"; {len(left)} temporary graphs under {staging}/ could not be deleted (load --prune removes them)"
        raise LoadError(f"{error}; {kept}") from None
    return staged


class Clock:
    """The time left of a load's deadline, if it has one."""

    def __init__(self, deadline: float | None) -> None:
        self.deadline = deadline
        self.finish = None if deadline is None else time.monotonic() + deadline

    def wait(self, timeout: float) -> float:
        """How long the next request may take: `timeout`, or less when the deadline is nearer."""
        if self.finish is None:
            return timeout
        left = self.finish - time.monotonic()
        if left <= 0:
            raise LoadError(f"the load did not finish within its deadline of {self.deadline:g} s")
        return min(timeout, left)

    def explain(self, error: LoadError, wait: float, timeout: float) -> LoadError:
        """A request cut short by the deadline is said to be the deadline's doing."""
        if self.finish is not None and wait < timeout and time.monotonic() >= self.finish:
            return LoadError(f"the load did not finish within its deadline of {self.deadline:g} s")
        return error


def put_each(graphs: list[tuple[URIRef, bytes]], endpoint: str, timeout: float, clock: Clock, sent: dict[str, int], names: Mapping[str, str] | None = None) -> None:
    """PUT the graphs in order (each under its name in `names`, if given), recording in `sent`
    the triples of each one the server took."""
    for identifier, body in graphs:
        wait = clock.wait(timeout)
        try:
            request(endpoint, "PUT", wait, graph=(names or {}).get(str(identifier), str(identifier)), body=body)
        except LoadError as error:
            raise clock.explain(error, wait, timeout) from None
        sent[str(identifier)] = body.count(b"\n")


def deleted(endpoint: str, graph: str, timeout: float) -> bool:
    try:
        request(endpoint, "DELETE", timeout, graph=graph)
        return True
    except LoadError:
        return False


def how_far(sent: Mapping[str, int], total: int) -> str:
    if not sent:
        return "nothing was replaced: the server holds what it had"
    return (
        f"{len(sent)} of {total} graphs were replaced (the shared graph first, then documents up to "
        f"{list(sent)[-1]}); the other {total - len(sent)} still hold what the server had: load again to finish"
    )


def prune_graphs(kept: set[str], endpoint: str, query_endpoint: str | None = None, timeout: float = 30.0) -> list[str]:
    """Delete the graphs sendkg wrote to the server that are not in `kept`: those whose IRI is
    sendkg's shared graph's or starts with it (no other graph is touched). The server's graphs are
    listed through its SPARQL query endpoint (by default the Graph Store URL with /store as /query,
    as Oxigraph's server has them)."""
    query_endpoint = query_endpoint or beside(endpoint, "query")
    if query_endpoint is None:
        raise LoadError(f"--prune needs --query-endpoint: cannot tell the query URL from {without_credentials(endpoint)}")
    listing = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = request(query_endpoint, "GET", timeout, query=listing, accept="application/sparql-results+json")
    present = {row["g"]["value"] for row in json.loads(answer)["results"]["bindings"]}
    ours = sorted(g for g in present if g == OWN_GRAPHS or g.startswith(OWN_GRAPHS + "/"))
    gone = [g for g in ours if g not in kept]
    for graph in gone:
        request(endpoint, "DELETE", timeout, graph=graph)
    return gone


def beside(endpoint: str, service: str) -> str | None:
    """The URL of the server's `service` (query, update) when the Graph Store endpoint is at
    /store, as Oxigraph's server has them; else None."""
    if not endpoint.rstrip("/").endswith("/store"):
        return None
    return endpoint.rstrip("/")[: -len("store")] + service


def asks_for_credentials(url: str, method: str, timeout: float) -> list[str] | None:
    """The server's challenges (WWW-Authenticate) when it answers the request with an empty body
    with 401, else None."""
    probe = urllib.request.Request(url, data=b"", method=method, headers={"Content-Type": "application/n-triples"})
    try:
        within(timeout, lambda: answer_of(urllib.request.build_opener(), probe, timeout))
        return None
    except urllib.error.HTTPError as error:
        return (error.headers.get_all("WWW-Authenticate") or []) if error.code == 401 else None
    except (OSError, http_client_errors()):
        return None


def without_credentials(url: str) -> str:
    """The URL without a user and password in it: what is requested, and what a message shows."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def request(
    url: str, method: str, timeout: float, body: bytes | None = None, accept: str | None = None, content_type: str = "application/n-triples", **params: str
) -> bytes:
    """One HTTP request, with credentials if the server asks; a failure is a one-line `LoadError`
    that never shows the credentials."""
    written, url = url, without_credentials(url)
    target = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}" if params else url
    headers = {"Content-Type": content_type} if body is not None else {}
    if accept:
        headers["Accept"] = accept
    try:
        if body is not None:
            header = authorisation(written, target, method, timeout)
            if header:
                headers["Authorization"] = header
        return within(timeout, lambda: answer_of(opener(written), urllib.request.Request(target, data=body, method=method, headers=headers), timeout))
    except urllib.error.HTTPError as error:
        raise refused(written, method, params, error.code, error.reason) from None
    except (TimeoutError, socket.timeout):
        raise LoadError(f"{url} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise LoadError(f"{url} did not answer within {timeout:g} s") from None
        if isinstance(reason, ConnectionError) and body is not None and asks_for_credentials(target, method, timeout) is not None:
            raise refused(written, method, params, 401, "Unauthorized") from None
        raise LoadError(f"cannot reach {url}: {getattr(reason, 'strerror', None) or reason}") from None
    except (ConnectionError, http_client_errors()) as error:
        raise LoadError(f"{url} closed the connection ({type(error).__name__})") from None


def answer_of(opener: urllib.request.OpenerDirector, prepared: urllib.request.Request, timeout: float) -> bytes:
    with opener.open(prepared, timeout=timeout) as response:
        return response.read()


def within(seconds: float, call):
    """`call()`, or TimeoutError once `seconds` have passed: a socket's timeout bounds each read,
    so a server sending a byte at a time could otherwise hold a request for ever. The call left
    behind ends when its server does, or with the process."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the caller's thread as it is
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def refused(written: str, method: str, params: dict[str, str], code: int, reason: str) -> LoadError:
    url = without_credentials(written)
    graph = f" graph {params['graph']}" if "graph" in params else ""
    action = "refused" if method == "PUT" else f"refused {method}"
    hint = ""
    if code == 401:
        hint = " (credentials not accepted)" if credentials(written) else " (credentials needed: set SENDKG_USER and SENDKG_PASSWORD)"
    return LoadError(f"{url} {action}{graph}: HTTP {code} {reason}{hint}")


def http_client_errors() -> type[Exception]:
    import http.client

    return http.client.HTTPException
