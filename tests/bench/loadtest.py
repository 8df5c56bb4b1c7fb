"""Load test (`make loadtest`): wrk against gunicorn over PostgreSQL, as `make serve` runs it.

Creates a throwaway PostgreSQL database (karabakh_loadtest, dropped at the end), migrates it and
loads the demo archive, serves it with gunicorn (DEBUG off, 2 workers, the settings `make serve`
exports) on a port of its own, warms every URL up, then drives LOADTEST_CONNECTIONS connections
(64) for LOADTEST_DURATION seconds (60) in all, split evenly over the main pages and API lists
(two seconds each at least): one wrk run per URL, so each gets its own requests/s, errors and
p50/p99. Worker memory (RSS from /proc) is read before and after. Exits non-zero when any request failed (a socket error, a
timeout or a status outside 2xx/3xx), a worker was replaced, or a worker's memory grew by 20% or
more. The figures are in docs/benchmarks.md ("Load test"). Not collected by pytest.

Environment: DATABASE_URL (a postgres:// URL: its server and user are used, not its database;
default postgres://postgres@127.0.0.1:5432), LOADTEST_DURATION, LOADTEST_CONNECTIONS,
LOADTEST_PORT (18501), LOADTEST_WORKERS (2), LOADTEST_TIMEOUT (wrk's per-request timeout, 10 s).
"""

import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from serving import (
    WRK_REPORT,
    admin_sql,
    database_urls,
    ensure_wrk,
    env_int,
    manage,
    rss_kib,
    run_wrk,
    server_env,
    start_gunicorn,
    stop_server,
    wait_until_up,
    worker_pids,
)

DATABASE = "karabakh_loadtest"
MEMORY_GROWTH_LIMIT = 0.20

PAGES = ["/en/", "/en/articles/", "{article}", "/en/timeline/", "{event}", "/en/faq/",
         "/en/search/?q=Shusha", "/en/sources/"]  # fmt: skip
API = ["/api/v1/articles/", "/api/v1/timeline/", "/api/v1/faq/", "/api/v1/sources/"]


def demo_urls(env: dict) -> list[str]:
    """The main pages and API lists, with the demo's first article and timeline entry."""
    code = (
        "from articles.models import Article; from timeline.models import TimelineEntry; "
        "print(Article.objects.published().order_by('id').first().get_absolute_url()); "
        "print(TimelineEntry.objects.published().order_by('id').first().get_absolute_url())"
    )
    article, event = manage(env, "shell", "--no-imports", "-c", code, capture=True).split()
    return [url.format(article=article, event=event) for url in PAGES] + API


def warm_up(base: str, urls: list[str]) -> None:
    """Every worker imports, compiles templates and fills its caches before memory is read."""
    for url in urls:
        for _ in range(20):
            try:
                with urllib.request.urlopen(base + url, timeout=30) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                sys.exit(f"Warm-up: {url} answered {error.code}; nothing to measure.")


def main() -> int:
    duration = env_int("LOADTEST_DURATION", 60)
    connections = env_int("LOADTEST_CONNECTIONS", 64)
    port = env_int("LOADTEST_PORT", 18501)
    workers = env_int("LOADTEST_WORKERS", 2)
    timeout = env_int("LOADTEST_TIMEOUT", 10)
    wrk = ensure_wrk()
    database_url, maintenance_url = database_urls(DATABASE)
    base = f"http://127.0.0.1:{port}"
    env = server_env(database_url)
    tmp = Path(tempfile.mkdtemp(prefix="karabakh-loadtest-"))
    script = tmp / "report.lua"
    script.write_text(WRK_REPORT)

    admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {DATABASE}")
    admin_sql(maintenance_url, f"CREATE DATABASE {DATABASE}")
    server = None
    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 (open for the server's whole life)
    try:
        print(f"== {DATABASE}: migrate, load_demo, collectstatic", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        urls = demo_urls(env)
        print(f"== gunicorn, {workers} workers, on {base}", flush=True)
        server = start_gunicorn("karabakh_site.wsgi", port, workers, env, log)
        wait_until_up(base, server)
        warm_up(base, urls)
        pids = worker_pids(server.pid)
        before = {pid: rss_kib(pid) for pid in pids}

        # Below two seconds a slow page may finish no request at all in its window.
        seconds = max(2, round(duration / len(urls)))
        print(
            f"== wrk: {connections} connections, {seconds} s per URL, {len(urls)} URLs", flush=True
        )
        header = f"{'URL':<52} {'req/s':>8} {'non-2xx/3xx':>11} {'socket':>6} {'p50 ms':>8} {'p99 ms':>8}"
        print(header)
        failed = 0
        total_requests = 0
        problems = []
        for url in urls:
            result = run_wrk(
                wrk, script, base + url, seconds=seconds, connections=connections, timeout=timeout
            )
            socket_errors = result["socket_errors"]
            failed += socket_errors + result["status"]
            total_requests += result["requests"]
            if not result["requests"]:
                problems.append(f"{url}: no request finished in {seconds} s")
            rate = result["rate"]
            print(
                f"{url:<52} {rate:>8.1f} {result['status']:>11} {socket_errors:>6} "
                f"{result['p50_us'] / 1000:>8.1f} {result['p99_us'] / 1000:>8.1f}",
                flush=True,
            )
            # gunicorn still answers the requests queued when wrk stopped; the next URL's run
            # starts once they are done, so it is not charged for them.
            wait_until_up(base, server)

        after_pids = worker_pids(server.pid)
        print(f"\n{total_requests} requests, {failed} failed")
        if failed:
            problems.append(f"{failed} requests failed")
        if after_pids != pids:
            problems.append(f"workers were replaced ({pids} -> {after_pids}): see gunicorn's log")
        print(f"{'worker':<10} {'RSS before MiB':>14} {'after MiB':>10} {'growth':>7}")
        for pid in pids:
            if pid not in after_pids:
                continue
            now = rss_kib(pid)
            growth = (now - before[pid]) / before[pid]
            print(f"{pid:<10} {before[pid] / 1024:>14.1f} {now / 1024:>10.1f} {growth:>7.1%}")
            if growth >= MEMORY_GROWTH_LIMIT:
                problems.append(f"worker {pid} memory grew {growth:.1%} (limit 20%)")
        for problem in problems:
            print(f"FAIL: {problem}", file=sys.stderr)
        if problems:
            print((tmp / "gunicorn.log").read_text()[-4000:], file=sys.stderr)
        return 1 if problems else 0
    finally:
        stop_server(server)
        log.close()
        admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
