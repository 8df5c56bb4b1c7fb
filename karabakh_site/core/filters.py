"""The filters shared by the site's lists and the API: the record filters (topic, place, FAQ
group) and the source index's filters, which the API subclasses.

One policy, on the pages and in the API (docs/api.md, "Parameters and values"): a value a filter
cannot take (an unknown topic, a malformed date, a category that does not exist) is a 400 with a
message on that field; a parameter no filter has is ignored.
"""

import django_filters
from django.core.validators import RegexValidator
from drf_spectacular.drainage import set_override

from . import evidence
from .models import Perspective, Source, Topic


def visible_records(model):
    """The ``queryset`` of a filter choosing topics, places or FAQ groups: a callable, so it is
    built for each request, with only the records the request's user may see (public ones for
    readers; see SharedRecordQuerySet)."""

    def queryset(request):
        return model.objects.visible_to(getattr(request, "user", None))

    return queryset


class RecordFilter(django_filters.ModelChoiceFilter):
    """A shared record (topic, place, FAQ group) by its slug, among the records the user may
    see. A slug that names none of them (unknown, or only used by drafts the user may not see)
    is a 400 that names it, the same on a page and in the API.

    The API schema lists the slugs the client may give: the marker below becomes an enum of them
    (core.api.schema), so the schema says exactly which values the API accepts."""

    def __init__(self, *, model, **kwargs):
        name = model._meta.verbose_name
        defaults = {
            "to_field_name": "slug",
            "queryset": visible_records(model),
            "error_messages": {"invalid_choice": f"No {name} has the slug “%(value)s”."},
        }
        super().__init__(**(defaults | kwargs))
        set_override(
            self,
            "field",
            {"type": "string", "x-records": model._meta.label_lower, "maxLength": 200},
        )


class TopicFilter(RecordFilter):
    """The topic filter of every content list, on the site and in the API."""

    def __init__(self, **kwargs):
        defaults = {"label": "Topic", "field_name": "topics", "empty_label": "All topics"}
        super().__init__(model=Topic, **(defaults | kwargs))


class EvidenceFilter(django_filters.ChoiceFilter):
    """Content items by their evidence profile (core.evidence: independent of the parties, a
    primary document, one side alone), the same values on the pages and in the API."""

    def __init__(self, **kwargs):
        defaults = {
            "label": "Evidence",
            "choices": list(evidence.FILTERS.items()),
            "empty_label": "Any evidence",
        }
        super().__init__(**(defaults | kwargs))

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return evidence.filter_items(qs, value)


class SourceFilter(django_filters.FilterSet):
    publisher = django_filters.CharFilter(label="Publisher", max_length=200)
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=Source.Kind.choices, empty_label="All kinds"
    )
    language = django_filters.CharFilter(
        label="Language",
        validators=[RegexValidator(r"^[a-z]{2}$", "Use a two-letter ISO 639-1 code, such as en.")],
    )
    # Every perspective is public (the list readers see beside each citation), so the schema's
    # enum is all of them (core.api.schema).
    perspective = RecordFilter(
        model=Perspective,
        label="Perspective",
        queryset=Perspective.objects.all(),
        empty_label="All perspectives",
    )

    class Meta:
        model = Source
        fields = ["publisher", "kind", "language", "perspective"]
