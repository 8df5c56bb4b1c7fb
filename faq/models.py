from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.models import Article
from karabakh_site.core.kinds import ContentKind
from karabakh_site.core.models import CitationBase, Claim, Publishable, SharedRecordQuerySet, Topic


class FAQGroup(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)

    objects = SharedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = "FAQ group"

    def __str__(self):
        return self.name


class FAQEntry(Publishable):
    question = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    answer = models.TextField(help_text=_("Markdown. [^1] marks a claim with the first citation."))
    answer_html = models.TextField(editable=False, blank=True)
    group = models.ForeignKey(FAQGroup, on_delete=models.PROTECT, related_name="entries")
    position = models.PositiveIntegerField(default=0, help_text=_("Order within the group."))
    topics = models.ManyToManyField(Topic, blank=True, related_name="faq_entries")
    claims = models.ManyToManyField(
        Claim,
        blank=True,
        related_name="faq_entries",
        help_text=_("Contested claims the text touches: their positions show as “Who says what”."),
    )
    related_articles = models.ManyToManyField(Article, blank=True, related_name="faq_entries")

    history = HistoricalRecords(
        excluded_fields=["search_vector", "answer_html"],
        m2m_fields=["topics", "related_articles", "claims"],
    )

    content_kind = ContentKind(
        name="faq",
        plural=_("FAQ entries"),
        section=_("FAQ"),
        noun=(_("question"), _("questions")),
        title_field="question",
        snippet_fields=("answer",),
        api_prefix="faq",
        api_viewset="faq.api.FAQEntryViewSet",
        importexport="faq.importexport.FAQKind",
        list_related=("group",),
        topic_template="faq/topic_section.html",
    )
    search_weights = {"question": "A", "answer": "C"}
    rendered_fields = {"answer": "answer_html"}
    translated_fields = {"title": "question", "body": "answer"}

    class Meta:
        ordering = ["group__position", "group__name", "position", "id"]
        # Created on PostgreSQL only (see core.migration_operations); SQLite has no GIN.
        indexes = [
            GinIndex(fields=["search_vector"], name="faqentry_search_gin"),
            # The content clock (core.changes.read, behind every page's Last-Modified) asks
            # every content table for its withdraw times on every request.
            models.Index(
                fields=["withdraw_at"],
                name="faqentry_withdraw_at",
                condition=Q(withdraw_at__isnull=False),
            ),
        ]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"
        permissions = [("publish_faqentry", "Can publish and withdraw FAQ entries")]

    def __str__(self):
        return self.question

    @property
    def title(self):
        return self.question

    @property
    def citation_anchor_prefix(self):
        # Many answers share the FAQ page, so each one's source anchors carry its slug.
        return f"{self.slug}-source"

    def get_absolute_url(self):
        return reverse("faq:detail", kwargs={"slug": self.slug})


class FAQCitation(CitationBase):
    item_field = "entry"

    entry = models.ForeignKey(FAQEntry, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta(CitationBase.Meta):
        verbose_name = "citation"
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "source", "locator"],
                name="unique_faq_citation",
                violation_error_message=_("This entry already cites that source at that locator."),
            )
        ]
