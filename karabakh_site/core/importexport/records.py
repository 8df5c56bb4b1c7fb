"""The shared records content items name by slug (topics, places, FAQ groups) as importable
kinds of their own, so an export of every kind imports back into an empty database: without
them, every item row naming a topic or a place was refused there as "unknown slug".

Found from the content kinds' relations (core imports no content app): each model with a slug
that a content kind links to by foreign key or many-to-many. Their columns are the model's own
plain fields.
"""

import decimal
import json

from django.core.exceptions import ValidationError
from django.db import models

from ..kinds import content_kinds
from .columns import Kind
from .report import RowError
from .values import messages_of, to_text


def record_models() -> list[type]:
    """Topic, then the content apps' shared records (places, FAQ groups), in app order."""
    found = []
    for kind in content_kinds():
        for field in kind.model._meta.get_fields():
            target = field.related_model if (field.many_to_many or field.many_to_one) else None
            if target is None or field.auto_created or target in found:
                continue
            names = {f.name for f in target._meta.concrete_fields}
            if "slug" in names and not hasattr(target, "content_kind"):
                found.append(target)
    return found


class RecordKind(Kind):
    """A shared record, matched on its slug; every plain field a column."""

    def __init__(self, model):
        self.model = model
        self.name = f"{model._meta.model_name}s"  # topics, places, faqgroups
        plain = [
            f.name
            for f in model._meta.concrete_fields
            if f.editable and not f.primary_key and not f.is_relation
        ]
        self.columns = ["slug", *[name for name in plain if name != "slug"]]
        # The columns that are the model's own fields (a subclass may add others after them).
        self.field_columns = list(self.columns)
        self.required = {"slug"}

    def queryset(self):
        return self.model._default_manager.order_by("pk")

    def to_row(self, obj) -> dict:
        row = {}
        for column in self.field_columns:
            value = getattr(obj, column)
            field = self.model._meta.get_field(column)
            if value is None and isinstance(field, models.CharField):
                value = ""
            elif isinstance(value, decimal.Decimal):
                value = str(value)  # exact, and JSON has no decimals
            row[column] = value
        return row

    def prepare(self, row, *, may_publish):
        record = self.model._default_manager.filter(slug=self.key(row)).first() or self.model()
        errors, values = [], {}
        for column in self.field_columns:
            if record.pk is not None and column not in row:
                continue  # a column the file leaves out keeps the stored value
            field = self.model._meta.get_field(column)
            raw = row.get(column)
            try:
                if isinstance(field, (models.CharField, models.TextField)):
                    values[column] = to_text(raw).strip() if column == "slug" else to_text(raw)
                elif raw in (None, "") and (field.null or field.has_default()):
                    values[column] = None if field.null else field.get_default()
                else:
                    values[column] = field.to_python(raw)
            except ValidationError as error:
                errors.append(f"{column}: {' '.join(error.messages)}")
            except (ValueError, TypeError) as error:
                errors.append(f"{column}: {error}")
        if errors:
            raise RowError(errors)
        changed = record.pk is None or any(getattr(record, k) != v for k, v in values.items())
        for name, value in values.items():
            setattr(record, name, value)
        try:
            record.full_clean()
        except ValidationError as error:
            raise RowError(messages_of(error)) from None
        return record, changed

    def write(self, prepared, *, by):
        record, changed = prepared
        if changed:
            record.save()
        return changed


class ClaimKind(RecordKind):
    """Contested claims, with their positions in one column (a JSON list, as items'
    citations): {"holder", "perspective": slug, "stance", "says", "said_on", "sources": [{"url",
    "locator"}]}. Written through core.claims.write_claim, so a position without a source or a
    claim without a position is refused with the admin's and the API's messages."""

    def __init__(self):
        from ..models import Claim

        super().__init__(Claim)
        self.columns = [*self.columns, "positions"]
        self.json_columns = {"positions"}

    def queryset(self):
        return (
            super()
            .queryset()
            .prefetch_related("positions__perspective", "positions__citations__source")
        )

    def to_row(self, obj) -> dict:
        row = super().to_row(obj)
        row["positions"] = [
            {
                "holder": position.holder,
                "perspective": position.perspective.slug,
                "stance": position.stance,
                "says": position.says,
                "said_on": position.said_on.isoformat() if position.said_on else None,
                "sources": [
                    {"url": cited.source.url, "locator": cited.locator}
                    for cited in position.citations.all()
                ],
            }
            for position in obj.positions.all()
        ]
        return row

    def prepare(self, row, *, may_publish):
        from .. import claims
        from ..models import Perspective

        plain = {column: value for column, value in row.items() if column != "positions"}
        record, changed = super().prepare(plain, may_publish=may_publish)
        positions = None
        if "positions" in row or record.pk is None:
            rows = row.get("positions")
            if isinstance(rows, str):
                # A CSV cell holds the list as JSON, as items' citations.
                try:
                    rows = json.loads(rows) if rows.strip() else []
                except json.JSONDecodeError as error:
                    raise RowError([f"positions are not a JSON list ({error.msg})"]) from None
            try:
                positions = claims.positions_from_rows(
                    rows,
                    perspectives={p.slug: p for p in Perspective.objects.all()},
                    sources_by_url=claims.source_by_url,
                )
            except ValidationError as error:
                raise RowError(messages_of(error)) from None
            if record.pk is not None:
                # A row updates the position of the same holder (and perspective), so positions
                # keep their ids however the file orders them.
                existing = list(record.positions.all())
                free = {position.pk: position for position in existing}
                for key in (_holder_perspective_and_date, _holder_and_perspective, _holder):
                    for data in positions:
                        if "id" in data:
                            continue
                        match = next((p for p in free.values() if key(p) == key(data)), None)
                        if match is not None:
                            data["id"] = free.pop(match.pk).pk
                by_pk = {position.pk: position for position in existing}
                for data in positions:
                    _keep_locators(data, by_pk.get(data.get("id")))
                changed = changed or _positions_changed(existing, positions)
            else:
                for data in positions:
                    _keep_locators(data, None)
                changed = True
            try:
                claims.check_claim(record, positions)
            except ValidationError as error:
                raise RowError(messages_of(error)) from None
        return record, positions, changed

    def write(self, prepared, *, by):
        from .. import claims

        record, positions, changed = prepared
        if not changed:
            return False
        try:
            claims.write_claim(record, positions)
        except ValidationError as error:
            raise RowError(messages_of(error)) from None
        return True


def _keep_locators(data, position) -> None:
    """A source given as a bare URL (locator None) keeps the locator the position has for it."""
    saved = {c.source_id: c.locator for c in position.citations.all()} if position else {}
    data["sources"] = [
        (source, saved.get(source.pk, "") if locator is None else locator)
        for source, locator in data["sources"]
    ]


def _holder_perspective_and_date(position):
    if isinstance(position, dict):
        return (*_holder_and_perspective(position), position["said_on"])
    return (*_holder_and_perspective(position), position.said_on)


def _holder(position) -> str:
    return position["holder"] if isinstance(position, dict) else position.holder


def _holder_and_perspective(position):
    if isinstance(position, dict):
        return position["holder"], getattr(position["perspective"], "pk", None)
    return position.holder, position.perspective_id


def _positions_changed(existing, positions) -> bool:
    """Whether the rows say anything the saved positions do not, in any order."""

    def saved(position):
        cited = sorted((c.source_id, c.locator) for c in position.citations.all())
        return (position.pk, position.holder, position.perspective_id, position.stance,
                position.says, position.said_on, tuple(cited))  # fmt: skip

    def given(data):
        cited = sorted((source.pk, locator) for source, locator in data["sources"])
        return (data.get("id"), data["holder"], getattr(data["perspective"], "pk", None),
                data["stance"], data["says"], data["said_on"], tuple(cited))  # fmt: skip

    return sorted(map(saved, existing), key=repr) != sorted(map(given, positions), key=repr)
