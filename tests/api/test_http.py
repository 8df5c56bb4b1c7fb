"""What every API response shares: conditional GET, cache headers, throttling, CORS, JSON errors."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.http import http_date

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks, time_machine):
    """The writes in its block dated as a commit dates them, and the clock a second on.

    A test's transaction never commits, so the content clock would see its writes as pending and
    send no Last-Modified; and no Last-Modified falls in the second a request starts."""

    @contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        time_machine.move_to(timezone.now() + dt.timedelta(seconds=1))

    return block


# A fixed-window throttle counts from the start of each minute: tests start well inside one.
IN_A_MINUTE = pytest.mark.time_machine(dt.datetime(2026, 3, 2, 12, 0, 5, tzinfo=dt.UTC), tick=False)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/articles/",
        "/api/v1/articles/shusha/",
        "/api/v1/faq/",
        "/api/v1/timeline/",
        "/api/v1/timeline/timelinejs/",
        "/api/v1/places/",
        "/api/v1/sources/",
        "/api/v1/topics/",
        "/api/v1/search/?q=shusha",
        "/api/v1/schema/",
        "/api/v1/docs/",
    ],
)
def test_every_get_has_an_etag_and_last_modified_and_answers_304_when_unchanged(
    anonymous, committed, url
):
    with committed():
        ArticleFactory(slug="shusha", title="Shusha")

    first = anonymous.get(url)
    by_tag = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = anonymous.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first.status_code == 200
    assert first["ETag"].startswith('"') and first["Last-Modified"].endswith("GMT")
    assert by_tag.status_code == 304 and by_tag.content == b""
    assert by_tag["ETag"] == first["ETag"]
    assert by_date.status_code == 304


def test_a_changed_representation_gets_a_new_etag_and_a_full_answer(anonymous):
    article = ArticleFactory(slug="shusha", title="Shusha")
    first = anonymous.get(LIST)

    article.title = "Shusha / Shushi"
    article.save()
    again = anonymous.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Shusha / Shushi" in again.content.decode()


def test_if_none_match_decides_over_if_modified_since(anonymous, committed):
    with committed():
        ArticleFactory()
    first = anonymous.get(LIST)

    response = anonymous.get(
        LIST, HTTP_IF_NONE_MATCH='"something-else"', HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )

    assert response.status_code == 200


def test_an_old_if_modified_since_gets_the_full_answer(anonymous):
    ArticleFactory()

    response = anonymous.get(LIST, HTTP_IF_MODIFIED_SINCE=http_date(0))

    assert response.status_code == 200


def test_anonymous_answers_are_publicly_cacheable_and_token_answers_are_private(
    anonymous, as_editor
):
    ArticleFactory()

    public = anonymous.get(LIST)
    private = as_editor.get(LIST)

    assert "public" in public["Cache-Control"] and "max-age=" in public["Cache-Control"]
    assert "private" in private["Cache-Control"] and "public" not in private["Cache-Control"]
    assert "Authorization" in public["Vary"]


def test_errors_are_not_cached(anonymous):
    assert "no-store" in anonymous.get("/api/v1/articles/missing/")["Cache-Control"]


@IN_A_MINUTE
@override_settings(API_ANON_THROTTLE_RATE="3/minute")
def test_anonymous_clients_are_throttled_with_retry_after(anonymous):
    statuses = [anonymous.get(LIST).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    throttled = anonymous.get(LIST)
    assert throttled.status_code == 429
    # The three, made at 12:00:05, weigh on the next window until a third of it has passed:
    # 3 x (1 - 20/60) + 1 = 3 at 12:01:20.
    assert throttled["Retry-After"] == "75"
    assert "throttled" in throttled.json()["detail"]


@IN_A_MINUTE
@override_settings(API_ANON_THROTTLE_RATE="3/minute")
def test_a_throttled_client_is_let_in_again_when_retry_after_says(anonymous, time_machine):
    assert [anonymous.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
    refused = anonymous.get(LIST)
    wait = int(refused["Retry-After"])

    time_machine.shift(wait - 1)
    assert anonymous.get(LIST).status_code == 429
    time_machine.shift(1)
    assert anonymous.get(LIST).status_code == 200


@pytest.mark.time_machine(dt.datetime(2026, 3, 2, 12, 0, 55, tzinfo=dt.UTC), tick=False)
@override_settings(API_ANON_THROTTLE_RATE="3/minute")
def test_a_new_window_does_not_let_the_rate_through_twice_in_a_minute(anonymous, time_machine):
    # Fixed windows alone would allow 3 at 12:00:55 and 3 more at 12:01:00.
    assert [anonymous.get(LIST).status_code for _ in range(3)] == [200, 200, 200]

    time_machine.shift(5)
    assert anonymous.get(LIST).status_code == 429

    # From 12:02, the window the three were counted in no longer weighs.
    time_machine.shift(60)
    assert [anonymous.get(LIST).status_code for _ in range(3)] == [200, 200, 200]


@IN_A_MINUTE
@override_settings(API_ANON_THROTTLE_RATE="2/hour")
def test_a_window_longer_than_the_cache_default_timeout_keeps_its_count(anonymous, time_machine):
    assert [anonymous.get(LIST).status_code for _ in range(2)] == [200, 200]

    # Past the cache's default timeout (300 s): an increment that reset the key's timeout to it
    # would have forgotten the count by now.
    time_machine.shift(10 * 60)

    assert anonymous.get(LIST).status_code == 429


@IN_A_MINUTE
@override_settings(API_ANON_THROTTLE_RATE="3/minute")
def test_the_throttle_counts_in_the_shared_cache(anonymous):
    from django.core.cache import caches

    anonymous.get(LIST)
    anonymous.get(LIST)

    # What another worker would read: the count is in the default (database) cache.
    key = "throttle_anon_127.0.0.1:" + str(int(timezone.now().timestamp()) // 60)
    assert caches["default"].get(key) == 2


@override_settings(API_ANON_THROTTLE_RATE="3/minute")
def test_token_clients_are_not_held_to_the_anonymous_rate(as_editor):
    assert {as_editor.get(LIST).status_code for _ in range(6)} == {200}


def test_any_origin_may_get(anonymous):
    response = anonymous.get(LIST, HTTP_ORIGIN="https://newsroom.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_cross_origin_writes_are_not_allowed_by_preflight(anonymous):
    response = anonymous.options(
        LIST,
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )

    allowed = response.get("Access-Control-Allow-Methods", "")
    assert "POST" not in allowed and "GET" in allowed
    assert "authorization" not in response.get("Access-Control-Allow-Headers", "")


def test_the_site_pages_send_no_cors_headers(client):
    response = client.get("/robots.txt", HTTP_ORIGIN="https://elsewhere.example")

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("url", ["/api/v1/nothing-here/", "/api/v2/articles/", "/api/"])
def test_unknown_api_paths_are_json_404s(anonymous, url):
    response = anonymous.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_item_is_a_json_404(anonymous):
    response = anonymous.get("/api/v1/articles/missing/")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_an_unsupported_method_is_a_json_405_even_for_anonymous_clients(anonymous):
    response = anonymous.delete(LIST)

    assert response.status_code == 405
    assert response.json()["detail"]
    assert "GET" in response["Allow"]


def test_a_body_that_is_not_json_is_a_415(as_editor):
    response = as_editor.post(LIST, "title=x", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415


def test_an_unknown_token_is_a_401(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = anonymous.get(LIST)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_the_site_still_answers_html_404s(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_an_unexpected_error_is_a_logged_json_500(anonymous, monkeypatch, caplog):
    from articles.api import ArticleViewSet

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ArticleViewSet, "list", broken)

    response = anonymous.get(LIST)

    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}
    assert "boom" in caplog.text
