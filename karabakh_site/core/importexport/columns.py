"""What an importable kind is: its columns, how a record becomes a row and a row a record.

Kind is the contract; ItemKind fills it in for the publishable kinds (workflow columns, topics and
other slug lists, citations), so a content app declares only its own columns and conversions (see
timeline/importexport.py) and names its ItemKind in its ``content_kind``.
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from .. import claims, services
from ..models import Publishable, Source
from ..permissions import PUBLIC_STATUSES
from ..urlnorm import url_key
from .report import RowError
from .values import iso, messages_of, to_citations, to_datetime, to_slugs, to_text


class Kind:
    """One importable kind: its columns, how a record becomes a row and a row a record."""

    name = ""
    model = None
    columns: list[str] = []
    # Lists of slugs: a list in JSON, joined with ";" in one CSV cell.
    list_columns: set[str] = set()
    # Lists of small records (citations): a list in JSON, a JSON array in one CSV cell.
    json_columns: set[str] = set()
    # Columns every file needs: the key rows match on. Other columns may be left out; a new
    # record then gets the field's default, or the row fails the model's own validation.
    required: set[str] = set()
    key_column = "slug"

    def queryset(self):
        return self.model.objects.all()

    def key(self, row: dict) -> str:
        return to_text(row.get("slug")).strip()

    def to_row(self, obj) -> dict:
        raise NotImplementedError

    def prepare(self, row: dict, *, may_publish: bool):
        """Build the unsaved record (and what goes with it) from a row, raising RowError. The
        record comes first in what it returns."""
        raise NotImplementedError

    def write(self, prepared, *, by) -> bool:
        raise NotImplementedError

    def demo_row(self, record: dict) -> dict:
        """A record of the demo archive (load_demo) as an import row: the demo files hold this
        kind's columns and some research notes of their own, which are not columns."""
        return {column: record[column] for column in self.columns if column in record}


class ItemKind(Kind):
    """Shared by the publishable kinds: workflow columns, topics and other slug lists, citations.

    A content app's subclass sets ``name``, ``model``, ``item_columns`` (its own fields, written
    as text unless ``item_converters`` says otherwise) and ``m2m_columns`` (relations written as
    slug lists); ``extra_columns`` go after the citations, with convert_extra() and
    write_extra() for them (articles' corrections).
    """

    item_columns: list[str] = []
    item_converters: dict[str, Callable] = {}
    workflow_columns = ["status", "publish_at", "withdraw_at"]
    m2m_columns = ["topics", "related_articles", "claims"]
    extra_columns: list[str] = []
    required = {"slug"}
    # The demo archive's file of this kind (load_demo); "" when the demo has none.
    demo_file = ""

    @property
    def columns(self):
        return [
            *self.item_columns, *self.m2m_columns, *self.workflow_columns, "citations",
            *self.extra_columns,
        ]  # fmt: skip

    @property
    def list_columns(self):
        return set(self.m2m_columns)

    @property
    def json_columns(self):
        return {"citations"}

    @property
    def citation_model(self):
        return self.model.citations.rel.related_model

    def queryset(self):
        citations = self.citation_model.objects.select_related("source").order_by("position", "id")
        return (
            # A revision in progress is work on its live item, not a record of its own.
            self.model.objects.filter(revision_of__isnull=True)
            .order_by("id")
            .prefetch_related(*self.m2m_columns)
            .prefetch_related(Prefetch("citations", queryset=citations))
        )

    def to_row(self, item):
        row = {}
        for column in self.item_columns:
            row[column] = self.export_value(item, column)
        for column in self.m2m_columns:
            row[column] = sorted(obj.slug for obj in getattr(item, column).all())
        row["status"] = item.status
        row["publish_at"] = iso(item.publish_at)
        row["withdraw_at"] = iso(item.withdraw_at)
        row["citations"] = [
            {"url": c.source.url, "locator": c.locator, "quote": c.quote}
            for c in item.citations.all()
        ]
        for column in self.extra_columns:
            row[column] = self.export_value(item, column)
        return row

    def export_value(self, item, column):
        value = getattr(item, column)
        if isinstance(value, (datetime.date, datetime.datetime)):
            return iso(value)
        return value

    def convert(self, row, errors) -> dict:
        values = {}
        for column in self.item_columns:
            if column not in row:
                # A new item gets the field's default (an article's byline), an existing one
                # keeps its value (see prepare()).
                continue
            try:
                values[column] = self.item_converters.get(column, to_text)(row.get(column))
            except ValueError as error:
                errors.append(f"{column}: {error}")
        return values

    def convert_extra(self, row, item, errors) -> dict:
        """The extra columns' values, written by write_extra() after the item."""
        return {}

    def prepare(self, row, *, may_publish):
        errors = []
        slug = self.key(row)
        item = self.model.objects.filter(slug=slug).first() if slug else None
        if item is not None and item.status in PUBLIC_STATUSES and not may_publish:
            errors.append("this item is public; only an editor may change it")
        item = item or self.model()
        values = self.convert(row, errors)
        if item.pk is not None:
            # A column the file leaves out (a hand-made CSV) keeps the item's current value.
            values = {name: value for name, value in values.items() if name in row}
        # A file without workflow columns (a hand-made CSV) updates content and leaves an
        # existing item's status and schedule alone; a new item starts as a draft.
        try:
            status = to_text(row.get("status")).strip()
        except ValueError as error:
            errors.append(f"status: {error}")
            status = ""
        status = status or (item.status if item.pk else Publishable.Status.DRAFT)
        if status not in Publishable.Status.values:
            errors.append(
                f"status: {status!r} is not one of {', '.join(Publishable.Status.values)}"
            )
        elif status in PUBLIC_STATUSES and not may_publish:
            errors.append("status: only an editor may import published or withdrawn items")
        for column in ("publish_at", "withdraw_at"):
            if column not in row:
                continue
            try:
                values[column] = to_datetime(row[column])
            except ValueError as error:
                errors.append(f"{column}: {error}")
        related = {}
        try:
            for column in self.m2m_columns:
                if column in row or item.pk is None:
                    model = self.model._meta.get_field(column).related_model
                    slugs = to_slugs(row.get(column))
                    related[column] = self.lookup(model, model._meta.verbose_name, slugs, errors)
            if "citations" in row or item.pk is None:
                cited = to_citations(row.get("citations"))
            else:
                cited = [
                    {"url": c.source.url, "locator": c.locator, "quote": c.quote}
                    for c in item.citations.select_related("source")
                ]
        except ValueError as error:
            errors.append(str(error))
            cited = []
        citations = self.citations(cited, errors)
        if status == Publishable.Status.PUBLISHED and related.get("claims"):
            try:
                claims.ensure_claims_cited(related["claims"])  # the positions' source rule
            except ValidationError as error:
                errors.extend(f"claims: {message}" for message in error.messages)
        extra = self.convert_extra(row, item, errors)
        if errors:
            raise RowError(errors)
        for name, value in values.items():
            setattr(item, name, value)
        item.status = status
        self.normalise(item)
        # The rules are checked here, so every row's errors are reported before anything is
        # written; write() saves the same checked write, which does not check them again.
        write = services.ItemWrite(item, citations=citations, as_recorded=True)
        try:
            item.full_clean(exclude=["status"])
            write.check()
        except ValidationError as error:
            raise RowError(messages_of(error)) from None
        return item, write, related, extra

    def citations(self, cited, errors) -> list:
        """Unsaved citations of recorded sources, checked as far as they can be without the item."""
        citations = []
        for entry in cited:
            try:
                source = Source.objects.filter(url_key=url_key(entry["url"])).first()
            except ValueError as error:
                errors.append(f"cites {entry['url']!r}: {error}")
                continue
            if source is None:
                errors.append(f"cites {entry['url']}, which is not a recorded source")
                continue
            citation = self.citation_model(
                source=source, locator=entry["locator"], quote=entry["quote"]
            )
            try:
                # Lengths are checked here, so a long locator is a row error, not a database one.
                citation.clean_fields(exclude=[self.citation_model.item_field_name()])
            except ValidationError as error:
                errors.extend(f"citation of {entry['url']}: {m}" for m in messages_of(error))
            citations.append(citation)
        return citations

    def normalise(self, item):
        """Bring values into the form save() would store, so an unchanged row compares equal."""

    def lookup(self, model, label, slugs, errors):
        found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            errors.append(f"unknown {label} slug{'s' if len(missing) > 1 else ''}: "
                          + ", ".join(missing))  # fmt: skip
        return [found[slug] for slug in slugs if slug in found]

    def write(self, prepared, *, by):
        item, write, related, extra = prepared
        # Relations go with the item's own write, so a changed row is one history version.
        changed = write.save(by=by, relations=related)
        return self.write_extra(item, extra, by=by) or changed

    def write_extra(self, item, extra, *, by) -> bool:
        """Write what convert_extra() read; returns whether anything changed."""
        return False

    def demo_row(self, record):
        # The demo files leave out what their items do not have, and publish unless they say
        # otherwise; a missing list is an empty one, as load_demo has always read them.
        row = {column: [] for column in self.m2m_columns}
        row["status"] = Publishable.Status.PUBLISHED
        row.update(super().demo_row(record))
        row["citations"] = record["citations"]
        return row

    def load_demo_references(self, loader) -> None:
        """Load, before any item of any kind, the records this kind's demo items refer to
        (timeline's places). ``loader`` is load_demo: read(file name), count(label, changed)
        and ``current`` (what an error message names)."""
