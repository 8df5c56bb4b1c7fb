"""API representations of articles: a compact list item and the full record with citations."""

from rest_framework import serializers

from karabakh_site.core.api.fields import StrictModelSerializer, StrictSlugRelatedField
from karabakh_site.core.models import Topic
from karabakh_site.core.serializers import PageUrlField, PublishableSerializer

from .models import Article, Correction


class ArticleListSerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:article-detail", lookup_field="slug")
    page_url = PageUrlField()
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Article
        fields = [
            "url", "page_url", "slug", "title", "standfirst", "byline", "topics", "status",
            "publish_at", "updated_at",
        ]  # fmt: skip


class CorrectionSerializer(StrictModelSerializer):
    class Meta:
        model = Correction
        fields = ["date", "text"]


class ArticleSerializer(PublishableSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:article-detail", lookup_field="slug")
    topics = StrictSlugRelatedField(
        slug_field="slug", many=True, queryset=Topic.objects.all(), required=False
    )
    corrections = CorrectionSerializer(many=True, read_only=True)
    relation_fields = ("topics",)

    class Meta(PublishableSerializer.Meta):
        model = Article
        fields = [
            "url", "page_url", "slug", "title", "standfirst", "byline", "body", "body_html",
            "topics", "citations", "corrections", *PublishableSerializer.publishing_fields,
        ]  # fmt: skip
        read_only_fields = [*PublishableSerializer.Meta.read_only_fields, "body_html"]
