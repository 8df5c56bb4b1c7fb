"""The shared records content items name by slug (topics, places, FAQ groups) as importable
kinds of their own, so an export of every kind imports back into an empty database: without
them, every item row naming a topic or a place was refused there as "unknown slug".

Found from the content kinds' relations (core imports no content app): each model with a slug
that a content kind links to by foreign key or many-to-many. Their columns are the model's own
plain fields.
"""

import decimal

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
        self.required = {"slug"}

    def queryset(self):
        return self.model._default_manager.order_by("pk")

    def to_row(self, obj) -> dict:
        row = {}
        for column in self.columns:
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
        for column in self.columns:
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
