"""Builds region.json, the borders the archive's maps draw, from Natural Earth.

Input: ``countries-10m.json`` from the npm package world-atlas 2.0.2, Natural Earth 4.1.0's
Admin 0 countries at 1:10m as TopoJSON (fetch it with ``npm pack world-atlas@2.0.2`` and untar).
Output: each country that reaches the region, clipped to a box a little larger than the maps
show (so the cut edges fall outside the picture) and simplified to about 1 km, as plain
longitude/latitude rings. Run from the repository root:

    python timeline/data/build_region.py /tmp/package/countries-10m.json

It uses only the standard library, so the site never needs a GIS package at run time.
"""

import json
import sys
from pathlib import Path

# The box the output keeps (degrees): wider than timeline.maps.VIEW on every side.
CLIP = (42.4, 37.6, 51.4, 42.8)  # west, south, east, north
TOLERANCE = 0.008  # Douglas-Peucker tolerance in degrees (about 700-900 m here)
DECIMALS = 3
OUT = Path(__file__).with_name("region.json")


def decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring_points(indices, arcs):
    points = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their end point.
        points.extend(arc if not points else arc[1:])
    return points


def polygons_of(geometry, arcs):
    if geometry["type"] == "Polygon":
        return [[ring_points(ring, arcs) for ring in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring_points(ring, arcs) for ring in polygon] for polygon in geometry["arcs"]]
    return []


def clip(ring, box):
    """Sutherland-Hodgman against each side of the box (the box is convex, so this is exact)."""
    west, south, east, north = box
    edges = [
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    ]
    for inside, cross in edges:
        if not ring:
            break
        out, previous = [], ring[-1]
        for point in ring:
            if inside(point):
                if not inside(previous):
                    out.append(cross(previous, point))
                out.append(point)
            elif inside(previous):
                out.append(cross(previous, point))
            previous = point
        ring = out
    return ring


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points, tolerance):
    """Douglas-Peucker, iterative (long coastlines would overflow recursion)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = (dx * dx + dy * dy) ** 0.5
        worst, worst_index = 0.0, None
        for index in range(first + 1, last):
            px, py = points[index]
            if length:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / length
            else:
                distance = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if distance > worst:
                worst, worst_index = distance, index
        if worst_index is not None and worst > tolerance:
            keep[worst_index] = True
            stack += [(first, worst_index), (worst_index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def build(source: Path) -> dict:
    topology = json.loads(source.read_text())
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = []
        for polygon in polygons_of(geometry, arcs):
            for ring in polygon:
                clipped = clip(ring, CLIP)
                if len(clipped) < 3:
                    continue
                simple = simplify(clipped + [clipped[0]], TOLERANCE)[:-1]
                rounded = []
                for lon, lat in simple:
                    point = [round(lon, DECIMALS), round(lat, DECIMALS)]
                    if not rounded or rounded[-1] != point:
                        rounded.append(point)
                if len(rounded) >= 3:
                    rings.append(rounded)
        if rings:
            countries.append(
                {"id": geometry.get("id"), "name": geometry["properties"]["name"], "rings": rings}
            )
    countries.sort(key=lambda country: country["name"])
    return {
        "source": "Natural Earth 4.1.0, Admin 0 countries, 1:10m (via npm world-atlas 2.0.2)",
        "licence": "Public domain (Natural Earth terms of use)",
        "clip": list(CLIP),
        "countries": countries,
    }


if __name__ == "__main__":
    data = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(data['countries'])} countries")
