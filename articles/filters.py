"""The article list's filters, shared with the API (which subclasses them)."""

import django_filters
from django import forms

from karabakh_site.core.filters import EvidenceFilter, TopicFilter

from .models import Article


class YearFilter(django_filters.NumberFilter):
    # A whole year: NumberFilter's DecimalField would take "1994.5".
    field_class = forms.IntegerField


class ArticleFilter(django_filters.FilterSet):
    topic = TopicFilter()
    year = YearFilter(
        label="Year", field_name="publish_at", lookup_expr="year", min_value=1, max_value=9999
    )
    evidence = EvidenceFilter()

    class Meta:
        model = Article
        fields = ["topic", "year", "evidence"]
