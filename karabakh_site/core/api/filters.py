"""The API's filters: the bases the content apps' API FilterSets build on (text, slug, boolean,
date-time filters and PublishableApiFilter). The filters shared with the HTML lists are in
core.filters."""

import datetime
import operator
from functools import reduce

import django_filters
from django.core.validators import validate_slug
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from karabakh_site.core.models import Publishable, Source
from karabakh_site.core.permissions import may_view_unpublished


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
    """API-only filters shared by the content types; mixed into each app's own FilterSet (whose
    ``topic``, core.filters.TopicFilter, the API shares with the page)."""

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
