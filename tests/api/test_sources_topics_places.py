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
from timeline.models import Place

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
    assert body["page_url"] == f"http://testserver/en/sources/{source.pk}/"
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
    ArticleFactory().topics.add(TopicFactory(slug="exodus", name="Exodus"))

    page_url = anonymous.get("/api/v1/topics/exodus/").json()["page_url"]
    assert page_url == "http://testserver/en/topics/exodus/"
    data = {"slug": "new", "name": "New topic"}
    assert as_contributor.post("/api/v1/topics/", data, format="json").status_code == 403
    assert as_editor.post("/api/v1/topics/", data, format="json").status_code == 201


def test_places_carry_every_communitys_name_and_refuse_impossible_coordinates(
    anonymous, as_contributor
):
    TimelineEntryFactory(place=PlaceFactory())

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
    # Readers see topics and places that published entries use.
    TimelineEntryFactory(place=PlaceFactory()).topics.add(TopicFactory())
    with CaptureQueriesContext(connection) as one:
        anonymous.get(url)
    for n in range(24):
        place = PlaceFactory(slug=f"place-{n}", name_en=f"Place {n}")
        TimelineEntryFactory(place=place).topics.add(TopicFactory())

    with django_assert_num_queries(len(one)):
        response = anonymous.get(url, {"page_size": 25})
    assert response.status_code == 200 and len(response.json()["results"]) == 25


def test_sources_changed_since_a_time_with_any_utc_offset(as_editor):
    SourceFactory(publisher="Recent")

    response = as_editor.get("/api/v1/sources/", {"updated_since": "2000-01-01T00:00:00+23:00"})
    refused = as_editor.get("/api/v1/sources/", {"updated_since": "0001-01-01T00:00:00+05:00"})

    assert [item["publisher"] for item in response.json()["results"]] == ["Recent"]
    assert refused.status_code == 400 and "updated_since" in refused.json()


@pytest.mark.parametrize("latitude", [1e22, 1e23, -1e300, 1e308])
def test_a_coordinate_too_large_to_round_is_a_400_on_the_field(as_editor, latitude):
    response = as_editor.post(
        "/api/v1/places/", {"slug": "pp", "name_en": "P", "latitude": latitude}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["latitude"] == [
        "Ensure this value is less than or equal to 90."
        if latitude > 0
        else "Ensure this value is greater than or equal to -90."
    ]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_coordinate_that_is_not_a_number_is_a_400(as_editor, constant):
    body = '{"slug": "pp", "name_en": "P", "latitude": ' + constant + "}"

    response = as_editor.post("/api/v1/places/", body, content_type="application/json")

    assert response.status_code == 400
    assert not Place.objects.filter(slug="pp").exists()


def test_a_coordinate_with_too_many_digits_is_still_rounded_to_six_places(as_editor):
    response = as_editor.post(
        "/api/v1/places/", {"slug": "pp", "name_en": "P", "latitude": 40.12345678912}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["latitude"] == 40.123457


def test_a_contributor_may_not_change_a_source_that_a_published_item_cites(as_contributor):
    source = ArticleFactory().citations.get().source
    url = f"/api/v1/sources/{source.pk}/"

    patched = as_contributor.patch(url, {"title": "Rewritten"}, format="json")
    deleted = as_contributor.delete(url)

    assert patched.status_code == 403
    assert "only an editor" in patched.json()["detail"]
    assert deleted.status_code == 403
    assert Source.objects.get(pk=source.pk).title == source.title


def test_a_contributor_may_change_a_source_only_drafts_cite(as_contributor):
    source = ArticleFactory(status=Publishable.Status.DRAFT).citations.get().source

    response = as_contributor.patch(
        f"/api/v1/sources/{source.pk}/", {"title": "Better title"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Source.objects.get(pk=source.pk).title == "Better title"


def test_an_editor_may_change_a_source_that_a_published_item_cites(as_editor):
    source = ArticleFactory().citations.get().source

    response = as_editor.patch(
        f"/api/v1/sources/{source.pk}/", {"title": "Corrected title"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Source.objects.get(pk=source.pk).title == "Corrected title"


def test_a_contributor_may_not_change_a_place_that_a_published_entry_names(
    as_contributor, as_editor
):
    TimelineEntryFactory(place=PlaceFactory())

    refused = as_contributor.patch("/api/v1/places/shusha/", {"name_en": "Shushi"}, format="json")
    allowed = as_editor.patch("/api/v1/places/shusha/", {"name_en": "Shushi"}, format="json")

    assert refused.status_code == 403
    assert "only an editor" in refused.json()["detail"]
    assert allowed.status_code == 200, allowed.json()
    assert Place.objects.get(slug="shusha").name_en == "Shushi"


def test_a_contributor_may_change_a_place_that_only_draft_entries_name(as_contributor):
    TimelineEntryFactory(place=PlaceFactory(), status=Publishable.Status.DRAFT)

    response = as_contributor.patch("/api/v1/places/shusha/", {"name_en": "Shushi"}, format="json")

    assert response.status_code == 200, response.json()
