"""Writes of publishable items. Each one saves through Publishable.save(), which enforces the source
rule, and records who made it: on the item (updated_by), in its history (the history user) and in
the workflow log (WorkflowEvent: from, to, who, when, comment).

The review workflow: draft → in review (submit_for_review) → published (publish) → withdrawn
(withdraw); an editor may return an item in review to draft with a comment (return_for_changes).

Every channel that writes an item together with its citations (the admin's form, the API,
imports, restores) goes through one writer, ItemWrite (write_item() for the one-step form): it
checks the source rule, the [^N] markers and the withdraw time once, saves the item, its
many-to-many relations and its citations, and moves its status through the workflow services,
as one history version of the item.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from karabakh_site.markdown import renumber_markers

from . import notify
from .models import Publishable, WorkflowEvent
from .permissions import PUBLIC_STATUSES
from .publishing import (
    cited_numbers,
    ensure_markers_resolve,
    ensure_not_expired,
    ensure_publishable,
    validate_citations,
)

RETURN_NEEDS_COMMENT = "Say what needs to change: a returned item needs a comment."
EDITOR_PUBLISHES = "You may save drafts and submit them for review; an editor publishes."
EDITOR_SCHEDULES = "You may save drafts and submit them for review; an editor schedules."

Status = Publishable.Status


def refuse_contributor_move(*, may_publish: bool, status, scheduling_changed: bool) -> None:
    """The contributor rule, the same in the admin and the API: contributors write drafts and
    submit them for review; publishing, withdrawing and scheduling are the editors'. Raises
    PermissionDenied with the words the channel shows (the admin as a form error, the API as a
    403)."""
    if may_publish:
        return
    if status in PUBLIC_STATUSES:
        raise PermissionDenied(EDITOR_PUBLISHES)
    if scheduling_changed:
        raise PermissionDenied(EDITOR_SCHEDULES)


def record_transition(item: Publishable, from_status: str, *, by=None, comment: str = "") -> None:
    """Log a status change of ``item`` (nothing is logged when the status did not change)."""
    if from_status == item.status:
        return
    event = WorkflowEvent.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        from_status=from_status,
        to_status=item.status,
        by=by,
        comment=comment,
    )
    # Whoever the move concerns hears of it (after commit): editors, the submitter, the author.
    notify.workflow_move(item, event)


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
    if item.revision_of_id is not None:
        from . import revisions

        # A revision goes live as its live item's text (raises ValidationError on a conflict).
        item.published_into = revisions.publish_revision(item, by=by)
        return item
    ensure_not_expired(item.withdraw_at)
    return _mark_published(item, by=by, at=at)


def _mark_published(item: Publishable, *, by=None, at=None) -> Publishable:
    """publish() without the expiry check, for records written as they are (imports, restores):
    an expired item stays published in status and hidden by its past withdraw time.

    A revision of a live item is never published itself: its edits are saved, and what it
    changed goes into the live item (core.revisions); ``item.published_into`` is then the live
    item, or ``item.revision_refusal`` says why not (the revision's edits are kept)."""
    from_status = _saved_status(item)
    if item.revision_of_id is not None:
        return _publish_revision(item, from_status, by=by)
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


def _publish_revision(item: Publishable, from_status: str, *, by=None) -> Publishable:
    from . import revisions

    item.status = from_status
    _stamp(item, by)
    item.save()
    item.published_into = item.revision_refusal = None
    try:
        item.published_into = revisions.publish_revision(
            item, by=by, overwrite=getattr(item, "revision_overwrite", False)
        )
    except ValidationError as refusal:
        item.revision_refusal = refusal
    return item


@transaction.atomic
def withdraw(item: Publishable, *, by=None) -> Publishable:
    """Take ``item`` off the site; it stays in the archive's records."""
    if item.revision_of_id is not None:
        raise ValidationError("A revision is not on the site: delete it to discard it.")
    from_status = _saved_status(item)
    item.status = Publishable.Status.WITHDRAWN
    _stamp(item, by)
    item.save()
    record_transition(item, from_status, by=by)
    return item


def _citation_rows(citations) -> list[tuple[int, str, str]]:
    return [(c.source_id, c.locator, c.quote) for c in citations]


def arrange_citations(rows) -> list:
    """The order of citations an editor asked for. ``rows`` are (citation, position asked for or
    None, number shown or None), in the order shown; returns the citations in their new order.

    A row without a position keeps the number it was shown with; a new row without one goes at
    the end, in the order given, so adding a citation never renumbers the ones before it. A row
    asked to move to a position lands there: before the row already there when it moves up (or
    is new), after it when it moves down."""

    def key(indexed):
        index, (_citation, asked, shown) = indexed
        # 0 is no place either: positions count from 1.
        if not asked:
            asked = shown
        if not asked:
            return (float("inf"), 1, index)
        if shown is None or asked < shown:
            tie = 0
        elif asked > shown:
            tie = 2
        else:
            tie = 1
        return (asked, tie, index)

    return [row[0] for _index, row in sorted(enumerate(rows), key=key)]


def _marker_list(numbers) -> str:
    return ", ".join(f"[^{n}]" for n in numbers)


class ItemWrite:
    """One write of a publishable item: its fields (as set on ``item``), its citations (unsaved
    or saved citation objects, in order; None keeps the saved ones), its many-to-many relations
    and its status (``status``, or the one set on ``item``).

    check() runs the rules once: the source rule and the [^N] markers against the final
    citations, and, when the write publishes an item that is not yet published, the withdraw
    time (ensure_not_expired). A channel that checks in two steps (the admin: the form checks the
    withdraw time, its citation formset the citations) calls check_schedule() and
    check_citations() itself; save() runs only the checks not yet run.

    ``as_recorded`` is for records written as they are (imports, restores): an expired item stays
    published in status and hidden by its past withdraw time, rather than being refused.

    ``markers_from`` is for an editor who reorders or removes citations (the admin): the
    citations in the numbering the item's [^N] markers were written against (the order shown,
    removed ones included). The write rewrites each marker so it keeps pointing at the same
    citation, and refuses to remove a citation that a marker still cites, naming the markers.
    Without it the markers are taken as they are, against the citations as given (the API,
    imports and restores send text and citations together).
    """

    def __init__(
        self,
        item: Publishable,
        *,
        citations=None,
        status=None,
        as_recorded=False,
        markers_from=None,
    ):
        self.item = item
        self.citations = None if citations is None else list(citations)
        self.markers_from = None if markers_from is None else list(markers_from)
        self._renumbered: dict[str, str] = {}
        if status is not None:
            item.status = status
        self.as_recorded = as_recorded
        model = type(item)
        self.saved = model._base_manager.filter(pk=item.pk).first() if item.pk else None
        self._schedule_checked = self._citations_checked = False

    @property
    def from_status(self) -> str:
        return self.saved.status if self.saved is not None else Status.DRAFT

    @property
    def publishes(self) -> bool:
        return self.item.status == Status.PUBLISHED and self.from_status != Status.PUBLISHED

    def _saved_citations(self) -> list:
        if self.saved is None:
            return []
        citation_model = type(self.item).citations.rel.related_model
        return list(
            citation_model._base_manager.filter(**{citation_model.item_field: self.saved}).order_by(
                "position", "id"
            )
        )

    def _saved_links(self, name) -> set:
        if self.saved is None:
            return set()
        return set(getattr(self.saved, name).values_list("pk", flat=True))

    def check_schedule(self) -> None:
        """Refuse to publish an item whose withdraw time has passed (error on withdraw_at)."""
        self._schedule_checked = True
        if self.publishes and self.item.revision_of_id is not None:
            from . import revisions

            # A revision goes live as its live item's text, on the live item's schedule.
            revisions.check_publishable(
                self.item,
                citations=self.citations,
                overwrite=getattr(self.item, "revision_overwrite", False),
            )
        elif self.publishes and not self.as_recorded:
            ensure_not_expired(self.item.withdraw_at)

    def check_citations(self, citations=None, *, markers_from=None) -> None:
        """The source rule and the [^N] markers against the citations the item will have:
        ``citations`` when given (they become this write's, and ``markers_from`` too), else the
        write's, else the saved ones."""
        if citations is not None:
            self.citations = list(citations)
            self.markers_from = None if markers_from is None else list(markers_from)
        self._citations_checked = True
        if self.citations is not None:
            count = len(self.citations)
        else:
            count = self.saved.citations.count() if self.saved is not None else 0
        if self.markers_from is None or self.citations is None:
            validate_citations(self.item, citation_count=count)
            return
        errors = {}
        try:
            self._renumbered = self._renumber_markers()
        except ValidationError as error:
            errors = error.message_dict
        try:
            ensure_publishable(self.item, citation_count=count)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def _renumber_markers(self) -> dict[str, str]:
        """Each Markdown field whose markers change, with its text renumbered from the numbering
        of ``markers_from`` to the final order. Raises ValidationError (on the field) for markers
        that point at no citation or at one this write removes."""
        shown, final = self.markers_from, self.citations
        final_number = {id(citation): n for n, citation in enumerate(final, start=1)}
        numbers = {
            old: final_number[id(citation)]
            for old, citation in enumerate(shown, start=1)
            if id(citation) in final_number
        }
        self._marker_numbers = numbers
        errors, texts = {}, {}
        try:
            ensure_markers_resolve(self.item, citation_count=len(shown))
        except ValidationError as error:
            errors = {name: list(messages) for name, messages in error.message_dict.items()}
        for field in self.item.markdown_fields:
            text = getattr(self.item, field) or ""
            removed = sorted(
                n for n in cited_numbers(text) if 1 <= n <= len(shown) and n not in numbers
            )
            if removed:
                sources = "; ".join(str(shown[n - 1].source) for n in removed)
                one = len(removed) == 1
                errors.setdefault(field, []).append(
                    f"{_marker_list(removed)} {'cites' if one else 'cite'} the "
                    f"{'citation' if one else 'citations'} you are removing ({sources}): take "
                    f"{'that marker' if one else 'those markers'} out of the text, or keep the "
                    f"{'citation' if one else 'citations'} (to cite another source there, change "
                    f"the source of {'its' if one else 'their'} row instead)."
                )
            renumbered = renumber_markers(text, numbers)
            if renumbered != text:
                texts[field] = renumbered
        if errors:
            raise ValidationError(errors)
        return texts

    def check(self) -> None:
        """Every rule of the write, each error on its field (one ValidationError)."""
        errors = {}
        for step in (self.check_schedule, self.check_citations):
            try:
                step()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def save(self, *, by=None, relations=None, comment: str = "", change_reason=None) -> bool:
        """Write it, as one history version of the item; returns whether anything was written.
        An unchanged write (same fields, citations, relations and status) writes nothing and
        leaves the history as it was, so a re-run import or a repeated save changes nothing.

        ``relations`` maps many-to-many field names to the objects the item links to;
        ``comment`` goes with an editor's return of an item in review to draft;
        ``change_reason`` is kept in the history records this write makes."""
        if not self._schedule_checked:
            self.check_schedule()
        if not self._citations_checked:
            self.check_citations()
        item, saved = self.item, self.saved
        # The markers follow their citations to their new numbers (checked above).
        for name, text in self._renumbered.items():
            setattr(item, name, text)
        self._renumbered = {}
        model = type(item)
        target, from_status = item.status, self.from_status
        old_citations = self._saved_citations() if self.citations is not None else []
        citations_changed = self.citations is not None and (
            _citation_rows(old_citations) != _citation_rows(self.citations)
        )
        relations = {
            name: objects
            for name, objects in (
                (name, list(objects)) for name, objects in (relations or {}).items()
            )
            if {obj.pk for obj in objects} != self._saved_links(name)
        }
        fields = [
            f.attname for f in model._meta.concrete_fields if f.editable and not f.primary_key
        ]
        item_changed = saved is None or any(
            getattr(saved, name) != getattr(item, name) for name in fields
        )
        if not (item_changed or citations_changed or relations):
            return False

        _stamp(item, by)
        if by is not None and saved is None:
            item.created_by = by
        if change_reason:
            item._change_reason = change_reason
        # One version: the saves before the last one are not recorded (skip_history_when_saving,
        # which also silences the many-to-many records), and the last one, through the workflow
        # move, records the final fields and links. It is dated now, before the citations are
        # written, because a version's citations are those saved after it (history.py).
        item._history_date = timezone.now()
        item.skip_history_when_saving = True
        try:
            # Saved with the status the model accepts now: the move below publishes it once its
            # citations exist.
            item.status = from_status
            if saved is None:
                item.save()  # the citations and links need its id
            for name, objects in relations.items():
                getattr(item, name).set(objects)
            if citations_changed:
                self._write_citations(old_citations, by=by, change_reason=change_reason)
                numbers = getattr(self, "_marker_numbers", None)
                if numbers is not None and saved is not None:
                    # Its translations' markers follow the citations too (core.translations).
                    from .translations import follow_citations

                    follow_citations(item, numbers, count=len(self.markers_from or ()))
        finally:
            del item.skip_history_when_saving
        try:
            _move(item, from_status, target, by=by, comment=comment)
        finally:
            del item._history_date
        if saved is None:
            # The one version of a new item is its creation, though its row was inserted first.
            versions = model.history.filter(id=item.pk).order_by("-history_id")
            versions.filter(history_id=versions.values("history_id")[:1]).update(history_type="+")
        # Whatever was prefetched for the item (its citations, its links) is out of date.
        if hasattr(item, "_prefetched_objects_cache"):
            item._prefetched_objects_cache = {}
        return True

    def _write_citations(self, old_citations, *, by, change_reason) -> None:
        """Make the item's citations exactly this write's, row by row (not in bulk), so each one
        added, changed or removed gets its own history record. Citations that carry an id (the
        admin's formset) are updated in place; the others replace the saved ones."""
        citation_model = type(self.item).citations.rel.related_model
        field = citation_model.item_field
        kept = {c.pk for c in self.citations if c.pk is not None}
        before = {c.pk: (c.source_id, c.locator, c.quote, c.position) for c in old_citations}
        for old in old_citations:
            if old.pk not in kept:
                if by is not None:
                    old._history_user = by
                # CitationBase.delete's check of the last citation is for a single delete; the
                # rule was checked for the whole set.
                models.Model.delete(old)
        for position, citation in enumerate(self.citations, start=1):
            citation.position = position
            setattr(citation, field, self.item)
            row = (citation.source_id, citation.locator, citation.quote, position)
            if citation.pk is not None and before.get(citation.pk) == row:
                continue
            citation.full_clean(exclude=[field])
            if by is not None:
                citation._history_user = by
            if change_reason:
                citation._change_reason = change_reason
            citation.save()


def _move(item: Publishable, from_status: str, to_status: str, *, by, comment: str = "") -> None:
    """Save ``item`` (saved with ``from_status``) at ``to_status`` through the service for that
    move, which logs it with ``by``: the one status dispatch for every channel."""
    if to_status == Status.PUBLISHED and from_status != Status.PUBLISHED:
        # ItemWrite checked the withdraw time (or, as_recorded, keeps it as written).
        _mark_published(item, by=by)
    elif to_status == Status.WITHDRAWN and from_status != Status.WITHDRAWN:
        withdraw(item, by=by)
    elif from_status == Status.DRAFT and to_status == Status.IN_REVIEW:
        submit_for_review(item, by=by)
    elif from_status == Status.IN_REVIEW and to_status == Status.DRAFT and comment:
        return_for_changes(item, comment=comment, by=by)
    else:
        # The moves with no service of their own (a contributor taking an item in review back,
        # an editor reopening a public item), and writes that keep the status.
        item.status = to_status
        _stamp(item, by)
        item.save()
        record_transition(item, from_status, by=by)


def write_item(
    item: Publishable,
    *,
    citations=None,
    relations=None,
    status=None,
    by=None,
    comment: str = "",
    change_reason: str | None = None,
    as_recorded: bool = False,
    markers_from=None,
) -> bool:
    """Check and save one write of ``item`` (see ItemWrite); returns whether anything was
    written. Raises ValidationError before anything is written."""
    write = ItemWrite(
        item,
        citations=citations,
        status=status,
        as_recorded=as_recorded,
        markers_from=markers_from,
    )
    write.check()
    return write.save(by=by, relations=relations, comment=comment, change_reason=change_reason)


def save_with_citations(
    item: Publishable, citations: list, *, by=None, change_reason: str | None = None, relations=None
) -> bool:
    """Write ``item`` as a record says it is, with exactly ``citations`` (unsaved, in order) and
    the status it carries: the imports' entry to write_item()."""
    return write_item(
        item,
        citations=citations,
        relations=relations,
        by=by,
        change_reason=change_reason,
        as_recorded=True,
    )
