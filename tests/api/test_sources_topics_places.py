import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from karabakh_site.core.models import Publishable, Source
from tests.factories import (
    ArticleFactory,
    PlaceFactory,
    SourceFactory,
    TimelineEntryFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_anonymous_clients_see_only_sources_that_published_items_cite(anonymous):
    live = ArticleFactory().citations.get().source
    hidden = ArticleFactory(status=Publishable.Status.DRAFT).citations.get().source
    SourceFactory()  # cited by nothing

    ids = [item["id"] for item in anonymous.get("/api/v1/sources/").json()["results"]]

    assert ids == [live.pk]
    assert anonymous.get(f"/api/v1/sources/{hidden.pk}/").status_code == 404


def test_a_source_carries_its_citation_fields_and_both_urls(anonymous):
    source = ArticleFactory().citations.get().source

    body = anonymous.get(f"/api/v1/sources/{source.pk}/").json()

    assert body["document_url"] == source.url
    assert body["url"] == f"http://testserver/api/v1/sources/{source.pk}/"
    assert body["page_url"] == f"http://testserver/sources/{source.pk}/"
    assert {"publisher", "kind", "language", "archived_url", "url_status"} <= body.keys()


def test_sources_filter_by_publisher_kind_and_language(as_editor):
    SourceFactory(publisher="OSCE", kind=Source.Kind.INTERGOVERNMENTAL, language="ru")
    SourceFactory(publisher="Reuters")

    def ids(**params):
        response = as_editor.get("/api/v1/sources/", params)
        assert response.status_code == 200, response.json()
        return [item["publisher"] for item in response.json()["results"]]

    assert ids(publisher="OSCE") == ["OSCE"]
    assert ids(kind="intergovernmental") == ["OSCE"]
    assert ids(language="ru") == ["OSCE"]
    assert as_editor.get("/api/v1/sources/", {"language": "rus"}).status_code == 400


def test_a_duplicate_source_url_is_a_400_naming_the_existing_source(as_contributor):
    existing = SourceFactory(url="https://example.org/report")

    response = as_contributor.post(
        "/api/v1/sources/",
        {"title": "Again", "document_url": "https://EXAMPLE.org/report/", "publisher": "X"},
        format="json",
    )

    assert response.status_code == 400
    assert f"#{existing.pk}" in response.json()["document_url"][0]


def test_a_cited_source_cannot_be_deleted(as_editor):
    source = ArticleFactory().citations.get().source

    response = as_editor.delete(f"/api/v1/sources/{source.pk}/")

    assert response.status_code == 409
    assert Source.objects.filter(pk=source.pk).exists()


def test_the_sources_list_runs_the_same_number_of_queries_for_1_and_25(
    anonymous, django_assert_num_queries
):
    ArticleFactory()
    with CaptureQueriesContext(connection) as one:
        anonymous.get("/api/v1/sources/", {"page_size": 25})
    ArticleFactory(citations=24)

    with django_assert_num_queries(len(one)):
        assert len(anonymous.get("/api/v1/sources/", {"page_size": 25}).json()["results"]) == 25


def test_topics_are_read_by_slug_and_written_by_editors_only(anonymous, as_contributor, as_editor):
    TopicFactory(slug="exodus", name="Exodus")

    assert anonymous.get("/api/v1/topics/exodus/").json()["page_url"].endswith("/topics/exodus/")
    data = {"slug": "new", "name": "New topic"}
    assert as_contributor.post("/api/v1/topics/", data, format="json").status_code == 403
    assert as_editor.post("/api/v1/topics/", data, format="json").status_code == 201


def test_places_carry_every_communitys_name_and_refuse_impossible_coordinates(
    anonymous, as_contributor
):
    PlaceFactory()

    body = anonymous.get("/api/v1/places/shusha/").json()
    refused = as_contributor.post(
        "/api/v1/places/", {"slug": "x", "name_en": "X", "latitude": 91}, format="json"
    )

    assert (body["name_hy"], body["name_az"], body["name_ru"]) == ("Շուշի", "Şuşa", "Шуша")
    assert body["display_name"] == "Shusha / Shushi"
    assert refused.status_code == 400 and "latitude" in refused.json()


def test_a_place_named_by_entries_cannot_be_deleted(as_editor):
    TimelineEntryFactory(place=PlaceFactory())

    assert as_editor.delete("/api/v1/places/shusha/").status_code == 409


@pytest.mark.parametrize("url", ["/api/v1/topics/", "/api/v1/places/"])
def test_small_lists_run_a_constant_number_of_queries(anonymous, django_assert_num_queries, url):
    TopicFactory()
    PlaceFactory()
    with CaptureQueriesContext(connection) as one:
        anonymous.get(url)
    for n in range(24):
        TopicFactory()
        PlaceFactory(slug=f"place-{n}", name_en=f"Place {n}")

    with django_assert_num_queries(len(one)):
        assert anonymous.get(url, {"page_size": 25}).status_code == 200


def test_sources_changed_since_a_time_with_any_utc_offset(as_editor):
    SourceFactory(publisher="Recent")

    response = as_editor.get("/api/v1/sources/", {"updated_since": "2000-01-01T00:00:00+23:00"})
    refused = as_editor.get("/api/v1/sources/", {"updated_since": "0001-01-01T00:00:00+05:00"})

    assert [item["publisher"] for item in response.json()["results"]] == ["Recent"]
    assert refused.status_code == 400 and "updated_since" in refused.json()
