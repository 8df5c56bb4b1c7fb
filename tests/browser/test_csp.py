"""Under the site's real Content-Security-Policy (no bypass, unlike the page checkers' context),
Swagger UI, ReDoc, an admin change form and the reader pages render, their scripts run, and
Chromium reports no violation: neither a `securitypolicyviolation` event nor a console error."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import UserFactory

from .conftest import page_paths

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
# Both API docs build the whole schema and a large page from it: slow on a loaded machine.
RENDERED = 30_000

# Installed before any of the page's own scripts; Playwright's init scripts are not subject to
# the page's CSP.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def strict_page(browser):
    """A page that obeys the CSP, with what Chromium reported about it."""
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.problems = []

    def on_console(message):
        # The browser asks for /favicon.ico by itself where a page names no icon (the admin).
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type in ("error", "warning"):
            page.problems.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    yield page
    context.close()


def reported(page) -> list[str]:
    return page.problems + page.evaluate("window.__violations")


def test_swagger_ui_renders_the_api_under_the_csp(live_server, strict_page, archive):
    response = strict_page.goto(live_server.url + reverse("api:docs"))

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert "'unsafe-inline'" not in policy["script-src"]
    expect(strict_page.locator(".swagger-ui .info .title")).to_contain_text(
        "Karabakh Archive API", timeout=RENDERED
    )
    expect(strict_page.locator(".opblock-summary-path").first).to_be_visible()
    # Swagger UI's own behaviour, not just its markup: an operation opens and shows its parameters.
    strict_page.locator(".opblock-summary").first.click()
    expect(strict_page.locator(".opblock-body").first).to_be_visible()
    assert reported(strict_page) == []


def test_redoc_renders_the_api_under_the_csp(live_server, strict_page, archive):
    strict_page.goto(live_server.url + reverse("api:redoc"))

    expect(strict_page.locator("h1").first).to_contain_text(
        "Karabakh Archive API", timeout=RENDERED
    )
    expect(strict_page.get_by_placeholder("Search...")).to_be_visible()
    # ReDoc's search runs in its worker: typing finds an operation.
    # Its index is built after the page shows, so a search typed at once may find nothing yet.
    search, results = strict_page.get_by_placeholder("Search..."), "[data-role='search:results']"
    for _ in range(20):
        search.fill("")
        search.press_sequentially("articles")
        strict_page.wait_for_timeout(1000)
        if "articles_list" in (strict_page.locator(results).all_inner_texts() or [""])[0]:
            break
    expect(strict_page.locator(results)).to_contain_text("articles_list")
    assert reported(strict_page) == []


def test_an_editor_logs_in_and_uses_an_admin_change_form_under_the_csp(
    live_server, strict_page, archive
):
    UserFactory(username="csp-admin", is_superuser=True)
    article = archive["article"]
    strict_page.goto(live_server.url + reverse("admin:login"))
    strict_page.get_by_label("Username").fill("csp-admin")
    strict_page.get_by_label("Password").fill(PASSWORD)
    strict_page.get_by_role("button", name="Log in").click()
    expect(strict_page.locator("#user-tools")).to_contain_text("csp-admin")

    strict_page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    expect(strict_page.locator("#id_title")).to_have_value(article.title)
    # The admin's scripts ran: the inline formset's "Add another" link is theirs, and it works.
    citations = strict_page.locator(".inline-group .add-row a").first
    expect(citations).to_be_visible()
    # Each form the formset's script adds is marked dynamic-<prefix>, stacked or tabular.
    rows = strict_page.locator(".inline-group").first.locator("[class*='dynamic-']")
    before = rows.count()
    citations.click()
    expect(rows).to_have_count(before + 1)
    assert reported(strict_page) == []


def test_every_reader_page_type_has_no_csp_violation(live_server, strict_page, archive):
    problems = {}
    for name, path in page_paths(archive).items():
        strict_page.problems.clear()
        strict_page.goto(live_server.url + path)
        found = [p for p in reported(strict_page) if "Failed to load resource" not in p]
        if found:
            problems[name] = found
    assert problems == {}
