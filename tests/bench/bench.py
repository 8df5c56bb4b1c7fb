"""Speed benchmark (`make bench`): the site under gunicorn against Django's own ceiling.

Method and targets: docs/benchmarks.md. In short: a throwaway database (PostgreSQL on
DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432; SQLite with --sqlite) is
migrated and filled by `manage.py generate_archive` at the chosen scale; gunicorn serves it as
`make serve` does (2 sync workers, DEBUG off) with the shared cache on Redis (CACHE_URL, else
redis://127.0.0.1:6379/7 when it answers, else the database cache), once warm (the page cache on,
the default) and once cold (PAGE_CACHE_SECONDS=0); wrk drives each URL from its own process (2
threads, 16 connections) after a warm-up, several runs, medians. The same gunicorn settings serve
tests/bench/ceiling.py (one Django view answering 1 KB) before and after: the ceiling every
page's requests/s are divided by. SQL queries per request are counted in-process through the test
client on the same database and settings. The table goes to the terminal and, between markers, to
docs/benchmarks.md. Also times Markdown rendering of pathological input.

Exit status: 1 on any error (a status outside 2xx/3xx, a socket error or timeout, a URL that
answers nothing); targets missed are printed, and fail the run only with --strict. --smoke is the
CI check that all of it works: a tiny archive, one short run per URL, no timing asserted, the docs
left alone. Not collected by pytest (not a test_*.py file; timed tests would be flaky).
"""

import argparse
import datetime
import importlib.metadata
import json
import math
import os
import platform
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from serving import (
    PYTHON,
    ROOT,
    WRK_REPORT,
    admin_sql,
    database_urls,
    ensure_wrk,
    manage,
    rss_kib,
    run_wrk,
    server_env,
    start_gunicorn,
    stop_server,
    wait_until_up,
    worker_pids,
)

DOCS = ROOT / "docs" / "benchmarks.md"
FIGURES_START = "<!-- bench:figures:start (written by make bench: edit the prose around it) -->"
FIGURES_END = "<!-- bench:figures:end -->"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"  # a database of its own: it is flushed

# The targets of issue 16 (docs/benchmarks.md, "Targets").
WARM_SHARE = 0.50
COLD_SHARE = 0.10
SEARCH_COLD_SHARE = 0.08
P99_WARM_MS = 100
WORKER_RSS_MB = 120
GROWTH_LIMIT = 1.3
# The slowest a Markdown field of the maximum size may take to render, whatever it holds.
RENDER_TARGET_MS = 500
# Input that made Python-Markdown quadratic, each at MAX_MARKDOWN_LENGTH characters.
PATHOLOGICAL = {
    "open brackets": "[",
    "nested brackets": "[[]]",
    "reference links": "[a][b",
    "images": "![a](",
    "emphasis": "*a_",
    "plain prose": "Talks resumed after the ceasefire.[^1] ",
}

# generate_archive's counts. "moderate" is the default: about ten minutes on this 2-core machine;
# "target" is the scale the targets are set for.
SCALES = {
    "smoke": {"articles": 20, "events": 40, "faq": 10, "sources": 100, "topics": 5, "places": 5},
    "small": {"articles": 1000, "events": 2000, "faq": 100, "sources": 5000, "topics": 20,
              "places": 40},
    "moderate": {"articles": 2000, "events": 4000, "faq": 200, "sources": 10000, "topics": 40,
                 "places": 80},
    "target": {"articles": 10000, "events": 20000, "faq": 500, "sources": 50000, "topics": 100,
               "places": 200},
}  # fmt: skip
COUNTS = ("articles", "events", "faq", "sources", "topics", "places")
ARTICLES_PER_PAGE = 20  # articles.views.ArticleListView.paginate_by
DEEP_PAGE = 500
SEARCH_TERM = "ceasefire"


def scale_for(articles: int) -> dict:
    """Counts in the target scale's proportions for a number of articles (--growth)."""
    target = SCALES["target"]
    ratio = articles / target["articles"]
    return {key: max(5, round(value * ratio)) for key, value in target.items()} | {
        "articles": articles
    }


# --- In-process probes: run as `bench.py --probe MODE` with the server's environment, so the
# --- counts come from the same database, cache and settings gunicorn has.


def probe_main(mode: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "karabakh_site.settings")
    import django

    django.setup()
    request = json.loads(sys.stdin.read() or "{}")
    from django.test.utils import override_settings

    # One Django start for everything (each costs seconds on a busy machine): the Markdown check,
    # the URLs, and their query counts cold then warm. The page cache reads
    # settings.PAGE_CACHE_SECONDS on every request (core.page_cache), which is what the server's
    # PAGE_CACHE_SECONDS=0 sets, so overriding the setting here is the same switch.
    result = {"render": probe_render(request) if request.get("render") else []}
    with override_settings(PAGE_CACHE_SECONDS=0):
        result["found"] = probe_discover(request)
        paths = [url["path"] for url in result["found"]["urls"]]
        result["cold"] = probe_queries({"paths": paths, "warm": False})
    result["warm"] = probe_queries({"paths": paths, "warm": True})
    print("PROBE " + json.dumps(result))


def probe_render(request: dict) -> list:
    """Worst-case Markdown rendering at the maximum field size (karabakh_site.markdown)."""
    from karabakh_site.markdown import MAX_MARKDOWN_LENGTH, render_markdown

    timings = []
    for name, unit in PATHOLOGICAL.items():
        text = (unit * (MAX_MARKDOWN_LENGTH // len(unit) + 1))[:MAX_MARKDOWN_LENGTH]
        started = time.perf_counter()
        render_markdown(text)
        timings.append({"name": name, "ms": (time.perf_counter() - started) * 1000})
    return [{"length": MAX_MARKDOWN_LENGTH, **t} for t in timings]


def probe_discover(request: dict) -> dict:
    """The URLs to measure at this scale: which article, entry, category, deep page, sitemap part."""
    from django.db.models import Count
    from django.test import Client
    from django.utils import translation

    from articles.models import Article
    from faq.models import FAQEntry
    from karabakh_site.core.models import Source
    from timeline.models import TimelineEntry

    articles = Article.objects.published()
    entries = TimelineEntry.objects.published()
    article = articles.order_by("-publish_at", "-id").first()
    entry = entries.order_by("date", "id").first()
    if article is None or entry is None:
        sys.exit(
            "generate_archive made no published article or timeline entry: nothing to measure."
        )
    category = (
        entries.values("category").annotate(n=Count("id")).order_by("-n", "category").first()
    )["category"]
    last_page = max(1, math.ceil(articles.count() / ARTICLES_PER_PAGE))
    deep = min(DEEP_PAGE, last_page)

    client = Client(raise_request_exception=False)
    sitemap = client.get("/sitemap.xml")
    part = None
    if sitemap.status_code == 200 and b"<sitemapindex" in sitemap.content:
        locs = re.findall(rb"<loc>\s*([^<\s]+)\s*</loc>", sitemap.content)
        paths = [urlsplit(loc.decode()).path for loc in locs]
        # The articles' part when there is one: it grows with the archive.
        part = next((p for p in paths if "article" in p), paths[0] if paths else None)

    urls = []
    for language in request["languages"]:
        with translation.override(language):
            article_url = article.get_absolute_url()
            entry_url = entry.get_absolute_url()
        p = f"/{language}"
        lang = "" if language == "en" else f"lang={language}"
        urls += [
            (language, "home", "home", f"{p}/"),
            (language, "articles", "articles", f"{p}/articles/"),
            (language, "article", "an article", article_url),
            (language, "deep", f"articles, page {deep}", f"{p}/articles/?page={deep}"),
            (language, "timeline", "timeline", f"{p}/timeline/"),
            (language, "filtered", f"timeline, {category}", f"{p}/timeline/?category={category}"),
            (language, "entry", "a timeline entry", entry_url),
            (language, "faq", "FAQ", f"{p}/faq/"),
            (language, "sources", "sources", f"{p}/sources/"),
            (language, "search", "search", f"{p}/search/?q={SEARCH_TERM}"),
            (language, "api-articles", "API articles", "/api/v1/articles/" + (f"?{lang}" if lang else "")),
            (language, "api-timeline", "API timeline", "/api/v1/timeline/?date_after=2000-01-01" + (f"&{lang}" if lang else "")),
            (language, "api-search", "API search", f"/api/v1/search/?q={SEARCH_TERM}" + (f"&{lang}" if lang else "")),
        ]  # fmt: skip
        if language == request["languages"][0]:
            urls.append(("", "sitemap", "sitemap" + (" index" if part else ""), "/sitemap.xml"))
            if part:
                urls.append(("", "sitemap-part", "a sitemap part", part))
    return {
        "urls": [
            {"key": f"{key}:{language}", "label": label, "path": path, "language": language}
            for language, key, label, path in urls
        ],
        "article": article.slug,
        "entry": entry.slug,
        "category": category,
        "deep_page": deep,
        "last_page": last_page,
        "sitemap_index": bool(part),
        "counts": {
            "articles": articles.count(),
            "events": entries.count(),
            "faq": FAQEntry.objects.published().count(),
            "sources": Source.objects.count(),
        },
    }


def probe_queries(request: dict) -> dict:
    """SQL queries for one request to each URL: cold (the page cache off: one request), or warm
    (a first request fills the cache, the second is counted)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    answers = {}
    for path in request["paths"]:
        if request["warm"]:
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        answers[path] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(captured),
        }
    return answers


def probe(env: dict, mode: str, request: dict | None = None):
    result = subprocess.run(
        [str(PYTHON), __file__, "--probe", mode],
        cwd=ROOT,
        env={**env, "DJANGO_ALLOWED_HOSTS": env["DJANGO_ALLOWED_HOSTS"] + ",testserver"},
        input=json.dumps(request or {}),
        capture_output=True,
        text=True,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("PROBE ")]
    if result.returncode != 0 or not lines:
        sys.stderr.write(result.stderr[-4000:])
        sys.exit(f"The in-process probe ({mode}) failed with {result.returncode}.")
    return json.loads(lines[-1][len("PROBE ") :])


# --- The machine and the software, for the record.


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text()
    total = int(re.search(r"^MemTotal:\s*(\d+)", meminfo, re.M).group(1))
    return {
        "cpu": model.group(1).strip() if model else platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "usable cores": len(os.sched_getaffinity(0)),
        "ram_gib": total / 1024 / 1024,
        "kernel": platform.release(),
    }


def versions(wrk: str, maintenance_url: str | None, cache_url: str) -> dict:
    found = {
        "Python": platform.python_version(),
        "Django": importlib.metadata.version("django"),
        "gunicorn": importlib.metadata.version("gunicorn"),
    }
    if maintenance_url:
        found["PostgreSQL"] = admin_sql(maintenance_url, "SHOW server_version")[0][0].split()[0]
    else:
        import sqlite3

        found["SQLite"] = sqlite3.sqlite_version
    if cache_url.startswith("redis"):
        import redis

        found["Redis"] = redis.Redis.from_url(cache_url).info("server")["redis_version"]
    output = subprocess.run([wrk, "-v"], capture_output=True, text=True)
    words = (output.stdout + output.stderr).split()
    found["wrk"] = words[1] if len(words) > 1 and words[0] == "wrk" else "unknown"
    return found


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(
            redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
        )
    except redis.RedisError:
        return False


def free_port() -> int:
    # The kernel's choice: others on this machine run servers of their own.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Measuring.


class Bench:
    def __init__(self, args, wrk: str, env: dict, tmp: Path):
        self.args = args
        self.wrk = wrk
        self.env = env
        self.tmp = tmp
        self.script = tmp / "report.lua"
        self.script.write_text(WRK_REPORT)
        self.log = open(tmp / "gunicorn.log", "a")  # noqa: SIM115 (open for the whole run)
        self.errors = []  # always fatal

    def wrk_runs(self, url: str, runs: int) -> list[dict]:
        results = []
        for _ in range(runs):
            results.append(
                run_wrk(self.wrk, self.script, url, seconds=self.args.duration,
                        connections=self.args.connections, timeout=self.args.timeout,
                        threads=self.args.threads)
            )  # fmt: skip
        return results

    def serve(self, app: str, env: dict, extra=()):
        port = free_port()
        server = start_gunicorn(app, port, self.args.workers, env, self.log, *extra)
        return server, f"http://127.0.0.1:{port}"

    def ceiling(self) -> list[dict]:
        env = dict(self.env)
        env.pop("DJANGO_SETTINGS_MODULE", None)  # ceiling.py configures its own settings
        server, base = self.serve("ceiling:application", env, ("--pythonpath", "tests/bench"))
        try:
            wait_until_up(base, server, "/")
            if self.args.warmup:
                run_wrk(self.wrk, self.script, base + "/", seconds=self.args.warmup,
                        connections=self.args.connections, timeout=self.args.timeout,
                        threads=self.args.threads)  # fmt: skip
            runs = self.wrk_runs(base + "/", self.args.runs)
        finally:
            stop_server(server)
        for r in runs:
            if r["status"] or r["socket_errors"] or not r["requests"]:
                self.errors.append(f"the ceiling: {r['status']} non-2xx/3xx, "
                                   f"{r['socket_errors']} socket errors")  # fmt: skip
        return runs

    def clear_cache(self, env: dict) -> None:
        """Each phase starts from an empty cache: Redis's FLUSHDB of the bench's database, or
        the database cache's table emptied."""
        url = env.get("CACHE_URL", "")
        if url.startswith("redis"):
            import redis

            redis.Redis.from_url(url).flushdb()
        else:
            code = "from django.core.cache import cache; cache.clear()"
            manage(env, "shell", "--no-imports", "-c", code)

    def phase(self, name: str, urls: list[dict]) -> dict:
        """One server, every URL: a status check, a warm-up, the runs; worker memory around them."""
        env = dict(self.env)
        # Warm is the page cache's default, whatever the shell says; cold switches it off.
        env.pop("PAGE_CACHE_SECONDS", None)
        if name == "cold":
            env["PAGE_CACHE_SECONDS"] = "0"
        self.clear_cache(env)
        server, base = self.serve("karabakh_site.wsgi", env)
        results = {}
        try:
            wait_until_up(base, server)
            # Each URL once per worker (at least) before memory is read: imports, templates,
            # the database connection.
            for url in urls:
                for _ in range(1 if self.args.smoke else 2 * self.args.workers):
                    status = fetch_status(base + url["path"])
                    if not 200 <= status < 400:
                        self.errors.append(f"{name}: {url['path']} answered {status}")
                        break
            pids = worker_pids(server.pid)
            before = {pid: rss_kib(pid) for pid in pids}
            say(
                f"{name}: {len(urls)} URLs, {self.args.runs} × {self.args.duration} s each "
                f"after {self.args.warmup} s of warm-up"
            )
            print(f"{'URL':<58} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
            for url in urls:
                target = base + url["path"]
                warm_errors = 0
                if self.args.warmup:
                    w = run_wrk(self.wrk, self.script, target, seconds=self.args.warmup,
                                connections=self.args.connections, timeout=self.args.timeout,
                                threads=self.args.threads)  # fmt: skip
                    warm_errors = w["status"] + w["socket_errors"]
                    wait_until_up(base, server)
                runs = []
                for _ in range(self.args.runs):
                    runs += self.wrk_runs(target, 1)
                    # gunicorn still answers the requests queued when wrk stopped; the next
                    # run starts once they are done, so it is not charged for them (nor,
                    # in a 1 s smoke run, left with no time to finish one of its own).
                    wait_until_up(base, server)
                result = summarise(runs)
                result["errors"] += warm_errors
                results[url["path"]] = result
                print(f"{url['path'][:58]:<58} {result['rps']:>8.1f} {result['p50']:>8.1f} "
                      f"{result['p99']:>8.1f} {result['errors']:>6}", flush=True)  # fmt: skip
                if result["errors"]:
                    self.errors.append(f"{name}: {url['path']}: {result['errors']} errors")
                # A page slower than a run (the status check above saw it answer) is a missed
                # target, not an error: its req/s is 0, and the table says so.
                result["empty_runs"] = sum(1 for r in runs if not r["requests"])
            after_pids = worker_pids(server.pid)
            if after_pids != pids:
                self.errors.append(f"{name}: workers were replaced ({pids} -> {after_pids})")
            rss = [
                {"pid": pid, "before": before[pid] / 1024, "after": rss_kib(pid) / 1024}
                for pid in pids
                if pid in after_pids
            ]
        finally:
            stop_server(server)
        return {"results": results, "rss": rss}


def fetch_status(url: str) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": "karabakh-bench"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def summarise(runs: list[dict]) -> dict:
    return {
        "rps": statistics.median(r["rate"] for r in runs),
        "p50": statistics.median(r["p50_us"] for r in runs) / 1000,
        "p99": statistics.median(r["p99_us"] for r in runs) / 1000,
        "errors": sum(r["status"] + r["socket_errors"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "runs": len(runs),
    }


# --- Reporting.


def display(url: dict, found: dict) -> str:
    path = url["path"].replace(found["article"], "<article>").replace(found["entry"], "<entry>")
    return f"`{path}`"


def scale_table(scale: dict) -> list[str]:
    found, ceiling = scale["found"], scale["ceiling_rps"]
    lines = [
        "| URL | page | warm req/s | warm % of ceiling | warm p50 / p99 ms | cold req/s "
        "| cold % of ceiling | cold p50 / p99 ms | errors | queries warm / cold |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for url in found["urls"]:
        path = url["path"]
        cells = [display(url, found), url["label"]]
        errors = 0
        for phase in ("warm", "cold"):
            r = scale["phases"][phase]["results"].get(path)
            if r is None:
                cells += ["–", "–", "–"]
                continue
            errors += r["errors"]
            if r.get("empty_runs"):
                # No request finished within some runs: the medians would read as 0 ms.
                slow = f"none finished in {r['empty_runs']} of {r['runs']} runs"
                cells += [f"{r['rps']:,.1f}", f"{r['rps'] / ceiling:.1%}", slow]
                continue
            cells += [f"{r['rps']:,.0f}", f"{r['rps'] / ceiling:.1%}",
                      f"{r['p50']:,.1f} / {r['p99']:,.1f}"]  # fmt: skip
        q = scale["queries"]
        cells += [str(errors), f"{q['warm'][path]['queries']} / {q['cold'][path]['queries']}"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def describe_scale(scale: dict) -> str:
    c, found = scale["counts"], scale["found"]
    made = found["counts"]
    return (
        f"generate_archive --articles {c['articles']:,} --events {c['events']:,} "
        f"--faq {c['faq']:,} --sources {c['sources']:,} --topics {c['topics']} "
        f"--places {c['places']}: {made['articles']:,} published articles "
        f"({found['last_page']:,} list pages, so the deep page measured is page "
        f"{found['deep_page']}), {made['events']:,} timeline entries, {made['faq']:,} FAQ "
        f"entries, {made['sources']:,} sources; timeline filter category={found['category']}; "
        f"the sitemap is {'an index (its articles part measured)' if found['sitemap_index'] else 'one file'}"
    )


def growth_rows(small: dict, big: dict) -> tuple[list[str], list[str]]:
    """p50 at the big scale over p50 at the small, per URL (matched by label and language)."""

    def keyed(scale):
        return {u["key"]: u for u in scale["found"]["urls"]}

    small_urls, big_urls = keyed(small), keyed(big)
    lines = [
        f"| page | {small['counts']['articles']:,} → {big['counts']['articles']:,} articles: "
        "warm p50 ratio | cold p50 ratio |",
        "| --- | ---: | ---: |",
    ]
    missed = []
    for key, big_url in big_urls.items():
        if key not in small_urls:
            continue
        small_path, big_path = small_urls[key]["path"], big_url["path"]
        cells = []
        for phase in ("warm", "cold"):
            a = small["phases"][phase]["results"].get(small_path)
            b = big["phases"][phase]["results"].get(big_path)
            if not a or not b or not a["p50"]:
                cells.append("–")
                continue
            ratio = b["p50"] / a["p50"]
            cells.append(f"{ratio:.2f}×")
            if ratio > GROWTH_LIMIT:
                missed.append(f"growth {phase} {big_path}: {ratio:.2f}× > {GROWTH_LIMIT}×")
        label = big_url["label"] + (f" ({big_url['language']})" if big_url["language"] else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines, missed


def check_targets(scale: dict, render: list) -> list[str]:
    missed = []
    ceiling = scale["ceiling_rps"]
    for url in scale["found"]["urls"]:
        path, search = url["path"], "search" in url["label"]
        warm = scale["phases"]["warm"]["results"].get(path)
        cold = scale["phases"]["cold"]["results"].get(path)
        if warm and warm["rps"] < WARM_SHARE * ceiling:
            missed.append(f"warm {path}: {warm['rps'] / ceiling:.1%} of the ceiling "
                          f"< {WARM_SHARE:.0%}")  # fmt: skip
        if warm and warm["p99"] >= P99_WARM_MS:
            missed.append(f"warm {path}: p99 {warm['p99']:.0f} ms ≥ {P99_WARM_MS} ms")
        share = SEARCH_COLD_SHARE if search else COLD_SHARE
        if cold and cold["rps"] < share * ceiling:
            missed.append(f"cold {path}: {cold['rps'] / ceiling:.1%} of the ceiling < {share:.0%}")
    for phase in ("warm", "cold"):
        for worker in scale["phases"][phase]["rss"]:
            if worker["after"] >= WORKER_RSS_MB:
                missed.append(f"{phase}: worker {worker['pid']} at {worker['after']:.0f} MB "
                              f"≥ {WORKER_RSS_MB} MB")  # fmt: skip
    for r in render:
        if r["ms"] > RENDER_TARGET_MS:
            missed.append(f"rendering {r['name']}: {r['ms']:.0f} ms > {RENDER_TARGET_MS} ms")
    return missed


def report(run: dict) -> tuple[str, list[str]]:
    """The figures section as Markdown, and the targets missed."""
    m, v = run["machine"], run["versions"]
    lines = [
        f"### Figures ({run['date']}, {run['database']}, {run['cache']})",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores ({m['usable cores']} usable), "
        f"{m['ram_gib']:.1f} GiB RAM, Linux {m['kernel']}; load average "
        f"{run['load_before']} before, {run['load_after']} after (1/5/15 min; other processes "
        "share these cores).",
        "",
        "Versions: " + ", ".join(f"{k} {value}" for k, value in v.items()) + ".",
        "",
        f"Command: `{run['command']}` ({run['minutes']:.1f} minutes). gunicorn: "
        f"{run['workers']} sync workers; wrk: {run['threads']} threads, {run['connections']} "
        f"connections, {run['runs']} run(s) of {run['duration']} s per URL after "
        f"{run['warmup']} s of warm-up, medians of the runs.",
        "",
    ]
    missed = []
    for scale in run["scales"]:
        ceiling_runs = scale["ceiling_runs"]
        lines += [
            f"#### Scale: {scale['name']}",
            "",
            describe_scale(scale) + ".",
            "",
            f"Ceiling (tests/bench/ceiling.py, 1,024 bytes): **{scale['ceiling_rps']:,.0f} "
            f"requests/s** (median of {len(ceiling_runs)} runs, before and after the pages: "
            + ", ".join(f"{r['rate']:,.0f}" for r in ceiling_runs)
            + f"); p50 {statistics.median(r['p50_us'] for r in ceiling_runs) / 1000:.1f} ms.",
            "",
            *scale_table(scale),
            "",
            f"`<article>` is `{scale['found']['article']}`, `<entry>` is "
            f"`{scale['found']['entry']}`. Errors: statuses outside 2xx/3xx and socket errors, "
            "warm and cold together, warm-ups included. Queries: one request counted in-process "
            "through the test client (warm: the second request, after one that fills the cache).",
            "",
            "Worker RSS (from /proc, MB, target < 120): "
            + "; ".join(
                f"{phase} "
                + ", ".join(
                    f"{w['before']:.0f} → {w['after']:.0f}" for w in scale["phases"][phase]["rss"]
                )
                for phase in ("warm", "cold")
            )  # fmt: skip
            + ".",
            "",
        ]
        missed += [f"{scale['name']}: {item}" for item in check_targets(scale, [])]
    if len(run["scales"]) == 2:
        rows, growth_missed = growth_rows(*run["scales"])
        lines += ["#### Growth", "", *rows, ""]
        missed += growth_missed
    render = run["render"]
    lines += [
        f"Markdown rendering of pathological input ({render[0]['length']:,} characters, target "
        f"≤ {RENDER_TARGET_MS} ms): "
        + ", ".join(f"{r['name']} {r['ms']:.0f} ms" for r in render)
        + ".",
        "",
    ]
    missed += check_targets({"found": {"urls": []}, "ceiling_rps": 1,
                             "phases": {"warm": {"rss": []}, "cold": {"rss": []}}}, render)  # fmt: skip
    lines += ["Targets: " + ("all met." if not missed else f"{len(missed)} missed:"), ""]
    lines += [f"- {item}" for item in missed]
    return "\n".join(lines).rstrip() + "\n", missed


def write_docs(figures: str) -> None:
    text = DOCS.read_text()
    if FIGURES_START in text and FIGURES_END in text:
        head, rest = text.split(FIGURES_START, 1)
        _, tail = rest.split(FIGURES_END, 1)
    else:
        head, tail = text.rstrip() + "\n\n", "\n"
    DOCS.write_text(f"{head}{FIGURES_START}\n\n{figures}\n{FIGURES_END}{tail}")


# --- The run.


def parse_args():
    parser = argparse.ArgumentParser(
        description="Pages and API under gunicorn against Django's ceiling (docs/benchmarks.md)."
    )
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--scale", choices=sorted(SCALES), default="moderate",
                        help="a preset of generate_archive counts (default: moderate)")  # fmt: skip
    for name in COUNTS:
        parser.add_argument(f"--{name}", type=int, help=f"{name} to generate (overrides --scale)")
    parser.add_argument("--languages", default="hy,az,ru",
                        help="translations generate_archive makes (default hy,az,ru)")  # fmt: skip
    parser.add_argument("--second-language", default="ru",
                        help="the other language measured beside English (default ru)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per URL (median)")
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of wrk warm-up per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--timeout", type=int, default=10, help="wrk's per-request timeout, s")
    parser.add_argument("--smoke", action="store_true",
                        help="CI: a tiny archive, one 1 s run per URL, docs left alone")  # fmt: skip
    parser.add_argument("--growth", nargs="?", const="1000,10000", metavar="SMALL,BIG",
                        help="measure at two scales (article counts or preset names, default "
                        "1000,10000) and report p50 big / p50 small per URL")  # fmt: skip
    parser.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument("--strict", action="store_true", help="exit non-zero on a missed target")
    args = parser.parse_args()
    if args.smoke:
        args.scale, args.runs, args.duration, args.warmup, args.no_docs = "smoke", 1, 1, 0, True
    return args


def chosen_scales(args) -> list[tuple[str, dict]]:
    if args.growth:
        scales = []
        for item in args.growth.split(","):
            item = item.strip()
            if item in SCALES:
                scales.append((item, SCALES[item]))
            elif item.isdigit():
                scales.append((f"{int(item):,} articles", scale_for(int(item))))
            else:
                sys.exit(f"--growth takes two article counts or scale names, got {item!r}.")
        if len(scales) != 2:
            sys.exit("--growth takes two scales: SMALL,BIG.")
        return scales
    counts = dict(SCALES[args.scale])
    given = {name: getattr(args, name) for name in COUNTS if getattr(args, name) is not None}
    counts.update(given)
    return [(args.scale + (" with " + ", ".join(f"{k}={v}" for k, v in given.items()) if given
                           else ""), counts)]  # fmt: skip


def generate(env: dict, counts: dict, args) -> float:
    if not (ROOT / "karabakh_site/core/management/commands/generate_archive.py").exists():
        sys.exit("manage.py generate_archive does not exist yet: the bench needs it.")
    command = [str(PYTHON), "manage.py", "generate_archive", "--clear", "--seed", str(args.seed),
               "--languages", args.languages]  # fmt: skip
    for name in COUNTS:
        command += [f"--{name}", str(counts[name])]
    say(shlex.join(command[1:]))
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


STARTED = time.monotonic()


def say(message: str) -> None:
    """A progress line with the seconds since the start: where a slow run spends its time."""
    print(f"[{time.monotonic() - STARTED:5.0f} s] {message}", flush=True)


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    args = parse_args()
    if args.probe:
        probe_main(args.probe)
        return 0
    started = time.perf_counter()
    load_before = load_average()
    scales = chosen_scales(args)
    wrk = ensure_wrk("make bench")
    tmp = Path(tempfile.mkdtemp(prefix="karabakh-bench-"))
    # A name of its own per run: a lead's run and a helper's may overlap on one server.
    database = f"karabakh_bench_{os.getpid()}"
    if args.sqlite:
        database_url, maintenance_url = f"sqlite:///{tmp}/bench.sqlite3", None
    else:
        database_url, maintenance_url = database_urls(database, "The benchmark")
        admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {database}")
        admin_sql(maintenance_url, f"CREATE DATABASE {database}")
    cache_url = os.environ.get("CACHE_URL", "").strip()
    if not cache_url and redis_answers(DEFAULT_REDIS):
        cache_url = DEFAULT_REDIS
    env = server_env(database_url, CACHE_URL=cache_url)
    if not cache_url:
        env.pop("CACHE_URL")
    bench = Bench(args, wrk, env, tmp)
    run = {
        "date": datetime.date.today().isoformat(),
        "database": "SQLite" if args.sqlite else "PostgreSQL",
        "cache": f"cache {cache_url}" if cache_url else "the database cache (no Redis answered)",
        "machine": machine(),
        "versions": versions(wrk, maintenance_url, cache_url),
        "command": shlex.join(["tests/bench/bench.py", *sys.argv[1:]]),
        "scales": [],
        **{
            k: getattr(args, k)
            for k in ("workers", "threads", "connections", "runs", "duration", "warmup")
        },  # fmt: skip
    }
    try:
        say(f"{database_url}: migrate, collectstatic; {run['cache']}")
        # collectstatic needs no database: it runs beside migrate.
        static = subprocess.Popen(
            [str(PYTHON), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        manage(env, "migrate", "--noinput")
        if static.wait() != 0:
            sys.exit("collectstatic failed.")
        run["render"] = []
        for name, counts in scales:
            seconds = generate(env, counts, args)
            say(f"built in {seconds:.0f} s; finding the URLs, counting queries in-process")
            languages = ["en", args.second_language]
            warm_env = {k: v for k, v in env.items() if k != "PAGE_CACHE_SECONDS"}
            survey = probe(warm_env, "survey",
                           {"languages": languages, "render": not run["render"]})  # fmt: skip
            run["render"] = run["render"] or survey["render"]
            found = survey["found"]
            paths = [u["path"] for u in found["urls"]]
            queries = {"cold": survey["cold"], "warm": survey["warm"]}
            say(f"{found['counts']}: {len(paths)} URLs")
            for phase, answers in queries.items():
                for path, answer in answers.items():
                    if not 200 <= answer["status"] < 400:
                        bench.errors.append(
                            f"in-process {phase}: {path} answered {answer['status']}"
                        )
            say("the ceiling")
            ceiling_runs = bench.ceiling()
            phases = {phase: bench.phase(phase, found["urls"]) for phase in ("warm", "cold")}
            if not args.smoke:
                say("the ceiling again")
                ceiling_runs += bench.ceiling()
            run["scales"].append({
                "name": name, "counts": counts, "found": found, "queries": queries,
                "phases": phases, "ceiling_runs": ceiling_runs, "generate_seconds": seconds,
                "ceiling_rps": statistics.median(r["rate"] for r in ceiling_runs) or 1,
            })  # fmt: skip
        run["load_after"] = load_average()
        run["load_before"] = load_before
        run["minutes"] = (time.perf_counter() - started) / 60
        figures, missed = report(run)
        print("\n" + figures)
        if not args.no_docs:
            write_docs(figures)
            print(f"Wrote the figures to {DOCS.relative_to(ROOT)}.")
    finally:
        bench.log.close()
        if maintenance_url:
            admin_sql(maintenance_url, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        log_tail = (tmp / "gunicorn.log").read_text()[-4000:] if bench.errors else ""
        shutil.rmtree(tmp, ignore_errors=True)
    status = 0
    if bench.errors:
        print("ERRORS (always fatal):\n  " + "\n  ".join(bench.errors), file=sys.stderr)
        print(log_tail, file=sys.stderr)
        status = 1
    if missed:
        verdict = "FAIL (--strict)" if args.strict else "missed (not fatal without --strict)"
        shown = (
            missed[:5] + [f"... {len(missed) - 5} more"]
            if args.smoke and len(missed) > 5
            else missed
        )
        print(f"TARGETS {verdict}:\n  " + "\n  ".join(shown), file=sys.stderr)
        if args.strict:
            status = 1
    else:
        print("TARGETS: all met.")
    if args.smoke:
        print("Smoke run: it works; timings at this scale are not asserted.")
    return status


if __name__ == "__main__":
    sys.exit(main())
