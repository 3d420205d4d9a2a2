"""Ofsted's official figures for area SEND inspections, as their own dataset.

The official statistics of 2016–2022 (one row per area: first inspection, Written Statement of
Action, significant weaknesses, revisit progress) and the management information of 2023 (first
2023-framework outcomes) are loaded into their own named graph and cited as such. They are never
written onto the inspections the documents describe: the `reconcile` query sets the two side by side.
"""

from __future__ import annotations

import csv
from datetime import date, datetime

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from .gazetteer import by_key, find_area
from .rdf import ID, SK, area_iri, code, new_graph, with_superclasses
from .resources import data_file

GRAPH = URIRef("https://w3id.org/sendkg/graph/official-statistics")
OUTCOMES_2023 = {
    "typically positive experiences and outcomes": "positive",
    "inconsistent experiences and outcomes": "inconsistent",
    "widespread and/or systemic failings": "systemic-failings",
}
REVISIT = {"yes": "all", "some": "some", "no": "none"}


def official_graph() -> Graph:
    graph = new_graph()
    graph_2016 = dataset(
        graph,
        "ofsted-area-send-2016-2022",
        "Ofsted official statistics: Area SEND inspections and outcomes in England as at 31 August 2022",
        "https://www.gov.uk/government/statistics/area-send-inspections-and-outcomes-in-england-as-at-31-august-2022",
    )
    graph_2023 = dataset(
        graph,
        "ofsted-area-send-2023-mi",
        "Ofsted management information: area SEND inspections published May to November 2023",
        "https://www.gov.uk/government/statistical-data-sets/area-send-inspections-and-outcomes-management-information",
    )
    with data_file("ofsted-area-send-2016-2022-official.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            add_2016(graph, row, graph_2016)
    with data_file("ofsted-area-send-2023-jan-aug-mi.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            add_2023(graph, row, graph_2023)
    return with_superclasses(graph)


def dataset(graph: Graph, key: str, title: str, page: str) -> URIRef:
    node = ID[f"dataset/{key}"]
    graph.add((node, RDF.type, SK.ReferenceDataset))
    graph.add((node, RDF.type, SK.OfficialStatistics))
    graph.add((node, DCTERMS.title, Literal(title)))
    graph.add((node, DCTERMS.publisher, Literal("Ofsted")))
    graph.add((node, DCTERMS.source, URIRef(page)))
    return node


def record(graph: Graph, node: URIRef, area: URIRef, source: URIRef, framework: str) -> None:
    graph.add((node, RDF.type, SK.OfficialRecord))
    graph.add((node, SK.localArea, area))
    graph.add((node, SK.framework, code("framework", framework)))
    graph.add((node, PROV.wasDerivedFrom, source))


def add_2016(graph: Graph, row: dict[str, str], source: URIRef) -> None:
    if not row["inspection_start_date"]:
        return
    # The table keeps the codes of its day (e.g. Buckinghamshire's before 2020); the name finds today's area.
    la = by_key(row["gss_code"]) or find_area(row["area_name"])
    if la is None:
        return
    area = area_iri(la.key)
    node = ID[f"official/2016/{la.key.lower()}"]
    record(graph, node, area, source, "2016")
    graph.add((node, SK.inspectionKind, code("inspection-kind", "initial")))
    graph.add((node, SK.startDate, Literal(date.fromisoformat(row["inspection_start_date"]), datatype=XSD.date)))
    wsoa = row["wsoa_required"].strip().lower() == "yes"
    graph.add((node, SK.outcome, code("outcome", "wsoa" if wsoa else "no-wsoa")))
    if row["n_significant_weaknesses"]:
        graph.add((node, SK.significantWeaknessCount, Literal(int(row["n_significant_weaknesses"]))))
    if row["revisit_start_date"]:
        revisit = ID[f"official/2016/{la.key.lower()}/revisit"]
        record(graph, revisit, area, source, "2016")
        graph.add((revisit, SK.inspectionKind, code("inspection-kind", "revisit")))
        graph.add((revisit, SK.startDate, Literal(date.fromisoformat(row["revisit_start_date"]), datatype=XSD.date)))
        progress = REVISIT.get(row["revisit_sufficient_progress_all"].strip().lower())
        if progress:
            graph.add((revisit, SK.outcome, code("outcome", "revisit-sufficient" if progress == "all" else "revisit-insufficient")))
        if row["n_weaknesses_sufficient_progress"]:
            graph.add((revisit, SK.sufficientProgressCount, Literal(int(row["n_weaknesses_sufficient_progress"]))))


def add_2023(graph: Graph, row: dict[str, str], source: URIRef) -> None:
    la = find_area(row["Local.area.partnership"])
    if la is None:
        return
    started = datetime.strptime(row["Inspection.start.date"], "%d/%m/%Y").date()
    node = ID[f"official/2023/{la.key.lower()}/{started.isoformat()}"]
    record(graph, node, area_iri(la.key), source, "2023")
    graph.add((node, SK.inspectionKind, code("inspection-kind", "full")))
    graph.add((node, SK.startDate, Literal(started, datatype=XSD.date)))
    outcome = OUTCOMES_2023.get(row["Inspection.outcome"].strip().lower())
    if outcome:
        graph.add((node, SK.outcome, code("outcome", outcome)))
    count = row["Number.of.areas.for.priority.action"].strip()
    graph.add((node, SK.priorityActionCount, Literal(int(count) if count.isdigit() else 0)))
