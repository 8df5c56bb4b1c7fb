from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from articles.models import Article
from karabakh_site.core import jsonld
from karabakh_site.core.claims import claims_prefetch
from karabakh_site.core.views import FilteredListMixin, PreviewMixin, ReaderPageMixin

from .filters import FAQFilter
from .models import FAQEntry


class FAQIndexView(ReaderPageMixin, FilteredListMixin, PreviewMixin, ListView):
    """Every question on one page, grouped, each with an anchor (kept for links made before
    entries had pages) and a link to its own page. Staff who may change entries preview drafts
    here too, marked as drafts."""

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
        return [(_("FAQ"), reverse("faq:index"))]

    def get_structured_data(self, context):
        published = [entry for entry in context["entries"] if entry.is_published]
        return [jsonld.faq_page(self.request, published)]


class FAQEntryDetailView(ReaderPageMixin, PreviewMixin, DetailView):
    """One question and its answer on a page of its own, to cite and share."""

    model = FAQEntry
    template_name = "faq/entry_detail.html"
    context_object_name = "entry"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_citations()
            .select_related("group")
            .prefetch_related(
                "topics",
                claims_prefetch(),
                # Related articles are shown only once published, even beside a previewed draft.
                Prefetch(
                    "related_articles",
                    queryset=Article.objects.published(),
                    to_attr="published_articles",
                ),
            )
        )

    def get_breadcrumbs(self):
        return [
            (_("FAQ"), reverse("faq:index")),
            (self.object.question, reverse("faq:detail", args=[self.object.slug])),
        ]

    def get_structured_data(self, context):
        return [jsonld.faq_page(self.request, [self.object])]
