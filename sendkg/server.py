"""Serving the store over the SPARQL 1.1 Protocol, and loading a graph into any server that speaks
the SPARQL 1.1 Graph Store Protocol.

`serve`: a read-only SPARQL endpoint on localhost (GET or POST /sparql) over the embedded store,
with a small HTML page listing the bundled queries. Standard library HTTP only.

`load`: each named graph PUT to the Graph Store endpoint (replace semantics: loading twice leaves
the same triples), credentials from the environment (SENDKG_USER, SENDKG_PASSWORD), never printed.
"""

from __future__ import annotations

import base64
import html
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .query import bundled
from .store import open_store
from .write import graphs_in_order, ntriples

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "text/csv": ox.QueryResultsFormat.CSV,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


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


def handler_for(store: ox.Store) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def answer(self, query: str | None) -> None:
            if not query:
                self.send(HTTPStatus.BAD_REQUEST, b"missing 'query'\n", "text/plain")
                return
            accept = self.headers.get("Accept", "")
            media = next((m for m in RESULT_FORMATS if m in accept), "application/sparql-results+json")
            try:
                results = store.query(query, use_default_graph_as_union=True)
                if isinstance(results, ox.QuerySolutions | ox.QueryBoolean):
                    body = results.serialize(format=RESULT_FORMATS[media])
                else:
                    body = ox.serialize(results, format=ox.RdfFormat.N_TRIPLES)
                    media = "application/n-triples"
            except SyntaxError as error:
                self.send(HTTPStatus.BAD_REQUEST, f"{error}\n".encode(), "text/plain")
                return
            self.send(HTTPStatus.OK, body, media)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urllib.parse.urlsplit(self.path)
            if url.path in ("/", "/index.html"):
                self.send(HTTPStatus.OK, page().encode(), "text/html; charset=utf-8")
            elif url.path in ("/sparql", "/query"):
                self.answer(urllib.parse.parse_qs(url.query).get("query", [None])[0])
            else:
                self.send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

        def do_POST(self) -> None:  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            if url.path not in ("/sparql", "/query"):
                self.send(HTTPStatus.METHOD_NOT_ALLOWED, b"read-only: only queries are answered\n", "text/plain")
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
            kind = self.headers.get("Content-Type", "")
            query = body if kind.startswith("application/sparql-query") else urllib.parse.parse_qs(body).get("query", [None])[0]
            self.answer(query)

    return Handler


def serve(location: Path, host: str = "127.0.0.1", port: int = 7879) -> ThreadingHTTPServer:
    """A server ready to `serve_forever()` over a store folder, or a graph file loaded into memory
    (`store.open_store`); the caller stops it with `shutdown()`."""
    store = open_store(location)
    return ThreadingHTTPServer((host, port), handler_for(store))


def credentials() -> str | None:
    user, password = os.environ.get("SENDKG_USER"), os.environ.get("SENDKG_PASSWORD")
    if not user:
        return None
    return "Basic " + base64.b64encode(f"{user}:{password or ''}".encode()).decode()


def load(shared: Graph, parts: Mapping[URIRef, bytes], endpoint: str, timeout: float = 30.0) -> dict[str, int]:
    """PUT every graph (the shared one and each named one, as N-Triples) to a Graph Store Protocol
    endpoint. Returns triples sent per graph IRI."""
    sent = {}
    for identifier, body in graphs_in_order(ntriples(shared), parts):
        put(endpoint, str(identifier), body, timeout)
        sent[str(identifier)] = body.count(b"\n")
    return sent


def put(endpoint: str, graph_iri: str, body: bytes, timeout: float) -> None:
    url = f"{endpoint}{'&' if '?' in endpoint else '?'}graph={urllib.parse.quote(graph_iri, safe='')}"
    request = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": "application/n-triples"})
    auth = credentials()
    if auth:
        request.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise LoadError(f"{endpoint} refused graph {graph_iri}: HTTP {error.code} {error.reason}") from None
    except (TimeoutError, socket.timeout):
        raise LoadError(f"{endpoint} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise LoadError(f"{endpoint} did not answer within {timeout:g} s") from None
        raise LoadError(f"cannot reach {endpoint}: {getattr(reason, 'strerror', None) or reason}") from None
