"""Bundled query latency: rdflib's SPARQL over a parsed graph vs the embedded Oxigraph store.
Run after `make graph`: .venv/bin/python bench/query_engines.py [output/sendkg.ttl]

Builds a temporary store from the graph file, runs every bundled query 5 times on each engine,
and prints the median milliseconds (parameters bound as the README shows).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from sendkg.query import bundled, load_query
from sendkg.query import run as rdflib_run
from sendkg.store import fill
from sendkg.store import run as store_run
from sendkg.write import load, ntriples

def median_ms(function, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "output/sendkg.ttl")
    start = time.perf_counter()
    graph = load(path)
    parse_ms = 1000 * (time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        fill(Path(folder) / "store", ntriples(graph), {})
        fill_ms = 1000 * (time.perf_counter() - start)
        print(f"{path}: {len(graph)} triples; parse {parse_ms:.0f} ms (rdflib), fill store {fill_ms:.0f} ms")
        print("| query | rdflib ms | Oxigraph ms |")
        print("|---|---|---|")
        for name in bundled():
            params = load_query(name).example
            slow = median_ms(lambda: rdflib_run(graph, name, params))
            fast = median_ms(lambda: store_run(Path(folder) / "store", name, params))
            print(f"| {name} | {slow:.0f} | {fast:.1f} |")


if __name__ == "__main__":
    main()
