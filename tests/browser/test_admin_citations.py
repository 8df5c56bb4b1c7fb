"""Footnotes stay bound to their sources on the demo article (43 citations), driven in Chromium:
add a citation, move one up with the row's button, remove one, save; every marker a reader sees
still links the source it linked before."""

import re

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.browser

# For each [^N] a reader sees, in the order of the text: the URL of the source its link leads to.
MARKER_SOURCES = """() => Array.from(document.querySelectorAll("sup.citation-ref a")).map((a) => {
  const item = document.getElementById(a.getAttribute("href").slice(1));
  const link = item && item.querySelector("a[href^='http']");
  return link ? link.href : null;
})"""


@pytest.fixture
def demo_article(transactional_db):
    from io import StringIO

    from articles.models import Article

    call_command("load_demo", stdout=StringIO())
    return (
        Article.objects.published()
        .annotate(cited=Count("citations"))
        .order_by("-cited", "pk")
        .first()
    )


def log_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_adding_moving_and_removing_citations_keeps_every_marker_on_its_source(
    live_server, page, demo_article
):
    from tests.factories import SourceFactory, UserFactory

    article = demo_article
    total = article.citations.count()
    assert total >= 40, "the demo article is the one with many citations"
    reader_url = live_server.url + article.get_absolute_url()
    page.goto(reader_url)
    before = page.evaluate(MARKER_SOURCES)
    assert before and None not in before

    appended = SourceFactory(
        title="Appended in the browser test", url="https://example.org/appended"
    )
    editor = UserFactory(username="browser-editor", groups=["Editors"])
    log_in(page.context, live_server, editor)
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))

    # Every row says which marker it is.
    assert page.locator("#citations-0 td.field-marker").inner_text().strip() == "[^1]"
    assert page.locator(f"#citations-{total - 1} td.field-marker").inner_text().strip() == (
        f"[^{total}]"
    )

    # Add a citation: a new row, its source picked through the autocomplete.
    page.locator("#citations-group tr.add-row a").click()
    new_row = page.locator(f"#citations-{total}")
    new_row.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Appended in the browser")
    page.locator(".select2-results__option", has_text="Appended in the browser test").click()
    new_row.locator(f"input[name='citations-{total}-locator']").fill("p. 99")
    # The new row's buttons work too: moved above the last citation, it takes that number.
    new_row.locator("button.citation-move-up").click()
    assert new_row.locator("input.citation-position").input_value() == str(total)
    assert page.locator(f"input[name='citations-{total - 1}-position']").input_value() == (
        str(total + 1)
    )

    # Move the tenth citation up one place with its button (the script renumbers the rows).
    page.locator("#citations-9 button.citation-move-up").click()
    assert page.locator("input[name='citations-9-position']").input_value() == "9"
    assert page.locator("input[name='citations-8-position']").input_value() == "10"

    # Remove one: one the text does not cite if there is one, else one whose markers the editor
    # takes out of the text in the same save (a cited one alone is refused, naming its markers).
    body = page.locator("#id_body").input_value()
    cited = {int(n) for n in re.findall(r"\[\^(\d+)\]", body)}
    removed = next((n for n in range(total, 0, -1) if n not in cited and n not in (9, 10)), 20)
    page.locator(f"input[name='citations-{removed - 1}-DELETE']").check()
    expected = list(before)
    if removed in cited:
        page.locator("[name='_save']").first.click()
        refusal = page.get_by_text(f"[^{removed}] cites the citation you are removing")
        refusal.first.wait_for()
        page.locator(f"input[name='citations-{removed - 1}-DELETE']").check()
        page.locator("#id_body").evaluate(
            "(el, marker) => { el.value = el.value.split(marker).join(''); }", f"[^{removed}]"
        )
        markers = [int(n) for n in re.findall(r"\[\^(\d+)\]", body)]
        expected = [url for url, n in zip(before, markers, strict=True) if n != removed]

    page.locator("[name='_save']").first.click()
    page.wait_for_url("**/admin/articles/article/")
    assert "was changed successfully" in page.content()

    article.refresh_from_db()
    assert article.citations.count() == total  # one added, one removed
    assert list(article.citations.all())[-2].source == appended
    page.goto(reader_url)
    assert page.evaluate(MARKER_SOURCES) == expected
