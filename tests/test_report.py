"""The HTML report and the network view, from the real corpus graph."""

from __future__ import annotations

import re

import networkx as nx

from sendkg.network import build_network, summarise, write_network
from sendkg.report import render


def test_the_report_is_self_contained_and_every_cell_links_to_its_findings(corpus_build):
    page = render(corpus_build.graph)
    assert "<script" not in page and "@import" not in page and "@font-face" not in page
    assert not re.search(r'(?:src|href)="(?!#)', page)
    links = set(re.findall(r'href="#([^"]+)"', page))
    targets = set(re.findall(r'id="([^"]+)"', page))
    assert links and links <= targets
    for area in ("Halton", "Worcestershire", "Stoke-on-Trent", "Bedford Borough"):
        assert f">{area}</th>" in page
    assert "Local offer" in page and "systemic-failings" in page and "<svg" in page
    quoted = re.search(r'<section id="cell-worcestershire-local-offer">(.*?)</section>', page).group(1)
    assert "The local offer is not fit for purpose." in quoted


def test_the_network_joins_areas_themes_organisations_and_people(corpus_build, tmp_path):
    network = build_network(corpus_build.graph)
    kinds = {data["kind"] for _, data in network.nodes(data=True)}
    assert kinds == {"area", "theme", "organisation", "person"}
    summary = summarise(network)
    assert summary.central_themes[0][1] >= summary.central_themes[-1][1]
    assert all(0 <= similarity <= 1 for _, _, similarity in summary.alike)
    graphml, gexf = write_network(network, tmp_path)
    assert nx.read_graphml(graphml).number_of_nodes() == network.number_of_nodes()
    assert nx.read_gexf(gexf).number_of_edges() == network.number_of_edges()
