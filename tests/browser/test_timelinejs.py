"""The TimelineJS export loaded into TimelineJS3 itself, as another site would embed it.

TimelineJS3 writes an event's headline and text into the page as HTML (after its own DOMPurify
pass, which keeps <img src=x> and <svg> and drops <script> with its text), so the export must
send plain text escaped. The library is served from node_modules on a page routed at the live
server's origin: the export is fetched by TimelineJS3 itself, as an embed would, and the site
gains no URL of its own for the test.
"""

import mimetypes

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories import TimelineEntryFactory
from tests.markup import SCRIPT_PAYLOADS

from .conftest import ROOT, unavailable

pytestmark = pytest.mark.browser

TIMELINEJS = ROOT / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
PREFIX = "/timelinejs-test/"
EXPORT = "/api/v1/timeline/timelinejs/"
EMBED_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS embed</title>
<link rel="stylesheet" href="css/timeline.css"><script src="js/timeline.js"></script></head>
<body><div id="timeline" style="width: 1000px; height: 650px"></div>
<script>
  window.timeline = new TL.Timeline("timeline", "{EXPORT}");
  window.timeline.on("loaded", () => {{ window.timelineLoaded = true; }});
</script></body></html>"""


@pytest.fixture
def timelinejs():
    if not (TIMELINEJS / "js" / "timeline.js").exists():
        unavailable("TimelineJS3 not installed: npm ci --ignore-scripts")
    return TIMELINEJS


@pytest.fixture
def embed(live_server, page, timelinejs):
    """Open the embed page; every other host is refused, so nothing comes from the internet."""

    def serve(route):
        path = route.request.url.split("?")[0].removeprefix(live_server.url + PREFIX)
        if path == "index.html":
            route.fulfill(body=EMBED_PAGE, content_type="text/html; charset=utf-8")
            return
        asset = (timelinejs / path).resolve()
        if not asset.is_file() or timelinejs not in asset.parents:
            route.fulfill(status=404)
            return
        content_type = mimetypes.guess_type(asset.name)[0] or "application/octet-stream"
        route.fulfill(body=asset.read_bytes(), content_type=content_type)

    page.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page.route(f"{live_server.url}{PREFIX}**", serve)

    def open_embed():
        # The anonymous API throttle counts in the shared cache, which outlives each test's
        # flush: earlier browser tests' API calls from this address in the same minute could
        # have used up the export's allowance (a 429, and TimelineJS never loads).
        cache.clear()
        with page.expect_response(lambda response: EXPORT in response.url) as export:
            page.goto(f"{live_server.url}{PREFIX}index.html")
        assert export.value.status == 200, f"the export answered {export.value.status}"
        page.wait_for_function("window.timelineLoaded === true")
        return page

    return open_embed


def test_timelinejs_shows_the_exports_titles_and_summaries_as_written_and_runs_none(
    transactional_db, embed
):
    entries = [
        TimelineEntryFactory(slug=f"payload-{number}", title=text, summary=f"{text}[^1]")
        for number, text in enumerate(SCRIPT_PAYLOADS)
    ]

    page = embed()

    for entry in entries:
        slide = page.locator(f"[id='{entry.slug}']")
        expect(slide.locator(".tl-headline")).to_have_text(entry.title)
        marker = page.locator(f"[id='{entry.slug}-marker']")
        expect(marker.locator(".tl-headline")).to_have_text(entry.title)
    # The stored summary is sanitised HTML and passes as HTML: its text shows, its link works.
    plain = page.locator("[id='payload-3'] .tl-text-content")
    expect(plain).to_contain_text("A <-> B & C")
    expect(plain.get_by_role("link", name="Sources and details")).to_have_attribute(
        "href", f"{page.url.split(PREFIX)[0]}/en/timeline/payload-3/"
    )
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("#timeline svg").count() == 0
    assert page.locator("#timeline script").count() == 0
