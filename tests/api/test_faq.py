import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faq.models import FAQEntry
from karabakh_site.core.models import Publishable
from karabakh_site.core.publishing import NEEDS_SOURCE_MESSAGE
from tests.factories import ArticleFactory, FAQEntryFactory, FAQGroupFactory, TopicFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/faq/"


def test_it_lists_published_answers_with_their_group_and_page_anchor(anonymous):
    group = FAQGroupFactory(slug="background", name="Background")
    FAQEntryFactory(slug="what", question="What?", group=group)
    FAQEntryFactory(slug="draft", status=Publishable.Status.DRAFT, group=group)

    results = anonymous.get(LIST).json()["results"]

    assert [item["slug"] for item in results] == ["what"]
    assert results[0]["group"] == {
        "id": group.pk, "slug": "background", "name": "Background",
        "url": "http://testserver/api/v1/faq-groups/background/",
    }  # fmt: skip
    assert results[0]["group_name"] == "Background"
    assert results[0]["page_url"] == "http://testserver/en/faq/what/"


def test_its_detail_embeds_the_answer_and_citations(anonymous):
    FAQEntryFactory(slug="what", answer="An answer.[^1]").related_articles.add(
        ArticleFactory(slug="hidden", status=Publishable.Status.DRAFT)
    )

    body = anonymous.get(f"{LIST}what/").json()

    assert body["answer"] == "An answer.[^1]"
    assert body["citations"][0]["source"]["publisher"]
    assert body["related_articles"] == []


def test_it_filters_by_group_topic_and_words(anonymous):
    FAQEntryFactory(
        slug="a", question="Who lives in Stepanakert?", group=FAQGroupFactory(slug="g1")
    )
    FAQEntryFactory(slug="b", group=FAQGroupFactory(slug="g2")).topics.add(TopicFactory(slug="t"))

    def slugs(**params):
        return [item["slug"] for item in anonymous.get(LIST, params).json()["results"]]

    assert slugs(group="g1") == ["a"]
    assert slugs(topic="t") == ["b"]
    assert slugs(q="stepanakert") == ["a"]


def test_the_faq_list_runs_the_same_number_of_queries_for_1_and_25_answers(
    anonymous, django_assert_num_queries
):
    group, topic = FAQGroupFactory(), TopicFactory()
    FAQEntryFactory(group=group).topics.add(topic)
    with CaptureQueriesContext(connection) as one:
        anonymous.get(LIST, {"page_size": 25})
    for _ in range(24):
        FAQEntryFactory(group=FAQGroupFactory()).topics.add(topic)

    with django_assert_num_queries(len(one)):
        assert len(anonymous.get(LIST, {"page_size": 25}).json()["results"]) == 25


def test_the_source_rule_holds_for_faq_answers(as_editor):
    FAQGroupFactory(slug="g")

    response = as_editor.post(
        LIST,
        {"slug": "q", "question": "Q?", "answer": "A.", "group": "g", "status": "published"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["status"] == [NEEDS_SOURCE_MESSAGE]
    assert not FAQEntry.objects.exists()


def test_a_contributor_cannot_publish_an_answer(as_contributor):
    FAQEntryFactory(slug="q", status=Publishable.Status.IN_REVIEW)

    response = as_contributor.patch(f"{LIST}q/", {"status": "published"}, format="json")

    assert response.status_code == 403
    assert FAQEntry.objects.get(slug="q").status == Publishable.Status.IN_REVIEW
