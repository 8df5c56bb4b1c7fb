"""The API's documentation pages (Swagger UI, ReDoc, the guide) ask nothing of another host: every
request the browser makes while they load and render, scripts, styles, fonts, images and workers
included, goes to this site."""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Both API docs build a large page from the whole schema: slow on a loaded machine.
RENDERED = 30_000

PAGES = {
    "api:docs": ".swagger-ui .info .title",
    "api:redoc": "h1",
    "api:guide": "main h1",
}


@pytest.fixture
def recording_context(browser):
    """A browser context that records every request and answers none that leave the site (the
    test machine has no internet, so an outside request would only hang)."""
    # With the CSP bypassed: the pages must not even try, whatever the policy would block.
    context = browser.new_context(bypass_csp=True)
    context.requests = []

    def route(route):
        context.requests.append(route.request.url)
        if urlsplit(route.request.url).hostname in {"localhost", "127.0.0.1"}:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    yield context
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_the_api_docs_request_nothing_from_another_host(
    live_server, recording_context, archive, name
):
    cache.clear()  # earlier tests' anonymous calls must not have used the throttle up
    page = recording_context.new_page()
    page.goto(live_server.url + reverse(name))
    expect(page.locator(PAGES[name]).first).to_contain_text("API", timeout=RENDERED)
    # Fonts, images and late scripts are asked for as the page renders; give them the time.
    page.wait_for_load_state("networkidle")

    site = urlsplit(live_server.url).netloc
    outside = [
        url
        for url in recording_context.requests
        if not url.startswith("data:") and urlsplit(url).netloc != site
    ]
    assert outside == []
    assert any("/api/v1/schema/" in url for url in recording_context.requests) or name == (
        "api:guide"
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_guide_passes_axe_core(live_server, page, archive, axe_path, color_scheme):
    page.emulate_media(color_scheme=color_scheme)
    page.goto(live_server.url + reverse("api:guide"))
    page.add_script_tag(path=str(axe_path))

    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    )

    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
