"""Bundled queries (`queries/*.rq`) and ad-hoc SPARQL, answered alike by rdflib and by Oxigraph.

A bundled query declares its parameters in comments,

    # param area area area: the local area, by any of its names ('halton', 'St Helens', 'Stoke')

(name, kind, the column it filters, what it is; a name ending in '!' must be given), and holds
them, in that order, in a `VALUES` row of its WHERE clause, `UNDEF` where none is
given (or in several such rows, each given the same values: each part of a UNION can then start
from them, which an engine does not do with one row outside it); the query joins on those variables, or filters on them when the column is optional. An
`# example: --param NAME=VALUE` line gives values to run it with. A value
is resolved by its kind — an area through the same resolver as the documents, a code checked
against its code list, one of a few words in any case, a date parsed; text is taken as it is — and written into that row as an RDF term, so a parameter
filters rows and never rewrites them, and the text that runs is standard SPARQL for any engine.
Every query runs with the same prefixes, declared in its text, whatever the engine.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from .resources import folder

PREFIXES = {
    "sk": "https://w3id.org/sendkg/ontology#",
    "id": "https://w3id.org/sendkg/id/",
    "code": "https://w3id.org/sendkg/code/",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
AREA = "https://w3id.org/sendkg/id/area/"
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


class QueryError(ValueError):
    """A query or a parameter that cannot be run as asked; the message says why in one line."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # area | code:<scheme> | one-of:<a>|<b>... | date | text
    column: str  # the column of the rows it filters
    required: bool
    description: str


@dataclass(frozen=True)
class Query:
    name: str  # a bundled query's name, or '' for SPARQL given on the command line
    text: str
    parameters: tuple[Parameter, ...]

    @property
    def description(self) -> str:
        """What the query answers: its leading comment lines, before its parameters."""
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("#") or PARAM.match(line) or EXAMPLE.match(line):
                break
            lines.append(line[1:].strip())
        return " ".join(lines)

    @property
    def example(self) -> dict[str, str]:
        """The values its `# example: --param NAME=VALUE ...` line gives: what the tests, the
        benchmarks and the documentation run it with."""
        match = next(filter(None, map(EXAMPLE.match, self.text.splitlines())), None)
        return dict(re.findall(r"--param\s+(\w+)=(\S+)", match.group(1))) if match else {}

    @property
    def names_its_dataset(self) -> bool:
        """Whether the query says which graphs it reads (FROM or FROM NAMED): then an engine must
        not put the union of the named graphs in their place."""
        return names_dataset(self.text)

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        match = re.search(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", keywords(self.text))
        if not match:
            raise QueryError("not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")
        return match.group(1).upper()

    def runnable(self, values: dict[str, str] | None = None, allow_service: bool = False) -> str:
        """The text an engine may run: `bound`, within the size and nesting limits, and with SERVICE
        only if `allow_service`."""
        text = self.bound(values)
        check_limits(text)
        refuse_service(text, allow_service)
        return text

    def bound(self, values: dict[str, str] | None = None) -> str:
        """The text to run: the prefixes declared, each given parameter written into the
        query's VALUES rows as an RDF term."""
        values = dict(values or {})
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            listed = ", ".join(sorted(declared)) or "none"
            where = f"'{self.name}'" if self.name else "this query"
            raise QueryError(f"unknown parameter {', '.join(unknown)} for {where} (its parameters: {listed})")
        missing = [p.name for p in self.parameters if p.required and p.name not in values]
        if missing:
            raise QueryError(f"'{self.name}' needs --param {' --param '.join(f'{m}=…' for m in missing)}")
        text = self.text
        if self.parameters:
            row = " ".join(resolve(p, values[p.name]) if p.name in values else "UNDEF" for p in self.parameters)
            text = SLOT.sub(lambda m: f"{m.group(1)}{{ ({row}) }}", text)
        return declare_prefixes(text)


SLOT = re.compile(r"(VALUES\s*\([^)]*\)\s*)\{\s*\((?:\s*UNDEF)+\s*\)\s*\}")
PARAM = re.compile(r"^#\s*param\s+(\w+)(!?)\s+(\S+)\s+(\w+)\s*:\s*(.*)$")
EXAMPLE = re.compile(r"^#\s*example:\s*(.*)$")


def keywords(text: str) -> str:
    """The query with its comments, strings and IRIs blanked, so a keyword search sees keywords."""
    body = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', text)
    body = re.sub(r"<[^<>\s\"{}|^`\\]*>", "<>", body)
    return re.sub(r"#[^\n]*", " ", body)


def names_dataset(text: str) -> bool:
    return re.search(r"(?i)\bFROM\s+(?:NAMED\s+)?(?:<|[\w-]*:)", keywords(text)) is not None


def uses_service(text: str) -> bool:
    """Whether the query asks the engine to fetch from another server (SERVICE)."""
    return re.search(r"(?i)(?<![?$\w:-])SERVICE\b", keywords(text)) is not None


MAX_QUERY_CHARACTERS = 100_000
MAX_NESTING = 64  # groups, brackets and parentheses inside one another
MAX_GROUPS = 2_000  # { … } groups in all


def check_limits(text: str) -> None:
    """Refuse, before any engine parses it, a query too large or too deeply nested to answer
    safely: thousands of nested groups crash the engines' recursive parsers (a segmentation fault
    in Oxigraph), which would take a server down with them."""
    if len(text) > MAX_QUERY_CHARACTERS:
        raise QueryError(f"query too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARACTERS:,})")
    body = keywords(text)
    chain = max((len(re.sub(r"\s", "", m.group())) for m in re.finditer(r"[!+-](?:\s*[!+-])+", body)), default=0)
    if chain > MAX_NESTING:
        raise QueryError(f"query nested too deeply ({chain} operators in a row; the limit is {MAX_NESTING})")
    depth = deepest = groups = 0
    for character in body:
        if character in "{([":
            depth += 1
            deepest = max(deepest, depth)
            groups += character == "{"
        elif character in "})]":
            depth -= 1
    if deepest > MAX_NESTING:
        raise QueryError(f"query nested too deeply ({deepest} levels; the limit is {MAX_NESTING})")
    if groups > MAX_GROUPS:
        raise QueryError(f"query has too many groups ({groups:,}; the limit is {MAX_GROUPS:,})")


def refuse_service(text: str, allow_service: bool) -> None:
    if uses_service(text) and not allow_service:
        raise QueryError("SERVICE asks the engine to fetch from another server; give --allow-service to let it")


def declare_prefixes(text: str) -> str:
    """The text with each of `PREFIXES` it does not declare declared first."""
    declared = {m.lower() for m in re.findall(r"(?i)\bPREFIX\s+([\w-]*):", text)}
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared]
    return "\n".join(missing + [text]) if missing else text


def parameters_of(text: str) -> tuple[Parameter, ...]:
    found = []
    for line in text.splitlines():
        match = PARAM.match(line.strip())
        if match:
            name, required, kind, column, description = match.groups()
            found.append(Parameter(name, kind, column, bool(required), description.strip()))
    if found:
        slots = SLOT.findall(text)
        if not slots or any(len(slot.split("(")[1].split()) != len(found) for slot in slots):
            raise QueryError(f"the query declares {len(found)} parameters but has no VALUES row of as many UNDEFs to bind them in")
    return tuple(found)


def bundled() -> dict[str, Path]:
    return {path.stem: path for path in sorted(folder("queries").glob("*.rq"))}


def load_query(query: str | Query) -> Query:
    """QUERY is a bundled query's name, a path to a .rq file, or SPARQL itself (or a Query)."""
    if isinstance(query, Query):
        return query
    queries = bundled()
    if query in queries:
        text = queries[query].read_text(encoding="utf-8")
        return Query(query, text, parameters_of(text))
    if query.endswith(".rq"):
        path = Path(query)
        if not path.is_file():
            raise QueryError(f"{query}: no such query file")
        text = path.read_text(encoding="utf-8")
        return Query(path.stem, text, parameters_of(text))
    if not re.search(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", query):
        raise QueryError(f"unknown query '{query}' (bundled: {', '.join(queries)})")
    return Query("", query, parameters_of(query))


def query_text(query: str, params: dict[str, str] | None = None) -> str:
    return load_query(query).bound(params)


# --- parameter values -----------------------------------------------------------------------------


def resolve(parameter: Parameter, value: str) -> str:
    """A value as the RDF term its kind makes of it, in SPARQL syntax."""
    kind = parameter.kind
    if kind == "area":
        from .gazetteer import find_area

        la = find_area(value)
        if la is None:
            raise QueryError(f"--param {parameter.name}: no English local area is called '{value}'")
        return f"<{AREA}{la.key.lower()}>"
    if kind.startswith("code:"):
        scheme = kind.removeprefix("code:")
        allowed = notations(scheme)
        code = value.strip().lower()
        if code not in allowed:
            raise QueryError(f"--param {parameter.name}: '{value}' is not a {scheme} code ({', '.join(sorted(allowed))})")
        return literal(code)
    if kind.startswith("one-of:"):
        choices = kind.removeprefix("one-of:").split("|")
        chosen = next((c for c in choices if c.lower() == value.strip().lower()), None)
        if chosen is None:
            raise QueryError(f"--param {parameter.name}: '{value}' is not one of {', '.join(choices)}")
        return literal(chosen)
    if kind == "date":
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise QueryError(f"--param {parameter.name}: '{value}' is not a date (YYYY-MM-DD)") from None
        return f'"{day.isoformat()}"^^<{PREFIXES["xsd"]}date>'
    if kind == "text":
        return literal(value)
    raise QueryError(f"parameter {parameter.name} has an unknown kind '{kind}'")


def literal(value: str) -> str:
    """A plain string literal in SPARQL syntax, every character that could end it escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


@cache
def notations(scheme: str) -> frozenset[str]:
    """The codes of one of the code lists (`ontology/codes.ttl`, `ontology/themes.ttl`)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    graph = Graph()
    for name in ("codes.ttl", "themes.ttl"):
        graph.parse(folder("ontology") / name, format="turtle")
    scheme_iri = URIRef(f"{PREFIXES['code']}{scheme}")
    return frozenset(str(n) for c in graph.subjects(SKOS.inScheme, scheme_iri) for n in graph.objects(c, SKOS.notation))


# --- answers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


@dataclass(frozen=True)
class Answer:
    """An ASK query's answer."""

    value: bool


@dataclass(frozen=True)
class Triples:
    """A CONSTRUCT or DESCRIBE query's graph, as sorted N-Triples."""

    ntriples: bytes


Result = Table | Answer | Triples


# --- pages ----------------------------------------------------------------------------------------

DOCUMENTS = """PREFIX sk: <https://w3id.org/sendkg/ontology#>
SELECT DISTINCT ?document WHERE { ?doc sk:fileName ?document } ORDER BY ?document"""


def page(ask: Callable[[str | Query, dict[str, str]], Result], query: str, values: dict[str, str], limit: int, offset: int = 0) -> Table:
    """Rows `offset` to `offset + limit` of a SELECT query's answer, in its order, from `ask` (an
    engine's `answer` over one graph or store). A query that lists rows document by document
    (ordered by ?document first, with a `document` parameter) is asked one document at a time
    until the page is full, so the engine never sorts every row to give the first few; any other
    query gets LIMIT and OFFSET."""
    prepared = load_query(query)
    if prepared.form != "SELECT":
        raise QueryError(f"--limit and --offset apply to SELECT queries, not {prepared.form}")
    tail = outer_tail(prepared.text)
    if re.search(r"(?i)\b(LIMIT|OFFSET)\b", tail):
        raise QueryError("the query has its own LIMIT or OFFSET: run it without --limit and --offset")
    by_document = any(p.name == "document" and p.column == "document" for p in prepared.parameters)
    if not by_document or "document" in values or not re.search(r"(?i)ORDER\s+BY\s+(?:ASC\s*\(\s*)?\?document\b", tail):
        return as_table(ask(modified(prepared, f"LIMIT {limit} OFFSET {offset}"), values))
    rows: list[tuple[str, ...]] = []
    columns: tuple[str, ...] = ()
    for (document,) in as_table(ask(DOCUMENTS, {})).rows:
        if len(rows) >= offset + limit:
            break
        found = as_table(ask(prepared, {**values, "document": document}))
        columns = found.columns
        rows.extend(found.rows)
    if not columns:  # no document had rows: the columns from the query itself
        columns = as_table(ask(modified(prepared, "LIMIT 0"), values)).columns
    return Table(columns, tuple(rows[offset : offset + limit]))


def modified(query: Query, modifiers: str) -> Query:
    """The query with solution modifiers (LIMIT, OFFSET) after its own."""
    return Query(query.name, f"{query.text.rstrip()}\n{modifiers}\n", query.parameters)


def outer_tail(text: str) -> str:
    """What follows a query's last closing brace: its solution modifiers."""
    body = keywords(text)
    return body[body.rfind("}") + 1 :]


def as_table(result: Result) -> Table:
    if not isinstance(result, Table):
        raise QueryError("not a SELECT query")
    return result


def run(graph, query: str, params: dict[str, str] | None = None) -> Table:
    """A SELECT query's rows, answered by rdflib over `graph` (a Graph, or a Dataset whose default
    graph is the union of its named graphs)."""
    result = answer(graph, query, params)
    if not isinstance(result, Table):
        raise QueryError("not a SELECT query: use `answer` for ASK, CONSTRUCT and DESCRIBE")
    return result


def answer(graph, query: str, params: dict[str, str] | None = None, allow_service: bool = False) -> Result:
    """Any query form, answered by rdflib, with the prefixes declared in the text only. A query
    with SERVICE is refused unless `allow_service`: it would make the engine fetch a URL."""
    result = graph.query(load_query(query).runnable(params, allow_service), initNs=PREFIXES)
    if result.type == "ASK":
        return Answer(bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        lines = result.graph.serialize(format="nt", encoding="utf-8").splitlines()
        return Triples(b"".join(line + b"\n" for line in sorted(set(lines)) if line))
    columns = tuple(str(v) for v in result.vars or ())
    rows = tuple(tuple("" if value is None else str(value) for value in row) for row in result)
    return Table(columns, rows)


# --- writing answers ------------------------------------------------------------------------------


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(map(spreadsheet_safe, table.rows))
    return out.getvalue()


def spreadsheet_safe(row: tuple[str, ...]) -> tuple[str, ...]:
    """A cell a spreadsheet would take for a formula ('=…', '+…', '-…', '@…'), and is not a
    number, starts with an apostrophe, so it is shown as text and never run."""
    return tuple(f"'{v}" if len(v) > 1 and v[0] in "=+-@" and not re.fullmatch(r"[-+]?\d[\d.]*", v) else v for v in row)


def to_json(table: Table) -> str:
    return json.dumps(table.records(), indent=2, ensure_ascii=False) + "\n"


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """The text with every control character (terminal escapes, bidirectional overrides) shown as
    an escape such as \\x1b, so that text from a document can never drive the terminal."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def to_text_table(table: Table, width: int = 60) -> str:
    def cut(value: str) -> str:
        value = printable(" ".join(value.split()))
        return value if len(value) <= width else value[: width - 1] + "…"

    cells = [list(table.columns)] + [[cut(v) for v in row] for row in table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
    lines = [" | ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


TABLE_FORMATS = {"table": to_text_table, "csv": to_csv, "json": to_json}
GRAPH_FORMATS = ("turtle", "nt")


def formatted(result: Result, fmt: str | None) -> str:
    """An answer as text: a SELECT's rows as a table, CSV or JSON; an ASK's as true or false (JSON:
    the SPARQL results form); a CONSTRUCT's or DESCRIBE's graph as Turtle or N-Triples."""
    if isinstance(result, Triples):
        fmt = fmt or "turtle"
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"a CONSTRUCT or DESCRIBE query gives a graph: --format {' or '.join(GRAPH_FORMATS)}, not {fmt}")
        if fmt == "nt":
            return result.ntriples.decode("utf-8")
        from .write import turtle

        return turtle(result.ntriples, PREFIXES).decode("utf-8")
    fmt = fmt or "table"
    if fmt in GRAPH_FORMATS:
        raise QueryError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries; this one gives {'rows' if isinstance(result, Table) else 'true or false'}")
    if isinstance(result, Answer):
        return json.dumps({"head": {}, "boolean": result.value}) + "\n" if fmt == "json" else f"{str(result.value).lower()}\n"
    return TABLE_FORMATS[fmt](result)
