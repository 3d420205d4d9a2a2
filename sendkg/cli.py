"""The `sendkg` command: parses arguments, calls the library, prints.

The library is imported inside each command, so `sendkg --help` does not load spaCy, rdflib or
pyshacl.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import click

DEFAULT_GRAPH = Path("output/sendkg.ttl")
OUTPUT_FORMATS = ["turtle", "nt", "jsonld", "trig", "nq"]
QUERY_FORMATS = ["table", "csv", "json", "turtle", "nt"]
VALIDATORS = ["shifty", "pyshacl"]  # sendkg.validate.ENGINES, the default first


def fail(message: str) -> click.ClickException:
    return click.ClickException(shown(" ".join(str(message).split())))


def shown(text: object) -> str:
    """Text for the terminal: control characters from a file name or a document shown escaped."""
    from .query import printable

    return printable(str(text))


def graph_file(path: Path) -> Path:
    """A graph file to read, or a one-line error naming it."""
    if not path.exists():
        raise fail(f"{path}: no such file (run `sendkg build` first?)")
    if not path.is_file():
        raise fail(f"{path}: not a file")
    return path


def read_graph(path: Path):
    """A graph file as one rdflib graph, or a one-line error naming the file and why it cannot be read."""
    from .write import GraphFileError, load

    try:
        return load(graph_file(path))
    except GraphFileError as error:
        raise fail(str(error)) from None


@click.group(context_settings={"show_default": True})
@click.version_option(package_name="sendkg")
def main() -> None:
    """Build, validate and query a knowledge graph of local area SEND inspections."""


@main.command(name="build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outputs", type=click.Path(path_type=Path), multiple=True, default=[DEFAULT_GRAPH], help="Repeat for several files.")
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default=None, help="[default: from each output's extension]", show_default=False)
@click.option("--validate/--no-validate", default=True, help="Check the graph against shapes/ before writing it.")
@click.option("--validator", type=click.Choice(VALIDATORS), default=VALIDATORS[0], help="The SHACL engine (pyshacl is the reference; both find the same violations).")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None, help="Also fill this embedded Oxigraph store.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, help="Documents read, mapped and validated in this many processes.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=Path("output/.cache"), help="Extractions of documents already read.")
@click.option("--no-cache", is_flag=True, help="Read every document again.")
@click.option("--max-size", type=click.FloatRange(min=0, min_open=True), default=100.0, metavar="MB", help="A larger file is refused unread.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def build_command(
    paths: tuple[Path, ...],
    outputs: tuple[Path, ...],
    fmt: str | None,
    validate: bool,
    validator: str,
    store: Path | None,
    jobs: int,
    cache: Path,
    no_cache: bool,
    max_size: float,
    quiet: bool,
) -> None:
    """Build the graph from documents (files or folders; default corpus/)."""
    from .publish import StoreInUse, store_lock
    from .read import find_documents
    from .write import format_for

    for path in outputs:
        if path.is_dir():
            raise fail(f"{path}: is a folder; give a file name such as {path / 'sendkg.ttl'}")
        if fmt is None and format_for(path, strict=True) is None:
            raise fail(f"{path}: unknown graph format '{path.suffix}' (use .ttl, .nt, .jsonld, .trig or .nq, or --format)")
    missing = [path for path in paths if not path.exists()]
    if missing:
        raise fail(f"{missing[0]}: no such file or folder")
    sources = list(find_documents(paths or (Path("corpus"),)))
    with ExitStack() as held:
        if store:
            try:
                held.enter_context(store_lock(store))
            except (StoreInUse, OSError) as error:
                raise fail(f"{error}; nothing was written" if isinstance(error, StoreInUse) else f"{store}: cannot use the store ({error.strerror or error})") from None
        build_and_publish(sources, outputs, fmt, validate, validator, store, jobs, None if no_cache else cache, int(max_size * 2**20), quiet)


def build_and_publish(sources, outputs, fmt, validate, validator, store, jobs, cache, max_bytes, quiet) -> None:
    """The rest of `build`, with the store (if any) held."""
    from .pipeline import build
    from .publish import publish
    from .write import format_for

    if not quiet and sys.stderr.isatty() and not os.environ.get("CI"):
        # Each document is counted twice: when read, and when mapped and validated.
        with click.progressbar(length=2 * len(sources), label="building", file=sys.stderr) as bar:
            result = build(sources, check=validate, validator=validator, jobs=jobs, progress=bar.update, cache=cache, max_bytes=max_bytes)
    else:
        result = build(sources, check=validate, validator=validator, jobs=jobs, cache=cache, max_bytes=max_bytes)
    for failure in result.failures:
        click.echo(shown(f"error: {failure}"), err=True)
    from .cache import discarded

    for entry in discarded:
        click.echo(shown(f"warning: {entry}: damaged cache entry discarded; what it held was made again"), err=True)
    if not quiet:
        for extraction in result.extractions:
            for warning in extraction.warnings:
                click.echo(shown(f"warning: {extraction.source.path}: {warning}"), err=True)
    if result.report is not None and not result.report.conforms:
        click.echo(str(result.report), err=True)
        click.echo(f"not written: {', '.join(map(str, outputs))} (the graph does not conform to the shapes)", err=True)
        sys.exit(1)
    if result.extractions:
        try:
            quads = publish(result.shared_lines, result.parts, {path: fmt or format_for(path) for path in outputs}, store)
        except OSError as error:
            held = "lock" in str(error).lower()
            reason = "in use by another process (a writer holds its lock)" if held else (error.strerror or str(error).splitlines()[0])
            where = getattr(error, "filename", None) or store
            raise fail(f"{where}: cannot write the build: {reason}; the graph files and the store are as they were") from None
        if store and not quiet:
            click.echo(f"store: {store} ({quads} quads)")
    if not quiet:
        click.echo(shown(summary(result, outputs)))
    sys.exit(0 if result.ok and result.extractions else 1)


def summary(result, outputs: tuple[Path, ...]) -> str:
    from .gazetteer import by_key

    lines = [f"{'document':42} {'area':16} {'kind':8} {'start':10} {'outcome':20} findings"]
    for x in result.extractions:
        findings = sum(len(s.items) for s in x.layout.sections)
        la = by_key(x.area.key) if x.area else None
        lines.append(
            f"{x.source.name:42} {la.name if la else '':16} {x.inspection_kind or '':8} "
            f"{x.start.value.isoformat() if x.start else '':10} {x.outcome.value if x.outcome else '':20} {findings}"
        )
    kinds = Counter(x.layout.document_kind for x in result.extractions)
    lines.append(
        f"{len(result.extractions)} documents ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
        f"{len(result.failures)} failed; {result.triple_count} triples"
    )
    if result.report is not None:
        lines.append(f"validation: {result.report}")
    if result.extractions:
        lines.append(f"written: {', '.join(map(str, outputs))}")
    return "\n".join(lines)


@main.command(name="validate")
@click.argument("graph", type=click.Path(path_type=Path), default=DEFAULT_GRAPH)
@click.option("--validator", type=click.Choice(VALIDATORS), default=VALIDATORS[0], help="The SHACL engine (pyshacl is the reference; both find the same violations).")
def validate_command(graph: Path, validator: str) -> None:
    """Check a built graph (GRAPH, default output/sendkg.ttl) against the SHACL shapes; exit 1 on a violation."""
    from .validate import validate
    from .write import GraphFileError, load_ntriples

    try:
        lines = load_ntriples(graph_file(graph))
    except GraphFileError as error:
        raise fail(str(error)) from None
    report = validate(lines, validator)
    click.echo(f"{graph}: {report}")
    sys.exit(0 if report.conforms else 1)


@main.command(name="query")
@click.argument("query")
@click.option("--graph", type=click.Path(path_type=Path), default=DEFAULT_GRAPH, help="The graph file to query.")
@click.option("--store", type=click.Path(path_type=Path), default=None, help="Query an embedded store built with `build --store` (or a TriG or N-Quads file) instead of --graph.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", help="What answers a query over --graph (a store is always Oxigraph).")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default=None, help="[default: table for rows and true/false, turtle for a graph]", show_default=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A value for one of the query's parameters (`sendkg queries` lists them).")
@click.option("--allow-service", is_flag=True, help="Let a SERVICE clause fetch from the server it names (refused otherwise).")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Only this many rows of a SELECT query, in its order.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="With --limit: skip this many rows first.")
def query_command(
    query: str, graph: Path, store: Path | None, engine: str, fmt: str | None, params: tuple[str, ...], allow_service: bool, limit: int | None, offset: int
) -> None:
    """Run QUERY: a bundled query's name, a .rq file, or inline SPARQL (SELECT, ASK, CONSTRUCT or DESCRIBE)."""
    from .query import QueryError, formatted

    values = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep or not name:
            raise fail(f"--param '{param}' is not NAME=VALUE")
        values[name] = value
    if offset and limit is None:
        raise fail("--offset needs --limit")
    try:
        result = answer_query(query, graph, store, engine, values, allow_service, limit, offset)
        click.echo(formatted(result, fmt), nl=False)
    except QueryError as error:
        raise fail(str(error)) from None


def answer_query(
    query: str, graph: Path, store: Path | None, engine: str, values: dict[str, str], allow_service: bool = False, limit: int | None = None, offset: int = 0
):
    from .query import QueryError, load_query, page

    load_query(query)  # an unknown query is said before any graph is read

    def asked(answer, over):
        if limit is None:
            return answer(over, query, values, allow_service)
        return page(lambda q, v: answer(over, q, v, allow_service), query, values, limit, offset)

    try:
        if store is not None or engine == "oxigraph":
            from .store import answer, open_store

            location = store if store is not None else graph_file(graph)
            if not location.exists():
                raise fail(f"{location}: no such store or file")
            try:
                opened = open_store(location)
            except (OSError, ValueError) as error:
                raise fail(str(error)) from None
            return asked(answer, opened)
        from .query import answer
        from .write import GraphFileError, load_for_query

        try:
            dataset = load_for_query(graph_file(graph))
        except GraphFileError as error:
            raise fail(str(error)) from None
        return asked(answer, dataset)
    except (QueryError, click.ClickException):
        raise
    except (SyntaxError, ValueError, Exception) as error:  # the engine's own word on a query it cannot run
        raise fail(f"query failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None


@main.command(name="network")
@click.option("--graph", type=click.Path(path_type=Path), default=DEFAULT_GRAPH, help="The graph file to read.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("output"), help="The folder for the GraphML and GEXF files.")
@click.option("--top", type=click.IntRange(min=1), default=10, help="How many themes and pairs of areas to print.")
def network_command(graph: Path, output: Path, top: int) -> None:
    """Write the network of areas, themes, organisations and people (GraphML, GEXF) and summarise it."""
    from .network import build_network, summarise, write_network

    network = build_network(read_graph(graph))
    for path in write_network(network, output):
        click.echo(f"written: {path}")
    summary = summarise(network, top)
    click.echo(f"{network.number_of_nodes()} nodes, {network.number_of_edges()} edges")
    click.echo("\nThemes most often raised as weaknesses (findings, areas):")
    for theme, findings, areas in summary.central_themes:
        click.echo(f"  {findings:4d} {areas:3d}  {theme}")
    click.echo("\nAreas most alike by the themes of their weaknesses (cosine similarity):")
    for a, b, similarity in summary.alike:
        click.echo(f"  {similarity:.3f}  {a} ~ {b}")


@main.command(name="report")
@click.option("--graph", type=click.Path(path_type=Path), default=DEFAULT_GRAPH, help="The graph file to read.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("output/sendkg-report.html"), help="The HTML file to write.")
@click.option("--documents", type=click.Path(file_okay=False, path_type=Path), default=Path("corpus"), help="Where the source documents are, so each finding links to its file (and page); none if it does not exist.")
def report_command(graph: Path, output: Path, documents: Path) -> None:
    """Write a self-contained HTML page: maps of outcomes, every inspection over time, themes by inspection."""
    from .report import render, source_links
    from .write import write_atomic

    write_atomic(render(read_graph(graph), source_links(documents, output)).encode("utf-8"), output)
    click.echo(f"written: {output}")


@main.command(name="serve")
@click.option("--store", type=click.Path(path_type=Path), default=Path("output/store"), help="A store folder (`build --store`), or a TriG or N-Quads file to load into memory: slower to start, faster to query.")
@click.option("--port", type=click.IntRange(1, 65535), default=7879, help="The port on 127.0.0.1 to answer on.")
@click.option("--processes", type=click.IntRange(1, 64), default=2, help="Worker processes answering queries, each with the store open.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=10.0, metavar="SECONDS", help="A query still running after this long is stopped (503).")
@click.option("--answer-cache", type=click.FloatRange(min=0), default=64.0, metavar="MB", help="Answers kept for repeated requests (0: none).")
def serve_command(store: Path, port: int, processes: int, time_limit: float, answer_cache: float) -> None:
    """Answer SPARQL 1.1 Protocol queries over the store on 127.0.0.1 (read-only), until Ctrl-C."""
    from .server import serve

    if not store.exists():
        raise fail(f"{store}: no such store or file")
    try:
        server = serve(store, "127.0.0.1", port, processes, time_limit, int(answer_cache * 2**20))
    except (ValueError, SyntaxError, OSError) as error:
        raise fail(str(error).splitlines()[0]) from None
    click.echo(f"serving {store} at http://127.0.0.1:{port}/sparql (the page at http://127.0.0.1:{port}/)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command(name="load")
@click.option("--endpoint", required=True, help="A SPARQL 1.1 Graph Store Protocol URL, e.g. http://localhost:7878/store")
@click.option("--graph", type=click.Path(path_type=Path), default=Path("output/sendkg.trig"), help="A TriG or N-Quads file (`build -o …trig`).")
@click.option("--prune", is_flag=True, help="Also remove the sendkg graphs on the server that this build no longer has.")
@click.option("--query-endpoint", default=None, help="The server's SPARQL query URL, to list its graphs for --prune.  [default: the endpoint with /store as /query]", show_default=False)
@click.option("--timeout", type=float, default=30.0, help="Seconds to wait for each answer from the server.")
@click.option("--deadline", type=click.FloatRange(min=0, min_open=True), default=None, help="Seconds the whole load may take.  [default: no limit]", show_default=False)
@click.option("--update-endpoint", default=None, help="The server's SPARQL Update URL: the graphs are put under temporary names, then switched in together.  [default: the endpoint with /store as /update]", show_default=False)
@click.option("--in-place", is_flag=True, help="Replace each graph where it is (for a server without SPARQL Update); a failure then leaves some graphs new.")
def load_command(endpoint: str, graph: Path, prune: bool, query_endpoint: str | None, timeout: float, deadline: float | None, update_endpoint: str | None, in_place: bool) -> None:
    """PUT each named graph to a Graph Store Protocol server (replace semantics), switched in
    together when the server takes SPARQL Update. Credentials, if any, come from SENDKG_USER and
    SENDKG_PASSWORD, or the endpoint's URL (Basic or Digest, as the server asks), and are never
    printed."""
    from .server import LoadError, beside, load, prune_graphs, without_credentials
    from .write import GraphFileError, format_for, load_dataset

    if format_for(graph_file(graph)) not in ("trig", "nq"):
        raise fail(f"{graph}: one graph only; load the TriG or N-Quads a build writes (e.g. output/sendkg.trig), which keeps each document's graph apart")
    try:
        shared, parts = load_dataset(graph)
    except GraphFileError as error:
        raise fail(str(error)) from None
    try:
        if in_place and update_endpoint:
            raise fail("--in-place and --update-endpoint: choose one")
        switch = None if in_place else update_endpoint or beside(endpoint, "update")
        if switch is None and not in_place:
            click.echo(shown(f"note: no SPARQL Update URL for {without_credentials(endpoint)} (--update-endpoint), so each graph is replaced where it is"), err=True)
        sent = load(shared, parts, endpoint, timeout, deadline, switch)
        click.echo(f"loaded {sum(sent.values())} triples in {len(sent)} graphs into {without_credentials(endpoint)}")
        if prune:
            removed = prune_graphs(set(sent), endpoint, query_endpoint, timeout)
            click.echo(f"removed {len(removed)} graphs no longer built" + "".join(f"\n  {g}" for g in removed))
    except LoadError as error:
        raise fail(str(error)) from None


@main.command(name="queries")
def list_queries() -> None:
    """List the bundled queries and their parameters."""
    from .query import bundled, load_query

    for name in bundled():
        query = load_query(name)
        click.echo(f"{name:24} {query.description}")
        for parameter in query.parameters:
            required = " (required)" if parameter.required else ""
            click.echo(f"{'':24}   --param {parameter.name}=…{required}  {parameter.description}")
        if query.example:
            click.echo(f"{'':24}   e.g. sendkg query {name} {' '.join(f'--param {k}={v}' for k, v in query.example.items())}")
