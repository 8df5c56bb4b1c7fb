"""/sitemap.xml: every published page, with the time it last changed where that is known."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
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
        return public_sources().order_by("id")

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


def in_every_language(sitemap_class):
    """Every page in the sitemap once per language (/en/, /hy/, /az/, /ru/), each with its
    alternates in every language and English as x-default, as search engines read hreflang."""
    return type(
        sitemap_class.__name__,
        (sitemap_class,),
        {"i18n": True, "alternates": True, "x_default": True, "__module__": __name__},
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
