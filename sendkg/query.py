"""Bundled queries (`queries/*.rq`) and ad-hoc SPARQL over a built graph, with parameters bound
as RDF terms (never spliced into the query text)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef, Variable

from .resources import folder


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def bundled() -> dict[str, Path]:
    return {path.stem: path for path in sorted(folder("queries").glob("*.rq"))}


def query_text(query: str) -> str:
    """QUERY is a bundled query's name, a path to a .rq file, or SPARQL itself."""
    queries = bundled()
    if query in queries:
        return queries[query].read_text(encoding="utf-8")
    if query.endswith(".rq") and Path(query).is_file():
        return Path(query).read_text(encoding="utf-8")
    if not any(word in query.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        raise ValueError(f"unknown query '{query}' (bundled: {', '.join(queries)})")
    return query


def term(value: str) -> Literal | URIRef:
    return URIRef(value) if value.startswith(("http://", "https://")) else Literal(value)


def run(graph: Graph, query: str, params: dict[str, str] | None = None) -> Table:
    bindings = {Variable(name): term(value) for name, value in (params or {}).items()}
    result = graph.query(query_text(query), initBindings=bindings)
    columns = tuple(str(v) for v in result.vars or ())
    rows = tuple(tuple("" if value is None else str(value) for value in row) for row in result)
    return Table(columns, rows)


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return out.getvalue()


def to_json(table: Table) -> str:
    return json.dumps(table.records(), indent=2, ensure_ascii=False) + "\n"


def to_text_table(table: Table, width: int = 60) -> str:
    def cut(value: str) -> str:
        value = " ".join(value.split())
        return value if len(value) <= width else value[: width - 1] + "…"

    cells = [list(table.columns)] + [[cut(v) for v in row] for row in table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
    lines = [" | ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


FORMATTERS = {"table": to_text_table, "csv": to_csv, "json": to_json}
