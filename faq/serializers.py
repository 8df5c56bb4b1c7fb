"""API representations of FAQ entries and groups: a compact list item and the full record with
citations."""

from rest_framework import serializers
from rest_framework.reverse import reverse

from articles.serializers import related_articles_field
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

from .models import FAQEntry, FAQGroup


class FAQGroupSummarySerializer(SummarySerializer):
    """An FAQ group as its entries name it; written as its slug."""

    url = api_url("api:faqgroup-detail")

    class Meta:
        model = FAQGroup
        fields = ["id", "slug", "name", "url"]
        read_only_fields = fields


class FAQGroupSerializer(FAQGroupSummarySerializer):
    entries = serializers.SerializerMethodField(help_text="The group's entries in this API.")

    class Meta:
        model = FAQGroup
        fields = ["id", "slug", "name", "url", "position", "entries"]
        read_only_fields = fields

    def get_entries(self, group) -> str:
        url = reverse("api:faqentry-list", request=self.context["request"])
        return f"{url}?group={group.slug}"


def group_field(**kwargs):
    return RelatedField(summary=FAQGroupSummarySerializer, **kwargs)


class FAQEntryListSerializer(StrictModelSerializer):
    id = serializers.IntegerField(read_only=True)
    language = LanguageField()
    languages = LanguagesField()
    translations = TranslationLinksField()
    url = serializers.HyperlinkedIdentityField(view_name="api:faqentry-detail", lookup_field="slug")
    page_url = PageUrlField()
    group = group_field(read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    topics = topics_field(read_only=True)

    class Meta:
        model = FAQEntry
        fields = [
            *PublishableSerializer.identity_fields, "question", "group", "group_name", "position",
            "topics", "status", "publish_at", "updated_at",
        ]  # fmt: skip


class FAQEntrySerializer(PublishableSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:faqentry-detail", lookup_field="slug")
    group = group_field(queryset=FAQGroup.objects.all(), help_text="Written as the group's slug.")
    group_name = serializers.CharField(source="group.name", read_only=True)
    topics = topics_field()
    claims = claims_field()
    related_articles = related_articles_field()
    relation_fields = ("topics", "related_articles", "claims")

    class Meta(PublishableSerializer.Meta):
        model = FAQEntry
        fields = [
            *PublishableSerializer.identity_fields, "question", "answer", "answer_html", "group",
            "group_name", "position", "topics", "related_articles", "claims", "citations", "evidence",
            *PublishableSerializer.publishing_fields,
        ]  # fmt: skip
        read_only_fields = [*PublishableSerializer.Meta.read_only_fields, "answer_html"]
