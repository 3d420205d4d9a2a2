"""Every bundled query on OpenLink Virtuoso, against rdflib and the embedded Oxigraph store.

Run on demand (`make interop`; needs Debian's `virtuoso-opensource`): starts `virtuoso-t` on
127.0.0.1 in a temporary folder, loads the TriG with `sendkg load` through Virtuoso's Graph Store
endpoint (Digest authentication, its default dba account), sends each bundled query's text, as
`sendkg query` runs it, over the SPARQL protocol with the loaded graphs as the default graph, and
compares the rows with the other two engines', unbound and with each parameter bound in turn. Writes the table to docs/virtuoso.md (which the
README shows) and exits 1 if any query's rows differ.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from datetime import date
from pathlib import Path

from sendkg.pipeline import build
from sendkg.query import Table, bundled, load_query
from sendkg.query import run as rdflib_run
from sendkg.store import open_store
from sendkg.store import run as oxigraph_run
from sendkg.write import DEFAULT_GRAPH, load_dataset, load_for_query, serialise_parts, write_atomic
from tests.engines import as_numbers, free_port

ROOT = Path(__file__).resolve().parents[2]
INI = [Path("/etc/virtuoso-opensource-7/virtuoso.ini"), Path("/usr/share/virtuoso-opensource-7/virtuoso.ini")]
USER = PASSWORD = "dba"  # the account a new Virtuoso database starts with, on a server only this script reaches


def configuration(template: str, folder: Path, sql_port: int, http_port: int) -> str:
    """Debian's virtuoso.ini with its files in `folder`, its ports on 127.0.0.1, and room for
    every row a bundled query returns (Virtuoso cuts answers at 10,000 rows by default)."""
    settings = {
        "DatabaseFile": None,
        "ErrorLogFile": str(folder / "virtuoso.log"),
        "LockFile": str(folder / "virtuoso.lck"),
        "TransactionFile": None,
        "xa_persistent_file": str(folder / "virtuoso.pxa"),
        "DirsAllowed": f"., {folder}",
        "ResultSetMaxRows": "1000000",
        "MaxQueryExecutionTime": "600",
    }
    lines, section = [], ""
    for line in template.splitlines():
        header = re.match(r"\s*\[(.+)\]", line)
        if header:
            section = header.group(1)
        key = re.match(r"\s*(\w+)\s*=", line)
        if key:
            name = key.group(1)
            suffix = "-temp" if section == "TempDatabase" else ""
            if name == "DatabaseFile":
                line = f"DatabaseFile = {folder / f'virtuoso{suffix}.db'}"
            elif name == "TransactionFile":
                line = f"TransactionFile = {folder / f'virtuoso{suffix}.trx'}"
            elif name == "ServerPort" and section == "Parameters":
                line = f"ServerPort = 127.0.0.1:{sql_port}"
            elif name == "ServerPort" and section == "HTTPServer":
                line = f"ServerPort = 127.0.0.1:{http_port}"
            elif settings.get(name):
                line = f"{name} = {settings[name]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def wait_for(url: str, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"error: virtuoso-t stopped at start (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"error: Virtuoso did not answer at {url} within {seconds:.0f} s")


def virtuoso_rows(endpoint: str, text: str, graphs: list[str]) -> Table:
    form = [("query", text), *(("default-graph-uri", g) for g in graphs)]
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.loads(response.read())
    columns = tuple(answer["head"]["vars"])
    rows = tuple(tuple(b.get(c, {}).get("value", "") for c in columns) for b in answer["results"]["bindings"])
    return Table(columns, rows)


def commonest_values(query, table: Table) -> list[tuple]:
    """Each optional parameter with the commonest value of the column it filters."""
    chosen = []
    for parameter in query.parameters:
        if parameter.required or parameter.column not in table.columns:
            continue
        index = table.columns.index(parameter.column)
        values = Counter(row[index] for row in table.rows if row[index])
        if values:
            chosen.append((parameter, values.most_common(1)[0][0]))
    return chosen


def version(binary: str) -> str:
    shown = subprocess.run([binary, "-?"], capture_output=True, text=True)
    match = re.search(r"Version ([\d.]+)", shown.stdout + shown.stderr)
    return match.group(1) if match else "unknown"


def compare(trig: Path, out: Path | None) -> int:
    binary = shutil.which("virtuoso-t")
    template = next((p for p in INI if p.is_file()), None)
    if binary is None or template is None:
        print("error: needs virtuoso-t and its virtuoso.ini (apt install virtuoso-opensource)", file=sys.stderr)
        return 2
    shared, parts = load_dataset(trig)
    dataset, store = load_for_query(trig), open_store(trig)
    with tempfile.TemporaryDirectory(prefix="sendkg-virtuoso-") as temporary:
        folder = Path(temporary)
        sql_port, http_port = free_port(), free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(configuration(template.read_text(), folder, sql_port, http_port))
        process = subprocess.Popen([binary, "-f", "-c", str(ini)], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{http_port}"
            wait_for(f"{base}/sparql?query=ASK%7B%7D", process)
            start = time.perf_counter()
            command = [str(Path(sys.executable).parent / "sendkg"), "load", "--graph", str(trig), "--timeout", "600",
                       "--endpoint", f"{base}/sparql-graph-crud-auth", "--update-endpoint", f"{base}/sparql-auth",
                       "--prune", "--query-endpoint", f"{base}/sparql"]
            loaded = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "SENDKG_USER": USER, "SENDKG_PASSWORD": PASSWORD})
            if loaded.returncode != 0:
                print(loaded.stderr.strip(), file=sys.stderr)
                return 1
            print(loaded.stdout.strip(), f"({time.perf_counter() - start:.1f} s)")
            graphs = sorted({str(DEFAULT_GRAPH), *map(str, parts)})
            triples = len(shared) + sum(part.count(b"\n") for part in parts.values())
            lines = [
                f"Measured {date.today().isoformat()} with Virtuoso {version(binary)} (Debian's `virtuoso-opensource`), "
                f"{triples:,} triples in {len(graphs)} graphs loaded with `sendkg load --prune` (Digest authentication; put under temporary names, then switched in by one SPARQL Update), "
                "by `make interop` (`tests/interop/virtuoso.py`).",
                "",
                "| query | rdflib rows | Oxigraph rows | Virtuoso rows | each parameter bound: same rows | same rows |",
                "|---|---:|---:|---:|---|---|",
            ]
            differing = []
            for name in bundled():
                query = load_query(name)
                runs = [query.example] + [{**query.example, p.name: v} for p, v in commonest_values(query, oxigraph_run(store, name, query.example))]
                counts, same = [], True
                for values in runs:
                    expected = rdflib_run(dataset, name, values)
                    embedded = oxigraph_run(store, name, values)
                    try:
                        found = virtuoso_rows(f"{base}/sparql", query.bound(values), graphs)
                    except urllib.error.HTTPError as error:
                        print(f"{name}: {error.read().decode('utf-8', 'replace').strip().splitlines()[0]}", file=sys.stderr)
                        found = None
                    agree = found is not None and found.columns == expected.columns and as_numbers(found.rows) == as_numbers(expected.rows) == as_numbers(embedded.rows)
                    same = same and agree
                    counts.append((len(expected.rows), len(embedded.rows), "error" if found is None else len(found.rows), agree))
                if not same:
                    differing.append(name)
                first = counts[0]
                bound = f"{sum(c[3] for c in counts[1:])} of {len(counts) - 1}" if len(counts) > 1 else "–"
                lines.append(f"| {name} | {first[0]} | {first[1]} | {first[2]} | {bound} | {'yes' if same else '**no**'} |")
            lines += ["", f"{len(bundled()) - len(differing)} of {len(bundled())} queries give the same rows on all three engines."]
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    table = "\n".join(lines) + "\n"
    print(table, end="")
    if out is not None:
        write_atomic(table.encode("utf-8"), out)
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, help="a TriG file (default: the corpus, built now)")
    parser.add_argument("--write", type=Path, default=ROOT / "docs" / "virtuoso.md", help="where the table goes")
    args = parser.parse_args()
    if args.graph is not None:
        return compare(args.graph, args.write)
    with tempfile.TemporaryDirectory() as folder:
        built = build([ROOT / "corpus"])
        trig = Path(folder) / "sendkg.trig"
        write_atomic(serialise_parts(built.shared_lines, built.parts, "trig"), trig)
        return compare(trig, args.write)


if __name__ == "__main__":
    sys.exit(main())
