"""A synthetic archive at any scale, for benchmarks (manage.py generate_archive).

What it makes: sources (each with a URL, its url_key and a perspective), topics, places with
their names in every language, FAQ groups, then articles (about 1,500 words of Markdown), FAQ
entries and timeline entries (dates 1900–2025 at day, month or year precision, some ranges, every
category), each published with a publish time in the past, carrying topics, and translated into
the chosen languages (published translations). Everything is written with bulk_create in chunks
inside one transaction and ``changes.recording()``, so the content clock moves although
bulk_create sends no signals; then each table's search data is filled at once (PostgreSQL: one
UPDATE of search_vector per table, per language for translations; SQLite: rows of the FTS index).

How it keeps the site's promise (nothing published without a source, core.publishing): every
item gets 3 to 10 citations at positions 1..N, and its Markdown is generated for exactly that N,
with each marker [^1]..[^N] used at least once and none beyond; its translations carry the same
set of markers (core.translations.check_translation). Rendering Markdown is the costly part, so a
small pool of distinct texts is rendered once per citation count and reused, each row made
distinct by a cheap substitution of a few placeholder words, done identically in the Markdown and
in its HTML (the words hold no character Markdown or HTML treats specially). Items whose anchors
carry their slug (events, FAQ answers) are rendered with a placeholder prefix, replaced per row.

Synthetic rows are recognised by their slugs (SLUG_PREFIX) and their sources' host
(SOURCE_HOST), which is what ``clear()`` deletes. The same seed gives the same archive.
"""

import datetime
import functools
import operator
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connection, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from karabakh_site import search
from karabakh_site.core import changes
from karabakh_site.core.models import Perspective, Publishable, Source, Topic, Translation
from karabakh_site.core.translations import SEARCH_CONFIGS, TRANSLATION_LANGUAGES
from karabakh_site.core.urlnorm import url_key
from karabakh_site.markdown import render_markdown

SLUG_PREFIX = "synthetic-"
SOURCE_HOST = "synthetic.example.org"
MIN_CITATIONS, MAX_CITATIONS = 3, 10
# Items built, written and forgotten together: memory stays flat whatever the scale.
CHUNK = 500
BATCH = 500
# Distinct texts rendered per (kind, language, citation count); rows vary them by substitution.
POOL_VARIANTS = 4
# Words of each kind's text: an article's body, an event's summary, an answer.
WORDS_PER_KIND = {"article": 1500, "event": 60, "faq": 250}
# Publish times fall in the six years before this (or before yesterday, if that is earlier),
# so the same seed gives the same times on any day.
PUBLISH_ANCHOR = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
# Text-safe placeholders: letters only, so Markdown and the sanitiser leave them as they are.
SLOTS = ("qxslotaqx", "qxslotbqx", "qxslotcqx")
ANCHOR_SLOT = "qxanchorqx"


# --- vocabulary ------------------------------------------------------------------------------

# slug, English name, other English name, Armenian, Azerbaijani, Russian, latitude, longitude
PLACES = [
    ("shusha", "Shusha", "Shushi", "Շուշի", "Şuşa", "Шуша", 39.7583, 46.7486),
    ("stepanakert", "Stepanakert", "Khankendi", "Ստեփանակերտ", "Xankəndi", "Степанакерт", 39.8153, 46.7519),  # noqa: E501
    ("lachin", "Lachin", "Berdzor", "Բերձոր", "Laçın", "Лачин", 39.6389, 46.5461),
    ("agdam", "Agdam", "Akna", "Ակնա", "Ağdam", "Агдам", 39.9931, 46.9300),
    ("hadrut", "Hadrut", "", "Հադրութ", "Hadrut", "Гадрут", 39.5200, 47.0300),
    ("kalbajar", "Kalbajar", "Karvachar", "Քարվաճառ", "Kəlbəcər", "Кельбаджар", 40.1000, 46.0400),
    ("fuzuli", "Fuzuli", "Varanda", "Վարանդա", "Füzuli", "Физули", 39.6000, 47.1400),
    ("jabrayil", "Jabrayil", "Jrakan", "Ջրական", "Cəbrayıl", "Джебраил", 39.4000, 47.0300),
    ("martakert", "Martakert", "Aghdara", "Մարտակերտ", "Ağdərə", "Мартакерт", 40.2100, 46.8100),
    ("khojaly", "Khojaly", "Ivanyan", "Իվանյան", "Xocalı", "Ходжалы", 39.9100, 46.7900),
    ("goris", "Goris", "", "Գորիս", "Gorus", "Горис", 39.5100, 46.3400),
    ("ganja", "Ganja", "Gandzak", "Գանձակ", "Gəncə", "Гянджа", 40.6800, 46.3600),
    ("tartar", "Tartar", "", "Թարթառ", "Tərtər", "Тертер", 40.3400, 46.9300),
    ("barda", "Barda", "Partav", "Պարտավ", "Bərdə", "Барда", 40.3700, 47.1300),
    ("martuni", "Martuni", "Khojavend", "Մարտունի", "Xocavənd", "Мартуни", 39.7900, 47.1100),
    ("zangilan", "Zangilan", "Kovsakan", "Կովսական", "Zəngilan", "Зангелан", 39.0800, 46.6500),
]  # fmt: skip

TOPICS = [
    "Ceasefire agreements", "Refugees and displacement", "The Lachin corridor", "Soviet era",
    "The first war", "The 2020 war", "Negotiations and mediation", "Cultural heritage",
    "Blockade and supply", "Prisoners and the missing", "International law", "Landmines",
    "Borders and enclaves", "Peacekeeping", "Elections and institutions", "Economy and energy",
]  # fmt: skip

FAQ_GROUPS = [
    "Background", "The wars", "Diplomacy", "People", "Places and names", "Law", "Sources",
    "Heritage",
]  # fmt: skip

PUBLISHERS = [
    "Caucasus Wire", "Regional Monitor", "The Yerevan Ledger", "Baku Daily Review",
    "Moscow Evening Post", "Frontier Research Institute", "Council on Caucasus Studies",
    "International Observer", "Humanitarian Bulletin", "Archive of Public Records",
    "Mountain Press Agency", "Tbilisi Gazette", "European Monitoring Digest", "Global Radio",
]  # fmt: skip
AUTHORS = [
    "A. Petrosyan", "L. Mammadova", "S. Ivanova", "T. de Waal", "R. Hakobyan", "E. Aliyev",
    "M. Sargsyan", "N. Huseynova", "P. Orlov", "J. Smith", "K. Grigoryan", "F. Quliyev", "",
]  # fmt: skip

EN = {
    "actors": [
        "the OSCE Minsk Group", "Azerbaijani officials", "Armenian officials",
        "Russian peacekeepers", "local residents", "the ICRC", "foreign journalists",
        "the United Nations", "Human Rights Watch", "the EU monitoring mission",
        "the de facto authorities", "military observers", "historians", "refugee families",
    ],
    "nouns": [
        "ceasefire", "corridor", "convoy", "negotiations", "agreement", "statement",
        "delegation", "blockade", "border", "checkpoint", "village", "enclave", "referendum",
        "parliament", "government", "truce", "protocol", "declaration", "commission", "tribunal",
        "monument", "church", "mosque", "school", "hospital", "pipeline", "railway", "bridge",
        "valley", "shelling", "casualties", "prisoners", "exchange", "resolution", "sovereignty",
        "autonomy", "landmines", "reconstruction", "archive", "testimony", "evacuation",
        "offensive", "frontline", "mediation", "settlement", "deportation", "census", "road",
    ],
    "places": [
        "Shusha", "Stepanakert", "Khankendi", "Lachin", "Agdam", "Hadrut", "Kalbajar", "Fuzuli",
        "Goris", "Yerevan", "Baku", "Moscow", "Tbilisi", "Ganja", "Martakert", "Khojaly",
    ],
    "verbs": [
        "reported", "announced", "denied", "confirmed", "rejected", "signed", "violated",
        "restored", "closed", "reopened", "monitored", "documented", "disputed", "recorded",
        "described", "negotiated", "questioned", "welcomed", "condemned", "investigated",
    ],
    "adjectives": [
        "fragile", "disputed", "renewed", "temporary", "humanitarian", "military",
        "diplomatic", "contested", "regional", "local", "international", "prolonged",
        "unverified", "official", "partial", "sudden",
    ],
    "syllables": ["ka", "ra", "shen", "dzor", "li", "ver", "an", "gah", "ber", "tal", "mar"],
}  # fmt: skip

# For translations: words of each language, enough for search to find ("հրադադար", "atəşkəs",
# "перемирие") and stemming to work on; a sentence is a run of them, its citation marker after.
WORDS = {
    "hy": {
        "words": (
            "հրադադար միջանցք պատերազմ փախստականներ բանակցություններ խաղաղություն "
            "կառավարություն զորքեր սահման համաձայնագիր քաղաք գյուղ շրջափակում հայտարարություն "
            "պատվիրակություն խորհրդարան եկեղեցի դպրոց հիվանդանոց ճանապարհ կամուրջ հովիտ "
            "գերիներ փոխանակում բանաձև ինքնավարություն ականներ վերականգնում արխիվ վկայություն "
            "տարհանում հարձակում միջնորդություն կարգավորում մարդահամար լրագրողներ դիտորդներ"
        ),
        "places": "Շուշի Ստեփանակերտ Լաչին Աղդամ Հադրութ Քարվաճառ Գորիս Երևան Բաքու Մոսկվա",
        "syllables": ["կա", "րա", "շեն", "ձոր", "լի", "վեր", "ան", "բերդ", "թաղ", "մար"],
        "stop": "։",
    },
    "az": {
        "words": (
            "atəşkəs dəhliz müharibə qaçqınlar danışıqlar sülh hökumət qoşunlar sərhəd saziş "
            "şəhər kənd blokada bəyanat nümayəndə parlament kilsə məscid məktəb xəstəxana yol "
            "körpü dərə əsirlər mübadilə qətnamə muxtariyyət minalar bərpa arxiv şahidlik "
            "təxliyə hücum vasitəçilik nizamlama siyahıyaalma jurnalistlər müşahidəçilər"
        ),
        "places": "Şuşa Xankəndi Laçın Ağdam Hadrut Kəlbəcər Füzuli Gəncə Bakı Moskva",
        "syllables": ["ka", "ra", "şen", "dərə", "li", "vər", "an", "qala", "tala", "mar"],
        "stop": ".",
    },
    "ru": {
        "words": (
            "перемирие коридор война беженцы переговоры мир правительство войска граница "
            "соглашение город село блокада заявление делегация парламент церковь мечеть школа "
            "больница дорога мост долина пленные обмен резолюция автономия мины восстановление "
            "архив свидетельство эвакуация наступление посредничество урегулирование перепись "
            "журналисты наблюдатели"
        ),
        "places": "Шуша Степанакерт Лачин Агдам Гадрут Кельбаджар Физули Гянджа Баку Ереван",
        "syllables": ["ка", "ра", "шен", "дзор", "ли", "вер", "ан", "берд", "тал", "мар"],
        "stop": ".",
    },
}
for _language in WORDS.values():
    _language["words"], _language["places"] = (
        _language["words"].split(),
        _language["places"].split(),
    )


# --- text --------------------------------------------------------------------------------------


class Writer:
    """Deterministic synthetic text in one language (English or a translation language)."""

    def __init__(self, rng: random.Random, language: str = "en"):
        self.rng, self.language = rng, language

    def name(self) -> str:
        """A made-up place or family name: what the slots are filled with, so rows differ."""
        syllables = (EN if self.language == "en" else WORDS[self.language])["syllables"]
        return "".join(self.rng.choice(syllables) for _ in range(self.rng.randint(2, 3))).title()

    def sentence(self, slot: str | None = None) -> str:
        rng = self.rng
        if self.language != "en":
            words = WORDS[self.language]
            picked = [rng.choice(words["words"]) for _ in range(rng.randint(7, 13))]
            picked.insert(rng.randrange(len(picked)), rng.choice(words["places"]))
            if slot:
                picked.insert(rng.randrange(len(picked) + 1), slot)
            text = " ".join(picked)
            return text[0].upper() + text[1:] + words["stop"]
        c = rng.choice
        where = slot or c(EN["places"])
        templates = (
            f"{c(EN['actors'])} {c(EN['verbs'])} that the {c(EN['adjectives'])} {c(EN['nouns'])} "
            f"near {where} had held since {rng.randint(1900, 2025)}",
            f"according to {c(EN['actors'])}, the {c(EN['nouns'])} along the {c(EN['nouns'])} "
            f"was {c(EN['verbs'])} after the ceasefire at {where}",
            f"the {c(EN['adjectives'])} {c(EN['nouns'])} between {c(EN['places'])} and {where} "
            f"was {c(EN['verbs'])} by {c(EN['actors'])} and later {c(EN['verbs'])}",
            f"in {rng.randint(1900, 2025)} {c(EN['actors'])} {c(EN['verbs'])} the "
            f"{c(EN['nouns'])} of the {c(EN['nouns'])} in {where}, and the corridor stayed "
            f"{c(['open', 'closed', 'contested', 'under guard'])}",
            f"records of the {c(EN['nouns'])} and the {c(EN['nouns'])} from {where} were "
            f"{c(EN['verbs'])} by {c(EN['actors'])}",
        )
        text = c(templates)
        return text[0].upper() + text[1:] + "."

    def markdown(self, citations: int, words: int, *, headings: bool = False) -> str:
        """Paragraphs of about ``words`` words citing each of [^1]..[^citations] at least once
        (in order at first, so the source list reads as the text does), and nothing beyond."""
        rng = self.rng
        sentences, count = [], 0
        slots = list(SLOTS)
        while count < words or len(sentences) < citations:
            slot = slots.pop(0) if slots and rng.random() < 0.3 else None
            sentence = self.sentence(slot)
            sentences.append(sentence)
            count += len(sentence.split())
        for slot in slots:  # each slot appears at least once, so every row gets its words
            index = rng.randrange(len(sentences))
            sentences[index] = sentences[index][:-1] + f" ({slot})" + sentences[index][-1]
        marked = sorted(rng.sample(range(len(sentences)), citations))
        markers = {index: [n] for n, index in enumerate(marked, start=1)}
        introduced = 0
        for index in range(len(sentences)):
            if index in markers:
                introduced = markers[index][0]
            elif introduced and rng.random() < 0.25:
                # A later claim from a source already cited: the list still reads in order.
                markers[index] = [rng.randint(1, introduced)]
        for index, numbers in markers.items():
            sentences[index] += "".join(f"[^{n}]" for n in numbers)
        paragraphs, current = [], []
        for sentence in sentences:
            current.append(sentence)
            if len(current) >= rng.randint(4, 8):
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
        if headings and self.language == "en":
            for index in range(len(paragraphs) - 1, 0, -1):
                if index % 4 == 0:
                    heading = f"## The {rng.choice(EN['nouns'])} at {rng.choice(EN['places'])}"
                    paragraphs.insert(index, heading)
        return "\n\n".join(paragraphs)

    def title(self, words: int = 6) -> str:
        if self.language == "en":
            c = self.rng.choice
            text = f"The {c(EN['adjectives'])} {c(EN['nouns'])} at {c(EN['places'])}"
            return text + f": {c(EN['nouns'])} and {c(EN['nouns'])}" if words > 4 else text
        vocabulary = WORDS[self.language]
        picked = [self.rng.choice(vocabulary["words"]) for _ in range(words - 1)]
        picked.insert(1, self.rng.choice(vocabulary["places"]))
        text = " ".join(picked)
        return text[0].upper() + text[1:]


@dataclass
class Rendered:
    markdown: str
    html: str


class Pool:
    """Texts rendered once per (kind, language, citation count, variant), reused across rows."""

    def __init__(self, seed: int):
        self.seed = seed
        self.texts: dict[tuple, Rendered] = {}

    def get(self, kind: str, language: str, citations: int, variant: int) -> Rendered:
        key = (kind, language, citations, variant)
        if key not in self.texts:
            # Its own generator per key, so a text does not depend on which rows asked first.
            rng = random.Random(f"{self.seed}:{kind}:{language}:{citations}:{variant}")
            text = Writer(rng, language).markdown(
                citations,
                int(WORDS_PER_KIND[kind] * rng.uniform(0.85, 1.15)),
                headings=kind == "article",
            )
            prefix = "source" if kind == "article" else ANCHOR_SLOT
            self.texts[key] = Rendered(text, render_markdown(text, anchor_prefix=prefix))
        return self.texts[key]


def fill(text: str, words: list[str], anchor: str | None = None) -> str:
    for slot, word in zip(SLOTS, words, strict=True):
        text = text.replace(slot, word)
    return text.replace(ANCHOR_SLOT, anchor) if anchor else text


# --- the generator -------------------------------------------------------------------------------


@dataclass
class Scale:
    articles: int = 1000
    events: int = 2000
    faq: int = 200
    sources: int = 5000
    topics: int = 16
    places: int = 40
    languages: tuple[str, ...] = TRANSLATION_LANGUAGES
    seed: int = 1


@dataclass
class Counts:
    values: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, number: int) -> None:
        self.values[name] = self.values.get(name, 0) + number


def synthetic_filters() -> list[tuple[type, Q]]:
    """Each model's synthetic rows, items before what they refer to."""
    from articles.models import Article
    from faq.models import FAQEntry, FAQGroup
    from timeline.models import Place, TimelineEntry

    slug = Q(slug__startswith=SLUG_PREFIX)
    return [
        (FAQEntry, slug),
        (TimelineEntry, slug),
        (Article, slug),
        (FAQGroup, slug),
        (Place, slug),
        (Topic, slug),
        (Source, Q(url_key__startswith=f"{SOURCE_HOST}/")),
    ]


def existing() -> int:
    return sum(model._base_manager.filter(q).count() for model, q in synthetic_filters())


@contextmanager
def long_running():
    """A build or clear runs long statements by design: the web processes' statement_timeout
    (settings) and the watchdog that enforces it (core.faults) are lifted for it."""
    from karabakh_site.core import faults

    wrappers = connection.execute_wrappers
    guarded = faults._guard_queries in wrappers
    if guarded:
        wrappers.remove(faults._guard_queries)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")
            try:
                # Bodies, their HTML and made_from are TOASTed: pglz, the default, compressed
                # them at about a tenth of lz4's speed and was most of a build's time (measured).
                # Readers decompress either; a server built without lz4 keeps pglz.
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
            except DatabaseError:
                pass
        yield
    finally:
        if guarded:
            wrappers.insert(0, faults._guard_queries)


def clear() -> dict[str, int]:
    """Delete every synthetic row with its citations, topics, translations and search rows.
    Raw deletes, not the models' delete(): published items refuse deletion (core.record), and
    per-row signals would make clearing 100,000 items take as long as building them."""
    counts = {}
    with transaction.atomic(), long_running(), changes.recording():
        for model, q in synthetic_filters():
            rows = model._base_manager.filter(q)
            ids = rows.values("pk")
            if hasattr(model, "translated_fields") and model.translated_fields:
                content_type = ContentType.objects.get_for_model(model)
                translations = Translation.objects.filter(
                    content_type=content_type, object_id__in=ids
                )
                _unindex_sqlite(
                    [search._translation_label(model, code) for code in TRANSLATION_LANGUAGES],
                    model,
                    q,
                )
                translations._raw_delete(translations.db)
            if issubclass(model, Publishable):
                citations = model.citations.rel.related_model
                citations._base_manager.filter(**{f"{citations.item_field}__in": ids})._raw_delete(
                    "default"
                )
            if issubclass(model, Publishable | Source):
                _unindex_sqlite([model._meta.label_lower], model, q)
            # Many-to-many rows: the model's own (an article's topics) and other models' that
            # point at it (a real article given a synthetic topic).
            m2ms = [(m2m, m2m.m2m_field_name()) for m2m in model._meta.local_many_to_many]
            m2ms += [(m2m, m2m.m2m_reverse_field_name()) for m2m in _m2m_to(model)]
            for m2m, column in m2ms:
                through = m2m.remote_field.through
                through._base_manager.filter(**{f"{column}__in": ids})._raw_delete("default")
            counts[str(model._meta.verbose_name_plural)] = rows._raw_delete(rows.db)
    return counts


def _m2m_to(model) -> list:
    """Many-to-many fields of other models that point at ``model`` (articles' topics)."""
    return [
        relation.field
        for relation in model._meta.related_objects
        if relation.many_to_many and relation.field.model is not model
    ]


def _unindex_sqlite(labels: list[str], model, q: Q) -> None:
    if connection.vendor != "sqlite":
        return
    sql, params = model._base_manager.filter(q).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {search.FTS_TABLE} WHERE model IN ({', '.join(['%s'] * len(labels))}) "
            f"AND obj_id IN ({sql})",
            [*labels, *params],
        )


class Generator:
    def __init__(self, scale: Scale, *, log=None):
        self.scale = scale
        self.rng = random.Random(scale.seed)
        self.pool = Pool(scale.seed)
        self.counts = Counts()
        self.started = time.perf_counter()
        self._log = log
        self.sqlite = connection.vendor == "sqlite"
        now = timezone.now()
        self.latest_publish = min(PUBLISH_ANCHOR, now - datetime.timedelta(days=1))
        self.content_types = {}

    def log(self, message: str) -> None:
        # DEBUG keeps every query's SQL, and these are megabytes each: dropped as we go.
        reset_queries()
        if self._log is not None:
            self._log(f"{time.perf_counter() - self.started:7.1f} s  {message}")

    # Shared records ---------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        started = self.started
        with transaction.atomic(), long_running(), changes.recording():
            self.make_sources()
            self.make_topics()
            self.make_places()
            self.make_groups()
            self.make_articles()
            self.make_events()
            self.make_faq()
            self.index_postgres()
        if connection.vendor == "postgresql":
            # Fresh statistics: the planner otherwise plans the first pages for the empty tables
            # autovacuum last saw (a citation count off by ten times, hashed subplans costed wrong).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.counts.values["seconds"] = round(time.perf_counter() - started, 1)
        return self.counts.values

    def make_sources(self):
        perspectives = list(Perspective.objects.order_by("slug"))
        if not perspectives:
            # A database emptied after migrating (a test's flush): the migration's list again.
            from importlib import import_module

            from django.apps import apps

            import_module(
                "karabakh_site.core.migrations.0009_source_perspective"
            ).seed_perspectives(apps, None)
            perspectives = list(Perspective.objects.order_by("slug"))
        rng = self.rng
        kinds = Source.Kind.values
        self.source_ids = []
        for start in range(0, self.scale.sources, CHUNK * 4):
            rows = []
            for n in range(start, min(start + CHUNK * 4, self.scale.sources)):
                url = f"https://{SOURCE_HOST}/reports/{n}"
                rows.append(
                    Source(
                        title=Writer(rng).title(6),
                        url=url,
                        url_key=url_key(url),
                        publisher=rng.choice(PUBLISHERS),
                        author=rng.choice(AUTHORS),
                        published_date=self.random_date(1988, 2025),
                        language=rng.choice(("en", "en", "hy", "az", "ru")),
                        kind=rng.choice(kinds),
                        perspective=rng.choice(perspectives) if perspectives else None,
                        url_status=Source.UrlStatus.UNKNOWN,
                    )
                )
            Source.objects.bulk_create(rows, batch_size=BATCH)
            self.index_sqlite(rows)
            self.source_ids.extend(row.pk for row in rows)
            self.log(f"sources: {len(self.source_ids)} of {self.scale.sources}")
        self.counts.add("sources", len(self.source_ids))

    def make_topics(self):
        topics = []
        for n in range(self.scale.topics):
            base = TOPICS[n % len(TOPICS)]
            topics.append(
                Topic(
                    name=f"{base} {n + 1}",
                    slug=f"{SLUG_PREFIX}topic-{n + 1}",
                    description=f"Synthetic topic: {base.lower()}, for benchmarks.",
                )
            )
        Topic.objects.bulk_create(topics, batch_size=BATCH)
        self.topic_ids = [topic.pk for topic in topics]
        self.counts.add("topics", len(topics))
        self.translate(
            topics,
            lambda topic, language, writer: {"title": writer.title(3), "body": writer.sentence()},
        )

    def make_places(self):
        from timeline.models import Place

        places = []
        for n in range(self.scale.places):
            slug, en, alt, hy, az, ru, lat, lon = PLACES[n % len(PLACES)]
            # Past the list, districts of the listed places: names differ, coordinates near.
            suffix = "" if n < len(PLACES) else f" {n // len(PLACES) + 1}"
            places.append(
                Place(
                    slug=f"{SLUG_PREFIX}place-{slug}-{n + 1}",
                    name_en=en + suffix,
                    name_en_alt=alt + suffix if alt else "",
                    name_hy=hy + suffix,
                    name_az=az + suffix,
                    name_ru=ru + suffix,
                    latitude=round(lat + self.rng.uniform(-0.05, 0.05), 6),
                    longitude=round(lon + self.rng.uniform(-0.05, 0.05), 6),
                )
            )
        Place.objects.bulk_create(places, batch_size=BATCH)
        self.places = places
        self.counts.add("places", len(places))

    def make_groups(self):
        from faq.models import FAQGroup

        wanted = min(len(FAQ_GROUPS), -(-self.scale.faq // 25)) if self.scale.faq else 0
        groups = [
            FAQGroup(name=f"{name} (synthetic)", slug=f"{SLUG_PREFIX}group-{n + 1}", position=n)
            for n, name in enumerate(FAQ_GROUPS[:wanted])
        ]
        FAQGroup.objects.bulk_create(groups)
        self.groups = groups
        self.counts.add("FAQ groups", len(groups))

    # Items -------------------------------------------------------------------------------------

    def make_articles(self):
        from articles.models import Article

        def build(n, citations, words):
            writer = Writer(self.rng)
            text = self.pool.get("article", "en", citations, self.rng.randrange(POOL_VARIANTS))
            return Article(
                title=f"{writer.title()} ({n + 1})",
                slug=f"{SLUG_PREFIX}article-{n + 1}",
                standfirst=writer.sentence(),
                body=fill(text.markdown, words),
                body_html=fill(text.html, words),
                byline=self.rng.choice(AUTHORS) or "Karabakh Archive editors",
            )

        self.article_ids = self.items(Article, self.scale.articles, "article", build)

    def make_events(self):
        from timeline import dates
        from timeline.models import TimelineEntry

        rng = self.rng
        categories = TimelineEntry.Category.values
        precisions = [dates.DAY] * 12 + [dates.MONTH] * 5 + [dates.YEAR] * 3

        def build(n, citations, words):
            writer = Writer(rng)
            text = self.pool.get("event", "en", citations, rng.randrange(POOL_VARIANTS))
            precision = rng.choice(precisions)
            # Most events fall in the conflict's decades; the rest back to 1900.
            start = self.random_date(1988, 2024) if rng.random() < 0.7 else self.random_date(1900)
            start = dates.normalise(start, precision)
            end = self.end_of(start, precision) if rng.random() < 0.12 else None
            approximate = rng.random() < (0.3 if precision == dates.YEAR else 0.03)
            place = rng.choice(self.places) if self.places and rng.random() < 0.9 else None
            entry = TimelineEntry(
                title=f"{writer.title(4)} ({n + 1})",
                slug=f"{SLUG_PREFIX}event-{n + 1}",
                date=start,
                date_precision=precision,
                end_date=end,
                approximate=approximate,
                end_precision=precision,
                end_approximate=approximate,
                category=rng.choice(categories),
                key_event=rng.random() < 0.05,
                place=place,
                period_start=start,
                period_end=dates.period_end(end or start, precision),
                place_names=place.search_names if place else "",
            )
            anchor = entry.citation_anchor_prefix
            entry.summary = fill(text.markdown, words)
            entry.summary_html = fill(text.html, words, anchor)
            return entry

        self.items(TimelineEntry, self.scale.events, "event", build)

    def make_faq(self):
        from faq.models import FAQEntry

        rng = self.rng

        def build(n, citations, words):
            text = self.pool.get("faq", "en", citations, rng.randrange(POOL_VARIANTS))
            c = rng.choice
            entry = FAQEntry(
                question=f"What happened to the {c(EN['nouns'])} near {c(EN['places'])} "
                f"in {rng.randint(1900, 2025)}? ({n + 1})",
                slug=f"{SLUG_PREFIX}faq-{n + 1}",
                group=self.groups[n % len(self.groups)],
                position=n // len(self.groups),
            )
            entry.answer = fill(text.markdown, words)
            entry.answer_html = fill(text.html, words, entry.citation_anchor_prefix)
            return entry

        self.items(FAQEntry, self.scale.faq, "faq", build)

    def items(self, model, total: int, kind: str, build):
        """Build, write, cite, tag and translate ``total`` items of ``model``, a chunk at a
        time; returns their ids."""
        citation_model = model.citations.rel.related_model
        item_field = citation_model.item_field
        rng = self.rng
        ids = []
        for start in range(0, total, CHUNK):
            items, cited = [], []
            for n in range(start, min(start + CHUNK, total)):
                citations = rng.randint(MIN_CITATIONS, MAX_CITATIONS)
                words = [Writer(rng).name() for _ in SLOTS]
                item = build(n, citations, words)
                item.status = Publishable.Status.PUBLISHED
                item.publish_at = self.latest_publish - datetime.timedelta(
                    seconds=rng.randint(0, 6 * 365 * 86400)
                )
                item._synthetic = (citations, words)
                items.append(item)
                cited.append(citations)
            model.objects.bulk_create(items, batch_size=BATCH)
            rows = []
            for item, count in zip(items, cited, strict=True):
                # Distinct sources where there are enough; a repeated one has another locator.
                chosen = rng.sample(self.source_ids, min(count, len(self.source_ids)))
                chosen += [rng.choice(self.source_ids) for _ in range(count - len(chosen))]
                for position, source_id in enumerate(chosen, start=1):
                    rows.append(
                        citation_model(
                            **{f"{item_field}_id": item.pk},
                            source_id=source_id,
                            position=position,
                            locator=f"p. {position * 10 + rng.randint(0, 9)}",
                        )
                    )
            citation_model.objects.bulk_create(rows, batch_size=BATCH * 2)
            self.counts.add("citations", len(rows))
            self.tag(model, items)
            self.index_sqlite(items)
            self.translate(items, self.translated_text(kind))
            ids.extend(item.pk for item in items)
            self.counts.add(str(model._meta.verbose_name_plural), len(items))
            self.log(f"{model._meta.verbose_name_plural}: {len(ids)} of {total}")
        return ids

    def tag(self, model, items):
        """Topics for every item (1 to 3), related articles for some events and answers."""
        rng = self.rng
        for name, choices, share in (
            ("topics", getattr(self, "topic_ids", []), 1.0),
            ("related_articles", getattr(self, "article_ids", []), 0.1),
        ):
            try:
                m2m = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not choices:
                continue
            through = m2m.remote_field.through
            own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            rows = [
                through(**{f"{own}_id": item.pk, f"{other}_id": pk})
                for item in items
                if rng.random() < share
                for pk in rng.sample(choices, min(len(choices), rng.randint(1, 3)))
            ]
            through.objects.bulk_create(rows, batch_size=BATCH * 2)

    def translated_text(self, kind: str):
        """The translation columns of one item in one language, from the pool: the same
        markers as the original's text (the pool text for its citation count)."""

        def columns(item, language, writer):
            citations, _ = item._synthetic
            text = self.pool.get(kind, language, citations, self.rng.randrange(POOL_VARIANTS))
            words = [writer.name() for _ in SLOTS]
            anchor = None if kind == "article" else item.citation_anchor_prefix
            fields = {
                "title": writer.title(6 if kind == "article" else 4),
                "body": fill(text.markdown, words),
                "body_html": fill(text.html, words, anchor),
            }
            if kind == "article":
                fields["summary"] = writer.sentence()
            return fields

        return columns

    def translate(self, items, columns):
        if not items or not self.scale.languages:
            return
        from karabakh_site.core.translations import original_text

        model = type(items[0])
        content_type = self.content_types.get(model)
        if content_type is None:
            content_type = self.content_types[model] = ContentType.objects.get_for_model(model)
        rows = []
        for item in items:
            made_from = original_text(item)
            for language in self.scale.languages:
                writer = Writer(self.rng, language)
                rows.append(
                    Translation(
                        content_type=content_type,
                        object_id=item.pk,
                        language=language,
                        status=Translation.Status.PUBLISHED,
                        machine_assisted=True,
                        made_from=made_from,
                        **columns(item, language, writer),
                    )
                )
        Translation.objects.bulk_create(rows, batch_size=BATCH)
        self.counts.add("translations", len(rows))
        if self.sqlite:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {search.FTS_TABLE} (model, obj_id, a, b, c, d) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    [
                        [
                            search._translation_label(model, row.language),
                            row.object_id,
                            *search._translation_texts(row),
                        ]
                        for row in rows
                    ],
                )

    # Search --------------------------------------------------------------------------------------

    def index_sqlite(self, rows):
        if not self.sqlite or not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {search.FTS_TABLE} (model, obj_id, a, b, c, d) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [[row._meta.label_lower, row.pk, *search._indexed_texts(row)] for row in rows],
            )

    def index_postgres(self):
        """One UPDATE per table (per language for translations), as SearchIndexed and
        core.translations.index_translation compute the vectors row by row."""
        if connection.vendor != "postgresql":
            return
        for model, q in synthetic_filters():
            weights = getattr(model, "search_weights", None)
            if not weights:
                continue
            vector = functools.reduce(
                operator.add,
                (SearchVector(name, weight=w, config="english") for name, w in weights.items()),
            )
            model._base_manager.filter(q).update(search_vector=vector)
            self.log(f"search vectors: {model._meta.verbose_name_plural}")
        for language in self.scale.languages:
            config = SEARCH_CONFIGS.get(language, "simple")
            vector = (
                SearchVector("title", weight="A", config=config)
                + SearchVector("summary", weight="B", config=config)
                + SearchVector("body", weight="C", config=config)
            )
            # Only rows never indexed, which outside a bulk write are none but these.
            Translation.objects.filter(language=language, search_vector__isnull=True).update(
                search_vector=vector
            )
            self.log(f"search vectors: translations ({language})")
        with connection.cursor() as cursor:
            # Fresh statistics, so the planner treats the new rows as a real archive's.
            tables = {model._meta.db_table for model, _ in synthetic_filters()}
            tables |= {Translation._meta.db_table}
            cursor.execute("ANALYZE " + ", ".join(sorted(map(connection.ops.quote_name, tables))))
        self.log("statistics")

    # Dates -----------------------------------------------------------------------------------------

    def random_date(self, first_year: int = 1900, last_year: int = 2025) -> datetime.date:
        start = datetime.date(first_year, 1, 1).toordinal()
        end = datetime.date(last_year, 12, 31).toordinal()
        return datetime.date.fromordinal(self.rng.randint(start, end))

    def end_of(self, start: datetime.date, precision: str) -> datetime.date | None:
        """An end after the start at the same precision, or None past 2025."""
        from timeline import dates

        rng = self.rng
        if precision == dates.YEAR:
            end = datetime.date(start.year + rng.randint(1, 6), 1, 1)
        elif precision == dates.MONTH:
            months = start.month - 1 + rng.randint(1, 18)
            end = datetime.date(start.year + months // 12, months % 12 + 1, 1)
        else:
            end = start + datetime.timedelta(days=rng.randint(1, 60))
        return end if end.year <= 2025 else None


def generate(scale: Scale, *, log=None) -> dict[str, int]:
    items = scale.articles + scale.events + scale.faq
    if items and not scale.sources:
        raise ValueError("Items need sources to cite: give --sources more than 0.")
    return Generator(scale, log=log).run()
