"""Conflict-safe editing: when two people edit the same item, the later save is refused with what
the other changed, and neither person's text is lost."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.core.test_publishing_rule import article_form_data
from tests.factories import ArticleFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="editorial_version" value="(\d*)"')


def open_form(client, url) -> str:
    page = client.get(url).content.decode()
    match = TOKEN.search(page)
    assert match, "the change form carries a version token"
    return match.group(1)


def form_data(article, token, **changes):
    citation = article.citations.get()
    publish_at = timezone.localtime(article.publish_at)
    data = article_form_data(
        status=article.status,
        title=changes.get("title", article.title),
        slug=article.slug,
        standfirst=article.standfirst,
        body=changes.get("body", article.body),
        publish_at_0=f"{publish_at:%Y-%m-%d}",
        publish_at_1=f"{publish_at:%H:%M:%S}",
        citations=[citation.source],
        editorial_version=token,
        **{
            "citations-INITIAL_FORMS": "1",
            "citations-0-id": str(citation.pk),
            "citations-0-article": str(article.pk),
        },  # fmt: skip
    )
    return data


@pytest.fixture
def second_editor(db):
    return UserFactory(username="second-editor", groups=["Editors"])


def test_the_later_of_two_edits_is_refused_and_nothing_is_lost(editor, second_editor):
    article = ArticleFactory(title="Ceasefire", body="Agreed on 10 November.[^1]")
    url = reverse("admin:articles_article_change", args=[article.pk])
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    first_token = open_form(first, url)
    second_token = open_form(second, url)
    assert first_token == second_token

    saved = second.post(url, form_data(article, second_token, body="Signed on 9 November.[^1]"))
    assert saved.status_code == 302

    refused = first.post(
        url, form_data(article, first_token, title="Ceasefire of 2020", body="My own rewrite.[^1]")
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Not saved: second-editor saved this article after you opened it" in page
    # What the other person changed, line by line.
    assert "<del>- Agreed on 10 November.[^1]</del>" in page
    assert "<ins>+ Signed on 9 November.[^1]</ins>" in page
    # The refused form still holds this editor's text.
    assert 'value="Ceasefire of 2020"' in page
    assert "My own rewrite.[^1]</textarea>" in page

    article.refresh_from_db()
    assert (article.title, article.body) == ("Ceasefire", "Signed on 9 November.[^1]")
    assert article.updated_by == second_editor

    # Saving again from the refused form is a deliberate choice, and goes through.
    new_token = TOKEN.search(page).group(1)
    assert new_token != first_token
    resaved = first.post(
        url, form_data(article, new_token, title="Ceasefire of 2020", body="My own rewrite.[^1]")
    )
    assert resaved.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("Ceasefire of 2020", "My own rewrite.[^1]")
    # Both versions are in the history.
    bodies = list(article.history.values_list("body", flat=True))
    assert "Signed on 9 November.[^1]" in bodies
    assert "My own rewrite.[^1]" in bodies


def test_an_edit_from_the_latest_version_is_saved(client, editor):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(editor)
    token = open_form(client, url)
    response = client.post(url, form_data(article, token, title="Retitled"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Retitled"


def test_a_source_edited_by_two_people_refuses_the_later_save(editor, second_editor):
    source = SourceFactory(title="Report")
    url = reverse("admin:core_source_change", args=[source.pk])
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    token = open_form(first, url)
    open_form(second, url)

    def data(title, version):
        return {
            "title": title,
            "url": source.url,
            "publisher": source.publisher,
            "language": "en",
            "kind": source.kind,
            "url_status": source.url_status,
            "editorial_version": version,
        }

    assert second.post(url, data("Report, corrected title", token)).status_code == 302
    refused = first.post(url, data("Report (my title)", token))
    assert refused.status_code == 200
    assert "Not saved: second-editor saved this source" in refused.content.decode()
    source.refresh_from_db()
    assert source.title == "Report, corrected title"
