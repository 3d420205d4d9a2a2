"""Bundled and ad-hoc queries: parameters that filter, every query form, the same prefixes and the
same rows whether rdflib or Oxigraph answers, and an ontology that answers plain questions."""

from __future__ import annotations

from collections import Counter

import pytest

from sendkg.query import QueryError, Table, Triples, bundled, load_query, page
from sendkg.query import answer as rdflib_answer
from sendkg.store import answer as oxigraph_answer
from sendkg.store import open_store
from sendkg.write import load_for_query, serialise_parts, write_atomic


@pytest.fixture(scope="module")
def engines(corpus_build, tmp_path_factory):
    """The same TriG file answered by rdflib and by an in-memory Oxigraph store."""
    path = tmp_path_factory.mktemp("trig") / "sendkg.trig"
    write_atomic(serialise_parts(corpus_build.shared_lines, corpus_build.parts, "trig"), path)
    dataset, store = load_for_query(path), open_store(path)
    return {
        "rdflib": lambda query, params=None: rdflib_answer(dataset, query, params),
        "oxigraph": lambda query, params=None: oxigraph_answer(store, query, params),
    }


ENGINES = ["rdflib", "oxigraph"]


def column(table: Table, name: str) -> list[str]:
    index = table.columns.index(name)
    return [row[index] for row in table.rows]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_bound_outcome_returns_only_inspections_with_that_outcome(engines, engine):
    everything = engines[engine]("inspections")
    positive = engines[engine]("inspections", {"outcome": "positive"})
    assert set(column(positive, "outcome")) == {"positive"}
    assert sorted(positive.rows) == sorted(r for r in everything.rows if r[everything.columns.index("outcome")] == "positive")
    assert 0 < len(positive.rows) < len(everything.rows)


def declared_parameters():
    for name in sorted(bundled()):
        for parameter in load_query(name).parameters:
            if not parameter.required:
                yield name, parameter.name


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name,parameter", list(declared_parameters()))
def test_every_declared_parameter_filters_rows_and_never_rewrites_them(engines, engine, name, parameter):
    """Bound to the commonest value of its column, a parameter keeps exactly the rows that have
    that value there, unchanged."""
    query = load_query(name)
    column_name = next(p.column for p in query.parameters if p.name == parameter)
    everything = engines[engine](name)
    values = Counter(v for v in column(everything, column_name) if v)
    assert values, f"{name}: no row has a {column_name} to filter on"
    value = values.most_common(1)[0][0]
    index = everything.columns.index(column_name)
    expected = sorted(r for r in everything.rows if r[index] == value)
    assert sorted(engines[engine](name, {parameter: value}).rows) == expected


@pytest.mark.parametrize("spelling", ["halton", "HALTON", " Halton "])
def test_an_area_parameter_is_resolved_as_documents_name_areas(engines, spelling):
    rows = engines["oxigraph"]("inspections", {"area": spelling}).rows
    assert rows and {r[1] for r in rows} == {"Halton"}


def test_an_area_by_another_of_its_names_finds_its_inspections(engines):
    with_stop = engines["oxigraph"]("inspections", {"area": "St. Helens"}).rows
    assert with_stop and engines["oxigraph"]("inspections", {"area": "St Helens"}).rows == with_stop


def test_a_misspelled_parameter_is_an_error_listing_the_declared_ones():
    with pytest.raises(QueryError, match=r"unknown parameter aera for 'inspections' \(its parameters: area, framework"):
        load_query("inspections").bound({"aera": "Halton"})


@pytest.mark.parametrize(
    "params,message",
    [
        ({"area": "Atlantis"}, "no English local area is called 'Atlantis'"),
        ({"outcome": "excellent"}, "'excellent' is not a outcome code"),
    ],
)
def test_a_value_that_cannot_be_resolved_is_an_error_not_an_empty_answer(params, message):
    with pytest.raises(QueryError, match=message):
        load_query("inspections").bound(params)


def test_a_required_parameter_that_is_missing_is_an_error():
    with pytest.raises(QueryError, match="needs --param area_a"):
        load_query("compare-areas").bound({})


def test_every_values_row_of_a_query_is_given_the_same_values():
    """compare-areas names its two areas before its UNION and in each side of it."""
    text = load_query("compare-areas").bound({"area_a": "Halton", "area_b": "Worcestershire"})
    assert "UNDEF" not in text
    assert text.count("<https://w3id.org/sendkg/id/area/e06000006> <https://w3id.org/sendkg/id/area/e10000034>") == 3


def test_a_values_row_without_every_parameter_is_refused():
    text = """# param area area area: the area
# param document text document: the file
SELECT * WHERE { { VALUES (?place ?document) { (UNDEF UNDEF) } } UNION { VALUES (?place) { (UNDEF) } } }"""
    with pytest.raises(QueryError, match="declares 2 parameters but has no VALUES row of as many UNDEFs"):
        load_query(text)


def test_a_hostile_value_is_one_literal_and_cannot_change_the_query(engines):
    query = load_query("inspections")
    text = query.bound({"lead_inspector": 'x" || true || "'})
    assert '"x\\" || true || \\""' in text
    assert engines["oxigraph"]("inspections", {"lead_inspector": 'x" || true || "'}).rows == ()


@pytest.mark.parametrize("engine", ENGINES)
def test_every_query_form_is_answered(engines, engine):
    ask = engines[engine]("ASK { ?i a sk:Inspection }")
    assert ask.value is True
    assert engines[engine]("ASK { ?i a sk:NoSuchClass }").value is False
    construct = engines[engine]("CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a sk:LocalArea ; rdfs:label ?l }")
    assert isinstance(construct, Triples) and b'"Halton"' in construct.ntriples
    describe = engines[engine]("DESCRIBE <https://w3id.org/sendkg/id/area/e06000006>")
    assert b"<https://w3id.org/sendkg/id/area/e06000006>" in describe.ntriples


def test_construct_and_describe_give_the_same_triples_in_both_engines(engines):
    query = "CONSTRUCT { ?d sk:describes ?i } WHERE { ?d sk:describes ?i }"
    assert engines["rdflib"](query) == engines["oxigraph"](query)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_prefixes_are_declared_in_both_engines_and_graphs_can_be_named(engines, engine):
    """`sk:`, `prov:`, ... without PREFIX lines; GRAPH over the named graphs of a TriG file."""
    table = engines[engine]("SELECT (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?d a sk:SourceDocument } }")
    assert int(table.rows[0][0]) == len(engines[engine]("SELECT ?d WHERE { ?d a sk:SourceDocument }").rows)


@pytest.mark.parametrize("engine", ENGINES)
def test_superclasses_are_asserted_so_plain_questions_find_every_instance(engines, engine, corpus_build):
    documents = engines[engine]("SELECT DISTINCT ?d WHERE { ?d a sk:SourceDocument }").rows
    assert len(documents) == len(corpus_build.extractions)
    inspections = engines[engine]("SELECT DISTINCT ?i WHERE { ?i a sk:Inspection }").rows
    described = engines[engine]("SELECT DISTINCT ?i WHERE { ?d sk:describes ?i }").rows
    assert sorted(inspections) == sorted(described)
    untyped = """ASK { ?x a ?class . ?class rdfs:subClassOf+ ?super .
                       FILTER (STRSTARTS(STR(?super), STR(sk:)) && ?super != ?class)
                       FILTER NOT EXISTS { ?x a ?super } }"""
    assert engines[engine](untyped).value is False


def test_a_document_describes_each_inspection_once_so_counts_through_it_are_right(engines):
    """The council report that summarises a letter describes the inspection itself; the letter it
    summarises is its own property, so counting findings through documents counts each once."""
    through = "SELECT (COUNT(?f) AS ?n) WHERE { ?d sk:describes ?i . ?f prov:wasDerivedFrom ?d ; a sk:Finding }"
    direct = "SELECT (COUNT(?f) AS ?n) WHERE { ?f a sk:Finding }"
    for engine in ENGINES:
        assert engines[engine](through).rows == engines[engine](direct).rows
    summarised = engines["oxigraph"]("SELECT ?report ?letter ?i WHERE { ?report sk:summarises ?letter . ?letter sk:outcomeLetterOf ?i }").rows
    assert summarised
    for report, letter, inspection in summarised:
        assert engines["oxigraph"](f"ASK {{ <{report}> sk:describes <{inspection}> }}").value is True
        assert engines["oxigraph"](f"ASK {{ <{letter}> sk:describes ?any }}").value is False


def test_each_inspectorate_has_one_lead_and_ofsteds_is_the_lead_inspector(engines):
    one = engines["oxigraph"]
    per_body = one(
        "SELECT ?i ?body (COUNT(?m) AS ?n) WHERE { ?i sk:inspectorateLead ?m . ?m org:organization/sk:shortName ?body } GROUP BY ?i ?body"
    ).rows
    assert {n for _, _, n in per_body} == {"1"}
    with_cqc = one("SELECT DISTINCT ?i WHERE { ?i sk:teamMembership/org:organization/sk:shortName 'CQC' ; sk:teamMembership ?m . ?m org:role/skos:notation ?k FILTER (?k IN ('inspector', 'lead-inspector')) }").rows
    cqc_led = {i for i, body, _ in per_body if body == "CQC"}
    assert with_cqc and {i for (i,) in with_cqc} == cqc_led
    assert one("ASK { ?i sk:leadInspector ?p . FILTER NOT EXISTS { ?i sk:inspectorateLead/org:member ?p } }").value is False


def test_a_query_that_names_its_graphs_reads_those_in_both_engines(engines):
    query = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/sendkg/graph> WHERE { ?s ?p ?o }"
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert engines["rdflib"](query) == engines["oxigraph"](query)
    assert int(engines["oxigraph"](query).rows[0][0]) < int(engines["oxigraph"](everything).rows[0][0])


def test_csv_cells_a_spreadsheet_would_run_open_as_text():
    from sendkg.query import to_csv

    table = Table(("a", "b", "c", "d"), (("=HYPERLINK(1)", "-12.5", "@cmd", "Halton"),))
    assert to_csv(table).splitlines()[1] == "'=HYPERLINK(1),-12.5,'@cmd,Halton"


def test_roles_are_a_few_codes_with_the_printed_form_kept(engines):
    kinds = engines["oxigraph"]("SELECT DISTINCT ?kind WHERE { ?m org:role ?r . ?r skos:notation ?kind }").rows
    printed = engines["oxigraph"]("SELECT DISTINCT ?role WHERE { ?m sk:roleAsPrinted ?role }").rows
    assert 3 <= len(kinds) <= 8 < len(printed)
    assert ("lead-inspector",) in kinds


SERVICE = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"


@pytest.mark.parametrize("engine", ENGINES)
def test_service_is_refused_unless_allowed(engines, engine):
    with pytest.raises(QueryError, match="SERVICE asks the engine to fetch from another server"):
        engines[engine](SERVICE)
    with pytest.raises(QueryError, match="SERVICE"):
        engines[engine]("select * where { ?s ?p ?o . service silent <http://127.0.0.1:9/> { ?s ?p ?x } }")


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?service WHERE { ?service a sk:Inspection } LIMIT 1',
        'SELECT ?s WHERE { ?s rdfs:label "SERVICE <http://x/>" } LIMIT 1',
        "SELECT ?s WHERE { ?s a <https://example.org/SERVICE> } LIMIT 1  # SERVICE in a comment",
    ],
)
def test_the_word_service_as_a_name_string_or_iri_is_not_a_service_clause(engines, text):
    assert isinstance(engines["oxigraph"](text), Table)


def test_text_from_a_document_cannot_drive_the_terminal():
    from sendkg.query import printable, to_text_table

    assert printable("a\x1b[2Jb\u202ec\x07") == "a\\x1b[2Jb\\u202ec\\x07"
    shown = to_text_table(Table(("text",), (("\x1b]0;title\x07 Halton",),)))
    assert "\x1b" not in shown and "\x07" not in shown and "Halton" in shown


@pytest.mark.parametrize("engine", ENGINES)
def test_a_query_nested_past_the_limits_is_refused_before_the_engine_sees_it(engines, engine):
    with pytest.raises(QueryError, match=r"nested too deeply \(3000 levels; the limit is 64\)"):
        engines[engine]("SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000)
    with pytest.raises(QueryError, match="operators in a row"):
        engines[engine]("SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 90000 + "true) }")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ["findings", "provenance", "themes", "inspections"])
def test_a_page_is_the_same_slice_of_the_whole_answer_on_every_engine(engines, engine, name):
    """`findings` and `provenance` are asked document by document, `themes` and `inspections`
    with LIMIT and OFFSET; every page is what the whole answer holds at that place."""
    ask = engines[engine]
    whole = ask(name, {})
    for limit, offset in [(1, 0), (7, 0), (50, 3), (40, len(whole.rows) - 10), (5, len(whole.rows) + 5), (0, 0)]:
        part = page(lambda q, v: ask(q, v), name, {}, limit, offset)
        assert part.columns == whole.columns
        assert part.rows == whole.rows[offset : offset + limit], (limit, offset)


def test_a_page_of_one_document_is_a_page_of_its_rows(engines):
    whole = engines["oxigraph"]("findings", {"document": "halton-2024.pdf"})
    part = page(engines["oxigraph"], "findings", {"document": "halton-2024.pdf"}, 3, 2)
    assert part.rows == whole.rows[2:5]


def test_a_page_of_a_query_with_its_own_limit_or_of_an_ask_is_refused(engines):
    with pytest.raises(QueryError, match="its own LIMIT"):
        page(engines["rdflib"], "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", {}, 2)
    with pytest.raises(QueryError, match="apply to SELECT"):
        page(engines["rdflib"], "ASK { ?s ?p ?o }", {}, 2)
