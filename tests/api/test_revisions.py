"""A revision of a live item published through the API: the answer is the live item it went into,
or a 400 saying why not, with the revision kept."""

import pytest

from articles.models import Article
from karabakh_site.core import revisions, services
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_publishing_a_revision_answers_with_the_live_item(as_editor, editor):
    live = ArticleFactory(standfirst="Old.")
    revision = revisions.start_revision(live, by=editor)
    response = as_editor.patch(
        f"/api/v1/articles/{revision.slug}/",
        {"standfirst": "New.", "status": "published"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["slug"] == live.slug and body["status"] == "published"
    assert body["standfirst"] == "New." and body["citations"]
    assert not Article.objects.filter(pk=revision.pk).exists()


def test_a_refused_revision_publish_is_a_400_and_the_revision_stays(as_editor, editor):
    live = ArticleFactory(citations=2, body="A.[^1]")
    revision = revisions.start_revision(live, by=editor)
    live.body = "A.[^1] B.[^2]"
    services.write_item(live, by=editor)
    first = revision.citations.order_by("position").first()
    response = as_editor.patch(
        f"/api/v1/articles/{revision.slug}/",
        {"status": "published", "citations": [{"source_id": first.source_id}]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert Article.objects.filter(pk=revision.pk).exists()
    live.refresh_from_db()
    assert live.citations.count() == 2
