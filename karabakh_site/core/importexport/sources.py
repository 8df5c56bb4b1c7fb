"""Sources: core's own kind, matched on their URL key rather than a slug."""

from django.core.exceptions import ValidationError

from ..models import Perspective, Source
from ..urlnorm import url_key
from .columns import Kind
from .report import RowError
from .values import iso, messages_of, to_date, to_datetime, to_text

# What a source left blank becomes: the model's defaults, which a blank cell would not give.
_DEFAULTS = (
    ("language", "en"),
    ("kind", Source.Kind.OTHER),
    ("url_status", Source.UrlStatus.UNKNOWN),
)
# Kept by the source health check, not by the demo archive.
_CHECKED = {"url_status", "last_checked_at"}


def to_perspective(value):
    """A perspective's slug (blank for none) → the Perspective; ValueError names the known ones."""
    slug = to_text(value).strip()
    if not slug:
        return None
    found = Perspective.objects.filter(slug=slug).first()
    if found is None:
        known = ", ".join(Perspective.objects.values_list("slug", flat=True))
        raise ValueError(f"no perspective “{slug}”; known: {known}")
    return found


class SourceKind(Kind):
    name = "sources"
    model = Source
    columns = [
        "url", "title", "publisher", "author", "published_date", "language", "kind",
        "archived_url", "archived_date", "last_verified", "url_status", "last_checked_at",
        "perspective", "notes", "internal_notes",
    ]  # fmt: skip
    required = {"url"}
    key_column = "url"
    converters = {
        "published_date": to_date,
        "archived_date": to_date,
        "last_verified": to_date,
        "last_checked_at": to_datetime,
        "perspective": to_perspective,
    }

    def queryset(self):
        return Source.objects.select_related("perspective").order_by("id")

    def key(self, row):
        url = to_text(row.get("url")).strip()
        return url_key(url) if url else ""

    def to_row(self, source):
        row = {}
        for column in self.columns:
            value = getattr(source, column)
            if column == "perspective":
                row[column] = value.slug if value is not None else ""
            else:
                row[column] = iso(value) if column in self.converters else value
        return row

    def prepare(self, row, *, may_publish):
        source = Source.objects.filter(url_key=self.key(row)).first() or Source()
        errors = []
        values = {}
        for column in self.columns:
            # A column the file leaves out keeps an existing source's value.
            if source.pk is not None and column not in row:
                continue
            try:
                values[column] = self.converters.get(column, to_text)(row.get(column))
            except ValueError as error:
                errors.append(f"{column}: {error}")
        if errors:
            raise RowError(errors)
        for name, default in _DEFAULTS:
            if name in values:
                values[name] = values[name] or default
        changed = source.pk is None or any(
            getattr(source, name) != value
            for name, value in values.items()
            if name != "url" or url_key(value) != source.url_key
        )
        for name, value in values.items():
            if name == "url" and source.pk is not None and url_key(value) == source.url_key:
                continue  # Another spelling of the same URL: the stored one stays.
            setattr(source, name, value)
        try:
            source.full_clean()
        except ValidationError as error:
            raise RowError(messages_of(error)) from None
        return source, changed

    def write(self, prepared, *, by):
        source, changed = prepared
        if changed:
            if by is not None:
                source._history_user = by
            source.save()
        return changed

    def demo_row(self, record):
        # A demo source is exactly what its file says: a field it leaves out is blank (not kept
        # as an editor left it), except the health check's findings, which the file never holds.
        row = {column: "" for column in self.columns if column not in _CHECKED}
        row.update(super().demo_row(record))
        return row
