"""API representations of FAQ entries: a compact list item and the full record with citations."""

from rest_framework import serializers

from articles.models import Article
from karabakh_site.core.api.fields import StrictModelSerializer, StrictSlugRelatedField
from karabakh_site.core.models import Topic
from karabakh_site.core.serializers import PageUrlField, PublishableSerializer

from .models import FAQEntry, FAQGroup


class FAQEntryListSerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:faqentry-detail", lookup_field="slug")
    page_url = PageUrlField()
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = FAQEntry
        fields = [
            "url", "page_url", "slug", "question", "group", "group_name", "position", "topics",
            "status", "publish_at", "updated_at",
        ]  # fmt: skip


class FAQEntrySerializer(PublishableSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:faqentry-detail", lookup_field="slug")
    group = StrictSlugRelatedField(slug_field="slug", queryset=FAQGroup.objects.all())
    group_name = serializers.CharField(source="group.name", read_only=True)
    topics = StrictSlugRelatedField(
        slug_field="slug", many=True, queryset=Topic.objects.all(), required=False
    )
    related_articles = StrictSlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=Article.objects.all(),
        required=False,
        help_text="Slugs of related articles; readers see the published ones.",
    )
    relation_fields = ("topics", "related_articles")

    class Meta(PublishableSerializer.Meta):
        model = FAQEntry
        fields = [
            "url", "page_url", "slug", "question", "answer", "answer_html", "group", "group_name",
            "position", "topics", "related_articles", "citations",
            *PublishableSerializer.publishing_fields,
        ]  # fmt: skip
        read_only_fields = [*PublishableSerializer.Meta.read_only_fields, "answer_html"]
