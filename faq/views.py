from django.urls import reverse
from django.views.generic import ListView

from karabakh_site.core import jsonld
from karabakh_site.core.views import FilteredListMixin, PreviewMixin, ReaderPageMixin

from .filters import FAQFilter
from .models import FAQEntry


class FAQIndexView(ReaderPageMixin, FilteredListMixin, PreviewMixin, ListView):
    """Every question on one page, grouped, each with an anchor. FAQ entries have no page of
    their own, so staff who may change them preview drafts here, marked as drafts."""

    model = FAQEntry
    filterset_class = FAQFilter
    template_name = "faq/faq_index.html"
    context_object_name = "entries"

    def get_unfiltered_queryset(self):
        return (
            super()
            .get_unfiltered_queryset()
            .with_citations()
            .select_related("group")
            .prefetch_related("topics")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fields = self.filterset.form.fields
        context["topics"] = list(fields["topic"].queryset)
        context["groups"] = list(fields["group"].queryset)
        return context

    def get_breadcrumbs(self):
        return [("FAQ", reverse("faq:index"))]

    def get_structured_data(self, context):
        published = [entry for entry in context["entries"] if entry.is_published]
        return [jsonld.faq_page(self.request, published)]
