from django.contrib import admin

from karabakh_site.core.admin import CitationInline, PublishableAdmin

from .models import Article, ArticleCitation, Correction


class ArticleCitationInline(CitationInline):
    model = ArticleCitation


class CorrectionInline(admin.StackedInline):
    model = Correction
    fields = ["date", "text"]
    extra = 0


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    list_display = ["title", "status_label", "live", "publish_at", "citation_count", "updated_at"]
    list_filter = [*PublishableAdmin.list_filter, ("publish_at", admin.DateFieldListFilter)]
    list_select_related = ["updated_by"]
    search_fields = ["title", "standfirst", "body", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    inlines = [ArticleCitationInline, CorrectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "byline", "topics"]}),
        PublishableAdmin.publishing_fieldset,
        PublishableAdmin.record_fieldset,
    ]
