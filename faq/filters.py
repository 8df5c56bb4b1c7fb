"""The FAQ page's filters, shared with the API (which subclasses them)."""

import django_filters

from karabakh_site.core.filters import TopicFilter, visible_records

from .models import FAQEntry, FAQGroup


class FAQFilter(django_filters.FilterSet):
    topic = TopicFilter()
    group = django_filters.ModelChoiceFilter(
        label="Group",
        field_name="group",
        to_field_name="slug",
        queryset=visible_records(FAQGroup),
        empty_label="All groups",
    )

    class Meta:
        model = FAQEntry
        fields = ["topic", "group"]
