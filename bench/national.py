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

import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from sendkg.dates import DATE, RANGE, make
from sendkg.gazetteer import local_authorities
from sendkg.pdf import read_pdf
from sendkg.pipeline import build
from sendkg.query import run as rdflib_run
from sendkg.query import bundled
from sendkg.store import fill
from sendkg.store import run as store_run
from sendkg.validate import validate
from sendkg.write import serialise_parts

from query_engines import PARAMS, median_ms

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


class PeakMemory:
    """The largest sum of resident memory of this process and its descendants (the build's worker
    processes), sampled every 50 ms while a step runs."""

    def __init__(self) -> None:
        self.peak = 0
        self.running = False

    def __enter__(self) -> "PeakMemory":
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()

    def sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while self.running:
            self.peak = max(self.peak, sum(resident_pages(pid) for pid in family(os.getpid())) * page)
            time.sleep(0.05)

    @property
    def mb(self) -> float:
        return self.peak / 2**20


def family(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def resident_pages(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def measure(size: int, jobs: int, whole: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        corpus, cache, store = Path(work) / "corpus", Path(work) / "cache", Path(work) / "store"
        corpus.mkdir()
        synthesise(corpus, size)
        m: dict[str, float] = {}
        with PeakMemory() as memory:
            result, m["build_s"] = timed(build, [corpus], check=True, jobs=jobs, cache=cache)
            nquads, m["write_nq_s"] = timed(serialise_parts, result.shared, result.parts, "nq")
            _, m["fill_s"] = timed(fill, store, result.shared, result.parts)
        m["peak_mb"] = memory.mb
        _, m["extract_map_s"] = timed(build, [corpus], check=False, jobs=jobs)
        m["documents"], m["failed"], m["triples"] = len(result.extractions), len(result.failures), result.triple_count
        m["conforms"] = result.report.conforms
        m["nq_mb"] = len(nquads) / 2**20
        del nquads
        first = sorted(corpus.iterdir())[0]
        first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        start = time.perf_counter()
        again = build([corpus], check=True, jobs=jobs, cache=cache)
        fill(store, again.shared, again.parts)
        m["rebuild_s"] = time.perf_counter() - start
        latencies = {name: median_ms(lambda: store_run(store, name, PARAMS.get(name, {})), 3) for name in bundled()}
        m["query_store_ms"] = statistics.median(latencies.values())
        m["slowest_query"], m["query_store_max_ms"] = max(latencies.items(), key=lambda item: item[1])
        if whole:
            with PeakMemory() as memory:
                graph, m["union_s"] = timed(lambda: result.graph)
                report, m["whole_validate_s"] = timed(validate, graph)
            m["whole_peak_mb"] = memory.mb
            m["whole_conforms"] = report.conforms
            m["query_rdflib_ms"] = statistics.median(
                median_ms(lambda: rdflib_run(graph, name, PARAMS.get(name, {})), 1) for name in QUERIES
            )
        shutil.rmtree(store, ignore_errors=True)
        return m


def main() -> None:
    arguments = sys.argv[1:]
    whole_up_to = 1000
    sizes = [int(a) for a in arguments] or [100, 1000, 5000]
    print(
        "| documents | failed | triples | build and validate s | docs/s | triples/s | of which SHACL s (per document, 2 processes) "
        "| whole-union SHACL s (pyshacl, 1 process) | N-Quads s (MB) | fill store s | rebuild after one change s "
        "| query median / slowest ms (store) | query median ms (rdflib, 5 queries) | peak MB (build) | peak MB (whole-union SHACL) |"
    )
    print("|" + "---|" * 15)
    for size in sizes:
        m = measure(size, jobs=2, whole=size <= whole_up_to)
        whole = (
            f"{m['whole_validate_s']:.1f}{'' if m['whole_conforms'] else ' (violations)'} | ",
            f"{m['query_rdflib_ms']:.0f} | ",
            f"{m['whole_peak_mb']:.0f} |",
        ) if "whole_validate_s" in m else ("not run | ", "not run | ", "not run |")
        print(
            f"| {m['documents']} | {m['failed']} | {m['triples']} | {m['build_s']:.1f}{'' if m['conforms'] else ' (violations)'} | "
            f"{m['documents'] / m['build_s']:.1f} | {m['triples'] / m['build_s']:.0f} | {m['build_s'] - m['extract_map_s']:.1f} | "
            f"{whole[0]}{m['write_nq_s']:.1f} ({m['nq_mb']:.0f}) | {m['fill_s']:.1f} | {m['rebuild_s']:.2f} | "
            f"{m['query_store_ms']:.0f} / {m['query_store_max_ms']:.0f} ({m['slowest_query']}) | {whole[1]}{m['peak_mb']:.0f} | {whole[2]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
