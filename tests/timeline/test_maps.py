import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from karabakh_site.core.models import Publishable
from tests.factories import PlaceFactory, TimelineEntryFactory
from timeline import maps

pytestmark = pytest.mark.django_db


def shusha(**kwargs):
    return PlaceFactory(latitude=Decimal("39.759167"), longitude=Decimal("46.748611"), **kwargs)


def test_the_borders_come_from_a_small_file_that_says_where_they_come_from():
    assert maps.REGION_FILE.stat().st_size < 60_000
    data = json.loads(maps.REGION_FILE.read_text())
    assert "Natural Earth" in data["source"]
    names = {country.name for country in maps.countries()}
    assert {"Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey"} <= names
    # Nakhchivan is part of Azerbaijan's outline: a ring of it lies west of Armenia's south.
    azerbaijan = next(country for country in maps.countries() if country.name == "Azerbaijan")
    nakhchivan = maps.project(45.4, 39.2)
    assert any(
        min(x for x, _ in ring) < nakhchivan[0] < max(x for x, _ in ring)
        and min(y for _, y in ring) < nakhchivan[1] < max(y for _, y in ring)
        for ring in azerbaijan.rings
    )


def test_places_outside_the_region_or_without_coordinates_get_no_marker():
    inside = shusha()
    far = PlaceFactory(slug="helsinki", name_en="Helsinki", latitude=60.17, longitude=24.94)
    nowhere = PlaceFactory(slug="hadrut", name_en="Hadrut")
    result = maps.region_map([inside, far, nowhere], highlight=inside)
    assert [marker.name for marker in result.markers] == ["Shusha / Shushi"]
    marker = result.markers[0]
    assert marker.highlighted
    assert 0 < marker.x < maps.WIDTH and 0 < marker.y < maps.HEIGHT


def test_a_place_page_shows_its_names_its_map_and_its_published_events(client):
    place = shusha()
    TimelineEntryFactory(title="Shusha captured", place=place, date=datetime.date(1992, 5, 9))
    TimelineEntryFactory(title="Secret draft", place=place, status=Publishable.Status.DRAFT)

    response = client.get(reverse("timeline:place-detail", kwargs={"slug": "shusha"}))

    html = response.text
    assert response.status_code == 200
    assert '<dd lang="hy">Շուշի</dd>' in html and '<dd lang="az">Şuşa</dd>' in html
    assert 'role="group" aria-labelledby="region-map-title"' in html
    assert 'class="map-place map-place--here" href="/en/timeline/places/shusha/"' in html
    assert 'aria-label="Shusha / Shushi"' in html
    assert "Shusha captured" in html
    assert "Secret draft" not in html
    assert "Natural Earth" in html


def test_a_place_only_drafts_use_is_not_found_as_in_the_api(client):
    place = shusha()
    TimelineEntryFactory(place=place, status=Publishable.Status.DRAFT)
    assert (
        client.get(reverse("timeline:place-detail", kwargs={"slug": "shusha"})).status_code == 404
    )
    assert (
        client.get(reverse("timeline:place-detail", kwargs={"slug": "nowhere"})).status_code == 404
    )
    assert "Shusha" not in client.get(reverse("timeline:place-list")).text.split("<main")[1]


def test_the_events_map_links_every_mapped_place_and_lists_the_others(client):
    TimelineEntryFactory(place=shusha())
    TimelineEntryFactory(
        place=PlaceFactory(slug="helsinki", name_en="Helsinki", latitude=60.17, longitude=24.94)
    )
    html = client.get(reverse("timeline:map")).text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'href="/en/timeline/places/shusha/"' in svg
    assert "helsinki" not in svg
    assert 'href="/en/timeline/places/helsinki/"' in html  # listed under "Elsewhere"
    assert 'id="map-elsewhere-heading"' in html


def test_an_event_page_shows_the_map_of_its_place_and_one_without_a_place_none(client):
    with_place = TimelineEntryFactory(place=shusha())
    without = TimelineEntryFactory()
    assert "region-map" in client.get(with_place.get_absolute_url()).text
    assert "region-map" not in client.get(without.get_absolute_url()).text


def test_places_and_the_map_are_in_the_sitemap(client):
    TimelineEntryFactory(place=shusha())
    TimelineEntryFactory(place=PlaceFactory(slug="draft-only"), status=Publishable.Status.DRAFT)
    xml = client.get(reverse("sitemap-section", args=["places"])).text
    assert "/sitemap-places.xml</loc>" in client.get(reverse("sitemap")).text
    assert "/en/timeline/places/shusha/</loc>" in xml
    assert "/en/timeline/places/</loc>" in xml
    assert "/en/timeline/map/</loc>" in xml
    assert "draft-only" not in xml


def test_event_pages_and_the_timeline_link_the_place_page_and_the_map(client):
    place = PlaceFactory()
    entry = TimelineEntryFactory(place=place)
    place_url = reverse("timeline:place-detail", args=[place.slug])
    for url in (entry.get_absolute_url(), reverse("timeline:list")):
        assert f'href="{place_url}"' in client.get(url).content.decode(), url
    assert (
        f'href="{reverse("timeline:map")}"' in client.get(reverse("timeline:list")).content.decode()
    )


@pytest.mark.parametrize("slug", ["map", "places"])
def test_an_entry_cannot_take_the_address_of_a_timeline_page(slug):
    from django.core.exceptions import ValidationError

    entry = TimelineEntryFactory.build(slug=slug)
    with pytest.raises(ValidationError, match="address of a timeline page"):
        entry.clean()
