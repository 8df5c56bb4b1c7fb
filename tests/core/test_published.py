"""published() is the one visibility rule every reader goes through."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from karabakh_site.core import services
from karabakh_site.core.models import Publishable
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_returns_only_published_items_whose_time_has_come():
    now = timezone.now()
    live = ArticleFactory(title="Live")
    ArticleFactory(status=Publishable.Status.DRAFT, title="Draft")
    ArticleFactory(status=Publishable.Status.IN_REVIEW, title="In review")
    ArticleFactory(title="Scheduled", publish_at=now + datetime.timedelta(days=1))
    withdrawn = ArticleFactory(title="Withdrawn")
    services.withdraw(withdrawn)
    assert list(Article.objects.published()) == [live]


def test_a_scheduled_item_becomes_visible_at_its_publish_time_with_nothing_run():
    article = ArticleFactory(publish_at=timezone.now() + datetime.timedelta(minutes=5))
    assert article.is_scheduled
    assert not Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(
        publish_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert list(Article.objects.published()) == [article]


def test_an_item_disappears_at_its_withdraw_time():
    article = ArticleFactory()
    article.withdraw_at = timezone.now() + datetime.timedelta(hours=1)
    article.save()
    assert Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(
        withdraw_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert not Article.objects.published().exists()
    article.refresh_from_db()
    assert not article.is_published


def test_publishing_sets_the_publish_time_once():
    article = ArticleFactory(status=Publishable.Status.DRAFT)
    services.publish(article)
    first = article.publish_at
    assert first is not None
    article.title = "Edited"
    article.save()
    article.refresh_from_db()
    assert article.publish_at == first
