"""API viewsets for sources and topics, and the bases the content apps' viewsets build on."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from karabakh_site.core import claims
from karabakh_site.core.filters import SourceFilter
from karabakh_site.core.models import Claim, Source, Topic
from karabakh_site.core.permissions import may_view_unpublished
from karabakh_site.core.public_history import public_versions
from karabakh_site.core.readers import public_sources
from karabakh_site.core.record import WITHDRAW_INSTEAD, ever_public
from karabakh_site.core.serializers import ClaimSerializer, SourceSerializer, TopicSerializer

from .conditional import ApiViewMixin
from .fields import SLUG_PATH
from .filters import BoundedCharFilter, LanguageFilter, TextFilter, UtcDateTimeFilter


class ArchiveViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """List and detail for anyone; create, update and delete by model permission."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]


class VersionChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="name", help_text="The field's name, or citation-N.")
    label = serializers.CharField()
    before = serializers.CharField(source="old")
    after = serializers.CharField(source="new")
    summary = serializers.CharField(help_text="What changed, in a few words, where it says.")


class PublicVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 for the first published version.")
    published_at = serializers.DateTimeField(
        source="since", help_text="When readers could first see this version."
    )
    changes = VersionChangeSerializer(many=True, help_text="What changed from the version before.")


@extend_schema_view(
    destroy=extend_schema(
        description="Deletes a draft that was never public. An item that has been public "
        "(published, scheduled or withdrawn) is part of the record: the answer is 409, and the "
        "item is withdrawn instead (PATCH its status to withdrawn).",
        responses={
            204: None,
            409: OpenApiResponse(
                {"$ref": "#/components/schemas/Error"},
                description="The item has been public: withdraw it instead.",
            ),
        },
    )
)
class PublishableViewSet(ArchiveViewSet):
    """Anyone may read published items. A token whose user may read drafts sees every item,
    drafts included. Lists give each item's main fields; an item's own address gives all of them,
    with its citations."""

    # Lists are served by list_serializer_class (compact), details by serializer_class.

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH
    list_serializer_class = None

    def visible(self):
        model = self.queryset.model
        if may_view_unpublished(self.request.user, model):
            return model.objects.all()
        return model.objects.published()

    def get_queryset(self):
        return self.visible()

    @extend_schema(
        description="The item's published versions, newest first, each with what changed from "
        "the one before as readers saw it (text, citations, topics): the page's History. Drafts, "
        "reviews and the newsroom's fields never appear; only published items have one, for "
        "every client.",
        filters=False,
        responses=PublicVersionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, slug=None):
        item = get_object_or_404(self.queryset.model.objects.published(), slug=slug)
        versions = list(reversed(public_versions(item)))
        return Response(PublicVersionSerializer(versions, many=True).data)

    def destroy(self, request, *args, **kwargs):
        item = self.get_object()
        if ever_public(item):
            return Response(
                {"detail": WITHDRAW_INSTEAD % {"item": item}}, status=status.HTTP_409_CONFLICT
            )
        # Token users are not the history middleware's request user.
        item._history_user = request.user
        self.perform_destroy(item)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_serializer_class(self):
        if self.action == "list":
            return self.list_serializer_class
        return self.serializer_class


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="The source is still cited."),
        }
    )
)
class SourceViewSet(ArchiveViewSet):
    """Sources, by id. Anonymous clients see the sources that published items cite."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    lookup_value_regex = "[0-9]+"
    ordering = ["publisher", "title", "id"]
    ordering_fields = ["publisher", "title", "published_date", "updated_at", "id"]

    class filterset_class(SourceFilter):
        q = TextFilter(field_names=["title", "publisher", "author", "notes"])
        # Redeclared with their limits in the schema, so clients know a well-formed value.
        publisher = BoundedCharFilter(help_text="The publisher's exact name.")
        language = LanguageFilter(help_text="ISO 639-1 code, such as en.")
        updated_since = UtcDateTimeFilter(
            field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time."
        )

        class Meta(SourceFilter.Meta):
            fields = [*SourceFilter.Meta.fields, "q", "updated_since"]

    def get_queryset(self):
        if may_view_unpublished(self.request.user, Source):
            return Source.objects.select_related("perspective")
        return public_sources()


class TopicViewSet(ArchiveViewSet):
    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH
    ordering = ["name", "id"]
    ordering_fields = ["name", "slug", "id"]

    def get_queryset(self):
        # Readers see a topic once a published item uses it, as with sources.
        return Topic.objects.visible_to(self.request.user)

    class filterset_class(django_filters.FilterSet):
        q = TextFilter(field_names=["name", "description"])

        class Meta:
            model = Topic
            fields = ["q"]


class ClaimViewSet(ArchiveViewSet):
    """Contested claims and the positions on them ("Who says what"), by slug. Anonymous
    clients see the claims published items carry, with their cited positions."""

    queryset = Claim.objects.all()
    serializer_class = ClaimSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH
    ordering = ["statement", "id"]
    ordering_fields = ["statement", "slug", "id", "updated_at"]

    def get_queryset(self):
        # Readers see a claim once a published item carries it, as with topics, and only the
        # positions that cite a source.
        return claims.readers_claims(Claim.objects.visible_to(self.request.user))

    class filterset_class(django_filters.FilterSet):
        q = TextFilter(field_names=["statement", "context"])
        kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices)

        class Meta:
            model = Claim
            fields = ["q", "kind"]
