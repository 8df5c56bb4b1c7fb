"""Import and export of sources, timeline entries and FAQ entries, as CSV or JSON.

One shape per kind, the same in both formats: JSON holds lists as lists; CSV holds slug lists
joined with ";" and citations as a JSON array in one cell, so CSV round-trips without loss too. A
CSV cell that a spreadsheet would run as a formula goes out with a leading apostrophe, which the
import takes off again.

An import reads and checks every row before it writes anything; any bad row, and the whole file is
refused with each row's errors. Rows match existing records on slug (sources on their URL key),
and items are written through services.save_with_citations, which leaves unchanged records
untouched, so importing the same file again changes nothing. A dry run does the whole import and
rolls it back, so its preview (new / changed / unchanged per row) is exactly what would happen.

Written here rather than with django-import-export: that library imports rows one model at a time
and knows nothing of citations nested in a row, the source rule, or matching sources on url_key.
"""

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import Article
from faq.models import FAQCitation, FAQEntry, FAQGroup
from timeline import dates
from timeline.models import Place, TimelineCitation, TimelineEntry

from . import services
from .models import Publishable, Source, Topic
from .publishing import validate_citations
from .urlnorm import url_key

FORMATS = ("csv", "json")
PUBLIC_STATUSES = {Publishable.Status.PUBLISHED, Publishable.Status.WITHDRAWN}
_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n", ""}


class RowError(Exception):
    """Everything wrong with one row, as readable messages."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class RowResult:
    number: int
    key: str
    action: str = ""  # "new", "changed" or "unchanged" once written (or dry-run)
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    kind: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for row in self.rows:
            if row.action:
                counts[row.action] += 1
        return counts

    def summary(self) -> str:
        counts = self.counts()
        return (
            f"{len(self.rows)} {self.kind} rows: {counts['new']} new, {counts['changed']} changed, "
            f"{counts['unchanged']} unchanged"
        )

    def error_text(self) -> str:
        lines = list(self.file_errors)
        lines += [f"row {row.number} ({row.key or 'no key'}): {'; '.join(row.errors)}"
                  for row in self.error_rows]  # fmt: skip
        return "\n".join(lines)


# Value conversion ------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError("expected text, got a list or object")
    return _no_nul(str(value))


def _no_nul(text: str) -> str:
    # PostgreSQL cannot store NUL in text, and no real title or URL holds one: refused as a row
    # error here rather than as a database error on write.
    if "\x00" in text:
        raise ValueError("contains a NUL character (\\x00)")
    return text


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not true or false")


def _int(value) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    text = _text(value).strip() or "0"
    if not text.lstrip("-").isdigit():
        raise ValueError(f"{value!r} is not a whole number")
    return int(text)


def _date(value) -> datetime.date | None:
    text = _text(value).strip()
    if not text:
        return None
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)")
    return parsed


def _datetime(value) -> datetime.datetime | None:
    text = _text(value).strip()
    if not text:
        return None
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"{text!r} is not a date and time (use ISO 8601)")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _slugs(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [slug.strip() for slug in _no_nul(value).split(";") if slug.strip()]
    if isinstance(value, list) and all(isinstance(slug, str) for slug in value):
        return [_no_nul(slug) for slug in value]
    raise ValueError("expected a list of slugs")


def _citations(value) -> list[dict]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"citations are not a JSON list ({error.msg})") from None
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        raise ValueError('citations must be a list of {"url": …, "locator": …, "quote": …}')
    cleaned = []
    for number, cited in enumerate(value, start=1):
        try:
            entry = {name: _text(cited.get(name)) for name in ("url", "locator", "quote")}
        except ValueError as error:
            raise ValueError(f"citation {number}: {error}") from None
        if not entry["url"].strip():
            raise ValueError("each citation needs a url")
        cleaned.append(entry)
    return cleaned


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value.isoformat()


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


# Kinds -----------------------------------------------------------------------------------------


class Kind:
    """One importable kind: its columns, how a record becomes a row and a row a record."""

    name = ""
    model = None
    columns: list[str] = []
    list_columns: set[str] = set()
    # Columns every file needs: the key rows match on. Other columns may be left out; a new
    # record then gets the field's default, or the row fails the model's own validation.
    required: set[str] = set()

    def queryset(self):
        return self.model.objects.all()

    def key(self, row: dict) -> str:
        return _text(row.get("slug")).strip()

    def to_row(self, obj) -> dict:
        raise NotImplementedError

    def prepare(self, row: dict, *, may_publish: bool):
        """Build the unsaved record (and what goes with it) from a row, raising RowError."""
        raise NotImplementedError

    def write(self, prepared, *, by) -> bool:
        raise NotImplementedError


class SourceKind(Kind):
    name = "sources"
    model = Source
    columns = [
        "url", "title", "publisher", "author", "published_date", "language", "kind",
        "archived_url", "archived_date", "last_verified", "url_status", "last_checked_at", "notes",
    ]  # fmt: skip
    required = {"url"}
    converters = {
        "published_date": _date,
        "archived_date": _date,
        "last_verified": _date,
        "last_checked_at": _datetime,
    }

    def queryset(self):
        return Source.objects.order_by("id")

    def key(self, row):
        url = _text(row.get("url")).strip()
        return url_key(url) if url else ""

    def to_row(self, source):
        row = {}
        for column in self.columns:
            value = getattr(source, column)
            row[column] = _iso(value) if column in self.converters else value
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
                values[column] = self.converters.get(column, _text)(row.get(column))
            except ValueError as error:
                errors.append(f"{column}: {error}")
        if errors:
            raise RowError(errors)
        for name, default in (
            ("language", "en"),
            ("kind", Source.Kind.OTHER),
            ("url_status", Source.UrlStatus.UNKNOWN),
        ):
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
            raise RowError(_messages(error)) from None
        return source, changed

    def write(self, prepared, *, by):
        source, changed = prepared
        if changed:
            if by is not None:
                source._history_user = by
            source.save()
        return changed


class ItemKind(Kind):
    """Shared by the publishable kinds: workflow columns, topics, related articles, citations."""

    citation_model = None
    item_columns: list[str] = []
    item_converters: dict[str, Callable] = {}
    workflow_columns = ["status", "publish_at", "withdraw_at"]
    m2m_columns = ["topics", "related_articles"]
    list_columns = {"topics", "related_articles", "citations"}

    @property
    def columns(self):
        return [*self.item_columns, *self.m2m_columns, *self.workflow_columns, "citations"]

    def queryset(self):
        return (
            self.model.objects.order_by("id")
            .prefetch_related("topics", "related_articles")
            .prefetch_related(_prefetch_citations(self.citation_model))
        )

    def to_row(self, item):
        row = {}
        for column in self.item_columns:
            row[column] = self.export_value(item, column)
        row["topics"] = sorted(topic.slug for topic in item.topics.all())
        row["related_articles"] = sorted(article.slug for article in item.related_articles.all())
        row["status"] = item.status
        row["publish_at"] = _iso(item.publish_at)
        row["withdraw_at"] = _iso(item.withdraw_at)
        row["citations"] = [
            {"url": c.source.url, "locator": c.locator, "quote": c.quote}
            for c in item.citations.all()
        ]
        return row

    def export_value(self, item, column):
        value = getattr(item, column)
        if isinstance(value, (datetime.date, datetime.datetime)):
            return _iso(value)
        return value

    def convert(self, row, errors) -> dict:
        values = {}
        for column in self.item_columns:
            try:
                values[column] = self.item_converters.get(column, _text)(row.get(column))
            except ValueError as error:
                errors.append(f"{column}: {error}")
        return values

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
            status = _text(row.get("status")).strip()
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
                values[column] = _datetime(row[column])
            except ValueError as error:
                errors.append(f"{column}: {error}")
        related = {}
        try:
            if "topics" in row or item.pk is None:
                related["topics"] = self.lookup(Topic, "topic", _slugs(row.get("topics")), errors)
            if "related_articles" in row or item.pk is None:
                related["related_articles"] = self.lookup(
                    Article, "article", _slugs(row.get("related_articles")), errors
                )
            if "citations" in row or item.pk is None:
                cited = _citations(row.get("citations"))
            else:
                cited = [
                    {"url": c.source.url, "locator": c.locator, "quote": c.quote}
                    for c in item.citations.select_related("source")
                ]
        except ValueError as error:
            errors.append(str(error))
            cited = []
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
                errors.extend(f"citation of {entry['url']}: {m}" for m in _messages(error))
            citations.append(citation)
        if errors:
            raise RowError(errors)
        for name, value in values.items():
            setattr(item, name, value)
        item.status = status
        self.normalise(item)
        try:
            item.full_clean(exclude=["status"])
            validate_citations(item, citation_count=len(citations))
        except ValidationError as error:
            raise RowError(_messages(error)) from None
        return item, citations, related

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
        item, citations, related = prepared
        changed = services.save_with_citations(item, citations, by=by)
        for name, objects in related.items():
            manager = getattr(item, name)
            if {obj.pk for obj in manager.all()} != {obj.pk for obj in objects}:
                manager.set(objects)
                changed = True
        return changed


def _prefetch_citations(citation_model):
    return Prefetch(
        "citations",
        queryset=citation_model.objects.select_related("source").order_by("position", "id"),
    )


class TimelineKind(ItemKind):
    name = "timeline"
    item_columns = [
        "slug", "title", "date", "date_precision", "end_date", "approximate", "summary",
        "category", "key_event", "place",
    ]  # fmt: skip
    required = {"slug"}

    model = TimelineEntry
    citation_model = TimelineCitation

    item_converters = {
        "date": _date,
        "end_date": _date,
        "approximate": _bool,
        "key_event": _bool,
    }

    def export_value(self, item, column):
        if column == "place":
            return item.place.slug if item.place_id else ""
        return super().export_value(item, column)

    def queryset(self):
        return super().queryset().select_related("place")

    def convert(self, row, errors):
        try:
            place_slug = _text(row.get("place")).strip()
        except ValueError as error:
            errors.append(f"place: {error}")
            place_slug = ""
        values = super().convert({**row, "place": None}, errors)
        values["place"] = None
        if place_slug:
            values["place"] = Place.objects.filter(slug=place_slug).first()
            if values["place"] is None:
                errors.append(f"unknown place slug: {place_slug}")
        values["date_precision"] = values.get("date_precision") or "day"
        return values

    def normalise(self, item):
        if item.date and item.date_precision in dict(item.Precision.choices):
            item.date = dates.normalise(item.date, item.date_precision)
            if item.end_date:
                item.end_date = dates.normalise(item.end_date, item.date_precision)


class FAQKind(ItemKind):
    name = "faq"
    item_columns = ["slug", "question", "answer", "group", "group_name", "position"]
    required = {"slug"}
    item_converters = {"position": _int}

    model = FAQEntry
    citation_model = FAQCitation

    def queryset(self):
        return super().queryset().select_related("group")

    def export_value(self, item, column):
        if column == "group":
            return item.group.slug
        if column == "group_name":
            return item.group.name
        return super().export_value(item, column)

    def convert(self, row, errors):
        values = super().convert({**row, "group": None, "group_name": None}, errors)
        values.pop("group_name", None)
        try:
            group_slug = _text(row.get("group")).strip()
            group_name = _text(row.get("group_name")).strip()
        except ValueError as error:
            errors.append(f"group: {error}")
            values["group"] = None
            return values
        values["group"] = FAQGroup.objects.filter(slug=group_slug).first()
        if values["group"] is None and group_slug and group_name:
            values["group"] = self.new_group(group_slug, group_name, errors)
        elif values["group"] is None:
            errors.append(f"unknown FAQ group {group_slug!r} (give group_name to create it)")
        return values

    def new_group(self, slug, name, errors):
        """A group the file names but the archive lacks, checked like the admin's form would:
        created inside the import's transaction, so a refused import leaves no group behind."""
        group = FAQGroup(slug=slug, name=name, position=FAQGroup.objects.count())
        try:
            group.full_clean()
        except ValidationError as error:
            errors.extend(f"new FAQ group {slug!r}: {message}" for message in _messages(error))
            return None
        group.save()
        return group


KINDS: dict[str, Kind] = {kind.name: kind for kind in (SourceKind(), TimelineKind(), FAQKind())}


# Reading and writing files ---------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARDED_STARTS = (*_FORMULA_STARTS, "'")


def _csv_guard(cell: str) -> str:
    # A leading apostrophe makes a spreadsheet take the cell as text. A cell the import would
    # take an apostrophe off ("'=1") gets one more, so the import reads back what was exported.
    if cell.startswith(_FORMULA_STARTS) or _csv_unguard(cell) != cell:
        return "'" + cell
    return cell


def _csv_unguard(cell):
    if isinstance(cell, str) and cell.startswith("'") and cell[1:].startswith(_GUARDED_STARTS):
        return cell[1:]
    return cell


def export_rows(kind_name: str) -> list[dict]:
    kind = KINDS[kind_name]
    return [kind.to_row(obj) for obj in kind.queryset()]


def export_text(kind_name: str, file_format: str) -> str:
    kind = KINDS[kind_name]
    rows = export_rows(kind_name)
    if file_format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    # The csv module quotes a cell only for the line terminator's own characters: with "\n" alone,
    # a carriage return in a cell went out unquoted and the file could not be read back.
    writer = csv.DictWriter(out, fieldnames=kind.columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        cells = {}
        for column in kind.columns:
            value = row[column]
            if column == "citations":
                cells[column] = json.dumps(value, ensure_ascii=False) if value else ""
            elif column in kind.list_columns:
                cells[column] = ";".join(value)
            else:
                cells[column] = _cell(value)
        writer.writerow({column: _csv_guard(cell) for column, cell in cells.items()})
    return out.getvalue()


def read_rows(kind: Kind, text: str, file_format: str) -> list[dict]:
    """Parse a file into rows; raises ValueError with a readable message for a bad file."""
    if file_format == "json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"not valid JSON: {error}") from None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValueError("a JSON import is a list of objects, one per record")
    elif file_format == "csv":
        reader = csv.DictReader(io.StringIO(text))
        try:
            header = reader.fieldnames or []
            if not header:
                raise ValueError("the CSV file is empty")
            rows = list(reader)
        except csv.Error as error:
            raise ValueError(f"not a readable CSV file ({error})") from None
        if any(None in row for row in rows):
            raise ValueError("a CSV row has more cells than the header")
        rows = [{column: _csv_unguard(cell) for column, cell in row.items()} for row in rows]
        header_seen = set(header)
    else:
        raise ValueError(f"unknown format {file_format!r}; use csv or json")
    if file_format == "json":
        header_seen = set().union(*(row.keys() for row in rows)) if rows else set()
    unknown = sorted(header_seen - set(kind.columns))
    if unknown:
        raise ValueError(
            f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"{kind.name} files have {', '.join(kind.columns)}"
        )
    missing = sorted(kind.required - header_seen) if rows else []
    if missing:
        raise ValueError(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    return rows


def import_text(
    kind_name: str,
    text: str,
    file_format: str,
    *,
    dry_run: bool = False,
    by=None,
    may_publish: bool = True,
    progress: Callable[[Iterable], Iterable] = lambda rows: rows,
) -> Report:
    """Check every row, then write them all or none. See the module docstring."""
    kind = KINDS[kind_name]
    report = Report(kind=kind_name, dry_run=dry_run)
    try:
        rows = read_rows(kind, text, file_format)
    except ValueError as error:
        report.file_errors.append(str(error))
        return report
    with transaction.atomic():
        prepared = []
        seen = {}
        for number, row in enumerate(progress(rows), start=1):
            result = RowResult(number=number, key="")
            report.rows.append(result)
            try:
                result.key = kind.key(row)
            except ValueError as error:
                key_column = "url" if kind.name == "sources" else "slug"
                result.errors.append(f"{key_column}: {error}")
                prepared.append(None)
                continue
            if not result.key:
                result.errors.append(f"no {'url' if kind.name == 'sources' else 'slug'}")
            elif result.key in seen:
                result.errors.append(f"same record as row {seen[result.key]}")
            else:
                seen[result.key] = number
            try:
                prepared.append(kind.prepare(row, may_publish=may_publish))
            except RowError as error:
                result.errors.extend(error.messages)
                prepared.append(None)
            except ValueError as error:
                # A value the checks above did not name; still this row's fault, not a crash.
                result.errors.append(str(error))
                prepared.append(None)
        if not report.ok:
            transaction.set_rollback(True)
            return report
        for result, item in zip(report.rows, prepared, strict=True):
            is_new = _is_new(item)
            try:
                changed = kind.write(item, by=by)
            except ValidationError as error:
                # Checked above, so this is a race or a rule the checks missed: refuse it all.
                result.errors.extend(_messages(error))
                transaction.set_rollback(True)
                return report
            result.action = "new" if is_new else ("changed" if changed else "unchanged")
        if dry_run:
            transaction.set_rollback(True)
    return report


def _is_new(prepared) -> bool:
    return prepared[0].pk is None
