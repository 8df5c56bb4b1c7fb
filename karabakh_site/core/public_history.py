"""The history readers may see: the versions of an item that were public, with what changed
between one and the next as readers saw it (text, citations, links), built from the versions
the admin keeps (core.history).

A version counts when readers could see it: saved as published, from the later of its save and
its publish time, until the next version was saved or its withdraw time passed, and that moment
has come. Drafts, reviews, scheduled versions replaced before going live, revisions in progress
(their own records) and the workflow's fields (status, times, the editors' comments, who saved)
never appear; versions that differ from the one before only in those are not listed again.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from . import history
from .models import Publishable

# Never shown to readers: how an item moved through the workflow, and who in the newsroom did it.
PRIVATE_FIELDS = history.WORKFLOW_FIELDS | {"revision_of", "revision_base"}


@dataclass
class PublicVersion:
    number: int
    record: object
    since: datetime.datetime
    changes: list = field(default_factory=list)

    # "on-2026-05-03" on the newest version of its day: what a correction of that date links to.
    date_anchor: str = ""

    @property
    def anchor(self) -> str:
        return f"version-{self.number}"


def readers_records(model):
    """The records of ``model`` a reader may see named: published items, shared records some
    published item uses (topics, places)."""
    if issubclass(model, Publishable):
        return model.objects.published()
    public = getattr(model.objects, "public", None)
    return public() if public is not None else model.objects.none()


def public_versions(item) -> list[PublicVersion]:
    """The item's public versions, oldest first, each with its changes from the one before."""
    now = timezone.now()
    records = list(item.history.order_by("history_date", "history_id"))
    seen = []
    for index, record in enumerate(records):
        if record.history_type == "-" or record.status != Publishable.Status.PUBLISHED:
            continue
        if record.publish_at is None:
            continue
        since = max(record.history_date, record.publish_at)
        until = records[index + 1].history_date if index + 1 < len(records) else None
        if record.withdraw_at is not None:
            until = record.withdraw_at if until is None else min(until, record.withdraw_at)
        if since > now or (until is not None and until <= since):
            continue
        seen.append((record, since))
    history.preload_versions(records)
    versions, previous = [], None
    for record, since in seen:
        changes = []
        if previous is not None:
            changes = [
                change
                for change in history.diff_versions(previous, record, linkable=readers_records)
                if change.name not in PRIVATE_FIELDS
            ]
            if not changes:
                continue
        versions.append(PublicVersion(len(versions) + 1, record, since, changes))
        previous = record
    days = set()
    for version in reversed(versions):
        day = f"on-{timezone.localdate(version.since):%Y-%m-%d}"
        if day not in days:
            days.add(day)
            version.date_anchor = day
    return versions
