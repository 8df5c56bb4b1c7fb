import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from karabakh_site.core.models import Publishable
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CorrectionFactory,
    FAQEntryFactory,
    SourceFactory,
    TimelineEntryFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_list_shows_published_articles_and_hides_drafts(client):
    ArticleFactory(title="Ceasefire signed")
    ArticleFactory(title="Unfinished draft", status=Publishable.Status.DRAFT)
    ArticleFactory(title="Scheduled piece", publish_at=timezone.now() + datetime.timedelta(days=1))

    response = client.get(reverse("articles:list"))

    assert response.status_code == 200
    assert "Ceasefire signed" in response.text
    assert "Unfinished draft" not in response.text
    assert "Scheduled piece" not in response.text


def test_the_list_filters_by_topic_and_year(client):
    topic = TopicFactory(slug="refugees", name="Refugees")
    old = ArticleFactory(
        title="Old refugee story", publish_at=timezone.make_aware(datetime.datetime(2021, 3, 1))
    )
    old.topics.add(topic)
    ArticleFactory(
        title="Untagged story", publish_at=timezone.make_aware(datetime.datetime(2021, 5, 1))
    )
    new = ArticleFactory(title="New refugee story")
    new.topics.add(topic)

    by_topic = client.get(reverse("articles:list"), {"topic": "refugees"})
    by_both = client.get(reverse("articles:list"), {"topic": "refugees", "year": 2021})

    assert "Old refugee story" in by_topic.text and "New refugee story" in by_topic.text
    assert "Untagged story" not in by_topic.text
    assert "Old refugee story" in by_both.text
    assert "New refugee story" not in by_both.text
    assert "Untagged story" not in by_both.text


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"year": "1994.5"}, {"topic": "no-such-topic"}, {"year": "0"}]
)
def test_unreadable_filters_give_a_400_page_naming_the_problem(client, params):
    response = client.get(reverse("articles:list"), params)

    assert response.status_code == 400
    assert "could not be read" in response.text
    assert next(iter(params)) in response.text


def test_the_list_is_paginated_and_a_missing_page_is_a_404(client):
    for _ in range(21):
        ArticleFactory()

    first = client.get(reverse("articles:list"))
    second = client.get(reverse("articles:list"), {"page": 2})

    assert len(first.context["articles"]) == 20
    assert len(second.context["articles"]) == 1
    assert 'rel="next"' in first.text
    assert client.get(reverse("articles:list"), {"page": 3}).status_code == 404
    assert client.get(reverse("articles:list"), {"page": "x"}).status_code == 404


def test_the_detail_page_links_markers_to_a_numbered_source_list(client):
    article = ArticleFactory(body="First claim.[^1] Second claim.[^2]", citations=2)
    first, second = (citation.source for citation in article.citations.order_by("position"))
    second.archived_url = "https://web.archive.org/web/2023/https://example.org/x"
    second.last_verified = datetime.date(2026, 2, 3)
    second.save()

    response = client.get(article.get_absolute_url())

    html = response.text
    assert response.status_code == 200
    assert 'href="#source-1"' in html and 'href="#source-2"' in html
    assert 'id="source-1"' in html and 'id="source-2"' in html
    assert html.index(first.title) < html.index(second.title)
    assert "https://web.archive.org/web/2023/https://example.org/x" in html
    assert "Link last verified" in html and "3 February 2026" in html
    assert second.get_absolute_url() in html
    assert article.standfirst in html


def test_the_detail_page_shows_corrections_and_the_updated_on_date(client):
    article = ArticleFactory(publish_at=timezone.make_aware(datetime.datetime(2025, 1, 10)))
    correction = CorrectionFactory(
        article=article, date=datetime.date(2025, 6, 2), text="The casualty figure was wrong."
    )

    html = client.get(article.get_absolute_url()).text

    assert "The casualty figure was wrong." in html
    assert f'id="correction-{correction.pk}"' in html
    assert "Updated on" in html and "2 June 2025" in html


def test_an_uncorrected_article_has_no_updated_on_date(client):
    article = ArticleFactory()

    assert "Updated on" not in client.get(article.get_absolute_url()).text


def test_the_detail_page_lists_only_published_related_content_and_topics(client):
    article = ArticleFactory()
    topic = TopicFactory(name="Ceasefires")
    article.topics.add(topic)
    shown = TimelineEntryFactory(title="Published related event")
    hidden = TimelineEntryFactory(title="Draft related event", status=Publishable.Status.DRAFT)
    question = FAQEntryFactory(question="Published related question?")
    draft_question = FAQEntryFactory(question="Draft question?", status=Publishable.Status.DRAFT)
    for item in (shown, hidden, question, draft_question):
        item.related_articles.add(article)

    html = client.get(article.get_absolute_url()).text

    assert "Published related event" in html
    assert "Published related question?" in html
    assert "Draft related event" not in html
    assert "Draft question?" not in html
    assert topic.get_absolute_url() in html


def test_drafts_are_404_for_readers_and_previewed_for_editors(client, editor):
    draft = ArticleFactory(title="Secret draft", status=Publishable.Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview" in response.text
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_staff_without_the_change_permission_cannot_preview(client):
    draft = ArticleFactory(status=Publishable.Status.DRAFT)
    client.force_login(UserFactory(username="bystander"))

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_published_article_shows_no_preview_banner_even_to_editors(client, editor):
    article = ArticleFactory()
    client.force_login(editor)

    assert "Draft preview" not in client.get(article.get_absolute_url()).text


def test_a_withdrawn_article_is_gone_for_readers(client):
    article = ArticleFactory(status=Publishable.Status.WITHDRAWN)

    assert client.get(article.get_absolute_url()).status_code == 404


def test_the_detail_page_describes_itself_with_metadata_and_news_article_data(client):
    article = ArticleFactory(title="Talks in Brussels", standfirst="Leaders met.")
    source = article.citations.get().source

    response = client.get(article.get_absolute_url())

    html = response.text
    assert '<meta name="description" content="Leaders met.">' in html
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in html
    assert '<meta property="og:type" content="article">' in html
    data = {item["@type"]: item for item in response.context["structured_data"]}
    assert data["NewsArticle"]["headline"] == "Talks in Brussels"
    assert data["NewsArticle"]["citation"][0]["url"] == source.url
    assert [crumb["name"] for crumb in data["BreadcrumbList"]["itemListElement"]] == [
        "Home",
        "Articles",
        "Talks in Brussels",
    ]


def test_html_in_structured_data_cannot_close_its_script_element(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")

    html = client.get(article.get_absolute_url()).text

    assert "</script><script>alert(1)" not in html
    assert "\\u003c/script\\u003e" in html


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_the_list_runs_the_same_queries_for_one_or_many_articles(
    client, django_assert_num_queries, items
):
    topic = TopicFactory()
    for _ in range(items):
        article = ArticleFactory()
        article.topics.add(topic)
    # Anonymous: articles count, page, topics prefetch, topic choices, years.
    with django_assert_num_queries(6):
        assert client.get(reverse("articles:list")).status_code == 200


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_the_detail_page_runs_the_same_queries_however_much_it_shows(
    client, django_assert_num_queries, items
):
    article = ArticleFactory(citations=items)
    for _ in range(items):
        article.topics.add(TopicFactory())
        CorrectionFactory(article=article)
        TimelineEntryFactory().related_articles.add(article)
        FAQEntryFactory().related_articles.add(article)
        article.claims.add(ClaimFactory(positions=2))
    # Article, then topics, corrections, citations with sources, timeline entries, FAQ entries,
    # claims, their positions (with perspectives), the positions' sources.
    with django_assert_num_queries(10):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_a_source_cited_only_by_a_draft_is_not_linked_from_the_list(client):
    draft = ArticleFactory(status=Publishable.Status.DRAFT)
    source = draft.citations.get().source
    SourceFactory()

    assert client.get(source.get_absolute_url()).status_code == 404
