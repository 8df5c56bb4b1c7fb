from django.db.models import Prefetch
from django.urls import reverse
from django.views.generic import DetailView, ListView

from articles.models import Article
from karabakh_site.core import jsonld
from karabakh_site.core.models import Topic
from karabakh_site.core.views import FilteredListMixin, PreviewMixin, ReaderPageMixin

from .chart import BAR_WIDTH, events_per_year
from .filters import TimelineFilter
from .models import TimelineCitation, TimelineEntry

CITATIONS = Prefetch("citations", queryset=TimelineCitation.objects.select_related("source"))


class TimelineView(ReaderPageMixin, FilteredListMixin, ListView):
    """The whole (filtered) timeline on one page: a chronology reads best unbroken, and the
    chart's bars link to year headings on the same page."""

    queryset = (
        TimelineEntry.objects.published()
        .select_related("place")
        .prefetch_related("topics", CITATIONS)
        .order_by("date", "id")
    )
    filterset_class = TimelineFilter
    template_name = "timeline/timeline.html"
    context_object_name = "entries"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chart"] = events_per_year(context["entries"])
        context["bar_width"] = BAR_WIDTH
        context["topics"] = list(Topic.objects.all())
        context["categories"] = TimelineEntry.Category.choices
        return context

    def get_breadcrumbs(self):
        return [("Timeline", reverse("timeline:list"))]

    def get_structured_data(self, context):
        return [jsonld.timeline_item_list(self.request, context["entries"])]


class TimelineEntryDetailView(ReaderPageMixin, PreviewMixin, DetailView):
    queryset = TimelineEntry.objects.select_related("place").prefetch_related(
        "topics",
        CITATIONS,
        Prefetch(
            "related_articles",
            queryset=Article.objects.published(),
            to_attr="published_articles",
        ),
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
