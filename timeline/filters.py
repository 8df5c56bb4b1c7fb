"""The timeline's filters, shared with the API (which subclasses them).

Dates filter by overlap with the period an entry covers at its precision, using the stored
``period_start``/``period_end``: an entry dated "May 1994" matches any range touching May 1994.
"""

import django_filters
from django import forms

from karabakh_site.core.api.filters import StrictBooleanFilter
from karabakh_site.core.filters import EvidenceFilter, RecordFilter, TopicFilter

from .models import Place, TimelineEntry


class TimelineFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("date_after"), cleaned.get("date_before")
        if after and before and after > before:
            raise forms.ValidationError("The “from” date must not be after the “to” date.")
        return cleaned


class TimelineFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        label="Category", choices=TimelineEntry.Category.choices, empty_label="All categories"
    )
    topic = TopicFilter()
    # The same filters, with the same values, as the API's (which declares them too, for its
    # help texts): a place's slug, and true/false for key events.
    place = RecordFilter(model=Place, field_name="place", label="Place", empty_label="All places")
    key_event = StrictBooleanFilter(field_name="key_event", label="Key events only")
    date_after = django_filters.DateFilter(
        label="From", field_name="period_end", lookup_expr="gte", input_formats=["%Y-%m-%d"]
    )
    date_before = django_filters.DateFilter(
        label="To", field_name="period_start", lookup_expr="lte", input_formats=["%Y-%m-%d"]
    )
    evidence = EvidenceFilter()

    class Meta:
        model = TimelineEntry
        fields = ["category", "topic", "date_after", "date_before", "evidence"]
        form = TimelineFilterForm
