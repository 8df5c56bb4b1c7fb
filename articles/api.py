"""The articles API: /api/v1/articles/."""

from drf_spectacular.utils import extend_schema_field

from karabakh_site.core.api.filters import PublishableApiFilter, TextFilter
from karabakh_site.core.api.views import PublishableViewSet
from karabakh_site.core.permissions import may_view_unpublished

from .filters import ArticleFilter, YearFilter
from .models import Article
from .serializers import ArticleListSerializer, ArticleSerializer


def visible_articles(user):
    """The articles ``user`` may read: for the related-article slugs other content embeds, so a
    draft article never shows through them."""
    if may_view_unpublished(user, Article):
        return Article.objects.all()
    return Article.objects.published()


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class _YearFilter(YearFilter):
    pass


class ArticleApiFilter(PublishableApiFilter, ArticleFilter):
    q = TextFilter(field_names=["title", "standfirst", "body"])
    # The site's year filter, described to the schema as the whole number it is.
    year = _YearFilter(
        field_name="publish_at", lookup_expr="year", min_value=1, max_value=9999,
        help_text="The year of publication.",
    )  # fmt: skip

    class Meta(ArticleFilter.Meta):
        fields = [*ArticleFilter.Meta.fields, "q"]


class ArticleViewSet(PublishableViewSet):
    queryset = Article.objects.all()
    serializer_class = ArticleSerializer
    list_serializer_class = ArticleListSerializer
    filterset_class = ArticleApiFilter
    ordering = ["-publish_at", "-id"]
    ordering_fields = ["publish_at", "updated_at", "title", "slug", "id"]

    def get_queryset(self):
        queryset = self.visible().prefetch_related("topics")
        if self.action != "list":
            queryset = queryset.with_citations().prefetch_related(
                "corrections",
            )
        return queryset
