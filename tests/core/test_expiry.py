"""A withdraw time that has passed is kept: the item has expired. Asking to publish such an item is
refused with a message on the withdraw time (API, admin form, admin workflow step, services);
writing it as it is (an import, a restore) keeps it expired. It never comes back to life because
its withdraw time was silently dropped."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from karabakh_site.core import importexport, services
from karabakh_site.core.models import Publishable
from karabakh_site.core.record import erasing
from tests.api.conftest import token_client
from tests.core.test_publishing_rule import article_form_data
from tests.factories import ArticleFactory, SourceFactory, TimelineEntryFactory
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def hours(n):
    return timezone.now() + datetime.timedelta(hours=n)


def test_publishing_an_item_whose_withdraw_time_has_passed_is_refused_and_keeps_the_time():
    article = ArticleFactory(status=Status.WITHDRAWN)
    article.withdraw_at = hours(-1)
    article.save()

    with pytest.raises(ValidationError) as refused:
        services.publish(article)

    article.refresh_from_db()
    assert "withdraw time" in refused.value.message_dict["withdraw_at"][0]
    assert article.status == Status.WITHDRAWN and article.withdraw_at is not None


def test_the_api_refuses_to_create_an_item_published_with_a_past_withdraw_time(editor):
    client = token_client(editor)
    body = {
        "slug": "expired",
        "title": "Expired",
        "standfirst": "Gone.",
        "body": "A claim.[^1]",
        "status": "published",
        "publish_at": hours(-2).isoformat(),
        "withdraw_at": hours(-1).isoformat(),
        "citations": [{"source_id": SourceFactory().pk}],
    }

    response = client.post("/api/v1/articles/", body, format="json")

    assert response.status_code == 400
    assert "has passed" in response.json()["withdraw_at"][0]
    assert not Article.objects.filter(slug="expired").exists()


def test_the_api_keeps_an_expired_items_withdraw_time_when_it_is_edited(editor, client):
    article = ArticleFactory(slug="old-news")
    Article.objects.filter(pk=article.pk).update(withdraw_at=hours(-1))

    response = token_client(editor).patch(
        "/api/v1/articles/old-news/", {"title": "Old news, retitled"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["withdraw_at"] is not None and response.json()["is_published"] is False
    assert client.get("/en/articles/old-news/").status_code == 404


def test_the_admin_form_refuses_to_publish_with_a_past_withdraw_time(client, editor):
    client.force_login(editor)
    past = timezone.localtime(hours(-1))
    data = article_form_data(
        citations=[SourceFactory()],
        withdraw_at_0=f"{past:%Y-%m-%d}",
        withdraw_at_1=f"{past:%H:%M:%S}",
    )

    response = client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    assert "has passed" in str(response.context["adminform"].form.errors["withdraw_at"])
    assert not Article.objects.exists()


def test_the_admin_publish_step_on_an_expired_item_says_why_and_changes_nothing(client, editor):
    client.force_login(editor)
    article = ArticleFactory(status=Status.WITHDRAWN)
    Article.objects.filter(pk=article.pk).update(withdraw_at=hours(-1))
    url = reverse("admin:articles_article_workflow", args=[article.pk])

    response = client.post(url, {"transition": "publish"}, follow=True)

    article.refresh_from_db()
    assert "has passed" in response.content.decode()
    assert article.status == Status.WITHDRAWN


def test_an_import_of_an_expired_item_keeps_it_expired(client):
    entry = TimelineEntryFactory(slug="expired-entry")
    TimelineEntry.objects.filter(pk=entry.pk).update(withdraw_at=hours(-1))
    rows = importexport.export_rows("timeline")
    with erasing():
        TimelineEntry.objects.all().delete()

    report = importexport.import_text("timeline", json.dumps(rows), "json")

    assert report.ok, report.error_text()
    imported = TimelineEntry.objects.get(slug="expired-entry")
    assert imported.status == Status.PUBLISHED and imported.withdraw_at is not None
    assert not imported.is_published
    assert client.get("/en/timeline/expired-entry/").status_code == 404
