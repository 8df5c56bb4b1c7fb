import pytest
from django.urls import reverse

from karabakh_site.core.models import Publishable
from tests.factories import FAQEntryFactory, FAQGroupFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_questions_are_grouped_with_anchors_and_sources(client):
    history = FAQGroupFactory(name="History", slug="history", position=1)
    law = FAQGroupFactory(name="Law", slug="law", position=2)
    first = FAQEntryFactory(question="When did it start?", slug="start", group=history)
    FAQEntryFactory(question="Is it legal?", slug="legal", group=law)

    html = client.get(reverse("faq:index")).text
    main = html[html.index("<main") :]

    assert main.index('id="group-history"') < main.index("When did it start?")
    assert main.index("When did it start?") < main.index('id="group-law"')
    assert '<article class="faq-entry" id="start"' in main
    assert 'href="#start-source-1"' in main and 'id="start-source-1"' in main
    assert first.citations.get().source.title in main


def test_drafts_are_hidden_from_readers_and_flagged_for_editors(client, editor):
    FAQEntryFactory(question="Published question?")
    FAQEntryFactory(question="Draft question?", status=Publishable.Status.DRAFT)

    reader = client.get(reverse("faq:index"))
    assert "Draft question?" not in reader.text
    assert "Draft preview" not in reader.text

    client.force_login(editor)
    staff = client.get(reverse("faq:index"))
    assert "Draft question?" in staff.text
    assert "Draft preview" in staff.text
    assert "no-cache" in staff["Cache-Control"]
    faq_page = next(d for d in staff.context["structured_data"] if d["@type"] == "FAQPage")
    assert [q["name"] for q in faq_page["mainEntity"]] == ["Published question?"]


def test_questions_filter_by_topic_and_group(client):
    topic = TopicFactory(slug="ceasefire")
    tagged = FAQEntryFactory(question="Tagged?")
    tagged.topics.add(topic)
    FAQEntryFactory(question="Other?", group=FAQGroupFactory(slug="misc"))

    by_topic = client.get(reverse("faq:index"), {"topic": "ceasefire"}).text
    by_group = client.get(reverse("faq:index"), {"group": "misc"}).text

    assert "Tagged?" in by_topic and "Other?" not in by_topic
    assert "Other?" in by_group and "Tagged?" not in by_group
    assert client.get(reverse("faq:index"), {"group": "nope"}).status_code == 400


def test_the_page_publishes_faq_page_data_with_citations(client):
    entry = FAQEntryFactory(question="Why?", answer="Because.[^1]")

    response = client.get(reverse("faq:index"))

    data = next(d for d in response.context["structured_data"] if d["@type"] == "FAQPage")
    question = data["mainEntity"][0]
    assert question["name"] == "Why?"
    assert question["acceptedAnswer"]["text"].startswith("Because.")
    assert question["acceptedAnswer"]["citation"][0]["url"] == entry.citations.get().source.url


@pytest.mark.parametrize("items", [1, 25])
def test_the_page_runs_the_same_queries_for_one_or_many_questions(
    client, django_assert_num_queries, items
):
    topic = TopicFactory()
    for _ in range(items):
        FAQEntryFactory(citations=2).topics.add(topic)
    # Entries with groups, topics, citations with sources, topic and group choices.
    with django_assert_num_queries(5):
        assert client.get(reverse("faq:index")).status_code == 200
