"""The archive's admin site: its name on every page ("Karabakh Archive", not "Django
administration") and the editorial guide (docs/editorial.md) rendered inside the admin, for
staff only. Installed through core.admin_app.ArchiveAdminConfig in INSTALLED_APPS, Django's
documented way to replace the default site, so every ``@admin.register`` lands on it. Outside the
core.admin package on purpose: that package registers admins on this site as it is imported, so
the site's own module must not import it (the registrations would go to a first instance that a
second one then replaces)."""

from functools import cache
from pathlib import Path

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from karabakh_site.markdown import render_markdown

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "editorial.md"


@cache
def _guide_html(mtime: float) -> str:
    # Keyed on the file's modification time: re-rendered only when the guide changes.
    return render_markdown(GUIDE.read_text(encoding="utf-8"))


class ArchiveAdminSite(admin.AdminSite):
    site_header = _("Karabakh Archive")
    site_title = _("Karabakh Archive admin")
    index_title = _("Editor's desk")

    def get_urls(self):
        return [
            path("guide/", self.admin_view(self.guide_view), name="editorial_guide"),
            path(
                "reports/one-sided/",
                self.admin_view(self.one_sided_view),
                name="editorial_one_sided",
            ),
            *super().get_urls(),
        ]

    def one_sided_view(self, request):
        from .admin.evidence import one_sided_report

        return one_sided_report(self, request)

    def guide_view(self, request):
        try:
            html = _guide_html(GUIDE.stat().st_mtime)
        except OSError:
            html = format_html(
                "<p>{}</p>",
                gettext("The editorial guide (docs/editorial.md) is not installed here."),
            )
        context = {
            **self.each_context(request),
            "title": gettext("Editorial guide"),
            # Rendered and sanitised by the site's Markdown renderer, like every stored body.
            "guide_html": mark_safe(html),
        }
        return TemplateResponse(request, "admin/editorial/guide.html", context)
