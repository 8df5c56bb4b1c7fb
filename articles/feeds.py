"""Article feeds: new articles (RSS and Atom) and the corrections log (Atom)."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from karabakh_site.feeds import PlainTextAtom1Feed

from .models import Article, Correction

FEED_LENGTH = 30


class ArticlesFeed(Feed):
    title = _("Karabakh Archive: articles")
    # Atom requires an author for every entry; the archive itself stands behind each one.
    author_name = _("Karabakh Archive")
    link = reverse_lazy("articles:list")
    description = _("New source-backed articles from the Karabakh Archive.")

    def items(self):
        return Article.objects.published().prefetch_related("topics")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # RSS readers take a description as HTML; the standfirst is plain text.
        return escape(item.standfirst)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = PlainTextAtom1Feed
    subtitle = ArticlesFeed.description

    def item_description(self, item):
        # The feed type declares it text: it goes as written.
        return item.standfirst


class CorrectionsFeed(Feed):
    """The newest corrections, each linking to the corrected article's corrections log."""

    feed_type = PlainTextAtom1Feed
    title = _("Karabakh Archive: corrections")
    # Atom requires an author for every entry; the archive itself stands behind each one.
    author_name = _("Karabakh Archive")
    link = reverse_lazy("articles:list")
    subtitle = _("Corrections made to published articles, newest first.")

    def items(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-date", "-id")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return gettext("Correction to “%(title)s”") % {"title": item.article.title}

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return reverse("articles:detail", kwargs={"slug": item.article.slug}) + (
            f"#correction-{item.pk}"
        )

    def item_pubdate(self, item):
        return datetime.datetime.combine(item.date, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, item):
        return item.updated_at
