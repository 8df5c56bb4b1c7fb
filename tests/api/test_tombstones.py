"""/api/v1/tombstones/: what readers could see once and no longer can, for clients that sync;
nothing of an item that was never public."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import Article
from karabakh_site.core import services
from karabakh_site.core.models import Publishable
from karabakh_site.core.record import erasing
from tests.factories import ArticleFactory, FAQEntryFactory, TimelineEntryFactory

Status = Publishable.Status
URL = "/api/v1/tombstones/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return APIClient()


def results(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [(t["kind"], t["slug"], t["reason"]) for t in response.json()["results"]]


def test_withdrawn_expired_and_deleted_items_are_tombstones(anonymous):
    services.withdraw(ArticleFactory(slug="withdrawn"))
    expiring = TimelineEntryFactory(slug="expired")
    expiring.withdraw_at = timezone.now() + datetime.timedelta(seconds=1)
    expiring.save()
    gone = FAQEntryFactory(slug="deleted")
    with erasing():
        gone.delete()
    ArticleFactory(slug="still-live")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        found = results(anonymous)

    assert sorted(found) == [
        ("article", "withdrawn", "withdrawn"),
        ("faq", "deleted", "deleted"),
        ("timeline", "expired", "expired"),
    ]


def test_a_draft_that_was_never_public_leaves_no_tombstone(anonymous):
    ArticleFactory(status=Status.DRAFT, slug="secret-draft").delete()
    ArticleFactory(status=Status.DRAFT, slug="secret-kept")
    ArticleFactory(status=Status.IN_REVIEW, slug="secret-review")

    response = anonymous.get(URL)

    assert response.json()["count"] == 0
    assert "secret" not in response.content.decode()


def test_an_item_only_ever_scheduled_leaves_no_tombstone(anonymous):
    article = ArticleFactory(status=Status.DRAFT, slug="secret-scheduled")
    services.publish(article, at=timezone.now() + datetime.timedelta(days=1))
    services.withdraw(article)

    assert results(anonymous) == []


def test_a_reopened_item_names_the_slug_readers_saw(anonymous):
    article = ArticleFactory(slug="seen-slug")
    article.status = Status.DRAFT
    article.slug = "secret-new-slug"
    article.save()

    response = anonymous.get(URL)

    assert results(anonymous) == [("article", "seen-slug", "withdrawn")]
    assert "secret" not in response.content.decode()


def test_since_keeps_the_removals_at_or_after_it(anonymous):
    services.withdraw(ArticleFactory(slug="early"))
    middle = timezone.now()
    services.withdraw(ArticleFactory(slug="late"))

    assert results(anonymous, since=middle.isoformat()) == [("article", "late", "withdrawn")]
    assert len(results(anonymous)) == 2


def test_kind_narrows_and_a_bad_kind_or_since_is_a_400(anonymous):
    services.withdraw(ArticleFactory(slug="a"))
    services.withdraw(FAQEntryFactory(slug="f"))

    assert results(anonymous, kind="faq") == [("faq", "f", "withdrawn")]
    assert anonymous.get(URL, {"kind": "poem"}).status_code == 400
    bad = anonymous.get(URL, {"since": "yesterday"})
    assert bad.status_code == 400
    assert "since" in bad.json()


def test_a_republished_item_is_no_tombstone(anonymous):
    article = ArticleFactory(slug="back")
    services.withdraw(article)
    services.publish(Article.objects.get(pk=article.pk))

    assert results(anonymous) == []


def test_each_tombstone_has_the_documented_fields(anonymous):
    article = ArticleFactory(slug="x")
    services.withdraw(article)

    (tombstone,) = anonymous.get(URL).json()["results"]

    assert set(tombstone) == {"kind", "id", "slug", "removed_at", "reason"}
    assert tombstone["id"] == article.pk


def test_the_schema_documents_the_tombstones(anonymous):
    schema = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"]["/api/v1/tombstones/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"since", "kind", "page", "page_size"} <= names
