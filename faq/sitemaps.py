from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import FAQEntry


class FAQEntrySitemap(Sitemap):
    """Each published question's own page (the list's anchors are one page, listed as a section)."""

    changefreq = "monthly"

    def items(self):
        # Built per call: what is published depends on the time (see core.clock).
        return FAQEntry.objects.published().order_by("id")

    def location(self, item):
        return reverse("faq:detail", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at
