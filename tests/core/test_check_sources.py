"""check_sources against a local HTTP server started here: live, dead, redirecting and slow URLs.
Never the internet."""

import datetime
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from karabakh_site.core import source_health
from karabakh_site.core.admin import SourceAdmin
from karabakh_site.core.models import Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

Status = Source.UrlStatus


class Handler(BaseHTTPRequestHandler):
    in_flight = 0
    most_in_flight = 0
    lock = threading.Condition()

    def log_message(self, *args):  # Keep the test output clean.
        pass

    def answer(self, with_body):
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.most_in_flight = max(cls.most_in_flight, cls.in_flight)
            cls.lock.notify_all()
        try:
            path = self.path
            if path.startswith("/slow"):
                time.sleep(1.5)
            if path.startswith("/steady"):
                # Wait (up to 2 s) for a second request to be in flight, so a client that runs two
                # at a time is seen doing so however loaded the machine is; one that ran more
                # would show a third arriving meanwhile.
                with cls.lock:
                    cls.lock.wait_for(lambda: cls.in_flight >= 2, timeout=2)
                time.sleep(0.1)
            if path.startswith("/moved"):
                self.send_response(301)
                self.send_header("Location", "/live")
            elif path.startswith("/loop"):
                self.send_response(302)
                self.send_header("Location", "/loop")
            elif path.startswith("/gone"):
                self.send_response(404)
            elif path.startswith("/busy"):
                self.send_response(503)
            elif path.startswith("/no-head") and not with_body:
                self.send_response(405)
            else:
                self.send_response(200)
            self.send_header("Content-Length", "2" if with_body else "0")
            self.end_headers()
            if with_body:
                self.wfile.write(b"ok")
        finally:
            with cls.lock:
                cls.in_flight -= 1

    def do_HEAD(self):
        self.answer(with_body=False)

    def do_GET(self):
        self.answer(with_body=True)


class Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops connections when ten checks start at once.
    request_queue_size = 64


@pytest.fixture
def server():
    Handler.in_flight = Handler.most_in_flight = 0
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sources(server):
    return {
        "live": SourceFactory(url=f"{server}/live"),
        "dead": SourceFactory(url=f"{server}/gone", archived_url="https://web.archive.org/x"),
        "dead_lost": SourceFactory(url=f"{server}/gone-too"),
        "moved": SourceFactory(url=f"{server}/moved"),
        "slow": SourceFactory(url=f"{server}/slow"),
        "no_head": SourceFactory(url=f"{server}/no-head"),
        "busy": SourceFactory(url=f"{server}/busy", url_status=Status.LIVE),
        "loop": SourceFactory(url=f"{server}/loop"),
        "refused": SourceFactory(url=f"http://127.0.0.1:{closed_port()}/"),
        "ftp": SourceFactory(url="ftp://files.example.org/report.pdf"),
    }


def statuses(sources):
    return {
        name: Source.objects.values_list("url_status", flat=True).get(pk=source.pk)
        for name, source in sources.items()
    }


def test_it_records_each_sources_status_and_check_time(sources, capsys):
    call_command("check_sources", "--timeout", "0.5")
    assert statuses(sources) == {
        "live": Status.LIVE,
        "dead": Status.DEAD,
        "dead_lost": Status.DEAD,
        "moved": Status.LIVE,
        "slow": Status.UNKNOWN,
        "no_head": Status.LIVE,
        "busy": Status.UNKNOWN,
        "loop": Status.DEAD,
        # No answer is no verdict: a refused connection may be this machine's network.
        "refused": Status.UNKNOWN,
        "ftp": Status.UNKNOWN,
    }
    # Only an answer is a check: a timeout or a refused connection stamps no "last checked".
    checked = Source.objects.filter(last_checked_at__isnull=False)
    assert set(checked.values_list("pk", flat=True)) == {
        s.pk for name, s in sources.items() if name not in {"ftp", "slow", "refused"}
    }


def test_it_reports_dead_links_with_their_archived_copies(sources, capsys):
    call_command("check_sources", "--timeout", "0.5")
    out = capsys.readouterr().out
    assert "Dead links (3):" in out
    assert f"{sources['dead'].url} (HTTP 404)\n    archived copy: https://web.archive.org/x" in out
    assert f"{sources['dead_lost'].url} (HTTP 404)\n    archived copy: NO ARCHIVED COPY" in out
    assert f"{sources['slow'].url} (timed out)" in out
    assert f"{sources['refused'].url} (unreachable (ConnectError))" in out
    assert "ftp://files.example.org/report.pdf (not checked: ftp URL)" in out
    assert (
        "10 sources: 3 live, 3 dead (2 without an archived copy), 3 not decided, 1 not checked"
        in out
    )


def test_a_dry_run_checks_but_records_nothing(sources, capsys):
    call_command("check_sources", "--dry-run", "--timeout", "0.5")
    assert "Dry run: nothing recorded." in capsys.readouterr().out
    assert not Source.objects.filter(last_checked_at__isnull=False).exists()
    assert statuses(sources)["dead"] == Status.UNKNOWN


def test_it_shows_a_progress_bar(sources, capsys):
    call_command("check_sources", "--timeout", "0.5")
    assert "Checking sources: 100%" in capsys.readouterr().err


def test_a_status_change_is_kept_in_history_but_a_repeat_check_adds_none(server):
    source = SourceFactory(url=f"{server}/gone")
    call_command("check_sources", "--timeout", "0.5")
    latest = source.history.latest()
    assert latest.url_status == Status.DEAD
    assert latest.history_change_reason == "check_sources: HTTP 404"
    versions = source.history.count()
    call_command("check_sources", "--timeout", "0.5")
    assert source.history.count() == versions


def test_concurrency_is_bounded(server):
    targets = [(n, f"{server}/steady/{n}") for n in range(8)]
    started = time.monotonic()
    results = source_health.check_urls(targets, concurrency=2, timeout=5)
    elapsed = time.monotonic() - started
    assert [r.status for r in results] == [Status.LIVE] * 8
    assert Handler.most_in_flight == 2
    # Eight 0.1 s answers two at a time take at least four rounds.
    assert elapsed >= 0.4


def test_slow_urls_do_not_hold_up_the_rest(server):
    targets = [(1, f"{server}/slow")] + [(n, f"{server}/live/{n}") for n in range(2, 6)]
    started = time.monotonic()
    results = source_health.check_urls(targets, concurrency=5, timeout=0.3)
    assert time.monotonic() - started < 1.4
    assert [r.status for r in results] == [Status.UNKNOWN] + [Status.LIVE] * 4


def test_bad_options_are_refused():
    with pytest.raises(CommandError, match="--concurrency must be at least 1"):
        call_command("check_sources", "--concurrency", "0")
    for timeout in ["0", "-1", "nan", "inf", "-inf", "soon"]:
        with pytest.raises(CommandError, match="--timeout"):
            call_command("check_sources", "--timeout", timeout)


def test_a_host_that_cannot_be_resolved_is_not_marked_dead_or_checked(server):
    source = SourceFactory(url="http://no-such-host.invalid/report", url_status=Status.LIVE)
    SourceFactory(url=f"{server}/live")

    call_command("check_sources", "--timeout", "2")

    source.refresh_from_db()
    assert source.url_status == Status.LIVE
    assert source.last_checked_at is None


def test_without_network_it_says_so_and_stamps_nothing(db, capsys):
    earlier = timezone.now() - datetime.timedelta(days=7)
    unreachable = [
        SourceFactory(url="http://no-such-host.invalid/a", url_status=Status.LIVE),
        SourceFactory(url=f"http://127.0.0.1:{closed_port()}/b"),
    ]
    Source.objects.filter(pk=unreachable[0].pk).update(last_checked_at=earlier)

    with pytest.raises(CommandError, match="the network looks down"):
        call_command("check_sources", "--timeout", "2")

    assert dict(Source.objects.values_list("pk", "last_checked_at")) == {
        unreachable[0].pk: earlier,
        unreachable[1].pk: None,
    }
    assert Source.objects.get(pk=unreachable[0].pk).url_status == Status.LIVE


def test_the_admin_check_says_when_the_network_looks_down(client, editor):
    source = SourceFactory(url=f"http://127.0.0.1:{closed_port()}/x")
    client.force_login(editor)

    response = client.post(
        reverse("admin:core_source_changelist"),
        {"action": "check_links", "_selected_action": [source.pk]},
        follow=True,
    )

    assert "the network looks down" in response.content.decode()
    source.refresh_from_db()
    assert source.last_checked_at is None


def test_the_admin_lists_dead_sources_without_an_archived_copy(client, editor):
    SourceFactory(title="Lost report", url_status=Status.DEAD)
    SourceFactory(
        title="Archived report", url_status=Status.DEAD, archived_url="https://a.example/"
    )
    SourceFactory(title="Fine report", url_status=Status.LIVE)
    client.force_login(editor)
    page = client.get(reverse("admin:core_source_changelist"), {"health": "dead-lost"})
    text = page.content.decode()
    assert "Lost report" in text
    assert "Archived report" not in text
    assert "Fine report" not in text


def test_editors_check_selected_sources_from_the_admin(client, editor, server):
    live = SourceFactory(url=f"{server}/live")
    dead = SourceFactory(url=f"{server}/gone", archived_url="https://web.archive.org/y")
    client.force_login(editor)
    response = client.post(
        reverse("admin:core_source_changelist"),
        {"action": "check_links", "_selected_action": [live.pk, dead.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Checked 2: 1 live, 1 dead, 0 not decided, 0 not checked" in page
    assert f"Dead: {dead.url} (HTTP 404); https://web.archive.org/y." in page
    assert statuses({"live": live, "dead": dead}) == {"live": Status.LIVE, "dead": Status.DEAD}
    assert dead.history.latest().history_user == editor


def test_the_admin_link_check_refuses_too_many_sources(client, editor):
    sources = SourceFactory.create_batch(3)
    client.force_login(editor)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SourceAdmin, "check_links_limit", 2)
        response = client.post(
            reverse("admin:core_source_changelist"),
            {"action": "check_links", "_selected_action": [s.pk for s in sources]},
            follow=True,
        )
    assert "Select at most 2 sources" in response.content.decode()
    assert not Source.objects.filter(last_checked_at__isnull=False).exists()


def test_the_checks_run_where_an_event_loop_already_runs(live_server):
    """As under an ASGI server, or after a browser test started Playwright's loop in this thread:
    asyncio.run() alone would refuse."""
    import asyncio
    import concurrent.futures

    from karabakh_site.core import source_health

    async def inside_a_loop():
        return source_health.check_urls([(1, live_server.url + "/healthz")], timeout=5)

    # A thread of its own, whose loop is surely the running one (this thread may have one too).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(asyncio.run, inside_a_loop()).result()
    assert results[0].answered
