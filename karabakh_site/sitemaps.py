"""The sitemaps: every published page, with the time it last changed where that is known.

/sitemap.xml is an index of one sitemap per section (/sitemap-articles.xml, ...), each split into
files of at most ``EveryLanguageSitemap.limit`` URLs (?p=2, ...), so no file grows with the archive.
"""

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from faq.models import FAQEntry
from faq.sitemaps import FAQEntrySitemap
from karabakh_site.core.claims import readers_claims
from karabakh_site.core.models import Claim, Topic
from karabakh_site.core.readers import public_sources
from timeline.models import TimelineEntry
from timeline.sitemaps import PlaceSitemap, TimelineEntrySitemap


class SectionSitemap(Sitemap):
    """The section pages; each changes when the newest published item in it does."""

    changefreq = "daily"
    sections = {
        "home": Article,
        "articles:list": Article,
        "faq:index": FAQEntry,
        "timeline:list": TimelineEntry,
        "core:source-list": None,
        "core:topic-list": None,
        "core:claim-list": None,
    }

    def items(self):
        # One query per model, however many sections share it.
        self._latest = {
            model: model.objects.published().aggregate(latest=Max("updated_at"))["latest"]
            for model in {model for model in self.sections.values() if model is not None}
        }
        return list(self.sections)

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return self._latest.get(self.sections[item])


class SourceSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return public_sources().select_related(None).order_by("id").only("pk", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Topic.objects.public().order_by("id")


class ClaimSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        # The claims with a page: public, with a cited position (core.views.ClaimDetailView).
        return readers_claims(Claim.objects.public()).prefetch_related(None).order_by("id")

    def lastmod(self, item):
        return item.updated_at


class EveryLanguage:
    """The (item, language) pairs Django's i18n sitemaps page through, in its order (each item
    in every language in turn), that fetch only the items a slice needs. Django builds the whole
    list for every page of a sitemap, so each file of a large section would load all its rows."""

    def __init__(self, items, languages):
        if isinstance(items, QuerySet) and not items.ordered:
            # Slices of an unordered query may overlap or skip rows from one file to the next.
            items = items.order_by("pk")
        self.items = items
        self.languages = list(languages)

    @cached_property
    def item_count(self) -> int:
        return self.items.count() if isinstance(self.items, QuerySet) else len(self.items)

    def __len__(self):
        return self.item_count * len(self.languages)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, step = index.indices(len(self))
        width = len(self.languages)
        first, last = start // width, -(-stop // width)
        pairs = [(item, code) for item in self.items[first:last] for code in self.languages]
        return pairs[start - first * width : stop - first * width : step]


class EveryLanguageSitemap(Sitemap):
    """Every page once per language (/en/, /hy/, /az/, /ru/), each with its alternates in every
    language and English as x-default, as search engines read hreflang.

    The limit counts URLs, and each item is four of them. 5,000 (1,250 items) keeps a file near
    3 MB (some 600 bytes a URL with its five alternates; under 10 MB at the longest slugs), far
    under the protocol's 50,000 URLs and 50 MB, and quick to build on request. Every item has
    every language (get_languages_for_item is not consulted per item), which is what lets a file
    fetch only its own items."""

    i18n = True
    alternates = True
    x_default = True
    limit = 5_000
    # The field the item sitemaps' lastmod() reads, for the index's newest date in one query.
    lastmod_field = "updated_at"

    def listed(self):
        # Once per request: the sitemap classes are instantiated per request, so "now" is the
        # request's (SectionSitemap.items() also reads its dates here).
        if not hasattr(self, "_listed"):
            self._listed = self.items()
        return self._listed

    def _items(self):
        return EveryLanguage(self.listed(), self._languages())

    def _location(self, item, force_lang_code=None):
        # Django asks for an item's URL in each language once for every language it lists the
        # item in (the alternates), and again for x-default: 24 reverse() calls, each under a
        # language override, for four URLs, which made a file of 5,000 URLs take a second.
        obj, lang_code = item
        key = (obj, force_lang_code or lang_code)
        locations = self.__dict__.setdefault("_locations", {})
        if key not in locations:
            locations[key] = super()._location(item, force_lang_code)
        return locations[key]

    def get_latest_lastmod(self):
        # Django's reads every item's lastmod(), all the rows of a section for one date.
        if not callable(getattr(self, "lastmod", None)):
            return super().get_latest_lastmod()
        items = self.listed()
        if isinstance(items, QuerySet):
            return items.order_by().aggregate(latest=Max(self.lastmod_field))["latest"]
        try:
            return max((self.lastmod(item) for item in items), default=None)
        except TypeError:  # some have none (as Django's): the index gives no date
            return None


def in_every_language(sitemap_class):
    """``sitemap_class`` listed in every language, in files of EveryLanguageSitemap.limit URLs."""
    return type(
        sitemap_class.__name__,
        (EveryLanguageSitemap, sitemap_class),
        {"__module__": __name__},
    )


SITEMAPS = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "timeline": TimelineEntrySitemap,
    "places": PlaceSitemap,
    "faq": FAQEntrySitemap,
    "sources": SourceSitemap,
    "topics": TopicSitemap,
    "claims": ClaimSitemap,
}
SITEMAPS = {name: in_every_language(sitemap) for name, sitemap in SITEMAPS.items()}
