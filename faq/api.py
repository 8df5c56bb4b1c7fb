"""The FAQ API: /api/v1/faq/."""

from django.db.models import Prefetch

from articles.api import visible_articles
from karabakh_site.core.api.filters import PublishableApiFilter, SlugFilter, TextFilter
from karabakh_site.core.api.views import PublishableViewSet

from .filters import FAQFilter
from .models import FAQEntry
from .serializers import FAQEntryListSerializer, FAQEntrySerializer


class FAQApiFilter(PublishableApiFilter, FAQFilter):
    q = TextFilter(field_names=["question", "answer"])
    group = SlugFilter(field_name="group__slug", help_text="An FAQ group's slug.")

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
