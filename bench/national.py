"""A synthetic national corpus and what building it costs. Run: make bench (or
.venv/bin/python bench/national.py 100 1000 5000).

Each synthetic document is one of the bundled documents (the reports as the PDF reader's text)
with its area, people and dates changed: the area becomes another English local authority, the
inspectors and addressees get other names, the dates move by whole weeks. For each size it
reports documents/s, triples/s, SHACL validation time, the time to rebuild after one document
changes (with the extraction cache), bundled query latency (embedded store vs rdflib) and peak
memory. Figures are printed, never asserted.
"""

from __future__ import annotations

import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sendkg.dates import DATE, RANGE, make
from sendkg.gazetteer import local_authorities
from sendkg.pdf import read_pdf
from sendkg.pipeline import build
from sendkg.query import run as rdflib_run
from sendkg.store import fill
from sendkg.store import run as store_run
from sendkg.write import serialise

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUERIES = ("inspections", "findings", "organisations", "area-history", "themes")
FIRST = ["Alex", "Sam", "Jo", "Priya", "Tomasz", "Aisha", "Morgan", "Niamh", "Kwame", "Ruth", "Ian", "Lena"]
LAST = ["Hartley", "Osei", "Brennan", "Kowalski", "Ahmed", "Fletcher", "Nakamura", "Doyle", "Marsh", "Quinn"]
AREAS = {
    "stoke-on-trent": ["Stoke-on-Trent", "Stoke"],
    "st-helens": ["St Helens"],
    "worcestershire": ["Worcestershire"],
    "halton": ["Halton"],
    "sefton": ["Sefton"],
    "bedford": ["Bedford Borough", "Bedford"],
    "blackpool": ["Blackpool"],
}


def templates() -> list[tuple[str, str, list[str]]]:
    """(name, text, the area's spellings) for every bundled document."""
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".txt", ".pdf") or path.name.lower().startswith("readme"):
            continue
        text = path.read_text(encoding="utf-8") if path.suffix == ".txt" else read_pdf(path.read_bytes())[0]
        spellings = next(v for k, v in AREAS.items() if path.name.startswith(k))
        found.append((path.stem, text, spellings))
    return found


def vary(text: str, spellings: list[str], area: str, rng: random.Random) -> str:
    for spelling in sorted(spellings, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(spelling)}\b", area, text)
    people = {}
    for match in re.finditer(r"\b([A-Z][a-z]+) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b(?=,? (?:HMI|CQC|Ofsted|Her Majesty|His Majesty|Lead|Regional|Director|Chief|Local Area))", text):
        people.setdefault(match.group(0), f"{rng.choice(FIRST)} {rng.choice(LAST)}")
    for old, new in people.items():
        text = text.replace(old, new)
    weeks = timedelta(weeks=rng.randint(-40, 40))

    def moved(day: date | None, original: str) -> str:
        return (day + weeks).strftime("%-d %B %Y") if day else original

    ranges: list[str] = []

    def shift_range(match: re.Match) -> str:
        end = make(match["bd"], match["bm"], match["by"])
        start = make(match["ad"], match["am"] or match["bm"], match["ay"] or match["by"])
        ranges.append(f"{moved(start, '?')} to {moved(end, '?')}" if start and end else match.group(0))
        return f"\x00{len(ranges) - 1}\x00"

    text = RANGE.sub(shift_range, text)
    text = DATE.sub(lambda m: moved(make(m["bd"], m["bm"], m["by"]), m.group(0)), text)
    return re.sub(r"\x00(\d+)\x00", lambda m: ranges[int(m.group(1))], text)


def synthesise(folder: Path, size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    sources = templates()
    areas = [la.name for la in local_authorities() if la.gss]
    for number in range(size):
        name, text, spellings = sources[number % len(sources)]
        area = areas[(number * 7919) % len(areas)]
        (folder / f"{number:05d}-{name}.txt").write_text(vary(text, spellings, area, rng), encoding="utf-8")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def measure(size: int, jobs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        corpus, cache, store = Path(work) / "corpus", Path(work) / "cache", Path(work) / "store"
        corpus.mkdir()
        synthesise(corpus, size)
        start = time.perf_counter()
        result = build([corpus], check=False, jobs=jobs, cache=cache)
        built = time.perf_counter() - start
        start = time.perf_counter()
        from sendkg.validate import validate

        report = validate(result.graph)
        validated = time.perf_counter() - start
        start = time.perf_counter()
        serialise(result.graph, "turtle")
        written = time.perf_counter() - start
        fill(store, result.graph, result.named)
        first = sorted(corpus.iterdir())[0]
        first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        start = time.perf_counter()
        again = build([corpus], check=False, jobs=jobs, cache=cache)
        fill(store, again.graph, again.named)
        rebuilt = time.perf_counter() - start
        latencies_store, latencies_rdflib = [], []
        for name in QUERIES:
            start = time.perf_counter()
            store_run(store, name)
            latencies_store.append(1000 * (time.perf_counter() - start))
            start = time.perf_counter()
            rdflib_run(result.graph, name)
            latencies_rdflib.append(1000 * (time.perf_counter() - start))
        shutil.rmtree(store, ignore_errors=True)
        return {
            "documents": len(result.extractions),
            "failed": len(result.failures),
            "triples": len(result.graph),
            "build_s": built,
            "docs_per_s": len(result.extractions) / built,
            "triples_per_s": len(result.graph) / built,
            "validate_s": validated,
            "conforms": report.conforms,
            "write_s": written,
            "rebuild_s": rebuilt,
            "query_store_ms": statistics.median(latencies_store),
            "query_store_max_ms": max(latencies_store),
            "query_rdflib_ms": statistics.median(latencies_rdflib),
            "peak_mb": peak_mb(),
        }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]
    print("| documents | failed | triples | build s | docs/s | triples/s | SHACL s | Turtle s | rebuild after one change s | query median ms (store / rdflib) | slowest query ms (store) | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        m = measure(size, jobs=2)
        print(
            f"| {m['documents']} | {m['failed']} | {m['triples']} | {m['build_s']:.1f} | {m['docs_per_s']:.1f} | {m['triples_per_s']:.0f} | "
            f"{m['validate_s']:.1f}{'' if m['conforms'] else ' (violations)'} | {m['write_s']:.1f} | {m['rebuild_s']:.1f} | "
            f"{m['query_store_ms']:.0f} / {m['query_rdflib_ms']:.0f} | {m['query_store_max_ms']:.0f} | {m['peak_mb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
