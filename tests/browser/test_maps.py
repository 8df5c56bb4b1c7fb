"""The region map and share images in a real browser: the map fits a phone and a desktop with
no horizontal scroll, its links work, axe-core (best-practice rules too) finds nothing on the
map pages, and every page type's og:image answers with a PNG."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture
def mapped(archive):
    place = archive["events"][0].place
    place.latitude, place.longitude = Decimal("39.759167"), Decimal("46.748611")
    place.save()
    return {**archive, "place": place}


def map_pages(mapped):
    return {
        "events map": "/en/timeline/map/",
        "place": "/en/timeline/places/shusha/",
        "event": mapped["events"][0].get_absolute_url(),
        "place list": "/en/timeline/places/",
    }


@pytest.mark.parametrize("width", [390, 1280])
def test_the_map_fits_the_screen_and_passes_axe(live_server, page, mapped, axe_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    failures = {}
    for name, path in map_pages(mapped).items():
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            if name != "place list":
                box = page.locator(".region-map svg").bounding_box()
                assert box and 0 < box["width"] <= width, name
            page.add_script_tag(path=str(axe_path))
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
            if result["violations"]:
                failures[f"{name} ({scheme})"] = [v["id"] for v in result["violations"]]
    assert failures == {}


def test_a_marker_is_a_named_link_to_its_place_page(live_server, page, mapped):
    page.goto(live_server.url + mapped["events"][0].get_absolute_url())
    marker = page.get_by_role("link", name="Shusha / Shushi").last
    marker.click()
    page.wait_for_url("**/en/timeline/places/shusha/")
    assert page.locator("h1").inner_text() == "Shusha / Shushi"


def test_every_page_type_has_a_png_share_image(live_server, page, mapped):
    paths = {
        "home": "/en/",
        "article": mapped["article"].get_absolute_url(),
        "event": mapped["events"][0].get_absolute_url(),
        "faq entry": "/en/faq/bishkek/",
        "faq": "/en/faq/",
        "list": "/en/articles/",
        "place": "/en/timeline/places/shusha/",
    }
    for name, path in paths.items():
        page.goto(live_server.url + path)
        image = page.locator('meta[property="og:image"]').get_attribute("content")
        assert image.startswith(live_server.url + "/share/"), name
        response = page.request.get(image)
        assert response.status == 200, name
        assert response.headers["content-type"] == "image/png", name
        assert response.body()[:8] == b"\x89PNG\r\n\x1a\n", name
