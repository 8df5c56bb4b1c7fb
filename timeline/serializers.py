"""API representations of timeline entries and places, and the TimelineJS export's shape."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from rest_framework import serializers

from articles.serializers import related_articles_field
from karabakh_site.core.api.fields import (
    StrictDecimalField,
    StrictModelSerializer,
    StrictSlugRelatedField,
)
from karabakh_site.core.serializers import (
    LanguageField,
    LanguagesField,
    PageUrlField,
    PublishableSerializer,
    RelatedField,
    SummarySerializer,
    TranslationLinksField,
    claims_field,
    topics_field,
)

from .models import Place, TimelineEntry


class PlaceSerializer(StrictModelSerializer):
    """A place with every community's name. Places have no page of their own on the site."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:place-detail", lookup_field="slug")
    latitude = StrictDecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, allow_null=True,
        required=False, coerce_to_string=False,
    )  # fmt: skip
    longitude = StrictDecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, allow_null=True,
        required=False, coerce_to_string=False,
    )  # fmt: skip

    class Meta:
        model = Place
        fields = [
            "id", "url", "slug", "display_name", "name_en", "name_en_alt", "name_hy", "name_az",
            "name_ru", "latitude", "longitude",
        ]  # fmt: skip


class PlaceSummarySerializer(SummarySerializer):
    """A place as entries name it; written as its slug. `name` gives the names the communities use,
    as the pages show them (also given as `display_name`, its earlier name)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:place-detail", lookup_field="slug")
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Place
        fields = ["id", "slug", "name", "url", "display_name"]
        read_only_fields = fields


class TimelineEntryListSerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:timelineentry-detail", lookup_field="slug"
    )
    id = serializers.IntegerField(read_only=True)
    language = LanguageField()
    languages = LanguagesField()
    translations = TranslationLinksField()
    page_url = PageUrlField()
    place = RelatedField(summary=PlaceSummarySerializer, read_only=True, allow_null=True)
    topics = topics_field(read_only=True)
    display_date = serializers.CharField(read_only=True, help_text="The date at its precision.")

    class Meta:
        model = TimelineEntry
        fields = [
            *PublishableSerializer.identity_fields, "title", "date", "date_precision", "end_date",
            "end_precision", "approximate", "end_approximate", "display_date", "category",
            "key_event", "place", "topics", "status", "publish_at", "updated_at",
        ]  # fmt: skip


class TimelineEntrySerializer(PublishableSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:timelineentry-detail", lookup_field="slug"
    )
    display_date = serializers.CharField(read_only=True, help_text="The date at its precision.")
    place = RelatedField(
        summary=PlaceSummarySerializer,
        queryset=Place.objects.all(),
        allow_null=True,
        required=False,
        help_text="Written as the place's slug, or null.",
    )
    place_slug = StrictSlugRelatedField(
        source="place",
        slug_field="slug",
        queryset=Place.objects.all(),
        allow_null=True,
        required=False,
        write_only=True,
        help_text="The same as writing place (kept for clients written before place was writable).",
    )
    topics = topics_field()
    claims = claims_field()
    related_articles = related_articles_field()
    relation_fields = ("topics", "related_articles", "claims")

    def validate(self, attrs):
        # A client from before the end had its own precision and certainty changes the start's
        # and means the whole range, as it did then: the end follows unless given too.
        if self.instance is not None:
            for start, end in (
                ("date_precision", "end_precision"),
                ("approximate", "end_approximate"),
            ):
                if start in attrs and end not in attrs:
                    attrs[end] = attrs[start]
        return super().validate(attrs)

    class Meta(PublishableSerializer.Meta):
        model = TimelineEntry
        fields = [
            *PublishableSerializer.identity_fields, "title", "date", "date_precision", "end_date",
            "end_precision", "approximate", "end_approximate", "display_date", "summary",
            "summary_html", "category", "key_event",
            "place", "place_slug", "topics", "related_articles", "claims", "citations", "evidence",
            *PublishableSerializer.publishing_fields,
        ]  # fmt: skip
        read_only_fields = [*PublishableSerializer.Meta.read_only_fields, "summary_html"]


# TimelineJS (https://timeline.knightlab.com/docs/json-format.html) -----------------------------
# These describe the export for the schema; timelinejs_data() builds it.


class TimelineJSDateSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField(required=False, help_text="Absent at year precision.")
    day = serializers.IntegerField(required=False, help_text="Absent at month or year precision.")
    display_date = serializers.CharField()


class TimelineJSTextSerializer(serializers.Serializer):
    headline = serializers.CharField()
    text = serializers.CharField(help_text="Sanitised HTML.")


class TimelineJSEventSerializer(serializers.Serializer):
    unique_id = serializers.CharField()
    start_date = TimelineJSDateSerializer()
    end_date = TimelineJSDateSerializer(required=False)
    display_date = serializers.CharField()
    text = TimelineJSTextSerializer()
    group = serializers.CharField(help_text="The entry's category.")


class TimelineJSTitleSerializer(serializers.Serializer):
    text = TimelineJSTextSerializer()


class TimelineJSSerializer(serializers.Serializer):
    title = TimelineJSTitleSerializer()
    events = TimelineJSEventSerializer(many=True)


def _timelinejs_date(date, precision, display_date):
    value = {"year": date.year}
    if precision in (TimelineEntry.Precision.MONTH, TimelineEntry.Precision.DAY):
        value["month"] = date.month
    if precision == TimelineEntry.Precision.DAY:
        value["day"] = date.day
    value["display_date"] = display_date
    return value


def timelinejs_data(entries, *, request) -> dict:
    """The timeline as TimelineJS loads it: one event per entry, dates at their precision,
    grouped by category, each linking to its page."""
    events = []
    for entry in entries:
        page_url = request.build_absolute_uri(entry.get_absolute_url())
        event = {
            "unique_id": entry.slug,
            "start_date": _timelinejs_date(entry.date, entry.date_precision, entry.display_date),
            # TimelineJS3 strips markup from display_date and group and then writes them as HTML:
            # escaping would be undone, and both come from the date and a fixed category label,
            # never from an author's text.
            "display_date": entry.display_date,
            "text": {
                # TimelineJS3 writes the headline as HTML; the title is plain text.
                "headline": escape(entry.title),
                "text": format_html(
                    '{}<p><a href="{}">Sources and details</a></p>',
                    mark_safe(entry.summary_html),  # sanitised when the entry was saved
                    page_url,
                ),
            },
            "group": entry.get_category_display(),
        }
        if entry.end_date:
            event["end_date"] = _timelinejs_date(
                entry.end_date, entry.end_precision, entry.display_date
            )
        events.append(event)
    return {
        "title": {
            "text": {
                "headline": "Karabakh Archive timeline",
                "text": "Events of the Nagorno-Karabakh conflict, each with its sources.",
            }
        },
        "events": events,
    }
