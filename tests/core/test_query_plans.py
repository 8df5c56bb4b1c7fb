"""Fast at any size: an index behind every filter and ordering of the main lists (issue 16).

Builds an archive of a few thousand published articles, timeline entries and sources (bulk
inserts, each item cited, as the publishing rule requires), gathers statistics with ANALYZE, then
requests each main reader page and API list, asks PostgreSQL for the plan of every SELECT it ran
(EXPLAIN, not EXPLAIN ANALYZE: the plan is what grows with the archive), and fails on a
sequential scan of a large table. The planner chooses by itself on realistic statistics:
nothing here disables sequential scans. Small lookup tables (topics, FAQ groups, perspectives,
places) may be scanned: reading a handful of pages is what an index would cost too.

Queries that aggregate the whole matching set (a paginator's COUNT, a chart's per-year counts,
a list's facets) read every matching row whatever the indexes, so a scan there is allowed when
it is their only way to be answered; see AGGREGATES.
"""

import datetime
import random
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleCitation
from faq.models import FAQCitation, FAQEntry, FAQGroup
from karabakh_site.core.models import Perspective, Publishable, Source, Topic
from timeline.models import Place, TimelineCitation, TimelineEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="reads PostgreSQL query plans (EXPLAIN); set DATABASE_URL=postgres://...",
    ),
]

# Enough rows that a sequential scan costs more than an index would, by the planner's own sums.
SIZE = 3_000
# A table with more rows than this may not be read whole by a page that shows 20 to 100 items.
LARGE = 1_000

PUBLISHED = Publishable.Status.PUBLISHED

WORDS = [
    "ceasefire",
    "talks",
    "border",
    "village",
    "corridor",
    "refugees",
    "shelling",
    "council",
    "minister",
    "report",
    "agreement",
    "mediation",
    "trilateral",
    "statement",
    "convoy",
    "checkpoint",
    "negotiations",
    "humanitarian",
    "province",
    "observers",
    "casualties",
    "displacement",
    "monument",
    "church",
    "mosque",
    "archive",
    "court",
    "ruling",
    "hearing",
    "delegation",
    "exchange",
    "prisoners",
    "mountain",
    "highway",
    "airport",
    "blockade",
    "referendum",
]


def _text(n: int, words: int) -> str:
    """Prose of ``words`` words that differs from item to item, so rows are as wide as real ones
    (identical text would compress to nothing and make every table look small)."""
    rng = random.Random(n)
    return " ".join(rng.choice(WORDS) + str(rng.randrange(100)) for _ in range(words))


def _vector(text: str) -> str:
    """A tsvector literal for ``text``, as SearchIndexed would store (without a second write
    per row, which would leave every table half dead tuples)."""
    positions = {}
    for position, word in enumerate(text.lower().split(), start=1):
        positions.setdefault(word, []).append(str(position))
    return " ".join(f"'{word}':{','.join(spots[:3])}" for word, spots in positions.items())


def _insert(model, rows):
    # In batches: one INSERT of thousands of wide rows (and their search index entries) would
    # outlast the connection's statement timeout (DATABASE_STATEMENT_TIMEOUT_MS).
    return model.objects.bulk_create(rows, batch_size=500)


def _build_archive():
    now = timezone.now()
    perspectives = list(Perspective.objects.all())
    topics = _insert(Topic, [Topic(name=f"Topic {n}", slug=f"plan-topic-{n}") for n in range(8)])
    places = _insert(
        Place, [Place(slug=f"plan-place-{n}", name_en=f"Place {n}") for n in range(30)]
    )
    group = FAQGroup.objects.create(name="Plan group", slug="plan-group")
    # Three sources per item kind, so each source is cited by one item, as most are.
    sources = _insert(
        Source,
        [
            Source(
                title=f"Report {n}: {_text(n, 8)}",
                url=f"https://plans.example.org/reports/{n}",
                url_key=f"plans.example.org/reports/{n}",
                publisher=f"Publisher {n % 150}",
                kind=Source.Kind.choices[n % len(Source.Kind.choices)][0],
                perspective=perspectives[n % len(perspectives)] if perspectives else None,
                language=("en", "ru", "hy", "az")[n % 4],
                notes=_text(-n, 15) if n % 4 == 0 else "",
                search_vector=_vector(f"Report {n} {_text(n, 8)} Publisher {n % 150}"),
            )
            for n in range(SIZE)
        ],
    )

    def status(n):
        # Mostly published, as an archive is; some drafts, items in review and withdrawn ones.
        if n % 50 == 1:
            return Publishable.Status.DRAFT
        if n % 50 == 2:
            return Publishable.Status.IN_REVIEW
        if n % 50 == 3:
            return Publishable.Status.WITHDRAWN
        return PUBLISHED

    def withdraw_at(n):
        # Withdrawn items keep their withdraw time; a few published ones have one set, passed
        # (expired) or to come.
        if n % 50 in (3, 4):
            return now - datetime.timedelta(days=n % 7 + 1)
        if n % 50 == 5:
            return now + datetime.timedelta(days=n % 7 + 1)
        return None

    def publish_at(n):
        # One every few hours over the archive's life; a few scheduled for the coming days.
        if status(n) in (Publishable.Status.DRAFT, Publishable.Status.IN_REVIEW):
            return None
        if n % 97 == 0:
            return now + datetime.timedelta(days=1 + n % 5)
        return now - datetime.timedelta(hours=3 * (SIZE - n))

    articles = _insert(
        Article,
        [
            Article(
                title=f"Article {n}",
                slug=f"plan-article-{n}",
                standfirst=_text(n, 18),
                body=f"{_text(n, 150)}.[^1]",
                body_html=f"<p>{_text(n, 150)}.</p>",
                status=status(n),
                publish_at=publish_at(n),
                withdraw_at=withdraw_at(n),
                search_vector=_vector(_text(n, 150)),
            )
            for n in range(SIZE)
        ],
    )
    entries = []
    for n in range(SIZE):
        date = datetime.date(1988, 1, 1) + datetime.timedelta(days=n * 4)
        entries.append(
            TimelineEntry(
                title=f"Event {n}",
                slug=f"plan-event-{n}",
                date=date,
                date_precision="day",
                end_precision="day",
                end_approximate=False,
                period_start=date,
                period_end=date,
                summary=f"{_text(n, 50)}.[^1]",
                summary_html=f"<p>{_text(n, 50)}.</p>",
                search_vector=_vector(_text(n, 50)),
                category=TimelineEntry.Category.choices[n % 5][0],
                key_event=n % 25 == 0,
                place=places[n % len(places)] if n % 3 else None,
                status=status(n),
                publish_at=publish_at(n),
                withdraw_at=withdraw_at(n),
            )
        )
    entries = _insert(TimelineEntry, entries)
    faqs = _insert(
        FAQEntry,
        [
            FAQEntry(
                question=f"Question {n}?",
                slug=f"plan-question-{n}",
                answer="An answer.[^1]",
                answer_html="<p>An answer.</p>",
                group=group,
                position=n,
                status=PUBLISHED,
                publish_at=now - datetime.timedelta(days=n + 1),
            )
            for n in range(40)
        ],
    )
    _insert(
        ArticleCitation,
        [
            ArticleCitation(article=article, source=sources[n], position=1)
            for n, article in enumerate(articles)
        ],
    )
    _insert(
        TimelineCitation,
        [
            TimelineCitation(entry=entry, source=sources[(n + 1_000) % SIZE], position=1)
            for n, entry in enumerate(entries)
        ],
    )
    _insert(
        FAQCitation,
        [FAQCitation(entry=faq, source=sources[n], position=1) for n, faq in enumerate(faqs)],
    )
    # A topic on one item in ten.
    _insert(
        Article.topics.through,
        [
            Article.topics.through(article_id=article.pk, topic_id=topics[n % len(topics)].pk)
            for n, article in enumerate(articles)
            if n % 10 == 0
        ],
    )
    _insert(
        TimelineEntry.topics.through,
        [
            TimelineEntry.topics.through(timelineentry_id=entry.pk, topic_id=topics[n % 8].pk)
            for n, entry in enumerate(entries)
            if n % 10 == 0
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    published = [a for a in articles if a.is_published]
    listed = [e for e in entries if e.is_published]
    return {
        "article": published[len(published) // 2],
        "entry": listed[len(listed) // 2],
        "source": sources[len(sources) // 2],
        "topic": topics[0],
        "place": places[1],
    }


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    """The archive, built once for the module in a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_archive()
        transaction.set_rollback(True)


def _table_sizes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        return dict(cursor.fetchall())


# Nodes that need every row below them, whatever the indexes: a COUNT, GROUP BY or DISTINCT.
WHOLE_SET = {"Aggregate", "Group", "Unique", "SetOp", "WindowAgg"}


def _large_seq_scans(plan, sizes, whole=False):
    """The large tables a plan reads whole, except under an aggregate of the whole matching set
    (a paginator's COUNT, a chart's counts per year, a list's facets): those read every matching
    row by definition, and a LIMIT between the two (the newest row, a page) undoes the excuse."""
    if plan["Node Type"] == "Limit":
        whole = False
    elif plan["Node Type"] in WHOLE_SET:
        whole = True
    found = set()
    if (
        plan["Node Type"] == "Seq Scan"
        and not whole
        and sizes.get(plan["Relation Name"], 0) > LARGE
    ):
        found.add(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found |= _large_seq_scans(child, sizes, whole)
    return found


# Queries that read a whole table whatever its indexes, because of how they are written: an index
# cannot fix them, a rewrite can (see issue 16). Each is matched by its SQL and left out until
# then; the pages they run on are still checked for every other query.
NEEDS_A_REWRITE = {
    # core.readers.public_sources() (the sources list, its facets and a source's page): one
    # EXISTS per citation table, ORed. PostgreSQL turns each into a hashed subplan built from
    # every citation of every published item, because it costs the filter for every source, not
    # the page's 50 (a LIMIT does not reach into a filter's subplans). What would fix it is a
    # stored "cited by a published item" mark on Source, kept by publishing; not done yet.
    "sources cited by published items": re.compile(
        r'EXISTS\(SELECT 1 AS "a" FROM "articles_articlecitation" [A-Z]\d+ '
    ),
}


def _explain(sql, *options):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({', '.join(options) or 'FORMAT TEXT'}) {sql}")
        return cursor.fetchall()


def _selects(url):
    """Every SELECT a GET of ``url`` runs."""
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url, HTTP_HOST="localhost")
    assert response.status_code == 200, (url, response.status_code)
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT")
    ]


# The main reader pages and API lists, each with the archive's objects it needs.
PAGES = {
    "home": lambda a: "/en/",
    "articles": lambda a: "/en/articles/",
    "articles, deep page": lambda a: "/en/articles/?page=100",
    "articles, by topic": lambda a: f"/en/articles/?topic={a['topic'].slug}",
    "article": lambda a: f"/en/articles/{a['article'].slug}/",
    "timeline": lambda a: "/en/timeline/",
    "timeline, deep page": lambda a: "/en/timeline/?page=100",
    "timeline, compact, deep page": lambda a: "/en/timeline/?view=compact&page=20",
    "timeline, category": lambda a: "/en/timeline/?category=military",
    "timeline, place": lambda a: f"/en/timeline/?place={a['place'].slug}",
    "timeline, key events": lambda a: "/en/timeline/?key_event=true",
    "timeline, evidence": lambda a: "/en/timeline/?evidence=independent",
    "timeline, years": lambda a: "/en/timeline/?date_after=2000-01-01&date_before=2001-12-31",
    "timeline entry": lambda a: f"/en/timeline/{a['entry'].slug}/",
    "faq": lambda a: "/en/faq/",
    "sources": lambda a: "/en/sources/",
    "sources, deep page": lambda a: "/en/sources/?page=40",
    "source": lambda a: f"/en/sources/{a['source'].pk}/",
    "topic": lambda a: f"/en/topics/{a['topic'].slug}/",
    "api articles": lambda a: "/api/v1/articles/",
    "api articles, deep page": lambda a: "/api/v1/articles/?page_size=100&page=20",
    "api timeline, from a date": lambda a: "/api/v1/timeline/?date_after=2000-01-01",
    "api sources": lambda a: "/api/v1/sources/",
    "api faq": lambda a: "/api/v1/faq/",
}


# Pages far down a list are read with OFFSET: the rows before the page are read and dropped, so
# near the end of the timeline the planner rightly prefers one scan and a top-N sort. Paging
# by key (after the last date and id shown) would make them as cheap as the first page.
DEEP_PAGES = {"timeline, deep page", "timeline, compact, deep page"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [
        pytest.param(
            page,
            marks=pytest.mark.xfail(
                reason="OFFSET pagination reads every row before the page", strict=False
            ),
        )
        if page in DEEP_PAGES
        else page
        for page in PAGES
    ],
)
def test_no_sequential_scan_of_a_large_table(archive, page):
    url = PAGES[page](archive)
    sizes = _table_sizes()
    problems = []
    for sql in _selects(url):
        if any(pattern.search(sql) for pattern in NEEDS_A_REWRITE.values()):
            continue
        plan = _explain(sql, "FORMAT JSON")[0][0][0]["Plan"]
        scanned = _large_seq_scans(plan, sizes)
        if scanned:
            text = "\n".join(row[0] for row in _explain(sql))
            problems.append(f"Seq Scan of {', '.join(sorted(scanned))} in\n{sql}\n{text}")
    assert not problems, f"{url}:\n\n" + "\n\n".join(problems)
