import pytest
from django.urls import reverse

from faq.views import FAQIndexView
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
    client, django_assert_max_num_queries, items
):
    topic = TopicFactory()
    groups = [FAQGroupFactory() for _ in range(3)]
    for n in range(items):
        FAQEntryFactory(citations=2, group=groups[n % 3]).topics.add(topic)
    # The content clock (core.page_cache); the groups' sizes (the page count too), entries with
    # groups, topics, citations with sources, topic and group choices.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("faq:index")).status_code == 200
    # As many on any page.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("faq:index"), {"page": "last"}).status_code == 200


# Pages ------------------------------------------------------------------------------------------


@pytest.fixture
def two_groups():
    """Five questions in two groups (3, then 2), in the page's order."""
    first = FAQGroupFactory(name="Background", slug="background", position=1)
    second = FAQGroupFactory(name="Law", slug="law", position=2)
    return [
        FAQEntryFactory(question=f"Question {n}?", slug=f"q{n}", group=group, position=n)
        for n, group in enumerate([first, first, first, second, second], start=1)
    ]


def questions(response) -> list[str]:
    return [entry.question for entry in response.context["entries"]]


def test_the_page_splits_at_the_page_size_and_the_next_page_has_the_rest(
    client, monkeypatch, two_groups
):
    monkeypatch.setattr(FAQIndexView, "paginate_by", 2)

    pages = [client.get(reverse("faq:index"), {"page": n}) for n in (1, 2, 3)]

    assert [questions(page) for page in pages] == [
        ["Question 1?", "Question 2?"], ["Question 3?", "Question 4?"], ["Question 5?"],
    ]  # fmt: skip
    first, second, third = (page.text for page in pages)
    nav = second[second.index('<nav class="pagination"') :]
    assert "Page 2 of 3" in nav
    assert 'href="?page=1" rel="prev"' in nav and 'href="?page=3" rel="next"' in nav
    assert '<a href="?page=2" aria-current="page">' in nav
    # A group split across pages is headed on each, marked as continued after its first.
    assert 'id="group-background"' in first and "(continued)" not in first
    assert 'id="group-background"' in second and 'id="group-law"' in second
    assert 'Background <span class="timeline-continued">(continued)</span>' in second
    assert 'Law <span class="timeline-continued">(continued)</span>' in third
    assert '<article class="faq-entry" id="q3"' in second and 'id="q3"' not in first


def test_every_group_is_in_the_navigation_linked_on_the_page_it_starts(
    client, monkeypatch, two_groups
):
    monkeypatch.setattr(FAQIndexView, "paginate_by", 2)

    first = client.get(reverse("faq:index"))
    third = client.get(reverse("faq:index"), {"page": 3})
    filtered = client.get(reverse("faq:index"), {"evidence": "", "page": 3})

    assert [(g["name"], g["href"]) for g in first.context["toc"]] == [
        ("Background", "#group-background"), ("Law", "/en/faq/?page=2#group-law"),
    ]  # fmt: skip
    assert [g["href"] for g in third.context["toc"]] == [
        "/en/faq/#group-background", "/en/faq/?page=2#group-law",
    ]  # fmt: skip
    # The query string's other parameters (a filter) stay.
    assert filtered.context["toc"][0]["href"] == "/en/faq/?evidence=#group-background"
    assert 'aria-label="Question groups"' in first.text


def test_one_page_has_no_page_links(client, two_groups):
    html = client.get(reverse("faq:index")).text

    assert '<nav class="pagination"' not in html
    assert all(f'id="q{n}"' in html for n in range(1, 6))


@pytest.mark.parametrize("page", ["4", "0", "-1", "x", "1.5"])
def test_a_page_past_the_end_or_not_a_number_is_a_404_as_on_the_other_lists(
    client, monkeypatch, two_groups, page
):
    monkeypatch.setattr(FAQIndexView, "paginate_by", 2)

    response = client.get(reverse("faq:index"), {"page": page})

    assert response.status_code == 404
    assert "Page not found" in response.text
    assert client.get(reverse("articles:list"), {"page": page}).status_code == 404


def test_last_names_the_last_page_as_on_the_other_lists(client, monkeypatch, two_groups):
    monkeypatch.setattr(FAQIndexView, "paginate_by", 2)

    assert questions(client.get(reverse("faq:index"), {"page": "last"})) == ["Question 5?"]


def test_no_questions_is_one_page_that_says_so(client):
    response = client.get(reverse("faq:index"))

    assert response.status_code == 200
    assert "No questions match." in response.text


def test_an_entry_page_links_to_the_list_page_it_and_its_group_are_on(
    client, monkeypatch, two_groups
):
    monkeypatch.setattr(FAQIndexView, "paginate_by", 2)
    # A draft before it moves nothing for readers.
    FAQEntryFactory(
        slug="draft", group=two_groups[0].group, position=0, status=Publishable.Status.DRAFT
    )

    links = {n: client.get(f"/en/faq/q{n}/").context["index_links"] for n in (1, 3, 5)}

    assert links == {
        1: {"entry": "/en/faq/#q1", "group": "/en/faq/#group-background"},
        3: {"entry": "/en/faq/?page=2#q3", "group": "/en/faq/#group-background"},
        5: {"entry": "/en/faq/?page=3#q5", "group": "/en/faq/?page=2#group-law"},
    }
    html = client.get("/en/faq/q5/").text
    assert '<a href="/en/faq/?page=2#group-law">Law</a>' in html
    assert '<a href="/en/faq/?page=3#q5">All questions</a>' in html
    # Each link's page has its anchor.
    assert 'id="q5"' in client.get("/en/faq/", {"page": 3}).text
    assert 'id="group-law"' in client.get("/en/faq/", {"page": 2}).text


def test_drafts_previewed_by_editors_take_their_place_in_the_pages(
    client, editor, monkeypatch, two_groups
):
    monkeypatch.setattr(FAQIndexView, "paginate_by", 2)
    FAQEntryFactory(
        question="Draft?", slug="draft", group=two_groups[0].group, position=0,
        status=Publishable.Status.DRAFT,
    )  # fmt: skip

    reader = client.get(reverse("faq:index"))
    client.force_login(editor)
    staff = client.get(reverse("faq:index"))

    assert questions(reader) == ["Question 1?", "Question 2?"]
    assert questions(staff) == ["Draft?", "Question 1?"]
    assert client.get("/en/faq/q1/").context["index_links"]["entry"] == "/en/faq/#q1"
