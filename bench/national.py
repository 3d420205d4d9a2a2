"""A synthetic national corpus and what building it costs. Run: make bench (or
.venv/bin/python bench/national.py 100 1000 5000).

Each synthetic document is one of the bundled documents (the reports as the PDF reader's text)
with its area, people and dates changed: the area becomes another English local authority, the
inspectors and addressees get other names, the dates move by whole weeks. For each size it
reports documents/s, triples/s, SHACL validation time, the time to rebuild after one document
changes (with the extraction cache, in this process and with the `sendkg build` command), bundled query latency (embedded store vs rdflib) and peak
memory. Figures are printed, never asserted.
"""

from __future__ import annotations

import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from sendkg.dates import DATE, RANGE, make
from sendkg.gazetteer import find_area, local_authorities
from sendkg.pdf import read_pdf
from sendkg.pipeline import build, extract_documents
from sendkg.read import find_documents, read
from sendkg.query import run as rdflib_run
from sendkg.query import bundled, load_query, page
import pyoxigraph as ox

from sendkg.store import fill, open_store
from sendkg.store import answer as store_answer
from sendkg.store import run as store_run
from sendkg.validate import validate
from sendkg.write import merge_sorted, serialised, write_atomic

from query_engines import median_ms

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUERIES = ("inspections", "findings", "organisations", "area-history", "themes")
FIRST = ["Alex", "Sam", "Jo", "Priya", "Tomasz", "Aisha", "Morgan", "Niamh", "Kwame", "Ruth", "Ian", "Lena"]
LAST = ["Hartley", "Osei", "Brennan", "Kowalski", "Ahmed", "Fletcher", "Nakamura", "Doyle", "Marsh", "Quinn"]


def templates() -> list[tuple[str, str, list[str]]]:
    """(name, text, the area's spellings in it) for every bundled document; the area is the one
    its file name starts with ('stoke-on-trent-2016.txt')."""
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".txt", ".pdf") or path.name.lower().startswith("readme"):
            continue
        text = path.read_text(encoding="utf-8") if path.suffix == ".txt" else read_pdf(path.read_bytes())[0]
        words = path.stem.split("-")
        la = next(filter(None, (find_area(" ".join(words[:n])) for n in range(len(words), 0, -1))))
        spellings = [v for v in {*la.variants, la.name.replace("St. ", "St ")} if re.search(printed(v), text)]
        found.append((path.stem, text, spellings))
    return found


def printed(name: str) -> str:
    """A pattern for a name as a document prints it, a line break where a space may be or after a hyphen ('Stoke-on-\\nTrent'),
    not part of a longer hyphenated name ('Southend' in 'Southend-on-Sea')."""
    words = [r"-\s*".join(map(re.escape, word.split("-"))) for word in name.split()]
    return r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])"


def vary(text: str, spellings: list[str], area: str, rng: random.Random, weeks: int) -> str:
    for spelling in sorted(spellings, key=len, reverse=True):
        text = re.sub(printed(spelling), area, text)
    people = {}
    for match in re.finditer(r"\b([A-Z][a-z]+) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b(?=,? (?:HMI|CQC|Ofsted|Her Majesty|His Majesty|Lead|Regional|Director|Chief|Local Area))", text):
        if match.group(0) not in area:  # 'North Tyneside Local Area Partnership' names a place, not a person
            people.setdefault(match.group(0), f"{rng.choice(FIRST)} {rng.choice(LAST)}")
    for old, new in people.items():
        text = text.replace(old, new)
    weeks = timedelta(weeks=weeks)

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


def dates_in(text: str) -> set[date]:
    """Every date the text prints, range starts included."""
    found = {make(m["bd"], m["bm"], m["by"]) for m in DATE.finditer(text)}
    found |= {make(m["ad"], m["am"] or m["bm"], m["ay"] or m["by"]) for m in RANGE.finditer(text)}
    return found - {None}


def synthesise(folder: Path, size: int, seed: int = 7) -> None:
    """`size` copies of the templates, each given an area and a shift of whole weeks such that no
    date it prints is a date another copy in that area prints: two copies sharing an area and a
    start date would be two accounts of one inspection that disagree (other inspectors), which the
    build rightly reports and leaves out."""
    rng = random.Random(seed)
    sources = [(name, text, spellings, dates_in(text)) for name, text, spellings in templates()]
    areas = [la.name for la in local_authorities() if la.gss]
    taken: dict[str, set[date]] = {}
    for number in range(size):
        name, text, spellings, dates = sources[number % len(sources)]
        area = areas[(number * 7919) % len(areas)]
        taken.setdefault(area, set())
        spread = 40
        while True:
            weeks = rng.randint(-spread, spread)
            moved = {day + timedelta(weeks=weeks) for day in dates}
            if not moved & taken[area]:
                break
            spread += 10
        taken[area] |= moved
        (folder / f"{number:05d}-{name}.txt").write_text(vary(text, spellings, area, rng, weeks), encoding="utf-8")


class PeakMemory:
    """The largest memory in use by this process and its descendants (the build's worker
    processes), sampled every 100 ms while a step runs: the sum of their proportional set sizes,
    so pages a forked worker still shares with its parent are counted once."""

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
        while self.running:
            self.peak = max(self.peak, sum(proportional_kb(pid) for pid in family(os.getpid())) * 1024)
            time.sleep(0.1)

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


def proportional_kb(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {getattr(function, '__name__', 'step')}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return result, seconds


EXTRACTION_SAMPLE = 200
LISTINGS = ("findings", "provenance", "themes")  # the queries that list every finding or theme match
PAGE = 100  # rows a reader sees first: `sendkg query NAME --limit 100`


def extraction_against_tokeniser(corpus: Path) -> tuple[float, float]:
    """Seconds to extract (read, structure, entities, findings, themes, numbers; one process, no
    cache) the first `EXTRACTION_SAMPLE` documents, and to tokenise the same texts with a blank
    English spaCy pipeline: the floor any spaCy-based extraction stands on."""
    import spacy

    paths = sorted(find_documents([corpus]))[:EXTRACTION_SAMPLE]
    extract_documents(paths[:1])  # the pipelines are built before the clock starts
    _, extracted = timed(extract_documents, paths)
    texts = [read(path).text for path in paths]
    tokeniser = spacy.blank("en").tokenizer
    start = time.perf_counter()
    for text in texts:
        tokeniser(text)
    return extracted, time.perf_counter() - start


def rebuild_with_command(corpus: Path, cache: Path, store: Path, output: Path, jobs: int) -> float:
    """Seconds for `sendkg build` to rebuild after one more document changes, as a user runs it: a
    new process (Python, imports) that also rewrites the whole export (`output`) and the store.
    The first run writes the export, so that the timed run replaces one as a rebuild does."""
    command = [str(Path(sys.executable).parent / "sendkg"), "build", str(corpus), "-o", str(output), "--cache", str(cache), "--store", str(store), "--jobs", str(jobs), "-q"]
    subprocess.run(command, check=True)
    changed = sorted(corpus.iterdir())[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def measure(size: int, jobs: int, whole: bool) -> dict[str, float]:
    """With `whole`, also the build without validation (to tell SHACL's share), the queries on the
    on-disk store, and whole-union validation and rdflib's queries over the union."""
    with tempfile.TemporaryDirectory() as work:
        corpus, cache, store = Path(work) / "corpus", Path(work) / "cache", Path(work) / "store"
        corpus.mkdir()
        synthesise(corpus, size)
        m: dict[str, float] = {}
        nq_file = Path(work) / "sendkg.nq"
        with PeakMemory() as memory:  # what `sendkg build -o sendkg.nq --store store` does
            result, m["build_s"] = timed(build, [corpus], check=True, jobs=jobs, cache=cache)
            _, m["write_nq_s"] = timed(lambda: write_atomic(serialised(result.shared_lines, result.parts, "nq"), nq_file))
            _, m["fill_s"] = timed(fill, store, result.shared_lines, result.parts)
        m["peak_mb"] = memory.mb
        if whole:
            _, m["extract_map_s"] = timed(build, [corpus], check=False, jobs=jobs)
        m["extract_s"], m["tokenise_s"] = extraction_against_tokeniser(corpus)
        m["documents"], m["failed"], m["triples"] = len(result.extractions), len(result.failures), result.triple_count
        m["conforms"] = result.report.conforms
        m["nq_mb"] = nq_file.stat().st_size / 2**20
        first = sorted(corpus.iterdir())[0]
        first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        start = time.perf_counter()
        again = build([corpus], check=True, jobs=jobs, cache=cache)
        filled = time.perf_counter()
        fill(store, again.shared_lines, again.parts)
        m["rebuild_s"] = time.perf_counter() - start
        m["build_stages"] = result.seconds
        m["rebuild_stages"] = {**again.seconds, "bring the store up to date": time.perf_counter() - filled}
        m["rebuild_command_s"] = {fmt: rebuild_with_command(corpus, cache, store, Path(work) / f"sendkg.{fmt}", jobs) for fmt in ("nq", "ttl")}
        latencies = {}
        if whole:  # on disk, queries that read every finding take minutes at 5,000 documents
            on_disk = ox.Store.read_only(str(store))
            latencies = {name: median_ms(lambda: store_run(on_disk, name, load_query(name).example), 3) for name in bundled()}
            del on_disk
            m["query_store_ms"] = statistics.median(latencies.values())
            m["slowest_query"], m["query_store_max_ms"] = max(latencies.items(), key=lambda item: item[1])
        memory, m["memory_load_s"] = timed(open_store, nq_file)
        in_memory = {name: median_ms(lambda: store_run(memory, name, load_query(name).example), 3) for name in bundled()}
        m["query_memory_ms"] = statistics.median(in_memory.values())
        m["slowest_memory_query"], m["query_memory_max_ms"] = max(in_memory.items(), key=lambda item: item[1])
        m["per_query"] = {name: (latencies.get(name), in_memory[name]) for name in in_memory}
        m["pages"] = {
            name: median_ms(lambda: page(lambda q, v: store_answer(memory, q, v), name, {}, PAGE), 3) for name in LISTINGS
        }
        del memory
        for name, (disk, in_memory_ms) in m["per_query"].items():
            print(f"  {size} documents, {name}: {'not run' if disk is None else f'{disk:.0f}'} ms on disk, {in_memory_ms:.0f} ms in memory", file=sys.stderr, flush=True)
        if whole:
            with PeakMemory() as memory:
                whole_lines = b"".join(merge_sorted([result.shared_lines, *result.parts.values()]))
                report, m["whole_validate_s"] = timed(validate, whole_lines)
                del whole_lines
            m["whole_peak_mb"] = memory.mb
            graph = result.graph
            m["whole_conforms"] = report.conforms
            m["query_rdflib_ms"] = statistics.median(
                median_ms(lambda: rdflib_run(graph, name, load_query(name).example), 1) for name in QUERIES
            )
        shutil.rmtree(store, ignore_errors=True)
        return m


def main() -> None:
    """One row per size, each bundled query's latency per size, and the targets met or missed;
    printed, and written to docs/national.md. Whole-union validation (and rdflib's queries, over
    the same union) run up to 1,000 documents."""
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000]
    measured = {size: measure(size, jobs=2, whole=size <= 1000) for size in sizes}
    lines = [
        f"Measured {date.today().isoformat()} by `bench/national.py` on {platform.machine()} with {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        "",
        "| documents | failed | triples | build and validate s | docs/s | triples/s "
        "| SHACL s, per document (2 processes) | SHACL s, whole union (shifty, 1 process) | N-Quads s (MB) | fill store s "
        "| rebuild after one change s | query median / slowest ms, on-disk store | query median / slowest ms, in memory (load s) "
        "| query median ms, rdflib (5 queries) | peak MB, build | peak MB, whole-union SHACL "
        f"| extraction ÷ tokeniser ({EXTRACTION_SAMPLE} documents, 1 process) |",
        "|" + "---|" * 17,
    ]
    for size, m in measured.items():
        whole = "whole_validate_s" in m
        union_shacl = f"{m['whole_validate_s']:.1f}" if whole else "not run"
        own_shacl = f"{m['build_s'] - m['extract_map_s']:.1f}" if whole else "not run"
        on_disk = f"{m['query_store_ms']:.0f} / {m['query_store_max_ms']:.0f} ({m['slowest_query']})" if whole else "not run"
        rdflib_ms = f"{m['query_rdflib_ms']:.0f}" if whole else "not run"
        union_peak = f"{m['whole_peak_mb']:.0f}" if whole else "not run"
        lines.append(
            f"| {m['documents']} | {m['failed']} | {m['triples']} | {m['build_s']:.1f}{'' if m['conforms'] else ' (violations)'} "
            f"| {m['documents'] / m['build_s']:.1f} | {m['triples'] / m['build_s']:.0f} | {own_shacl} "
            f"| {union_shacl} | {m['write_nq_s']:.1f} ({m['nq_mb']:.0f}) | {m['fill_s']:.1f} "
            f"| {m['rebuild_s']:.2f} | {on_disk} "
            f"| {m['query_memory_ms']:.0f} / {m['query_memory_max_ms']:.0f} ({m['slowest_memory_query']}) ({m['memory_load_s']:.1f}) "
            f"| {rdflib_ms} | {m['peak_mb']:.0f} | {union_peak} "
            f"| {m['extract_s'] / m['tokenise_s']:.1f} ({m['extract_s']:.1f} s ÷ {m['tokenise_s']:.1f} s) |"
        )
    lines += ["", "| query | " + " | ".join(f"{size} documents: on disk / in memory ms" for size in sizes) + " |", "|---|" + "---|" * len(sizes)]
    for name in bundled():
        cells = []
        for size in sizes:
            disk, in_memory = measured[size]["per_query"][name]
            cells.append(f"{'not run' if disk is None else f'{disk:.0f}'} / {in_memory:.0f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for name in LISTINGS:
        cells = [f"– / {measured[size]['pages'][name]:.0f}" for size in sizes]
        lines.append(f"| {name} `--limit {PAGE}` | " + " | ".join(cells) + " |")
    lines += ["", *targets(measured[max(sizes)]), "", *where_the_time_goes(measured[max(sizes)])]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    write_atomic(text.encode("utf-8"), Path(__file__).resolve().parent.parent / "docs" / "national.md")


def where_the_time_goes(m: dict) -> list[str]:
    """The build's and the rebuild's stages at the largest size, in seconds of wall-clock time."""

    def row(stages: dict[str, float]) -> str:
        return "; ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.items())

    return [
        f"Where the time goes at {m['documents']} documents (`--jobs 2`):",
        "",
        f"- build and validate, {m['build_s']:.1f} s: {row(m['build_stages'])}",
        f"- rebuild after one change, {m['rebuild_s']:.2f} s: {row(m['rebuild_stages'])}",
        "- the same with the `sendkg build` command, a new process that also rewrites the whole export: "
        + ", ".join(f"{seconds:.1f} s writing {'N-Quads' if fmt == 'nq' else 'Turtle'}" for fmt, seconds in m["rebuild_command_s"].items()),
        f"- extraction, one process, {EXTRACTION_SAMPLE} documents: {m['extract_s']:.1f} s against {m['tokenise_s']:.1f} s to tokenise the same texts",
    ]


def targets(m: dict) -> list[str]:
    """Each target at the largest size: met, or by how much it is missed."""

    def judged(what: str, value: float, limit: float, unit: str, at_most: bool = False) -> str:
        met = value <= limit if at_most else value < limit
        return f"- {what}: {'met' if met else 'missed'} ({value:.{1 if unit != ' ms' else 0}f}{unit} against {'≤' if at_most else '<'} {limit:g}{unit})"

    slowest_page = max(m["pages"].values())
    everyday = {name: ms for name, ms in m["per_query"].items() if name not in LISTINGS}
    name, slowest = max(((n, v[1]) for n, v in everyday.items()), key=lambda item: item[1])
    return [
        f"Targets at {m['documents']} documents:",
        "",
        judged("build and validate", m["build_s"], 60, " s"),
        judged("extraction against the blank tokeniser", m["extract_s"] / m["tokenise_s"], 3, "×", at_most=True),
        judged("rebuild after one change (the graph and the store)", m["rebuild_s"], 2, " s"),
        judged("the same with the `sendkg build` command, also rewriting the N-Quads export", m["rebuild_command_s"]["nq"], 2, " s"),
        judged(f"every bundled query but the three listings, in memory (slowest: {name})", slowest, 200, " ms"),
        judged(f"the listings' first {PAGE} rows (slowest of {', '.join(LISTINGS)})", slowest_page, 200, " ms"),
        judged("peak memory while building, writing and filling the store", m["peak_mb"], 1536, " MB"),
        "",
        "A full listing, every row (what an export costs), in memory: "
        + ", ".join(f"`{name}` {m['per_query'][name][1]:.0f} ms" for name in LISTINGS)
        + (
            "; on the on-disk store: " + ", ".join(f"`{name}` {m['per_query'][name][0] / 1000:.1f} s" for name in LISTINGS)
            if m["per_query"][LISTINGS[0]][0] is not None
            else ""
        )
        + ".",
    ]


if __name__ == "__main__":
    main()
