from django.contrib import admin

from karabakh_site.core.admin import (
    CitationInline,
    ImportExportMixin,
    PublishableAdmin,
    SharedRecordAdminMixin,
)

from .models import Place, TimelineCitation, TimelineEntry


class TimelineCitationInline(CitationInline):
    model = TimelineCitation


class YearListFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = TimelineEntry.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(Place)
class PlaceAdmin(SharedRecordAdminMixin, admin.ModelAdmin):
    # A place of a published entry shows on public pages: only an editor changes it.
    list_display = ["name_en", "name_en_alt", "name_hy", "name_az", "name_ru"]
    search_fields = ["name_en", "name_en_alt", "name_hy", "name_az", "name_ru"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ImportExportMixin, PublishableAdmin):
    import_kind = "timeline"
    list_display = [
        "title", "display_date", "category", "key_event", "place", "status_label", "live",
        "citation_count",
    ]  # fmt: skip
    list_filter = [*PublishableAdmin.list_filter, "category", "key_event", YearListFilter]
    list_select_related = ["place"]
    search_fields = [
        "title", "summary", "place__name_en", "place__name_en_alt", "place__name_hy",
        "place__name_az", "place__name_ru",
    ]  # fmt: skip
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "related_articles", "place"]
    inlines = [TimelineCitationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "summary",
                    "category",
                    "key_event",
                    "place",
                    "topics",
                    "related_articles",
                ]
            },
        ),  # fmt: skip
        ("Date", {"fields": ["date", "date_precision", "end_date", "approximate"]}),
        PublishableAdmin.publishing_fieldset,
        PublishableAdmin.record_fieldset,
    ]
