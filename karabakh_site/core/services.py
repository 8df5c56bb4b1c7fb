"""State changes of publishable items. Each one saves through Publishable.save(), which enforces
the source rule, and records who made it: on the item (updated_by), in its history (the history
user) and in the workflow log (WorkflowEvent: from, to, who, when, comment).

The review workflow: draft → in review (submit_for_review) → published (publish) → withdrawn
(withdraw); an editor may return an item in review to draft with a comment (return_for_changes).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from .models import Publishable, WorkflowEvent
from .publishing import ensure_not_expired, validate_citations

RETURN_NEEDS_COMMENT = "Say what needs to change: a returned item needs a comment."

Status = Publishable.Status


def record_transition(item: Publishable, from_status: str, *, by=None, comment: str = "") -> None:
    """Log a status change of ``item`` (nothing is logged when the status did not change)."""
    if from_status == item.status:
        return
    WorkflowEvent.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        from_status=from_status,
        to_status=item.status,
        by=by,
        comment=comment,
    )


def workflow_events(item: Publishable):
    """The item's workflow log, newest first, with users loaded (one query)."""
    return WorkflowEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).select_related("by")


def _stamp(item: Publishable, by) -> None:
    if by is not None:
        item.updated_by = by
        # simple-history reads this when there is no request (commands, imports, tests).
        item._history_user = by


def _saved_status(item: Publishable) -> str:
    if item.pk is None:
        return Status.DRAFT
    return type(item)._base_manager.filter(pk=item.pk).values_list("status", flat=True).first()


@transaction.atomic
def submit_for_review(item: Publishable, *, by=None) -> Publishable:
    """A draft goes to the editors. Clears the comment of an earlier return."""
    from_status = _saved_status(item)
    if from_status != Status.DRAFT:
        raise ValidationError(
            f"Only a draft can be submitted for review; this item is {item.get_status_display().lower()}."
        )
    item.status = Status.IN_REVIEW
    item.review_comment = ""
    _stamp(item, by)
    item.save()
    record_transition(item, from_status, by=by)
    return item


@transaction.atomic
def return_for_changes(item: Publishable, *, comment: str, by=None) -> Publishable:
    """An editor sends an item in review back to draft, saying why; the contributor sees it."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(RETURN_NEEDS_COMMENT)
    from_status = _saved_status(item)
    if from_status != Status.IN_REVIEW:
        raise ValidationError("Only an item in review can be returned.")
    item.status = Status.DRAFT
    item.review_comment = comment
    _stamp(item, by)
    item.save()
    record_transition(item, from_status, by=by, comment=comment)
    return item


@transaction.atomic
def publish(item: Publishable, *, by=None, at=None) -> Publishable:
    """Publish ``item`` now, or at ``at`` (a future time schedules it; nothing needs to run then).

    Raises ValidationError with the source rule's message when the item has no citation, and
    on ``withdraw_at`` when its withdraw time has passed: a past withdraw time is never dropped
    to bring an expired item back.
    """
    ensure_not_expired(item.withdraw_at)
    return _mark_published(item, by=by, at=at)


def _mark_published(item: Publishable, *, by=None, at=None) -> Publishable:
    """publish() without the expiry check, for records written as they are (imports, restores):
    an expired item stays published in status and hidden by its past withdraw time."""
    from_status = _saved_status(item)
    item.status = Publishable.Status.PUBLISHED
    if at is not None:
        item.publish_at = at
    elif item.publish_at is None:
        item.publish_at = timezone.now()
    item.review_comment = ""
    _stamp(item, by)
    item.save()
    record_transition(item, from_status, by=by)
    return item


@transaction.atomic
def withdraw(item: Publishable, *, by=None) -> Publishable:
    """Take ``item`` off the site; it stays in the archive's records."""
    from_status = _saved_status(item)
    item.status = Publishable.Status.WITHDRAWN
    _stamp(item, by)
    item.save()
    record_transition(item, from_status, by=by)
    return item


def _citation_rows(citations) -> list[tuple[int, str, str]]:
    return [(c.source_id, c.locator, c.quote) for c in citations]


@transaction.atomic
def save_with_citations(
    item: Publishable, citations: list, *, by=None, change_reason: str | None = None
) -> bool:
    """Write ``item`` with exactly ``citations`` (unsaved citation objects, in order), then give it
    the status it carries. The one path for imports, commands and restores: the source rule and
    the [^N] markers are checked before anything is written, and an unchanged item is left
    untouched (no new history), so a re-run changes nothing. Returns whether anything was written.
    ``change_reason`` is kept in the history records this write makes.
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

    _stamp(item, by)
    if by is not None and existing is None:
        item.created_by = by
    if change_reason:
        item._change_reason = change_reason
    from_status = existing.status if existing else Publishable.Status.DRAFT
    publish_later = target_status == Publishable.Status.PUBLISHED and not old_citations
    if publish_later:
        item.status = from_status
    item.save()
    if citations_changed:
        # Replaced wholesale inside this transaction; the rule was checked above. Row by row, not
        # in bulk, so each citation added or removed gets its own history record.
        for old in citation_model.objects.filter(**{citation_model.item_field: item}):
            if by is not None:
                old._history_user = by
            models.Model.delete(old)  # CitationBase.delete's rule check ran above, for the set.
        for citation in citations:
            citation.full_clean(exclude=[citation_model.item_field])
            if by is not None:
                citation._history_user = by
            if change_reason:
                citation._change_reason = change_reason
            citation.save()
    if publish_later:
        _mark_published(item, by=by)
    else:
        record_transition(item, from_status, by=by)
    return True
