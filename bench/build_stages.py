"""Time each pipeline stage on the bundled corpus. Run: .venv/bin/python bench/build_stages.py

Prints one row per stage (median of 3 runs) for the README; timings are measured here, never
asserted in tests.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from sendkg.extract import extract
from sendkg.nlp import analyse, pipeline
from sendkg.numbers import measure
from sendkg.official import official_graph
from sendkg.themes import lemmatiser, matcher, tag
from sendkg.rdf import to_graph
from sendkg.read import find_documents, read
from sendkg.structure import structure
from sendkg.validate import validate
from sendkg.write import serialise

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def run_once() -> dict[str, float]:
    times: dict[str, float] = {}

    def timed(name, function, *args):
        start = time.perf_counter()
        result = function(*args)
        times[name] = times.get(name, 0.0) + time.perf_counter() - start
        return result

    paths = list(find_documents([CORPUS]))
    sources = [timed("read", read, p) for p in paths]
    layouts = [timed("structure", structure, s) for s in sources]
    docs = timed("nlp (spaCy pipe)", lambda: list(analyse(l.source.text for l in layouts)))
    extractions = [timed("extract", extract, l, d) for l, d in zip(layouts, docs)]
    timed("themes (lemma phrase matching)", tag, extractions)
    timed("numbers", measure, extractions)
    graph = timed("resolve + map to RDF", to_graph, extractions)
    graph += timed("official statistics", official_graph)
    timed("validate (shifty)", validate, graph)
    timed("validate (pyshacl, the reference)", validate, graph, "pyshacl")
    timed("write Turtle", serialise, graph)
    times["documents"] = len(paths)
    times["triples"] = len(graph)
    return times


def main() -> None:
    start = time.perf_counter()
    pipeline()
    matcher()
    lemmatiser()
    print(f"spaCy pipelines (entities, theme lemmas) built once per process in {time.perf_counter() - start:.2f} s")
    runs = [run_once() for _ in range(3)]
    print(f"{int(runs[0]['documents'])} documents, {int(runs[0]['triples'])} triples; median of 3 runs")
    print("| stage | seconds |")
    print("|---|---|")
    total = 0.0
    for stage in runs[0]:
        if stage in ("documents", "triples"):
            continue
        seconds = statistics.median(r[stage] for r in runs)
        total += seconds
        print(f"| {stage} | {seconds:.2f} |")
    print(f"| **total** | **{total:.2f}** |")


if __name__ == "__main__":
    main()
