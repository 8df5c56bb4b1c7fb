"""Every way content reaches someone who may not see drafts, checked for items in every state,
before and after the clock passes their publish and withdraw times, in one process.

The world: for each content kind, one item in each state (draft, in review, scheduled, published,
withdrawn, expiring by its withdraw time, deleted), each with a topic, a source, a contested claim
(whose position cites that source) (and, for timeline
entries, a place; for FAQ entries, a group) of its own, so shared records are checked with their
items. Every record is named by a token (``ZQARTICLESCHEDULED``, its slug in lower case) that shows
wherever the record does; where only its URL shows (a sitemap), the URL does.

Each channel is requested at three moments: now (T0), after the scheduled items' publish time
(T1), and after the expiring items' withdraw time (T2). The lists are first served at T0, before
the clock moves, so anything that froze "now" when a view was first used shows up at T1 and T2.
At every moment, on every channel, anonymously and with a token of a user without permissions:
no record of an item readers cannot see appears, and the channel shows what it is meant to show.

A URL pattern outside the admin that is neither a channel here nor listed as carrying no content
fails test_every_url_pattern_is_a_channel_here, so a new channel cannot be added unchecked.
"""

import datetime
import json
import re
from dataclasses import dataclass, field

import pytest
import time_machine
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from articles.models import Correction
from karabakh_site.core import claims, services
from karabakh_site.core.models import Claim, Perspective
from karabakh_site.core.record import erasing
from karabakh_site.core.tokens import ApiToken
from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    FAQGroupFactory,
    PlaceFactory,
    SourceFactory,
    TimelineEntryFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
T1 = T0 + datetime.timedelta(hours=2)  # the scheduled items' publish time has passed
T2 = T0 + datetime.timedelta(hours=4)  # the expiring items' withdraw time has passed
SCHEDULED_AT = T0 + datetime.timedelta(hours=1)
WITHDRAW_AT = T0 + datetime.timedelta(hours=3)

STATES = ["draft", "review", "scheduled", "published", "withdrawn", "expiring", "deleted"]
KINDS = {"article": ArticleFactory, "faq": FAQEntryFactory, "timeline": TimelineEntryFactory}
# A word every item and source carries, so one search finds them all.
SEARCH_WORD = "MARMALADE"


def visible(state: str, moment: datetime.datetime) -> bool:
    if state == "published":
        return True
    if state == "scheduled":
        return moment >= SCHEDULED_AT
    if state == "expiring":
        return moment < WITHDRAW_AT
    return False


@dataclass
class Record:
    """One thing a reader may or may not see: an item, or a topic/source/place/group of one."""

    type: str  # article, faq, timeline, topic, source, place, group, claim
    state: str  # the state of the item it belongs to
    token: str  # its name; the slug is the same in lower case
    obj: object = None
    # Besides the token, what shows the record where its name does not (a sitemap lists URLs):
    # its page's path without the language prefix, which is part of that page's URL in every
    # language (/en/topics/x/, /hy/topics/x/, ...), so a leak in any language shows.
    path: str = ""

    def shown_in(self, body: str) -> bool:
        return self.token in body or bool(self.path and self.path in body)

    def named_in(self, body: str) -> bool:
        # A 404 page may repeat the URL it was asked for; only the name shows the record there.
        return self.token in body


@dataclass
class World:
    records: list[Record] = field(default_factory=list)

    def of(self, *types):
        return [record for record in self.records if record.type in types]


def build_world() -> World:
    world = World()
    perspective, _ = Perspective.objects.get_or_create(
        slug="academic", defaults={"name": "Academic"}
    )
    for kind, factory in KINDS.items():
        for state in STATES:
            token = f"ZQ{kind}{state}".upper()
            slug = token.lower()
            topic = TopicFactory(slug=f"zt{kind}{state}", name=f"ZT{kind}{state}".upper())
            source = SourceFactory(
                title=f"{SEARCH_WORD} ZS{kind}{state}".upper(), url=f"https://example.org/{slug}"
            )
            fields = {"slug": slug}
            if kind == "article":
                fields |= {"title": f"{SEARCH_WORD} {token}", "standfirst": f"About {token}."}
            elif kind == "faq":
                group = FAQGroupFactory(slug=f"zg{state}", name=f"ZG{state}".upper())
                fields |= {"question": f"{SEARCH_WORD} {token}?", "group": group}
            else:
                place = PlaceFactory(slug=f"zp{state}", name_en=f"ZP{state}".upper())
                fields |= {"title": f"{SEARCH_WORD} {token}", "place": place, "key_event": True}
            item = factory(**fields, status="draft", citations=0)
            item.citations.model.objects.create(
                **{item.citations.model.item_field: item}, source=source, position=1
            )
            if state == "review":
                services.submit_for_review(item)
            elif state != "draft":
                at = SCHEDULED_AT if state == "scheduled" else T0 - datetime.timedelta(hours=1)
                services.publish(item, at=at)
            item.topics.add(topic)
            # A contested claim of its own, its position citing the item's own source.
            claim = claims.write_claim(
                Claim(slug=f"zc{kind}{state}", statement=f"ZC{kind}{state}".upper()),
                [{"holder": "A holder", "perspective": perspective, "says": "A view.",
                  "sources": [source]}],
            )  # fmt: skip
            item.claims.add(claim)
            if kind == "article":
                Correction.objects.create(article=item, text=f"Corrected {token}.")
            if state == "withdrawn":
                services.withdraw(item)
            elif state == "expiring":
                item.withdraw_at = WITHDRAW_AT
                item.save()
            world.records += [
                Record(kind, state, token, item, path=item_path(kind, item)),
                Record("topic", state, topic.name, topic, path=f"/topics/{topic.slug}/"),
                Record("source", state, f"ZS{kind}{state}".upper(), source,
                       path=f"/sources/{source.pk}/"),
                Record("claim", state, claim.statement, claim, path=f"/claims/{claim.slug}/"),
            ]  # fmt: skip
            if kind == "faq":
                world.records.append(Record("group", state, group.name, group))
            if kind == "timeline":
                world.records.append(Record("place", state, place.name_en, place))
            if state == "deleted":
                with erasing():  # only a whole-archive restore deletes a public item now
                    item.delete()
    # Every FAQ entry and event names every article as related, in a write its history records:
    # a published item's page, API record and history must never name an article readers
    # cannot see through it.
    # A minute later, so it is a version of its own in the readers' history from T1 on.
    articles = [r.obj for r in world.of("article") if r.state != "deleted"]
    with time_machine.travel(T0 + datetime.timedelta(minutes=1), tick=False):
        for record in world.of("faq", "timeline"):
            if record.state != "deleted":
                services.write_item(record.obj, relations={"related_articles": articles})
    return world


def item_path(kind, item) -> str:
    # An FAQ entry's get_absolute_url() is its anchor on the list; its own page is in the sitemap.
    path = reverse("faq:detail", args=[item.slug]) if kind == "faq" else item.get_absolute_url()
    return without_language(path)


def without_language(path: str) -> str:
    """/en/articles/x/ -> /articles/x/: a record's path as part of its URL in every language."""
    prefix = f"/{translation.get_language()}/"
    assert path.startswith(prefix), path
    return path[len(prefix) - 1 :]


@dataclass
class Channel:
    name: str  # the URL pattern's name
    shows: tuple[str, ...] = ()  # record types every visible one of which must appear
    query: dict = field(default_factory=dict)
    # For JSON-LD: also check the page's structured data alone shows these types.
    jsonld_shows: tuple[str, ...] = ()


@dataclass
class DetailChannel:
    name: str
    type: str  # the record type it shows, one per URL
    key: str = "slug"  # the URL keyword, read from the record's object


LISTS = [
    Channel("home", ("article", "faq", "timeline")),
    Channel("search", ("article", "faq", "timeline", "source"), {"q": SEARCH_WORD}),
    Channel("articles:list", ("article", "topic"), jsonld_shows=("article",)),
    Channel("articles:feed-rss", ("article",)),
    Channel("articles:feed-atom", ("article",)),
    Channel("articles:corrections-feed", ("article",)),
    Channel("faq:index", ("faq", "topic", "group"), jsonld_shows=("faq",)),
    Channel("timeline:list", ("timeline", "topic", "place"), jsonld_shows=("timeline",)),
    Channel("timeline:feed-rss", ("timeline",)),
    Channel("timeline:feed-atom", ("timeline",)),
    Channel("core:source-list", ("source",)),
    Channel("core:topic-list", ("topic",)),
    Channel("core:claim-list", ("claim",)),
    Channel("sitemap", ("article", "faq", "timeline", "source", "topic", "claim")),
    Channel("timeline:place-list", ("place",)),
    Channel("timeline:map", ("place",)),
    Channel("api:article-list", ("article",)),
    Channel("api:faqentry-list", ("faq",)),
    Channel("api:timelineentry-list", ("timeline",)),
    Channel("api:timelineentry-timelinejs", ("timeline",)),
    Channel("api:place-list", ("place",)),
    Channel("api:faqgroup-list", ("group",)),
    Channel("api:source-list", ("source",), {"page_size": 100}),
    Channel("api:topic-list", ("topic",), {"page_size": 100}),
    Channel("api:claim-list", ("claim",), {"page_size": 100}),
    Channel("api:search", ("article", "faq", "timeline", "source"), {"q": SEARCH_WORD}),
]

DETAILS = [
    DetailChannel("articles:detail", "article"),
    DetailChannel("timeline:detail", "timeline"),
    DetailChannel("faq:detail", "faq"),
    # The readers' history of an item lists only versions readers could see (core.public_history).
    DetailChannel("articles:history", "article"),
    DetailChannel("timeline:history", "timeline"),
    DetailChannel("faq:history", "faq"),
    DetailChannel("api:article-history", "article"),
    DetailChannel("api:faqentry-history", "faq"),
    DetailChannel("api:timelineentry-history", "timeline"),
    DetailChannel("core:source-detail", "source", key="pk"),
    DetailChannel("core:topic-detail", "topic"),
    DetailChannel("core:claim-detail", "claim"),
    DetailChannel("timeline:place-detail", "place"),
    DetailChannel("api:article-detail", "article"),
    DetailChannel("api:faqentry-detail", "faq"),
    DetailChannel("api:timelineentry-detail", "timeline"),
    DetailChannel("api:source-detail", "source", key="pk"),
    DetailChannel("api:topic-detail", "topic"),
    DetailChannel("api:claim-detail", "claim"),
    DetailChannel("api:place-detail", "place"),
    DetailChannel("api:faqgroup-detail", "group"),
]

# URL patterns that carry no content of the archive's items (still checked for leaks).
# The tombstones name removed items by slug only, never by title (the tokens checked here).
NO_CONTENT = [
    "robots", "healthz", "api:api-root", "api:schema", "api:docs", "api:redoc", "api:tombstones",
    "api:guide",
]  # fmt: skip
# Share images draw titles as pixels, which the checks here cannot read: that a hidden item's
# image is a 404 is tested in tests/site/test_share_images.py.
TESTED_ELSEWHERE = {"share-image", "share-site"}
# The language switcher (/language/<code>/?next=<page>) answers a redirect to the same page in
# that language and nothing else: check_moment asks it for every language.
REDIRECTS = {"switch-language"}
# Each section's sitemap (/sitemap-<section>.xml, in files ?p=2, ...): check_moment reads every
# file the index (the "sitemap" channel) lists, as a crawler does.
FOLLOWED = {"sitemap-section"}
SITEMAP_LOC = re.compile(r"<sitemap><loc>http://testserver(/[^<]*)</loc>")


def pattern_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= pattern_names(entry, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>")
    return names


def test_every_url_pattern_is_a_channel_here():
    covered = {c.name for c in LISTS} | {c.name for c in DETAILS} | set(NO_CONTENT)
    covered |= TESTED_ELSEWHERE | REDIRECTS | FOLLOWED

    assert pattern_names() - covered == set()


JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def jsonld_text(body: str) -> str:
    return " ".join(json.dumps(json.loads(block)) for block in JSONLD.findall(body))


def check_moment(client, world, moment, who) -> list[str]:
    """Every channel at ``moment``; returns what is wrong, one line each."""
    faults = []
    hidden = [r for r in world.records if not visible(r.state, moment)]

    def leaks(url, body, asked_for=None):
        for record in hidden:
            shown = record.named_in if record is asked_for else record.shown_in
            if shown(body):
                faults.append(f"{who} {moment:%H:%M} {url}: shows {record.type} {record.token}")

    for channel in LISTS + [Channel(name) for name in NO_CONTENT]:
        url = reverse(channel.name)
        response = client.get(url, channel.query)
        if response.status_code != 200:
            faults.append(f"{who} {moment:%H:%M} {url}: answered {response.status_code}")
            continue
        body = response.content.decode()
        if channel.name == "sitemap":
            body += followed_sitemaps(client, body, faults, f"{who} {moment:%H:%M}")
        leaks(url, body)
        parts = [(channel.shows, body, "")]
        if channel.jsonld_shows:
            parts.append((channel.jsonld_shows, jsonld_text(body), " (JSON-LD)"))
        for types, text, where in parts:
            for record in world.of(*types):
                if visible(record.state, moment) and not record.shown_in(text):
                    faults.append(
                        f"{who} {moment:%H:%M} {url}{where}: misses {record.type} {record.token}"
                    )

    # A client of its own: the switch remembers the language in a cookie, which the others'
    # requests must not carry.
    switcher = APIClient()
    for code, _name in settings.LANGUAGES:
        url = reverse("switch-language", kwargs={"code": code})
        response = switcher.get(url, {"next": reverse("articles:list")})
        if response.status_code != 302:
            faults.append(f"{who} {moment:%H:%M} {url}: answered {response.status_code}")
        leaks(url, response.content.decode() + response["Location"])

    for channel in DETAILS:
        for record in world.of(channel.type):
            value = record.obj.pk if channel.key == "pk" else record.obj.slug
            url = reverse(channel.name, kwargs={channel.key: value})
            response = client.get(url)
            wanted = 200 if visible(record.state, moment) else 404
            if response.status_code != wanted:
                faults.append(
                    f"{who} {moment:%H:%M} {url}: answered {response.status_code}, not {wanted}"
                )
            leaks(url, response.content.decode(), asked_for=record)
    return faults


def followed_sitemaps(client, index: str, faults: list[str], when: str) -> str:
    """Every sitemap file the index lists, as one text: the items' URLs are in them."""
    bodies = []
    locs = SITEMAP_LOC.findall(index)
    if not locs:
        faults.append(f"{when} {reverse('sitemap')}: lists no sitemap")
    for loc in locs:
        path, _, page = loc.replace("&amp;", "&").partition("?p=")
        response = client.get(path, {"p": page} if page else {})
        if response.status_code != 200:
            faults.append(f"{when} {loc}: answered {response.status_code}")
        bodies.append(response.content.decode())
    return "".join(bodies)


def clients():
    nobody = UserFactory(username="no-permissions", is_staff=False)
    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(user=nobody)[1]}")
    return {"anonymous": APIClient(), "token without permission": with_token}


def test_every_channel_shows_exactly_what_is_published_as_the_clock_moves(
    settings, django_capture_on_commit_callbacks
):
    settings.API_ANON_THROTTLE_RATE = "100000/minute"
    settings.PAGE_CACHE_SECONDS = 600
    with time_machine.travel(T0, tick=False) as clock:
        # Committed as a real write would be (the content clock dated), so pages and API reads
        # are kept (core.page_cache) from T0 on: a kept answer must follow the clock too.
        with django_capture_on_commit_callbacks(execute=True):
            world = build_world()
            readers = clients()
        faults = []
        # The same views serve all three moments: anything they built once, at the first
        # request, would still hold T0's "now" at T1 and T2.
        for moment in (T0, T1, T2):
            clock.move_to(moment)
            assert timezone.now() == moment
            for who, client in readers.items():
                faults += check_moment(client, world, moment, who)

    assert faults == []
    # Anonymous answers were kept, so the moments above were served through the cache.
    assert any(key.startswith(":1:kept:") for key in kept_keys()), "nothing was kept"


def kept_keys() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM django_cache")
        return [row[0] for row in cursor.fetchall()]
