"""The source index's filters, shared with the API (which subclasses them)."""

import django_filters
from django.core.validators import RegexValidator

from .models import Source


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
