"""Timeline feeds (RSS and Atom): entries as they are published, newest first."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import TimelineEntry

FEED_LENGTH = 50


class TimelineFeed(Feed):
    title = _("Karabakh Archive: timeline")
    # Atom requires an author for every entry; the archive itself stands behind each one.
    author_name = _("Karabakh Archive")
    link = reverse_lazy("timeline:list")
    description = _("Events added to the Karabakh Archive's source-backed timeline.")

    def items(self):
        return (
            TimelineEntry.objects.published()
            .select_related("place")
            .prefetch_related("topics")
            .order_by("-publish_at", "-id")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"{item.display_date}: {item.title}"

    def item_description(self, item):
        return item.summary_html

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_category_display(), *(topic.name for topic in item.topics.all())]


class TimelineAtomFeed(TimelineFeed):
    feed_type = Atom1Feed
    subtitle = TimelineFeed.description
