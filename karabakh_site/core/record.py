"""The record: what has been public stays in the archive. An item that was ever published (even
only scheduled) or withdrawn is withdrawn, never deleted; only drafts that were never public may be
deleted, and they can be recovered from their history (core.admin.recovery).

Publishable.delete() and PublishableQuerySet.delete() call refuse_deleting() first, so the admin,
the API, commands and the shell all obey the rule with the same message. erasing() lifts it for
the one job that must wipe the record as a whole: replacing an archive with a backup
(import_archive --force), and tests that do the same.
"""

import contextlib
import contextvars

from django.core.exceptions import ValidationError

# Kept in the history of the citations a deletion takes with their item, so a recovery brings
# back exactly those (and not citations an earlier edit removed).
DELETED_WITH_ITEM = "Deleted with its item"

_erasing = contextvars.ContextVar("erasing_the_record", default=False)

WITHDRAW_INSTEAD = (
    "“%(item)s” has been public, so it is part of the archive's record and is not deleted: "
    "withdraw it instead (readers then no longer see it, and its history is kept)."
)


class PartOfTheRecord(ValidationError):
    """Raised on an attempt to delete an item that has been public."""


@contextlib.contextmanager
def erasing():
    """Allow deleting items that have been public, inside this block only (whole-archive restores
    and tests that wipe the archive)."""
    token = _erasing.set(True)
    try:
        yield
    finally:
        _erasing.reset(token)


def _public_statuses():
    from .permissions import PUBLIC_STATUSES

    return PUBLIC_STATUSES


def ever_public_ids(model, pks) -> set:
    """The ids among ``pks`` of items of ``model`` that are, or ever were, published or withdrawn
    (their current row or any version in their history): two queries."""
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return set()
    statuses = _public_statuses()
    now = set(
        model._base_manager.filter(pk__in=pks, status__in=statuses).values_list("pk", flat=True)
    )
    before = set(model.history.filter(id__in=pks, status__in=statuses).values_list("id", flat=True))
    return now | before


def ever_public(item) -> bool:
    if item is None or item.pk is None:
        return False
    if item.status in _public_statuses():
        return True
    return bool(ever_public_ids(type(item), [item.pk]))


def refuse_deleting(model, items) -> None:
    """Raise PartOfTheRecord naming the items of ``items`` that have been public."""
    if _erasing.get():
        return
    items = list(items)
    refused = ever_public_ids(model, [item.pk for item in items])
    if refused:
        names = ", ".join(str(item) for item in items if item.pk in refused)
        raise PartOfTheRecord(WITHDRAW_INSTEAD, code="part_of_record", params={"item": names})
    # Public records attached to an item (an article's corrections) never cascade away, even
    # from a draft: the item keeps them until someone removes them deliberately.
    for relation in model._meta.related_objects:
        related = relation.related_model
        if relation.one_to_many and related is not model.citations.rel.related_model:
            if relation.on_delete.__name__ != "CASCADE":
                continue
            keyed = related._base_manager.filter(**{f"{relation.field.name}__in": items})
            holders = set(keyed.values_list(relation.field.attname, flat=True))
            if holders:
                names = ", ".join(str(item) for item in items if item.pk in holders)
                raise PartOfTheRecord(
                    "“%(item)s” has %(what)s, which are never deleted with it: remove them first.",
                    code="has_records",
                    params={"item": names, "what": related._meta.verbose_name_plural},
                )


def delete_citations_with(items, *, by=None) -> None:
    """Delete the citations of ``items`` (about to be deleted) one by one, each history record
    marked DELETED_WITH_ITEM, so a recovery knows which citations the item had when deleted."""
    from django.db import models

    for item in items:
        for citation in item.citations.all():
            citation._change_reason = DELETED_WITH_ITEM
            if by is not None:
                citation._history_user = by
            # CitationBase.delete's last-citation check is for published items; this one never was
            # (or the whole record is being erased).
            models.Model.delete(citation)
