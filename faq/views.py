from django.db.models import Prefetch
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import ListView

from karabakh_site.core import jsonld
from karabakh_site.core.views import FilteredListMixin, ReaderPageMixin

from .filters import FAQFilter
from .models import FAQCitation, FAQEntry


class FAQIndexView(ReaderPageMixin, FilteredListMixin, ListView):
    """Every question on one page, grouped, each with an anchor. FAQ entries have no page of
    their own, so staff who may change them preview drafts here, marked as drafts."""

    queryset = FAQEntry.objects.select_related("group").prefetch_related(
        "topics", Prefetch("citations", queryset=FAQCitation.objects.select_related("source"))
    )
    filterset_class = FAQFilter
    template_name = "faq/faq_index.html"
    context_object_name = "entries"

    def can_preview(self) -> bool:
        user = self.request.user
        return user.is_authenticated and user.has_perm("faq.change_faqentry")

    def get_unfiltered_queryset(self):
        queryset = self.queryset.all()
        return queryset if self.can_preview() else queryset.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fields = self.filterset.form.fields
        context["topics"] = list(fields["topic"].queryset)
        context["groups"] = list(fields["group"].queryset)
        context["preview"] = any(not entry.is_published for entry in context["entries"])
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.can_preview():
            add_never_cache_headers(response)
        return response

    def get_breadcrumbs(self):
        return [("FAQ", reverse("faq:index"))]

    def get_structured_data(self, context):
        published = [entry for entry in context["entries"] if entry.is_published]
        return [jsonld.faq_page(self.request, published)]
