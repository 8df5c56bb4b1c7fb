"""Speed and memory benchmarks (`make bench`); the targets are in docs/benchmarks.md.

Builds a larger archive than the demo in a throwaway database (the demo plus synthetic articles,
FAQ entries, timeline entries and sources, all published with a citation), then times every page
type and the main API lists through Django's test client in this process, and records peak memory.
Exits non-zero when a target is missed. Not collected by pytest: timed tests would be flaky.
"""

import argparse
import datetime
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# A throwaway database of its own, unless one is given (PostgreSQL: an empty database).
_tmp = tempfile.mkdtemp(prefix="karabakh-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "karabakh_site.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("API_ANON_THROTTLE_RATE", "1000000/minute")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, ArticleCitation  # noqa: E402
from faq.models import FAQCitation, FAQEntry, FAQGroup  # noqa: E402
from karabakh_site.core.models import Publishable, Source, Topic  # noqa: E402
from timeline.models import TimelineCitation, TimelineEntry  # noqa: E402

# Median and 95th-percentile milliseconds per request, at the scale built below.
PAGE_TARGET_MS = {"median": 150, "p95": 300}
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
PEAK_RSS_TARGET_MB = 400

BODY = (
    "Talks resumed after the ceasefire.[^1] Both governments issued statements, and observers "
    "reported movement along the line of contact.[^2]\n\n" * 6
)
# Timeline summaries are short: a paragraph or two, as in the demo archive.
SUMMARY = "Talks resumed after the ceasefire.[^1] Observers reported movement along the line.[^2]"


def build_archive(scale: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    now = timezone.now()
    topics = list(Topic.objects.all())
    sources = Source.objects.bulk_create(
        Source(
            title=f"Synthetic report {n}",
            url=f"https://bench.example.org/reports/{n}",
            url_key=f"bench.example.org/reports/{n}",
            publisher=f"Publisher {n % 40}",
            kind=Source.Kind.NEWS_AGENCY,
            language="en",
        )
        for n in range(scale * 5)
    )
    group = FAQGroup.objects.first()

    def cite(items, citation_model, field):
        citation_model.objects.bulk_create(
            citation_model(**{field: item}, source=sources[(i * 2 + k) % len(sources)], position=k)
            for i, item in enumerate(items)
            for k in (1, 2)
        )

    # Saved one by one so Markdown is rendered and search vectors are stored, as in real use;
    # published once their citations exist, as the rule requires.
    articles = []
    for n in range(scale):
        article = Article(
            title=f"Synthetic article {n} on the ceasefire",
            slug=f"synthetic-article-{n}",
            standfirst="A synthetic article for benchmarks.",
            body=BODY,
        )
        article.save()
        articles.append(article)
    cite(articles, ArticleCitation, "article")
    entries = []
    for n in range(scale * 2):
        entry = TimelineEntry(
            title=f"Synthetic event {n}",
            slug=f"synthetic-event-{n}",
            date=datetime.date(1988 + n % 37, 1 + n % 12, 1 + n % 28),
            summary=SUMMARY,
            category=TimelineEntry.Category.choices[n % 5][0],
            key_event=n % 10 == 0,
        )
        entry.save()
        entries.append(entry)
    cite(entries, TimelineCitation, "entry")
    faqs = []
    for n in range(scale // 2):
        faq = FAQEntry(
            question=f"Synthetic question {n}?", slug=f"synthetic-q-{n}", answer=BODY, group=group
        )
        faq.save()
        faqs.append(faq)
    cite(faqs, FAQCitation, "entry")
    for model, items in ((Article, articles), (TimelineEntry, entries), (FAQEntry, faqs)):
        model.objects.filter(pk__in=[i.pk for i in items]).update(
            status=Publishable.Status.PUBLISHED, publish_at=now - datetime.timedelta(days=1)
        )
        for item in items[:: max(1, len(items) // 20)]:
            item.topics.set(topics[:2])


def measure(client: Client, url: str, repeat: int) -> dict:
    client.get(url)  # warm caches and imports
    timings = []
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured)  # now: the log is reset by every request that follows
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "url": url,
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": queries,
        "median": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, int(len(timings) * 0.95))],
    }


def measure_rendering() -> list[str]:
    """Worst-case Markdown rendering at the maximum field size (karabakh_site.markdown)."""
    from karabakh_site.markdown import MAX_MARKDOWN_LENGTH, render_markdown

    failures = []
    print(f"\n{'Markdown, ' + format(MAX_MARKDOWN_LENGTH, ',') + ' characters':45} {'ms':>8}")
    for name, unit in PATHOLOGICAL.items():
        text = (unit * (MAX_MARKDOWN_LENGTH // len(unit) + 1))[:MAX_MARKDOWN_LENGTH]
        started = time.perf_counter()
        render_markdown(text)
        elapsed = (time.perf_counter() - started) * 1000
        print(f"{name:45} {elapsed:>8.1f}")
        if elapsed > RENDER_TARGET_MS:
            failures.append(f"rendering {name}: {elapsed:.0f} ms > {RENDER_TARGET_MS} ms")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=200, help="synthetic articles (default 200)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per URL")
    args = parser.parse_args()

    started = time.perf_counter()
    build_archive(args.scale)
    print(
        f"Archive: {Article.objects.published().count()} articles, "
        f"{TimelineEntry.objects.published().count()} timeline entries, "
        f"{FAQEntry.objects.published().count()} FAQ entries, {Source.objects.count()} sources "
        f"on {connection.vendor} (built in {time.perf_counter() - started:.1f} s)"
    )
    article = Article.objects.published().first()
    entry = TimelineEntry.objects.published().first()
    source = Source.objects.first()
    topic = Topic.objects.first()
    urls = [
        "/en/",
        "/en/articles/",
        f"/en/articles/{article.slug}/",
        "/en/faq/",
        "/en/timeline/",
        "/en/timeline/?category=military",
        f"/en/timeline/{entry.slug}/",
        "/en/sources/",
        f"/en/sources/{source.pk}/",
        f"/en/topics/{topic.slug}/",
        "/en/search/?q=ceasefire",
        "/sitemap.xml",
        "/api/v1/articles/?page_size=100",
        "/api/v1/timeline/?page_size=100",
        "/api/v1/sources/?page_size=100",
        f"/api/v1/articles/{article.slug}/",
        "/api/v1/search/?q=ceasefire",
    ]
    client = Client()
    results = [measure(client, url, args.repeat) for url in urls]
    failures = []
    print(f"\n{'URL':45} {'status':>6} {'KiB':>7} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for r in results:
        print(
            f"{r['url']:45} {r['status']:>6} {r['bytes'] / 1024:>7.1f} {r['queries']:>7} "
            f"{r['median']:>10.1f} {r['p95']:>8.1f}"
        )
        if r["status"] != 200:
            failures.append(f"{r['url']} answered {r['status']}")
        for key, target in PAGE_TARGET_MS.items():
            if r[key] > target:
                failures.append(f"{r['url']}: {key} {r[key]:.0f} ms > {target} ms")
    failures += measure_rendering()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak memory (RSS): {peak_mb:.0f} MB (target {PEAK_RSS_TARGET_MB} MB)")
    if peak_mb > PEAK_RSS_TARGET_MB:
        failures.append(f"peak memory {peak_mb:.0f} MB > {PEAK_RSS_TARGET_MB} MB")
    if failures:
        print("\nTargets missed:\n  " + "\n  ".join(failures))
        return 1
    print(
        f"\nAll targets met: median ≤ {PAGE_TARGET_MS['median']} ms, p95 ≤ {PAGE_TARGET_MS['p95']} ms."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
