from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from .maps import place_url
from .models import Place, TimelineEntry

# What an entry reads (its location and lastmod), so the bodies stay in the database: loading
# them took 80 MB of a worker's memory for one sitemap file of 1,250 articles.
LISTED = ("pk", "slug", "updated_at")


class TimelineEntrySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return TimelineEntry.objects.published().order_by("id").only(*LISTED)

    def lastmod(self, item):
        return item.updated_at


class PlaceSitemap(Sitemap):
    """The places list, the events map and each place a published event is at; each changes
    when the newest published event there does."""

    changefreq = "monthly"

    def items(self):
        places = Place.objects.public().annotate(
            latest=Max(
                "entries__updated_at", filter=Q(entries__in=TimelineEntry.objects.published())
            )
        )
        overall = TimelineEntry.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        return [
            ("timeline:place-list", overall),
            ("timeline:map", overall),
            *((place, place.latest) for place in places.order_by("id")),
        ]

    def location(self, item):
        target, _ = item
        return reverse(target) if isinstance(target, str) else place_url(target)

    def lastmod(self, item):
        return item[1]
