"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Where Chromium (or Java and the Nu checker for the HTML test) is missing these tests skip with the
reason; in CI (CI=true) a skipped browser test fails the run instead.
"""

import datetime
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database work is
# still synchronous, so Django's guard against async-unsafe calls would refuse it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
# CHROMIUM_PATH points elsewhere (or nowhere, to check the skip and the CI failure).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str):
    if in_ci():
        pytest.fail(f"{reason} (browser tests are mandatory in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped browser test is a failure: the checks it stands for did not run."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"Browser test skipped in CI: {report.longrepr}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        unavailable("Chromium not installed: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A strict Content-Security-Policy must not stop axe-core from being injected.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture(autouse=True)
def plain_static_names(settings):
    """The live server serves static files from the finders, which know plain names only. After
    a `collectstatic` (make serve) pages would link hashed names it cannot serve."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def axe_path():
    if not AXE.exists():
        unavailable("axe-core not installed: npm ci --ignore-scripts")
    return AXE


@pytest.fixture
def vnu_command():
    java = shutil.which("java")
    if java is None:
        unavailable("Java not installed: apt-get install default-jre-headless")
    if not VNU.exists():
        unavailable("vnu-jar not installed: npm ci --ignore-scripts")
    return [java, "-jar", str(VNU)]


@pytest.fixture
def archive(transactional_db, monkeypatch):
    """A small archive with every kind of page and the features pages show; lists are paged
    by one so that pagination is on the pages checked."""
    from articles.views import ArticleListView
    from tests.factories import (
        ArticleFactory,
        CorrectionFactory,
        FAQEntryFactory,
        FAQGroupFactory,
        PlaceFactory,
        TimelineEntryFactory,
        TopicFactory,
    )
    from timeline.models import TimelineEntry

    monkeypatch.setattr(ArticleListView, "paginate_by", 1)
    topic = TopicFactory(name="Ceasefires", slug="ceasefires", description="Truces and talks.")
    article = ArticleFactory(
        title="The 1994 ceasefire",
        slug="the-1994-ceasefire",
        standfirst="How the Bishkek Protocol ended the first war.",
        body=(
            "The ceasefire took effect in May 1994.[^1]\n\n"
            "## Aftermath\n\nTalks continued for decades.[^2]"
        ),
        citations=2,
    )
    article.topics.add(topic)
    source = article.citations.order_by("position").first().source
    source.title = "Bishkek Protocol text"
    source.archived_url = "https://web.archive.org/web/2020/https://example.org/bishkek"
    source.archived_date = datetime.date(2020, 1, 2)
    source.last_verified = datetime.date(2026, 1, 5)
    source.save()
    CorrectionFactory(article=article, date=datetime.date(2026, 2, 1), text="A date was wrong.")
    ArticleFactory(
        title="Blockade of the Lachin corridor",
        slug="lachin-blockade",
        body="The Lachin corridor was closed in December 2022.[^1]",
    )
    group = FAQGroupFactory(name="Background", slug="background")
    question = FAQEntryFactory(
        question="What was the Bishkek Protocol?", slug="bishkek", group=group
    )
    question.topics.add(topic)
    question.related_articles.add(article)
    place = PlaceFactory()
    events = [
        TimelineEntryFactory(
            title="Bishkek ceasefire",
            slug="bishkek-ceasefire",
            date=datetime.date(1994, 5, 12),
            date_precision=TimelineEntry.Precision.MONTH,
            category=TimelineEntry.Category.DIPLOMATIC,
            key_event=True,
            place=place,
        ),
        TimelineEntryFactory(
            title="Capture of Shusha",
            slug="shusha-1992",
            date=datetime.date(1992, 5, 8),
            category=TimelineEntry.Category.MILITARY,
            place=place,
        ),
        TimelineEntryFactory(
            title="Karabakh movement begins",
            slug="movement",
            date=datetime.date(1988, 2, 1),
            date_precision=TimelineEntry.Precision.YEAR,
            approximate=True,
            category=TimelineEntry.Category.POLITICAL,
        ),
    ]
    for event in events:
        event.topics.add(topic)
        event.related_articles.add(article)
    # A contested claim with positions from both sides and a court, on every item page.
    from karabakh_site.core import claims
    from karabakh_site.core.models import Claim, Perspective
    from tests.conftest import seed_perspectives
    from tests.factories import SourceFactory

    seed_perspectives()
    holders = [("Government of Azerbaijan", "government-of-azerbaijan", "rejects"),
               ("Government of Armenia", "government-of-armenia", "affirms"),
               ("International Court of Justice", "court", "other")]  # fmt: skip
    claim = claims.write_claim(
        Claim(slug="blockade", statement="The Lachin corridor was blockaded", kind="fact",
              context="Traffic on the road was stopped from December 2022."),
        [{"holder": name, "perspective": Perspective.objects.get(slug=slug), "stance": stance,
          "says": f"What {name} says about the road.", "sources": [SourceFactory()]}
         for name, slug, stance in holders],
    )  # fmt: skip
    for item in (article, question, events[0]):
        item.claims.add(claim)

    # A second public version, so the history page shows a diff.
    from karabakh_site.core import services

    article.standfirst = "How the Bishkek Protocol of May 1994 ended the first war."
    services.write_item(article)
    return {
        "topic": topic, "article": article, "source": source, "events": events,
        "question": question, "place": place, "claim": claim,
    }  # fmt: skip


def page_paths(archive) -> dict[str, str]:
    """One address for every page type of the reader site."""
    return {
        "home": "/en/",
        "article list": "/en/articles/",
        "article list, page 2": "/en/articles/?page=2",
        "article": archive["article"].get_absolute_url(),
        "faq": "/en/faq/",
        "timeline": "/en/timeline/",
        "filtered timeline": "/en/timeline/?category=military&date_after=1990-01-01",
        "timeline entry": archive["events"][0].get_absolute_url(),
        "compact timeline": "/en/timeline/?view=compact&evidence=independent",
        "faq entry": archive["question"].get_absolute_url(),
        "article history": archive["article"].get_history_url(),
        "place list": "/en/timeline/places/",
        "place": f"/en/timeline/places/{archive['place'].slug}/",
        "events map": "/en/timeline/map/",
        "source list": "/en/sources/",
        "source": archive["source"].get_absolute_url(),
        "topic list": "/en/topics/",
        "topic": archive["topic"].get_absolute_url(),
        "claim list": "/en/claims/",
        "claim": archive["claim"].get_absolute_url(),
        "search": "/en/search/?q=ceasefire",
        "empty search": "/en/search/",
        "bad request": "/en/articles/?year=abc",
        "not found": "/no/such/page/",
    }
