"""A self-contained HTML page about a built graph: a heatmap of weakness and strength themes by
area, each area's inspections on a timeline, and the network of areas and themes drawn.

No scripts, fonts or images are fetched: the page is one file of HTML, CSS and inline SVG. Every
heatmap cell links to the findings behind it, quoted.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import date

import networkx as nx
from rdflib import Graph

from .network import WEAKNESS, build_network
from .query import run

FINDINGS = """
PREFIX sk: <https://w3id.org/sendkg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?area ?theme ?label ?polarity ?document ?order ?text WHERE {
  ?finding a sk:Finding ; prov:wasDerivedFrom ?doc ; sk:theme ?concept ; sk:polarity/skos:notation ?polarity ;
           sk:text ?text ; sk:order ?order .
  ?doc sk:fileName ?document ; sk:describes/sk:localArea/rdfs:label ?area .
  ?concept skos:notation ?theme ; skos:prefLabel ?label .
} ORDER BY ?area ?theme ?document ?order"""

OUTCOME_COLOURS = {
    "wsoa": "#c0392b",
    "no-wsoa": "#27ae60",
    "revisit-insufficient": "#c0392b",
    "revisit-sufficient": "#27ae60",
    "positive": "#27ae60",
    "inconsistent": "#e67e22",
    "systemic-failings": "#c0392b",
    "": "#7f8c8d",
}

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; }
table.heatmap { border-collapse: collapse; font-size: 12px; }
table.heatmap th, table.heatmap td { border: 1px solid #ddd; padding: 2px 4px; text-align: center; }
table.heatmap th.theme { writing-mode: vertical-rl; transform: rotate(180deg); height: 220px; vertical-align: bottom; }
table.heatmap th.area { text-align: right; white-space: nowrap; }
td a { color: inherit; text-decoration: none; display: block; }
.legend span { display: inline-block; padding: 2px 8px; margin-right: 8px; border-radius: 3px; }
.findings h3 { font-size: 14px; margin: 16px 0 4px; }
.findings blockquote { margin: 4px 0 4px 16px; padding-left: 8px; border-left: 3px solid #ccc; }
.findings .meta { color: #666; font-size: 12px; }
svg text { font: 11px system-ui, sans-serif; }
"""


def cell_colour(weaknesses: int, strengths: int, most: int) -> str:
    if not weaknesses and not strengths:
        return "#fff"
    share = min(1.0, (weaknesses + strengths) / max(most, 1))
    if weaknesses >= strengths:
        return f"rgba(192, 57, 43, {0.15 + 0.75 * share:.2f})"
    return f"rgba(39, 174, 96, {0.15 + 0.75 * share:.2f})"


def anchor(area: str, theme: str) -> str:
    return "cell-" + "-".join("".join(c if c.isalnum() else "-" for c in part.lower()) for part in (area, theme))


def heatmap(findings: list[dict]) -> tuple[str, str]:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # weaknesses, strengths, other
    labels: dict[str, str] = {}
    for row in findings:
        labels[row["theme"]] = row["label"]
        column = 0 if row["polarity"] in WEAKNESS else 1 if row["polarity"] == "strength" else 2
        counts[row["area"], row["theme"]][column] += 1
    areas = sorted({row["area"] for row in findings})
    themes = sorted(labels, key=lambda t: (-sum(sum(counts[a, t]) for a in areas), t))
    most = max((sum(v) for v in counts.values()), default=1)
    head = "".join(f'<th class="theme">{html.escape(labels[t])}</th>' for t in themes)
    rows = []
    for area in areas:
        cells = []
        for theme in themes:
            weaknesses, strengths, other = counts.get((area, theme), (0, 0, 0))
            text = f"{weaknesses}/{strengths}" if weaknesses or strengths else f"({other})" if other else ""
            title = f"{weaknesses} weaknesses, {strengths} strengths, {other} main findings"
            link = f'<a href="#{anchor(area, theme)}" title="{title}">{text}</a>' if text else ""
            colour = cell_colour(weaknesses, strengths, most) if weaknesses or strengths else "#f2f2f2" if other else "#fff"
            cells.append(f'<td style="background:{colour}">{link}</td>')
        rows.append(f'<tr><th class="area">{html.escape(area)}</th>{"".join(cells)}</tr>')
    table = f'<table class="heatmap"><tr><th></th>{head}</tr>{"".join(rows)}</table>'
    details = []
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in findings:
        grouped[row["area"], row["theme"]].append(row)
    for (area, theme), rows_ in sorted(grouped.items()):
        quotes = "".join(
            f'<blockquote>{html.escape(r["text"])}<div class="meta">{html.escape(r["document"])} · {html.escape(r["polarity"])}</div></blockquote>'
            for r in rows_
        )
        details.append(f'<section id="{anchor(area, theme)}"><h3>{html.escape(area)} — {html.escape(labels[theme])}</h3>{quotes}</section>')
    return table, "".join(details)


def timeline(history: list[dict]) -> str:
    dated = [r for r in history if r["start"]]
    if not dated:
        return "<p>No dated inspections.</p>"
    days = [date.fromisoformat(r["start"]) for r in dated]
    first, last = min(days).replace(month=1, day=1), max(days).replace(month=12, day=31)
    span = (last - first).days or 1
    areas = sorted({r["area"] for r in dated})
    width, left, right, row_height = 1000, 140, 150, 28
    height = row_height * len(areas) + 40

    def x(day: date) -> float:
        return left + (width - left - right) * (day - first).days / span

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="Inspections by area over time">']
    for year in range(first.year, last.year + 1):
        position = x(date(year, 1, 1))
        parts.append(f'<line x1="{position:.1f}" y1="10" x2="{position:.1f}" y2="{height - 20}" stroke="#eee"/>')
        parts.append(f'<text x="{position + 2:.1f}" y="{height - 6}">{year}</text>')
    for index, area in enumerate(areas):
        y = 24 + index * row_height
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end">{html.escape(area)}</text>')
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="#ccc"/>')
        for r in (r for r in dated if r["area"] == area):
            colour = OUTCOME_COLOURS.get(r["outcome"], OUTCOME_COLOURS[""])
            cx = x(date.fromisoformat(r["start"]))
            label = f'{r["start"]} {r["framework"]} framework: {r["outcome"] or "outcome not stated"} ({r["document"]})'
            parts.append(f'<circle cx="{cx:.1f}" cy="{y}" r="7" fill="{colour}"><title>{html.escape(label)}</title></circle>')
            parts.append(f'<text x="{cx + 9:.1f}" y="{y - 8}">{html.escape(r["outcome"] or "outcome not stated")}</text>')
    parts.append("</svg>")
    return "".join(parts)


def network_drawing(graph: Graph) -> str:
    network = build_network(graph)
    keep = [n for n, d in network.nodes(data=True) if d["kind"] in ("area", "theme")]
    sub = network.subgraph(keep)
    if not sub.number_of_nodes():
        return "<p>No themes tagged.</p>"
    areas = sorted(n for n in sub if sub.nodes[n]["kind"] == "area")
    # Each theme sits beside the area that raises it most, so the rings read area by area.
    themes = sorted(
        (n for n in sub if sub.nodes[n]["kind"] == "theme"),
        key=lambda t: (areas.index(max(sub.neighbors(t), key=lambda a: (sub.edges[a, t]["weight"], a))), t),
    )
    positions = nx.shell_layout(sub, nlist=[areas, themes])
    size, margin = 900, 160
    xs, ys = [p[0] for p in positions.values()], [p[1] for p in positions.values()]
    left, width = min(xs), (max(xs) - min(xs)) or 1.0
    top, height = min(ys), (max(ys) - min(ys)) or 1.0

    def at(node: str) -> tuple[float, float]:
        px, py = positions[node]
        return margin + (px - left) / width * (size - 2 * margin), 30 + (py - top) / height * (size - 60)

    most = max((d["weight"] for _, _, d in sub.edges(data=True)), default=1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" role="img" aria-label="Areas and themes">']
    for a, b, data in sorted(sub.edges(data=True)):
        (ax, ay), (bx, by) = at(a), at(b)
        colour = "#c0392b" if data["weaknesses"] >= data["strengths"] else "#27ae60"
        parts.append(
            f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="{colour}" '
            f'stroke-opacity="0.35" stroke-width="{0.5 + 4 * data["weight"] / most:.2f}"/>'
        )
    for node in sorted(sub.nodes):
        data = sub.nodes[node]
        cx, cy = at(node)
        fill, radius = ("#2c3e50", 9) if data["kind"] == "area" else ("#8e44ad", 5)
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="{fill}"><title>{html.escape(data["label"])}</title></circle>')
        parts.append(f'<text x="{cx + radius + 2:.1f}" y="{cy + 4:.1f}">{html.escape(data["label"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render(graph: Graph) -> str:
    findings = run(graph, FINDINGS).records()
    history = [r for r in run(graph, "area-history").records() if r["document"] != "official statistics"]
    table, details = heatmap(findings)
    legend = (
        '<p class="legend"><span style="background:rgba(192,57,43,.6)">more weaknesses</span>'
        '<span style="background:rgba(39,174,96,.6)">more strengths</span><span style="background:#f2f2f2">(main findings only)</span> '
        "Cells show weaknesses/strengths; a cell links to the findings behind it.</p>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8"><title>sendkg: SEND inspections by area and theme</title>'
        f"<style>{STYLE}</style></head><body>"
        "<h1>Local area SEND inspections: themes, timelines and network</h1>"
        f"<p>{len({r['document'] for r in history})} documents, {len({r['area'] for r in history})} areas, "
        f"{len(findings)} theme tags on findings.</p>"
        f'<h2 id="heatmap">Weakness and strength themes by area</h2>{legend}{table}'
        f'<h2 id="timeline">Inspections over time</h2>{timeline(history)}'
        f'<h2 id="network">Areas and themes</h2>{network_drawing(graph)}'
        f'<h2>The findings behind each cell</h2><div class="findings">{details}</div>'
        "</body></html>\n"
    )
