"""State changes of publishable items. Each one saves through Publishable.save(), which enforces
the source rule, and records who made it."""

from django.db import transaction
from django.utils import timezone

from .models import Publishable
from .publishing import validate_citations


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


def _citation_rows(citations) -> list[tuple[int, str, str]]:
    return [(c.source_id, c.locator, c.quote) for c in citations]


@transaction.atomic
def save_with_citations(item: Publishable, citations: list, *, by=None) -> bool:
    """Write ``item`` with exactly ``citations`` (unsaved citation objects, in order), then give it
    the status it carries. The one path for imports and commands: the source rule and the [^N]
    markers are checked before anything is written, and an unchanged item is left untouched (no
    new history), so a re-run changes nothing. Returns whether anything was written.
    """
    target_status = item.status
    validate_citations(item, citation_count=len(citations))
    for position, citation in enumerate(citations, start=1):
        citation.position = position
        setattr(citation, citation.item_field, item)

    model = type(item)
    citation_model = model.citations.rel.related_model
    existing = model.objects.filter(pk=item.pk).first() if item.pk else None
    old_citations = list(item.citations.all()) if existing else []
    fields = [f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key]
    item_changed = existing is None or any(
        getattr(existing, name) != getattr(item, name) for name in fields
    )
    citations_changed = _citation_rows(old_citations) != _citation_rows(citations)
    if not (item_changed or citations_changed):
        return False

    if by is not None:
        item.updated_by = by
        if existing is None:
            item.created_by = by
    publish_later = target_status == Publishable.Status.PUBLISHED and not old_citations
    if publish_later:
        item.status = existing.status if existing else Publishable.Status.DRAFT
    item.save()
    if citations_changed:
        # Replaced wholesale inside this transaction; the rule was checked above.
        citation_model.objects.filter(**{citation_model.item_field: item}).delete()
        for citation in citations:
            citation.full_clean(exclude=[citation_model.item_field])
        citation_model.objects.bulk_create(citations)
    if publish_later:
        publish(item, by=by)
    return True
