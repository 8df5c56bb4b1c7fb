"""Shared models: sources, citations, topics and the publishing machinery every content type uses."""

import functools

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Lower
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from karabakh_site.markdown import MAX_MARKDOWN_LENGTH, render_markdown

from .clock import QueryTime
from .publishing import NEEDS_SOURCE_MESSAGE, ensure_publishable
from .urlnorm import encode_uri, normalise_url, url_key


class SearchIndexed(models.Model):
    """A stored, weighted full-text search vector, kept up to date on save: on PostgreSQL the
    row's search_vector, on SQLite its row of the FTS5 index (see karabakh_site.search)."""

    # Field name -> weight: titles (A) rank above summaries (B) above bodies (C).
    search_weights: dict[str, str] = {}

    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Deleting an item drops its SQLite index row (PostgreSQL's vector goes with the row).
        models.signals.post_delete.connect(_drop_search_row, sender=cls, weak=False)

    def update_search_vector(self):
        if connections[self._state.db or "default"].vendor != "postgresql":
            from karabakh_site.search import index_sqlite

            index_sqlite(self, self._state.db or "default")
            return
        vectors = [
            SearchVector(field, weight=weight, config="english")
            for field, weight in self.search_weights.items()
        ]
        vector = vectors[0]
        for other in vectors[1:]:
            vector = vector + other
        type(self)._base_manager.filter(pk=self.pk).update(search_vector=vector)

    def save(self, *args, **kwargs):
        # One transaction: readers (and the content clock's date) see the row and its search
        # vector change together.
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)
            self.update_search_vector()


def _drop_search_row(sender, instance, using, **kwargs):
    from karabakh_site.search import unindex_sqlite

    unindex_sqlite(instance, using)


def _rebuild_search_index(sender, using="default", **kwargs):
    # After migrate and after a flush (which empties tables without delete signals).
    if sender.label == "core":
        from karabakh_site.search import rebuild_sqlite_index

        rebuild_sqlite_index(using)


models.signals.post_migrate.connect(_rebuild_search_index, dispatch_uid="core_search_rebuild")


class ReadsInLanguage(models.QuerySet):
    """Items fetched while a reader's language is active are shown in it (core.translations):
    one query per fetch for the translations of every item fetched, as prefetch_related does."""

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and issubclass(self._iterable_class, ModelIterable):
            from .translations import overlay, reading_language, translated_fields

            if reading_language() is not None and translated_fields(self.model):
                overlay(self._result_cache)


class Translatable(models.Model):
    """A model whose text readers get in their language (core.translations). ``translated_fields``
    maps the translation's columns (title, summary, body) to the model's own fields."""

    translated_fields: dict[str, str] = {}
    # What core.translations.overlay sets on an item it shows; these are an unread item's.
    translation = None
    translation_missing = False
    translation_outdated = False

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from .translations import refuse_overlaid

        refuse_overlaid(self)
        super().save(*args, **kwargs)

    @property
    def shown_language(self) -> str:
        from .translations import shown_language

        return shown_language(self)

    @property
    def original_url(self) -> str:
        from .translations import original_url

        return original_url(self)

    @functools.cached_property
    def available_languages(self) -> list[str]:
        """The original's language and those of its published translations (overlay() sets
        this for a whole list at once)."""
        from .translations import LANGUAGES, ORIGINAL_LANGUAGE

        languages = Translation.objects.of(self).published().values_list("language", flat=True)
        return [ORIGINAL_LANGUAGE, *sorted(languages, key=LANGUAGES.index)]


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SharedRecordQuerySet(ReadsInLanguage):
    """Records with no status of their own that published items use (topics, places, FAQ
    groups). Like sources, each is public only while a published item uses it, so a topic or
    place that only drafts use does not reveal those drafts."""

    def public(self):
        used = Q()
        # Every relation from a publishable model to this one: a foreign key (an entry's place)
        # or a many-to-many (an article's topics), found through the model's reverse relations
        # so core need not know the content apps.
        for relation in self.model._meta.related_objects:
            if issubclass(relation.related_model, Publishable):
                used |= Q(Exists(self._published_users(relation)))
        return self.filter(used) if used else self.none()

    @staticmethod
    def _published_users(relation):
        """The published items that use the outer record through ``relation``. As EXISTS, not
        ``pk IN (<every published item's record>)``: the IN list was built from every published
        item on each filter's choices, so it grew with the archive, while EXISTS reaches each
        record's items through the relation's index and stops at the first published one."""
        published = relation.related_model.objects.published()
        return published.filter(**{relation.field.name: OuterRef("pk")})

    def visible_to(self, user):
        """Every record for users who may view them in the admin; public() ones for others."""
        opts = self.model._meta
        if user is not None and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return self.all()
        return self.public()


class Topic(Translatable):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = SharedRecordQuerySet.as_manager()
    translated_fields = {"title": "name", "body": "description"}

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:topic-detail", kwargs={"slug": self.slug})


class Perspective(models.Model):
    """Whose voice a source is (a government, a court, a side's media, international media...):
    shown beside every citation, so a reader sees where each claim comes from. The list is the
    editors' (admin), seeded by a migration; ``side`` says whether it speaks for one of the
    parties to the conflict, which the evidence profile counts (core.evidence)."""

    class Side(models.TextChoices):
        ARMENIAN = "armenian", _("Armenian side")
        AZERBAIJANI = "azerbaijani", _("Azerbaijani side")
        NEITHER = "neither", _("Neither party")

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True, help_text=_("For readers: who this covers, shown on source pages.")
    )
    side = models.CharField(
        _("party to the conflict"),
        max_length=12,
        choices=Side.choices,
        default=Side.NEITHER,
        help_text=_(
            "Whether sources of this perspective speak for one side of the conflict. "
            "“Neither party” counts as independent of the parties in the evidence profile."
        ),
    )
    position = models.PositiveIntegerField(default=0, help_text=_("Order in lists and filters."))

    class Meta:
        ordering = ["position", "name", "id"]

    def __str__(self):
        return self.name

    @property
    def independent(self) -> bool:
        return self.side == self.Side.NEITHER


class Source(SearchIndexed, TimeStampedModel):
    """A document cited by the archive, described with Wikipedia's citation fields."""

    class Kind(models.TextChoices):
        NEWS_AGENCY = "news_agency", _("News agency")
        NEWSPAPER = "newspaper", _("Newspaper or magazine")
        BROADCASTER = "broadcaster", _("Broadcaster")
        GOVERNMENT = "government", _("Government")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
        NGO = "ngo", _("Non-governmental organisation")
        ACADEMIC = "academic", _("Academic")
        PRIMARY_DOCUMENT = "primary_document", _("Primary document")
        REFERENCE_WORK = "reference_work", _("Reference work")
        OTHER = "other", pgettext_lazy("source kind", "Other")

    class UrlStatus(models.TextChoices):
        LIVE = "live", pgettext_lazy("link status", "Live")
        DEAD = "dead", pgettext_lazy("link status", "Dead")
        UNKNOWN = "unknown", pgettext_lazy("link status", "Unknown")

    title = models.CharField(max_length=300)
    url = models.URLField(_("URL"), max_length=1000, help_text=_("Normalised on save."))
    # What two spellings of the same URL share; unique, so a document is recorded once.
    url_key = models.CharField(max_length=1000, unique=True, editable=False, blank=True)
    publisher = models.CharField(max_length=200)
    author = models.CharField(max_length=200, blank=True)
    published_date = models.DateField(null=True, blank=True)
    language = models.CharField(
        max_length=2,
        default="en",
        validators=[
            RegexValidator(r"^[a-z]{2}$", _("Use a two-letter ISO 639-1 code, such as en."))
        ],
        help_text=_("ISO 639-1 code, such as en, hy, az or ru."),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    archived_url = models.URLField(_("archived copy URL"), max_length=1000, blank=True)
    archived_date = models.DateField(_("archived on"), null=True, blank=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    url_status = models.CharField(
        _("URL status"), max_length=10, choices=UrlStatus.choices, default=UrlStatus.UNKNOWN
    )
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    perspective = models.ForeignKey(
        Perspective,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text=_("Whose voice this source is; shown beside every citation of it."),
    )
    notes = models.TextField(
        _("note for readers"), blank=True, help_text=_("Public: shown on the source's page.")
    )
    internal_notes = models.TextField(
        _("editors' notes"),
        blank=True,
        help_text=_(
            "Private: for editors only, never shown to readers, searched or exported "
            "through the public API."
        ),
    )

    search_weights = {"title": "A", "publisher": "B", "author": "B", "notes": "C"}

    history = HistoricalRecords(excluded_fields=["search_vector", "url_key"])

    class Meta:
        ordering = ["publisher", "title", "id"]
        # Created on PostgreSQL only (see core.migration_operations); SQLite has no GIN.
        indexes = [
            GinIndex(fields=["search_vector"], name="source_search_gin"),
            # The sources list and the API's: in this order, read in order and stopped after
            # a page.
            models.Index(fields=["publisher", "title", "id"], name="source_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(archived_date__isnull=True) | ~Q(archived_url=""),
                name="source_archived_date_needs_url",
                violation_error_message=_("An archive date needs an archived copy URL."),
            ),
        ]

    def __str__(self):
        return f"{self.publisher}: {self.title}"

    def get_absolute_url(self):
        return reverse("core:source-detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.url:
            try:
                self.url = normalise_url(self.url)
            except ValueError as error:
                # The URL validator lets through what urlsplit cannot read (a port over 65535).
                raise ValidationError(
                    {"url": gettext("Enter a valid URL (%(error)s).") % {"error": error}}
                ) from None
            self._check_encoded_length("url")
            duplicate = Source.objects.filter(url_key=url_key(self.url)).exclude(pk=self.pk).first()
            if duplicate is not None:
                raise ValidationError(
                    {
                        "url": gettext(
                            "This URL is already recorded as source #%(number)s, "
                            "“%(source)s”. Cite that source instead."
                        )
                        % {"number": duplicate.pk, "source": duplicate}
                    }
                )
        if self.archived_url:
            try:
                self.archived_url = encode_uri(self.archived_url)
            except ValueError as error:
                raise ValidationError(
                    {"archived_url": gettext("Enter a valid URL (%(error)s).") % {"error": error}}
                ) from None
            self._check_encoded_length("archived_url")
        if self.archived_date and not self.archived_url:
            raise ValidationError(
                {"archived_date": gettext("An archive date needs an archived copy URL.")}
            )

    def _check_encoded_length(self, name):
        # The field's own max_length check saw the URL as typed; encoded, each non-ASCII
        # character takes up to 12 characters, and the database would refuse the row (a 500).
        limit = self._meta.get_field(name).max_length
        if len(getattr(self, name)) > limit:
            raise ValidationError(
                {
                    name: gettext(
                        "This URL is %(length)s characters long once percent-encoded; the "
                        "limit is %(limit)s. Use a shorter address for the same document."
                    )
                    % {"length": f"{len(getattr(self, name)):,}", "limit": f"{limit:,}"}
                }
            )

    def save(self, *args, **kwargs):
        # Stored percent-encoded, so both are valid URIs whatever the channel (see core.urlnorm).
        self.url = normalise_url(self.url)
        self.url_key = url_key(self.url)
        self.archived_url = encode_uri(self.archived_url)
        super().save(*args, **kwargs)

    def citing_items(self):
        """Every content item that cites this source, across apps (one query per content type)."""
        items = []
        # Citations point here with related_name="+", so their relations are hidden ones.
        for relation in self._meta.get_fields(include_hidden=True):
            if not relation.one_to_many:
                continue
            model = relation.related_model
            if isinstance(model, type) and issubclass(model, CitationBase):
                item_field = model.item_field_name()
                citations = model.objects.filter(source=self).select_related(item_field)
                items.extend(getattr(citation, item_field) for citation in citations)
        return items


class Claim(Translatable, TimeStampedModel):
    """A contested claim or characterisation that items carry (the 2023 exodus as ethnic
    cleansing, the name of a town, a casualty figure), with the positions of those who hold a
    view on it. Like topics, a claim is public only while a published item carries it; its
    positions are shown as "Who says what" under the item's text (core.claims)."""

    class Kind(models.TextChoices):
        CHARACTERISATION = "characterisation", _("Characterisation")
        NAME = "name", pgettext_lazy("kind of claim", "Name")
        FIGURE = "figure", pgettext_lazy("kind of claim", "Figure")
        FACT = "fact", _("Disputed fact")

    slug = models.SlugField(max_length=100, unique=True)
    statement = models.CharField(
        max_length=300,
        help_text=_(
            "The claim as its holders would put it, e.g. “The 2023 exodus was ethnic "
            "cleansing”. Never stated as the archive's own view: positions say who holds it."
        ),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHARACTERISATION)
    context = models.TextField(
        blank=True,
        help_text=_(
            "For readers, plain text: what is not disputed, and what the dispute is about."
        ),
    )

    objects = SharedRecordQuerySet.as_manager()
    translated_fields = {"title": "statement", "body": "context"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["statement", "id"]

    def __str__(self):
        return self.statement

    def get_absolute_url(self):
        return reverse("core:claim-detail", kwargs={"slug": self.slug})


class PositionQuerySet(ReadsInLanguage):
    def cited(self):
        """Positions that cite a source: the only ones readers and the API are shown. The
        claims service never writes an uncited one; this keeps one made another way (a
        shell, a script) from being published all the same."""
        return self.filter(Exists(PositionSource.objects.filter(position=OuterRef("pk"))))


class Position(Translatable, TimeStampedModel):
    """What one holder (a government, a court, an organisation, a scholar) says about a claim,
    with its own citations. Listed in neutral order: alphabetically by holder, then by date."""

    class Stance(models.TextChoices):
        AFFIRMS = "affirms", _("Holds this")
        REJECTS = "rejects", _("Rejects this")
        OTHER = "other", _("Other view")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="positions")
    holder = models.CharField(
        max_length=200, help_text=_("Who says it, e.g. “Government of Azerbaijan”, “ICJ”.")
    )
    perspective = models.ForeignKey(
        Perspective,
        on_delete=models.PROTECT,
        related_name="positions",
        help_text=_("The holder's voice, from the same list as sources'."),
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.OTHER)
    says = models.TextField(
        _("what they say"),
        help_text=_(
            "Plain text, attributed: the holder's view in a sentence or three, quoting "
            "only what the cited sources say."
        ),
    )
    said_on = models.DateField(_("said on"), null=True, blank=True)
    sources = models.ManyToManyField(
        Source, through="PositionSource", related_name="positions", blank=True
    )

    objects = PositionQuerySet.as_manager()
    translated_fields = {"title": "holder", "body": "says"}
    history = HistoricalRecords()

    class Meta:
        ordering = [Lower("holder"), "said_on", "id"]

    def __str__(self):
        return f"{self.holder} on “{self.claim}”"

    def clean(self):
        super().clean()
        if len(self.says or "") > 2000:
            raise ValidationError({"says": gettext("Keep this under 2,000 characters.")})


class PositionSource(models.Model):
    """One source a position cites. PROTECT, as citations are: a cited document stays."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    locator = models.CharField(max_length=100, blank=True, help_text=_("Page, paragraph, time."))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["position", "source"], name="position_source_once")
        ]

    def __str__(self):
        return f"{self.position} cites {self.source}"

    def delete(self, *args, **kwargs):
        """The last source of a position on a claim readers can see stays: remove the position,
        or give it another source first (core.claims.write_claim does both in one write)."""
        from .claims import refuse_uncited

        refuse_uncited(
            self.position,
            leaving=type(self)
            .objects.filter(position_id=self.position_id)
            .exclude(pk=self.pk)
            .count(),
        )
        return super().delete(*args, **kwargs)


def published_q(prefix: str = "") -> Q:
    """PublishableQuerySet.published() as a condition on the item at ``prefix`` ("article__"), so
    a query that reaches items through a relation can filter them in a join instead of through
    ``IN (every published item)``, which the database builds in full before the first row."""
    now = QueryTime()
    return (
        Q(**{f"{prefix}withdraw_at__isnull": True}) | Q(**{f"{prefix}withdraw_at__gt": now})
    ) & Q(**{f"{prefix}status": Publishable.Status.PUBLISHED, f"{prefix}publish_at__lte": now})


class PublishableQuerySet(ReadsInLanguage):
    def published(self):
        """What readers may see: published, with a publish time that has passed and no withdraw time
        that has. Every page, feed, sitemap, search and API read goes through here.

        "Now" is the time the query runs (QueryTime), not the time this queryset was built, so a
        queryset kept on a class or in a Prefetch still follows the clock."""
        return self.filter(published_q())

    def awaiting_review(self):
        return self.filter(status=Publishable.Status.IN_REVIEW)

    def delete(self):
        """Refused (core.record.PartOfTheRecord) when any of the items has been public: the
        record is withdrawn, never deleted. The citations go first, marked for recovery."""
        from . import record

        items = list(self)
        # Refused before the transaction starts: a refusal inside it would doom the caller's.
        record.refuse_deleting(self.model, items)
        with transaction.atomic(using=self.db, savepoint=False):
            record.delete_citations_with(items)
            return super().delete()

    def with_citations(self):
        """Each item's citations in order, each with its source (one query more): what every
        page, API detail and export that shows an item's sources needs."""
        citation_model = self.model.citations.rel.related_model
        return self.prefetch_related(
            Prefetch(
                "citations",
                queryset=citation_model.objects.select_related(
                    "source", "source__perspective"
                ).order_by("position", "id"),
            )
        )


class Publishable(Translatable, SearchIndexed, TimeStampedModel):
    """Status, scheduling and authorship shared by articles, FAQ entries and timeline entries."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Set when published; a future time schedules the item."),
    )
    withdraw_at = models.DateTimeField(
        _("withdraw time"),
        null=True,
        blank=True,
        help_text=_("Optional: the item stops being visible at this time."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(
        _("editor's comment"),
        blank=True,
        editable=False,
        help_text=_("Why an editor returned the item; cleared when it is submitted again."),
    )

    # A revision of a live item is a copy of it that goes through the review workflow while the
    # live version stays up; publishing the copy writes what it changed into the live item as one
    # version and deletes the copy (services.start_revision, services.publish_revision). One
    # revision at a time per item: a second editor joins the first one's.
    revision_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="revision",
        verbose_name=_("revision of"),
    )
    revision_base = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The live item's history version the revision started from."),
    )

    objects = PublishableQuerySet.as_manager()

    # Each Markdown field and the field that stores its rendered, sanitised HTML. Rendered on
    # every save, so reads never render (see karabakh_site.markdown); their [^N] markers point
    # into the item's citations.
    rendered_fields: dict[str, str] = {}
    # The id prefix of the item's source-list anchors ("source-2"), which its markers link to.
    citation_anchor_prefix = "source"

    class Meta:
        abstract = True

    @property
    def markdown_fields(self) -> tuple[str, ...]:
        return tuple(self.rendered_fields)

    def render_markdown(self) -> list[str]:
        """Store each Markdown field's HTML; returns the names of the fields written."""
        for source, target in self.rendered_fields.items():
            html = render_markdown(getattr(self, source), anchor_prefix=self.citation_anchor_prefix)
            setattr(self, target, html)
        return list(self.rendered_fields.values())

    @property
    def evidence_profile(self):
        """The evidence profile of the item's citations (core.evidence), from the prefetched
        citations where with_citations() loaded them."""
        from .evidence import item_profile

        return item_profile(self)

    @property
    def content_language(self) -> str:
        """The BCP 47 tag of the language of the item's text as shown: a translation's when a
        reader's language found one (core.translations), else the original's."""
        return self.shown_language

    def get_history_url(self) -> str:
        """The item's public history page (core.public_history); each content app routes it as
        "<app>:history"."""
        return reverse(f"{self._meta.app_label}:history", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        """Whether readers can see the item now (the same test as published())."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.withdraw_at is None or self.withdraw_at > now)
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    def clean(self):
        super().clean()
        too_long = {
            name: gettext("Keep this under %(limit)s characters; it has %(length)s.")
            % {"limit": f"{MAX_MARKDOWN_LENGTH:,}", "length": f"{length:,}"}
            for name in self.rendered_fields
            if (length := len(getattr(self, name) or "")) > MAX_MARKDOWN_LENGTH
        }
        if too_long:
            raise ValidationError(too_long)
        if self.withdraw_at and self.publish_at and self.withdraw_at <= self.publish_at:
            raise ValidationError(
                {"withdraw_at": gettext("The withdraw time must be after the publish time.")}
            )

    def save(self, *args, **kwargs):
        rendered = self.render_markdown()
        if kwargs.get("update_fields") is not None:
            # The anchors depend on more than the Markdown (an FAQ entry's slug): always written.
            kwargs["update_fields"] = {*kwargs["update_fields"], *rendered}
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "publish_at"}
        # The site's promise, enforced on every save whatever the channel. A write that adds
        # citations together with the item (the admin's inlines, the API, imports) saves it
        # unpublished first and publishes it once its citations exist; see services.ItemWrite.
        if self.status == self.Status.PUBLISHED and self.pk is not None:
            ensure_publishable(self)
        elif self.status == self.Status.PUBLISHED:
            raise ValidationError({"status": gettext(NEEDS_SOURCE_MESSAGE)}, code="no_source")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Refused (core.record.PartOfTheRecord) once the item has been public: withdraw it
        instead. A draft's citations go first, marked so a recovery brings them back."""
        from . import record

        record.refuse_deleting(type(self), [self])
        with transaction.atomic(using=kwargs.get("using") or self._state.db, savepoint=False):
            record.delete_citations_with([self], by=getattr(self, "_history_user", None))
            return super().delete(*args, **kwargs)


class CitationBase(models.Model):
    """One content item citing one source, in order. Each content app has a concrete subclass
    with an explicit foreign key to its item; the name of that key is ``item_field``."""

    item_field = "item"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(
        default=0, help_text=_("Order in the numbered source list.")
    )
    locator = models.CharField(
        max_length=100, blank=True, help_text=_("Page, paragraph or timestamp, e.g. “p. 12”.")
    )
    quote = models.CharField(_("supporting quote"), max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    @classmethod
    def item_field_name(cls) -> str:
        return cls.item_field

    @property
    def item(self):
        return getattr(self, self.item_field)

    def __str__(self):
        # Named with its item, so the admin's "cannot delete, cited by …" list says where.
        locator = f", {self.locator}" if self.locator else ""
        return f"“{self.item}” cites {self.source}{locator}"

    def save(self, *args, **kwargs):
        # A citation saved without a place goes after the item's others: [^N] is the Nth
        # citation in order, so one sorting first would renumber every marker of the text.
        if not self.position:
            siblings = type(self)._base_manager.filter(
                **{f"{self.item_field}_id": getattr(self, f"{self.item_field}_id")}
            )
            highest = siblings.aggregate(highest=models.Max("position"))["highest"]
            self.position = (highest or 0) + 1
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Removing one citation (from the shell, a script) is a write of its item like any
        other: the [^N] markers after it are renumbered so each keeps its source, a marker that
        cites this one refuses the removal naming it, and the last citation of a published item
        stays (services.ItemWrite; ValidationError)."""
        from . import services

        item = self.item
        current = list(
            type(self)._base_manager.filter(**{self.item_field: item}).order_by("position", "id")
        )
        remaining = [citation for citation in current if citation.pk != self.pk]
        services.write_item(
            item,
            citations=remaining,
            markers_from=current,
            by=getattr(self, "_history_user", None),
        )
        return 1, {self._meta.label: 1}


class WorkflowEvent(models.Model):
    """One move of a content item through the review workflow: who, when, from what to what, and
    the comment that went with it. Written only by the services in core.services."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(max_length=10, choices=Publishable.Status.choices)
    to_status = models.CharField(max_length=10, choices=Publishable.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="workflow_event_item")]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ContentChange(models.Model):
    """The site-wide content clock behind Last-Modified (see core.changes). A write that readers
    can see inserts a row in its own transaction (``at`` empty: committed but not yet dated), and
    dates it once committed; only the newest dated row is kept. Rows, not one shared row, so
    concurrent editors never wait on each other's transactions."""

    at = models.DateTimeField(null=True, help_text=_("When readers could first see the change."))
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["at"], name="content_change_at")]

    def __str__(self):
        return f"change {self.pk} at {self.at or 'pending'}"


# API tokens live in their own module (hashed keys, expiry, revocation); imported here so Django
# registers the model with core.
from .tokens import ApiToken  # noqa: E402, F401


class TranslationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Translation.Status.PUBLISHED)

    def of(self, item):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk
        )


class Translation(TimeStampedModel):
    """An item's text in one of the archive's other languages (Armenian, Azerbaijani, Russian).

    The original is English, on the item itself; a translation holds the same text in up to three
    columns, which each translatable model maps to its own fields once (core.translations):
    ``title`` (an article's or event's title, a question, a topic's name, a claim's statement),
    ``summary`` (an article's standfirst) and ``body`` (an article's body, an answer, an event's
    summary, a topic's description, a claim's context, a position's words). ``made_from`` is the
    original's text when the translation was last saved, so the admin can say whether it is up to
    date and show what changed in the original since. Readers see published translations only,
    and only of items they can see; a missing one falls back to the original, with a note."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    language = models.CharField(
        max_length=8, choices=[(code, name) for code, name in settings.LANGUAGES[1:]]
    )
    title = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, validators=[])
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    machine_assisted = models.BooleanField(
        _("machine-assisted"),
        default=False,
        help_text=_(
            "Drafted with machine translation; readers are told until an editor reviews it."
        ),
    )
    reviewed = models.BooleanField(
        default=False,
        help_text=_("An editor who reads the language has checked it against the original."),
    )
    made_from = models.JSONField(default=dict, blank=True, editable=False)
    made_from_version = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = TranslationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector", "body_html"])

    class Meta:
        ordering = ["content_type_id", "object_id", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "language"],
                name="one_translation_per_language",
            )
        ]
        permissions = [("publish_translation", "Can publish translations")]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="translation_item"),
            GinIndex(fields=["search_vector"], name="translation_search_gin"),
        ]

    def __str__(self):
        return f"{self.get_language_display()} translation of {self.item}"

    def clean(self):
        from .translations import check_translation

        check_translation(self)

    def save(self, *args, **kwargs):
        from .translations import index_translation, prepare_translation

        prepare_translation(self)
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)
            index_translation(self)


def _unindex_translation(sender, instance, using, **kwargs):
    from karabakh_site.search import unindex_sqlite_translation

    unindex_sqlite_translation(instance, using)


models.signals.post_delete.connect(_unindex_translation, sender=Translation, weak=False)
