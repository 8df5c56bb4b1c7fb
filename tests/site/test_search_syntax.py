"""What search understands, with the same expectations on both engines: run this module on
SQLite (the default) and again with DATABASE_URL=postgres://… ."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from karabakh_site import search
from karabakh_site.core import services
from tests.factories import ArticleFactory, FAQEntryFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db


def titles(query, **kwargs):
    return [hit.title for hit in search.search(query, **kwargs)]


def test_or_finds_either_word_and_is_never_text():
    TimelineEntryFactory(title="Shells fall on Shusha", summary="The forces withdrew.[^1]")
    TimelineEntryFactory(title="Shushi cathedral damaged", summary="Forces nearby.[^1]")
    TimelineEntryFactory(title="Stepanakert", summary="Other forces.[^1]")

    found = search.search("Shusha OR Shushi")

    assert {hit.title for hit in found} == {"Shells fall on Shusha", "Shushi cathedral damaged"}
    assert all("f<mark>or</mark>" not in hit.snippet.casefold() for hit in found)
    assert set(titles("shusha or shushi")) == {hit.title for hit in found}


def test_a_quoted_phrase_needs_its_words_together_in_order():
    ArticleFactory(title="Lachin corridor closed")
    ArticleFactory(title="The corridor near Lachin")

    assert titles('"Lachin corridor"') == ["Lachin corridor closed"]
    assert set(titles("Lachin corridor")) == {"Lachin corridor closed", "The corridor near Lachin"}


def test_a_minus_word_leaves_items_with_it_out():
    ArticleFactory(title="Ceasefire signed", body="Mediated by Russia.[^1]")
    ArticleFactory(title="Ceasefire broken", body="Shelling resumed.[^1]")

    assert titles("ceasefire -Russia") == ["Ceasefire broken"]
    assert titles('ceasefire -"mediated by russia"') == ["Ceasefire broken"]
    assert titles("-Russia") == []


def test_plurals_and_word_forms_are_found():
    ArticleFactory(title="Ceasefires and negotiations")
    ArticleFactory(title="A ceasefire negotiated")

    assert (
        set(titles("ceasefires"))
        == set(titles("ceasefire"))
        == {
            "Ceasefires and negotiations",
            "A ceasefire negotiated",
        }
    )
    assert titles("negotiation", kinds=["article"])


def test_the_archives_own_writing_ranks_above_a_source_for_the_same_match():
    article = ArticleFactory(title="Ceasefire", standfirst="Ceasefire.", body="Text.[^1]")
    FAQEntryFactory(question="Ceasefire", answer="Text.[^1]")
    TimelineEntryFactory(title="Ceasefire", summary="Text.[^1]")
    source = article.citations.get().source
    source.title, source.publisher, source.author, source.notes = "Ceasefire", "", "", ""
    source.save()

    hits = search.search("ceasefire")

    assert hits[-1].kind == "source" and {h.kind for h in hits[:-1]} == {
        "article",
        "faq",
        "timeline",
    }
    # Ranked below, not merely listed last among equals.
    assert hits[-1].rank < min(hit.rank for hit in hits[:-1])


def test_highlights_mark_whole_words_only():
    ArticleFactory(title="Report", body="For the forces, the ceasefires held.[^1]")

    snippet = search.search("ceasefire OR for", kinds=["article"])[0].snippet

    assert "<mark>ceasefires</mark>" in snippet
    assert "<mark>for</mark>ces" not in snippet.casefold()


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "-only", "*", "^start", "NEAR(a b)", '"', ":", "title:x", "a AND", "x" * 9000],
)
def test_fts_syntax_characters_and_odd_input_are_text_not_errors(client, query):
    ArticleFactory(title="Anything near the start")

    assert isinstance(search.search(query), list)
    assert client.get(reverse("search"), {"q": query}).status_code == 200
    assert client.get("/api/v1/search/", {"q": query[:200]}).status_code in (200, 400)


def test_an_unbalanced_quote_runs_to_the_end_as_a_phrase():
    ArticleFactory(title="Lachin corridor closed")

    assert titles('"lachin corridor') == ["Lachin corridor closed"]
    assert titles('"corridor lachin') == []


def test_publish_and_withdraw_times_decide_what_search_finds_without_reindexing():
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        later = ArticleFactory(title="Embargoed statement", status="draft")
        services.publish(later, at=now + datetime.timedelta(hours=1))
        leaving = ArticleFactory(title="Withdrawn statement")
        type(leaving).objects.filter(pk=leaving.pk).update(
            withdraw_at=now + datetime.timedelta(hours=1)
        )

        assert titles("statement") == ["Withdrawn statement"]
        clock.move_to(now + datetime.timedelta(hours=2))
        assert titles("statement") == ["Embargoed statement"]


def test_a_deleted_item_leaves_no_trace_in_the_index():
    draft = ArticleFactory(title="Temporary note", status="draft")
    draft.delete()

    if connection.vendor == "sqlite":  # PostgreSQL's vector went with the row
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {search.FTS_TABLE} WHERE model = 'articles.article'"
            )
            assert cursor.fetchone() == (0,)


def test_the_page_and_the_api_read_a_query_the_same_way(client):
    TimelineEntryFactory(title="Shells fall on Shusha")
    TimelineEntryFactory(title="Shushi cathedral damaged")
    ArticleFactory(title="Shusha and Russia")

    page = client.get(reverse("search"), {"q": "Shusha OR Shushi -Russia"})
    api = client.get("/api/v1/search/", {"q": "Shusha OR Shushi -Russia"}).json()

    assert "2 results for" in page.text, page.text.split("result-count")[1][:200]
    assert "a minus before a word or a quoted phrase" in page.text
    assert {hit["title"] for hit in api["results"]} == {
        "Shells fall on Shusha",
        "Shushi cathedral damaged",
    }
