"""Revisions of live items through real admin requests: a contributor starts one from the live
item's read-only page, edits and submits it while readers keep the live version, and an editor
publishes it into the live item; a conflict with a later live edit is a form error, not a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from karabakh_site.core import revisions, services
from karabakh_site.core.models import Publishable
from tests.articles.test_admin_conflict import open_form
from tests.core.test_publishing_rule import article_form_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def change_url(item):
    return reverse("admin:articles_article_change", args=[item.pk])


def revision_form(revision, token, **changes):
    citation = revision.citations.get()
    fields = {
        "title": revision.title,
        "standfirst": revision.standfirst,
        "body": revision.body,
        "byline": revision.byline,
        **changes,
    }
    return article_form_data(
        status=revision.status,
        citations=[citation.source],
        editorial_version=token,
        **fields,
        **{"citations-INITIAL_FORMS": "1", "citations-0-id": str(citation.pk),
           "citations-0-article": str(revision.pk)},
    )  # fmt: skip


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_contributor_revises_a_live_article_through_review(contributor, editor):
    live = ArticleFactory(standfirst="The live standfirst.", body="A claim.[^1]")
    author = signed_in(contributor)

    page = author.get(change_url(live)).content.decode()
    assert "This item is live, so it is read-only here" in page
    assert 'id="start-revision"' in page

    started = author.post(reverse("admin:articles_article_revise", args=[live.pk]))
    revision = Article.objects.get(revision_of=live)
    assert started.status_code == 302 and started.url == change_url(revision)

    token = open_form(author, change_url(revision))
    data = revision_form(revision, token, standfirst="The revised standfirst.")
    submitted = author.post(change_url(revision), {**data, "_workflow": "submit"})
    assert submitted.status_code == 302
    revision.refresh_from_db()
    assert revision.status == Status.IN_REVIEW
    assert revision.standfirst == "The revised standfirst."
    # Readers still get the live text, and the revision's address is no page for them.
    reader = Client().get(live.get_absolute_url()).content.decode()
    assert "The live standfirst." in reader and "The revised standfirst." not in reader
    assert Client().get(revision.get_absolute_url()).status_code == 404

    reviewer = signed_in(editor)
    page = reviewer.get(change_url(revision)).content.decode()
    assert "Publishing it would change:</strong> standfirst." in page
    assert "Save and publish the revision into the live item" in page
    token = open_form(reviewer, change_url(revision))
    published = reviewer.post(
        change_url(revision), {**revision_form(revision, token), "_workflow": "publish"}
    )
    assert published.status_code == 302 and published.url == change_url(live)
    live.refresh_from_db()
    assert live.standfirst == "The revised standfirst." and live.is_published
    assert not Article.objects.filter(pk=revision.pk).exists()
    assert "The revised standfirst." in Client().get(live.get_absolute_url()).content.decode()


def test_the_live_page_links_the_revision_in_progress(contributor, editor):
    live = ArticleFactory()
    revision = revisions.start_revision(live, by=contributor)
    page = signed_in(editor).get(change_url(live)).content.decode()
    assert "A revision of this item is in progress" in page
    assert change_url(revision) in page and 'id="start-revision"' not in page


def test_an_editor_may_still_edit_live_or_start_a_revision(editor):
    live = ArticleFactory()
    page = signed_in(editor).get(change_url(live)).content.decode()
    assert "Edits saved on this page go live at once" in page


def test_a_conflicting_publish_is_a_form_error_and_keeps_the_edit(contributor, editor):
    live = ArticleFactory(standfirst="Old.")
    revision = revisions.start_revision(live, by=contributor)
    services.submit_for_review(revision, by=contributor)
    live.standfirst = "Corrected live."
    services.write_item(live, by=editor)

    reviewer = signed_in(editor)
    token = open_form(reviewer, change_url(revision))
    data = {**revision_form(revision, token, standfirst="Revised."), "_workflow": "publish"}
    refused = reviewer.post(change_url(revision), data)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "the live item changed too, in: Standfirst" in page
    assert 'name="_revision_overwrite"' in page
    live.refresh_from_db()
    assert live.standfirst == "Corrected live."

    published = reviewer.post(change_url(revision), {**data, "_revision_overwrite": "1"})
    assert published.status_code == 302
    live.refresh_from_db()
    assert live.standfirst == "Revised."


def test_a_revision_has_no_schedule_and_keeps_its_slug(editor):
    revision = revisions.start_revision(ArticleFactory(), by=editor)
    page = signed_in(editor).get(change_url(revision)).content.decode()
    assert 'name="publish_at_0"' not in page and 'name="slug"' not in page
    assert '<option value="withdrawn"' not in page


def test_the_workflow_panel_publishes_a_revision_without_its_form(contributor, editor):
    live = ArticleFactory(title="Before")
    revision = revisions.start_revision(live, by=contributor)
    revision.title = "After"
    services.write_item(revision, by=contributor)
    response = signed_in(editor).post(
        reverse("admin:articles_article_workflow", args=[revision.pk]), {"transition": "publish"}
    )
    assert response.status_code == 302 and response.url == change_url(live)
    live.refresh_from_db()
    assert live.title == "After"


def test_only_a_published_item_can_be_revised_from_the_admin(editor):
    draft = ArticleFactory(status=Status.DRAFT)
    response = signed_in(editor).post(
        reverse("admin:articles_article_revise", args=[draft.pk]), follow=True
    )
    assert "Only a published item gets a revision" in response.content.decode()
    assert not Article.objects.filter(revision_of=draft).exists()
