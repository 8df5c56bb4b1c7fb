from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from karabakh_site.core.kinds import ContentKind
from karabakh_site.core.models import CitationBase, Claim, Publishable, TimeStampedModel, Topic


class Article(Publishable):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    standfirst = models.CharField(
        max_length=300, help_text=_("One or two sentences shown under the title and in lists.")
    )
    body = models.TextField(
        help_text=_("Markdown. [^2] marks a claim with the article's second citation.")
    )
    body_html = models.TextField(editable=False, blank=True)
    byline = models.CharField(max_length=200, default="Karabakh Archive editors")
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    claims = models.ManyToManyField(
        Claim,
        blank=True,
        related_name="articles",
        help_text=_("Contested claims the text touches: their positions show as “Who says what”."),
    )

    history = HistoricalRecords(
        excluded_fields=["search_vector", "body_html"], m2m_fields=["topics", "claims"]
    )

    content_kind = ContentKind(
        name="article",
        plural=_("Articles"),
        section=_("Articles"),
        noun=(_("article"), _("articles")),
        title_field="title",
        snippet_fields=("standfirst", "body"),
        api_prefix="articles",
        api_viewset="articles.api.ArticleViewSet",
        importexport="articles.importexport.ArticleKind",
        topic_template="articles/topic_section.html",
    )
    search_weights = {"title": "A", "standfirst": "B", "body": "C"}
    rendered_fields = {"body": "body_html"}
    # The columns of its translations (core.translations): title, standfirst, body.
    translated_fields = {"title": "title", "summary": "standfirst", "body": "body"}

    class Meta:
        ordering = ["-publish_at", "-id"]
        # Created on PostgreSQL only (see core.migration_operations); SQLite has no GIN.
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            # (The article lists' -publish_at, -id order needs none of its own: publish_at's index,
            # read backwards with an incremental sort on id, stops after the page.)
            # The content clock (core.changes.read, behind every page's Last-Modified): the
            # withdraw times just passed and next to come. Few items have one.
            models.Index(
                fields=["withdraw_at"],
                name="article_withdraw_at",
                condition=Q(withdraw_at__isnull=False),
            ),
        ]
        permissions = [("publish_article", "Can publish and withdraw articles")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def updated_on(self):
        """The date readers see as "updated": the latest of the publish date and the newest
        correction's date (None for an unpublished article). Uses prefetched corrections."""
        dates = [correction.date for correction in self.corrections.all()]
        if self.publish_at is not None:
            dates.append(timezone.localdate(self.publish_at))
        return max(dates, default=None)


class ArticleCitation(CitationBase):
    item_field = "article"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta(CitationBase.Meta):
        verbose_name = "citation"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "source", "locator"],
                name="unique_article_citation",
                violation_error_message=_(
                    "This article already cites that source at that locator."
                ),
            )
        ]


class Correction(TimeStampedModel):
    """A dated public correction, shown on the article's page."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    date = models.DateField(default=timezone.localdate)
    text = models.TextField(help_text=_("What was wrong and what the article now says."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"Correction of {self.date:%d %B %Y}"
