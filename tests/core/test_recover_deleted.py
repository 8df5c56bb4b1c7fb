"""A deleted draft comes back from its history in the admin: its fields, the citations and topics
it had when deleted, as a draft with its earlier history."""

import pytest
from django.urls import reverse

from articles.models import Article
from faq.models import FAQEntry
from karabakh_site.core.admin.recovery import deleted_records
from karabakh_site.core.models import Publishable
from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    SourceFactory,
    TimelineEntryFactory,
    TopicFactory,
)

Status = Publishable.Status
pytestmark = pytest.mark.django_db


def recover_url(model, record):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_recover", args=[record.history_id])


def list_url(model):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_recover_deleted")


def test_a_deleted_draft_is_listed_and_recovered_with_its_citations_and_topics(client, editor):
    article = ArticleFactory(status=Status.DRAFT, title="Lost draft", slug="lost", citations=0)
    first, second = SourceFactory(), SourceFactory()
    article.citations.create(source=first, position=1, locator="p. 1")
    article.citations.create(source=second, position=2, quote="A quote.")
    article.body = "One[^1] and two.[^2]"
    article.save()
    article.topics.add(TopicFactory(slug="war"))
    article.save()  # a version that records the link
    removed = article.citations.create(source=SourceFactory(), position=3)
    removed.delete()  # removed by an edit before the deletion: stays removed
    pk = article.pk
    article.delete()
    client.force_login(editor)

    listing = client.get(list_url(Article))
    (record,) = deleted_records(Article)
    response = client.post(recover_url(Article, record))

    assert "Lost draft" in listing.content.decode()
    assert response.status_code == 302
    recovered = Article.objects.get(slug="lost")
    assert recovered.pk == pk
    assert recovered.status == Status.DRAFT
    assert recovered.body == "One[^1] and two.[^2]"
    assert [(c.source, c.locator, c.quote) for c in recovered.citations.order_by("position")] == [
        (first, "p. 1", ""),
        (second, "", "A quote."),
    ]
    assert list(recovered.topics.values_list("slug", flat=True)) == ["war"]
    assert recovered.history.latest().history_change_reason == "Recovered after deletion"
    assert recovered.history.latest().history_user == editor
    assert not deleted_records(Article).exists()


@pytest.mark.parametrize("factory", [FAQEntryFactory, TimelineEntryFactory])
def test_every_kind_recovers(client, editor, factory):
    item = factory(status=Status.DRAFT, citations=2)
    model, pk = type(item), item.pk
    item.delete()
    client.force_login(editor)

    client.post(recover_url(model, deleted_records(model).get()))

    assert model.objects.get(pk=pk).citations.count() == 2


def test_the_changelist_links_to_recover_deleted(client, editor):
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_changelist"))

    assert list_url(Article) in page.content.decode()


def test_a_taken_slug_is_a_clear_refusal(client, editor):
    item = FAQEntryFactory(status=Status.DRAFT, slug="asked")
    item.delete()
    FAQEntryFactory(status=Status.DRAFT, slug="asked")
    client.force_login(editor)

    response = client.post(recover_url(FAQEntry, deleted_records(FAQEntry).get()), follow=True)

    assert "Not recovered" in response.content.decode()
    assert "asked" in response.content.decode()
    assert FAQEntry.objects.count() == 1


def test_recovering_needs_a_post_and_the_add_permission(client, editor, db):
    ArticleFactory(status=Status.DRAFT).delete()
    record = deleted_records(Article).get()
    client.force_login(editor)

    assert client.get(recover_url(Article, record)).status_code == 405

    from tests.factories import UserFactory

    client.force_login(UserFactory(username="reader-only"))
    assert client.get(list_url(Article)).status_code in (302, 403)
    assert client.post(recover_url(Article, record)).status_code in (302, 403)
    assert not Article.objects.exists()


def test_an_item_deleted_twice_recovers_the_citations_of_its_second_life(client, editor):
    article = ArticleFactory(status=Status.DRAFT, slug="twice", citations=2)
    article.delete()
    client.force_login(editor)
    client.post(recover_url(Article, deleted_records(Article).get()))
    again = Article.objects.get(slug="twice")
    again.citations.order_by("position").last().delete()
    again.refresh_from_db()
    again.body = "One claim."
    again.save()
    again.delete()

    client.post(recover_url(Article, deleted_records(Article).get()))

    assert Article.objects.get(slug="twice").citations.count() == 1
