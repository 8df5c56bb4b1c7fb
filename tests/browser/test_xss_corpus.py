"""The XSS corpus (tests/browser/xss_payloads.py) in every text field of every kind, written through
the three channels that write content — the admin's forms, the API with an editor's token, and
import_content — published, then opened in Chromium on every reader page and admin page that shows
it. A page fails on a dialog, a console error, a ``window.__xss`` marker, or an element in its DOM
with an ``on*`` attribute or a ``javascript:`` (or ``vbscript:``/``data:text/html``) address.

The archive is built once for the module (committed, so the live server sees it) and flushed at
the end; each page is a test of its own.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from articles.models import Article
from faq.models import FAQEntry, FAQGroup
from karabakh_site.core.models import Source, Topic
from tests.api.conftest import token_client
from tests.browser.xss_payloads import PAYLOADS, chunks, everything
from tests.conftest import editorial_group
from tests.core.test_admin_publishing import submitted
from tests.factories import UserFactory
from timeline.models import Place, TimelineEntry

pytestmark = pytest.mark.browser

CHANNELS = ("admin", "api", "import")
# Enough items of each kind that every payload sits in every short field somewhere (the
# number of pieces of the corpus at that field's length).
ARTICLES = len(chunks(200))  # titles and bylines
EVENTS = len(chunks(200))
QUESTIONS = len(chunks(100))  # each in a group of its own, named at 100 characters
TOPICS = len(chunks(100))
PLACES = -(-len(chunks(100)) // 5)  # five names each
SOURCES = len(chunks(200))  # publishers and authors
CITATIONS = 3  # per item: locators are 100 characters

# What a page must not hold after the corpus went through it: script a browser would run.
DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(`<${el.localName} ${name}="${attr.value}">`);
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc'].includes(name)
          && (/^(javascript|vbscript):/.test(value) || value.startsWith('data:text/html')
              || name === 'srcdoc')) {
        bad.push(`<${el.localName} ${name}="${attr.value}">`);
      }
    }
    if (el.localName === 'script' && !el.type.includes('json') && el.textContent.includes('__xss'))
      bad.push(`<script>${el.textContent.slice(0, 80)}`);
  }
  return {bad, marker: window.__xss === undefined ? null : String(window.__xss)};
}"""


def piece(limit: int, index: int) -> str:
    pieces = chunks(limit)
    return pieces[index % len(pieces)]


def channel_of(index: int) -> str:
    return CHANNELS[index % len(CHANNELS)]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class AdminWriter:
    """Posts add forms as a browser submits them: the add page's own fields and inlines, with the
    values given, and inline rows given per inline model."""

    def __init__(self, client):
        self.client = client
        self.forms = {}

    def blank(self, model):
        if model not in self.forms:
            page = self.client.get(admin_url(model, "add"))
            assert page.status_code == 200
            prefixes = {
                f.formset.model: f.formset.prefix for f in page.context["inline_admin_formsets"]
            }
            self.forms[model] = (submitted(page, model), prefixes)
        data, prefixes = self.forms[model]
        return dict(data), prefixes

    def add(self, model, values, inlines=None):
        data, prefixes = self.blank(model)
        data.update(values)
        for inline_model, rows in (inlines or {}).items():
            prefix = prefixes[inline_model]
            data = {k: v for k, v in data.items() if not k.startswith(f"{prefix}-")}
            data.update(
                {
                    f"{prefix}-TOTAL_FORMS": str(len(rows)),
                    f"{prefix}-INITIAL_FORMS": "0",
                    f"{prefix}-MIN_NUM_FORMS": "0",
                    f"{prefix}-MAX_NUM_FORMS": "1000",
                }
            )
            for number, row in enumerate(rows):
                data.update({f"{prefix}-{number}-{name}": value for name, value in row.items()})
        response = self.client.post(admin_url(model, "add"), data)
        assert response.status_code == 302, (model, response.context and _errors(response))

    def edit(self, obj, values):
        """A second version of ``obj``, so that its history has a diff to show."""
        url = admin_url(type(obj), "change", obj.pk)
        data = submitted(self.client.get(url), type(obj))
        data.update(values)
        response = self.client.post(url, data)
        assert response.status_code == 302, _errors(response)


def _errors(response):
    context = response.context
    found = [str(context["adminform"].form.errors)] if "adminform" in context else []
    for formset in context.get("inline_admin_formsets", []):
        found.append(str(formset.formset.errors) + str(formset.formset.non_form_errors()))
    return found


def citations_for(index, sources, *, by_url):
    rows = []
    for n in range(CITATIONS):
        source = sources[(index + n) % len(sources)]
        rows.append(
            {
                "locator": piece(100, index * CITATIONS + n),
                "quote": piece(500, index + n),
                **({"url": source.url} if by_url else {"source_id": source.pk}),
            }
        )
    return rows


# Footnote markers so that the citations are referenced from the text, as a real item's are.
MARKERS = "Claims.[^1][^2][^3]"


def ensure_groups():
    """The editorial groups and their permissions, which migrations make and a flush (after a
    transactional test, or this module's) takes away: made again the migrations' way."""
    editorial_group("Editors")


def build_world(tmp: Path) -> dict:
    ensure_groups()
    cache.clear()
    editor = UserFactory(username="xss-editor", groups=["Editors"])
    admin = UserFactory(username="xss-admin", is_superuser=True)
    client = Client()
    client.force_login(admin)
    writer = AdminWriter(client)
    api = token_client(editor)

    def api_post(path, body):
        response = api.post(path, body, format="json")
        assert response.status_code == 201, (path, response.content[:2000])

    def run_import(kind, rows):
        path = tmp / f"{kind}.json"
        path.write_text(json.dumps(rows))
        call_command("import_content", kind, str(path), verbosity=0)

    # Sources.
    imported = []
    for n in range(SOURCES):
        url = f"https://sources.example.org/xss/{n}"
        values = {"title": piece(300, n), "publisher": piece(200, n), "author": piece(200, n + 7),
                  "notes": everything(n)}  # fmt: skip
        if channel_of(n) == "admin":
            writer.add(Source, {**values, "url": url, "language": "en", "kind": "other"})
        elif channel_of(n) == "api":
            api_post("/api/v1/sources/", {**values, "document_url": url})
        else:
            imported.append({**values, "url": url})
    run_import("sources", imported)
    sources = list(Source.objects.filter(url__contains="/xss/").order_by("id"))
    assert len(sources) == SOURCES

    # Topics and places (no import of their own: items name them by slug).
    for n in range(TOPICS):
        values = {"slug": f"xss-topic-{n}", "name": piece(100, n), "description": everything(n)}
        if n % 2:
            api_post("/api/v1/topics/", values)
        else:
            writer.add(Topic, values)
    for n in range(PLACES):
        values = {"slug": f"xss-place-{n}"} | {
            name: piece(100, n * 5 + k)
            for k, name in enumerate(["name_en", "name_en_alt", "name_hy", "name_az", "name_ru"])
        }
        if n % 2:
            api_post("/api/v1/places/", values)
        else:
            writer.add(Place, values)
    topics = list(Topic.objects.filter(slug__startswith="xss-").order_by("id"))
    places = list(Place.objects.filter(slug__startswith="xss-").order_by("id"))

    # Articles, with corrections through the channels that write them (admin and import).
    rows = []
    for n in range(ARTICLES):
        slug = f"xss-article-{n}"
        values = {"slug": slug, "title": piece(200, n), "standfirst": piece(300, n),
                  "body": MARKERS + "\n\n" + everything(n), "byline": piece(200, n + 3)}  # fmt: skip
        topic = topics[n % len(topics)]
        correction = {"date": "2026-02-01", "text": everything(n + 11)}
        if channel_of(n) == "admin":
            writer.add(
                Article,
                {**values, "status": "published", "topics": [str(topic.pk)]},
                inlines={
                    Article.citations.rel.related_model: [
                        {**row, "position": str(k + 1), "source": str(row.pop("source_id"))}
                        for k, row in enumerate(citations_for(n, sources, by_url=False))
                    ],
                    Article.corrections.rel.related_model: [correction],
                },
            )
        elif channel_of(n) == "api":
            api_post(
                "/api/v1/articles/",
                {**values, "status": "published", "topics": [topic.slug],
                 "citations": citations_for(n, sources, by_url=False)},
            )  # fmt: skip
        else:
            rows.append(
                {**values, "status": "published", "topics": [topic.slug],
                 "citations": citations_for(n, sources, by_url=True), "corrections": [correction]}
            )  # fmt: skip
    run_import("articles", rows)

    # FAQ entries, each in a group of its own; import makes its groups from group_name.
    rows = []
    for n in range(QUESTIONS):
        slug, group = f"xss-question-{n}", f"xss-group-{n}"
        values = {
            "slug": slug,
            "question": piece(300, n),
            "answer": MARKERS + "\n\n" + everything(n),
        }
        topic = topics[n % len(topics)]
        if channel_of(n) != "import":
            writer.add(FAQGroup, {"slug": group, "name": piece(100, n), "position": str(n)})
            group_pk = FAQGroup.objects.get(slug=group).pk
        if channel_of(n) == "admin":
            writer.add(
                FAQEntry,
                {**values, "status": "published", "group": str(group_pk), "position": str(n),
                 "topics": [str(topic.pk)]},
                inlines={
                    FAQEntry.citations.rel.related_model: [
                        {**row, "position": str(k + 1), "source": str(row.pop("source_id"))}
                        for k, row in enumerate(citations_for(n, sources, by_url=False))
                    ]
                },
            )  # fmt: skip
        elif channel_of(n) == "api":
            api_post(
                "/api/v1/faq/",
                {**values, "status": "published", "group": group, "position": n,
                 "topics": [topic.slug], "citations": citations_for(n, sources, by_url=False)},
            )  # fmt: skip
        else:
            rows.append(
                {**values, "group": group, "group_name": piece(100, n), "position": n,
                 "status": "published", "topics": [topic.slug],
                 "citations": citations_for(n, sources, by_url=True)}
            )  # fmt: skip
    run_import("faq", rows)

    # Timeline entries, at the corpus's places.
    rows = []
    for n in range(EVENTS):
        slug = f"xss-event-{n}"
        values = {"slug": slug, "title": piece(200, n), "summary": MARKERS + "\n\n" + everything(n),
                  "category": "political"}  # fmt: skip
        date = datetime.date(1990 + n, 5, 1).isoformat()
        topic, place = topics[n % len(topics)], places[n % len(places)]
        if channel_of(n) == "admin":
            writer.add(
                TimelineEntry,
                {**values, "date": date, "date_precision": "day", "status": "published",
                 "place": str(place.pk), "topics": [str(topic.pk)]},
                inlines={
                    TimelineEntry.citations.rel.related_model: [
                        {**row, "position": str(k + 1), "source": str(row.pop("source_id"))}
                        for k, row in enumerate(citations_for(n, sources, by_url=False))
                    ]
                },
            )  # fmt: skip
        elif channel_of(n) == "api":
            api_post(
                "/api/v1/timeline/",
                {**values, "date": date, "date_precision": "day", "status": "published",
                 "place_slug": place.slug, "topics": [topic.slug],
                 "citations": citations_for(n, sources, by_url=False)},
            )  # fmt: skip
        else:
            rows.append(
                {**values, "date": date, "date_precision": "day", "status": "published",
                 "place": place.slug, "topics": [topic.slug],
                 "citations": citations_for(n, sources, by_url=True)}
            )  # fmt: skip
    run_import("timeline", rows)

    # A second version of the first item of each kind, so that the history diff shows payloads.
    article = Article.objects.get(slug="xss-article-0")
    writer.edit(article, {"title": piece(200, 1), "body": MARKERS + "\n\n" + everything(40)})
    question = FAQEntry.objects.get(slug="xss-question-0")
    writer.edit(question, {"question": piece(300, 2)})
    event = TimelineEntry.objects.get(slug="xss-event-0")
    writer.edit(event, {"title": piece(200, 2)})

    assert Article.objects.published().filter(slug__startswith="xss-").count() == ARTICLES
    assert FAQEntry.objects.published().filter(slug__startswith="xss-").count() == QUESTIONS
    assert TimelineEntry.objects.published().filter(slug__startswith="xss-").count() == EVENTS
    return {"admin": admin, "sources": sources, "topics": topics, "places": places}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        try:
            yield build_world(tmp_path_factory.mktemp("xss-import"))
        finally:
            call_command("flush", interactive=False, verbosity=0)
            ensure_groups()
            cache.clear()


@pytest.fixture(scope="module")
def server(world, django_db_blocker):
    """A live server of the module's own: pytest-django's ``live_server`` makes each test that uses
    it transactional, and the flush after each test would take the module's world away."""
    with django_db_blocker.unblock():
        live = LiveServer("localhost")
        live._live_server_modified_settings.enable()
        try:
            yield live
        finally:
            live._live_server_modified_settings.disable()
            live.stop()


@pytest.fixture(autouse=True)
def open_database(django_db_blocker):
    # The live server thread reads the module's committed world; nothing here writes.
    with django_db_blocker.unblock():
        yield


def first_of_each_channel(model, prefix, count):
    return [model.objects.get(slug=f"{prefix}-{n}") for n in range(min(count, len(CHANNELS)))]


def reader_paths() -> dict[str, str]:
    paths = {
        "home": "/en/",
        "article list": "/en/articles/",
        "faq": "/en/faq/",
        "timeline": "/en/timeline/",
        "source list": "/en/sources/",
        "topic list": "/en/topics/",
        "search for script": "/en/search/?q=script",
        "search for img": "/en/search/?q=img+onerror",
        "search for a payload": "/en/search/?q=" + "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    }
    for n, item in enumerate(first_of_each_channel(Article, "xss-article", ARTICLES)):
        paths[f"article by {CHANNELS[n]}"] = item.get_absolute_url()
    for n, item in enumerate(first_of_each_channel(TimelineEntry, "xss-event", EVENTS)):
        paths[f"timeline entry by {CHANNELS[n]}"] = item.get_absolute_url()
    sources = Source.objects.filter(url__contains="/xss/").order_by("id")[:3]
    for n, source in enumerate(sources):
        paths[f"source by {CHANNELS[n]}"] = source.get_absolute_url()
    for n, topic in enumerate(Topic.objects.filter(slug__startswith="xss-").order_by("id")[:2]):
        paths[f"topic by {('admin', 'api')[n]}"] = topic.get_absolute_url()
    return paths


def admin_paths() -> dict[str, str]:
    paths = {}
    for model in (Article, FAQEntry, TimelineEntry, Source, Topic, Place, FAQGroup):
        name = model._meta.model_name
        paths[f"{name} changelist"] = admin_url(model, "changelist")
        paths[f"{name} search"] = admin_url(model, "changelist") + "?q=script"
    for model, prefix, count in (
        (Article, "xss-article", ARTICLES),
        (FAQEntry, "xss-question", QUESTIONS),
        (TimelineEntry, "xss-event", EVENTS),
    ):
        name = model._meta.model_name
        for n, item in enumerate(first_of_each_channel(model, prefix, count)):
            paths[f"{name} change by {CHANNELS[n]}"] = admin_url(model, "change", item.pk)
            paths[f"{name} history by {CHANNELS[n]}"] = admin_url(model, "history", item.pk)
        item = model.objects.get(slug=f"{prefix}-0")
        old, new = list(item.history.order_by("history_id"))[-2:]
        paths[f"{name} diff"] = (
            admin_url(model, "history_compare", item.pk)
            + f"?from={old.history_id}&to={new.history_id}"
        )
    for model, queryset in (
        (Source, Source.objects.filter(url__contains="/xss/")),
        (Topic, Topic.objects.filter(slug__startswith="xss-")),
        (Place, Place.objects.filter(slug__startswith="xss-")),
        (FAQGroup, FAQGroup.objects.filter(slug__startswith="xss-")),
    ):
        for n, obj in enumerate(queryset.order_by("id")[:3]):
            paths[f"{model._meta.model_name} change {n}"] = admin_url(model, "change", obj.pk)
    return paths


@pytest.fixture(scope="module")
def paths(world, django_db_blocker):
    with django_db_blocker.unblock():
        return {"reader": reader_paths(), "admin": admin_paths()}


# The pages' names are known before the world exists: parametrise by name, look the path up.
READER_PAGES = [
    "home", "article list", "faq", "timeline", "source list", "topic list", "search for script",
    "search for img", "search for a payload",
    *(f"article by {c}" for c in CHANNELS), *(f"timeline entry by {c}" for c in CHANNELS),
    *(f"source by {c}" for c in CHANNELS), "topic by admin", "topic by api",
]  # fmt: skip
ADMIN_PAGES = [
    *(
        f"{model._meta.model_name} {view}"
        for model in (Article, FAQEntry, TimelineEntry, Source, Topic, Place, FAQGroup)
        for view in ("changelist", "search")
    ),
    *(
        f"{model._meta.model_name} {view} by {c}"
        for model in (Article, FAQEntry, TimelineEntry)
        for view in ("change", "history")
        for c in CHANNELS
    ),
    *(f"{model._meta.model_name} diff" for model in (Article, FAQEntry, TimelineEntry)),
    *(
        f"{model._meta.model_name} change {n}"
        for model in (Source, Topic, Place, FAQGroup)
        for n in range(3)
    ),
]


def check_page(page, url):
    """Opens ``url`` and returns everything that shows the corpus ran."""
    found = []
    page.on("dialog", lambda dialog: (found.append(f"dialog: {dialog.message}"), dialog.dismiss()))

    def console(message):
        # The admin's pages name no icon, so Chromium asks for /favicon.ico and logs its 404.
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            found.append(f"console {message.type}: {message.text} ({message.location})")

    page.on("console", console)
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            found.append(f"{response.status}: {response.url}") if response.status >= 400 else None
        ),
    )
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, (url, response and response.status)
    # Handlers such as onfocus or ontoggle fire a moment after load.
    page.wait_for_timeout(50)
    result = page.evaluate(DOM_CHECK)
    found.extend(result["bad"])
    if result["marker"] is not None:
        found.append(f"window.__xss = {result['marker']}")
    return found


# Marked so that pytest-django creates the test database, which it does only for a session with
# a test that asks for one; it must not use the world (a test marked so runs before the others,
# and the module's world would then outlive the tests between).
@pytest.mark.django_db
def test_the_corpus_is_large_and_has_no_duplicates():
    assert len(PAYLOADS) >= 60
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("name", READER_PAGES)
def test_no_payload_runs_on_a_reader_page(server, page, paths, name):
    found = check_page(page, server.url + paths["reader"][name])
    assert found == []


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_no_payload_runs_on_an_admin_page(server, page, context, paths, world, name):
    # The admin's session, as its browser holds it after logging in.
    client = Client()
    client.force_login(world["admin"])
    cookie = settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": cookie, "value": client.cookies[cookie].value, "url": server.url}]
    )
    found = check_page(page, server.url + paths["admin"][name])
    assert found == []
