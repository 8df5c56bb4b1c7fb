import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.models import Article
from karabakh_site.core.models import Publishable
from karabakh_site.core.publishing import NEEDS_SOURCE_MESSAGE
from tests.factories import ArticleFactory, CorrectionFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def with_topics(item, *topics):
    item.topics.add(*topics)
    return item


def detail(slug):
    return f"/api/v1/articles/{slug}/"


def test_it_lists_compact_items_with_api_and_page_urls(anonymous):
    article = ArticleFactory(slug="shusha", title="Shusha")
    war = TopicFactory(slug="war", name="The war")
    with_topics(article, war)

    response = anonymous.get(LIST)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    item = body["results"][0]
    assert item["id"] == article.pk and item["language"] == "en"
    assert item["url"] == "http://testserver/api/v1/articles/shusha/"
    assert item["page_url"] == "http://testserver/en/articles/shusha/"
    assert item["topics"] == [
        {
            "id": war.pk, "slug": "war", "name": "The war",
            "url": "http://testserver/api/v1/topics/war/", "page_url": "http://testserver/en/topics/war/",
        }
    ]  # fmt: skip
    assert "body" not in item and "citations" not in item


def test_its_detail_embeds_citations_with_the_full_source_and_corrections(anonymous):
    article = ArticleFactory(slug="shusha", citations=2)
    CorrectionFactory(article=article, text="The date was wrong.")
    first_source = article.citations.order_by("position").first().source

    body = anonymous.get(detail("shusha")).json()

    assert [c["position"] for c in body["citations"]] == [1, 2]
    source = body["citations"][0]["source"]
    assert source["id"] == first_source.pk
    assert source["document_url"] == first_source.url
    assert source["publisher"] == first_source.publisher
    assert source["url"] == f"http://testserver/api/v1/sources/{first_source.pk}/"
    assert body["corrections"] == [{"date": "2026-01-15", "text": "The date was wrong."}]
    assert '<sup class="citation-ref" id="source-ref-1-1"><a href="#source-1"' in body["body_html"]


@pytest.mark.parametrize(
    "status", [Publishable.Status.DRAFT, Publishable.Status.IN_REVIEW, Publishable.Status.WITHDRAWN]
)
def test_it_hides_unpublished_articles_from_anonymous_clients(anonymous, status):
    ArticleFactory(slug="hidden", status=status)

    assert anonymous.get(LIST).json()["count"] == 0
    assert anonymous.get(detail("hidden")).status_code == 404


def test_it_hides_scheduled_articles_until_their_time(anonymous):
    ArticleFactory(slug="later", publish_at=timezone.now() + datetime.timedelta(days=1))

    assert anonymous.get(LIST).json()["count"] == 0
    assert anonymous.get(detail("later")).status_code == 404


def test_it_shows_drafts_to_token_holders_who_may_view_them(as_contributor):
    ArticleFactory(slug="draft", status=Publishable.Status.DRAFT)
    ArticleFactory(slug="live")

    slugs = {item["slug"] for item in as_contributor.get(LIST).json()["results"]}

    assert slugs == {"draft", "live"}
    assert as_contributor.get(detail("draft")).json()["status"] == "draft"


def test_it_filters_by_status_for_staff_only(anonymous, as_editor):
    ArticleFactory(slug="draft", status=Publishable.Status.DRAFT)
    ArticleFactory(slug="live")

    response = as_editor.get(LIST, {"status": "draft"})
    assert [item["slug"] for item in response.json()["results"]] == ["draft"]

    refused = anonymous.get(LIST, {"status": "published"})
    assert refused.status_code == 403
    assert "drafts" in refused.json()["detail"]


def test_it_filters_by_topic_year_and_words(anonymous):
    war = TopicFactory(slug="war")
    with_topics(ArticleFactory(slug="a", title="Ceasefire in Bishkek"), war)
    ArticleFactory(
        slug="b", title="Refugees", publish_at=timezone.now() - datetime.timedelta(days=800)
    )

    def slugs(**params):
        response = anonymous.get(LIST, params)
        assert response.status_code == 200, response.json()
        return sorted(item["slug"] for item in response.json()["results"])

    assert slugs(topic="war") == ["a"]
    assert slugs(year=timezone.now().year) == ["a"]
    assert slugs(q="bishkek ceasefire") == ["a"]
    assert slugs(q="bishkek refugees") == []


def test_it_filters_by_publication_and_update_dates(anonymous):
    old = ArticleFactory(slug="old", publish_at=timezone.now() - datetime.timedelta(days=30))
    ArticleFactory(slug="new")
    Article.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    week_ago = timezone.now() - datetime.timedelta(days=7)

    after = anonymous.get(LIST, {"published_after": week_ago.date().isoformat()}).json()
    before = anonymous.get(LIST, {"published_before": week_ago.date().isoformat()}).json()
    since = anonymous.get(LIST, {"updated_since": week_ago.isoformat()}).json()

    assert [i["slug"] for i in after["results"]] == ["new"]
    assert [i["slug"] for i in before["results"]] == ["old"]
    assert [i["slug"] for i in since["results"]] == ["new"]


def test_updated_since_includes_scheduled_items_that_went_live_without_a_save(anonymous):
    item = ArticleFactory(slug="scheduled", publish_at=timezone.now() - datetime.timedelta(hours=1))
    Article.objects.filter(pk=item.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=3)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    assert [i["slug"] for i in anonymous.get(LIST, {"updated_since": since}).json()["results"]] == [
        "scheduled"
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"published_after": "2024-02-30"}, "published_after"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"year": "1994.5"}, "year"),
        ({"topic": "not a slug"}, "topic"),
        ({"ordering": "body"}, "ordering"),
        ({"ordering": ""}, "ordering"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"status": "lost"}, "status"),
    ],
)
def test_it_answers_a_malformed_parameter_with_a_400_naming_it(anonymous, params, field):
    ArticleFactory()

    response = anonymous.get(LIST, params)

    assert response.status_code == 400
    assert field in response.json()
    assert response.json()[field][0]


def test_it_pages_with_count_next_and_previous_up_to_100_a_page(anonymous):
    for _ in range(3):
        ArticleFactory()

    first = anonymous.get(LIST, {"page_size": 2}).json()
    second = anonymous.get(first["next"]).json()

    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert len(second["results"]) == 1 and second["next"] is None
    assert second["previous"].startswith("http://testserver/api/v1/articles/")
    assert anonymous.get(LIST, {"page_size": 100}).status_code == 200
    missing = anonymous.get(LIST, {"page": 3, "page_size": 2})
    assert missing.status_code == 404
    assert "2 pages" in missing.json()["detail"]


def test_pages_never_skip_or_repeat_items_that_sort_equal(anonymous):
    same_time = timezone.now() - datetime.timedelta(hours=2)
    made = {ArticleFactory(publish_at=same_time, title="Same").slug for _ in range(23)}

    for ordering in ("publish_at", "-publish_at", "title", "-title,publish_at"):
        seen, url = [], LIST + f"?ordering={ordering}&page_size=5"
        while url:
            body = anonymous.get(url).json()
            seen.extend(item["slug"] for item in body["results"])
            url = body["next"]
        assert sorted(seen) == sorted(made), ordering


@pytest.mark.usefixtures("uncached")
@override_settings(
    # The throttle's counts would add the database cache's queries (tests/api/test_http.py
    # checks the throttle); here only what the list itself asks of the database is counted.
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)
def test_a_list_runs_the_same_number_of_queries_for_1_and_25_items(
    anonymous, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    topic = TopicFactory()
    with_topics(ArticleFactory(), topic)
    with CaptureQueriesContext(connection) as one:
        assert anonymous.get(LIST, {"page_size": 25}).status_code == 200
    for _ in range(24):
        with_topics(ArticleFactory(), topic)

    with django_assert_num_queries(len(one)):
        assert len(anonymous.get(LIST, {"page_size": 25}).json()["results"]) == 25
    # The count, the page, the topics, the languages the articles and their topics have (their
    # published translations, one query each), and the content clock's Last-Modified.
    assert len(one) == 6


# Writing ---------------------------------------------------------------------------------------


def payload(**overrides):
    data = {
        "slug": "new-article",
        "title": "A new article",
        "standfirst": "What happened.",
        "body": "A claim.[^1]",
        "citations": [{"source_id": SourceFactory().pk, "locator": "p. 2"}],
    }
    data.update(overrides)
    return data


def test_anonymous_clients_cannot_write(anonymous):
    response = anonymous.post(LIST, payload(), format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert not Article.objects.exists()


def test_a_contributor_creates_a_draft_with_its_citations(as_contributor, contributor):
    response = as_contributor.post(LIST, payload(), format="json")

    assert response.status_code == 201, response.json()
    article = Article.objects.get(slug="new-article")
    assert article.status == Publishable.Status.DRAFT
    assert article.created_by == contributor
    assert [(c.position, c.locator) for c in article.citations.all()] == [(1, "p. 2")]
    assert response.json()["citations"][0]["source"]["id"] == article.citations.get().source_id


@pytest.mark.parametrize("status", ["published", "withdrawn"])
def test_a_contributor_may_not_publish_or_withdraw(as_contributor, status):
    response = as_contributor.post(LIST, payload(status=status), format="json")

    assert response.status_code == 403
    assert not Article.objects.exists()


def test_a_contributor_may_not_change_a_published_article(as_contributor):
    ArticleFactory(slug="live", title="Live")

    response = as_contributor.patch(detail("live"), {"title": "Changed"}, format="json")

    assert response.status_code == 403
    assert Article.objects.get(slug="live").title == "Live"


def test_an_editor_publishes_a_new_article_with_its_sources_in_one_request(as_editor, editor):
    response = as_editor.post(LIST, payload(status="published"), format="json")

    assert response.status_code == 201, response.json()
    article = Article.objects.get(slug="new-article")
    assert article.is_published and article.citations.count() == 1
    assert article.updated_by == editor
    assert response.json()["is_published"] is True


def test_publishing_without_a_source_is_a_400_with_the_rule_on_status(as_editor):
    response = as_editor.post(
        LIST, payload(status="published", body="No claims.", citations=[]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["status"] == [NEEDS_SOURCE_MESSAGE]
    assert not Article.objects.exists()


def test_publishing_a_sourceless_draft_is_refused_and_leaves_it_a_draft(as_editor):
    ArticleFactory(slug="draft", status=Publishable.Status.DRAFT, citations=0, body="Plain.")

    response = as_editor.patch(detail("draft"), {"status": "published"}, format="json")

    assert response.status_code == 400
    assert response.json()["status"] == [NEEDS_SOURCE_MESSAGE]
    assert Article.objects.get(slug="draft").status == Publishable.Status.DRAFT


def test_removing_the_last_source_of_a_published_article_is_refused(as_editor):
    ArticleFactory(slug="live", body="Plain.")

    response = as_editor.patch(detail("live"), {"citations": []}, format="json")

    assert response.status_code == 400
    assert response.json()["status"] == [NEEDS_SOURCE_MESSAGE]
    assert Article.objects.get(slug="live").citations.count() == 1


def test_an_editor_publishes_a_cited_draft_and_withdraws_it(as_editor):
    ArticleFactory(slug="draft", status=Publishable.Status.DRAFT)

    published = as_editor.patch(detail("draft"), {"status": "published"}, format="json")
    withdrawn = as_editor.patch(detail("draft"), {"status": "withdrawn"}, format="json")

    assert published.status_code == 200 and published.json()["is_published"] is True
    assert withdrawn.status_code == 200
    assert Article.objects.get(slug="draft").status == Publishable.Status.WITHDRAWN


def test_markers_that_point_past_the_citations_are_a_400(as_contributor):
    response = as_contributor.post(LIST, payload(body="Two claims.[^1][^2]"), format="json")

    assert response.status_code == 400
    assert "[^2]" in response.json()["body"][0]


def test_a_citation_needs_a_source_even_in_a_patch(as_contributor):
    ArticleFactory(slug="draft", status=Publishable.Status.DRAFT)

    response = as_contributor.patch(
        detail("draft"), {"citations": [{"locator": "p. 1"}]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["citations"][0]["source_id"]


def test_json_values_of_the_wrong_type_are_refused(as_contributor):
    response = as_contributor.post(LIST, payload(title=12, byline=True), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"title", "byline"}


def test_only_editors_delete(as_contributor, as_editor):
    ArticleFactory(slug="draft", status=Publishable.Status.DRAFT)

    assert as_contributor.delete(detail("draft")).status_code == 403
    assert as_editor.delete(detail("draft")).status_code == 204
    assert not Article.objects.exists()


def test_a_malformed_topic_slug_in_a_body_is_a_400_not_a_database_error(as_contributor):
    response = as_contributor.post(LIST, payload(topics=["bad\x00slug"]), format="json")

    assert response.status_code == 400
    assert "not a slug" in response.json()["topics"][0]


def test_a_path_that_is_not_a_slug_is_a_json_404(anonymous):
    response = anonymous.get("/api/v1/articles/bad%20slug!/")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_nul_character_in_the_path_is_a_json_400(anonymous):
    # PostgreSQL refuses NUL in text, so RefuseNulMiddleware answers before any lookup.
    response = anonymous.get("/api/v1/articles/bad%00slug/")

    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_token_made_with_create_api_token_acts_with_its_users_permissions(editor):
    from io import StringIO

    from django.core.management import call_command
    from rest_framework.test import APIClient

    ArticleFactory(slug="draft", status=Publishable.Status.DRAFT)
    out = StringIO()
    call_command("create_api_token", "editor", stdout=out, stderr=StringIO())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")

    assert client.get(detail("draft")).json()["status"] == "draft"


def test_a_date_time_too_far_out_to_compare_is_a_400(anonymous):
    response = anonymous.get(LIST, {"updated_since": "0001-01-01T00:00:00+05:00"})

    assert response.status_code == 400
    assert "updated_since" in response.json()


def test_an_unusual_but_valid_utc_offset_in_updated_since_is_understood(anonymous):
    ArticleFactory(slug="new")

    response = anonymous.get(LIST, {"updated_since": "2000-01-01T00:00:00-20:18"})

    assert response.status_code == 200
    assert [item["slug"] for item in response.json()["results"]] == ["new"]
