"""The examples in README.md and docs/*.md are the real commands' output, written by cog.

A block such as

    <!-- [[[cog console(".venv/bin/sendkg query statutes")]]] -->
    ...
    <!-- [[[end]]] -->

is rewritten by `make docs` (`python -m tests.docs`, which runs `cog -r`) and checked by `tests/test_docs.py` (`cog --check`), both
after the graph is built from the bundled corpus, so an example that no longer matches what its
command prints fails the tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cogapp import Cog

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROLOGUE = "from tests.docs import acceptance, console, include, organisations, output, query_columns"


ONE_LINE = re.compile(r'\[\[\[cog (?:console|output)\("(.+?)"\)\]\]\]')


def run(command: str) -> str:
    """What the command prints (run once per process: a command two documents show runs once)."""
    if command not in ran:
        ran[command] = printed(command)
    return ran[command]


def printed(command: str) -> str:
    environment = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True, env=environment)
    if done.returncode not in (0, 141) and not done.stdout:
        raise RuntimeError(f"{command}: exit {done.returncode}: {done.stderr.strip()}")
    return done.stdout


ran: dict[str, str] = {}


def run_ahead() -> None:
    """Run the documents' one-line commands side by side first (each parses the graph afresh),
    so that cog, which runs them one by one, finds their output waiting."""
    commands = sorted({c for path in DOCUMENTS for c in ONE_LINE.findall(path.read_text(encoding="utf-8"))})
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        ran.update(zip(commands, pool.map(printed, commands)))


def console(command: str) -> None:
    """The command and what it prints, as a console session."""
    import cog  # the module cog gives the code it runs

    cog.outl("```console")
    cog.outl(f"$ {command}")
    cog.out(run(command))
    cog.outl("```")


def output(command: str) -> None:
    """Only what the command prints (for a table that is Markdown itself)."""
    import cog

    cog.out(run(command))


def acceptance() -> None:
    """The acceptance comparison of the built graph with the gold facts, as Markdown tables."""
    output(f"{sys.executable} -m tests.acceptance.compare output/sendkg.ttl")


def organisations(measure: str) -> None:
    """The named-organisation figures (`tests/organisations/train.py`): the 'held-out' or the
    'cross-validated' table, or the README's 'summary' of both."""
    import cog

    from tests.organisations import train

    if measure == "summary":
        held_out = train.tally(train.held_out_predictions(), [d for d in train.documents() if d.name in train.HELD_OUT])["all"]
        crossed = train.tally(train.cross_validated_predictions(), list(train.documents()))["all"]
        cog.out(
            "Measured against hand-checked facts for every bundled document ([docs/quality.md](docs/quality.md)):\n"
            "dates, outcomes, areas, lead inspectors and every section count are exact for all 33 documents;\n"
            "inspection teams, addressees, CCGs/ICBs and statutes are right to F1 ≥ 0.98. Named services,\n"
            "forums and charities are the weak point: on reports the method was not written against, precision\n"
            f"{held_out.precision:.2f} and recall {held_out.recall:.2f} (F1 {held_out.f1:.2f}) on a held-out split, F1 {crossed.f1:.2f} when each document is\n"
            "left out of training in turn, short of the 0.80 aimed for.\n"
        )
    else:
        cog.outl(train.held_out_table() if measure == "held-out" else train.cross_validated_table())


def query_columns() -> None:
    """A Markdown table of the bundled queries: the columns each gives over the built graph (run
    with its example values), and the parameters it declares."""
    import cog

    from sendkg.query import bundled, load_query
    from sendkg.store import open_store, run

    store = open_store(ROOT / "output" / "sendkg.ttl")
    cog.outl("| query | columns | parameters |")
    cog.outl("|---|---|---|")
    for name in bundled():
        query = load_query(name)
        columns = ", ".join(run(store, name, query.example).columns)
        parameters = ", ".join(f"`{p.name}`{' (required)' if p.required else ''}" for p in query.parameters) or "–"
        cog.outl(f"| `{name}` | {columns} | {parameters} |")


def include(path: str, upto: str | None = None, start: str | None = None) -> None:
    """A Markdown file another command writes (e.g. `make interop`'s table), as it stands, or
    its lines from the first that starts with `start` and before the first that starts with `upto`."""
    import cog

    lines = (ROOT / path).read_text(encoding="utf-8").splitlines(keepends=True)
    if start is not None:
        lines = lines[next((i for i, line in enumerate(lines) if line.startswith(start)), len(lines)) :]
    if upto is not None:
        lines = lines[: next((i for i, line in enumerate(lines) if line.startswith(upto)), len(lines))]
    cog.out("".join(lines))


def cog_arguments(*options: str) -> list[str]:
    """Arguments to cog for every document, with the helpers above imported."""
    return ["cog", "-I", str(ROOT), "-p", PROLOGUE, *options, *map(str, DOCUMENTS)]


if __name__ == "__main__":
    run_ahead()
    sys.exit(Cog().main(cog_arguments("-r")))
