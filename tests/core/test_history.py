"""History: every change kept with who and when, field-by-field diffs between any two versions,
and restore of any version as a new version, under the source rule."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleCitation
from karabakh_site.core import history, services
from karabakh_site.core.models import Publishable, Source
from karabakh_site.core.publishing import NEEDS_SOURCE_MESSAGE
from tests.core.test_publishing_rule import article_form_data
from tests.factories import ArticleFactory, SourceFactory, TimelineEntryFactory, TopicFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def versions(obj):
    return list(obj.history.order_by("history_date", "history_id"))


def edit_article(client, article, **changes):
    """Save the article through the admin's change form, citations unchanged."""
    citations = list(article.citations.all())
    publish_at = timezone.localtime(article.publish_at) if article.publish_at else None
    data = article_form_data(
        status=article.status,
        title=changes.get("title", article.title),
        slug=article.slug,
        body=changes.get("body", article.body),
        standfirst=article.standfirst,
        publish_at_0=f"{publish_at:%Y-%m-%d}" if publish_at else "",
        publish_at_1=f"{publish_at:%H:%M:%S}" if publish_at else "",
        citations=[c.source for c in citations],
        **{"citations-INITIAL_FORMS": str(len(citations))},
    )
    for index, citation in enumerate(citations):
        data[f"citations-{index}-id"] = str(citation.pk)
        data[f"citations-{index}-article"] = str(article.pk)
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()


def test_an_admin_edit_is_kept_with_who_and_when(client, editor):
    article = ArticleFactory(body="First line.[^1]\nSecond line.")
    client.force_login(editor)
    edit_article(client, article, body="First line.[^1]\nSecond line, corrected.")
    latest = versions(article)[-1]
    assert latest.history_user == editor
    assert latest.body.endswith("Second line, corrected.")
    assert len(versions(article)) >= 2


def test_the_diff_shows_changed_fields_and_body_lines(client, editor):
    article = ArticleFactory(title="Old title", body="Line one.[^1]\nLine two.\nLine three.")
    # The admin's split date/time widget keeps whole seconds.
    article.publish_at = article.publish_at.replace(microsecond=0)
    article.save()
    client.force_login(editor)
    edit_article(client, article, title="New title", body="Line one.[^1]\nLine 2.\nLine three.")
    old, new = versions(article)[-2], versions(article)[-1]
    changes = {change.name: change for change in history.diff_versions(old, new)}
    assert set(changes) == {"title", "body", "updated_by"}
    assert changes["updated_by"].new == str(editor)
    assert (changes["title"].old, changes["title"].new) == ("Old title", "New title")
    # Word by word, in the paragraph that changed, with the unchanged ones around it.
    assert changes["body"].words == [
        [("same", "Line one.[^1]")],
        [("same", "Line "), ("remove", "two"), ("add", "2"), ("same", ".")],
        [("same", "Line three.")],
    ]
    assert changes["title"].words == [[("remove", "Old "), ("add", "New "), ("same", "title")]]


def test_the_compare_page_renders_the_diff_escaped(client, editor):
    article = ArticleFactory(body="Safe.[^1]")
    client.force_login(editor)
    edit_article(client, article, body="Safe.[^1]\n<script>alert(1)</script>")
    old, new = versions(article)[-2], versions(article)[-1]
    url = reverse("admin:articles_article_history_compare", args=[article.pk])
    response = client.get(url, {"from": old.history_id, "to": new.history_id})
    page = response.content.decode()
    assert response.status_code == 200
    assert '&lt;script&gt;alert(1)&lt;/script&gt;<span class="diff-sr">]</span></ins>' in page
    assert "<script>alert(1)</script>" not in page


def test_the_compare_page_answers_404_for_a_version_of_another_item(client, editor):
    article, other = ArticleFactory(), ArticleFactory()
    client.force_login(editor)
    url = reverse("admin:articles_article_history_compare", args=[article.pk])
    response = client.get(url, {"from": versions(other)[0].history_id})
    assert response.status_code == 404
    assert client.get(url, {"from": "abc"}).status_code == 404


def test_the_diff_lists_citation_changes():
    article = ArticleFactory(body="Claim.[^1]")
    first = versions(article)[-1]
    extra = SourceFactory(title="Second report")
    services.save_with_citations(
        article,
        [ArticleCitation(source=c.source) for c in article.citations.all()]
        + [ArticleCitation(source=extra, locator="p. 4")],
    )
    changes = {c.name: c for c in history.diff_versions(first, versions(article)[-1])}
    assert changes["citation-2"].headline == "Citation [^2]: added"
    assert changes["citation-2"].new == f"{extra}, p. 4"


def test_the_history_page_lists_versions_with_compare_and_restore(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    edit_article(client, article, title="Renamed")
    page = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Compare the chosen versions" in page
    assert "Restore this version" in page
    assert str(editor) in page


def test_restoring_a_version_saves_it_as_a_new_version(client, editor):
    article = ArticleFactory(title="Original title", body="Original body.[^1]")
    client.force_login(editor)
    edit_article(client, article, title="Vandalised", body="Nonsense.[^1]")
    before = versions(article)
    original = next(v for v in reversed(before) if v.title == "Original title")
    response = client.post(
        reverse("admin:articles_article_history_restore", args=[article.pk, original.history_id]),
        follow=True,
    )
    assert "as a new version" in response.content.decode()
    article.refresh_from_db()
    assert (article.title, article.body) == ("Original title", "Original body.[^1]")
    after = versions(article)
    # Nothing overwritten: every earlier version is still there, unchanged, plus the restore.
    assert [(v.history_id, v.title) for v in after[: len(before)]] == [
        (v.history_id, v.title) for v in before
    ]
    assert len(after) == len(before) + 1
    assert after[-1].history_user == editor
    assert after[-1].history_change_reason.startswith("Restored the version of")
    assert article.is_published


def test_restore_brings_back_the_citations_of_that_version():
    first_source = SourceFactory()
    article = ArticleFactory(status=Status.DRAFT, citations=0, body="Claim.[^1]")
    services.save_with_citations(article, [ArticleCitation(source=first_source)])
    article.title = "Checkpoint"
    article.save()
    checkpoint = versions(article)[-1]
    replacement = SourceFactory()
    article.title = "Re-sourced"
    services.save_with_citations(article, [ArticleCitation(source=replacement)])
    assert [c.source for c in article.citations.all()] == [replacement]

    assert history.restore_version(article, checkpoint)
    article.refresh_from_db()
    assert article.title == "Checkpoint"
    assert [c.source for c in article.citations.all()] == [first_source]


def test_restoring_a_version_whose_sources_are_gone_into_a_published_item_is_refused(
    client, editor
):
    gone = SourceFactory()
    article = ArticleFactory(status=Status.DRAFT, citations=0, body="Claim.")
    services.save_with_citations(article, [ArticleCitation(source=gone)])
    article.title = "Cited only by a source that will be deleted"
    article.save()
    old_version = versions(article)[-1]
    kept = SourceFactory()
    article.title = "Now cites another source"
    services.save_with_citations(article, [ArticleCitation(source=kept)])
    services.publish(article)
    Source.objects.filter(pk=gone.pk).delete()

    client.force_login(editor)
    response = client.post(
        reverse(
            "admin:articles_article_history_restore", args=[article.pk, old_version.history_id]
        ),
        follow=True,
    )
    assert f"Not restored: {NEEDS_SOURCE_MESSAGE}" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Now cites another source"
    assert [c.source for c in article.citations.all()] == [kept]
    assert article.is_published


def test_restore_keeps_the_current_status(client, editor):
    article = ArticleFactory(title="Published wording")
    published_version = versions(article)[-1]
    services.withdraw(article)
    assert history.restore_version(article, published_version) is False
    article.title = "Withdrawn wording"
    article.save()
    assert history.restore_version(article, published_version)
    article.refresh_from_db()
    assert article.title == "Published wording"
    assert article.status == Status.WITHDRAWN


def test_a_contributor_cannot_restore_a_published_item(client, contributor):
    article = ArticleFactory(title="Published")
    first = versions(article)[0]
    client.force_login(contributor)
    response = client.post(
        reverse("admin:articles_article_history_restore", args=[article.pk, first.history_id])
    )
    assert response.status_code == 403


def test_restore_shows_what_it_will_change_before_it_does(client, editor):
    article = ArticleFactory(title="Old title")
    first = versions(article)[0]
    article.title = "New title"
    article.save()
    client.force_login(editor)
    url = reverse("admin:articles_article_history_restore", args=[article.pk, first.history_id])

    page = client.get(url).content.decode()

    assert '<div class="module" id="restore-changes">' in page
    assert "New " in page and "Old " in page
    assert 'value="Restore this version"' in page
    article.refresh_from_db()
    assert article.title == "New title"  # nothing restored by looking
    assert client.put(url).status_code == 405
    assert client.post(url).status_code == 302
    article.refresh_from_db()
    assert article.title == "Old title"


def test_the_old_revert_form_cannot_overwrite(client, editor):
    article = ArticleFactory(title="Current")
    first = versions(article)[0]
    client.force_login(editor)
    url = reverse("admin:articles_article_simple_history", args=[article.pk, first.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Overwritten"}).status_code == 405
    article.refresh_from_db()
    assert article.title == "Current"


def test_sources_have_history_diff_and_restore(client, editor):
    source = SourceFactory(title="Right title")
    source.title = "Wrong title"
    source.notes = "Added a note."
    source.save()
    old, new = versions(source)
    changes = {c.name for c in history.diff_versions(old, new)}
    assert changes == {"title", "notes"}
    client.force_login(editor)
    client.post(reverse("admin:core_source_history_restore", args=[source.pk, old.history_id]))
    source.refresh_from_db()
    assert (source.title, source.notes) == ("Right title", "")
    assert len(versions(source)) == 3


def test_timeline_entries_restore_too():
    entry = TimelineEntryFactory(title="Ceasefire", summary="Agreed.[^1]")
    first = versions(entry)[-1]
    entry.title = "Cease-fire signed"
    entry.save()
    assert history.restore_version(entry, first)
    entry.refresh_from_db()
    assert entry.title == "Ceasefire"
    assert Article.objects.count() == 0


def test_a_save_from_the_browser_without_edits_changes_no_content(client, editor):
    article = ArticleFactory(body="Line one.[^1]\nLine two.")
    stored_publish_at = article.publish_at
    assert stored_publish_at.microsecond  # The widget cannot send these back.
    before = versions(article)
    client.force_login(editor)
    # Browsers send textareas with CRLF line endings.
    edit_article(client, article, body="Line one.[^1]\r\nLine two.")
    article.refresh_from_db()
    assert article.body == "Line one.[^1]\nLine two."
    assert article.publish_at == stored_publish_at
    # An unchanged write writes nothing: no version, and the record keeps its last editor.
    assert versions(article) == before
    assert article.updated_by is None


def test_comparing_versions_costs_the_same_queries_for_one_citation_or_many(client, editor):
    few = ArticleFactory(citations=1, body="One.[^1]")
    many = ArticleFactory(citations=8, body="One.[^1]")
    client.force_login(editor)
    counts = []
    for article in (few, many):
        article.title += " (edited)"
        article.save()
        url = reverse("admin:articles_article_history_compare", args=[article.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_version_citing_a_since_deleted_source_shows_it_as_deleted():
    gone = SourceFactory()
    article = ArticleFactory(status=Status.DRAFT, citations=0, body="Claim.")
    services.save_with_citations(article, [ArticleCitation(source=gone)])
    old_version = versions(article)[-1]
    kept = SourceFactory()
    services.save_with_citations(article, [ArticleCitation(source=kept)])
    Source.objects.filter(pk=gone.pk).delete()
    assert [row.source_id for row in history.version_citations(old_version)] == [gone.pk]
    changes = {c.name: c for c in history.diff_versions(old_version, versions(article)[-1])}
    assert changes["citation-removed-1"].old == f"source #{gone.pk} (deleted)"
    assert changes["citation-1"].summary == "added"


def test_topic_changes_are_versions_that_diff_and_restore():
    ceasefires, refugees = TopicFactory(name="Ceasefires"), TopicFactory(name="Refugees")
    entry = TimelineEntryFactory()
    entry.topics.set([ceasefires])
    with_ceasefires = versions(entry)[-1]
    entry.topics.set([refugees])
    with_refugees = versions(entry)[-1]
    assert with_refugees.history_id != with_ceasefires.history_id

    changes = {c.name: c for c in history.diff_versions(with_ceasefires, with_refugees)}
    assert (changes["topics"].old, changes["topics"].new) == ("Ceasefires", "Refugees")

    assert history.restore_version(entry, with_ceasefires)
    assert list(entry.topics.all()) == [ceasefires]
    assert versions(entry)[-1].history_change_reason.startswith("Restored the version of")
