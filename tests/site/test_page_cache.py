"""Kept answers (core.page_cache): anonymous pages and API reads come from the shared cache, and
every change a reader could see — a publish, an edit, a withdrawal, a translation, a scheduled
time passing — shows on the very next request, with nothing to invalidate by hand.

Each test's transaction never commits, so writes are made inside ``committed()``, which runs the
on-commit callbacks that date the content clock, as a real commit would; until then the clock has
a pending change and nothing is kept (tested below). A local-memory cache makes cache reads cost
no query, so query counts tell a kept answer (the clock's one query) from a built one. That every
worker agrees is tests/site/test_workers.py's: gunicorn workers over one database cache.
"""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from karabakh_site.core import changes, page_cache, services
from karabakh_site.core.models import ContentChange, Translation
from karabakh_site.core.translations import write_translation
from tests.factories import ArticleFactory, UserFactory

T0 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(T0, tick=False)]

LIST, API = "/en/articles/", "/api/v1/articles/"


@pytest.fixture(autouse=True)
def local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    @contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


@pytest.fixture(autouse=True)
def clock_starts_now(committed):
    with committed():
        changes.record()


def get(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST="localhost", **headers)
    response.queries = len(queries)
    return response


def later(time_machine, seconds=2):
    time_machine.shift(dt.timedelta(seconds=seconds))


def test_a_second_anonymous_read_is_kept_and_costs_the_clock_alone(client, committed):
    with committed():
        ArticleFactory(title="Kept title")
    first = get(client, LIST)
    second = get(client, LIST)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content and "Kept title" in second.content.decode()
    assert first.queries > 2
    assert second.queries == 1  # the content clock; the page itself came from the cache
    assert "Age" not in first and int(second["Age"]) >= 0
    assert second["Content-Language"] == "en"
    assert second["ETag"] == first["ETag"]
    assert get(client, LIST, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_publish_an_edit_and_a_withdrawal_show_on_the_next_request(
    client, committed, time_machine, language
):
    with committed():
        kept = ArticleFactory(title="Standing")
    listing, page = f"/{language}/articles/", f"/{language}/articles/{kept.slug}/"
    get(client, listing), get(client, page)

    with committed():
        added = ArticleFactory(title="Newly published")
    assert "Newly published" in get(client, listing).content.decode()

    with committed():
        kept.title = "Edited title"
        kept.save()
    assert "Edited title" in get(client, page).content.decode()
    assert "Edited title" in get(client, listing).content.decode()

    with committed():
        services.withdraw(Article.objects.get(pk=added.pk))
    assert "Newly published" not in get(client, listing).content.decode()
    assert get(client, f"/{language}/articles/{added.slug}/").status_code == 404


def test_a_scheduled_publish_and_withdraw_time_passing_show_without_any_write(
    client, committed, time_machine
):
    with committed():
        ArticleFactory(title="Scheduled piece", publish_at=T0 + dt.timedelta(minutes=10))
        ArticleFactory(title="Expiring piece", withdraw_at=T0 + dt.timedelta(minutes=20))
    before = get(client, LIST).content.decode()
    api_before = get(client, API).json()
    assert "Scheduled piece" not in before and "Expiring piece" in before
    assert get(client, LIST).queries == 1  # kept

    time_machine.move_to(T0 + dt.timedelta(minutes=10, seconds=1))
    assert "Scheduled piece" in get(client, LIST).content.decode()
    assert "Scheduled piece" in str(get(client, API).json())
    assert "Scheduled piece" not in str(api_before)

    time_machine.move_to(T0 + dt.timedelta(minutes=20, seconds=1))
    assert "Expiring piece" not in get(client, LIST).content.decode()
    assert "Expiring piece" not in str(get(client, API).json())


def test_a_translation_changing_shows_on_the_next_request(client, committed):
    with committed():
        article = ArticleFactory(title="Original", body="A claim.[^1]")
        write_translation(
            article, "ru", fields={"title": "Первый перевод", "summary": "Одно предложение.", "body": "Текст.[^1]"},
            status=Translation.Status.PUBLISHED,
        )  # fmt: skip
    page = f"/ru/articles/{article.slug}/"
    assert "Первый перевод" in get(client, page).content.decode()
    assert "Первый перевод" in str(get(client, API + "?lang=ru").json())

    with committed():
        write_translation(
            article, "ru", fields={"title": "Второй перевод", "summary": "Одно предложение.", "body": "Текст.[^1]"},
            status=Translation.Status.PUBLISHED,
        )  # fmt: skip
    assert "Второй перевод" in get(client, page).content.decode()
    assert "Второй перевод" in str(get(client, API + "?lang=ru").json())


def test_nothing_is_kept_while_a_change_is_in_flight(client, committed):
    with committed():
        ArticleFactory()
    ContentChange.objects.create()  # a write's pending row, not yet dated

    assert get(client, LIST).queries > 1
    assert get(client, LIST).queries > 1  # built again: nothing was kept
    assert "Last-Modified" not in get(client, API)


def test_a_page_built_while_the_clock_moved_is_not_kept(client, committed):
    with committed():
        ArticleFactory()
    real = changes.read
    readings = iter(
        [real(), changes.Reading(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), 10**9, False, None, None)]
    )
    with mock.patch.object(changes, "read", side_effect=lambda *a, **k: next(readings)):
        get(client, LIST)
    assert get(client, LIST).queries > 1


def test_an_editors_pages_are_never_kept_nor_served_from_the_readers_copy(client, committed):
    with committed():
        ArticleFactory(title="Public piece")
    get(client, LIST)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    as_editor = get(client, LIST)
    assert as_editor.queries > 1  # built for the editor
    assert "private" in as_editor["Cache-Control"] and "public" not in as_editor["Cache-Control"]
    client.logout()
    anonymous = get(client, LIST)
    assert anonymous.queries == 1 and "public" in anonymous["Cache-Control"]


def test_an_api_token_read_is_never_kept(client, committed):
    from karabakh_site.core.tokens import ApiToken

    with committed():
        ArticleFactory()
        _, secret = ApiToken.issue(user=UserFactory())
    get(client, API)
    with_token = get(client, API, HTTP_AUTHORIZATION=f"Token {secret}")
    assert "private" in with_token["Cache-Control"]
    assert get(client, API, HTTP_AUTHORIZATION=f"Token {secret}").queries > 2


def test_a_kept_api_answer_still_counts_against_the_throttle_and_says_so(
    client, committed, time_machine
):
    with committed():
        ArticleFactory()
    later(time_machine)  # Last-Modified is sent for changes dated in an earlier second
    first, second = get(client, API), get(client, API)
    assert second.json() == first.json()
    assert second["ETag"] == first["ETag"] and second["Last-Modified"] == first["Last-Modified"]
    names = [name for name in first.headers if name.lower().startswith("ratelimit")]
    assert names, "the throttle's headers"
    assert all(second[name] for name in names)
    # Counted, not replayed from the kept copy.
    assert int(second["RateLimit-Remaining"]) < int(first["RateLimit-Remaining"])


def test_answers_in_other_languages_and_formats_are_kept_apart(client, committed):
    with committed():
        article = ArticleFactory(title="English title", body="A claim.[^1]")
        write_translation(
            article, "hy", fields={"title": "Հայերեն վերնագիր", "summary": "Одно предложение.", "body": "Տեքստ.[^1]"},
            status=Translation.Status.PUBLISHED,
        )  # fmt: skip
    english = get(client, API, HTTP_ACCEPT_LANGUAGE="en")
    armenian = get(client, API, HTTP_ACCEPT_LANGUAGE="hy")
    assert "English title" in str(english.json()) and "Հայերեն վերնագիր" in str(armenian.json())
    assert get(client, API + "?lang=hy").json() == armenian.json()
    assert "Հայերեն վերնագիր" in get(client, f"/hy/articles/{article.slug}/").content.decode()
    assert "Հայերեն վերնագիր" not in get(client, f"/en/articles/{article.slug}/").content.decode()


def test_cache_control_ends_by_the_next_scheduled_time(client, committed):
    with committed():
        ArticleFactory()
    far = get(client, LIST)["Cache-Control"]
    assert "public" in far and "max-age=60" in far and "stale-while-revalidate=30" in far

    with committed():
        ArticleFactory(publish_at=T0 + dt.timedelta(seconds=70))  # scheduled
    near = get(client, LIST)["Cache-Control"]
    assert "max-age=60" in near and "stale-while-revalidate=10" in near
    with committed():
        ArticleFactory(publish_at=T0 + dt.timedelta(seconds=20))
    for path in (LIST, API):
        soon = get(client, path)["Cache-Control"]
        assert "max-age=20" in soon and "stale-while-revalidate" not in soon


def test_a_failing_shared_cache_costs_the_reader_nothing(client, committed):
    with committed():
        ArticleFactory(title="Still served")
    page_cache.cache_circuit.succeeded()
    with mock.patch.object(page_cache.cache, "get", side_effect=ConnectionError("down")):
        response = get(client, LIST)
    page_cache.cache_circuit.succeeded()
    assert response.status_code == 200 and "Still served" in response.content.decode()


def test_keeping_can_be_turned_off(client, committed, settings):
    settings.PAGE_CACHE_SECONDS = 0
    with committed():
        ArticleFactory()
    get(client, LIST)
    assert get(client, LIST).queries > 1
    assert "public" in get(client, LIST)["Cache-Control"]


def test_a_database_that_cannot_answer_the_clock_gets_the_503_before_the_page_tries(
    client, django_assert_num_queries
):
    # The page's own queries would wait out another connect timeout on a frozen server (make
    # faults measured 5 s for the first page instead of 3).
    down = OperationalError("connection timeout expired")
    with (
        mock.patch.object(changes, "read", side_effect=down),
        mock.patch("karabakh_site.views.render") as page,
        django_assert_num_queries(0),
    ):
        response = client.get("/en/")
    assert response.status_code == 503 and response["Retry-After"]
    assert response["Cache-Control"] == "no-store"
    page.assert_not_called()
