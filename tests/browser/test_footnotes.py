"""On the demo archive: footnotes link both ways, "Cite this page" gives the right text for an
article and an event, and the item pages pass axe-core (best-practice rules too) with no
horizontal scroll at phone and desktop widths."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARTICLE = "/en/articles/september-2023-offensive-and-aftermath/"
ARTICLE_TITLE = (
    "Azerbaijan's September 2023 offensive in Nagorno-Karabakh: disarmament, exodus and "
    "Russia's role"
)
EVENT_SLUG = "2020-10-11-ganja-strike"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=StringIO())


def us_date(day) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def test_a_marker_leads_to_its_source_and_the_source_leads_back_to_that_marker(
    live_server, page, demo
):
    page.goto(live_server.url + ARTICLE)
    # Source 12 is cited in the opening paragraph and again on the exodus.
    first, second = page.locator("#source-ref-12-1"), page.locator("#source-ref-12-2")
    expect(second).to_be_attached()

    second.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"#source-12$"))
    entry = page.locator("#source-12")
    expect(entry).to_be_in_viewport()
    expect(entry.get_by_role("link", name="Back to reference 12a")).to_be_visible()

    entry.get_by_role("link", name="Back to reference 12b").click()
    expect(page).to_have_url(re.compile(r"#source-ref-12-2$"))
    expect(second).to_be_in_viewport()

    page.goto(live_server.url + ARTICLE + "#source-12")
    page.locator("#source-12").get_by_role("link", name="Back to reference 12a").click()
    expect(first).to_be_in_viewport()


def cite_text(page, style: str) -> str:
    details = page.locator("details.cite-box")
    if not details.evaluate("d => d.open"):
        details.get_by_text("Cite this page").click()  # opens it, without JavaScript of ours
    box = page.get_by_label(style, exact=True)
    expect(box).to_be_visible()
    return box.input_value()


def test_cite_this_page_gives_the_article_and_event_citations(live_server, page, demo):
    from timeline.models import TimelineEntry

    today = timezone.localdate()
    article_url = live_server.url + ARTICLE
    page.goto(article_url)
    assert cite_text(page, "APA") == (
        f"Karabakh Archive editors. (2025, August 12). {ARTICLE_TITLE}. Karabakh Archive."
        f" Retrieved {us_date(today)}, from {article_url}"
    )
    wiki = page.get_by_label("Wikipedia ({{cite web}})").input_value()
    assert wiki.startswith(f"{{{{cite web |url={article_url} |title={ARTICLE_TITLE} |")
    assert wiki.endswith(f"|date=2025-08-12 |access-date={today.isoformat()}}}}}")

    entry = TimelineEntry.objects.get(slug=EVENT_SLUG)
    published = timezone.localdate(entry.publish_at)
    event_url = live_server.url + entry.get_absolute_url()
    page.goto(event_url)
    assert cite_text(page, "Chicago").startswith(
        f"Karabakh Archive. \u201c{entry.title}.\u201d Karabakh Archive."
        f" Published {us_date(published)}."
    )
    assert cite_text(page, "Chicago").endswith(f"Accessed {us_date(today)}. {event_url}.")
    bibtex = page.get_by_label("BibTeX").input_value()
    assert bibtex.startswith(f"@misc{{karabakh-archive-{EVENT_SLUG},\n")
    assert "  author = {{Karabakh Archive}},\n" in bibtex
    assert f"  url = {{{event_url}}},\n" in bibtex


@pytest.mark.parametrize("width", [390, 1280])
def test_item_pages_pass_axe_and_fit_the_screen(live_server, page, demo, axe_path, width):
    from faq.models import FAQEntry

    page.set_viewport_size({"width": width, "height": 900})
    faq = FAQEntry.objects.published().first()
    failures, overflow = {}, {}
    for path in (ARTICLE, f"/en/timeline/{EVENT_SLUG}/", f"/en/faq/{faq.slug}/"):
        page.goto(live_server.url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            overflow[path] = scroll
        page.add_script_tag(path=str(axe_path))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        if result["violations"]:
            failures[path] = [
                (v["id"], [node["target"] for node in v["nodes"]][:3]) for v in result["violations"]
            ]
    assert overflow == {}
    assert failures == {}
