"""API viewsets for sources and topics, and the bases the content apps' viewsets and filters
build on."""

import datetime
import operator
from functools import reduce

import django_filters
from django.core.validators import validate_slug
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, viewsets

from karabakh_site.api_support import SLUG_PATH, ApiViewMixin, may_view_unpublished

from .filters import SourceFilter
from .models import Publishable, Source, Topic
from .readers import public_sources
from .serializers import SourceSerializer, TopicSerializer


@extend_schema_field({"type": "string", "maxLength": 200})
class TextFilter(django_filters.CharFilter):
    """``q``: every word must appear, case-insensitively, in one of ``field_names``. A plain filter
    for narrowing lists (drafts included, for those who see them); ranked full-text search is
    /api/v1/search/, the site's own engine."""

    def __init__(self, *args, field_names, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", "Words that must all appear (case-insensitive).")
        super().__init__(*args, **kwargs)
        self.field_names = field_names

    def filter(self, qs, value):
        for word in (value or "").split():
            qs = qs.filter(
                reduce(
                    operator.or_, (Q(**{f"{name}__icontains": word}) for name in self.field_names)
                )
            )
        return qs


@extend_schema_field({"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "maxLength": 200})
class SlugFilter(django_filters.CharFilter):
    """A related object by slug. A malformed slug is a 400; a well-formed slug that nothing has
    matches nothing (a 200 with no results), as for any other value no item has."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_slug])
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "maxLength": 200})
class BoundedCharFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class StrictBooleanFilter(django_filters.ChoiceFilter):
    """true or false; anything else is a 400 (django-filter's BooleanFilter ignores it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[("true", "true"), ("false", "false")], **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return qs.filter(**{self.field_name: value == "true"})


@extend_schema_field({"type": "string", "pattern": "^[a-z]{2}$"})
class LanguageFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        # The model field's own rule and message.
        kwargs.setdefault("validators", Source._meta.get_field("language").validators)
        super().__init__(*args, **kwargs)


def as_utc(value: datetime.datetime, name: str) -> datetime.datetime:
    """A filter's date-time in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 and
    Python allow; one that leaves the calendar in UTC (year 1 at +05:00) is a 400."""
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise exceptions.ValidationError(
            {name: ["That date-time is outside the range the archive can compare."]}
        ) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    def filter(self, qs, value):
        if value:
            name = next(n for n, f in self.parent.filters.items() if f is self)
            value = as_utc(value, name)
        return super().filter(qs, value)


class PublishableApiFilter(django_filters.FilterSet):
    """API-only filters shared by the content types; mixed into each app's own FilterSet."""

    topic = SlugFilter(field_name="topics__slug", help_text="A topic's slug.")
    status = django_filters.ChoiceFilter(
        choices=Publishable.Status.choices,
        method="filter_status",
        help_text="Only for clients whose token may read drafts (403 otherwise).",
    )
    published_after = django_filters.DateFilter(
        field_name="publish_at", lookup_expr="date__gte", help_text="YYYY-MM-DD, inclusive."
    )
    published_before = django_filters.DateFilter(
        field_name="publish_at", lookup_expr="date__lte", help_text="YYYY-MM-DD, inclusive."
    )
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since",
        help_text="ISO 8601 date-time. Items changed, or scheduled items that went live, at or "
        "after it: keep the newest updated_at you have seen and ask again with it.",
    )

    def filter_status(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not may_view_unpublished(user, queryset.model):
            raise exceptions.PermissionDenied(
                "Only clients whose token may read drafts can filter by status."
            )
        return queryset.filter(status=value)

    def filter_updated_since(self, queryset, name, value):
        value = as_utc(value, name)
        # A scheduled item becomes visible at publish_at without being saved again.
        return queryset.filter(Q(updated_at__gte=value) | Q(publish_at__gte=value))


class ArchiveViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """List and detail for anyone; create, update and delete by model permission."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]


class PublishableViewSet(ArchiveViewSet):
    """Anonymous clients, and users without the model's view permission, get published() items
    only; others get every item, drafts included. Lists use the compact ``list_serializer_class``."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH
    list_serializer_class = None

    def visible(self):
        model = self.queryset.model
        if may_view_unpublished(self.request.user, model):
            return model.objects.all()
        return model.objects.published()

    def get_queryset(self):
        return self.visible()

    def get_serializer_class(self):
        if self.action == "list":
            return self.list_serializer_class
        return self.serializer_class


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="The source is still cited."),
        }
    )
)
class SourceViewSet(ArchiveViewSet):
    """Sources, by id. Anonymous clients see the sources that published items cite."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    lookup_value_regex = "[0-9]+"
    ordering = ["publisher", "title", "id"]
    ordering_fields = ["publisher", "title", "published_date", "updated_at", "id"]

    class filterset_class(SourceFilter):
        q = TextFilter(field_names=["title", "publisher", "author", "notes"])
        # Redeclared with their limits in the schema, so clients know a well-formed value.
        publisher = BoundedCharFilter(help_text="The publisher's exact name.")
        language = LanguageFilter(help_text="ISO 639-1 code, such as en.")
        updated_since = UtcDateTimeFilter(
            field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time."
        )

        class Meta(SourceFilter.Meta):
            fields = [*SourceFilter.Meta.fields, "q", "updated_since"]

    def get_queryset(self):
        if may_view_unpublished(self.request.user, Source):
            return Source.objects.all()
        return public_sources()


class TopicViewSet(ArchiveViewSet):
    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH
    ordering = ["name", "id"]
    ordering_fields = ["name", "slug", "id"]

    def get_queryset(self):
        # Readers see a topic once a published item uses it, as with sources.
        return Topic.objects.visible_to(self.request.user)

    class filterset_class(django_filters.FilterSet):
        q = TextFilter(field_names=["name", "description"])

        class Meta:
            model = Topic
            fields = ["q"]
