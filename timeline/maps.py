"""The region map, laid out on the server as SVG geometry (no tile server, no script).

Borders are Natural Earth's (public domain), cut down to the region by data/build_region.py
into data/region.json. Places are drawn as markers in the same projection, so the HTML map
(templates/includes/map.html) and the share images (karabakh_site.share_images) agree.
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.urls import reverse

REGION_FILE = Path(__file__).with_name("data") / "region.json"

# What the map shows (degrees): Armenia, Azerbaijan with Nakhchivan, and their neighbours' edges.
VIEW = (43.2, 38.25, 50.7, 41.95)  # west, south, east, north
WIDTH = 800
# Equirectangular, with longitude shrunk by cos(middle latitude): at this size and latitude the
# distortion is negligible, and the arithmetic is simple enough to share with the PNG renderer.
_X_SCALE = math.cos(math.radians((VIEW[1] + VIEW[3]) / 2))
_PER_DEGREE = WIDTH / ((VIEW[2] - VIEW[0]) * _X_SCALE)
HEIGHT = round((VIEW[3] - VIEW[1]) * _PER_DEGREE)

# Countries the archive is about are drawn stronger than their neighbours.
SUBJECTS = {"Armenia", "Azerbaijan"}
# Where each country's name is written (lon, lat), inside its visible part.
LABELS = {
    "Armenia": (44.75, 40.45),
    "Azerbaijan": (48.1, 40.55),
    "Georgia": (44.3, 41.75),
    "Iran": (47.4, 38.5),
    "Turkey": (43.55, 39.6),
    "Russia": (47.4, 41.85),
}


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """Map coordinates (0..WIDTH, 0..HEIGHT) of a point."""
    x = (longitude - VIEW[0]) * _X_SCALE * _PER_DEGREE
    y = (VIEW[3] - latitude) * _PER_DEGREE
    return round(x, 1), round(y, 1)


def in_view(latitude, longitude) -> bool:
    if latitude is None or longitude is None:
        return False
    return VIEW[0] <= float(longitude) <= VIEW[2] and VIEW[1] <= float(latitude) <= VIEW[3]


@dataclass(frozen=True)
class Country:
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # projected points
    path: str  # SVG path data
    subject: bool
    label: tuple[float, float] | None


@dataclass(frozen=True)
class Marker:
    name: str
    href: str
    x: float
    y: float
    highlighted: bool
    label_anchor: str  # "start" or "end": the label's side, away from the map's edge


@dataclass(frozen=True)
class RegionMap:
    countries: tuple[Country, ...]
    markers: list[Marker]
    width: int = WIDTH
    height: int = HEIGHT


@cache
def countries() -> tuple[Country, ...]:
    """The borders, projected once per process: they come from a file in the repository and
    never change while it runs, so nothing here depends on a request."""
    data = json.loads(REGION_FILE.read_text(encoding="utf-8"))
    result = []
    for country in data["countries"]:
        rings = tuple(tuple(project(lon, lat) for lon, lat in ring) for ring in country["rings"])
        path = " ".join("M" + " L".join(f"{x:g} {y:g}" for x, y in ring) + " Z" for ring in rings)
        label = LABELS.get(country["name"])
        result.append(
            Country(
                name=country["name"],
                rings=rings,
                path=path,
                subject=country["name"] in SUBJECTS,
                label=project(*label) if label else None,
            )
        )
    return tuple(result)


def place_url(place) -> str:
    return reverse("timeline:place-detail", kwargs={"slug": place.slug})


def region_map(places, *, highlight=None) -> RegionMap:
    """The map with a marker for each of ``places`` that has coordinates inside it, linking to
    its page; ``highlight`` (a place) is drawn stronger and last, so it is on top."""
    markers = []
    for place in places:
        if not in_view(place.latitude, place.longitude):
            continue
        x, y = project(float(place.longitude), float(place.latitude))
        markers.append(
            Marker(
                name=place.display_name,
                href=place_url(place),
                x=x,
                y=y,
                highlighted=highlight is not None and place.pk == highlight.pk,
                label_anchor="end" if x > WIDTH * 0.7 else "start",
            )
        )
    markers.sort(key=lambda marker: (marker.highlighted, marker.y))
    return RegionMap(countries=countries(), markers=markers)
