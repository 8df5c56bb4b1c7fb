from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.models import Article
from karabakh_site.core.kinds import ContentKind
from karabakh_site.core.models import CitationBase, Claim, Publishable, SharedRecordQuerySet, Topic

from . import dates

# Paths of the timeline app's own pages (timeline/urls.py routes them before an entry's slug), so
# an entry with one of these slugs could never be reached.
RESERVED_SLUGS = frozenset({"places", "map"})


# փ, թ, ք (p', t', k') → պ, տ, կ: the pairs a romanised p, t, k leaves ambiguous.
ARMENIAN_PLAIN_CONSONANTS = str.maketrans(
    {"փ": "պ", "թ": "տ", "ք": "կ", "Փ": "Պ", "Թ": "Տ", "Ք": "Կ"}
)


class Place(models.Model):
    """A place with the names each community uses, so no side's name is the only one shown."""

    slug = models.SlugField(max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    name_en_alt = models.CharField(
        _("other English name"),
        max_length=100,
        blank=True,
        help_text=_(
            "The other community's name in English where it differs, e.g. Shushi for Shusha."
        ),
    )
    name_hy = models.CharField(_("Armenian name"), max_length=100, blank=True)
    name_az = models.CharField(_("Azerbaijani name"), max_length=100, blank=True)
    name_ru = models.CharField(_("Russian name"), max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    objects = SharedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def english_name(self) -> str:
        """ "Shusha / Shushi": both English names where the communities' names differ."""
        if self.name_en_alt and self.name_en_alt != self.name_en:
            return f"{self.name_en} / {self.name_en_alt}"
        return self.name_en

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the English names where it has none there): the
        other names are shown beside it (other_names), so none replaces another silently."""
        shown = self.shown_language
        return self.english_name if shown == "en" else getattr(self, f"name_{shown}")

    @property
    def shown_language(self) -> str:
        language = get_language() or "en"
        return (
            language if language in self.LOCAL_NAMES and getattr(self, f"name_{language}") else "en"
        )

    @property
    def search_names(self) -> str:
        """Every name of the place, in every language and script, for the search index of its
        events: Степанакерт, Ստեպանակերտ and Xankəndi all find the events at Stepanakert."""
        names = [self.name_en, self.name_en_alt, self.name_hy, self.name_az, self.name_ru]
        # Armenian names also as they are often typed from a romanisation, with the aspirated
        # consonants plain (Ստեփանակերտ as Ստեպանակերտ): that spelling finds them too.
        names.append(self.name_hy.translate(ARMENIAN_PLAIN_CONSONANTS))
        return " ".join(dict.fromkeys(name for name in names if name))

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Its events' search index holds its names (TimelineEntry.place_names): renamed here,
        # found by the new name there.
        for entry in self.entries.all():
            if entry.place_names != self.search_names:
                type(entry)._base_manager.filter(pk=entry.pk).update(place_names=self.search_names)
                entry.place_names = self.search_names
                entry.update_search_vector()

    LOCAL_NAMES = {"hy": _("Armenian"), "az": _("Azerbaijani"), "ru": _("Russian")}

    @property
    def other_names(self) -> list[tuple[str, str, str]]:
        """(language name, ISO code, name) for each name in another language than the one shown:
        the English names too, on a page in another language."""
        shown = self.shown_language
        names = [] if shown == "en" else [(_("English"), "en", self.english_name)]
        names += [
            (language, code, getattr(self, f"name_{code}"))
            for code, language in self.LOCAL_NAMES.items()
            if code != shown
        ]
        return [name for name in names if name[2]]


class TimelineEntry(Publishable):
    class Precision(models.TextChoices):
        DAY = dates.DAY, pgettext_lazy("date precision", "Day")
        MONTH = dates.MONTH, pgettext_lazy("date precision", "Month")
        YEAR = dates.YEAR, pgettext_lazy("date precision", "Year")

    class Category(models.TextChoices):
        POLITICAL = "political", _("Political")
        MILITARY = "military", _("Military")
        HUMANITARIAN = "humanitarian", _("Humanitarian")
        DIPLOMATIC = "diplomatic", _("Diplomatic")
        LEGAL = "legal", _("Legal")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    date = models.DateField(help_text=_("For month or year precision, any day in that period."))
    date_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    end_date = models.DateField(
        null=True, blank=True, help_text=_("For events that span a period.")
    )
    approximate = models.BooleanField(
        default=False, help_text=_("The date is uncertain or disputed; shown as “c.”.")
    )
    # Each end of a range has its own precision and certainty: "1988 – May 1994", "c. 1988 – 1994".
    # Left blank (None), an end takes the start's, filled in on save: writers that never name
    # them (older files, API clients, code) keep meaning what they meant.
    end_precision = models.CharField(
        max_length=5,
        choices=Precision.choices,
        blank=True,
        default="",
        help_text=_("Blank: the start's precision."),
    )
    end_approximate = models.BooleanField(
        null=True,
        blank=True,
        default=None,
        help_text=_("The end date is uncertain or disputed; shown as “c.”. Blank: as the start."),
    )
    summary = models.TextField(help_text=_("Markdown. [^1] marks a claim with the first citation."))
    summary_html = models.TextField(editable=False, blank=True)
    category = models.CharField(max_length=12, choices=Category.choices)
    key_event = models.BooleanField(_("key event"), default=False)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="timeline_entries")
    claims = models.ManyToManyField(
        Claim,
        blank=True,
        related_name="timeline_entries",
        help_text=_("Contested claims the text touches: their positions show as “Who says what”."),
    )
    related_articles = models.ManyToManyField(Article, blank=True, related_name="timeline_entries")
    # The first and last day the entry covers at its precision, so date-range filters can honour
    # precision in SQL ("May 1994" overlaps any range that touches May 1994).
    period_start = models.DateField(editable=False, blank=True, db_index=True)
    period_end = models.DateField(editable=False, blank=True, db_index=True)
    # The place's names in every language (Place.search_names), kept for search: the index
    # cannot reach across the relation.
    place_names = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords(
        excluded_fields=["search_vector", "summary_html", "place_names"],
        m2m_fields=["topics", "related_articles", "claims"],
    )

    content_kind = ContentKind(
        name="timeline",
        plural=_("Timeline entries"),
        section=_("Timeline"),
        noun=(_("event"), _("events")),
        title_field="title",
        snippet_fields=("summary",),
        api_prefix="timeline",
        api_viewset="timeline.api.TimelineEntryViewSet",
        importexport="timeline.importexport.TimelineKind",
        topic_template="timeline/topic_section.html",
    )
    search_weights = {"title": "A", "summary": "B", "place_names": "B"}
    rendered_fields = {"summary": "summary_html"}
    translated_fields = {"title": "title", "body": "summary"}

    class Meta:
        ordering = ["date", "id"]
        # Created on PostgreSQL only (see core.migration_operations); SQLite has no GIN.
        indexes = [
            GinIndex(fields=["search_vector"], name="timelineentry_search_gin"),
            # The timeline, its filters and the API list (date, id), and the home page's newest
            # key events (-date, -id, the same index read backwards): published() in date
            # order, stopped after a page.
            models.Index(
                fields=["date", "id"],
                name="timeline_published_order",
                condition=Q(status="published"),
            ),
            # The content clock (core.changes.read, behind every page's Last-Modified).
            models.Index(
                fields=["withdraw_at"],
                name="timeline_withdraw_at",
                condition=Q(withdraw_at__isnull=False),
            ),
        ]
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline entries"
        permissions = [("publish_timelineentry", "Can publish and withdraw timeline entries")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("date")),
                name="timeline_end_date_after_start",
                violation_error_message=_("The end date must be after the start date."),
            )
        ]

    def __str__(self):
        return f"{self.display_date}: {self.title}"

    def get_absolute_url(self):
        return reverse("timeline:detail", kwargs={"slug": self.slug})

    @property
    def citation_anchor_prefix(self):
        # Timeline pages list many entries, each with its own sources.
        return f"{self.slug}-source"

    @property
    def display_date(self) -> str:
        return dates.format_span(
            self.date,
            self.end_date,
            self.date_precision,
            approximate=self.approximate,
            end_precision=self.end_precision or self.date_precision,
            end_approximate=(
                self.approximate if self.end_approximate is None else self.end_approximate
            ),
        )

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": gettext(
                        "“%(slug)s” is the address of a timeline page; choose another slug."
                    )
                    % {"slug": self.slug}
                }
            )
        if (
            self.date
            and self.end_date
            and dates.normalise(self.end_date, self.end_precision or self.date_precision)
            <= dates.normalise(self.date, self.date_precision)
        ):
            raise ValidationError(
                {"end_date": gettext("The end date must be after the start date.")}
            )

    def settle_end(self) -> None:
        """An end left blank takes the start's precision and certainty (as does a missing end,
        so nothing differs unseen). Writers that compare before saving (imports) call it too."""
        if not self.end_date:
            self.end_precision, self.end_approximate = self.date_precision, self.approximate
        if not self.end_precision:
            self.end_precision = self.date_precision
        if self.end_approximate is None:
            self.end_approximate = self.approximate

    def save(self, *args, **kwargs):
        self.date = dates.normalise(self.date, self.date_precision)
        self.settle_end()
        if self.end_date:
            self.end_date = dates.normalise(self.end_date, self.end_precision)
        self.period_start = self.date
        self.period_end = (
            dates.period_end(self.end_date, self.end_precision)
            if self.end_date
            else dates.period_end(self.date, self.date_precision)
        )
        self.place_names = self.place.search_names if self.place_id else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields, "date", "end_date", "period_start", "period_end", "end_precision",
                "end_approximate", "place_names",
            }  # fmt: skip
        super().save(*args, **kwargs)


class TimelineCitation(CitationBase):
    item_field = "entry"

    entry = models.ForeignKey(TimelineEntry, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta(CitationBase.Meta):
        verbose_name = "citation"
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "source", "locator"],
                name="unique_timeline_citation",
                violation_error_message=_("This entry already cites that source at that locator."),
            )
        ]
