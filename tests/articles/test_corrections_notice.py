"""Corrections are announced at the top of the article, linking to the note at its foot."""

import datetime

import pytest

from tests.factories import ArticleFactory, CorrectionFactory

pytestmark = pytest.mark.django_db


def header_of(html: str) -> str:
    start = html.index('<header class="article-header">')
    return html[start : html.index("</header>", start)]


def test_a_corrected_article_says_so_at_the_top_and_links_to_the_note(client):
    article = ArticleFactory()
    CorrectionFactory(article=article, date=datetime.date(2026, 1, 2), text="Older note.")
    latest = CorrectionFactory(article=article, date=datetime.date(2026, 5, 3), text="Newer.")

    html = client.get(article.get_absolute_url()).text
    header = header_of(html)

    assert 'Corrected on <time datetime="2026-05-03">3 May 2026</time>' in header
    assert f'<a href="#correction-{latest.pk}">read the correction</a>' in header
    assert '<a href="#corrections">all 2 corrections</a>' in header
    assert f'<li id="correction-{latest.pk}">' in html
    assert html.index("Corrected on") < html.index('<div class="prose">')


def test_an_article_without_corrections_announces_none(client):
    article = ArticleFactory()

    html = client.get(article.get_absolute_url()).text

    assert "Corrected on" not in html
