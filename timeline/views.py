from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.views.generic import DetailView, ListView

from articles.models import Article
from karabakh_site.core import jsonld
from karabakh_site.core.views import FilteredListMixin, PreviewMixin, ReaderPageMixin

from .chart import BAR_WIDTH, events_per_year
from .filters import TimelineFilter
from .models import TimelineEntry


class TimelineView(ReaderPageMixin, FilteredListMixin, ListView):
    """The (filtered) timeline, oldest first, grouped by year, in pages of PER_PAGE entries so a
    large archive stays fast. The chart above counts every matching entry, and each bar links to
    its year's heading on whichever page that year starts."""

    PER_PAGE = 100

    filterset_class = TimelineFilter
    template_name = "timeline/timeline.html"
    context_object_name = "entries"
    paginate_by = PER_PAGE

    def get_unfiltered_queryset(self):
        # Built per request: what is published depends on the time (see core.clock).
        return (
            TimelineEntry.objects.published()
            .with_citations()
            .select_related("place")
            .prefetch_related("topics")
            .order_by("date", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            self.filterset.qs.order_by()
            .prefetch_related(None)
            .annotate(entry_year=ExtractYear("date"))
            .values("entry_year")
            .annotate(total=Count("id"))
            .values_list("entry_year", "total")
        )
        context["chart"] = events_per_year(counts, href=self.year_links(counts, context))
        context["bar_width"] = BAR_WIDTH
        context["topics"] = list(self.filterset.form.fields["topic"].queryset)
        context["categories"] = TimelineEntry.Category.choices
        return context

    def year_links(self, counts, context):
        """Where each year starts: an anchor on this page, or on the page holding its first entry."""
        current = context["page_obj"].number if context["page_obj"] else 1
        first_page, seen = {}, 0
        for year in sorted(counts):
            first_page[year] = seen // self.PER_PAGE + 1
            seen += counts[year]

        def href(year):
            page = first_page[year]
            if page == current:
                return f"#year-{year}"
            params = self.request.GET.copy()
            params["page"] = page
            return f"?{params.urlencode()}#year-{year}"

        return href

    def get_breadcrumbs(self):
        return [("Timeline", reverse("timeline:list"))]

    def get_structured_data(self, context):
        return [jsonld.timeline_item_list(self.request, context["entries"])]


class TimelineEntryDetailView(ReaderPageMixin, PreviewMixin, DetailView):
    model = TimelineEntry

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_citations()
            .select_related("place")
            .prefetch_related(
                "topics",
                Prefetch(
                    "related_articles",
                    queryset=Article.objects.published(),
                    to_attr="published_articles",
                ),
            )
        )

    template_name = "timeline/entry_detail.html"
    context_object_name = "entry"

    def get_breadcrumbs(self):
        return [
            ("Timeline", reverse("timeline:list")),
            (self.object.title, self.object.get_absolute_url()),
        ]

    def get_structured_data(self, context):
        return [jsonld.event(self.request, self.object)]
