"""The whole archive as one file, and back: export_archive / import_archive.

What is in it: every content kind and its citations, corrections, topics, places, FAQ groups,
sources, their whole history (simple-history's tables, links included), the workflow log, the
admin's change log, and the authorship those records name (users, with their names, emails,
groups and password hashes, and the groups' permissions). Not in it: API tokens (secrets; issue
new ones), sessions, login attempts, caches and the content clock (rebuilt).

The file is Django's serialisation in JSON Lines (one record a line, written and read as a
stream), with natural keys for users, groups, permissions and content types, so it loads into any
database migrated to the same code. Records are written with raw saves: nothing is re-rendered,
re-dated or re-versioned on the way in (Publishable.save's side effects and simple-history's
signals stay out), so the import is the export.
"""

import datetime
import itertools

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction

from ..record import erasing

# The apps whose every model is part of the archive, in load order.
ARCHIVE_APPS = ["core", "articles", "faq", "timeline"]
# Not the record: secrets, and state the site rebuilds.
LEFT_OUT = {"core.apitoken", "core.contentchange"}
# Computed from the stored text on the way in (PostgreSQL only), not carried in the file.
COMPUTED_FIELDS = {"search_vector"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Date-times to the microsecond: Django's encoder cuts them to milliseconds, and a version's
    citations are told apart from the next version's by microseconds (core.history)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def archive_models() -> list[type]:
    """Every model the archive file holds, in an order a load can follow."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group

    models = [Group, get_user_model()]
    for label in ARCHIVE_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower not in LEFT_OUT and not model._meta.proxy:
                models.append(model)
    models.append(LogEntry)
    return models


def content_models() -> list[type]:
    """The models whose rows make a database "not empty" for an import."""
    from ..models import Publishable, Source, Topic

    models = [Source, Topic, get_user_model()]
    for model in archive_models():
        if issubclass(model, Publishable):
            models.append(model)
    return models


def is_empty(using="default") -> bool:
    return not any(model._base_manager.using(using).exists() for model in content_models())


def _fields(model) -> list[str]:
    return [
        f.name
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if not f.primary_key and f.name not in COMPUTED_FIELDS
    ]


def _rows(model, using, passwords: bool):
    queryset = model._base_manager.using(using).order_by("pk")
    if model._meta.many_to_many:
        # iterator() would drop the prefetch; chunked prefetching keeps memory bounded.
        queryset = queryset.prefetch_related(*[f.name for f in model._meta.many_to_many])
        rows = queryset.iterator(chunk_size=500)
    else:
        rows = queryset.iterator(chunk_size=2000)
    if passwords or model is not get_user_model():
        return rows
    return (_without_password(user) for user in rows)


def _without_password(user):
    user.password = make_password(None)
    return user


def export_archive(stream, *, using="default", passwords=True) -> dict[str, int]:
    """Write the whole archive to ``stream`` (text); returns the number of records per model."""
    counts = {}
    for model in archive_models():
        rows = _rows(model, using, passwords)
        first = next(rows, None)
        if first is None:
            continue
        counted = _Counter(itertools.chain([first], rows))
        serializers.serialize(
            "jsonl",
            counted,
            stream=stream,
            fields=_fields(model),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=model in _natural_primary(),
            cls=ExactJSONEncoder,
        )
        counts[model._meta.label] = counted.count
    return counts


def _natural_primary():
    from django.contrib.auth.models import Group

    # Groups and users are found by name in the target (the migrations create the editorial
    # groups); everything else keeps its id, which its history refers to.
    return {Group, get_user_model()}


class _Counter:
    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def wipe_archive(using="default") -> None:
    """Delete every record of the archive (import_archive --force): raw deletes, children first.
    Users are replaced by the file's, so what points at a user and is not in the archive goes
    first: API tokens (issue new ones) and sessions (everyone signs in again)."""
    from django.contrib.sessions.models import Session

    from ..tokens import ApiToken

    for model in (ApiToken, Session):
        model._base_manager.using(using).all()._raw_delete(using)
    with erasing():
        for model in reversed(archive_models()):
            model._base_manager.using(using).all()._raw_delete(using)
            for field in model._meta.many_to_many:
                field.remote_field.through._base_manager.using(using).all()._raw_delete(using)


@transaction.atomic
def import_archive(stream, *, using="default") -> dict[str, int]:
    """Load an archive file written by export_archive(); all or nothing. The caller checks that
    the database is empty (or wipes it)."""
    connection = connections[using]
    counts, loaded = {}, set()
    deferred = []
    with connection.constraint_checks_disabled():
        objects = serializers.deserialize(
            "jsonl", stream, using=using, handle_forward_references=True
        )
        for obj in objects:
            # The file holds the history; setting links must not record a new version.
            obj.object.skip_history_when_saving = True
            obj.save(using=using)
            if obj.deferred_fields:
                deferred.append(obj)
            model = type(obj.object)
            loaded.add(model)
            counts[model._meta.label] = counts.get(model._meta.label, 0) + 1
        for obj in deferred:
            obj.save_deferred_fields(using=using)
    connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    # New rows after an import must not reuse the ids just loaded (PostgreSQL's sequences).
    sequences = connection.ops.sequence_reset_sql(no_style(), list(loaded))
    with connection.cursor() as cursor:
        for sql in sequences:
            cursor.execute(sql)
    _index_for_search(loaded, using)
    return counts


def _index_for_search(models, using) -> None:
    from ..models import SearchIndexed

    if connections[using].vendor != "postgresql":
        return
    for model in models:
        if issubclass(model, SearchIndexed):
            for item in model._base_manager.using(using).iterator():
                item.update_search_vector()
