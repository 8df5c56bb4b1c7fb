"""Versions record and diff citations (source, locator, quote, order) as well as the fields, each
change named by its marker, and one admin save stays one version."""

import pytest
from django.urls import reverse

from articles.models import ArticleCitation
from karabakh_site.core import history, services
from tests.core.test_citation_positions import change_data, unchanged_rows
from tests.core.test_history import versions
from tests.factories import ArticleFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def rewrite(article, edit):
    """Save ``article`` with its citations as saved, ``edit`` applied to the list first."""
    citations = list(article.citations.all())
    edit(citations)
    services.write_item(article, citations=citations)


def last_changes(article):
    old, new = versions(article)[-2], versions(article)[-1]
    return [change.headline for change in history.diff_versions(old, new)]


def test_a_quote_only_edit_is_a_version_that_says_so():
    article = ArticleFactory(body="A.[^1] B.[^2]", citations=2)
    count = len(versions(article))

    def edit(citations):
        citations[1].quote = "The parties agreed."

    rewrite(article, edit)

    assert len(versions(article)) == count + 1
    assert last_changes(article) == ["Citation [^2]: quote changed"]


def test_a_locator_change_is_named_as_a_locator_change_not_as_fields():
    article = ArticleFactory(body="A.[^1]", citations=1)

    def edit(citations):
        citations[0].locator = "p. 12"

    rewrite(article, edit)

    assert last_changes(article) == ["Citation [^1]: locator changed"]
    change = history.diff_versions(versions(article)[-2], versions(article)[-1])[0]
    assert ("add", ", p. 12") in change.words[0]


def test_a_source_change_and_a_move_are_told_apart_from_renumbering():
    article = ArticleFactory(body="A.[^1] B.[^2] C.[^3]", citations=3)
    other = SourceFactory(title="Another report")

    def edit(citations):
        citations[0].source = other
        citations.insert(0, citations.pop(2))

    rewrite(article, edit)

    # The third citation moved to the top; the others only shifted by one, and say nothing of it.
    assert last_changes(article) == [
        "Citation [^1]: moved from [^3]",
        "Citation [^2]: source changed",
    ]


def test_added_and_removed_citations_are_listed_by_marker():
    article = ArticleFactory(body="A.[^1]", citations=2)
    extra = SourceFactory(title="Third report")

    def edit(citations):
        del citations[1]
        citations.append(ArticleCitation(source=extra))

    rewrite(article, edit)

    assert last_changes(article) == ["Citation [^2]: added", "Citation [^2]: removed"]


def test_topics_are_diffed_with_the_fields():
    article = ArticleFactory()
    topic = TopicFactory(name="Refugees")
    services.write_item(article, relations={"topics": [topic]})
    assert last_changes(article) == ["Topics: added Refugees"]


def test_one_admin_save_of_text_and_citations_is_one_version_listing_both(client, editor):
    article = ArticleFactory(body="A.[^1] B.[^2]", citations=2)
    count = len(versions(article))
    first, second = article.citations.all()
    rows = unchanged_rows(article)
    client.force_login(editor)
    data = change_data(article, rows, title="Renamed")
    data["citations-1-quote"] = "A supporting quote."

    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302
    assert len(versions(article)) == count + 1
    assert sorted(last_changes(article)) == sorted(
        ["Title", "Updated by", "Citation [^2]: quote changed"]
    )


def test_a_source_history_page_says_what_each_version_changed(client, editor):
    source = SourceFactory(title="Right title")
    source.title = "Wrong title"
    source.save()
    client.force_login(editor)

    response = client.get(reverse("admin:core_source_history", args=[source.pk]))

    assert response.status_code == 200
    assert "<li>Title</li>" in response.content.decode()


def test_timeline_markers_follow_a_reorder_too():
    from tests.factories import TimelineEntryFactory

    entry = TimelineEntryFactory(summary="First.[^1] Second.[^2]", citations=2)
    first, second = entry.citations.all()
    services.write_item(entry, citations=[second, first], markers_from=[first, second])
    entry.refresh_from_db()
    assert entry.summary == "First.[^2] Second.[^1]"
    assert [c.pk for c in entry.citations.all()] == [second.pk, first.pk]
