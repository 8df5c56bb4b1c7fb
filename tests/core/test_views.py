import pytest
from django.urls import reverse

from karabakh_site.core.models import Publishable, Source
from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    SourceFactory,
    TimelineEntryFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_the_source_index_lists_only_sources_cited_by_published_items(client):
    published = ArticleFactory().citations.get().source
    draft_only = ArticleFactory(status=Publishable.Status.DRAFT).citations.get().source
    uncited = SourceFactory(title="Nobody cites me")

    html = client.get(reverse("core:source-list")).text

    assert published.title in html
    assert draft_only.title not in html
    assert uncited.title not in html


def test_the_source_index_filters_by_publisher_kind_and_language(client):
    a = ArticleFactory(citations=3)
    first, second, third = (c.source for c in a.citations.order_by("position"))
    Source.objects.filter(pk=first.pk).update(
        publisher="Reuters", kind="news_agency", language="en"
    )
    Source.objects.filter(pk=second.pk).update(
        publisher="OSCE", kind="intergovernmental", language="ru"
    )
    Source.objects.filter(pk=third.pk).update(
        publisher="OSCE", kind="intergovernmental", language="en"
    )
    url = reverse("core:source-list")

    def titles(**params):
        return {s.title for s in client.get(url, params).context["sources"]}

    assert titles(publisher="OSCE") == {second.title, third.title}
    assert titles(kind="news_agency") == {first.title}
    assert titles(publisher="OSCE", language="ru") == {second.title}


@pytest.mark.parametrize("params", [{"kind": "blog"}, {"language": "english"}, {"language": "E1"}])
def test_unreadable_source_filters_give_a_400_page(client, params):
    ArticleFactory()

    assert client.get(reverse("core:source-list"), params).status_code == 400


def test_a_source_page_lists_the_published_items_that_cite_it(client):
    article = ArticleFactory(title="Citing article")
    source = article.citations.get().source
    event = TimelineEntryFactory(title="Citing event")
    event.citations.create(source=source, position=2)
    question = FAQEntryFactory(question="Citing question?")
    question.citations.create(source=source, position=2)
    draft = ArticleFactory(title="Draft citing article", status=Publishable.Status.DRAFT)
    draft.citations.create(source=source, position=2)

    response = client.get(source.get_absolute_url())

    html = response.text
    assert response.status_code == 200
    assert "Citing article" in html and article.get_absolute_url() in html
    assert "Citing event" in html and "Citing question?" in html
    assert "Draft citing article" not in html
    assert source.url in html


def test_a_source_cited_only_by_drafts_is_a_404(client):
    source = ArticleFactory(status=Publishable.Status.DRAFT).citations.get().source

    assert client.get(source.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_the_source_index_runs_the_same_queries_for_one_or_many_sources(
    client, django_assert_num_queries, items
):
    ArticleFactory(citations=items)
    # Count, page, publisher and language facets, and the perspectives of its filter.
    with django_assert_num_queries(5):
        assert client.get(reverse("core:source-list")).status_code == 200


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_a_source_page_runs_the_same_queries_however_many_items_cite_it(
    client, django_assert_num_queries, items
):
    source = SourceFactory()
    for index in range(items):
        for factory in (ArticleFactory, TimelineEntryFactory, FAQEntryFactory):
            factory().citations.create(source=source, position=2 + index)
    # The source, then one query per content kind.
    with django_assert_num_queries(5):
        assert client.get(source.get_absolute_url()).status_code == 200


def test_a_topic_page_gathers_its_published_articles_questions_and_events(client):
    topic = TopicFactory(name="Peace talks")
    items = [
        ArticleFactory(title="Topic article"),
        FAQEntryFactory(question="Topic question?"),
        TimelineEntryFactory(title="Topic event"),
        ArticleFactory(title="Draft topic article", status=Publishable.Status.DRAFT),
    ]
    for item in items:
        item.topics.add(topic)
    ArticleFactory(title="Unrelated article")

    html = client.get(topic.get_absolute_url()).text

    assert "Topic article" in html and "Topic question?" in html and "Topic event" in html
    assert "Draft topic article" not in html
    assert "Unrelated article" not in html


def test_the_topic_index_counts_only_published_items(client):
    topic = TopicFactory(name="Refugees")
    ArticleFactory().topics.add(topic)
    ArticleFactory(status=Publishable.Status.DRAFT).topics.add(topic)
    TimelineEntryFactory().topics.add(topic)

    response = client.get(reverse("core:topic-list"))

    listed = response.context["topics"][0]
    assert (listed.article_count, listed.faq_count, listed.timeline_count) == (1, 0, 1)
    assert "1 article · 0 questions · 1 event" in response.text


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_topic_pages_run_the_same_queries_for_one_or_many_items(
    client, django_assert_num_queries, items
):
    topic = TopicFactory()
    for _ in range(items):
        for factory in (ArticleFactory, TimelineEntryFactory, FAQEntryFactory):
            factory().topics.add(topic)
        TopicFactory()
    with django_assert_num_queries(5):
        assert client.get(topic.get_absolute_url()).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(reverse("core:topic-list")).status_code == 200


def test_an_unknown_topic_is_a_404(client):
    assert client.get(reverse("core:topic-detail", kwargs={"slug": "nothing"})).status_code == 404
