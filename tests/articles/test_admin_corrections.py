"""Public corrections in the admin: editors add dated corrections to published articles, and the
article's "updated on" date follows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Correction
from karabakh_site.core.models import Publishable
from tests.core.test_publishing_rule import article_form_data
from tests.factories import ArticleFactory, CorrectionFactory

pytestmark = pytest.mark.django_db


def correction_data(article, *, date, text):
    citation = article.citations.get()
    publish_at = timezone.localtime(article.publish_at) if article.publish_at else None
    return article_form_data(
        status=article.status,
        title=article.title,
        slug=article.slug,
        standfirst=article.standfirst,
        body=article.body,
        publish_at_0=f"{publish_at:%Y-%m-%d}" if publish_at else "",
        publish_at_1=f"{publish_at:%H:%M:%S}" if publish_at else "",
        citations=[citation.source],
        **{
            "citations-INITIAL_FORMS": "1",
            "citations-0-id": str(citation.pk),
            "citations-0-article": str(article.pk),
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-date": date,
            "corrections-0-text": text,
        },  # fmt: skip
    )


def test_an_editor_adds_a_dated_correction_to_a_published_article(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert 'id="corrections-empty"' in client.get(url).content.decode()
    response = client.post(
        url, correction_data(article, date="2026-02-01", text="The date of the vote was wrong.")
    )
    assert response.status_code == 302, response.content.decode()
    correction = Correction.objects.get(article=article)
    assert correction.date == datetime.date(2026, 2, 1)
    assert correction.history.get().history_user == editor


def test_a_draft_cannot_be_given_a_public_correction(client, editor):
    draft = ArticleFactory(status=Publishable.Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    assert 'id="corrections-empty"' not in client.get(url).content.decode()
    response = client.post(url, correction_data(draft, date="2026-02-01", text="Not public."))
    # The rest of the form saves; the correction form is ignored, as for any inline one may not add.
    assert response.status_code == 302
    assert not Correction.objects.exists()


def test_a_contributor_cannot_add_corrections(client, contributor):
    draft = ArticleFactory(status=Publishable.Status.DRAFT)
    client.force_login(contributor)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'id="corrections-empty"' not in page
    response = client.post(url, correction_data(draft, date="2026-02-01", text="Sneaky."))
    assert response.status_code == 302
    assert not Correction.objects.exists()


def test_the_updated_on_date_follows_the_latest_correction():
    article = ArticleFactory()
    published_on = timezone.localdate(article.publish_at)
    assert article.updated_on == published_on
    later = published_on + datetime.timedelta(days=10)
    CorrectionFactory(article=article, date=later)
    CorrectionFactory(article=article, date=published_on + datetime.timedelta(days=2))
    assert article.updated_on == later


def test_an_unpublished_article_without_corrections_has_no_updated_on_date():
    assert ArticleFactory(status=Publishable.Status.DRAFT).updated_on is None


def test_past_corrections_are_read_only_and_shown_above_the_citations(client, editor):
    from tests.core.test_admin_publishing import submitted

    article = ArticleFactory(status=Publishable.Status.PUBLISHED)
    old = CorrectionFactory(article=article, date=datetime.date(2026, 1, 5), text="As it was.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(editor)
    page = client.get(url).content.decode()

    assert page.index('id="corrections-group"') < page.index('id="citations-group"')
    assert "As it was." in page
    assert 'name="corrections-0-text"' not in page
    assert 'name="corrections-0-DELETE"' not in page
    # A hand-made post that tries to rewrite or delete it changes nothing.
    data = submitted(client.get(url), type(article))
    data.update({"corrections-0-id": str(old.pk), "corrections-0-text": "Rewritten.",
                 "corrections-0-DELETE": "on"})  # fmt: skip
    client.post(url, data)
    old.refresh_from_db()
    assert old.text == "As it was."
