"""Serving the store over HTTP, and loading into a real Oxigraph server started here on 127.0.0.1."""

from __future__ import annotations

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
from pathlib import Path

import pytest

from sendkg.server import LoadError, load, serve
from sendkg.store import fill
from sendkg.write import serialise_parts, write_atomic


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    write_atomic(serialise_parts(corpus_build.shared, corpus_build.parts, "nq"), tmp_path / "sendkg.nq")
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
