"""Nothing public is lost: an item that has been public is withdrawn, never deleted, in the admin,
the API, commands and the shell; drafts that were never public may go (contributors their own)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from articles.models import Article, ArticleCitation, Correction
from karabakh_site.core import services
from karabakh_site.core.models import Publishable
from karabakh_site.core.record import PartOfTheRecord, erasing
from tests.api.conftest import token_client
from tests.factories import ArticleFactory, CorrectionFactory, FAQEntryFactory, TimelineEntryFactory

Status = Publishable.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def as_editor(editor):
    return token_client(editor)


@pytest.fixture
def anonymous():
    return APIClient()


def reopened_draft():
    """An article that was published, then reopened as a draft by an editor."""
    article = ArticleFactory(slug="reopened")
    article.status = Status.DRAFT
    article.save()
    return article


@pytest.mark.parametrize("factory", [ArticleFactory, FAQEntryFactory, TimelineEntryFactory])
@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.WITHDRAWN])
def test_an_item_that_has_been_public_cannot_be_deleted_from_the_shell(factory, status):
    item = factory(status=status)

    with pytest.raises(PartOfTheRecord, match="withdraw it instead"):
        item.delete()
    with pytest.raises(PartOfTheRecord, match=str(item)):
        type(item).objects.filter(pk=item.pk).delete()

    assert type(item).objects.filter(pk=item.pk).exists()
    assert item.citations.count() == 1


def test_a_draft_that_was_once_published_is_part_of_the_record_too():
    article = reopened_draft()

    with pytest.raises(PartOfTheRecord):
        article.delete()


def test_a_draft_that_was_never_public_is_deleted_with_its_citations():
    article = ArticleFactory(status=Status.DRAFT, citations=2)

    article.delete()

    assert not Article.objects.exists()
    assert not ArticleCitation.objects.exists()


def test_a_bulk_delete_with_one_public_item_deletes_none():
    ArticleFactory(status=Status.DRAFT)
    ArticleFactory(title="Live one")

    with pytest.raises(PartOfTheRecord, match="Live one"):
        Article.objects.all().delete()

    assert Article.objects.count() == 2


def test_corrections_never_cascade_away_even_from_a_draft():
    correction = CorrectionFactory(article=ArticleFactory(status=Status.DRAFT))

    with pytest.raises(PartOfTheRecord, match="corrections"):
        correction.article.delete()

    assert Correction.objects.filter(pk=correction.pk).exists()


def test_erasing_lifts_the_rule_for_whole_archive_restores():
    ArticleFactory()

    with erasing():
        Article.objects.all().delete()

    assert not Article.objects.exists()


# The API


def test_the_api_answers_409_for_a_published_item(as_editor):
    article = ArticleFactory(slug="live")

    response = as_editor.delete("/api/v1/articles/live/")

    assert response.status_code == 409
    assert "withdraw it instead" in response.json()["detail"]
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("status", [Status.WITHDRAWN, "scheduled"])
def test_the_api_answers_409_for_a_withdrawn_or_scheduled_item(as_editor, status):
    if status == "scheduled":
        article = ArticleFactory(status=Status.DRAFT, slug="item")
        services.publish(article, at=article.created_at.replace(year=2099))
    else:
        ArticleFactory(status=status, slug="item")

    assert as_editor.delete("/api/v1/articles/item/").status_code == 409
    assert Article.objects.filter(slug="item").exists()


def test_the_api_answers_409_for_a_reopened_draft(as_editor):
    reopened_draft()

    assert as_editor.delete("/api/v1/articles/reopened/").status_code == 409


def test_an_editor_deletes_a_draft_that_was_never_public(as_editor):
    ArticleFactory(status=Status.DRAFT, slug="draft")

    assert as_editor.delete("/api/v1/articles/draft/").status_code == 204
    assert not Article.objects.exists()


def test_a_contributor_deletes_their_own_draft_but_not_anothers(contributor, editor):
    ArticleFactory(status=Status.DRAFT, slug="mine", created_by=contributor)
    ArticleFactory(status=Status.DRAFT, slug="theirs", created_by=editor)
    client = token_client(contributor)

    refused = client.delete("/api/v1/articles/theirs/")
    deleted = client.delete("/api/v1/articles/mine/")

    assert refused.status_code == 403
    assert "own drafts" in refused.json()["detail"]
    assert deleted.status_code == 204
    assert list(Article.objects.values_list("slug", flat=True)) == ["theirs"]


def test_the_schema_documents_the_409_of_every_content_kind(anonymous):
    schema = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    for prefix, lookup in (("articles", "slug"), ("faq", "slug"), ("timeline", "slug")):
        operation = schema["paths"][f"/api/v1/{prefix}/{{{lookup}}}/"]["delete"]
        assert "409" in operation["responses"], prefix


# The admin


def test_the_admin_hides_delete_for_a_published_item(client, editor):
    article = ArticleFactory()
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    delete_page = client.get(reverse("admin:articles_article_delete", args=[article.pk]))

    assert page.status_code == 200
    assert reverse("admin:articles_article_delete", args=[article.pk]) not in page.content.decode()
    assert delete_page.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_the_admin_deletes_a_never_public_draft(client, editor):
    article = ArticleFactory(status=Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:articles_article_delete", args=[article.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.exists()


def test_a_contributor_sees_delete_only_on_their_own_draft(client, contributor, editor):
    mine = ArticleFactory(status=Status.DRAFT, created_by=contributor)
    theirs = ArticleFactory(status=Status.DRAFT, created_by=editor)
    client.force_login(contributor)

    assert client.get(reverse("admin:articles_article_delete", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:articles_article_delete", args=[theirs.pk])).status_code == 403


def test_the_bulk_delete_action_names_and_keeps_the_public_items(client, editor):
    draft = ArticleFactory(status=Status.DRAFT, title="Unfinished draft")
    live = ArticleFactory(title="Live article")
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")

    confirm = client.post(
        url, {"action": "delete_selected", "_selected_action": [draft.pk, live.pk]}, follow=True
    )
    done = client.post(
        url,
        {"action": "delete_selected", "_selected_action": [draft.pk, live.pk], "post": "yes"},
        follow=True,
    )

    text = confirm.content.decode()
    assert "Not deleted: “Live article”" in text
    assert "Unfinished draft" in text  # the confirmation lists what will go
    assert done.status_code == 200
    assert list(Article.objects.all()) == [live]
