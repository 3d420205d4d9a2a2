"""England drawn as inline SVG, each local area in the colour a caller gives it.

A local area (an upper-tier authority) is one or more of the 2023 local authority districts in
`data/boundaries/` (ONS boundaries, already simplified): a unitary, metropolitan or London
borough is its own district; a county is the districts the 2021 lookup places in it; an area
that no longer exists (Cumbria, Northamptonshire) is the districts that succeeded it. The
districts of an area are merged, projected (longitude scaled for England's latitude, so shapes
keep their proportions) and simplified with shapely, so the page carries paths, no tiles, and no
script.
"""

from __future__ import annotations

import csv
import html
import json
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy
import shapely
from shapely.geometry import shape

from .gazetteer import county_districts
from .resources import data_file

BOUNDARIES = "boundaries/local-authority-districts-2023.geojson"
PREDECESSORS = "boundaries/predecessors.csv"
WIDTH = 460  # pixels across the drawing
TOLERANCE = 0.6  # pixels a simplified outline may stray from the boundary
LATITUDE = 52.5  # England's middle, where one degree of longitude is cos(52.5°) of one of latitude


@dataclass(frozen=True)
class Shade:
    """How one area is drawn: its fill, the words shown on hovering it, and where it links."""

    colour: str
    title: str
    link: str | None = None


def districts_of(code: str, la_code: str | None = None) -> list[str]:
    """The 2023 districts that make up the area with this GSS code (or, for an area that no longer
    exists and has none, this old local authority code)."""
    if code.startswith(("E06", "E08", "E09")):
        return [code]
    if code.startswith("E10"):
        return sorted(county_districts().get(code, []))
    return sorted(predecessors().get(la_code or "", []))


@cache
def predecessors() -> dict[str, list[str]]:
    with data_file(PREDECESSORS).open(encoding="utf-8", newline="") as handle:
        found: dict[str, list[str]] = defaultdict(list)
        for row in csv.DictReader(handle):
            found[row["la_code"]].append(row["lad23cd"])
    return dict(found)


@cache
def district_shapes() -> dict[str, shapely.Geometry]:
    """Each English district, projected to the drawing's pixels."""
    features = json.loads(data_file(BOUNDARIES).read_text(encoding="utf-8"))["features"]
    geometries = {f["properties"]["LAD23CD"]: shapely.make_valid(shape(f["geometry"])) for f in features}
    west, south, east, north = shapely.total_bounds(list(geometries.values()))
    scale = WIDTH / ((east - west) * math.cos(math.radians(LATITUDE)))

    def project(coordinates: numpy.ndarray) -> numpy.ndarray:
        x = (coordinates[:, 0] - west) * math.cos(math.radians(LATITUDE)) * scale
        y = (north - coordinates[:, 1]) * scale
        return numpy.column_stack([x, y])

    return {code: shapely.transform(geometry, project) for code, geometry in geometries.items()}


@cache
def height() -> float:
    return max(geometry.bounds[3] for geometry in district_shapes().values())


@cache
def outline(districts: tuple[str, ...]) -> str:
    """The SVG path of these districts merged into one area and simplified."""
    shapes = district_shapes()
    merged = shapely.union_all([shapes[d] for d in districts if d in shapes]).simplify(TOLERANCE, preserve_topology=True)
    parts = []
    for polygon in shapely.get_parts(merged):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in ring.coords[:-1])
            parts.append(f"M{points}Z")
    return "".join(parts)


def england(shades: Mapping[tuple[str, str | None], Shade], label: str, unshaded: Shade) -> str:
    """England as an SVG: each area (keyed by its GSS code and old local authority code) in its
    shade, every other district in `unshaded`."""
    covered: set[str] = set()
    paths = []
    for (code, la_code), shade_ in sorted(shades.items(), key=lambda item: item[0][0]):
        districts = tuple(districts_of(code, la_code))
        covered.update(districts)
        if districts:
            paths.append(drawn(outline(districts), shade_))
    rest = tuple(sorted(set(district_shapes()) - covered))
    if rest:
        paths.insert(0, drawn(outline(rest), unshaded))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height():.0f}" width="{WIDTH}" height="{height():.0f}" '
        f'role="img" aria-label="{html.escape(label)}" class="map">{"".join(paths)}</svg>'
    )


def drawn(path: str, shade_: Shade) -> str:
    shape_ = f'<path d="{path}" fill="{shade_.colour}" stroke="#fff" stroke-width="0.6"><title>{html.escape(shade_.title)}</title></path>'
    if shade_.link:
        return f'<a href="{html.escape(shade_.link)}">{shape_}</a>'
    return shape_
