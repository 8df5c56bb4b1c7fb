"""The timeline's filters, shared with the API (which subclasses them).

Dates filter by overlap with the period an entry covers at its precision, using the stored
``period_start``/``period_end``: an entry dated "May 1994" matches any range touching May 1994.
"""

import django_filters
from django import forms

from karabakh_site.core.filters import TopicFilter

from .models import TimelineEntry


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
    date_after = django_filters.DateFilter(
        label="From", field_name="period_end", lookup_expr="gte", input_formats=["%Y-%m-%d"]
    )
    date_before = django_filters.DateFilter(
        label="To", field_name="period_start", lookup_expr="lte", input_formats=["%Y-%m-%d"]
    )

    class Meta:
        model = TimelineEntry
        fields = ["category", "topic", "date_after", "date_before"]
        form = TimelineFilterForm
