"""The content clock: when anything a reader can see last changed, the same for every worker.

Last-Modified is worth sending only if it is never earlier than a change the answer depends on;
otherwise If-Modified-Since would get a 304 for an answer that has changed. Tracking that per URL
or per process cannot see deletions and differs between workers, so the clock is site-wide and in
the database: any change moves every Last-Modified (coarse), and the body-hash ETag stays the
precise validator.

How it stays right:

- Every write to a model readers can see (the concrete models of core and the content apps, and
  their many-to-many tables; not history records, the workflow log or this clock) records a
  ContentChange row *before* it writes, in the same transaction, so the row becomes visible at
  the same instant as the write. The row is pending (no date) until, after the commit, it is dated
  with the clock's time and older rows are deleted.
- last_modified() reads, in one query, the newest date, whether any change is pending, and the
  newest publish and withdraw times that have passed of items in the published state (an item
  going live or expiring changes lists without any write). It gives no date while a change is
  pending, and none when the newest of those times falls in the second the request started: HTTP
  dates have whole seconds, so a later change in that second would carry the same date.

Why that is enough: if a date L is sent, every change visible when it was read was committed
before the second S in which the request started (its date L is at least its commit time and
less than S), and no publish or withdraw time fell between S and that read; so the answer was built
from exactly the content as it stood at S. Any later change is dated, or its time falls, after
that read and so at or after S, which puts the next date in a later second than L:
If-Modified-Since: L is then refused. This assumes the workers' clocks agree (as scheduled
publishing already does) and do not step backwards.
"""

import datetime as dt
import functools
import math
import weakref
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import DateTimeField, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from simple_history.models import HistoricalChanges

from .clock import QueryTime
from .kinds import content_kinds
from .models import ContentChange, Publishable, WorkflowEvent

# A pending row this old belongs to a write that failed, or a process that died, before dating
# it; the next change deletes it so Last-Modified comes back. A write is never this slow between
# recording its change and committing in autocommit mode (inside a transaction a pending row is
# only visible once committed, so deleting it early is safe: see _date()).
ABANDONED = dt.timedelta(minutes=10)


def content_apps() -> list[str]:
    """The apps whose models readers see, directly or embedded in what they read: core and each
    content kind's app, from the registry (so core names no content app)."""
    return list(dict.fromkeys(["core", *(kind.model._meta.app_label for kind in content_kinds())]))


def watched_models() -> list[type]:
    """The models whose writes move the clock, found through the app registry."""
    found = []
    for label in content_apps():
        for model in apps.get_app_config(label).get_models():
            if issubclass(model, HistoricalChanges) or model in (WorkflowEvent, ContentChange):
                continue
            found.append(model)
    return found


class _DateOnCommit:
    """The on-commit callback that dates a transaction's change; one per transaction."""

    def __init__(self, pk: int, using: str):
        self.pk, self.using, self.done = pk, using, False

    def __call__(self):
        self.done = True
        _date(self.pk, self.using)


def begin(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """Record a pending change before a write. Inside a transaction the row commits with the write
    and is dated on commit, once per transaction (None is returned). In autocommit mode the row
    commits at once; pass the returned id to end() after the write."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return ContentChange.objects.using(using).create().pk
    # A rolled-back savepoint drops its callbacks with its row, so a later write records anew.
    scheduled = any(
        isinstance(callback, _DateOnCommit) and not callback.done
        for _, callback, _ in connection.run_on_commit
    )
    if not scheduled:
        pk = ContentChange.objects.using(using).create().pk
        transaction.on_commit(_DateOnCommit(pk, using), using=using)
    return None


def end(pk: int | None, using: str = DEFAULT_DB_ALIAS) -> None:
    if pk is not None:
        _date(pk, using)


@contextmanager
def recording(using: str = DEFAULT_DB_ALIAS):
    """Around writes that send no model signals (QuerySet.update(), bulk_update(), bulk_create())
    to content readers see."""
    pk = begin(using)
    try:
        yield
    finally:
        # Dating is always safe (it only moves the clock on), so a failed write still dates.
        end(pk, using)


def record(using: str = DEFAULT_DB_ALIAS) -> None:
    """A change already made by other means (a migration): dated now."""
    end(begin(using), using)


def _date(pk: int, using: str) -> None:
    changes = ContentChange.objects.using(using)
    with transaction.atomic(using=using):
        # Deleted first, dated after: the date is then read after every row this deletes was
        # committed, so it is no earlier than any of them, and the newest date never goes back.
        stale = Q(at__isnull=False) | Q(started_at__lt=timezone.now() - ABANDONED)
        changes.exclude(pk=pk).filter(stale).delete()
        if not changes.filter(pk=pk).update(at=QueryTime()):
            # Deleted as abandoned by another worker, or the table was flushed.
            changes.create(at=QueryTime())


@dataclass(frozen=True)
class Reading:
    """The content clock read at one moment (read()): what a cached answer is keyed by."""

    changed: dt.datetime | None  # the newest dated change
    latest: int | None  # the newest change's id: two changes dated in one instant still differ
    pending: bool  # a change readers may see has no date yet
    passed: dt.datetime | None  # the newest publish or withdraw time of a live item that passed
    upcoming: dt.datetime | None  # the soonest that has not

    @property
    def settled(self) -> bool:
        """Whether an answer built now may be kept: no change in flight, and a clock to key it."""
        return not self.pending and self.changed is not None

    @property
    def key(self) -> str:
        """Changes when any write readers may see is dated and when any publish or withdraw time
        passes, so an answer kept under it is the answer the content gives at this moment."""
        passed = self.passed.timestamp() if self.passed else 0
        changed = self.changed.timestamp() if self.changed else 0
        return f"{self.latest}-{changed:.6f}-{passed:.6f}"


def read(using: str = DEFAULT_DB_ALIAS) -> Reading:
    """The clock now, in one query.

    Every anonymous request reads it (core.page_cache: a kept answer costs little else), so its
    SQL is written once per process and database (_clock_sql) and only "now" is bound each time:
    built through the ORM, an aggregate of a dozen subqueries took ten times longer to compile
    than to run. On PostgreSQL it is also prepared once per connection (_execute_prepared):
    planning its dozen subqueries took 1.9 ms, running them 0.4."""
    connection = connections[using]
    params = {
        "status": Publishable.Status.PUBLISHED,
        "now": DateTimeField().get_db_prep_value(timezone.now(), connection),
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _execute_prepared(connection, cursor, params)
        else:
            cursor.execute(_clock_sql(using), params)
        changed, latest, pending, *times = cursor.fetchone()
    times = [_aware(value) for value in times]
    return Reading(
        changed=_aware(changed),
        latest=latest,
        pending=bool(pending),
        passed=max((t for t in times[0::2] if t is not None), default=None),
        upcoming=min((t for t in times[1::2] if t is not None), default=None),
    )


# The PostgreSQL connections (psycopg's, so a reconnect starts afresh) the clock is prepared on.
_prepared_on = weakref.WeakSet()
PREPARED_NAME = "karabakh_content_clock"


def _execute_prepared(connection, cursor, params: dict) -> None:
    """EXECUTE the clock's prepared statement, PREPAREd first on a connection that has none.
    Prepared statements belong to the session and outlive a rolled-back transaction; a pooler
    that discards them between transactions (PgBouncer in transaction mode) needs
    DATABASE_PREPARED_CLOCK=off, which runs the plain statement."""
    if not settings.DATABASE_PREPARED_CLOCK:
        cursor.execute(_clock_sql(connection.alias), params)
        return
    raw = connection.connection
    if raw not in _prepared_on:
        sql = _clock_sql(connection.alias).replace("%(status)s", "$1").replace("%(now)s", "$2")
        # On the driver's connection, as Django sets up a new connection (its time zone): part of
        # connecting, once, not one of the queries of whichever request happens to connect.
        # Under the watchdog, as every query is: a frozen server must not hold the worker.
        from .faults import guarded

        with guarded(connection), raw.cursor() as setup:
            setup.execute(f"PREPARE {PREPARED_NAME} (text, timestamptz) AS {sql}")
        _prepared_on.add(raw)
    cursor.execute(f"EXECUTE {PREPARED_NAME} (%(status)s, %(now)s)", params)


@functools.cache
def _clock_sql(using: str) -> str:
    """The clock's SQL: three columns of the change table, then (passed, upcoming) pairs.

    For each publishable model (found through the registry, so core names no content app) and
    each of publish_at and withdraw_at: the newest time that has passed and the soonest that has
    not, of items in the published state only (a draft's times change nothing a reader sees; an
    item whose withdraw time has passed still counts its publish time, which only makes the date
    later). ORDER BY ... LIMIT 1 rather than MAX(), so each is one step down an index."""
    quote = connections[using].ops.quote_name
    opts = ContentChange._meta
    changes, at, pk = (
        quote(opts.db_table),
        quote(opts.get_field("at").column),
        quote(opts.pk.column),
    )
    parts = [
        f"(SELECT MAX({at}) FROM {changes})",
        f"(SELECT MAX({pk}) FROM {changes})",
        f"(SELECT COUNT(*) FROM {changes} WHERE {at} IS NULL)",
    ]
    for model in apps.get_models():
        if not issubclass(model, Publishable):
            continue
        table = quote(model._meta.db_table)
        for name in ("publish_at", "withdraw_at"):
            column = quote(model._meta.get_field(name).column)
            status = quote(model._meta.get_field("status").column)
            where = f"FROM {table} WHERE {status} = %(status)s AND {column}"
            parts.append(f"(SELECT {column} {where} <= %(now)s ORDER BY {column} DESC LIMIT 1)")
            parts.append(f"(SELECT {column} {where} > %(now)s ORDER BY {column} ASC LIMIT 1)")
    return "SELECT " + ", ".join(parts)


def _aware(value) -> dt.datetime | None:
    """A time as the database returned it (SQLite: text, naive UTC) as an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def last_modified(
    started: float, using: str = DEFAULT_DB_ALIAS, reading: Reading | None = None
) -> dt.datetime | None:
    """The Last-Modified of an answer built from the content after ``started`` (a time.time()
    taken before the answer's first query; call this after its last one, or pass the reading
    taken after it), or None when no date is safe to send. One query, none given a reading."""
    reading = reading or read(using)
    if not reading.settled:
        return None  # A change readers may see has no date yet (or the clock was flushed).
    latest = max(value for value in (reading.changed, reading.passed) if value is not None)
    if latest.timestamp() >= math.floor(started):
        return None
    return latest


def _before_write(sender, instance, using, raw=False, **kwargs):
    instance._content_change = begin(using)


def _after_write(sender, instance, using, **kwargs):
    end(instance.__dict__.pop("_content_change", None), using)


def _many_to_many(sender, instance, action, using, **kwargs):
    # Django runs add(), remove(), set() and clear() in a transaction, so pre_* is enough.
    if action.startswith("pre_"):
        instance._content_change = begin(using)
    else:
        end(instance.__dict__.pop("_content_change", None), using)


def connect() -> None:
    """Called from CoreConfig.ready(), once the app registry is complete."""
    for model in watched_models():
        uid = f"content-change-{model._meta.label_lower}"
        pre_save.connect(_before_write, sender=model, dispatch_uid=uid)
        post_save.connect(_after_write, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_write, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_write, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_many_to_many, sender=through, dispatch_uid=f"{uid}-{field.name}")


def on_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: migrations write content without model signals; date a change for them."""
    record(using)
