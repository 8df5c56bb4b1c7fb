from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.factories import ArticleFactory, TimelineEntryFactory
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def test_it_rerenders_stale_html_without_new_history_versions():
    article = ArticleFactory(body="Claim.[^1]")
    entry = TimelineEntryFactory(summary="Event.[^1]")
    Article.objects.filter(pk=article.pk).update(body_html='<a id="main">stale</a>')
    versions = Article.history.count()

    out = StringIO()
    call_command("render_markdown", stdout=out)

    article.refresh_from_db()
    assert 'href="#source-1"' in article.body_html
    assert "stale" not in article.body_html
    assert Article.history.count() == versions
    assert "articles: changed 1" in out.getvalue()
    assert "timeline entries: changed 0" in out.getvalue()
    assert TimelineEntry.objects.get(pk=entry.pk).summary_html == entry.summary_html


def test_a_dry_run_writes_nothing():
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body_html="stale")
    call_command("render_markdown", dry_run=True, stdout=StringIO())
    article.refresh_from_db()
    assert article.body_html == "stale"
