"""The FAQ page's filters, shared with the API (which subclasses them)."""

import django_filters

from karabakh_site.core.filters import EvidenceFilter, RecordFilter, TopicFilter

from .models import FAQEntry, FAQGroup


class FAQFilter(django_filters.FilterSet):
    topic = TopicFilter()
    group = RecordFilter(
        model=FAQGroup, label="Group", field_name="group", empty_label="All groups"
    )
    evidence = EvidenceFilter()

    class Meta:
        model = FAQEntry
        fields = ["topic", "group", "evidence"]
