"""The source index's filters, shared with the API (which subclasses them)."""

import django_filters
from django.core.validators import RegexValidator

from .models import Source, Topic


def visible_records(model):
    """The ``queryset`` of a filter choosing topics, places or FAQ groups: a callable, so it is
    built for each request, with only the records the request's user may see (public ones for
    readers; see SharedRecordQuerySet)."""

    def queryset(request):
        return model.objects.visible_to(getattr(request, "user", None))

    return queryset


class TopicFilter(django_filters.ModelChoiceFilter):
    """The topic filter of every content list, on the site and in the API: a topic's slug, among
    the topics the user may see."""

    def __init__(self, **kwargs):
        defaults = {
            "label": "Topic",
            "field_name": "topics",
            "to_field_name": "slug",
            "queryset": visible_records(Topic),
            "empty_label": "All topics",
        }
        super().__init__(**(defaults | kwargs))


class SourceFilter(django_filters.FilterSet):
    publisher = django_filters.CharFilter(label="Publisher", max_length=200)
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=Source.Kind.choices, empty_label="All kinds"
    )
    language = django_filters.CharFilter(
        label="Language",
        validators=[RegexValidator(r"^[a-z]{2}$", "Use a two-letter ISO 639-1 code, such as en.")],
    )

    class Meta:
        model = Source
        fields = ["publisher", "kind", "language"]
