"""The one rule: a published item has at least one citation, whatever the channel."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Article
from karabakh_site.core import services
from karabakh_site.core.models import Publishable
from karabakh_site.core.publishing import NEEDS_SOURCE_MESSAGE
from tests.factories import ArticleFactory, SourceFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db


def article_form_data(*, status="published", citations=(), body="A claim.[^1]", **extra):
    """POST data for the article admin's change form, inlines included."""
    data = {
        "title": "Ceasefire in Karabakh",
        "slug": "ceasefire-in-karabakh",
        "standfirst": "A ceasefire took effect.",
        "body": body,
        "byline": "Karabakh Archive editors",
        "status": status,
        "publish_at_0": "",
        "publish_at_1": "",
        "withdraw_at_0": "",
        "withdraw_at_1": "",
        "citations-TOTAL_FORMS": str(len(citations)),
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    for index, source in enumerate(citations):
        data.update(
            {
                f"citations-{index}-position": str(index + 1),
                f"citations-{index}-source": str(source.pk),
                f"citations-{index}-locator": "",
                f"citations-{index}-quote": "",
            }
        )
    data.update(extra)
    return data


def test_the_model_refuses_to_publish_an_item_without_a_citation():
    article = ArticleFactory(status=Publishable.Status.DRAFT, citations=0, body="No markers.")
    article.status = Publishable.Status.PUBLISHED
    with pytest.raises(ValidationError) as error:
        article.save()
    assert error.value.message_dict == {"status": [NEEDS_SOURCE_MESSAGE]}
    article.refresh_from_db()
    assert article.status == Publishable.Status.DRAFT


def test_the_publish_service_refuses_an_item_without_a_citation():
    entry = TimelineEntryFactory(status=Publishable.Status.DRAFT, citations=0, summary="Plain.")
    with pytest.raises(ValidationError, match=NEEDS_SOURCE_MESSAGE):
        services.publish(entry)


def test_the_last_citation_of_a_published_item_cannot_be_deleted():
    article = ArticleFactory(citations=1)
    with pytest.raises(ValidationError, match=NEEDS_SOURCE_MESSAGE):
        article.citations.get().delete()
    assert article.citations.count() == 1


def test_the_admin_form_refuses_to_publish_without_a_citation(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_add"), article_form_data(body="No markers here.")
    )
    assert response.status_code == 200
    assert NEEDS_SOURCE_MESSAGE in response.content.decode()
    assert not Article.objects.exists()


def test_the_admin_form_publishes_with_citations_added_in_the_same_submission(client, editor):
    client.force_login(editor)
    sources = SourceFactory.create_batch(2)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(citations=sources, body="One.[^1] Two.[^2]"),
    )
    assert response.status_code == 302, response.content.decode()
    article = Article.objects.get()
    assert article.is_published
    assert [c.source for c in article.citations.all()] == sources
    assert article.created_by == editor


def test_the_admin_form_refuses_a_marker_that_points_at_no_citation(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(status="draft", citations=[SourceFactory()], body="One.[^1] Two.[^3]"),
    )
    assert response.status_code == 200
    assert "[^3] points at no citation" in response.content.decode()
    assert not Article.objects.exists()


def test_the_admin_form_refuses_removing_the_last_citation_of_a_published_item(client, editor):
    article = ArticleFactory(body="Plain text.")
    citation = article.citations.get()
    client.force_login(editor)
    data = article_form_data(
        title=article.title,
        slug=article.slug,
        body=article.body,
        citations=[citation.source],
        **{
            "citations-INITIAL_FORMS": "1",
            "citations-0-id": str(citation.pk),
            "citations-0-article": str(article.pk),
            "citations-0-DELETE": "on",
        },  # fmt: skip
    )
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert NEEDS_SOURCE_MESSAGE in response.content.decode()
    assert article.citations.count() == 1


def test_a_contributor_cannot_publish_through_the_admin_form(client, contributor):
    client.force_login(contributor)
    response = client.post(
        reverse("admin:articles_article_add"), article_form_data(citations=[SourceFactory()])
    )
    assert response.status_code == 200
    assert not Article.objects.exists()


def test_a_contributor_can_save_a_draft_and_submit_it_for_review(client, contributor):
    client.force_login(contributor)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(status="review", citations=[SourceFactory()]),
    )
    assert response.status_code == 302
    assert Article.objects.get().status == Publishable.Status.IN_REVIEW


def test_a_contributor_cannot_edit_a_published_item(client, contributor):
    article = ArticleFactory()
    client.force_login(contributor)
    data = article_form_data(title="Changed", slug=article.slug, body="Changed.")
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title != "Changed"


def test_the_bulk_publish_action_reports_each_item(client, editor):
    cited = ArticleFactory(status=Publishable.Status.DRAFT, title="Cited")
    uncited = ArticleFactory(
        status=Publishable.Status.DRAFT, citations=0, title="Uncited", body="x"
    )
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [cited.pk, uncited.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Published 1: Cited" in page
    assert f"Not published: “Uncited”. {NEEDS_SOURCE_MESSAGE}" in page
    cited.refresh_from_db()
    uncited.refresh_from_db()
    assert cited.is_published
    assert uncited.status == Publishable.Status.DRAFT


def test_a_contributor_is_not_offered_the_publish_action(client, contributor):
    draft = ArticleFactory(status=Publishable.Status.DRAFT)
    client.force_login(contributor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "publish_selected" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Publishable.Status.DRAFT


def test_the_withdraw_action_takes_items_off_the_site(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "withdraw_selected",
            "_selected_action": [article.pk],
            "confirm_withdraw": "yes",
        },
    )
    assert not Article.objects.published().exists()
