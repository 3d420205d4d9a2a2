"""The cross-document view: a networkx graph of areas, themes, organisations and people.

Built from a finished knowledge graph with SPARQL, so it works on any build. Edges are weighted by
how many findings (or inspections) join their ends. Written as GraphML and GEXF for Gephi.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib import Graph

from .query import run
from .write import write_atomic

WEAKNESS = ("development", "significant-weakness", "priority-action", "improvement")

AREA_THEMES = """
PREFIX sk: <https://w3id.org/sendkg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?area ?theme ?label ?polarity (COUNT(DISTINCT ?finding) AS ?count) WHERE {
  ?finding a sk:Finding ; prov:wasDerivedFrom/sk:describes/sk:localArea/rdfs:label ?area ;
           sk:theme ?concept ; sk:polarity/skos:notation ?polarity .
  ?concept skos:notation ?theme ; skos:prefLabel ?label .
} GROUP BY ?area ?theme ?label ?polarity"""

AREA_ORGANISATIONS = """
PREFIX sk: <https://w3id.org/sendkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?area ?organisation ?name (COUNT(DISTINCT ?inspection) AS ?count) WHERE {
  ?inspection sk:localArea/rdfs:label ?area ; sk:namedOrganisation ?organisation .
  ?organisation rdfs:label ?name .
} GROUP BY ?area ?organisation ?name"""

AREA_PEOPLE = """
PREFIX sk: <https://w3id.org/sendkg/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?area ?person ?name (COUNT(DISTINCT ?inspection) AS ?count) WHERE {
  ?inspection sk:localArea/rdfs:label ?area ; sk:teamMembership/org:member ?person .
  ?person foaf:name ?name .
} GROUP BY ?area ?person ?name"""


@dataclass(frozen=True)
class Summary:
    central_themes: list[tuple[str, int, int]]  # theme, weakness findings, areas
    alike: list[tuple[str, str, float]]  # area, area, cosine similarity of their weakness themes


def build_network(graph: Graph) -> nx.Graph:
    network = nx.Graph()
    for row in sorted(run(graph, AREA_THEMES).rows):
        area, theme, label, polarity, count = row
        a, t = f"area:{area}", f"theme:{theme}"
        network.add_node(a, kind="area", label=area)
        network.add_node(t, kind="theme", label=label)
        if not network.has_edge(a, t):
            network.add_edge(a, t, weight=0, weaknesses=0, strengths=0)
        edge = network.edges[a, t]
        edge["weight"] += int(count)
        if polarity in WEAKNESS:
            edge["weaknesses"] += int(count)
        elif polarity == "strength":
            edge["strengths"] += int(count)
    for query, kind in ((AREA_ORGANISATIONS, "organisation"), (AREA_PEOPLE, "person")):
        for area, iri, name, count in sorted(run(graph, query).rows):
            a, n = f"area:{area}", f"{kind}:{iri}"
            network.add_node(a, kind="area", label=area)
            network.add_node(n, kind=kind, label=name)
            network.add_edge(a, n, weight=int(count), weaknesses=0, strengths=0)
    return network


def weakness_vectors(network: nx.Graph) -> dict[str, dict[str, int]]:
    vectors: dict[str, dict[str, int]] = {}
    for node, data in sorted(network.nodes(data=True)):
        if data["kind"] == "area":
            vectors[data["label"]] = {
                network.nodes[t]["label"]: network.edges[node, t]["weaknesses"]
                for t in sorted(network.neighbors(node))
                if network.nodes[t]["kind"] == "theme" and network.edges[node, t]["weaknesses"]
            }
    return vectors


def cosine(a: dict[str, int], b: dict[str, int]) -> float:
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def summarise(network: nx.Graph, top: int = 10) -> Summary:
    themes = []
    for node, data in network.nodes(data=True):
        if data["kind"] == "theme":
            edges = [network.edges[node, a] for a in network.neighbors(node)]
            weaknesses = sum(e["weaknesses"] for e in edges)
            themes.append((data["label"], weaknesses, sum(1 for e in edges if e["weaknesses"])))
    themes.sort(key=lambda t: (-t[1], -t[2], t[0]))
    vectors = weakness_vectors(network)
    areas = sorted(vectors)
    pairs = [(a, b, round(cosine(vectors[a], vectors[b]), 3)) for i, a in enumerate(areas) for b in areas[i + 1 :]]
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return Summary(themes[:top], pairs[:top])


def write_network(network: nx.Graph, folder: Path) -> list[Path]:
    """GraphML and GEXF (for Gephi), each written whole or not at all."""
    written = []
    for name, writer in (("sendkg-network.graphml", nx.write_graphml), ("sendkg-network.gexf", nx.write_gexf)):
        buffer = io.BytesIO()
        writer(network, buffer)
        write_atomic(buffer.getvalue(), folder / name)
        written.append(folder / name)
    return written
