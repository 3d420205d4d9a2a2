"""Reliability and security figures: bad inputs, injected faults, hostile and concurrent requests.
Run after `make graph`: .venv/bin/python bench/reliability.py [--damaged N] [--kills N] [--requests N]

- Bad inputs: each is built beside a good letter by a real `sendkg build` (or is a command misused);
  handled means exit status 1 or 2 with a one-line error naming the file (or, where the input is
  valid, such as a text of over a million characters, the right graph), the good letter built,
  and no traceback.
- Faults: damaged copies of a real PDF (seeded), builds killed at random points (seeded), and a
  damaged cache; data lost means a graph file that is neither the old build nor the new one, a
  worker left running, or a rebuild that is not byte-identical to a build from nothing.
- Requests: hostile requests to `sendkg serve` (each must get its 4xx or 503 and leave the server
  answering), then every bundled query from 20 and 100 concurrent clients on 127.0.0.1; the
  latency is measured at the client, from connecting to the last byte.

Writes docs/reliability.md, which the README includes, and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendkg.query import bundled, load_query  # noqa: E402
from tests.engines import free_port  # noqa: E402
from tests.faults import SENDKG, build, damage_cache, damaged, digest, killed_build, survivors  # noqa: E402
from tests.pdfs import encrypted_copy, image_only_pdf  # noqa: E402

LETTERS = ROOT / "corpus" / "letters"
REPORTS = ROOT / "corpus" / "area-send-reports"
GOOD = LETTERS / "st-helens-2018.txt"
SEED = 20261204


@dataclass
class Trial:
    what: str
    handled: bool
    detail: str = ""
    injected: int = 1  # for a fault: how many were injected, and after how many data was lost
    lost: int = 0


def command(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*SENDKG, *args], capture_output=True, text=True, timeout=timeout)


def one_line_error(done: subprocess.CompletedProcess) -> bool:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return done.returncode in (1, 2) and "Traceback" not in done.stderr + done.stdout and len(lines) >= 1 and all(len(line) < 400 for line in lines)


def bad_documents(work: Path) -> list[Trial]:
    """Each bad document built beside a good letter: (name, how to make it, whether it should build)."""
    letter = GOOD.read_text(encoding="utf-8")
    report = min(REPORTS.glob("*.pdf"), key=lambda p: p.stat().st_size)
    pdf = report.read_bytes()
    pages_damaged = pdf.replace(b"/Count", b"/Coun\x00", 1) if b"/Count" in pdf else pdf[: len(pdf) // 2]
    cases = [
        ("empty text file", "empty.txt", lambda p: p.write_bytes(b""), False),
        ("binary file named .txt", "binary.txt", lambda p: p.write_bytes(bytes(range(256)) * 64), False),
        ("text not in UTF-8", "latin1.txt", lambda p: p.write_bytes((letter + "\n\nCafé — naïve.\n").encode("cp1252", "replace")), False),
        ("text that is not a SEND inspection", "minutes.txt", lambda p: p.write_text("Minutes of the finance committee.\n\nThe budget was agreed.\n"), False),
        ("empty PDF", "empty.pdf", lambda p: p.write_bytes(b""), False),
        ("text file named .pdf", "not-a.pdf", lambda p: p.write_text(letter), False),
        ("PDF cut in half", "half.pdf", lambda p: p.write_bytes(pdf[: len(pdf) // 2]), False),
        ("encrypted PDF", "encrypted.pdf", lambda p: p.write_bytes(encrypted_copy(report)), False),
        ("scanned PDF with no text", "scanned.pdf", lambda p: p.write_bytes(image_only_pdf()), False),
        ("unsupported file type", "letter.docx", lambda p: p.write_text(letter), False),
        ("FIFO", "pipe.txt", lambda p: os.mkfifo(p), False),
        ("symlink to /dev/zero", "zero.txt", lambda p: p.symlink_to("/dev/zero"), False),
        ("file over the size limit (--max-size 0.05)", "large.txt", lambda p: p.write_text(letter + "\n\n" + "More text. " * 6000), False),
        ("exact duplicate of the good letter", "st-helens-copy.txt", lambda p: p.write_text(letter), False),
        ("file name with terminal escape codes", "\x1b[2Jname.txt", lambda p: p.write_text("Not an inspection \x1b[31m at all.\n"), False),
        ("letter of over 1,000,000 characters", "long.txt", lambda p: p.write_text(letter + "\n\nAnnex.\n\n" + ("The area continues to develop its services. " * 23000)), True),
        ("PDF whose page count is damaged", "pages.pdf", lambda p: p.write_bytes(pages_damaged), True),
    ]
    trials = []
    for what, name, make, builds in cases:
        folder = work / f"bad-{len(trials):02d}"
        folder.mkdir()
        shutil.copy(GOOD, folder)
        target = folder / name
        make(target)
        options = ["--no-cache"] + (["--max-size", "0.05"] if "size limit" in what else [])
        outcome = build(sorted(folder.iterdir()), work / f"bad-{len(trials):02d}.ttl", *options)
        ok = outcome.clean and outcome.built(folder / GOOD.name) and (work / f"bad-{len(trials):02d}.ttl").exists()
        if builds:
            ok = ok and outcome.built(target)
        else:
            named = [line for line in outcome.stderr.splitlines() if line.startswith("error:") and (name[4:] if name.startswith("\x1b") else name) in line]
            ok = ok and outcome.status == 1 and len(named) == 1 and "\x1b" not in outcome.stderr
        trials.append(Trial(what, ok, outcome.stderr.strip().splitlines()[0] if outcome.stderr.strip() and not ok else ""))
    return trials


def misused_commands(work: Path) -> list[Trial]:
    """Commands given what they cannot use: each a one-line error, exit 1 or 2."""
    graph = work / "letter.ttl"
    build([GOOD], graph, "--no-cache", "-q", "-o", str(work / "letter.trig"))
    corrupt_store = work / "corrupt-store"
    corrupt_store.mkdir()
    (corrupt_store / "CURRENT").write_text("garbage\n")
    (work / "remote.jsonld").write_text(json.dumps({"@context": "http://example.org/context.jsonld", "@id": "urn:x"}))
    (work / "binary.ttl").write_bytes(bytes(range(256)) * 16)
    (work / "since.rq").write_text("# param since date start: the first day\nSELECT ?i WHERE { ?i sk:startDate ?start . VALUES (?start) { (UNDEF) } }\n")
    cases = [
        ("build -o a folder", ["build", str(GOOD), "-o", str(work), "--format", "turtle"]),
        ("serve --port 99999", ["serve", "--store", str(graph), "--port", "99999"]),
        ("serve a corrupt store", ["serve", "--store", str(corrupt_store), "--port", str(free_port())]),
        ("query a corrupt store", ["query", "inspections", "--store", str(corrupt_store)]),
        ("query with an impossible date", ["query", str(work / "since.rq"), "--graph", str(graph), "--param", "since=2023-02-30"]),
        ("query with an unknown parameter", ["query", "inspections", "--graph", str(graph), "--param", "colour=red"]),
        ("query with SERVICE", ["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--graph", str(graph)]),
        ("query nested 3,000 deep", ["query", "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000, "--graph", str(graph)]),
        ("validate a binary file", ["validate", str(work / "binary.ttl")]),
        ("query a JSON-LD file with a remote @context", ["query", "inspections", "--graph", str(work / "remote.jsonld")]),
        ("load a file of one graph", ["load", "--endpoint", "http://127.0.0.1:9/store", "--graph", str(graph)]),
        ("load to a server that is not there", ["load", "--endpoint", f"http://u:secret@127.0.0.1:{free_port()}/store", "--graph", str(work / "letter.trig"), "--timeout", "2"]),
    ]
    trials = []
    for what, args in cases:
        done = command(*args)
        ok = one_line_error(done) and "secret" not in done.stderr
        trials.append(Trial(what, ok, "" if ok else (done.stderr.strip().splitlines() or ["(nothing)"])[-1][:200]))
    return trials


def damaged_pdfs(work: Path, count: int) -> Trial:
    folder = work / "damaged"
    folder.mkdir()
    original = min(REPORTS.glob("*.pdf"), key=lambda p: p.stat().st_size)
    copies = damaged(original.read_bytes(), count, SEED)
    for name, data in copies:
        (folder / name).write_bytes(data)
    shutil.copy(GOOD, folder)
    outcome = build([folder], work / "damaged.ttl", "--no-cache", "--jobs", "2")
    unhandled = [name for name, _ in copies if not outcome.handled(folder / name)]
    lost = len(unhandled) + (not (outcome.clean and outcome.built(folder / GOOD.name)))
    built = sum(outcome.built(folder / name) for name, _ in copies)
    return Trial(f"damaged copies of a real PDF, built beside a good letter ({built} still readable and built, the rest one line each)", lost == 0, f"{len(unhandled)} not handled", count, lost)


def kills(work: Path, count: int) -> Trial:
    """Builds killed at random points; each must leave the old graph file or the new one, no
    worker running, and the next build the same bytes as a build from nothing."""
    inputs = work / "kill-in"
    inputs.mkdir()
    letters = sorted(LETTERS.glob("*.txt"))
    for letter in letters[:-1]:
        shutil.copy(letter, inputs)
    out = work / "kill-out" / "g.ttl"
    options = ("--cache", str(work / "kill-cache"), "--store", str(work / "kill-store"), "--jobs", "2", "-q")
    began = time.monotonic()
    build([inputs], out, *options)
    took = time.monotonic() - began
    old = digest(out)
    shutil.copy(letters[-1], inputs)
    rng = random.Random(SEED)
    seen, left = [], 0
    for kill in range(count):
        if kill % 2 == 0:
            shutil.rmtree(work / "kill-cache", ignore_errors=True)
        killed_build([inputs], out, rng.uniform(0.2, 1.1) * took, *options)
        left += len(survivors(str(inputs)))
        seen.append(digest(out))
    final = build([inputs], out, *options)
    build([inputs], work / "kill-fresh.ttl", "--no-cache", "-q")
    new = digest(out)
    lost = sum(d not in (old, new) for d in seen) + left + (final.status != 0) + (digest(work / "kill-fresh.ttl") != new)
    return Trial("builds killed (SIGKILL) at random points: old or new files, no worker left, next build byte-identical", lost == 0, f"{lost} lost data or left a worker", count, lost)


def damaged_cache(work: Path) -> Trial:
    cache = work / "cache"
    build([LETTERS], work / "cache-first.ttl", "--cache", str(cache), "-q")
    count = damage_cache(cache, work / "pwned")
    again = build([LETTERS], work / "cache-second.ttl", "--cache", str(cache), "-q")
    ok = again.status == 0 and digest(work / "cache-second.ttl") == digest(work / "cache-first.ttl") and not (work / "pwned").exists()
    return Trial("cache entries damaged or planted: each discarded, the build byte-identical, nothing run", ok, again.stderr.strip()[:200], count, 0 if ok else count)


def http(url: str, data: bytes | None = None, method: str | None = None, headers: dict | None = None, timeout: float = 60) -> tuple[int, float]:
    """(status, seconds) of one request."""
    started = time.perf_counter()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except (OSError, urllib.error.URLError):
        status = 0
    return status, time.perf_counter() - started


def raw(port: int, data: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(data)
        answer = connection.recv(64)
    try:
        return int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def hostile_requests(base: str, port: int, time_limit: float) -> list[Trial]:
    sparql = f"{base}/sparql"
    posted = {"Content-Type": "application/sparql-query"}
    cases = [
        ("query nested 3,000 groups deep", lambda: http(sparql, ("SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000).encode(), "POST", posted)[0], 413),
        ("query of 10,000 FILTERs", lambda: http(sparql, ("SELECT * WHERE { ?s ?p ?o " + "FILTER(?o != 1) " * 10000 + "}").encode(), "POST", posted)[0], 413),
        ("SERVICE to another server", lambda: http(sparql, b"SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "POST", posted)[0], 403),
        ("SERVICE ?unbound", lambda: http(sparql, b"SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }", "POST", posted)[0], 403),
        ("update by POST", lambda: http(f"{base}/update", b"update=CLEAR ALL", "POST", {"Content-Type": "application/x-www-form-urlencoded"})[0], 403),
        ("update as a Graph Store PUT", lambda: http(f"{base}/store?default", b"<urn:a> <urn:b> <urn:c> .", "PUT", {"Content-Type": "application/n-triples"})[0], 403),
        ("DNS rebinding (foreign Host)", lambda: raw(port, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"), 403),
        ("Content-Length: abc", lambda: raw(port, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: abc\r\nConnection: close\r\n\r\nASK {}"), 400),
        ("body not UTF-8", lambda: raw(port, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 6\r\nConnection: close\r\n\r\nASK\xff{}"), 400),
        ("body of 100 GB announced", lambda: raw(port, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n"), 413),
        ("malformed SPARQL", lambda: http(sparql, b"SELEKT nothing", "POST", posted)[0], 400),
        (f"query running past the time limit ({time_limit:g} s)", lambda: http(sparql, b"SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "POST", posted)[0], 503),
    ]
    trials = []
    alive = f"{sparql}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    for what, send, expected in cases:
        status = send()
        after = http(alive)[0]
        trials.append(Trial(what, status == expected and after == 200, f"answered {status}, then {after}"))
    return trials


def queries() -> list[str]:
    return [load_query(name).runnable(load_query(name).example) for name in bundled()]


def load_test(base: str, clients: int, per_client: int) -> dict:
    texts = queries()
    url = f"{base}/sparql"

    def client(number: int) -> list[tuple[int, float]]:
        out = []
        for i in range(per_client):
            text = texts[(number + i) % len(texts)]
            out.append(http(url, text.encode(), "POST", {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle"}))
        return out

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = [r for rs in pool.map(client, range(clients)) for r in rs]
    elapsed = time.perf_counter() - started
    times = sorted(seconds * 1000 for _, seconds in results)
    return {
        "clients": clients,
        "requests": len(results),
        "failures": sum(status != 200 for status, _ in results),
        "p50": statistics.median(times),
        "p99": times[min(len(times) - 1, int(0.99 * len(times)))],
        "per_second": len(results) / elapsed,
    }


def serving(graph: Path, processes: int, time_limit: float, *options: str):
    port = free_port()
    server = subprocess.Popen(
        [*SENDKG, "serve", "--store", str(graph), "--port", str(port), "--processes", str(processes), "--time-limit", str(time_limit), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = server.stdout.readline()
    if not line.startswith("serving"):
        server.kill()
        raise SystemExit(f"sendkg serve did not start: {line}{server.stderr.read()}")
    return server, port


def goal(loads: list[dict]) -> str:
    """Whether p99 stays under 100 ms at 20 clients, and when it does not, what limits it."""
    said = []
    for load in loads:
        met = "met" if load["p99"] < 100 else "not met"
        said.append(f"{met} with {load['answers']} (p99 {load['p99']:.0f} ms)")
    text = "The goal of p99 under 100 ms at 20 concurrent clients: " + "; ".join(said) + "."
    slow = [load for load in loads if load["p99"] >= 100]
    if slow:
        load = slow[0]
        text += (
            f" There the {os.cpu_count()} CPUs are the limit: {load['per_second']:.0f} answers a second shared by 20 clients is "
            f"{1000 * 20 / load['per_second']:.0f} ms each on average (Little's law), whatever the server does around the engine."
        )
    return text


def report(bad: list[Trial], misuse: list[Trial], faults: list[Trial], hostile: list[Trial], loads: list[dict], processes: int, graph: Path) -> str:
    def table(trials: list[Trial]) -> list[str]:
        return ["| input | handled |", "|---|---|"] + [f"| {t.what.encode('unicode_escape').decode('ascii')} | {'yes' if t.handled else 'NO: ' + t.detail} |" for t in trials]

    handled = sum(t.handled for t in bad + misuse)
    refused = sum(t.handled for t in hostile)
    lines = [
        f"Measured {date.today().isoformat()} by `bench/reliability.py` on {platform.machine()} with {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| bad inputs tried / handled | {len(bad) + len(misuse)} / {handled} |",
        f"| faults injected / data lost | {sum(t.injected for t in faults)} / {sum(t.lost for t in faults)} |",
        f"| hostile requests / refused rightly, server still answering | {len(hostile)} / {refused} |",
    ]
    for load in loads:
        lines.append(
            f"| {load['clients']} concurrent clients, {load['answers']}: requests / failures / p50 / p99 | "
            f"{load['requests']:,} / {load['failures']} / {load['p50']:.0f} ms / {load['p99']:.0f} ms ({load['per_second']:.0f} a second) |"
        )
    lines += [
        "",
        f"The requests are the {len(bundled())} bundled queries (with their example parameters) in turn, over `{graph.as_posix()}` "
        f"served by `sendkg serve --processes {processes}`; the clients are threads of one Python process on the same machine. "
        "With answers kept (the default), a repeated request is answered from memory; with `--answer-cache 0` every request is evaluated.",
        "",
        goal([load for load in loads if load["clients"] == 20]),
        "",
        "Bad documents, each built beside a good letter:",
        "",
        *table(bad),
        "",
        "Faults injected:",
        "",
        "| fault | injected | data lost |",
        "|---|---|---|",
        *[f"| {t.what} | {t.injected} | {t.lost}{'' if t.handled else ' (' + t.detail + ')'} |" for t in faults],
        "",
        "Commands misused:",
        "",
        *table(misuse),
        "",
        "Hostile requests to `sendkg serve`:",
        "",
        *table(hostile),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--damaged", type=int, default=100, help="damaged PDF copies to build")
    parser.add_argument("--kills", type=int, default=10, help="builds to kill")
    parser.add_argument("--requests", type=int, default=2000, help="requests at each level of concurrency")
    parser.add_argument("--processes", type=int, default=2, help="sendkg serve --processes")
    parser.add_argument("--graph", type=Path, default=ROOT / "output" / "sendkg.trig")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "reliability.md")
    args = parser.parse_args()
    if not args.graph.exists():
        raise SystemExit(f"{args.graph}: run `make graph` first")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        bad = bad_documents(work)
        misuse = misused_commands(work)
        faults = [damaged_pdfs(work, args.damaged), kills(work, args.kills), damaged_cache(work)]
    time_limit = 5.0
    loads = []
    for answers in ("answers kept", "every request evaluated"):
        server, port = serving(args.graph, args.processes, time_limit, *(["--answer-cache", "0"] if answers != "answers kept" else []))
        base = f"http://127.0.0.1:{port}"
        try:
            if not loads:
                hostile = hostile_requests(base, port, time_limit)
            load_test(base, 4, 20)  # warm-up: each worker's first answers
            for clients in (20, 100):
                loads.append({**load_test(base, clients, max(1, args.requests // clients)), "answers": answers})
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = report(bad, misuse, faults, hostile, loads, args.processes, args.graph.relative_to(ROOT) if args.graph.is_relative_to(ROOT) else args.graph)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
