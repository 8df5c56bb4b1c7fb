"""What an outside developer starts from: the root's links, one shape for related records, every
parameter in the schema, one validation policy (pages and API), rate-limit headers, JSON errors."""

import re

import pytest
import yaml
from django.core.cache import cache
from django.urls import URLPattern, get_resolver, resolve

from karabakh_site.core.models import Perspective, Publishable
from tests.conftest import seed_perspectives
from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    FAQGroupFactory,
    PlaceFactory,
    TimelineEntryFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

ROOT = "/api/v1/"


@pytest.fixture
def schema(anonymous):
    response = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def api_patterns():
    """The API's URL patterns, as (name, route)."""
    api = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", "") == "api")
    return [(p.name, str(p.pattern)) for p in api.url_patterns if isinstance(p, URLPattern)]


# The root -------------------------------------------------------------------------------------


def test_the_root_links_every_endpoint_that_needs_no_identifier(anonymous):
    links = anonymous.get(ROOT).json()

    linked = {re.sub(r"^http://testserver", "", url).split("?")[0] for url in links.values()}
    endpoints = {
        "/api/v1/" + route.lstrip("^").rstrip("$")
        for name, route in api_patterns()
        if "<" not in route and "(?P" not in route and route.strip("^$") != ""
    }
    assert endpoints - linked == set()
    assert {"search", "timelinejs", "schema", "docs", "guide", "tombstones"} <= set(links)


def test_every_root_link_answers(anonymous):
    ArticleFactory()
    for name, url in anonymous.get(ROOT).json().items():
        cache.clear()  # the throttle is not what this checks
        response = anonymous.get(url.replace("{q}", "ceasefire"))
        assert response.status_code == 200, (name, url, response.status_code)


def test_the_guide_is_served_with_working_anchors(client):
    response = client.get("/api/v1/guide/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="tokens">Tokens</h2>' in html and 'href="#tokens"' in html
    assert 'href="/api/v1/docs/"' in html


# Items and their related records --------------------------------------------------------------


def test_every_item_has_a_stable_id_and_a_language(anonymous):
    items = [ArticleFactory(), FAQEntryFactory(), TimelineEntryFactory()]
    for item, path in zip(items, ["articles", "faq", "timeline"], strict=True):
        listed = anonymous.get(f"{ROOT}{path}/").json()["results"][0]
        detail = anonymous.get(listed["url"]).json()
        for body in (listed, detail):
            assert body["id"] == item.pk and body["language"] == "en"


def assert_summary(anonymous, summary, record, label):
    assert summary["id"] == record.pk and summary["slug"] == record.slug
    assert summary[label] == (getattr(record, "display_name", None) or getattr(record, label))
    assert summary["url"].startswith("http://testserver/api/v1/")
    # The url is the record's own address in the API.
    assert anonymous.get(summary["url"]).json()["slug"] == record.slug


def test_related_records_share_one_shape_in_lists_and_details(anonymous):
    topic, place, group = TopicFactory(), PlaceFactory(), FAQGroupFactory()
    article = ArticleFactory()
    article.topics.add(topic)
    entry = TimelineEntryFactory(place=place)
    entry.topics.add(topic)
    entry.related_articles.add(article)
    answer = FAQEntryFactory(group=group)
    answer.related_articles.add(article)

    for path in ("articles", "faq", "timeline"):
        listed = anonymous.get(f"{ROOT}{path}/").json()["results"][0]
        detail = anonymous.get(listed["url"]).json()
        for body in (listed, detail):
            for summary in body["topics"]:
                assert_summary(anonymous, summary, topic, "name")
                assert summary["page_url"] == f"http://testserver{topic.get_absolute_url()}"
            if path == "timeline":
                assert_summary(anonymous, body["place"], place, "name")
            if path == "faq":
                assert_summary(anonymous, body["group"], group, "name")
        for summary in detail.get("related_articles", []):
            assert_summary(anonymous, summary, article, "title")
            assert summary["page_url"] == f"http://testserver{article.get_absolute_url()}"


def test_related_records_are_still_written_as_slugs(as_editor):
    topic, place, article = TopicFactory(slug="war"), PlaceFactory(slug="shusha"), ArticleFactory()
    entry = TimelineEntryFactory(slug="event", status=Publishable.Status.DRAFT)

    response = as_editor.patch(
        f"{ROOT}timeline/event/",
        {"topics": ["war"], "place": "shusha", "related_articles": [article.slug]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert [t["slug"] for t in body["topics"]] == ["war"] and body["place"]["slug"] == "shusha"
    entry.refresh_from_db()
    assert entry.place == place and list(entry.topics.all()) == [topic]
    # The older write-only name for the place keeps working.
    response = as_editor.patch(f"{ROOT}timeline/event/", {"place_slug": None}, format="json")
    assert response.status_code == 200 and response.json()["place"] is None


def test_the_schema_reads_related_records_as_objects_and_writes_them_as_slugs(schema):
    components = schema["components"]["schemas"]

    assert components["TimelineEntry"]["properties"]["topics"]["items"] == {
        "$ref": "#/components/schemas/TopicSummary"
    }
    assert components["TimelineEntryRequest"]["properties"]["topics"]["items"]["type"] == "string"
    assert components["TimelineEntryRequest"]["properties"]["place"]["type"] == "string"
    assert {"id", "slug", "title", "url", "page_url"} <= set(
        components["ArticleSummary"]["properties"]
    )


# Parameters -----------------------------------------------------------------------------------


def view_for(path: str):
    """The view instance serving GET ``path`` (a schema path), set up as for a request."""
    match = resolve(re.sub(r"\{[^}]+\}", "1", path))
    func = match.func
    cls = getattr(func, "cls", None) or func.view_class
    view = cls(**getattr(func, "initkwargs", {}))
    actions = getattr(func, "actions", None)
    if actions:
        view.action_map, view.action = actions, actions.get("get")
    return view


def test_every_parameter_each_endpoint_reads_is_in_the_schema(schema):
    checked = 0
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        documented = {p["name"] for p in operations["get"]["parameters"] if p["in"] == "query"}
        view = view_for(path)

        assert view.known_parameters() == documented, path
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize("name", ["category", "key_event", "date_after", "topic", "place", "q"])
def test_the_timelinejs_export_documents_its_filters(schema, name):
    parameters = schema["paths"]["/api/v1/timeline/timelinejs/"]["get"]["parameters"]

    assert name in {p["name"] for p in parameters}


def test_the_schema_lists_the_topics_a_client_may_filter_by(schema, anonymous):
    TimelineEntryFactory().topics.add(TopicFactory(slug="war"))
    TopicFactory(slug="unused")  # no published item: readers do not see it
    schema = yaml.safe_load(
        anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi").content
    )

    parameters = schema["paths"]["/api/v1/timeline/"]["get"]["parameters"]
    topic = next(p for p in parameters if p["name"] == "topic")
    assert topic["schema"]["enum"] == ["war"]


def test_the_schema_lists_the_perspectives_a_client_may_filter_sources_by(anonymous):
    # Found by schemathesis: "?perspective=0" was schema-valid and a 400.
    seed_perspectives()
    schema = yaml.safe_load(
        anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi").content
    )
    parameters = schema["paths"]["/api/v1/sources/"]["get"]["parameters"]
    perspective = next(p for p in parameters if p["name"] == "perspective")
    slugs = sorted(Perspective.objects.values_list("slug", flat=True))
    assert slugs and perspective["schema"]["enum"] == slugs
    assert anonymous.get("/api/v1/sources/", {"perspective": slugs[0]}).status_code == 200
    assert anonymous.get("/api/v1/sources/", {"perspective": "0"}).status_code == 400


def test_the_schema_gives_writers_the_form_of_a_slug_not_a_list(as_editor):
    # Their own writes would make a list out of date at once.
    TimelineEntryFactory().topics.add(TopicFactory(slug="war"))
    schema = yaml.safe_load(
        as_editor.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi").content
    )

    parameters = schema["paths"]["/api/v1/timeline/"]["get"]["parameters"]
    topic = next(p for p in parameters if p["name"] == "topic")
    assert "enum" not in topic["schema"] and topic["schema"]["pattern"]


# One validation policy, pages and API ----------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "api", "name"),
    [
        ("/en/articles/", "/api/v1/articles/", "topic"),
        ("/en/timeline/", "/api/v1/timeline/", "topic"),
        ("/en/faq/", "/api/v1/faq/", "topic"),
        ("/en/faq/", "/api/v1/faq/", "group"),
    ],
)
def test_an_unknown_record_is_a_400_naming_it_on_the_page_and_in_the_api(
    client, anonymous, page, api, name
):
    ArticleFactory(), FAQEntryFactory(), TimelineEntryFactory()

    on_page = client.get(page, {name: "no-such-thing"})
    in_api = anonymous.get(api, {name: "no-such-thing"})

    assert on_page.status_code == 400 and "no-such-thing" in on_page.content.decode()
    assert in_api.status_code == 400
    assert "no-such-thing" in in_api.json()[name][0]


def test_an_unknown_place_is_a_400_in_the_api(anonymous):
    response = anonymous.get("/api/v1/timeline/", {"place": "atlantis"})

    assert response.status_code == 400 and "atlantis" in response.json()["place"][0]


@pytest.mark.parametrize("query", ["x=1", "x=", "utm_source=newsletter"])
def test_unknown_parameters_are_ignored_on_the_page_and_in_the_api(client, anonymous, query):
    ArticleFactory()

    assert client.get(f"/en/articles/?{query}").status_code == 200
    response = anonymous.get(f"/api/v1/articles/?{query}")
    assert response.status_code == 200 and response.json()["count"] == 1


def test_a_list_filter_on_an_item_address_is_ignored(anonymous):
    ArticleFactory(slug="shusha")

    assert anonymous.get("/api/v1/articles/shusha/?topic=nothing&ordering=x").status_code == 200


def test_an_empty_known_parameter_is_still_a_400(anonymous):
    response = anonymous.get("/api/v1/articles/?ordering=")

    assert response.status_code == 400 and "ordering" in response.json()


def test_search_is_refused_with_a_pointer_to_q(anonymous):
    response = anonymous.get("/api/v1/articles/", {"search": "ceasefire"})

    assert response.status_code == 400
    assert "q=" in response.json()["search"][0]


# Rate-limit headers and JSON errors ------------------------------------------------------------


def test_throttled_answers_carry_rate_limit_headers(anonymous, settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"

    answers = [anonymous.get("/api/v1/topics/") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a["RateLimit-Limit"] for a in answers} == {"3"}
    assert 1 <= int(answers[0]["RateLimit-Reset"]) <= 60
    assert answers[3]["RateLimit-Reset"] == answers[3]["Retry-After"]


def test_the_rate_limit_headers_come_from_the_shared_cache(anonymous, settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    anonymous.get("/api/v1/topics/")
    anonymous.get("/api/v1/topics/")
    # Nothing is counted in the process: with the shared counts gone, the allowance is whole.
    cache.clear()

    assert anonymous.get("/api/v1/topics/")["RateLimit-Remaining"] == "2"


def test_token_clients_get_no_rate_limit_headers(as_editor):
    assert "RateLimit-Limit" not in as_editor.get("/api/v1/topics/")


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"])
def test_a_throttled_schema_or_docs_page_answers_json(anonymous, settings, url):
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    anonymous.get(url)

    response = anonymous.get(url)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/articles/"])
def test_an_unacceptable_accept_header_is_a_json_406(anonymous, url):
    response = anonymous.get(url, HTTP_ACCEPT="text/csv")

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"


def test_reads_carry_no_security_requirement_and_writes_do(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "get":
                assert operation["security"] == [], path
            elif method in {"post", "put", "patch", "delete"}:
                assert {} not in operation["security"], (path, method)


def test_the_docs_speak_to_outside_developers(schema):
    text = yaml.safe_dump(schema)

    for jargon in ("serializer", "karabakh_site", "published()", "See docs/api.md"):
        assert jargon not in text
    assert "(/api/v1/guide/)" in schema["info"]["description"]


def test_a_server_error_outside_the_api_views_is_json_under_api(monkeypatch):
    from django.test import Client

    import karabakh_site.api

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(karabakh_site.api, "_guide_html", broken)
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/guide/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error."}
