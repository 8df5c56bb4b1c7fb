"""Admins of the shared records that content cites and gathers under: sources and topics."""

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import source_health
from ..models import Source, Topic
from ..permissions import may_change_shared_record
from ..urlnorm import url_key
from .importexport import ImportExportMixin
from .translations import TranslatedAdminMixin
from .versioning import EditorialAdmin


class SharedRecordAdminMixin:
    """For records items share (sources, places): once one shows on published pages, only an
    editor who may publish changes or deletes it (the same rule as the API's)."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_change_shared_record(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_change_shared_record(
            request.user, obj
        )


@admin.register(Topic)
class TopicAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_search_results(self, request, queryset, search_term):
        """Names first: an exact name, then names that start with the term, then names with a
        word that starts with it, then names that contain it, and descriptions last. The topic
        autocomplete keeps this order, so "Lach" offers "Lachin corridor" before a war whose
        description mentions Lachin, and Enter picks the right one. (The changelist sorts by its
        own columns afterwards.)"""
        term = " ".join(search_term.split())
        if not term:
            return super().get_search_results(request, queryset, search_term)
        for word in term.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
        word_start = Q()
        for separator in (" ", "-", "(", "/", "“", "'"):
            word_start |= Q(name__icontains=separator + term)
        rank = Case(
            When(name__iexact=term, then=Value(0)),
            When(name__istartswith=term, then=Value(1)),
            When(word_start, then=Value(2)),
            When(name__icontains=term, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        )
        return queryset.annotate(search_rank=rank).order_by("search_rank", "name", "pk"), False


class ArchivedListFilter(admin.SimpleListFilter):
    title = _("archived copy")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("yes", gettext("Has an archived copy")), ("no", gettext("No archived copy"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(archived_url="")
        if self.value() == "no":
            return queryset.filter(archived_url="")
        return queryset


class HealthListFilter(admin.SimpleListFilter):
    """Dead links, split by whether readers can still follow an archived copy (see check_sources)."""

    title = _("link health")
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [
            ("dead-archived", gettext("Dead, archived copy kept")),
            ("dead-lost", gettext("Dead, no archived copy")),
            ("unchecked", gettext("Never checked")),
        ]

    def queryset(self, request, queryset):
        dead = queryset.filter(url_status=Source.UrlStatus.DEAD)
        if self.value() == "dead-archived":
            return dead.exclude(archived_url="")
        if self.value() == "dead-lost":
            return dead.filter(archived_url="")
        if self.value() == "unchecked":
            return queryset.filter(last_checked_at__isnull=True)
        return queryset


@admin.register(Source)
class SourceAdmin(SharedRecordAdminMixin, ImportExportMixin, EditorialAdmin):
    import_kind = "sources"
    actions = ["check_links"]
    # The action checks inside the request; whole-archive checks are for manage.py check_sources.
    check_links_limit = 50
    list_display = [
        "title", "publisher", "perspective", "kind", "language", "published_date", "url_status",
        "has_archive", "last_checked_at",
    ]  # fmt: skip
    list_filter = [
        "perspective", "kind", "url_status", HealthListFilter, ArchivedListFilter, "language",
    ]  # fmt: skip
    list_select_related = ["perspective"]
    search_fields = ["title", "publisher", "author", "url", "notes", "internal_notes"]
    date_hierarchy = "published_date"

    def get_search_results(self, request, queryset, search_term):
        """A pasted URL also finds its source when it differs only in what the stored URL drops
        (tracking parameters, "www.", a fragment, the scheme): matched on the URL's key."""
        unsearched = queryset  # the list's filters applied, not the search
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if "://" in term or term.startswith("www."):
            try:
                key = url_key(term if "://" in term else f"https://{term}")
            except ValueError:  # not a URL after all (a port out of range, say)
                return queryset, may_have_duplicates
            queryset |= unsearched.filter(url_key=key)
        return queryset, may_have_duplicates

    readonly_fields = ["cited_by", "last_checked_at", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "url",
                    "publisher",
                    "author",
                    "published_date",
                    "language",
                    "kind",
                    "perspective",
                ]
            },
        ),  # fmt: skip
        (
            _("Archive and health"),
            {
                "fields": [
                    "archived_url",
                    "archived_date",
                    "last_verified",
                    "url_status",
                    "last_checked_at",
                ]
            },
        ),  # fmt: skip
        (None, {"fields": ["notes", "internal_notes", "cited_by", "created_at", "updated_at"]}),
    ]

    @admin.action(
        description=_("Check the links of the selected sources now"), permissions=["change"]
    )
    def check_links(self, request, queryset):
        sources = list(queryset.order_by("id")[: self.check_links_limit + 1])
        if len(sources) > self.check_links_limit:
            self.message_user(
                request,
                gettext(
                    "Select at most %(limit)s sources, or run "
                    "manage.py check_sources to check them all."
                )
                % {"limit": self.check_links_limit},
                messages.ERROR,
            )
            return
        results = source_health.check_urls(
            [(source.pk, source.url) for source in sources], concurrency=10, timeout=5
        )
        if source_health.network_looks_down(results):
            self.message_user(
                request,
                gettext(
                    "No server answered: the network looks down from the server. Nothing was "
                    "recorded; try again later."
                ),
                messages.ERROR,
            )
            return
        source_health.record_results(results)
        by_status = {}
        for result in results:
            by_status.setdefault(result.status, []).append(result)
        dead = by_status.get(Source.UrlStatus.DEAD, [])
        self.message_user(
            request,
            gettext(
                "Checked %(checked)s: %(live)s live, %(dead)s dead, %(undecided)s not decided, "
                "%(skipped)s not checked (not http or https)."
            )
            % {
                "checked": len(results),
                "live": len(by_status.get(Source.UrlStatus.LIVE, [])),
                "dead": len(dead),
                "undecided": len(by_status.get(Source.UrlStatus.UNKNOWN, [])),
                "skipped": len(by_status.get("", [])),
            },
            messages.WARNING if dead else messages.SUCCESS,
        )
        archived = {source.pk: source.archived_url for source in sources}
        for result in dead:
            copy = archived[result.source_id] or gettext("no archived copy")
            dead_link = gettext("Dead: %(url)s (%(detail)s); %(copy)s.") % {
                "url": result.url,
                "detail": result.detail,
                "copy": copy,
            }
            self.message_user(request, dead_link, messages.WARNING)

    @admin.display(description=_("archived"), boolean=True)
    def has_archive(self, obj):
        return bool(obj.archived_url)

    @admin.display(description=_("cited by"))
    def cited_by(self, obj):
        if obj.pk is None:
            return "—"
        items = obj.citing_items()
        if not items:
            return gettext("Not cited yet.")
        rows = []
        for item in items:
            meta = item._meta
            try:
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])
            except NoReverseMatch:
                url = "#"
            rows.append((url, meta.verbose_name, item, item.get_status_display()))
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} <a href='{}'>{}</a> ({})</li>", ((v, u, i, s) for u, v, i, s in rows)
            ),  # fmt: skip
        )
