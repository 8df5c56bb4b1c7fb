"""The perspectives editors keep (whose voice each source is) and the editors' report of the
published items that rest on one side's sources alone (core.evidence)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import evidence
from ..kinds import content_kinds
from ..models import Perspective


@admin.register(Perspective)
class PerspectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "side", "position", "source_count"]
    list_editable = ["position"]
    list_filter = ["side"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "side", "description", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_count=Count("sources"))

    @admin.display(description=_("sources"), ordering="source_count")
    def source_count(self, obj):
        return obj.source_count


def one_sided_report(admin_site, request):
    """Published items whose every source speaks for the same one party: the ones an editor
    should find an independent source for. Visible to staff who may view the items."""
    sections = []
    for kind in content_kinds():
        model = kind.model
        opts = model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        items = list(evidence.filter_items(model.objects.published(), "one-sided").with_citations())
        rows = []
        for item in items:
            try:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
            except NoReverseMatch:
                url = ""
            rows.append((item, url, evidence.item_profile(item)))
        sections.append((opts.verbose_name_plural, rows))
    if not sections:
        raise PermissionDenied
    context = {
        **admin_site.each_context(request),
        "title": gettext("Items resting on one side's sources alone"),
        "sections": sections,
    }
    return TemplateResponse(request, "admin/editorial/one_sided.html", context)
