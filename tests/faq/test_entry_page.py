"""A page per FAQ entry: /en/faq/<slug>/, linked from the list (whose pages keep its anchors)."""

import pytest
from django.urls import reverse

from karabakh_site.core.models import Publishable
from tests.factories import ArticleFactory, FAQEntryFactory, FAQGroupFactory

pytestmark = pytest.mark.django_db


def test_an_entry_has_a_page_with_its_answer_sources_and_breadcrumbs(client):
    group = FAQGroupFactory(name="Background", slug="background")
    entry = FAQEntryFactory(
        question="What was the Bishkek Protocol?", slug="bishkek", group=group,
        answer="A ceasefire agreement.[^1] Signed in May 1994.[^1]",
    )  # fmt: skip

    response = client.get("/en/faq/bishkek/")

    assert response.status_code == 200
    html = response.text
    assert '<h1 id="entry-question">What was the Bishkek Protocol?</h1>' in html
    assert 'id="bishkek-source-1"' in html and entry.citations.get().source.title in html
    # The one source links back to both markers citing it.
    assert 'href="#bishkek-source-ref-1-1" aria-label="Back to reference 1a"' in html
    assert 'href="#bishkek-source-ref-1-2" aria-label="Back to reference 1b"' in html
    assert '<details class="cite-box" id="cite">' in html
    crumbs = next(d for d in response.context["structured_data"] if d["@type"] == "BreadcrumbList")
    assert [item["name"] for item in crumbs["itemListElement"]] == [
        "Home", "FAQ", "What was the Bishkek Protocol?",
    ]  # fmt: skip
    faq_page = next(d for d in response.context["structured_data"] if d["@type"] == "FAQPage")
    assert [q["name"] for q in faq_page["mainEntity"]] == ["What was the Bishkek Protocol?"]


def test_the_page_lists_only_published_related_articles(client):
    entry = FAQEntryFactory(slug="q")
    entry.related_articles.add(
        ArticleFactory(title="Published article"),
        ArticleFactory(title="Draft article", status=Publishable.Status.DRAFT),
    )

    html = client.get("/en/faq/q/").text

    assert "Published article" in html
    assert "Draft article" not in html


def test_the_list_keeps_its_anchors_and_links_each_question_to_its_page(client):
    FAQEntryFactory(question="Who?", slug="who")

    html = client.get(reverse("faq:index")).text

    assert '<article class="faq-entry" id="who"' in html
    assert '<a href="/en/faq/who/">Who?</a>' in html
    assert 'href="#who"' in html


def test_drafts_are_404_for_readers_and_a_never_cached_preview_for_editors(client, editor):
    FAQEntryFactory(question="Draft?", slug="draft", status=Publishable.Status.DRAFT)

    assert client.get("/en/faq/draft/").status_code == 404
    assert client.get("/en/faq/no-such-question/").status_code == 404

    client.force_login(editor)
    staff = client.get("/en/faq/draft/")
    assert staff.status_code == 200
    assert "Draft preview" in staff.text
    assert "no-cache" in staff["Cache-Control"]


def test_published_entries_are_in_the_sitemap_at_their_own_page(client):
    FAQEntryFactory(slug="listed")
    FAQEntryFactory(slug="hidden", status=Publishable.Status.DRAFT)

    xml = client.get("/sitemap-faq.xml").text

    assert "http://testserver/sitemap-faq.xml" in client.get("/sitemap.xml").text
    assert "http://testserver/en/faq/listed/" in xml
    assert "/faq/hidden/" not in xml
