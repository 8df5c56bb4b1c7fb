"""Faults: Redis down (the site serves from the database, the throttle degrades, /healthz says
"degraded"), the database down or hung (503 with Retry-After, HTML for pages and JSON under
/api/), and the pieces that bound the waiting. The real services are stopped, restarted and
frozen by `make faults` (tests/faults/faults.py); these tests are the fast, unit-level half."""

import logging
import socket
import threading
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, override_settings

from karabakh_site import settings as site_settings
from karabakh_site.core import faults
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dead_redis():
    """CACHES with the Redis backend pointing at a port nothing listens on."""
    return {"default": site_settings.cache_config(f"redis://127.0.0.1:{closed_port()}/0")}


@pytest.fixture(autouse=True)
def closed_circuit():
    # The circuit is process memory: a failure in one test (here or anywhere earlier in the
    # suite) must not skip the cache, or hold back the warning, in the next.
    faults.cache_circuit.succeeded()
    faults.cache_circuit._logged_at = None
    yield
    faults.cache_circuit.succeeded()
    faults.cache_circuit._logged_at = None


@pytest.fixture
def article():
    return ArticleFactory(title="Ceasefire of 1994")


# Redis down -----------------------------------------------------------------------------------


@override_settings(API_ANON_THROTTLE_RATE="1/minute")
def test_with_redis_down_the_api_serves_from_the_database_unthrottled(client, article, caplog):
    with override_settings(CACHES=dead_redis()), caplog.at_level(logging.WARNING):
        responses = [client.get("/api/v1/articles/") for _ in range(3)]

    # One a minute would refuse the second and third: the throttle let them through instead.
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[0].json()["results"][0]["title"] == "Ceasefire of 1994"
    warnings = [r for r in caplog.records if "shared cache is unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once, not once a request


def test_with_redis_down_the_cache_is_left_alone_for_a_while_after_a_failure(client, article):
    from django.core.cache.backends.redis import RedisCache

    with override_settings(CACHES=dead_redis()):
        with mock.patch.object(RedisCache, "get", autospec=True, side_effect=OSError) as get:
            client.get("/api/v1/articles/")
            client.get("/api/v1/articles/")
        # The first request met the failure; the second did not wait on Redis again.
        assert get.call_count <= 1


def test_with_redis_down_pages_still_answer(client, article):
    with override_settings(CACHES=dead_redis()):
        assert client.get("/en/").status_code == 200
        assert client.get(article.get_absolute_url()).status_code == 200


def test_with_redis_down_the_health_check_says_200_and_degraded(client):
    with override_settings(CACHES=dead_redis()):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}


def test_the_throttle_counts_again_once_redis_is_back(client, article):
    with override_settings(CACHES=dead_redis()):
        client.get("/api/v1/articles/")
    assert faults.cache_circuit.is_open()
    faults.cache_circuit._failed_at = time.monotonic() - faults.CacheCircuit.SKIP_SECONDS
    with override_settings(API_ANON_THROTTLE_RATE="1/minute"):
        statuses = [client.get("/api/v1/articles/").status_code for _ in range(2)]
    assert statuses == [200, 429]
    assert not faults.cache_circuit.is_open()


def test_the_redis_cache_gives_up_quickly():
    options = site_settings.cache_config("redis://127.0.0.1:6379/0")["OPTIONS"]
    assert options["socket_connect_timeout"] <= 0.5
    assert options["socket_timeout"] <= 0.5


# The database down ----------------------------------------------------------------------------


def database_down():
    """Every new cursor fails as a stopped server's would."""
    refused = OperationalError("connection refused")
    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused)


@pytest.mark.parametrize(
    "path", ["/en/", "/en/articles/", "/en/timeline/", "/en/search/?q=ceasefire"]
)
def test_with_the_database_down_pages_answer_a_friendly_503(client, path):
    with database_down():
        response = client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER)
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert "<h1>The archive is temporarily unavailable</h1>" in html
    assert 'lang="en"' in html and "<main" in html


@pytest.mark.parametrize("path", ["/api/v1/articles/", "/api/v1/search/?q=ceasefire"])
def test_with_the_database_down_the_api_answers_503_in_json(client, path):
    with database_down():
        response = client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER)
    assert response["Content-Type"] == "application/json"
    assert "unavailable" in response.json()["detail"]


def test_a_database_error_outside_any_view_is_a_503_too(client):
    # What the middleware cannot see (an error in another middleware) reaches handler500.
    client = Client(raise_request_exception=False)
    with (
        database_down(),
        mock.patch.object(
            faults.DatabaseUnavailableMiddleware, "process_exception", return_value=None
        ),
    ):
        response = client.get("/en/articles/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER)


def test_other_errors_stay_500(client):
    client = Client(raise_request_exception=False)
    with mock.patch("karabakh_site.views.Article.objects.published", side_effect=RuntimeError):
        response = client.get("/en/")
    assert response.status_code == 500


def test_with_the_database_down_the_health_check_says_503(client):
    with database_down():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_with_the_database_hung_the_health_check_answers_503_without_waiting(client, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr("karabakh_site.views.HEALTHZ_TIMEOUT", 0.2)
    monkeypatch.setattr(faults, "check_database", lambda: release.wait(10))
    try:
        first = client.get("/healthz")
        # The hung check is still running: the next probe answers at once, starting no other.
        second = client.get("/healthz")
    finally:
        release.set()
    faults._probe.join(5)

    assert first.status_code == second.status_code == 503
    assert first.json() == {"status": "error", "database": "timeout", "cache": "unknown"}
    assert second.json()["database"] == "timeout"
    assert client.get("/healthz").status_code == 200  # and it recovers


@pytest.mark.postgres
def test_a_query_cancelled_by_statement_timeout_counts_as_the_database_unavailable():
    with (
        pytest.raises(OperationalError) as cancelled,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(1)")
    assert faults.database_unavailable(cancelled.value)


# What bounds the waiting ----------------------------------------------------------------------


def test_the_watchdog_ends_a_read_that_gets_no_answer():
    ours, server = socket.socketpair()  # a server that never answers
    fake = mock.Mock(connection=mock.Mock(fileno=ours.fileno))
    try:
        with faults.watchdog.guard(fake, 0.2):
            ours.settimeout(5)
            # Blocks until the watchdog shuts the socket: then the read ends with no data.
            assert ours.recv(1) == b""
    finally:
        ours.close()
        server.close()


def test_a_call_that_returns_as_its_socket_is_shut_drops_the_connection():
    # The call's answer came just as the deadline passed: the socket is shut under it, so the
    # connection must be closed for the next query to connect anew rather than fail (a false 503).
    ours, server = socket.socketpair()
    fake = mock.Mock(connection=mock.Mock(fileno=ours.fileno))
    try:
        with faults.watchdog.guard(fake, 0.05):
            time.sleep(0.5)  # returned without an error, but after the watchdog fired
        fake.close.assert_called_once_with()

        in_time = mock.Mock(connection=mock.Mock(fileno=ours.fileno))
        with faults.watchdog.guard(in_time, 5):
            pass
        in_time.close.assert_not_called()
    finally:
        ours.close()
        server.close()


def test_the_watchdog_leaves_a_call_that_ends_in_time_alone():
    ours, server = socket.socketpair()
    fake = mock.Mock(connection=mock.Mock(fileno=ours.fileno))
    try:
        with faults.watchdog.guard(fake, 0.2):
            server.send(b"x")
            assert ours.recv(1) == b"x"
        time.sleep(0.4)
        server.send(b"y")
        assert ours.recv(1) == b"y"  # not shut after the call ended
    finally:
        ours.close()
        server.close()


def test_postgresql_connections_time_out(monkeypatch):
    monkeypatch.delenv("DATABASE_STATEMENT_TIMEOUT_MS", raising=False)
    monkeypatch.delenv("DATABASE_CONNECT_TIMEOUT", raising=False)
    config = site_settings.database_config("postgres://archive@db.example/archive")
    assert config["OPTIONS"]["connect_timeout"] == 2
    assert config["OPTIONS"]["options"] == "-c statement_timeout=3000 -c jit=off"
    assert config["CONN_HEALTH_CHECKS"] is True
    wrapper = mock.Mock(settings_dict=config)
    assert faults.statement_timeout(wrapper) == 3.0


def test_the_timeouts_are_configurable_and_the_url_wins(monkeypatch):
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "0")
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "5")
    config = site_settings.database_config("postgres://archive@db.example/archive")
    assert config["OPTIONS"] == {"connect_timeout": 5, "options": "-c jit=off"}
    assert faults.statement_timeout(mock.Mock(settings_dict=config)) is None

    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "3000")
    url = "postgres://archive@db.example/archive?connect_timeout=9&options=-c%20statement_timeout%3D500"
    options = site_settings.database_config(url)["OPTIONS"]
    assert options == {"connect_timeout": 9, "options": "-c statement_timeout=500 -c jit=off"}


def test_a_bad_timeout_setting_stops_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "three seconds")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_STATEMENT_TIMEOUT_MS"):
        site_settings.database_config("postgres://archive@db.example/archive")
