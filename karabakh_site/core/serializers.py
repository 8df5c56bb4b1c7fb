"""API representations of sources and topics, and the base every publishable content serializer
builds on: citations embedded with their full source, and writes that obey the source rule."""

import copy

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.fields import get_error_detail

from . import claims, services
from .api.fields import (
    SLUG_PATH,
    StrictCharField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictSlugRelatedField,
    StrictURLField,
)
from .models import Claim, Perspective, Position, Publishable, Source, Topic
from .permissions import may_publish
from .translations import LANGUAGES


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute URL of the object's page on the site."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        url = value.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


@extend_schema_field({"type": "string", "description": "BCP 47 language tag, such as en."})
class LanguageField(serializers.Field):
    """The item's language (Publishable.content_language), read only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "BCP 47 language tag of the item's text, such as en.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return value.content_language


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "enum": list(LANGUAGES)},
        "description": "The languages the item can be read in: the original's (en) first, then "
        "those of its published translations.",
    }
)
class LanguagesField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return list(value.available_languages)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "format": "uri"},
        "description": "The item's address in each of its languages (?lang=), by language.",
    }
)
class TranslationLinksField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        # The item's own address, as its url field gives it, with each language asked for.
        url = self.parent.fields["url"].to_representation(value)
        return {code: f"{url}?lang={code}" for code in value.available_languages}


class StrictManyRelatedField(serializers.ManyRelatedField):
    """A list of related records: an object or a string is a 400, not read as its keys or
    letters (DRF takes any iterable)."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class RelatedField(StrictSlugRelatedField):
    """A related record (topic, article, place, FAQ group) in the one shape every item uses: read
    as ``summary`` gives it (id, slug, its name or title, its API ``url`` and, where it has a page,
    ``page_url``), written as its slug, as clients wrote it before."""

    def __init__(self, *, summary, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)
        self.summary = summary

    @classmethod
    def many_init(cls, *args, **kwargs):
        field = super().many_init(*args, **kwargs)
        field.__class__ = StrictManyRelatedField
        return field

    def to_representation(self, value):
        # One summary serializer per field (a list's items share it), not one per record: its
        # fields are built once.
        summary = getattr(self, "_summary", None)
        if summary is None:
            summary = self._summary = self.summary(context=self.context)
        return summary.to_representation(value)


class RelatedFieldSchema(OpenApiSerializerFieldExtension):
    """The schema of a RelatedField: the summary's component in responses, a slug in requests."""

    target_class = RelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "string", "pattern": f"^{SLUG_PATH}$", "description": "A slug."}
        return auto_schema.resolve_serializer(self.target.summary, direction).ref


class SummarySerializer(StrictModelSerializer):
    # The base of the related-record shapes RelatedField reads out; read only. (No docstring:
    # the schema would show it to developers.)

    id = serializers.IntegerField(read_only=True)


def api_url(view_name: str, **kwargs):
    """A read-only HyperlinkedIdentityField for a record's detail by slug."""
    return serializers.HyperlinkedIdentityField(view_name=view_name, lookup_field="slug", **kwargs)


class TopicSummarySerializer(SummarySerializer):
    """A topic as items name it; written as its slug."""

    url = api_url("api:topic-detail")
    page_url = PageUrlField()

    class Meta:
        model = Topic
        fields = ["id", "slug", "name", "url", "page_url"]
        read_only_fields = fields


def topics_field(**kwargs):
    """``topics`` on every content item: read as topic summaries, written as slugs."""
    if not kwargs.get("read_only"):
        kwargs.setdefault("queryset", Topic.objects.all())
    return RelatedField(summary=TopicSummarySerializer, many=True, required=False, **kwargs)


def raise_as_api_error(error: DjangoValidationError, rename: dict[str, str] | None = None):
    """A model-layer ValidationError as a 400 keyed by the API's field names."""
    if not hasattr(error, "error_dict"):
        raise exceptions.ValidationError({"non_field_errors": error.messages})
    rename = rename or {}
    detail = get_error_detail(error)
    raise exceptions.ValidationError(
        {rename.get(field, field): messages for field, messages in detail.items()}
    )


class TopicSerializer(StrictModelSerializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:topic-detail", lookup_field="slug")
    page_url = PageUrlField()

    class Meta:
        model = Topic
        fields = ["id", "url", "page_url", "slug", "name", "description"]


class PerspectiveSummarySerializer(SummarySerializer):
    """Whose voice a source is: a government, a court, one side's media, international media...
    ``side`` says whether it speaks for a party to the conflict (``armenian``,
    ``azerbaijani``) or for ``neither``. Written as its slug."""

    class Meta:
        model = Perspective
        fields = ["id", "slug", "name", "side"]
        read_only_fields = fields


class SourceSerializer(StrictModelSerializer):
    """A source, with Wikipedia's citation fields. `document_url` is the cited document; `url`
    is the source's address in this API, as on every resource."""

    url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")
    page_url = PageUrlField()
    document_url = StrictURLField(
        source="url", max_length=1000, help_text="The cited document. Normalised on save."
    )
    perspective = RelatedField(
        summary=PerspectiveSummarySerializer,
        queryset=Perspective.objects.all(),
        required=False,
        allow_null=True,
        help_text="Whose voice the source is; shown beside every citation of it.",
    )

    class Meta:
        model = Source
        fields = [
            "id", "url", "page_url", "title", "document_url", "publisher", "author",
            "published_date", "language", "kind", "archived_url", "archived_date",
            "last_verified", "url_status", "last_checked_at", "perspective", "notes",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["last_checked_at", "created_at", "updated_at"]

    def validate(self, attrs):
        # The model's own checks (duplicate URLs, archive date without archive URL), so the API
        # gives the admin's messages.
        candidate = copy.copy(self.instance) if self.instance else Source()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as error:
            raise_as_api_error(error, rename={"url": "document_url"})
        return attrs


class CitationSerializer(serializers.Serializer):
    """One citation, in order: read with the full source record, written with `source_id`."""

    position = serializers.IntegerField(read_only=True)
    source = SourceSerializer(read_only=True)
    source_id = StrictPrimaryKeyRelatedField(
        source="source", queryset=Source.objects.all(), write_only=True
    )
    locator = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    quote = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class EvidenceSerializer(serializers.Serializer):
    """The item's evidence profile, computed from its sources: how many, from how many
    perspectives, how many independent of the parties, primary documents, dead or unchecked
    links, and whether they all speak for one side."""

    sources = serializers.IntegerField()
    perspectives = serializers.IntegerField()
    independent = serializers.IntegerField(help_text="Sources of a perspective of neither party.")
    primary = serializers.IntegerField(help_text="Primary documents among the sources.")
    dead = serializers.IntegerField(help_text="Sources whose link is dead.")
    unchecked = serializers.IntegerField(help_text="Sources whose link was never checked.")
    one_sided = serializers.BooleanField(help_text="Every source speaks for the same one side.")
    summary = serializers.CharField(help_text="The profile in one sentence, as pages show it.")


class PublishableSerializer(StrictModelSerializer):
    """A content item with its citations, each with its full source.

    Writing: `citations`, when given, replace the item's citations. Setting `status` to
    `published` needs at least one citation; without one nothing is saved and the answer is a 400
    on `status`. Tokens whose user may not publish get a 403 for publishing, withdrawing or
    scheduling. An editor returning an item in review to draft gives a `review_comment`.
    """

    # (The docstring above is the schema's description, for outside developers.) How a write
    # runs: the source rule is checked on a copy before anything is written; a publish saves the
    # item unpublished, writes its citations, then publishes through services.publish(). Every
    # status change goes through the workflow services (draft → review is submit_for_review(),
    # an editor's review → draft is return_for_changes()), so it is logged with the user as in
    # the admin.

    id = serializers.IntegerField(read_only=True, help_text="Stable: it never changes or returns.")
    language = LanguageField()
    languages = LanguagesField()
    translations = TranslationLinksField()
    page_url = PageUrlField()
    citations = CitationSerializer(many=True, required=False)
    evidence = EvidenceSerializer(source="evidence_profile", read_only=True)
    review_comment = StrictCharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Editors: what needs to change, when returning an item in review to draft "
        '("status": "draft"); required then, and refused with any other request. The author '
        "sees it in the admin until the item is submitted again.",
    )
    # Many-to-many fields written by slug; set after the item is saved.
    relation_fields: tuple[str, ...] = ()

    # Every item, list or detail, begins with these.
    identity_fields = ["id", "url", "page_url", "slug", "language", "languages", "translations"]
    publishing_fields = [
        "status", "review_comment", "publish_at", "withdraw_at", "is_published", "created_at",
        "updated_at",
    ]  # fmt: skip
    is_published = serializers.BooleanField(
        read_only=True, help_text="Visible to readers now (published, and not scheduled)."
    )

    class Meta:
        read_only_fields = ["created_at", "updated_at"]

    def validate_citations(self, citations):
        # In a PATCH DRF stops requiring the nested fields; a citation still needs its source.
        missing = [{"source_id": ["This field is required."]} if "source" not in c else {}
                   for c in citations]  # fmt: skip
        if any(missing):
            raise exceptions.ValidationError(missing)
        return citations

    def validate_review_comment(self, comment):
        return comment.strip()

    def _check_review_comment(self, attrs, may_publish_model):
        """A comment belongs to an editor returning an item in review; that return needs one."""
        saved = self.instance.status if self.instance else None
        returning = (
            may_publish_model
            and saved == Publishable.Status.IN_REVIEW
            and attrs.get("status") == Publishable.Status.DRAFT
        )
        comment = attrs.get("review_comment", "")
        if returning and not comment:
            raise exceptions.ValidationError({"review_comment": [services.RETURN_NEEDS_COMMENT]})
        if not returning and "review_comment" in attrs:
            raise exceptions.ValidationError(
                {
                    "review_comment": [
                        "A comment goes with an editor returning an item in review to draft "
                        '("status": "draft"); this request does not do that.'
                    ]
                }
            )

    def validate(self, attrs):
        model = self.Meta.model
        user = self.context["request"].user
        instance = self.instance
        may_publish_model = may_publish(user, model)
        try:
            services.refuse_contributor_move(
                may_publish=may_publish_model,
                status=attrs.get("status"),
                scheduling_changed=any(
                    name in attrs and attrs[name] != getattr(instance, name, None)
                    for name in ("publish_at", "withdraw_at")
                ),
            )
        except DjangoPermissionDenied as refusal:
            raise exceptions.PermissionDenied(str(refusal)) from None

        # After the 403s: a contributor who may not make this move hears that first.
        self._check_review_comment(attrs, may_publish_model)

        # The write is checked here, on a copy, so a refusal is a 400 before anything is written;
        # create() and update() save this same write (services.ItemWrite), unchecked again.
        candidate = copy.copy(instance) if instance else model()
        for name, value in attrs.items():
            if name not in {"citations", "review_comment"} and name not in self.relation_fields:
                setattr(candidate, name, value)
        citations = None
        if "citations" in attrs:
            seen = set()
            for citation in attrs["citations"]:
                key = (citation["source"].pk, citation.get("locator", ""))
                if key in seen:
                    raise exceptions.ValidationError(
                        {"citations": ["The same source is cited twice at the same locator."]}
                    )
                seen.add(key)
            citation_model = model.citations.rel.related_model
            citations = [citation_model(**citation) for citation in attrs["citations"]]
        try:
            candidate.clean()
            self._write = services.ItemWrite(candidate, citations=citations)
            self._write.check()
            if candidate.status == Publishable.Status.PUBLISHED and attrs.get("claims"):
                claims.ensure_claims_cited(attrs["claims"])  # the positions' source rule
        except DjangoValidationError as error:
            raise_as_api_error(error)
        return attrs

    def _save(self, validated_data):
        relations = {
            name: validated_data[name] for name in self.relation_fields if name in validated_data
        }
        self._write.save(
            by=self.context["request"].user,
            relations=relations,
            comment=validated_data.get("review_comment", ""),
        )
        item = self._write.item
        # A revision of a live item publishes into the live item and is deleted
        # (core.revisions): the answer is the live item, or why it was not published.
        refusal = getattr(item, "revision_refusal", None)
        if refusal is not None:
            raise_as_api_error(refusal)
        return getattr(item, "published_into", None) or item

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        return self._save(validated_data)


class PositionSourceSerializer(serializers.Serializer):
    """One source a position cites: read with the full source record, written with
    `source_id`."""

    source = SourceSerializer(read_only=True)
    source_id = StrictPrimaryKeyRelatedField(
        source="source", queryset=Source.objects.all(), write_only=True
    )
    locator = StrictCharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Left out, a source the position already cites keeps its locator.",
    )


class PositionSerializer(serializers.Serializer):
    """What one holder says about the claim, with its own sources (at least one)."""

    id = serializers.IntegerField(
        required=False, help_text="Give it to update a position the claim has; omit for a new one."
    )
    holder = StrictCharField(max_length=200)
    perspective = RelatedField(
        summary=PerspectiveSummarySerializer,
        queryset=Perspective.objects.all(),
        help_text="The holder's voice, from the sources' list of perspectives.",
    )
    stance = serializers.ChoiceField(choices=Position.Stance.choices, default=Position.Stance.OTHER)
    says = StrictCharField(max_length=2000, help_text="What the holder says, attributed.")
    said_on = serializers.DateField(required=False, allow_null=True, default=None)
    sources = PositionSourceSerializer(
        many=True,
        source="citations.all",
        allow_empty=False,
        error_messages={"empty": claims.POSITION_NEEDS_SOURCE},
    )

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        value["sources"] = value.pop("citations", {}).get("all", [])
        return value


class ClaimSummarySerializer(SummarySerializer):
    """A contested claim as items name it; written as its slug."""

    url = api_url("api:claim-detail")
    page_url = PageUrlField()

    class Meta:
        model = Claim
        fields = ["id", "slug", "statement", "kind", "url", "page_url"]
        read_only_fields = fields


class ClaimSerializer(StrictModelSerializer):
    """A contested claim or characterisation and the positions on it ("Who says what"): each
    position attributed to its holder, with its own sources, listed alphabetically by holder.
    Writing: `positions`, when given, replace the claim's (give a position's `id` to keep it); a
    claim needs at least one position and every position at least one source, or nothing is
    saved and the answer is a 400 on `positions`."""

    id = serializers.IntegerField(read_only=True)
    url = api_url("api:claim-detail")
    page_url = PageUrlField()
    positions = PositionSerializer(
        many=True,
        required=False,
        source="positions.all",
        allow_empty=False,
        error_messages={"empty": claims.CLAIM_NEEDS_POSITION},
    )

    class Meta:
        model = Claim
        fields = [
            "id", "url", "page_url", "slug", "statement", "kind", "context", "positions",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        positions = attrs.pop("positions", {}).get("all") if "positions" in attrs else None
        if self.instance is None and positions is None:
            raise exceptions.ValidationError({"positions": [claims.CLAIM_NEEDS_POSITION]})
        self._positions = None
        if positions is not None:
            self._positions = [
                {**p, "sources": [(s["source"], s.get("locator")) for s in p["sources"]]}
                for p in positions
            ]
        return attrs

    def _save(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            return claims.write_claim(instance, self._positions)
        except DjangoValidationError as error:
            raise_as_api_error(error)

    def create(self, validated_data):
        return self._save(Claim(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


def claims_field(**kwargs):
    """``claims`` on every content item: read as claim summaries, written as slugs."""
    if not kwargs.get("read_only"):
        kwargs.setdefault("queryset", Claim.objects.all())
    return RelatedField(summary=ClaimSummarySerializer, many=True, required=False, **kwargs)
