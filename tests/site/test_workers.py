"""The real `make serve` configuration with two gunicorn workers over one database: every worker
lists a published item at once and drops it at once (withdrawn, or its withdraw time passed),
sends the same Last-Modified, and the anonymous throttle counts across them.

Everything in-process tests cannot see: each worker is its own process, so state kept in process
memory (a local-memory cache, a queryset built once) would show here as workers that disagree.
The server runs on a database of its own (a SQLite file, or a throwaway PostgreSQL database when
DATABASE_URL is PostgreSQL), set up through manage.py like `make serve` does. Which worker
answered each request comes from gunicorn's access log (%(p)s, matched by a request header).
"""

import datetime as dt
import itertools
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.conf import settings
from django.utils.http import http_date, parse_http_date

ROOT = Path(settings.BASE_DIR)
WORKERS = 2
RATE = 10  # anonymous API requests per minute
ARTICLES, TIMELINE, API = "/en/articles/", "/en/timeline/", "/api/v1/articles/"


def serve_environment() -> dict[str, str]:
    """The variables the Makefile's serve target exports, read from the Makefile itself."""
    found = re.findall(r"^serve: export (\w+) \??= (.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert {"DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS"} <= dict(found).keys(), found
    return dict(found)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresDatabase:
    """A database of its own on the server DATABASE_URL names, dropped afterwards."""

    def __init__(self, url: str):
        import psycopg

        self.psycopg = psycopg
        parts = urlsplit(url)
        self.name = f"{parts.path.lstrip('/') or 'karabakh'}_workers_{os.getpid()}"
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.admin = urlunsplit(parts._replace(path="/postgres"))
        self.execute(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')

    def execute(self, *statements):
        with self.psycopg.connect(self.admin, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def drop(self):
        self.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


SEED = """
from django.contrib.auth.models import Group, User
from karabakh_site.core.models import Source
from karabakh_site.core.tokens import ApiToken

editor = User.objects.create_user("workers-editor")
editor.groups.add(Group.objects.get(name="Editors"))
reader = User.objects.create_user("workers-reader")  # a token without any permission
source = Source.objects.create(
    title="A report", url="https://reports.example.org/1", publisher="Example Agency"
)
print(ApiToken.issue(user=editor)[1], ApiToken.issue(user=reader)[1], source.pk)
"""


class Site:
    def __init__(self, base: str, log: Path, editor: str, reader: str, source: int):
        self.base, self.log, self.source = base, log, source
        self.editor = {"Authorization": f"Token {editor}"}
        # A token without permission reads what anonymous clients read (published() only) and
        # is not held to the anonymous rate, which the throttle test spends.
        self.reader = {"Authorization": f"Token {reader}"}
        self.probes = itertools.count()

    def request(self, method, path, headers=None, **kwargs):
        probe = str(next(self.probes))
        response = httpx.request(
            method, self.base + path, headers={**(headers or {}), "X-Probe": probe}, timeout=15,
            **kwargs,
        )  # fmt: skip
        response.probe = probe
        return response

    def read(self, path, times, headers=None):
        """``times`` GETs of ``path`` over as many connections, four at a time."""
        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(lambda _: self.request("GET", path, headers), range(times)))

    def pids(self, responses) -> set[str]:
        """The worker processes that answered, from the access log."""
        wanted = {response.probe for response in responses}
        deadline = time.monotonic() + 10
        while True:
            seen = {}
            for line in self.log.read_text().splitlines():
                fields = line.split()
                if len(fields) == 3 and fields[1] in wanted:
                    seen[fields[1]] = fields[0]
            if len(seen) == len(wanted) or time.monotonic() > deadline:
                assert len(seen) == len(wanted), "gunicorn logged fewer requests than were sent"
                return set(seen.values())

    def write(self, method, path, body):
        response = self.request(method, path, self.editor, json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workers")
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("CACHE_URL", None)  # The default cache, as `make serve` has it.
    env.update(serve_environment())
    env.update(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), API_ANON_THROTTLE_RATE=f"{RATE}/minute")
    url = os.environ.get("DATABASE_URL", "")
    postgres = PostgresDatabase(url) if url.startswith("postgres") else None
    env["DATABASE_URL"] = postgres.url if postgres else f"sqlite:///{folder / 'db.sqlite3'}"

    def manage(*args, stdin=None):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin,
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout  # fmt: skip

    server = None
    try:
        # `make serve` also runs collectstatic; without its manifest pages link plain static
        # names (see settings), and the checkout's staticfiles/ folder stays untouched.
        manage("migrate", "--noinput", "-v0")
        editor, reader, source = manage("shell", "--no-imports", "-c", SEED).split()
        port = free_port()
        log = folder / "access.log"
        with log.open("w") as output:
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"), "karabakh_site.wsgi",
                    "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
                    "--access-logfile", "-", "--access-logformat", "%(p)s %({x-probe}i)s %(s)s",
                ],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield Site(base, log, editor, reader, int(source))
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if postgres:
            postgres.drop()


def next_second():
    """Sleep into the next whole second: a date in the second of a change is never sent."""
    time.sleep(1.05 - time.time() % 1)


def lists(site, article, event, times=4):
    """Whether every answer of each list shows the item, and the workers that answered."""
    pages = site.read(ARTICLES, times)
    api = site.read(API, times, headers=site.reader)
    timeline = site.read(TIMELINE, times) if event else []
    for response in pages + api + timeline:
        assert response.status_code == 200
    shown = {
        ARTICLES: {f'href="/en/articles/{article}/"' in r.text for r in pages},
        API: {article in [item["slug"] for item in r.json()["results"]] for r in api},
        TIMELINE: {f'id="{event}"' in r.text for r in timeline},
    }
    return shown, site.pids(pages + api + timeline)


def validators(site):
    """The API list's (ETag, Last-Modified), the same from every worker that answered."""
    api = site.read(API, 4, headers=site.reader)
    seen = {(r.headers.get("ETag"), r.headers.get("Last-Modified")) for r in api}
    assert len(seen) == 1, f"workers disagree: {seen}"
    (etag, last_modified), pids = seen.pop(), site.pids(api)
    assert etag and last_modified
    return etag, last_modified, pids


def test_every_worker_lists_a_publication_and_drops_a_withdrawal_at_once(site):
    next_second()
    before = validators(site)

    article = site.write(
        "POST", API,
        {"slug": "workers-article", "title": "Published now", "standfirst": "What happened.",
         "body": "A claim.[^1]", "status": "published", "citations": [{"source_id": site.source}]},
    )  # fmt: skip
    site.write(
        "POST", "/api/v1/timeline/",
        {"slug": "workers-event", "title": "An event", "date": "1900-01-01",
         "date_precision": "day", "summary": "It happened.[^1]", "category": "political",
         "status": "published", "citations": [{"source_id": site.source}]},
    )  # fmt: skip
    shown, pids_published = lists(site, "workers-article", "workers-event")
    next_second()
    published = validators(site)
    changed = [
        site.request("GET", API, {**site.reader, "If-Modified-Since": before[1]}) for _ in range(4)
    ]
    unchanged = [
        site.request("GET", API, {**site.reader, "If-None-Match": published[0]}) for _ in range(6)
    ]

    assert shown == {ARTICLES: {True}, API: {True}, TIMELINE: {True}}
    assert {r.status_code for r in changed} == {200}
    assert {r.status_code for r in unchanged} == {304}
    assert parse_http_date(published[1]) > parse_http_date(before[1])
    assert len(pids_published) == WORKERS and len(published[2]) == WORKERS

    site.write("PATCH", f"{API}{article['slug']}/", {"status": "withdrawn"})
    site.write("PATCH", "/api/v1/timeline/workers-event/", {"status": "withdrawn"})
    shown, pids_withdrawn = lists(site, "workers-article", "workers-event")
    next_second()
    withdrawn = validators(site)
    stale = [
        site.request("GET", API, {**site.reader, "If-Modified-Since": published[1]})
        for _ in range(4)
    ]

    assert shown == {ARTICLES: {False}, API: {False}, TIMELINE: {False}}
    assert {r.status_code for r in stale} == {200}
    assert parse_http_date(withdrawn[1]) > parse_http_date(published[1])
    assert len(pids_withdrawn) == WORKERS and len(withdrawn[2]) == WORKERS


def test_every_worker_shows_an_edit_at_once_though_its_pages_are_kept(site):
    page = "/en/articles/workers-edited/"
    site.write(
        "POST", API,
        {"slug": "workers-edited", "title": "The first title", "standfirst": "What happened.",
         "body": "A claim.[^1]", "status": "published", "citations": [{"source_id": site.source}]},
    )  # fmt: skip
    site.read(page, 4), site.read(ARTICLES, 4)
    kept = site.read(page, 6) + site.read(ARTICLES, 6)  # served from the shared cache (Age)
    site.write("PATCH", f"{API}workers-edited/", {"title": "The second title"})
    edited = site.read(page, 6) + site.read(ARTICLES, 6)

    assert all("Age" in r.headers and "The first title" in r.text for r in kept)
    assert not any("The first title" in r.text for r in edited)
    assert all("The second title" in r.text for r in edited)
    assert len(site.pids(kept)) == len(site.pids(edited)) == WORKERS


def test_every_worker_drops_an_item_the_moment_its_withdraw_time_passes(site):
    withdraw_at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=5)
    site.write(
        "POST", API,
        {"slug": "workers-expiring", "title": "Expiring", "standfirst": "For a few seconds.",
         "body": "A claim.[^1]", "status": "published", "withdraw_at": withdraw_at.isoformat(),
         "citations": [{"source_id": site.source}]},
    )  # fmt: skip
    live, _ = lists(site, "workers-expiring", None)
    assert time.time() < withdraw_at.timestamp(), "too slow to read the lists before it expired"

    time.sleep(max(0, withdraw_at.timestamp() - time.time()) + 0.1)  # No write from here on.
    expired, pids = lists(site, "workers-expiring", None)
    next_second()
    etag, last_modified, _ = validators(site)

    assert live[ARTICLES] == live[API] == {True}
    assert expired[ARTICLES] == expired[API] == {False}
    assert last_modified == http_date(withdraw_at.timestamp())
    assert len(pids) == WORKERS


def test_the_anonymous_throttle_counts_across_workers(site):
    # The throttle counts per minute from :00; start well inside one.
    if time.time() % 60 > 50:
        time.sleep(60.2 - time.time() % 60)

    responses = [site.request("GET", API) for _ in range(3 * RATE)]

    statuses = [response.status_code for response in responses]
    assert statuses.count(200) == RATE, statuses
    assert statuses == [200] * RATE + [429] * (2 * RATE)
    assert all(int(r.headers["Retry-After"]) > 0 for r in responses if r.status_code == 429)
    assert len(site.pids(responses)) == WORKERS
