"""API representations of articles: a compact list item and the full record with citations."""

from rest_framework import serializers

from karabakh_site.core.api.fields import StrictModelSerializer
from karabakh_site.core.serializers import (
    LanguageField,
    LanguagesField,
    PageUrlField,
    PublishableSerializer,
    RelatedField,
    SummarySerializer,
    TranslationLinksField,
    api_url,
    claims_field,
    topics_field,
)

from .models import Article, Correction


class ArticleSummarySerializer(SummarySerializer):
    """An article as other items name it (`related_articles`); written as its slug."""

    url = api_url("api:article-detail")
    page_url = PageUrlField()

    class Meta:
        model = Article
        fields = ["id", "slug", "title", "url", "page_url"]
        read_only_fields = fields


def related_articles_field(**kwargs):
    """``related_articles``: read as article summaries, written as slugs. The view's queryset
    decides which the client sees (readers: published ones)."""
    return RelatedField(
        summary=ArticleSummarySerializer, many=True, queryset=Article.objects.all(),
        required=False, help_text="Written as slugs; readers see the published ones.", **kwargs,
    )  # fmt: skip


class ArticleListSerializer(StrictModelSerializer):
    id = serializers.IntegerField(read_only=True)
    language = LanguageField()
    languages = LanguagesField()
    translations = TranslationLinksField()
    url = serializers.HyperlinkedIdentityField(view_name="api:article-detail", lookup_field="slug")
    page_url = PageUrlField()
    topics = topics_field(read_only=True)

    class Meta:
        model = Article
        fields = [
            *PublishableSerializer.identity_fields, "title", "standfirst", "byline", "topics",
            "status", "publish_at", "updated_at",
        ]  # fmt: skip


class CorrectionSerializer(StrictModelSerializer):
    class Meta:
        model = Correction
        fields = ["date", "text"]


class ArticleSerializer(PublishableSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:article-detail", lookup_field="slug")
    topics = topics_field()
    claims = claims_field()
    corrections = CorrectionSerializer(many=True, read_only=True)
    relation_fields = ("topics", "claims")

    class Meta(PublishableSerializer.Meta):
        model = Article
        fields = [
            *PublishableSerializer.identity_fields, "title", "standfirst", "byline", "body",
            "body_html", "topics", "claims", "citations", "evidence", "corrections", *PublishableSerializer.publishing_fields,
        ]  # fmt: skip
        read_only_fields = [*PublishableSerializer.Meta.read_only_fields, "body_html"]
