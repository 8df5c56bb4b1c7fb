from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from karabakh_site.core.admin import CitationInline, ImportExportMixin, PublishableAdmin

from .models import Article, ArticleCitation, Correction


class ArticleCitationInline(CitationInline):
    model = ArticleCitation


class CorrectionInline(admin.StackedInline):
    """Dated public corrections. Only editors hold the correction permissions (see the editorial
    groups migration), and only a published article can be corrected: a draft is simply edited."""

    model = Correction
    fields = ["date", "text"]
    extra = 0
    verbose_name = _("public correction")

    def has_change_permission(self, request, obj=None):
        # A correction, once saved, is part of the public record: it is read, not rewritten or
        # deleted in place (a later correction corrects it).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(
            "articles.add_correction"
        )

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status == Article.Status.PUBLISHED
            and super().has_add_permission(request, obj)
        )


@admin.register(Article)
class ArticleAdmin(ImportExportMixin, PublishableAdmin):
    import_kind = "articles"
    # Few enough columns to fit 1280 px with the sidebar filters: the title, its state, sources.
    list_display = ["title", "status_label", "live", "citation_count", "updated_at"]
    list_filter = [*PublishableAdmin.list_filter, ("publish_at", admin.DateFieldListFilter)]
    list_select_related = ["updated_by"]
    search_fields = ["title", "standfirst", "body", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    # Corrections above the citations: a long article has dozens of citation rows.
    inlines = [CorrectionInline, ArticleCitationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "byline", "topics", "claims"]}),
        PublishableAdmin.publishing_fieldset,
        PublishableAdmin.record_fieldset,
    ]
