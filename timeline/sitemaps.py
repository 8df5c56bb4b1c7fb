from django.contrib.sitemaps import Sitemap

from .models import TimelineEntry


class TimelineEntrySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return TimelineEntry.objects.published().order_by("id")

    def lastmod(self, item):
        return item.updated_at
