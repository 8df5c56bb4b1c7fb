from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import FAQEntry

# What an entry reads (its location and lastmod), so the bodies stay in the database: loading
# them took 80 MB of a worker's memory for one sitemap file of 1,250 articles.
LISTED = ("pk", "slug", "updated_at")


class FAQEntrySitemap(Sitemap):
    """Each published question's own page (the list's anchors are one page, listed as a section)."""

    changefreq = "monthly"

    def items(self):
        # Built per call: what is published depends on the time (see core.clock).
        return FAQEntry.objects.published().order_by("id").only(*LISTED)

    def location(self, item):
        return reverse("faq:detail", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at
