from django.contrib import admin

from karabakh_site.core.admin import CitationInline, ImportExportMixin, PublishableAdmin

from .models import FAQCitation, FAQEntry, FAQGroup


class FAQCitationInline(CitationInline):
    model = FAQCitation


@admin.register(FAQGroup)
class FAQGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FAQEntry)
class FAQEntryAdmin(ImportExportMixin, PublishableAdmin):
    import_kind = "faq"
    list_display = [
        "question", "group", "position", "status_label", "live", "citation_count", "updated_at",
    ]  # fmt: skip
    list_filter = [*PublishableAdmin.list_filter, "group"]
    list_select_related = ["group"]
    search_fields = ["question", "answer"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["topics", "claims", "related_articles"]
    inlines = [FAQCitationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "question",
                    "slug",
                    "answer",
                    "group",
                    "position",
                    "topics",
                    "claims",
                    "related_articles",
                ]
            },
        ),  # fmt: skip
        PublishableAdmin.publishing_fieldset,
        PublishableAdmin.record_fieldset,
    ]
