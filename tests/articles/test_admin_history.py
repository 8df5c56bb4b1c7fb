"""The article admin's history pages answer a version id that cannot exist with 404, not 500."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("version_id", ["abc", "1x", "-1"])
def test_a_non_numeric_version_id_is_not_found(client, editor, version_id):
    article = ArticleFactory()
    client.force_login(editor)
    url = reverse("admin:articles_article_history", args=[article.pk]) + f"{version_id}/"

    assert client.get(url).status_code == 404


def test_a_numeric_version_id_still_shows_that_version(client, editor):
    article = ArticleFactory(title="Ceasefire")
    version = article.history.earliest("history_date")
    client.force_login(editor)
    url = reverse("admin:articles_article_history", args=[article.pk]) + f"{version.history_id}/"

    response = client.get(url)

    assert response.status_code == 200
    assert "Ceasefire" in response.content.decode()


def test_the_history_page_says_what_a_quote_only_edit_changed(client, editor):
    from karabakh_site.core import services

    article = ArticleFactory(body="A claim.[^1]")
    citations = list(article.citations.all())
    citations[0].quote = "The supporting words."
    services.write_item(article, citations=citations)
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()

    assert "<li>Citation [^1]: quote changed</li>" in page
    # Restoring starts with a page that shows what it would change, not with the restore.
    oldest = article.history.earliest("history_date")
    restore = reverse("admin:articles_article_history_restore", args=[article.pk, oldest.pk])
    assert f'href="{restore}" class="button">Restore this version…</a>' in page
