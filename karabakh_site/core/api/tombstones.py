"""/api/v1/tombstones/: the items readers could once see and no longer can, so clients that sync
with ``updated_since`` can drop them. A list asked with ``updated_since=T`` gives what changed;
``tombstones/?since=T`` gives what went away since T.

Worked out from the items' history (simple-history): an item was visible from the later of a
published version's date and its publish time, until the next version, its withdraw time, or now.
Only items that were visible at some moment get a tombstone: a draft that was never public (or an
item that was only ever scheduled) is never named here.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Subquery
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from karabakh_site.core.kinds import content_kinds
from karabakh_site.core.models import Publishable

from .conditional import ApiViewMixin
from .filters import as_utc

REASONS = {
    "withdrawn": "An editor withdrew it (or took it back to draft).",
    "expired": "Its withdraw time passed.",
    "deleted": "It was deleted (only whole-archive restores delete a public item).",
}


@dataclass(frozen=True)
class Tombstone:
    kind: str
    id: int
    slug: str
    removed_at: datetime.datetime
    reason: str


def _visible_spans(rows, now):
    """(start, end, row) for each stretch during which readers saw the item, from its history rows
    in date order; the last one ends now if the item is still visible."""
    spans = []
    for index, row in enumerate(rows):
        if row.history_type == "-":
            continue
        if row.status != Publishable.Status.PUBLISHED or row.publish_at is None:
            continue
        end = rows[index + 1].history_date if index + 1 < len(rows) else now
        if row.withdraw_at is not None:
            end = min(end, row.withdraw_at)
        start = max(row.history_date, row.publish_at)
        if start < end:
            spans.append((start, end, row))
    return spans


def tombstones(*, since=None, kinds=None) -> list[Tombstone]:
    """Every tombstone (removed at or after ``since``), oldest removal first. Two queries per kind:
    the items visible now, and the history of those ever published that are not."""
    now = timezone.now()
    found = []
    for kind in content_kinds():
        if kinds and kind.name not in kinds:
            continue
        model = kind.model
        visible_now = model.objects.published().values("pk")
        ever_published = model.history.filter(status=Publishable.Status.PUBLISHED).values("id")
        rows = (
            model.history.filter(id__in=Subquery(ever_published))
            .exclude(id__in=Subquery(visible_now))
            .only("id", "slug", "status", "publish_at", "withdraw_at", "history_date")
            .order_by("id", "history_date", "history_id")
        )
        by_item = {}
        for row in rows:
            by_item.setdefault(row.id, []).append(row)
        for pk, item_rows in by_item.items():
            spans = _visible_spans(item_rows, now)
            if not spans:
                continue  # never seen by readers: nothing to tell anyone
            start, end, row = spans[-1]
            last = item_rows[-1]
            if last.history_type == "-":
                reason = "deleted"
            elif (
                last.status == Publishable.Status.PUBLISHED
                and last.withdraw_at is not None
                and last.withdraw_at <= now
            ):
                reason = "expired"
            else:
                reason = "withdrawn"
            if since is not None and end < since:
                continue
            found.append(Tombstone(kind.name, pk, row.slug, end, reason))
    return sorted(found, key=lambda t: (t.removed_at, t.kind, t.id))


class TombstoneSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[])
    id = serializers.IntegerField(help_text="The item's id, as in its detail.")
    slug = serializers.CharField(help_text="The slug readers last saw it under.")
    removed_at = serializers.DateTimeField(help_text="When readers stopped seeing it.")
    reason = serializers.ChoiceField(
        choices=list(REASONS),
        help_text=" ".join(f"{name}: {text}" for name, text in REASONS.items()),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds come from the registry when a serializer is made, not at import.
        self.fields["kind"].choices = [kind.name for kind in content_kinds()]


class TombstoneView(ApiViewMixin, GenericAPIView):
    """Items that readers could see once and no longer can: withdrawn, expired or deleted."""

    permission_classes = [AllowAny]
    serializer_class = TombstoneSerializer
    filter_backends = []
    query_parameters = ("since", "kind")

    @extend_schema(
        operation_id="tombstones",
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="ISO 8601 date-time: only items removed at or after it. Use the "
                "time you last synced, as with updated_since.",
            ),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                enum=sorted(kind.name for kind in content_kinds()),
                many=True,
                explode=True,
                description="Only these kinds (repeat the parameter for several).",
            ),
        ],
        responses={200: TombstoneSerializer(many=True)},
    )
    def get(self, request):
        since = request.query_params.get("since")
        if since is not None:
            field = serializers.DateTimeField()
            try:
                since = as_utc(field.to_internal_value(since), "since")
            except serializers.ValidationError as error:
                raise exceptions.ValidationError({"since": error.detail}) from None
        kinds = request.query_params.getlist("kind") or None
        known = {kind.name for kind in content_kinds()}
        unknown = sorted(set(kinds or ()) - known)
        if unknown:
            raise exceptions.ValidationError(
                {"kind": [f"Unknown kind {', '.join(unknown)}; choose from {', '.join(known)}."]}
            )
        page = self.paginate_queryset(tombstones(since=since, kinds=kinds))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
