import pytest

from karabakh_site.core.models import Publishable
from karabakh_site.search import search
from tests.factories import ArticleFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search/"


def test_it_returns_the_sites_search_results_in_the_same_order(anonymous):
    ArticleFactory(slug="a", title="Lachin corridor closed", body="The road.[^1]")
    TimelineEntryFactory(slug="t", title="Protest", summary="On the Lachin road.[^1]")

    body = anonymous.get(SEARCH, {"q": "Lachin"}).json()

    expected = [(hit.kind, hit.title) for hit in search("Lachin")]
    assert [(hit["kind"], hit["title"]) for hit in body["results"]] == expected
    assert body["count"] == len(expected) >= 2
    article = next(hit for hit in body["results"] if hit["kind"] == "article")
    assert article["url"] == "http://testserver/api/v1/articles/a/"
    assert article["page_url"] == "http://testserver/en/articles/a/"
    assert "<mark>" in "".join(hit["snippet"] for hit in body["results"])


def test_it_never_finds_drafts(anonymous):
    ArticleFactory(title="Secret Lachin plan", status=Publishable.Status.DRAFT)

    assert anonymous.get(SEARCH, {"q": "Lachin"}).json()["count"] == 0


def test_it_narrows_to_kinds_and_pages_the_results(anonymous):
    for n in range(3):
        ArticleFactory(title=f"Lachin {n}")
    TimelineEntryFactory(title="Lachin event")

    articles = anonymous.get(SEARCH, {"q": "Lachin", "kind": "article", "page_size": 2}).json()

    assert articles["count"] == 3 and len(articles["results"]) == 2
    assert {hit["kind"] for hit in articles["results"]} == {"article"}
    assert articles["next"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a", "kind": "video"}, "kind"),
    ],
)
def test_a_missing_or_malformed_search_is_a_400(anonymous, params, field):
    response = anonymous.get(SEARCH, params)

    assert response.status_code == 400
    assert field in response.json()
