"""The timeline API: /api/v1/timeline/ (with its TimelineJS export) and /api/v1/places/."""

import django_filters
from django import forms
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from articles.api import visible_articles
from karabakh_site.core.api.fields import SLUG_PATH
from karabakh_site.core.api.filters import (
    PublishableApiFilter,
    StrictBooleanFilter,
    TextFilter,
)
from karabakh_site.core.api.views import ArchiveViewSet, PublishableViewSet
from karabakh_site.core.filters import RecordFilter

from .filters import TimelineFilter
from .models import Place, TimelineEntry
from .serializers import (
    PlaceSerializer,
    TimelineEntryListSerializer,
    TimelineEntrySerializer,
    TimelineJSSerializer,
    timelinejs_data,
)


class TimelineApiFilter(PublishableApiFilter, TimelineFilter):
    q = TextFilter(field_names=["title", "summary"])
    place = RecordFilter(model=Place, field_name="place", help_text="A place's slug.")
    key_event = StrictBooleanFilter(field_name="key_event", help_text="Only key events, or none.")

    class Meta(TimelineFilter.Meta):
        fields = [*TimelineFilter.Meta.fields, "q", "place", "key_event"]
        # A range that ends before it starts overlaps nothing: an empty list, not an error (the
        # site's form says so to a person instead).
        form = forms.Form


class TimelineEntryViewSet(PublishableViewSet):
    """Timeline entries. `date_after` and `date_before` match by overlap with the period an entry
    covers at its precision: "May 1994" is inside any range that touches May 1994."""

    queryset = TimelineEntry.objects.all()
    serializer_class = TimelineEntrySerializer
    list_serializer_class = TimelineEntryListSerializer
    filterset_class = TimelineApiFilter
    ordering = ["date", "id"]
    ordering_fields = ["date", "title", "publish_at", "updated_at", "slug", "id"]

    def get_queryset(self):
        queryset = self.visible()
        if self.action == "timelinejs":
            return queryset
        queryset = queryset.select_related("place").prefetch_related("topics")
        if self.action != "list":
            queryset = queryset.with_citations().prefetch_related(
                Prefetch("related_articles", queryset=visible_articles(self.request.user)),
            )
        return queryset

    @extend_schema(
        summary="The timeline in TimelineJS's JSON format",
        description="Every entry this client may read (filters and ordering apply), unpaginated, "
        "ready for TimelineJS: `new TL.Timeline('timeline', url)`.",
        # The list's filters and ordering apply here too, so the schema lists them.
        filters=True,
        responses={200: TimelineJSSerializer},
    )
    @action(detail=False, url_path="timelinejs", pagination_class=None)
    def timelinejs(self, request):
        entries = self.filter_queryset(self.get_queryset())
        return Response(timelinejs_data(entries, request=request))


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="Entries still name the place."),
        }
    )
)
class PlaceViewSet(ArchiveViewSet):
    queryset = Place.objects.all()
    serializer_class = PlaceSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH
    ordering = ["name_en", "id"]
    ordering_fields = ["name_en", "slug", "id"]

    def get_queryset(self):
        # Readers see a place once a published entry names it, as with sources.
        return Place.objects.visible_to(self.request.user)

    class filterset_class(django_filters.FilterSet):
        q = TextFilter(field_names=["name_en", "name_en_alt", "name_hy", "name_az", "name_ru"])

        class Meta:
            model = Place
            fields = ["q"]
