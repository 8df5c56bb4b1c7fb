"""Footnotes bound to their citations: [^N] is the Nth citation in order, a new citation goes at
the end, and a reorder or removal in the admin rewrites the markers so each keeps its source."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleCitation
from karabakh_site.core import services
from karabakh_site.markdown import renumber_markers
from tests.core.test_publishing_rule import article_form_data
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def change_data(article, rows, **changes):
    """The change form's POST data. ``rows`` are (citation or None for a new row, source,
    position typed, delete?) in the order the form shows them."""
    publish_at = timezone.localtime(article.publish_at)
    data = article_form_data(
        status=article.status,
        title=article.title,
        slug=article.slug,
        standfirst=article.standfirst,
        body=changes.pop("body", article.body),
        publish_at_0=f"{publish_at:%Y-%m-%d}",
        publish_at_1=f"{publish_at:%H:%M:%S}",
    )
    data["citations-TOTAL_FORMS"] = str(len(rows))
    data["citations-INITIAL_FORMS"] = str(sum(1 for row in rows if row[0] is not None))
    for index, (citation, source, position, delete) in enumerate(rows):
        data.update(
            {
                f"citations-{index}-position": "" if position is None else str(position),
                f"citations-{index}-source": str(source.pk),
                f"citations-{index}-locator": citation.locator if citation else "",
                f"citations-{index}-quote": citation.quote if citation else "",
            }
        )
        if citation is not None:
            data[f"citations-{index}-id"] = str(citation.pk)
            data[f"citations-{index}-article"] = str(article.pk)
        if delete:
            data[f"citations-{index}-DELETE"] = "on"
    data.update(changes)
    return data


def unchanged_rows(article):
    return [(c, c.source, n, False) for n, c in enumerate(article.citations.all(), start=1)]


def cited_sources(article) -> list[int]:
    """The source each marker of the text points at, as readers get it, in the order the markers
    appear: the same claims must keep the same sources whatever their numbers become."""
    article.refresh_from_db()
    citations = list(article.citations.order_by("position", "id"))
    return [citations[int(n) - 1].source_id for n in re.findall(r"\[\^(\d+)\]", article.body)]


@pytest.fixture
def three_cited(editor, client):
    article = ArticleFactory(body="One.[^1] Two.[^2] Three.[^3]", citations=3)
    client.force_login(editor)
    return article


def url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_a_citation_saved_without_a_position_goes_after_the_others():
    article = ArticleFactory(citations=2)
    added = ArticleCitation.objects.create(article=article, source=SourceFactory())
    assert added.position == 3
    assert list(article.citations.all())[-1] == added


def test_a_new_admin_row_left_blank_is_appended_and_no_marker_changes(client, three_cited):
    article = three_cited
    before = cited_sources(article)
    new_source = SourceFactory(title="An appended source")
    rows = [*unchanged_rows(article), (None, new_source, None, False)]

    response = client.post(url(article), change_data(article, rows))

    assert response.status_code == 302
    assert cited_sources(article) == before  # refreshes the article
    assert article.body == "One.[^1] Two.[^2] Three.[^3]"
    assert [c.position for c in article.citations.all()] == [1, 2, 3, 4]
    assert article.citations.last().source == new_source


def test_moving_a_citation_up_renumbers_the_markers_to_follow_it(client, three_cited):
    article = three_cited
    before = cited_sources(article)
    first, second, third = article.citations.all()
    rows = [(first, first.source, 1, False), (second, second.source, 2, False)]
    rows.append((third, third.source, 1, False))  # typed 1: moves to the top
    versions = article.history.count()

    response = client.post(url(article), change_data(article, rows))

    assert response.status_code == 302
    article.refresh_from_db()
    assert [c.pk for c in article.citations.all()] == [third.pk, first.pk, second.pk]
    assert article.body == "One.[^2] Two.[^3] Three.[^1]"
    assert cited_sources(article) == before
    # The rendered page links the renumbered marker to the same source's place in the list.
    assert article.body_html.endswith(
        'title="Source 1" rel="noopener noreferrer">[1]</a></sup></p>\n'
    )
    assert article.history.count() == versions + 1


def test_moving_a_citation_down_lands_after_the_row_at_that_place(client, three_cited):
    article = three_cited
    before = cited_sources(article)
    first, second, third = article.citations.all()
    rows = [(first, first.source, 2, False), (second, second.source, 2, False)]
    rows.append((third, third.source, 3, False))

    assert client.post(url(article), change_data(article, rows)).status_code == 302

    assert [c.pk for c in article.citations.all()] == [second.pk, first.pk, third.pk]
    assert cited_sources(article) == before


def test_removing_an_uncited_citation_renumbers_the_later_markers(client, editor):
    article = ArticleFactory(body="One.[^1] Three.[^3]", citations=3)
    client.force_login(editor)
    before = cited_sources(article)
    first, second, third = article.citations.all()
    rows = [(first, first.source, 1, False), (second, second.source, 2, True)]
    rows.append((third, third.source, 3, False))

    assert client.post(url(article), change_data(article, rows)).status_code == 302

    article.refresh_from_db()
    assert article.body == "One.[^1] Three.[^2]"
    assert cited_sources(article) == before


def test_removing_a_citation_the_text_still_cites_is_refused_naming_the_marker(client, three_cited):
    article = three_cited
    first, second, third = article.citations.all()
    rows = [(first, first.source, 1, False), (second, second.source, 2, True)]
    rows.append((third, third.source, 3, False))

    response = client.post(url(article), change_data(article, rows))

    page = response.content.decode()
    assert response.status_code == 200
    assert "[^2] cites the citation you are removing" in page
    assert str(second.source) in page
    assert article.citations.count() == 3


def test_removing_a_citation_and_its_marker_in_the_same_save_is_accepted(client, three_cited):
    article = three_cited
    before = cited_sources(article)
    first, second, third = article.citations.all()
    rows = [(first, first.source, 1, False), (second, second.source, 2, True)]
    rows.append((third, third.source, 3, False))

    response = client.post(url(article), change_data(article, rows, body="One.[^1] Three.[^3]"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "One.[^1] Three.[^2]"
    assert cited_sources(article) == [before[0], before[2]]


def test_a_marker_past_the_rows_shown_is_still_refused(client, three_cited):
    article = three_cited
    response = client.post(
        url(article), change_data(article, unchanged_rows(article), body="Four.[^4]")
    )
    assert response.status_code == 200
    assert "[^4] points at no citation" in response.content.decode()


def test_every_row_of_the_change_form_shows_its_marker(client, three_cited):
    page = client.get(url(three_cited)).content.decode()
    for number in (1, 2, 3):
        assert f"<p>[^{number}]</p>" in page
    assert "new: next number" in page
    assert "admin/editorial/citation_order.js" in page


def test_arrange_citations_places_rows_as_asked():
    a, b, c, new = "a", "b", "c", "new"
    shown = [(a, 1, 1), (b, 2, 2), (c, 3, 3), (new, None, 4)]
    assert services.arrange_citations(shown) == [a, b, c, new]
    assert services.arrange_citations([(a, 1, 1), (b, 2, 2), (c, 1, 3)]) == [c, a, b]
    assert services.arrange_citations([(a, 3, 1), (b, 2, 2), (c, 3, 3)]) == [b, c, a]
    assert services.arrange_citations([(a, 1, 1), (new, 1, 2)]) == [new, a]
    assert services.arrange_citations([(a, 0, 1), (b, None, 2)]) == [a, b]


def test_the_api_and_imports_take_markers_as_sent():
    # Text and citations arrive together there: nothing is renumbered.
    article = ArticleFactory(body="One.[^1] Two.[^2]", citations=2)
    first, second = article.citations.all()
    services.write_item(
        article,
        citations=[ArticleCitation(source=second.source), ArticleCitation(source=first.source)],
    )
    article.refresh_from_db()
    assert article.body == "One.[^1] Two.[^2]"


def test_renumber_markers_rewrites_every_marker_once():
    assert renumber_markers("a[^1] b[^2] c[^1] d[^9]", {1: 2, 2: 1}) == "a[^2] b[^1] c[^2] d[^9]"


def test_deleting_one_citation_renumbers_the_markers_after_it():
    article = ArticleFactory(citations=3, body="One.[^1] Three.[^3]")
    first, second, third = article.citations.order_by("position")
    second.delete()
    article.refresh_from_db()
    assert article.body == "One.[^1] Three.[^2]"
    assert list(article.citations.order_by("position")) == [first, third]
    assert [c.position for c in article.citations.order_by("position")] == [1, 2]


def test_deleting_a_cited_citation_is_refused_naming_its_marker():
    article = ArticleFactory(citations=2, body="One.[^1] Two.[^2]")
    with pytest.raises(ValidationError, match=r"\[\^2\] cites the citation you are removing"):
        article.citations.order_by("position").last().delete()
    assert article.citations.count() == 2
