"""Serving the store over HTTP, and loading into a real Oxigraph server started here on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from click.testing import CliRunner

from sendkg.cli import main
from sendkg.query import bundled, load_query
from sendkg.server import LoadError, load, serve
from sendkg.store import fill, open_store
from sendkg.store import run as store_run
from sendkg.write import DEFAULT_GRAPH, serialise_parts, write_atomic
from tests.engines import free_port


def wait_for(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


def sparql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


@pytest.fixture
def oxigraph_server(tmp_path):
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_loading_twice_into_a_graph_store_leaves_the_same_triples(corpus_build, oxigraph_server):
    sent = load(corpus_build.shared, corpus_build.parts, f"{oxigraph_server}/store")
    first = int(sparql(f"{oxigraph_server}/query", QUADS)["results"]["bindings"][0]["n"]["value"])
    load(corpus_build.shared, corpus_build.parts, f"{oxigraph_server}/store")
    second = int(sparql(f"{oxigraph_server}/query", QUADS)["results"]["bindings"][0]["n"]["value"])
    assert first == second == sum(sent.values())
    assert len(sent) == len(corpus_build.named) + 1
    answer = sparql(
        f"{oxigraph_server}/query",
        "PREFIX sk: <https://w3id.org/sendkg/ontology#> SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?g { ?d sk:fileName ?f } }",
    )
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(corpus_build.extractions)


def test_a_server_that_is_down_refuses_or_hangs_gives_a_clear_error(corpus_build, oxigraph_server):
    with pytest.raises(LoadError, match="cannot reach"):
        load(corpus_build.shared, {}, f"http://127.0.0.1:{free_port()}/store", timeout=5)
    with pytest.raises(LoadError, match="refused graph .*HTTP 4"):
        load(corpus_build.shared, {}, f"{oxigraph_server}/no-such-endpoint", timeout=5)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        with pytest.raises(LoadError, match="did not answer within 1 s"):
            load(corpus_build.shared, {}, f"http://127.0.0.1:{silent.getsockname()[1]}/store", timeout=1)
    finally:
        silent.close()


@pytest.mark.parametrize("location", ["store", "sendkg.nq"])
def test_serve_answers_a_sparql_query_over_http(corpus_build, tmp_path, location):
    """From the on-disk store, or from the N-Quads file loaded into memory."""
    fill(tmp_path / "store", corpus_build.shared_lines, corpus_build.parts)
    write_atomic(serialise_parts(corpus_build.shared_lines, corpus_build.parts, "nq"), tmp_path / "sendkg.nq")
    port = free_port()
    server = serve(tmp_path / location, "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        answer = sparql(
            f"http://127.0.0.1:{port}/sparql",
            "PREFIX sk: <https://w3id.org/sendkg/ontology#> SELECT (COUNT(?f) AS ?n) WHERE { ?f a sk:Finding }",
        )
        assert int(answer["results"]["bindings"][0]["n"]["value"]) > 300
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert b"inspections" in response.read()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/update", data=b"update=CLEAR ALL", method="POST")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10)
    finally:
        server.shutdown()
        server.server_close()


def http(url: str, data: bytes | None = None, method: str | None = None, **headers: str):
    """(status, headers, body) of one request, an HTTP error status included."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def quads_of(store) -> set[tuple[str, ...]]:
    return {tuple(q.value for q in (quad.subject, quad.predicate, quad.graph_name)) + (str(quad.object),) for quad in store}


def served_quads(query_url: str) -> set[tuple[str, ...]]:
    answer = sparql(query_url, ALL_QUADS)
    terms = []
    for row in answer["results"]["bindings"]:
        value = row["o"]
        if value["type"] == "uri":
            obj = f"<{value['value']}>"
        else:
            text = json.dumps(value["value"], ensure_ascii=False)
            obj = f"{text}@{value['xml:lang']}" if "xml:lang" in value else f"{text}^^<{value.get('datatype', 'http://www.w3.org/2001/XMLSchema#string')}>"
        terms.append((row["s"]["value"], row["p"]["value"], row["g"]["value"], obj))
    return set(terms)


def canonical(quads: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Objects written one way whoever wrote them (a plain literal is an xsd:string)."""
    import pyoxigraph as ox

    out = set()
    for s, p, g, o in quads:
        term = next(ox.parse(f"<urn:s> <urn:p> {o} .".encode(), format=ox.RdfFormat.N_TRIPLES)).object
        out.add((s, p, g, str(term)))
    return out


def test_the_store_the_trig_the_nquads_and_a_load_into_a_real_server_hold_the_same_quads(corpus_build, oxigraph_server, tmp_path):
    """One layout everywhere: the shared graph named <https://w3id.org/sendkg/graph>, one named graph
    per document and one for the official statistics, nothing in the default graph."""
    fill(tmp_path / "store", corpus_build.shared_lines, corpus_build.parts)
    for fmt in ("trig", "nq"):
        write_atomic(serialise_parts(corpus_build.shared_lines, corpus_build.parts, fmt), tmp_path / f"sendkg.{fmt}")
    result = CliRunner().invoke(main, ["load", "--endpoint", f"{oxigraph_server}/store", "--graph", str(tmp_path / "sendkg.trig")])
    assert result.exit_code == 0, result.output
    store = quads_of(open_store(tmp_path / "store"))
    assert quads_of(open_store(tmp_path / "sendkg.trig")) == store
    assert quads_of(open_store(tmp_path / "sendkg.nq")) == store
    assert canonical(served_quads(f"{oxigraph_server}/query")) == canonical(store)
    graphs = {g for _, _, g, _ in store}
    assert str(DEFAULT_GRAPH) in graphs and len(graphs) == len(corpus_build.parts) + 1
    empty_default = sparql(f"{oxigraph_server}/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert empty_default["results"]["bindings"][0]["n"]["value"] == "0"


@pytest.mark.parametrize("name", sorted(bundled()))
def test_every_bundled_query_answers_the_same_from_a_server_after_a_load(corpus_build, loaded_server, name):
    """The text `sendkg query` runs, sent unchanged to Oxigraph's server with the union of the named
    graphs as the default graph, gives the embedded store's rows."""
    query_url, store = loaded_server
    text = load_query(name).bound(load_query(name).example)
    status, _, body = http(f"{query_url}?{urllib.parse.urlencode({'query': text, 'union-default-graph': ''})}", Accept="text/csv")
    assert status == 200, body
    import csv
    import io

    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    expected = store_run(store, name, load_query(name).example)
    assert tuple(rows[0]) == expected.columns
    assert sorted(map(tuple, rows[1:])) == sorted(expected.rows)


@pytest.fixture(scope="module")
def loaded_server(corpus_build, tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        load(corpus_build.shared, corpus_build.parts, f"http://127.0.0.1:{port}/store")
        fill(folder / "store", corpus_build.shared_lines, corpus_build.parts)
        yield f"http://127.0.0.1:{port}/query", open_store(folder / "store")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_prune_removes_only_the_graphs_sendkg_wrote_that_the_new_build_no_longer_has(corpus_build, oxigraph_server, tmp_path):
    other = "https://example.org/someone-elses-graph"
    status, _, _ = http(f"{oxigraph_server}/store?graph={other}", b"<urn:a> <urn:b> <urn:c> .\n", "PUT", **{"Content-Type": "application/n-triples"})
    assert status in (201, 204)
    load(corpus_build.shared, corpus_build.parts, f"{oxigraph_server}/store")
    kept = dict(sorted(corpus_build.parts.items())[: len(corpus_build.parts) // 2])
    smaller = tmp_path / "smaller.trig"
    write_atomic(serialise_parts(corpus_build.shared_lines, kept, "trig"), smaller)
    result = CliRunner().invoke(main, ["load", "--endpoint", f"{oxigraph_server}/store", "--graph", str(smaller), "--prune"])
    assert result.exit_code == 0, result.output
    assert f"removed {len(corpus_build.parts) - len(kept)} graphs no longer built" in result.stdout
    listed = sparql(f"{oxigraph_server}/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    graphs = {row["g"]["value"] for row in listed["results"]["bindings"]}
    assert graphs == {str(g) for g in kept} | {str(DEFAULT_GRAPH), other}


@pytest.fixture(scope="module")
def endpoint(corpus_build, tmp_path_factory):
    folder = tmp_path_factory.mktemp("endpoint")
    fill(folder / "store", corpus_build.shared_lines, corpus_build.parts)
    port = free_port()
    server = serve(folder / "store", "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


CONSTRUCT = "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a sk:LocalArea ; rdfs:label ?l }"


@pytest.mark.parametrize(
    "accept,media,rdflib_format",
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml;q=0.9, text/html", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("*/*", "text/turtle", "turtle"),
    ],
)
def test_the_server_answers_construct_in_the_format_asked(endpoint, accept, media, rdflib_format):
    from rdflib import Graph

    status, headers, body = http(f"{endpoint}/sparql?{urllib.parse.urlencode({'query': CONSTRUCT})}", Accept=accept)
    assert status == 200 and headers["Content-Type"] == media
    assert len(Graph().parse(data=body, format=rdflib_format)) > 100


def test_the_server_answers_ask_and_describe(endpoint):
    status, _, body = http(f"{endpoint}/sparql", urllib.parse.urlencode({"query": "ASK { ?i a sk:Inspection }"}).encode(), "POST",
                           Accept="application/sparql-results+json", **{"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and json.loads(body)["boolean"] is True
    describe = "DESCRIBE <https://w3id.org/sendkg/id/area/e06000006>"
    status, headers, body = http(f"{endpoint}/sparql", describe.encode(), "POST", Accept="application/n-triples", **{"Content-Type": "application/sparql-query"})
    assert status == 200 and b"<https://w3id.org/sendkg/id/area/e06000006>" in body
    status, _, body = http(f"{endpoint}/sparql?{urllib.parse.urlencode({'query': CONSTRUCT})}", Accept="text/csv")
    assert status == 406


def test_the_server_honours_default_and_named_graph_uris(endpoint, corpus_build):
    count = "SELECT (COUNT(?f) AS ?n) WHERE { ?f a sk:Finding }"

    def findings(**dataset):
        params = urllib.parse.urlencode({"query": count, **dataset})
        answer = json.loads(http(f"{endpoint}/sparql?{params}", Accept="application/sparql-results+json")[2])
        return int(answer["results"]["bindings"][0]["n"]["value"])

    document = sorted(corpus_build.parts)[0]
    everywhere = findings()
    only_shared = findings(**{"default-graph-uri": str(DEFAULT_GRAPH)})
    one_document = findings(**{"default-graph-uri": str(document)})
    assert everywhere > one_document > 0 and only_shared == 0
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    params = urllib.parse.urlencode({"query": graphs, "named-graph-uri": [str(document), str(DEFAULT_GRAPH)]}, doseq=True)
    rows = json.loads(http(f"{endpoint}/sparql?{params}", Accept="application/sparql-results+json")[2])["results"]["bindings"]
    assert {row["g"]["value"] for row in rows} == {str(document), str(DEFAULT_GRAPH)}


@pytest.mark.parametrize(
    "method,path,data,content_type",
    [
        ("POST", "/sparql", b"update=CLEAR%20ALL", "application/x-www-form-urlencoded"),
        ("POST", "/sparql", b"CLEAR ALL", "application/sparql-update"),
        ("POST", "/update", b"update=CLEAR%20ALL", "application/x-www-form-urlencoded"),
        ("GET", "/sparql?update=CLEAR%20ALL", None, ""),
        ("PUT", "/sparql?graph=urn:g", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples"),
        ("DELETE", "/sparql?graph=urn:g", None, ""),
    ],
)
def test_an_update_is_refused_as_read_only(endpoint, method, path, data, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, body = http(f"{endpoint}{path}", data, method, **headers)
    assert status == 403 and b"read-only" in body
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(sparql(f"{endpoint}/sparql", count)["results"]["bindings"][0]["n"]["value"]) > 1000


def test_the_server_refuses_service_and_never_fetches(endpoint):
    fetched = socket.socket()
    fetched.bind(("127.0.0.1", 0))
    fetched.listen(1)
    fetched.settimeout(2)
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{fetched.getsockname()[1]}/sparql> {{ ?s ?p ?o }} }}"
        status, _, body = http(f"{endpoint}/sparql?{urllib.parse.urlencode({'query': query})}")
        assert status == 403 and b"SERVICE is refused" in body
        with pytest.raises(TimeoutError):
            fetched.accept()
    finally:
        fetched.close()


def test_the_server_sends_cors_headers_for_browser_clients(endpoint):
    status, headers, _ = http(f"{endpoint}/sparql", None, "OPTIONS", Origin="https://example.org", **{"Access-Control-Request-Method": "POST"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*" and "POST" in headers["Access-Control-Allow-Methods"]
    status, headers, _ = http(f"{endpoint}/sparql?{urllib.parse.urlencode({'query': 'ASK {}'})}", Origin="https://example.org")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"


class DemandsCredentials(BaseHTTPRequestHandler):
    """A Graph Store that answers 401 as soon as it has read the headers and closes the
    connection without reading the body, as Virtuoso does; with Basic credentials it keeps what it
    is sent."""

    received: dict[str, bytes] = {}

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_PUT(self):  # noqa: N802
        expected = "Basic " + base64.b64encode(b"loader:secret").decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return
        graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0]
        self.received[graph] = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()


def test_credentials_go_with_the_body_so_a_server_that_hangs_up_on_strangers_still_gets_it(corpus_build, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), DemandsCredentials)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/store"
    try:
        with pytest.raises(LoadError, match=r"refused graph https://w3id.org/sendkg/graph: HTTP 401 Unauthorized \(credentials needed: set SENDKG_USER"):
            load(corpus_build.shared, {}, url, timeout=10)
        monkeypatch.setenv("SENDKG_USER", "loader")
        monkeypatch.setenv("SENDKG_PASSWORD", "secret")
        sent = load(corpus_build.shared, corpus_build.parts, url, timeout=10)
        assert set(DemandsCredentials.received) == set(sent)
        assert DemandsCredentials.received[str(DEFAULT_GRAPH)] == corpus_build.shared_lines
        monkeypatch.delenv("SENDKG_USER")
        monkeypatch.delenv("SENDKG_PASSWORD")
        DemandsCredentials.received.clear()
        written = url.replace("http://", "http://loader:secret@")
        assert set(load(corpus_build.shared, corpus_build.parts, written, timeout=10)) == set(DemandsCredentials.received)
        with pytest.raises(LoadError) as refused:
            load(corpus_build.shared, {}, written.replace("secret", "wrong"), timeout=10)
        assert "HTTP 401" in str(refused.value) and "wrong" not in str(refused.value) and "loader" not in str(refused.value)
    finally:
        server.shutdown()
        server.server_close()


def raw_request(endpoint: str, data: bytes) -> bytes:
    """What the server sends back for bytes written to it as they are."""
    host, port = urllib.parse.urlsplit(endpoint).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    "data,status",
    [
        (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: abc\r\nConnection: close\r\n\r\nASK {}", b"400"),
        (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 6\r\nConnection: close\r\n\r\nASK\xff{}", b"400"),
        (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n", b"413"),
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n", b"403"),
    ],
)
def test_a_malformed_or_foreign_request_gets_a_4xx_not_a_dropped_connection(endpoint, data, status):
    assert raw_request(endpoint, data).split(b" ", 2)[1] == status
    assert http(f"{endpoint}/sparql?{urllib.parse.urlencode({'query': 'ASK {}'})}")[0] == 200


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 90000 + "true) }",
        "SELECT * WHERE {" + "{?s ?p ?o} UNION " * 2500 + "{?s ?p ?o}}",
    ],
)
def test_a_query_that_would_crash_the_engine_is_refused_and_the_server_lives_on(endpoint, query):
    status, _, body = http(f"{endpoint}/sparql", query.encode(), "POST", **{"Content-Type": "application/sparql-query"})
    assert status == 413 and b"the limit is" in body
    assert http(f"{endpoint}/sparql?{urllib.parse.urlencode({'query': 'ASK {}'})}")[0] == 200


def test_forty_clients_at_once_are_all_answered(endpoint):
    from concurrent.futures import ThreadPoolExecutor

    url = f"{endpoint}/sparql?{urllib.parse.urlencode({'query': 'SELECT (COUNT(*) AS ?n) WHERE { ?s a sk:Inspection }'})}"
    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(lambda _: http(url, Accept="text/csv")[0], range(200)))
    assert statuses == [200] * 200


@pytest.fixture
def one_worker(corpus_build, tmp_path):
    """A server with one query worker and a time limit of two seconds."""
    write_atomic(serialise_parts(corpus_build.shared_lines, corpus_build.parts, "nq"), tmp_path / "sendkg.nq")
    server = serve(tmp_path / "sendkg.nq", "127.0.0.1", free_port(), processes=1, time_limit=2)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


COUNT = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a sk:Inspection }"})


def test_a_query_past_the_time_limit_is_stopped_with_503_and_the_next_is_answered(one_worker):
    server, url = one_worker
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    (before,) = [process.pid for process, _ in server.workers.all]
    status, _, body = http(f"{url}/sparql", endless.encode(), "POST", **{"Content-Type": "application/sparql-query"})
    assert status == 503 and b"time limit of 2 s" in body
    assert http(f"{url}/sparql?{COUNT}", Accept="text/csv")[:1] == (200,)
    (after,) = [process.pid for process, _ in server.workers.all]
    assert after != before


def test_a_query_worker_that_dies_is_replaced_and_the_server_lives_on(one_worker):
    import os
    import signal

    server, url = one_worker
    for process, _ in list(server.workers.all):
        os.kill(process.pid, signal.SIGKILL)
        process.join()
    status, _, body = http(f"{url}/sparql?{COUNT}", Accept="text/csv")
    assert status == 500 and b"engine failed" in body
    status, _, body = http(f"{url}/sparql?{COUNT}", Accept="text/csv")
    assert status == 200 and body.splitlines()[1].isdigit()


def test_a_repeated_request_is_answered_from_the_answers_kept(one_worker):
    import os
    import signal

    server, url = one_worker
    first = http(f"{url}/sparql?{COUNT}", Accept="text/csv")
    for process, _ in list(server.workers.all):  # no worker to evaluate it now
        os.kill(process.pid, signal.SIGKILL)
        process.join()
    assert http(f"{url}/sparql?{COUNT}", Accept="text/csv")[2] == first[2]
    assert http(f"{url}/sparql?{COUNT}", Accept="application/sparql-results+json")[0] == 500


class FailsAtTheSixthGraph(BaseHTTPRequestHandler):
    """A Graph Store that takes five graphs, refuses the sixth, and takes everything after a reset;
    optionally slow."""

    puts = 0
    delay = 0.0

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_PUT(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).puts += 1
        time.sleep(self.delay)
        self.send_response(500 if type(self).puts == 6 else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_load_that_fails_half_way_says_what_it_left_and_a_second_load_finishes(corpus_build):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FailsAtTheSixthGraph)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/store"
    total = len(corpus_build.parts) + 1
    try:
        with pytest.raises(LoadError) as failed:
            load(corpus_build.shared, corpus_build.parts, url, timeout=10)
        message = str(failed.value)
        assert "HTTP 500" in message and f"5 of {total} graphs were replaced" in message
        assert f"the other {total - 5} still hold what the server had: load again to finish" in message
        assert len(load(corpus_build.shared, corpus_build.parts, url, timeout=10)) == total
        FailsAtTheSixthGraph.puts, FailsAtTheSixthGraph.delay = 100, 0.3
        with pytest.raises(LoadError, match=r"did not finish within its deadline of 1 s; \d+ of"):
            load(corpus_build.shared, corpus_build.parts, url, timeout=10, deadline=1)
    finally:
        FailsAtTheSixthGraph.delay = 0.0
        server.shutdown()
        server.server_close()


def forwarding_to(upstream: str, fail_put: int) -> ThreadingHTTPServer:
    """A proxy in front of a real server that refuses the `fail_put`-th PUT with 500."""

    class Forward(BaseHTTPRequestHandler):
        puts = 0

        def log_message(self, format, *args):  # noqa: A002
            pass

        def relay(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
            if self.command == "PUT":
                type(self).puts += 1
                if type(self).puts == fail_put:
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            status, _, answer = http(upstream + self.path, body, self.command, **headers)
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_PUT = do_POST = do_DELETE = relay  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_load_that_fails_half_way_leaves_the_server_as_it_was(corpus_build, oxigraph_server):
    """Graphs go under temporary names first and are switched in by one update at the end; a
    failure before then deletes them, so a real server keeps exactly what it had."""
    first = dict(list(corpus_build.parts.items())[:3])
    load(corpus_build.shared, first, f"{oxigraph_server}/store", update_endpoint=f"{oxigraph_server}/update")
    before = served_quads(f"{oxigraph_server}/query")
    proxy = forwarding_to(oxigraph_server, fail_put=6)
    url = f"http://127.0.0.1:{proxy.server_address[1]}"
    try:
        with pytest.raises(LoadError, match="HTTP 500.*; nothing was replaced: the server holds what it had$"):
            load(corpus_build.shared, corpus_build.parts, f"{url}/store", timeout=10, update_endpoint=f"{url}/update")
        assert served_quads(f"{oxigraph_server}/query") == before
        sent = load(corpus_build.shared, corpus_build.parts, f"{url}/store", timeout=10, update_endpoint=f"{url}/update")
        assert len(sent) == len(corpus_build.parts) + 1
        graphs = sparql(f"{oxigraph_server}/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")["results"]["bindings"]
        assert {row["g"]["value"] for row in graphs} == {str(DEFAULT_GRAPH), *map(str, corpus_build.parts)}
    finally:
        proxy.shutdown()
        proxy.server_close()


class Drips(BaseHTTPRequestHandler):
    """A server that takes the graph, then answers one byte at a time, for ever."""

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_PUT(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        try:
            for byte in b"HTTP/1.0 204 No Content\r\nX-Padding: " + b"a" * 10_000:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass


def test_a_server_that_answers_a_byte_at_a_time_cannot_hold_a_load_past_its_timeout(corpus_build):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Drips)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(LoadError, match="did not answer within 1 s; nothing was replaced"):
            load(corpus_build.shared, {}, f"http://127.0.0.1:{server.server_address[1]}/store", timeout=1)
    finally:
        server.shutdown()
        server.server_close()
