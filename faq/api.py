"""The FAQ API: /api/v1/faq/ and /api/v1/faq-groups/."""

from django.db.models import Prefetch
from rest_framework import mixins, viewsets

from articles.api import visible_articles
from karabakh_site.core.api.conditional import ApiViewMixin
from karabakh_site.core.api.fields import SLUG_PATH
from karabakh_site.core.api.filters import PublishableApiFilter, TextFilter
from karabakh_site.core.api.views import PublishableViewSet
from karabakh_site.core.filters import RecordFilter

from .filters import FAQFilter
from .models import FAQEntry, FAQGroup
from .serializers import FAQEntryListSerializer, FAQEntrySerializer, FAQGroupSerializer


class FAQApiFilter(PublishableApiFilter, FAQFilter):
    q = TextFilter(field_names=["question", "answer"])
    group = RecordFilter(model=FAQGroup, field_name="group", help_text="An FAQ group's slug.")

    class Meta(FAQFilter.Meta):
        fields = [*FAQFilter.Meta.fields, "q"]


class FAQEntryViewSet(PublishableViewSet):
    queryset = FAQEntry.objects.all()
    serializer_class = FAQEntrySerializer
    list_serializer_class = FAQEntryListSerializer
    filterset_class = FAQApiFilter
    ordering = ["group__position", "group__name", "position", "id"]
    ordering_fields = ["position", "question", "publish_at", "updated_at", "slug", "id"]

    def get_queryset(self):
        queryset = self.visible().select_related("group").prefetch_related("topics")
        if self.action != "list":
            queryset = queryset.with_citations().prefetch_related(
                Prefetch("related_articles", queryset=visible_articles(self.request.user)),
            )
        return queryset


class FAQGroupViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """FAQ groups, read only (editors arrange them in the admin). Readers see a group once a
    published entry is in it."""

    serializer_class = FAQGroupSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH
    filter_backends = []

    def get_queryset(self):
        return FAQGroup.objects.visible_to(self.request.user).order_by("position", "name", "id")
