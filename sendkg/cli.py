"""The `sendkg` command: parses arguments, calls the library, prints."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import click

from . import query as queries
from .gazetteer import by_key
from .network import build_network, summarise, write_network
from .pipeline import Build, build
from .read import find_documents
from .validate import validate as validate_graph
from .report import render
from .server import LoadError, serve
from .server import load as load_graphs
from .store import fill as fill_store
from .store import run as run_in_store
from .write import format_for, load, load_dataset, serialise_parts, write_atomic

DEFAULT_GRAPH = Path("output/sendkg.ttl")


@click.group()
@click.version_option(package_name="sendkg")
def main() -> None:
    """Build, validate and query a knowledge graph of local area SEND inspections."""


@main.command(name="build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outputs", type=click.Path(path_type=Path), multiple=True, help=f"Repeat for several files. Default: {DEFAULT_GRAPH}")
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld", "trig", "nq"]), default=None, help="Default: from the output's extension.")
@click.option("--validate/--no-validate", default=True, show_default=True, help="Check the graph against shapes/ before writing it.")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None, help="Also fill this embedded Oxigraph store.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Documents read, mapped and validated in this many processes.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=Path("output/.cache"), show_default=True, help="Extractions of documents already read.")
@click.option("--no-cache", is_flag=True, help="Read every document again.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def build_command(
    paths: tuple[Path, ...],
    outputs: tuple[Path, ...],
    fmt: str | None,
    validate: bool,
    store: Path | None,
    jobs: int,
    cache: Path,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Build the graph from documents (files or folders; default corpus/)."""
    outputs = outputs or (DEFAULT_GRAPH,)
    sources = list(find_documents(paths or (Path("corpus"),)))
    if not quiet and sys.stderr.isatty() and not os.environ.get("CI"):
        # Each document is counted twice: when read, and when mapped and validated.
        with click.progressbar(length=2 * len(sources), label="building", file=sys.stderr) as bar:
            result = build(sources, check=validate, jobs=jobs, progress=bar.update, cache=None if no_cache else cache)
    else:
        result = build(sources, check=validate, jobs=jobs, cache=None if no_cache else cache)
    for failure in result.failures:
        click.echo(f"error: {failure}", err=True)
    if not quiet:
        for extraction in result.extractions:
            for warning in extraction.warnings:
                click.echo(f"warning: {extraction.source.path}: {warning}", err=True)
    if result.report is not None and not result.report.conforms:
        click.echo(str(result.report), err=True)
        click.echo(f"not written: {', '.join(map(str, outputs))} (the graph does not conform to the shapes)", err=True)
        sys.exit(1)
    if result.extractions:
        for path in outputs:
            write_atomic(serialise_parts(result.shared, result.parts, fmt or format_for(path)), path)
        if store:
            quads = fill_store(store, result.shared_lines, result.parts)
            if not quiet:
                click.echo(f"store: {store} ({quads} quads)")
    if not quiet:
        click.echo(summary(result, outputs))
    sys.exit(0 if result.ok and result.extractions else 1)


def summary(result: Build, outputs: tuple[Path, ...]) -> str:
    lines = [f"{'document':42} {'area':16} {'kind':8} {'start':10} {'outcome':20} findings"]
    for x in result.extractions:
        findings = sum(len(s.items) for s in x.layout.sections)
        lines.append(
            f"{x.source.name:42} {area_name(x):16} {x.inspection_kind or '':8} "
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


def area_name(extraction) -> str:
    la = by_key(extraction.area.key) if extraction.area else None
    return la.name if la else ""


@main.command(name="validate")
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_GRAPH)
def validate_command(graph: Path) -> None:
    """Check a built graph against the SHACL shapes; exit 1 on a violation."""
    report = validate_graph(load(graph))
    click.echo(f"{graph}: {report}")
    sys.exit(0 if report.conforms else 1)


@main.command(name="query")
@click.argument("query")
@click.option("--graph", type=click.Path(dir_okay=False, path_type=Path), default=None, help=f"Default: {DEFAULT_GRAPH}")
@click.option("--store", type=click.Path(exists=True, path_type=Path), default=None, help="Query an embedded store built with `build --store` (or a graph file loaded into an in-memory store) instead of rdflib.")
@click.option("--format", "fmt", type=click.Choice(sorted(queries.FORMATTERS)), default="table", show_default=True)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind ?NAME to VALUE (a literal, or an IRI).")
def query_command(query: str, graph: Path | None, store: Path | None, fmt: str, params: tuple[str, ...]) -> None:
    """Run QUERY: a bundled query's name, a .rq file, or inline SPARQL."""
    bindings = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{param}' is not NAME=VALUE", param_hint="--param")
        bindings[name] = value
    try:
        if store:
            table = run_in_store(store, query, bindings)
        else:
            graph = graph or DEFAULT_GRAPH
            if not graph.is_file():
                raise click.ClickException(f"no graph at {graph} (run `sendkg build` first)")
            table = queries.run(load(graph), query, bindings)
    except click.ClickException:
        raise
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    except Exception as error:  # a SPARQL syntax error from rdflib's parser
        raise click.ClickException(f"query failed: {str(error).splitlines()[0]}") from None
    click.echo(queries.FORMATTERS[fmt](table), nl=False)


@main.command(name="network")
@click.option("--graph", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_GRAPH, show_default=True)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("output"), show_default=True)
@click.option("--top", type=int, default=10, show_default=True)
def network_command(graph: Path, output: Path, top: int) -> None:
    """Write the network of areas, themes, organisations and people (GraphML, GEXF) and summarise it."""
    network = build_network(load(graph))
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
@click.option("--graph", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_GRAPH, show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("output/sendkg-report.html"), show_default=True)
def report_command(graph: Path, output: Path) -> None:
    """Write a self-contained HTML page: themes by area, inspections over time, the network."""
    write_atomic(render(load(graph)).encode("utf-8"), output)
    click.echo(f"written: {output}")


@main.command(name="serve")
@click.option("--store", type=click.Path(exists=True, path_type=Path), default=Path("output/store"), show_default=True, help="A store folder (`build --store`), or a TriG or N-Quads file to load into memory: slower to start, faster to query.")
@click.option("--port", type=int, default=7879, show_default=True)
def serve_command(store: Path, port: int) -> None:
    """Answer SPARQL 1.1 Protocol queries over the store on 127.0.0.1 (read-only), until Ctrl-C."""
    try:
        server = serve(store, "127.0.0.1", port)
    except (ValueError, SyntaxError, OSError) as error:
        raise click.ClickException(str(error).splitlines()[0]) from None
    click.echo(f"serving {store} at http://127.0.0.1:{port}/sparql (the page at http://127.0.0.1:{port}/)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command(name="load")
@click.option("--endpoint", required=True, help="A SPARQL 1.1 Graph Store Protocol URL, e.g. http://localhost:7878/store")
@click.option("--graph", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=Path("output/sendkg.trig"), show_default=True)
@click.option("--timeout", type=float, default=30.0, show_default=True)
def load_command(endpoint: str, graph: Path, timeout: float) -> None:
    """PUT each named graph to a Graph Store Protocol server (replace semantics). Credentials, if
    any, come from SENDKG_USER and SENDKG_PASSWORD."""
    shared, parts = load_dataset(graph)
    try:
        sent = load_graphs(shared, parts, endpoint, timeout)
    except LoadError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"loaded {sum(sent.values())} triples in {len(sent)} graphs into {endpoint}")


@main.command(name="queries")
def list_queries() -> None:
    """List the bundled queries."""
    for name, path in queries.bundled().items():
        first = next((line[1:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")), "")
        click.echo(f"{name:24} {first}")

