import pytest
from django.urls import reverse

from karabakh_site import search
from karabakh_site.core import services
from karabakh_site.core.models import Publishable
from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    PlaceFactory,
    TimelineEntryFactory,
)

pytestmark = pytest.mark.django_db


def titles(hits):
    return [hit.title for hit in hits]


def test_it_finds_published_items_of_every_kind_and_never_drafts():
    article = ArticleFactory(title="Ceasefire agreement", body="Text.[^1]")
    FAQEntryFactory(question="Who signed the ceasefire?")
    TimelineEntryFactory(title="Ceasefire comes into force")
    ArticleFactory(title="Ceasefire draft", status=Publishable.Status.DRAFT)
    source = article.citations.get().source
    source.title = "Ceasefire text (full)"
    source.save()  # save(), not update(): PostgreSQL's search vector is refreshed on save

    hits = search.search("ceasefire")

    assert {hit.kind for hit in hits} == {"article", "faq", "timeline", "source"}
    assert "Ceasefire draft" not in titles(hits)
    hit = next(h for h in hits if h.kind == "article")
    assert hit.object == article
    assert hit.url == article.get_absolute_url()


def test_a_title_match_ranks_above_a_body_match():
    ArticleFactory(title="Other news", standfirst="Nothing.", body="About the blockade.[^1]")
    ArticleFactory(title="The blockade", standfirst="Nothing.", body="Text.[^1]")

    hits = search.search("blockade", kinds=["article"])

    assert titles(hits) == ["The blockade", "Other news"]
    assert hits[0].rank > hits[1].rank


def test_snippets_highlight_matches_and_escape_the_text():
    ArticleFactory(title="Report", body="The <b>corridor</b> & the road were closed.[^1]")

    hit = search.search("corridor", kinds=["article"])[0]

    assert "<mark>corridor</mark>" in hit.snippet
    assert "<b>" not in hit.snippet
    assert "<mark>corridor</mark> &amp; the road" in hit.snippet


def test_a_source_cited_only_by_a_draft_is_not_found():
    draft = ArticleFactory(status=Publishable.Status.DRAFT)
    source = draft.citations.get().source
    source.title = "Secret memo"
    source.save()

    assert search.search("secret memo") == []
    ArticleFactory().citations.create(source=source, position=2)
    assert titles(search.search("secret memo")) == ["Secret memo"]


def test_kinds_narrow_the_search_and_an_unknown_kind_is_refused():
    ArticleFactory(title="Lachin")
    TimelineEntryFactory(title="Lachin")

    assert {hit.kind for hit in search.search("lachin", kinds=["timeline"])} == {"timeline"}
    with pytest.raises(ValueError, match="podcast"):
        search.search("lachin", kinds=["podcast"])


@pytest.mark.parametrize(
    "query", ["", "   ", "!!!", '"', '"unbalanced', "a\x00b", "-", "OR", "x" * 5000, "()&|:*'"]
)
def test_odd_queries_are_handled_calmly(query):
    ArticleFactory(title="Anything")

    hits = search.search(query)

    assert isinstance(hits, list)


def test_queries_are_capped_and_stripped_of_control_characters():
    cleaned = search.clean_query("  peace\x00 talks\n" + "y" * 500)

    assert cleaned.startswith("peace talks ")
    assert len(cleaned) == search.MAX_QUERY_LENGTH
    assert "\x00" not in cleaned


def test_equal_ranks_break_ties_the_same_way_every_time():
    for _ in range(5):
        ArticleFactory(title="Same title")

    first = [hit.object.pk for hit in search.search("same title")]

    assert first == sorted(first, reverse=True)
    assert first == [hit.object.pk for hit in search.search("same title")]


def test_the_search_page_lists_ranked_results_with_snippets(client):
    ArticleFactory(title="Blockade of the corridor", body="The corridor was shut.[^1]")

    response = client.get(reverse("search"), {"q": "corridor"})

    assert response.status_code == 200
    assert "Blockade of the corridor" in response.text
    assert "<mark>corridor</mark>" in response.text
    assert "1 result for “corridor”" in response.text


def test_the_search_page_paginates_and_refuses_bad_parameters(client):
    for _ in range(21):
        ArticleFactory(title="Peace talks")

    second = client.get(reverse("search"), {"q": "peace", "page": 2})

    assert len(second.context["hits"]) == 1
    assert client.get(reverse("search"), {"q": "peace", "page": 9}).status_code == 404
    assert client.get(reverse("search"), {"q": "peace", "kind": "podcast"}).status_code == 400


def test_an_empty_search_page_shows_the_form_only(client):
    response = client.get(reverse("search"))

    assert response.status_code == 200
    assert "result" not in response.text.split("<main")[1].split("</form>")[1]


def test_a_long_query_is_shortened_with_a_notice(client):
    response = client.get(reverse("search"), {"q": "peace " * 100})

    assert response.status_code == 200
    assert "shortened" in response.text


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_the_search_page_runs_the_same_queries_for_one_or_many_results(
    client, django_assert_num_queries, items
):
    for _ in range(items):
        ArticleFactory(title="Peace")
        FAQEntryFactory(question="Peace?")
        TimelineEntryFactory(title="Peace")
    # One per kind searched, and the content clock (core.page_cache).
    with django_assert_num_queries(5):
        assert client.get(reverse("search"), {"q": "peace"}).status_code == 200


@pytest.mark.postgres
def test_postgres_search_understands_phrases_or_and_exclusions():
    ArticleFactory(title="Humanitarian corridor reopened")
    ArticleFactory(title="Corridor closed again")
    ArticleFactory(title="Airport reopened")

    assert titles(search.search('"corridor reopened"')) == ["Humanitarian corridor reopened"]
    assert set(titles(search.search("corridor -closed"))) == {"Humanitarian corridor reopened"}
    assert set(titles(search.search("airport OR closed"))) == {
        "Corridor closed again",
        "Airport reopened",
    }


@pytest.mark.postgres
def test_postgres_search_matches_word_forms():
    ArticleFactory(title="Negotiations resumed")

    assert titles(search.search("negotiation")) == ["Negotiations resumed"]


STEPANAKERT = {"name_en": "Stepanakert", "name_en_alt": "Khankendi", "name_hy": "Ստեփանակերտ",
               "name_az": "Xankəndi", "name_ru": "Степанакерт"}  # fmt: skip


@pytest.mark.parametrize(
    "query", ["Stepanakert", "Khankendi", "Ստեփանակերտ", "Xankəndi", "Степанакерт"]
)
def test_an_event_is_found_by_its_place_in_every_language_and_script(query):
    # On both engines: the place's names are part of each event's index (place_names).
    event = TimelineEntryFactory(title="Protest in the main square", summary="Crowds gathered.",
                                 place=PlaceFactory(slug="stepanakert", **STEPANAKERT))  # fmt: skip
    TimelineEntryFactory(title="Talks in Vienna", summary="Diplomats met.")
    assert titles(search.search(query)) == [event.title]


def test_renaming_a_place_is_searched_at_once_and_the_old_name_no_longer_finds_it():
    place = PlaceFactory(slug="shusha", name_en="Shusha", name_az="", name_ru="Шуша")
    event = TimelineEntryFactory(title="Capture of the town", summary="It fell.", place=place)
    assert search.search("Şuşa") == []
    place.name_az = "Şuşa"
    place.name_ru = "Шуши"
    place.save()
    assert titles(search.search("Şuşa")) == [event.title]
    assert search.search("Шуша") == []
    other = PlaceFactory(slug="lachin", name_en="Lachin", name_en_alt="", name_hy="", name_az="",
                         name_ru="")  # fmt: skip
    event.place = other
    services.write_item(event)
    assert search.search("Şuşa") == []
    assert titles(search.search("Lachin")) == [event.title]
