"""State changes of publishable items. Each one saves through Publishable.save(), which enforces
the source rule, and records who made it."""

from django.db import transaction
from django.utils import timezone

from .models import Publishable


@transaction.atomic
def publish(item: Publishable, *, by=None, at=None) -> Publishable:
    """Publish ``item`` now, or at ``at`` (a future time schedules it; nothing needs to run then).

    Raises ValidationError with the source rule's message when the item has no citation.
    """
    now = timezone.now()
    item.status = Publishable.Status.PUBLISHED
    if at is not None:
        item.publish_at = at
    elif item.publish_at is None:
        item.publish_at = now
    if item.withdraw_at is not None and item.withdraw_at <= now:
        # An old withdraw time would hide the item again at once.
        item.withdraw_at = None
    if by is not None:
        item.updated_by = by
    item.save()
    return item


@transaction.atomic
def withdraw(item: Publishable, *, by=None) -> Publishable:
    """Take ``item`` off the site; it stays in the archive's records."""
    item.status = Publishable.Status.WITHDRAWN
    if by is not None:
        item.updated_by = by
    item.save()
    return item
