"""Replacing a published article's citations in one submission of the change form: the formset
checks the final set, and the save never passes through a state the source rule refuses."""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.core.test_publishing_rule import article_form_data
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def change_data(article, *, delete, add):
    """The change form's POST data: every current citation (ticked for deletion when listed in
    ``delete``) followed by one new row per source in ``add``."""
    publish_at = timezone.localtime(article.publish_at)
    data = article_form_data(
        status=article.status,
        title=article.title,
        slug=article.slug,
        standfirst=article.standfirst,
        body=article.body,
        publish_at_0=f"{publish_at:%Y-%m-%d}",
        publish_at_1=f"{publish_at:%H:%M:%S}",
    )
    current = list(article.citations.order_by("position", "id"))
    rows = [(citation, citation.source) for citation in current] + [(None, s) for s in add]
    data["citations-TOTAL_FORMS"] = str(len(rows))
    data["citations-INITIAL_FORMS"] = str(len(current))
    for index, (citation, source) in enumerate(rows):
        data.update(
            {
                f"citations-{index}-position": str(index + 1),
                f"citations-{index}-source": str(source.pk),
                f"citations-{index}-locator": "",
                f"citations-{index}-quote": "",
            }
        )
        if citation is not None:
            data[f"citations-{index}-id"] = str(citation.pk)
            data[f"citations-{index}-article"] = str(article.pk)
            if citation in delete:
                data[f"citations-{index}-DELETE"] = "on"
    return data


def test_an_editor_replaces_the_only_citation_of_a_published_article(client, editor):
    # No marker cites it: removing a citation the text cites is refused (test_citation_positions).
    article = ArticleFactory(citations=1, body="A claim.")
    only = article.citations.get()
    replacement = SourceFactory(title="The replacement source")
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_data(article, delete=[only], add=[replacement]),
    )

    assert response.status_code == 302
    assert [c.source for c in article.citations.all()] == [replacement]
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_an_editor_deletes_both_citations_and_adds_one_in_the_same_save(client, editor):
    article = ArticleFactory(citations=2, body="A claim.")
    both = list(article.citations.all())
    replacement = SourceFactory(title="The replacement source")
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_data(article, delete=both, add=[replacement]),
    )

    assert response.status_code == 302
    assert [c.source for c in article.citations.all()] == [replacement]


def test_deleting_the_only_citation_without_a_replacement_is_still_a_form_error(client, editor):
    article = ArticleFactory(citations=1, body="No markers.")
    only = article.citations.get()
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_data(article, delete=[only], add=[]),
    )

    assert response.status_code == 200
    assert "Add at least one source before publishing." in response.content.decode()
    assert list(article.citations.all()) == [only]
