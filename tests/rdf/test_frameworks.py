"""Both frameworks in one graph: one node per area and ICB, previous inspections linked, history in order."""

from __future__ import annotations

from rdflib import Literal, URIRef

from sendkg.gazetteer import find_icb
from sendkg.query import run
from sendkg.rdf import SK


def test_an_area_in_a_letter_and_a_report_is_one_node(corpus_build):
    areas = {row["document"]: row["area"] for row in run(corpus_build.graph, "inspections").records()}
    assert areas["stoke-on-trent-2016.txt"] == areas["stoke-on-trent-2024.pdf"] == "Stoke-on-Trent"
    nodes = set(corpus_build.graph.subjects(SK.gssCode, Literal("E06000021")))
    assert len(nodes) == 1


def test_a_previous_inspection_in_the_graph_is_linked_and_otherwise_kept_as_dates(corpus_build):
    graph = corpus_build.graph
    links = {(str(a), str(b)) for a, b in graph.subject_objects(SK.previousInspection)}
    assert ("https://w3id.org/sendkg/id/inspection/e06000006/full/2023-11-20",
            "https://w3id.org/sendkg/id/inspection/e06000006/initial/2017-03-27") in links
    assert ("https://w3id.org/sendkg/id/inspection/e06000021/full/2024-01-29",
            "https://w3id.org/sendkg/id/inspection/e06000021/initial/2016-07-11") in links
    worcestershire = URIRef("https://w3id.org/sendkg/id/inspection/e10000034/full/2024-04-22")
    assert graph.value(worcestershire, SK.previousInspection) is None
    assert str(graph.value(worcestershire, SK.previousInspectionStart)) == "2021-11-01"


def test_area_history_lists_each_areas_inspections_in_date_order(corpus_build):
    rows = run(corpus_build.graph, "area-history").records()
    halton = [(r["framework"], r["start"], r["outcome"]) for r in rows if r["area"] == "Halton"]
    assert halton == [("2016", "2017-03-27", ""), ("2023", "2023-11-20", "systemic-failings")]


def test_an_icb_named_in_several_ways_is_one_board():
    names = [
        "NHS Herefordshire and Worcestershire Integrated Care Board (ICB)",
        "Herefordshire and Worcestershire NHS Integrated Care Board",
        "NHS Herefordshire and Worcestershire ICB",
        "Worcestershire ICB",
    ]
    assert {find_icb(n)[0].ods for n in names} == {"QGH"}
    assert find_icb("Stoke-on-Trent City Council and Staffordshire & Stoke-on-Trent ICB")[0].ods == "QNC"


def test_priority_actions_carry_their_responsible_body(corpus_build):
    rows = run(corpus_build.graph, "priority-actions").records()
    halton = [r for r in rows if r["document"] == "halton-2024.pdf"]
    assert len(halton) == 5
    assert {r["responsible_body"] for r in halton} == {
        "Halton Borough Council and NHS Cheshire and Merseyside Integrated Care Board (ICB)"
    }
