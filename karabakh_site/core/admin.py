"""Admin for sources and topics, and the base classes every content admin builds on."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Publishable, Source, Topic
from .publishing import validate_citations

PUBLIC_STATUSES = {Publishable.Status.PUBLISHED, Publishable.Status.WITHDRAWN}


def publish_permission(model) -> str:
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model) -> bool:
    return user.has_perm(publish_permission(model))


class CitationInlineFormSet(BaseInlineFormSet):
    """Checks the item together with the citations submitted in the same form, before anything is
    saved: the source rule, and [^N] markers that point past the last citation."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and form.cleaned_data.get("source")
            and not form.cleaned_data.get("DELETE")
        ]
        try:
            validate_citations(self.instance, citation_count=len(kept))
        except ValidationError as error:
            raise ValidationError(
                [message for messages_ in error.message_dict.values() for message in messages_]
            ) from None


class CitationInline(admin.TabularInline):
    formset = CitationInlineFormSet
    autocomplete_fields = ["source"]
    fields = ["position", "source", "locator", "quote"]
    extra = 1


class PublishedListFilter(admin.SimpleListFilter):
    title = "visible to readers"
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("scheduled", "Scheduled"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.filter(
                status=Publishable.Status.PUBLISHED, publish_at__gt=timezone.now()
            )
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.published().values("pk"))
        return queryset


class PublishableAdmin(SimpleHistoryAdmin):
    """Status, scheduling and the publish/withdraw actions, with the source rule and the
    contributor/editor split enforced on the server."""

    actions = ["publish_selected", "withdraw_selected"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    list_filter = ["status", PublishedListFilter, "topics"]
    autocomplete_fields = ["topics"]
    list_per_page = 50
    save_on_top = True

    publishing_fieldset = (
        "Publishing",
        {"fields": ["status", "publish_at", "withdraw_at"]},
    )
    record_fieldset = (
        "Record",
        {
            "classes": ["collapse"],
            "fields": ["created_at", "created_by", "updated_at", "updated_by"],
        },
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description="sources", ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    @admin.display(description="live", boolean=True)
    def live(self, obj):
        return obj.is_published

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            return f"Scheduled for {timezone.localtime(obj.publish_at):%d %b %Y %H:%M}"
        return obj.get_status_display()

    # Contributors write drafts and submit them for review; publishing is the editors'.
    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Once public, an item changes only through someone who may publish.
        if obj is not None and obj.status in PUBLIC_STATUSES:
            return self.has_publish_permission(request)
        return True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        may_publish = self.has_publish_permission(request)
        if not may_publish and "status" in form.base_fields:
            field = form.base_fields["status"]
            field.choices = [c for c in field.choices if c[0] not in PUBLIC_STATUSES]

        original_clean = form.clean

        def clean(form_self):
            cleaned = original_clean(form_self)
            status = cleaned.get("status")
            scheduling_changed = {"publish_at", "withdraw_at"} & set(form_self.changed_data)
            if not may_publish and (status in PUBLIC_STATUSES or scheduling_changed):
                raise ValidationError(
                    "You may save drafts and submit them for review; an editor publishes."
                )
            return cleaned

        form.clean = clean
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        # Citations submitted with the form are saved after the item (save_related), and the
        # model refuses a published item without them; so the item is saved unpublished first
        # and published once its citations exist. The formset has already checked the rule.
        obj._publish_after_related = obj.status == Publishable.Status.PUBLISHED and (
            obj.pk is None or not obj.citations.exists()
        )
        if obj._publish_after_related:
            obj.status = Publishable.Status.DRAFT
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(form.instance, "_publish_after_related", False):
            services.publish(form.instance, by=request.user)

    @admin.action(description="Publish selected items", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published, refused = [], []
        for item in queryset:
            try:
                services.publish(item, by=request.user)
            except ValidationError as error:
                refused.append((item, " ".join(error.messages)))
            else:
                published.append(item)
        if published:
            self.message_user(
                request,
                f"Published {len(published)}: " + "; ".join(str(i) for i in published),
                messages.SUCCESS,
            )
        for item, reason in refused:
            self.message_user(request, f"Not published: “{item}”. {reason}", messages.ERROR)

    @admin.action(description="Withdraw selected items", permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        withdrawn = [services.withdraw(item, by=request.user) for item in queryset]
        self.message_user(
            request,
            f"Withdrew {len(withdrawn)}: " + "; ".join(str(i) for i in withdrawn),
            messages.SUCCESS,
        )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class ArchivedListFilter(admin.SimpleListFilter):
    title = "archived copy"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("yes", "Has an archived copy"), ("no", "No archived copy")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(archived_url="")
        if self.value() == "no":
            return queryset.filter(archived_url="")
        return queryset


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = [
        "title", "publisher", "kind", "language", "published_date", "url_status", "has_archive",
    ]  # fmt: skip
    list_filter = ["kind", "url_status", ArchivedListFilter, "language"]
    search_fields = ["title", "publisher", "author", "url", "notes"]
    date_hierarchy = "published_date"
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
                ]
            },
        ),  # fmt: skip
        (
            "Archive and health",
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
        (None, {"fields": ["notes", "cited_by", "created_at", "updated_at"]}),
    ]

    @admin.display(description="archived", boolean=True)
    def has_archive(self, obj):
        return bool(obj.archived_url)

    @admin.display(description="cited by")
    def cited_by(self, obj):
        if obj.pk is None:
            return "—"
        items = obj.citing_items()
        if not items:
            return "Not cited yet."
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
