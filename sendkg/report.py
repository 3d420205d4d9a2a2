"""A self-contained HTML page about a built graph, for an analyst to read and send round: England
mapped by each area's latest outcome under each framework, every inspection on a timeline (the
official statistics' too), and a heatmap of themes with one row per inspection, every cell linked
to the findings behind it and every finding back to its row.

No scripts, fonts or images are fetched: the page is one file of HTML, CSS and inline SVG. Colours
are the Okabe–Ito palette, which readers with the common colour-vision deficiencies can tell apart,
and every colour is also said in words (a legend, and a title on hovering).
"""

from __future__ import annotations

import html
import os
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from rdflib import Graph

from .map import Shade, england
from .network import WEAKNESS
from .query import run
from .read import SUPPORTED

FINDINGS = """
PREFIX sk: <https://w3id.org/sendkg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?area ?document ?framework ?start ?finding ?order ?polarity ?text ?page ?theme ?label WHERE {
  ?finding a sk:Finding ; prov:wasDerivedFrom ?doc ; sk:polarity/skos:notation ?polarity ; sk:text ?text ; sk:order ?order .
  ?doc sk:fileName ?document ; sk:describes ?inspection .
  ?inspection sk:localArea/rdfs:label ?area ; sk:framework/skos:notation ?framework .
  OPTIONAL { ?inspection sk:startDate ?start }
  OPTIONAL { ?finding sk:evidence/sk:page ?page }
  OPTIONAL { ?finding sk:theme ?concept . ?concept skos:notation ?theme ; skos:prefLabel ?label }
} ORDER BY ?document ?order ?theme"""

AREAS = """
PREFIX sk: <https://w3id.org/sendkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?area ?code ?la_code WHERE {
  ?place a sk:LocalArea ; rdfs:label ?area . OPTIONAL { ?place sk:gssCode ?code } OPTIONAL { ?place sk:laCode ?la_code }
}"""

OUTCOMES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?outcome ?words WHERE { ?concept skos:inScheme <https://w3id.org/sendkg/code/outcome> ; skos:notation ?outcome ; skos:prefLabel ?words }"""

BLUE, ORANGE, VERMILLION, SKY, PURPLE, GREY = "#0072B2", "#E69F00", "#D55E00", "#56B4E9", "#CC79A7", "#BBBBBB"
OUTCOME_COLOURS = {
    "positive": BLUE,
    "no-wsoa": BLUE,
    "revisit-sufficient": SKY,
    "inconsistent": ORANGE,
    "systemic-failings": VERMILLION,
    "wsoa": VERMILLION,
    "revisit-insufficient": PURPLE,
}
FRAMEWORKS = {"2023": "Area SEND inspections (2023 framework)", "2016": "Joint local area SEND inspections (2016 framework)"}

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1280px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 36px; } h3 { font-size: 15px; }
nav a { margin-right: 12px; }
.maps { display: flex; flex-wrap: wrap; gap: 32px; } .maps figure { margin: 0; max-width: 480px; } figcaption { font-weight: 600; margin-bottom: 4px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 8px 0; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; } .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 2px; }
table.heatmap { border-collapse: collapse; font-size: 12px; }
table.heatmap th, table.heatmap td { border: 1px solid #ddd; padding: 2px 4px; text-align: center; min-width: 22px; }
table.heatmap th.theme { writing-mode: vertical-rl; transform: rotate(180deg); height: 200px; vertical-align: bottom; font-weight: 500; }
table.heatmap th.inspection { text-align: left; white-space: nowrap; font-weight: 500; }
td a { color: inherit; text-decoration: none; display: block; }
.findings section { margin-bottom: 16px; }
.findings blockquote { margin: 4px 0 4px 16px; padding-left: 8px; border-left: 3px solid #ccc; }
.meta { color: #555; font-size: 12px; }
svg text { font: 11px system-ui, sans-serif; }
svg.map a:hover path, svg.map a:focus path { stroke: #000; stroke-width: 1.2; }
"""


def slug(*parts: str) -> str:
    return "-".join("".join(c if c.isalnum() else "-" for c in part.lower()) for part in parts)


def outcome_words(graph: Graph) -> dict[str, str]:
    """Each outcome code in the words the scheme gives it."""
    return {r["outcome"]: r["words"] for r in run(graph, OUTCOMES).records()}


def legend(words: dict[str, str], codes: list[str], none: str | None = None) -> str:
    items = [f'<li><span class="swatch" style="background:{OUTCOME_COLOURS[c]}"></span>{html.escape(words.get(c, c))}</li>' for c in codes]
    if none:
        items.append(f'<li><span class="swatch" style="background:{GREY}"></span>{html.escape(none)}</li>')
    return f'<ul class="legend">{"".join(items)}</ul>'


def maps(history: list[dict], areas: list[dict], words: dict[str, str]) -> str:
    """England twice: each area by the outcome of its latest inspection under the 2023 framework,
    and under the 2016 framework (a revisit's verdict counting as its latest)."""
    codes = {r["area"]: (r.get("code") or "", r.get("la_code")) for r in areas}
    figures = []
    for framework, shown in (("2023", ["positive", "inconsistent", "systemic-failings"]), ("2016", ["no-wsoa", "wsoa", "revisit-sufficient", "revisit-insufficient"])):
        latest: dict[str, dict] = {}
        for row in history:
            if row["framework"] == framework and row["outcome"] and row["start"] and row["area"] in codes:
                if row["area"] not in latest or row["start"] > latest[row["area"]]["start"]:
                    latest[row["area"]] = row
        shades = {
            codes[area]: Shade(
                OUTCOME_COLOURS.get(row["outcome"], GREY),
                f'{area}: {words.get(row["outcome"], row["outcome"])} (inspection starting {row["start"]}{", official statistics" if row["document"] == "official statistics" else ""})',
                f"#area-{slug(area)}",
            )
            for area, row in latest.items()
        }
        title = FRAMEWORKS[framework]
        drawing = england(shades, f"Map of England: {title}, latest outcome of each area", Shade(GREY, "not inspected under this framework, as far as the graph knows"))
        figures.append(f"<figure><figcaption>{html.escape(title)}: latest outcome ({len(latest)} areas)</figcaption>{legend(words, shown, 'not inspected, as far as the graph knows')}{drawing}</figure>")
    return f'<div class="maps">{"".join(figures)}</div>'


def timeline(history: list[dict], words: dict[str, str]) -> str:
    """Every dated inspection, area by area; each area's row is where the maps link."""
    dated = [r for r in history if r["start"]]
    if not dated:
        return "<p>No dated inspections.</p>"
    days = [date.fromisoformat(r["start"]) for r in dated]
    first, last = min(days).replace(month=1, day=1), max(days).replace(month=12, day=31)
    span = (last - first).days or 1
    areas = sorted({r["area"] for r in dated})
    width, left, right, row_height = 1000, 250, 20, 16
    height = row_height * len(areas) + 40

    def x(day: date) -> float:
        return left + (width - left - right) * (day - first).days / span

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="Inspections by area over time">']
    for year in range(first.year, last.year + 1):
        position = x(date(year, 1, 1))
        parts.append(f'<line x1="{position:.1f}" y1="4" x2="{position:.1f}" y2="{height - 20}" stroke="#eee"/>')
        parts.append(f'<text x="{position + 2:.1f}" y="{height - 6}">{year}</text>')
    for index, area in enumerate(areas):
        y = 12 + index * row_height
        parts.append(f'<g id="area-{slug(area)}"><text x="{left - 8}" y="{y + 4}" text-anchor="end">{html.escape(area)}</text>')
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="#e4e4e4"/>')
        for r in (r for r in dated if r["area"] == area):
            colour = OUTCOME_COLOURS.get(r["outcome"], GREY)
            cx = x(date.fromisoformat(r["start"]))
            said = words.get(r["outcome"], r["outcome"]) if r["outcome"] else "outcome not stated"
            source = "from Ofsted's official statistics" if r["document"] == "official statistics" else r["document"]
            label = f'{area}, inspection starting {r["start"]} ({r["framework"]} framework): {said}; {source}'
            mark = f'<circle cx="{cx:.1f}" cy="{y}" r="5" fill="{colour}" stroke="#333" stroke-width="0.5"><title>{html.escape(label)}</title></circle>'
            if r["document"] != "official statistics":
                mark = f'<a href="#inspection-{slug(r["document"])}">{mark}</a>'
            parts.append(mark)
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def heatmap(findings: list[dict], sources: Mapping[str, str]) -> tuple[str, str]:
    """One table per framework: a row per inspection (area, date), a column per theme, each cell
    the share of the inspection's findings about the theme (weaknesses and strengths counted apart),
    linked to those findings; and the findings themselves, each linked back to its row."""
    inspections: dict[str, dict] = {}
    total: dict[str, set[str]] = defaultdict(set)
    cells: dict[tuple[str, str], dict[str, list[dict]]] = defaultdict(lambda: {"weakness": [], "strength": [], "other": []})
    labels: dict[str, str] = {}
    for row in findings:
        inspections.setdefault(row["document"], row)
        total[row["document"]].add(row["finding"])
        if row["theme"]:
            labels[row["theme"]] = row["label"]
            kind = "weakness" if row["polarity"] in WEAKNESS else "strength" if row["polarity"] == "strength" else "other"
            cells[row["document"], row["theme"]][kind].append(row)
    themes = sorted(labels, key=lambda t: (-sum(len(v) for (d, th), c in cells.items() if th == t for v in c.values()), t))
    tables = []
    for framework, title in FRAMEWORKS.items():
        documents = sorted((d for d, r in inspections.items() if r["framework"] == framework), key=lambda d: (inspections[d]["area"], inspections[d]["start"] or ""))
        if not documents:
            continue
        head = "".join(f'<th class="theme" scope="col">{html.escape(labels[t])}</th>' for t in themes)
        rows = []
        for document in documents:
            about = inspections[document]
            out = []
            for theme in themes:
                found = cells.get((document, theme))
                if not found:
                    out.append("<td></td>")
                    continue
                weak, strong, other = (len(found[k]) for k in ("weakness", "strength", "other"))
                share = (weak + strong + other) / len(total[document])
                title_ = f"{about['area']} {about['start'] or ''}, {labels[theme]}: {weak} weaknesses, {strong} strengths, {other} other findings, {share:.0%} of the inspection's {len(total[document])} findings"
                colour = VERMILLION if weak > strong else BLUE if strong > weak else "#777777"
                out.append(
                    f'<td style="background:{colour}{opacity(share)}"><a href="#{slug("cell", document, theme)}" title="{html.escape(title_)}">{share:.0%}</a></td>'
                )
            name = f"{about['area']} · {about['start'] or 'date not stated'}"
            rows.append(f'<tr id="inspection-{slug(document)}"><th class="inspection" scope="row">{html.escape(name)}</th>{"".join(out)}</tr>')
        tables.append(f'<h3>{html.escape(title)}</h3><table class="heatmap"><tr><th></th>{head}</tr>{"".join(rows)}</table>')
    details = []
    for (document, theme), found in sorted(cells.items()):
        about = inspections[document]
        quotes = "".join(
            f'<blockquote>{html.escape(r["text"])}<div class="meta">{html.escape(r["polarity"])} · {source(document, r["page"], sources)}'
            f' · inspection starting {html.escape(about["start"] or "—")}</div></blockquote>'
            for kind in ("weakness", "strength", "other")
            for r in found[kind]
        )
        details.append(
            f'<section id="{slug("cell", document, theme)}"><h3>{html.escape(about["area"])} {html.escape(about["start"] or "")} — {html.escape(labels[theme])}</h3>'
            f'{quotes}<p class="meta"><a href="#inspection-{slug(document)}">back to the inspection\'s row</a></p></section>'
        )
    return "".join(tables), "".join(details)


def source(document: str, page: str | None, sources: Mapping[str, str]) -> str:
    """The document and page a finding was read from, linked to the file (at the page) when known."""
    said = html.escape(document) + (f" · page {page}" if page else "")
    link = sources.get(document)
    if link is None:
        return said
    return f'<a href="{html.escape(link + (f"#page={page}" if page else ""))}">{said}</a>'


def opacity(share: float) -> str:
    """An alpha suffix for a #RRGGBB colour: a cell is darker the larger its share."""
    return f"{round(255 * min(1.0, 0.15 + 1.7 * share)):02x}"


def source_links(documents: Path, page: Path) -> dict[str, str]:
    """Each document file under `documents` by name, as a link relative to the page at `page`;
    none when the folder does not exist."""
    if not documents.is_dir():
        return {}
    found = sorted(p for p in documents.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
    return {p.name: Path(os.path.relpath(p.resolve(), page.resolve().parent)).as_posix() for p in found}


def render(graph: Graph, sources: Mapping[str, str] | None = None) -> str:
    """The page; with `sources` (a document's file name: its link), each finding links to its file."""
    findings = run(graph, FINDINGS).records()
    history = run(graph, "area-history").records()
    areas = run(graph, AREAS).records()
    words = outcome_words(graph)
    tables, details = heatmap(findings, sources or {})
    documents = {r["document"] for r in findings}
    cell_legend = (
        f'<ul class="legend"><li><span class="swatch" style="background:{VERMILLION}"></span>more weaknesses than strengths</li>'
        f'<li><span class="swatch" style="background:{BLUE}"></span>more strengths than weaknesses</li>'
        '<li><span class="swatch" style="background:#777777"></span>as many, or main findings only</li></ul>'
        "<p>Each cell is the share of the inspection's findings about the theme (darker: a larger share); "
        "hover for the counts, follow it for the findings.</p>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8"><title>sendkg: local area SEND inspections</title>'
        f"<style>{STYLE}</style></head><body>"
        "<h1>Local area SEND inspections: outcomes, timeline and themes</h1>"
        f"<p>{len(documents)} inspection documents read, {len({r['area'] for r in history})} areas, "
        f"{sum(1 for r in history if r['document'] == 'official statistics')} further inspections known from Ofsted's official statistics.</p>"
        '<nav><a href="#maps">Maps</a><a href="#timeline">Timeline</a><a href="#heatmap">Themes by inspection</a><a href="#findings">Findings</a></nav>'
        f'<h2 id="maps">Latest outcome of each area</h2>{maps(history, areas, words)}'
        f'<h2 id="timeline">Every inspection over time</h2>'
        f'{legend(words, ["positive", "inconsistent", "systemic-failings", "no-wsoa", "wsoa", "revisit-sufficient", "revisit-insufficient"], "outcome not stated")}'
        f"{timeline(history, words)}"
        f'<h2 id="heatmap">Themes by inspection</h2>{cell_legend}{tables}'
        f'<h2 id="findings">The findings behind each cell</h2><div class="findings">{details}</div>'
        "</body></html>\n"
    )
