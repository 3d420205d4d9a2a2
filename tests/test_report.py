"""The HTML report and the network view, from the real corpus graph."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from sendkg.network import build_network, summarise, write_network
from sendkg.report import render


@pytest.fixture(scope="module")
def page(corpus_build) -> str:
    return render(corpus_build.graph)


def test_the_report_is_self_contained_and_every_link_reaches_its_target(page):
    assert "<script" not in page and "@import" not in page and "@font-face" not in page
    assert not re.search(r'(?:src|href)="(?!#)', page)
    links = set(re.findall(r'href="#([^"]+)"', page))
    targets = set(re.findall(r'id="([^"]+)"', page))
    assert links and links <= targets


def test_two_maps_colour_each_area_by_its_latest_outcome_in_plain_words(page):
    maps = re.findall(r'<svg[^>]*class="map".*?</svg>', page, re.S)
    assert len(maps) == 2
    assert len(re.findall(r"<path ", maps[0])) > 30 and len(re.findall(r"<path ", maps[1])) > 140  # an area each, and the rest
    assert "Halton: widespread and/or systemic failings (inspection starting 2023-11-20)" in maps[0]
    assert "Sefton: insufficient progress on at least one weakness (inspection starting 2019-04-15)" in maps[1]
    assert "Worcestershire: insufficient progress on at least one weakness (inspection starting 2021-11-01, official statistics)" in maps[1]
    for words in ("positive experiences and outcomes", "widespread and/or systemic failings", "no Written Statement of Action required"):
        assert f"</span>{words}</li>" in page
    assert 'href="#area-halton"' in maps[0] and 'id="area-halton"' in page


def test_the_heatmap_has_a_row_per_inspection_with_shares_and_every_finding_links_back(page, corpus_build):
    rows = re.findall(r'<tr id="inspection-([^"]+)"><th class="inspection" scope="row">([^<]+)</th>', page)
    assert len(rows) == len(corpus_build.extractions)
    assert ("halton-2024-pdf", "Halton · 2023-11-20") in rows
    assert re.search(r'<a href="#cell-[^"]+" title="[^"]+ of the inspection&#x27;s \d+ findings">\d+%</a>', page)
    sections = re.findall(r'<section id="cell-(.*?)</section>', page, re.S)
    assert sections and all("back to the inspection" in s for s in sections)
    assert re.search(r"· worcestershire-2024\.pdf · page \d+ · inspection starting 2024-", page)


def test_each_finding_links_to_its_source_file_at_its_page_when_the_documents_are_given(corpus_build, tmp_path):
    from sendkg.report import source_links
    from tests.conftest import CORPUS

    links = source_links(CORPUS, tmp_path / "out" / "report.html")
    assert links["halton-2024.pdf"].endswith("corpus/area-send-reports/halton-2024.pdf") and links["halton-2024.pdf"].startswith("../")
    page = render(corpus_build.graph, links)
    assert re.search(r'<a href="\.\./[^"]*corpus/area-send-reports/halton-2024\.pdf#page=\d+">halton-2024\.pdf · page \d+</a>', page)
    assert re.search(r'<a href="\.\./[^"]*corpus/letters/st-helens-2018\.txt">st-helens-2018\.txt</a>', page)
    assert set(re.findall(r'href="(?!#)([^"#]+)', page)) <= set(links.values())  # nothing but the documents' own files


def test_the_timeline_holds_the_inspections_known_from_official_statistics(page, corpus_build):
    circles = re.findall(r"<circle [^>]*><title>([^<]*)</title>", page)
    official = [c for c in circles if c.endswith("from Ofsted&#x27;s official statistics")]
    assert len(official) > 150 and len(circles) == len(official) + len(corpus_build.extractions)
    assert "Areas and themes" not in page  # the network is exported (GraphML, GEXF), not drawn


def test_the_report_as_headless_chromium_renders_it(corpus_build, tmp_path, page):
    from tests.browser import chromium, rendered, screenshot

    if chromium() is None:
        pytest.skip("Chromium is not installed (apt install chromium): the rendered page is not checked here")
    html_file = tmp_path / "report.html"
    html_file.write_text(page, encoding="utf-8")
    dom = rendered(html_file)
    assert dom.count('class="map"') == 2 and dom.count('<tr id="inspection-') == len(corpus_build.extractions)
    assert dom.count("<section id=\"cell-") == page.count("<section id=\"cell-")
    image = screenshot(html_file, tmp_path / "map.png", 1100, 760)
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.stat().st_size > 20_000


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
