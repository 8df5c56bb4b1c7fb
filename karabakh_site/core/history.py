"""Versions of tracked records (django-simple-history): field-by-field diffs, restore, and the
version token the admin uses to refuse a stale save.

A version of a content item is its historical row plus the citations it had while that row was
current: citations are saved after the item in the same request, so a version's citations are
those that existed just before the item's *next* version (or now, for the latest).
"""

import datetime
import difflib
import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import CreateModel
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import services
from .models import Publishable, Source

# Workflow fields move only through the review workflow (with its permissions and log); a restore
# brings back what an item said and cited, never whether it is live.
WORKFLOW_FIELDS = {
    "status", "publish_at", "withdraw_at", "review_comment", "created_by", "updated_by",
}  # fmt: skip
ONE_MICROSECOND = datetime.timedelta(microseconds=1)


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    # What changed, in a few words ("quote changed"), for lists of versions.
    summary: str = ""
    # For text: word_diff() of old and new, paragraphs of (kind, text) segments; rendered
    # escaped by the template.
    words: list[list[tuple[str, str]]] = field(default_factory=list)

    @property
    def headline(self) -> str:
        label = self.label[:1].upper() + self.label[1:]
        return f"{label}: {self.summary}" if self.summary else label


def has_citations(model) -> bool:
    return issubclass(model, Publishable)


def diffable_fields(model) -> list[models.Field]:
    """The model's fields that a version records and an editor cares about."""
    tracked = {f.name for f in model.history.model.tracked_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name in tracked and not f.primary_key and f.name not in {"created_at", "updated_at"}
    ]


def restorable_fields(model) -> list[models.Field]:
    return [f for f in diffable_fields(model) if f.editable and f.name not in WORKFLOW_FIELDS]


def m2m_fields(model) -> list[models.ManyToManyField]:
    """The many-to-many fields whose links each version records (topics, related articles)."""
    return list(getattr(model.history.model, "_history_m2m_fields", []))


def version_links(record, m2m_field) -> list[int]:
    """The ids linked through ``m2m_field`` in version ``record``. Versions saved before links
    were tracked record none. Read once per version (preload_versions reads many at once)."""
    cache = record.__dict__.setdefault("_version_links", {})
    if m2m_field.name not in cache:
        target = m2m_field.m2m_reverse_field_name()
        rows = getattr(record, m2m_field.name).values_list(f"{target}_id", flat=True)
        cache[m2m_field.name] = sorted(rows)
    return cache[m2m_field.name]


def preload_versions(records) -> None:
    """Read the links, citations and cited sources of every version in ``records`` (the versions
    of one item, oldest first, none left out) in one query per many-to-many field and two for the
    citations, for a list that diffs them in pairs (readers' history): a fixed number of queries
    however many versions the item has, instead of several per version."""
    if not records:
        return
    model = records[0].instance_type
    by_id = {record.history_id: record for record in records}
    for m2m_field in m2m_fields(model):
        links_model = getattr(type(records[0]), m2m_field.name).model
        target = m2m_field.m2m_reverse_field_name()
        found = {history_id: [] for history_id in by_id}
        rows = links_model.objects.filter(history_id__in=by_id).values_list(
            "history_id", f"{target}_id"
        )
        for history_id, pk in rows:
            found[history_id].append(pk)
        for history_id, pks in found.items():
            by_id[history_id].__dict__.setdefault("_version_links", {})[m2m_field.name] = sorted(
                pks
            )
    if not has_citations(model):
        return
    citation_model = model.citations.rel.related_model
    item_key = f"{citation_model.item_field_name()}_id"
    rows = list(
        citation_model.history.filter(**{item_key: records[0].id}).order_by(
            "history_date", "history_id"
        )
    )
    dates = sorted({record.history_date for record in records})
    for record in records:
        # As _read_version_citations: the rows saved before the item's next version.
        later = next((date for date in dates if date > record.history_date), None)
        latest = {}
        for row in rows:
            if later is not None and row.history_date > later - ONE_MICROSECOND:
                break
            latest[row.id] = row
        alive = [row for row in latest.values() if row.history_type != "-"]
        record._version_citations = sorted(alive, key=lambda row: (row.position, row.id))
    sources = Source.objects.in_bulk({row.source_id for row in rows})
    for record in records:
        record._version_sources = sources


def links_tracked_since(record, m2m_field) -> datetime.datetime | None:
    """When versions began recording the links of ``m2m_field``: the time the migration creating
    its history table was applied. None when every version records them (the table came with the
    model, or no migration made it)."""
    links_model = getattr(type(record), m2m_field.name).model
    app_label = links_model._meta.app_label
    created_by = _migrations_creating(app_label, links_model._meta.model_name)
    if not created_by or not MigrationRecorder(connection).has_table():
        return None
    return (
        MigrationRecorder.Migration.objects.filter(app=app_label, name__in=created_by)
        .values_list("applied", flat=True)
        .first()
    )


@functools.cache
def _migrations_creating(app_label: str, model_name: str) -> tuple[str, ...]:
    # The migration files do not change while the site runs; reading them once is enough.
    loader = MigrationLoader(None, load=False)
    loader.load_disk()
    return tuple(
        migration_name
        for (app, migration_name), migration in loader.disk_migrations.items()
        if app == app_label
        and any(
            isinstance(operation, CreateModel) and operation.name_lower == model_name
            for operation in migration.operations
        )
    )


def links_recorded(record, m2m_field) -> bool:
    """Whether version ``record`` says which links it had, even none: versions saved before link
    history existed have no link rows, which means "not recorded", not "no links"."""
    if version_links(record, m2m_field):
        return True
    since = links_tracked_since(record, m2m_field)
    return since is None or record.history_date >= since


def latest_version_id(obj) -> int | None:
    return (
        obj.history.order_by("-history_date", "-history_id")
        .values_list("history_id", flat=True)
        .first()
    )


def version_citations(record) -> list:
    """The citations (historical rows, in order) the item had in version ``record``; kept on
    the record, so a list of versions diffed in pairs reads each version's citations once."""
    cached = getattr(record, "_version_citations", None)
    if cached is not None:
        return cached
    record._version_citations = _read_version_citations(record)
    return record._version_citations


def _read_version_citations(record) -> list:
    model = record.instance_type
    citation_model = model.citations.rel.related_model
    item_key = f"{citation_model.item_field_name()}_id"
    later = (
        model.history.filter(id=record.id, history_date__gt=record.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    rows = citation_model.history.filter(**{item_key: record.id})
    if later is not None:
        rows = rows.filter(history_date__lte=later - ONE_MICROSECOND)
    latest = {}
    # No select_related("source"): its inner join would drop rows whose source was deleted since,
    # and an older row of the same citation would then pass for its latest state.
    for row in rows.order_by("history_date", "history_id"):
        latest[row.id] = row
    alive = [row for row in latest.values() if row.history_type != "-"]
    return sorted(alive, key=lambda row: (row.position, row.id))


def _display(record, model_field) -> str:
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        try:
            return str(getattr(record, model_field.name))
        except ObjectDoesNotExist:
            return f"#{value} (deleted)"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d %b %Y %H:%M}"
    return str(value)


# Words and runs of punctuation, each with the spaces after it: "p. 12," changes as "12,"
# would not show which part changed.
_WORD = re.compile(r"\w+\s*|[^\w\s]+\s*|\s+")


def _inline_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word by word: (kind, text) segments, kind in {"same", "remove", "add"}."""
    before, after = _WORD.findall(old), _WORD.findall(new)
    segments: list[tuple[str, str]] = []

    def push(kind, words):
        text = "".join(words)
        if not text:
            return
        if segments and segments[-1][0] == kind:
            segments[-1] = (kind, segments[-1][1] + text)
        else:
            segments.append((kind, text))

    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            push("same", before[i1:i2])
        else:
            push("remove", before[i1:i2])
            push("add", after[j1:j2])
    return segments


def word_diff(old: str, new: str, *, context: int = 1) -> list[list[tuple[str, str]]]:
    """A diff a reader of prose can follow: the paragraphs (lines) that changed, each with its
    removed and added words marked, ``context`` unchanged lines around them and a ("gap", "…")
    paragraph for the unchanged lines left out."""
    before, after = (old or "").split("\n"), (new or "").split("\n")
    paragraphs: list[list[tuple[str, str]]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            lines = before[i1:i2]
            head = lines[:context] if index > 0 else []
            tail = lines[-context:] if index < len(opcodes) - 1 and context else []
            if len(head) + len(tail) >= len(lines):
                paragraphs.extend([("same", line)] for line in lines)
                continue
            paragraphs.extend([("same", line)] for line in head)
            paragraphs.append([("gap", "…")])
            paragraphs.extend([("same", line)] for line in tail)
        elif tag == "replace" and i2 - i1 == j2 - j1:
            paragraphs.extend(
                _inline_diff(a, b) for a, b in zip(before[i1:i2], after[j1:j2], strict=True)
            )
        else:
            if i2 > i1:
                paragraphs.append(_inline_diff("\n".join(before[i1:i2]), ""))
            if j2 > j1:
                paragraphs.append(_inline_diff("", "\n".join(after[j1:j2])))
    return paragraphs


def _citation_text(row, sources) -> str:
    source = sources.get(row.source_id)
    name = str(source) if source else f"source #{row.source_id} (deleted)"
    text = f"{name}, {row.locator}" if row.locator else name
    return f"{text}\n“{row.quote}”" if row.quote else text


def _pair_citations(before, after) -> dict[int, object]:
    """Each row of ``after`` (by index) with its row in ``before``: the same citation, or, for
    citations written anew (imports, restores), the one citing the same source and locator."""
    pairs, taken = {}, set()
    by_id = {row.id: index for index, row in enumerate(before)}
    for index, row in enumerate(after):
        if row.id in by_id:
            pairs[index] = before[by_id[row.id]]
            taken.add(by_id[row.id])
    for key in (lambda r: (r.source_id, r.locator), lambda r: r.source_id):
        for index, row in enumerate(after):
            if index in pairs:
                continue
            for old_index, old in enumerate(before):
                if old_index not in taken and key(old) == key(row):
                    pairs[index] = old
                    taken.add(old_index)
                    break
    return pairs


def citation_changes(before, after, *, sources=None) -> list[FieldChange]:
    """What changed between two versions' citations (historical rows, in order), one change
    per citation added, removed, edited (source, locator, quote) or moved, named by its marker:
    "Citation [^3]: quote changed". ``sources``: the cited sources by id, where already read."""
    if sources is None:
        sources = Source.objects.in_bulk({row.source_id for row in [*before, *after]})
    pairs = _pair_citations(before, after)
    old_number = {id(row): number for number, row in enumerate(before, start=1)}
    # Moved: out of the longest run that kept its order (others only shift by one).
    paired = [index for index in range(len(after)) if index in pairs]
    old_order = [old_number[id(pairs[index])] for index in paired]
    kept_order = difflib.SequenceMatcher(None, old_order, sorted(old_order), autojunk=False)
    in_order = {
        paired[block.a + offset]
        for block in kept_order.get_matching_blocks()
        for offset in range(block.size)
    }
    changes = []
    for index, row in enumerate(after):
        number = index + 1
        old = pairs.get(index)
        text = _citation_text(row, sources)
        if old is None:
            changes.append(
                FieldChange(
                    name=f"citation-{number}",
                    label=f"Citation [^{number}]",
                    old="—",
                    new=text,
                    summary="added",
                    words=word_diff("", text, context=0),
                )
            )
            continue
        what = [
            f"{name} changed"
            for name, attribute in (
                ("source", "source_id"),
                ("locator", "locator"),
                ("quote", "quote"),
            )
            if getattr(old, attribute) != getattr(row, attribute)
        ]
        if index not in in_order:
            what.append(f"moved from [^{old_number[id(old)]}]")
        if not what:
            continue
        old_text = _citation_text(old, sources)
        changes.append(
            FieldChange(
                name=f"citation-{number}",
                label=f"Citation [^{number}]",
                old=old_text,
                new=text,
                summary=", ".join(what),
                words=word_diff(old_text, text) if old_text != text else [],
            )
        )
    removed = {id(row) for row in pairs.values()}
    for number, row in enumerate(before, start=1):
        if id(row) not in removed:
            text = _citation_text(row, sources)
            changes.append(
                FieldChange(
                    name=f"citation-removed-{number}",
                    label=f"Citation [^{number}]",
                    old=text,
                    new="—",
                    summary="removed",
                    words=word_diff(text, "", context=0),
                )
            )
    return changes


def diff_versions(old, new, *, linkable=None) -> list[FieldChange]:
    """What changed from version ``old`` to version ``new`` of one record, field by field; long
    text (Markdown bodies, notes) line by line; for content items, the citations too.

    ``linkable`` (for readers' history) maps a linked model to the queryset of its records that
    may be named: links to others (a draft article) are left out, as the pages leave them out."""
    model = new.instance_type
    changes = []
    for model_field in diffable_fields(model):
        before = getattr(old, model_field.attname)
        after = getattr(new, model_field.attname)
        if before == after:
            continue
        change = FieldChange(
            name=model_field.name,
            label=str(model_field.verbose_name),
            old=_display(old, model_field),
            new=_display(new, model_field),
        )
        if isinstance(model_field, models.TextField | models.CharField) and not (
            model_field.choices or model_field.is_relation
        ):
            change.words = word_diff(str(before or ""), str(after or "")) or [
                [("same", "(only spacing or line endings differ)")]
            ]
        changes.append(change)
    for m2m_field in m2m_fields(model):
        before_ids, after_ids = version_links(old, m2m_field), version_links(new, m2m_field)
        if before_ids == after_ids:
            continue
        if linkable is not None:
            shown = set(
                linkable(m2m_field.related_model)
                .filter(pk__in=before_ids + after_ids)
                .values_list("pk", flat=True)
            )
            before_ids = [pk for pk in before_ids if pk in shown]
            after_ids = [pk for pk in after_ids if pk in shown]
            if before_ids == after_ids:
                continue
        names = m2m_field.related_model.objects.in_bulk(before_ids + after_ids)

        def label(pk, names=names):
            return str(names[pk]) if pk in names else f"#{pk} (deleted)"

        before = sorted(label(pk) for pk in before_ids)
        after = sorted(label(pk) for pk in after_ids)
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        summary = "; ".join(
            part
            for part in (
                f"added {', '.join(added)}" if added else "",
                f"removed {', '.join(removed)}" if removed else "",
            )
            if part
        )
        changes.append(
            FieldChange(
                name=m2m_field.name,
                label=str(m2m_field.verbose_name),
                old=", ".join(before) or "—",
                new=", ".join(after) or "—",
                summary=summary,
            )
        )
    if has_citations(model):
        changes.extend(
            citation_changes(
                version_citations(old),
                version_citations(new),
                sources=getattr(new, "_version_sources", None),
            )
        )
    return changes


def change_summary(old, new) -> list[str]:
    """One line per change from version ``old`` to ``new``: "Body", "Citation [^3]: quote
    changed", "Topics: added Refugees"; for the list of versions."""
    return [change.headline for change in diff_versions(old, new)]


def restore_changes(current, record) -> list[FieldChange]:
    """What restoring version ``record`` over version ``current`` would change: the diff between
    them, without what a restore leaves alone (the workflow fields, links a version from before
    link history did not record)."""
    model = record.instance_type
    kept = {f.name for f in restorable_fields(model)}
    kept |= {f.name for f in m2m_fields(model) if links_recorded(record, f)}
    return [
        change
        for change in diff_versions(current, record)
        if change.name in kept or change.name.startswith("citation")
    ]


def marker_moves(old, new) -> dict[int, int]:
    """[^N] of version ``old`` → the number the same citation has in version ``new``, for the
    citations whose number changed."""
    now = {row.id: number for number, row in enumerate(version_citations(new), start=1)}
    return {
        number: now[row.id]
        for number, row in enumerate(version_citations(old), start=1)
        if row.id in now and now[row.id] != number
    }


def version_label(record) -> str:
    who = record.history_user or "someone unrecorded"
    return f"{timezone.localtime(record.history_date):%d %b %Y %H:%M:%S} by {who}"


@transaction.atomic
def restore_version(obj, record, *, by=None) -> bool:
    """Make version ``record`` the current content of ``obj`` by saving it as a new version;
    earlier versions stay as they were. Content items get back the citations they had in that
    version (sources deleted since are left out) but keep their current status and schedule, so
    the source rule is checked against the restored citations: restoring a version without
    citations into a published item is refused with the rule's message.

    Returns False when the version is what ``obj`` already says. Raises ValidationError.
    """
    model = type(obj)
    if record.id != obj.pk:
        raise ValidationError("That version belongs to another record.")
    fields = restorable_fields(model)
    for model_field in fields:
        setattr(obj, model_field.attname, getattr(record, model_field.attname))
    reason = f"Restored the version of {version_label(record)}"[:100]
    obj.full_clean(exclude=["status"])
    if not has_citations(model):
        current = model._default_manager.get(pk=obj.pk)
        if all(getattr(current, f.attname) == getattr(obj, f.attname) for f in fields):
            return False
        obj._change_reason = reason
        if by is not None:
            obj._history_user = by
        obj.save()
        return True
    citation_model = model.citations.rel.related_model
    existing_sources = set(
        Source.objects.filter(
            pk__in=[row.source_id for row in version_citations(record)]
        ).values_list("pk", flat=True)
    )
    citations = [
        citation_model(source_id=row.source_id, locator=row.locator, quote=row.quote)
        for row in version_citations(record)
        if row.source_id in existing_sources
    ]
    # Links too, in the same write: one restore is one version. A version from before links were
    # tracked leaves the current links alone rather than wiping them; a version that recorded an
    # empty set is restored to no links.
    relations = {
        m2m_field.name: m2m_field.related_model.objects.filter(
            pk__in=version_links(record, m2m_field)
        )
        for m2m_field in m2m_fields(model)
        if links_recorded(record, m2m_field)
    }
    return services.write_item(
        obj,
        citations=citations,
        relations=relations,
        by=by,
        change_reason=reason,
        as_recorded=True,
    )
