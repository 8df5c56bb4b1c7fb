from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from articles.models import Article
from karabakh_site.core import jsonld
from karabakh_site.core.claims import claims_prefetch, readers_claims
from karabakh_site.core.models import Claim
from karabakh_site.core.views import (
    FilteredListMixin,
    PreviewMixin,
    ReaderPageMixin,
    bad_request,
)

from .chart import decade_of, events_per_decade, events_per_year
from .filters import TimelineFilter
from .maps import in_view, place_url
from .models import Place, TimelineEntry


class TimelineView(ReaderPageMixin, FilteredListMixin, ListView):
    """The (filtered) timeline, oldest first, grouped by period (decade) and year, in pages so
    that a large archive stays light to load and to scroll. The charts above count every
    matching entry; each bar, and each period in the navigator, links to its heading on
    whichever page it starts. ``?view=compact`` lists entries one line each, more to a page."""

    PER_PAGE = 20
    COMPACT_PER_PAGE = 100
    VIEWS = {"full": gettext_lazy("Full entries"), "compact": gettext_lazy("Compact list")}

    filterset_class = TimelineFilter
    template_name = "timeline/timeline.html"
    context_object_name = "entries"

    def get(self, request, *args, **kwargs):
        self.view_mode = request.GET.get("view") or "full"
        if self.view_mode not in self.VIEWS:
            errors = {
                "view": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(self.VIEWS)}]
            }
            return bad_request(request, errors, back_url=request.path)
        return super().get(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        return self.COMPACT_PER_PAGE if self.view_mode == "compact" else self.PER_PAGE

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
        per_page = self.get_paginate_by(None)
        current = context["page_obj"].number if context["page_obj"] else 1
        year_page, decade_page, seen = {}, {}, 0
        for year in sorted(counts):
            year_page[year] = seen // per_page + 1
            decade_page.setdefault(decade_of(year), year_page[year])
            seen += counts[year]
        link = self.page_link(current)
        context["chart"] = events_per_year(
            counts, href=lambda year: link(year_page[year], f"year-{year}")
        )
        context["decade_chart"] = events_per_decade(
            counts, href=lambda decade: link(decade_page[decade], f"period-{decade}s")
        )
        # Both charts go in the page; the style sheet shows the one that fits the screen.
        context["charts"] = [("years", context["chart"]), ("decades", context["decade_chart"])]
        context["groups"] = group_by_period(context["entries"], year_page, current)
        on_page = {group["decade"] for group in context["groups"]}
        context["periods"] = [
            {"label": bar.label, "count": bar.count, "href": bar.href, "here": bar.start in on_page}
            for bar in context["decade_chart"].bars
        ]
        context["view_mode"] = self.view_mode
        context["views"] = [
            (mode, label, self.view_link(mode)) for mode, label in self.VIEWS.items()
        ]
        context["topics"] = list(self.filterset.form.fields["topic"].queryset)
        context["places"] = list(self.filterset.form.fields["place"].queryset)
        context["categories"] = TimelineEntry.Category.choices
        return context

    def page_link(self, current):
        """A link to ``anchor`` on ``page``: the bare anchor when that is this page."""

        def href(page, anchor):
            if page == current:
                return f"#{anchor}"
            params = self.request.GET.copy()
            params["page"] = page
            return f"?{params.urlencode()}#{anchor}"

        return href

    def view_link(self, mode):
        # Another view pages differently, so the link starts at its first page.
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("view", None)
        if mode != "full":
            params["view"] = mode
        return f"?{params.urlencode()}" if params else self.request.path

    def get_breadcrumbs(self):
        return [(_("Timeline"), reverse("timeline:list"))]

    def get_structured_data(self, context):
        return [jsonld.timeline_item_list(self.request, context["entries"])]


def group_by_period(entries, year_page, current):
    """This page's entries as periods (decades) of years of entries, each year marked as
    continued when it started on an earlier page."""
    periods = []
    for entry in entries:
        year = entry.date.year
        decade = decade_of(year)
        if not periods or periods[-1]["decade"] != decade:
            periods.append({"decade": decade, "label": f"{decade}s", "years": []})
        years = periods[-1]["years"]
        if not years or years[-1]["year"] != year:
            continued = year_page.get(year, current) < current
            years.append({"year": year, "continued": continued, "entries": []})
        years[-1]["entries"].append(entry)
    return periods


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
                claims_prefetch(),
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
            (_("Timeline"), reverse("timeline:list")),
            (self.object.title, self.object.get_absolute_url()),
        ]

    def get_structured_data(self, context):
        return [jsonld.event(self.request, self.object)]


# Places and the events map -------------------------------------------------------------------


def public_places():
    """Places a published event is at (as in the API: one only drafts use reveals nothing),
    each with how many published events are there. Built per request (the clock decides)."""
    at_place = (
        TimelineEntry.objects.published()
        .filter(place=OuterRef("pk"))
        .order_by()
        .values("place")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Place.objects.public().annotate(
        event_count=Coalesce(Subquery(at_place, output_field=IntegerField()), Value(0))
    )


class PlaceListView(ReaderPageMixin, ListView):
    template_name = "timeline/place_list.html"
    context_object_name = "places"

    def get_queryset(self):
        return public_places().order_by("name_en", "id")

    def get_breadcrumbs(self):
        return [
            (_("Timeline"), reverse("timeline:list")),
            (_("Places"), reverse("timeline:place-list")),
        ]


class PlaceDetailView(ReaderPageMixin, DetailView):
    """A place's names, where it is, and the published events there, in date order."""

    template_name = "timeline/place_detail.html"
    context_object_name = "place"

    def get_queryset(self):
        return public_places()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = list(
            TimelineEntry.objects.published()
            .filter(place=self.object)
            .select_related("place")
            .order_by("date", "id")
        )
        # Where the place's names are themselves contested (Stepanakert / Khankendi), who uses
        # which: the naming claims its published events carry, as "Who says what" shows them.
        context["claims"] = list(
            readers_claims(
                Claim.objects.filter(
                    kind=Claim.Kind.NAME,
                    timeline_entries__in=[entry.pk for entry in context["entries"]],
                ).distinct()
            )
        )
        return context

    def get_breadcrumbs(self):
        return [
            (_("Timeline"), reverse("timeline:list")),
            (_("Places"), reverse("timeline:place-list")),
            (self.object.display_name, place_url(self.object)),
        ]


class EventsMapView(ReaderPageMixin, TemplateView):
    """Every place with published events on one map, and the same places as a list."""

    template_name = "timeline/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        places = list(public_places().order_by("name_en", "id"))
        context["places"] = places
        context["mapped"] = [p for p in places if in_view(p.latitude, p.longitude)]
        context["elsewhere"] = [p for p in places if not in_view(p.latitude, p.longitude)]
        return context

    def get_breadcrumbs(self):
        return [(_("Timeline"), reverse("timeline:list")), (_("Map"), reverse("timeline:map"))]
