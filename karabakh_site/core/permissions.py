"""Who may do what with the archive's records: one module for the admin, the API and the reader
pages' previews. The rule about what may be published is in core.publishing."""

from .kinds import content_kinds
from .models import Publishable, Source
from .readers import public_sources

# Statuses readers have seen (or see): only someone who may publish moves an item to or from them,
# or changes an item in them.
PUBLIC_STATUSES = frozenset({Publishable.Status.PUBLISHED, Publishable.Status.WITHDRAWN})


def permission_name(model, action: str) -> str:
    """``"articles.publish_article"`` for (Article, "publish")."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def may_view_unpublished(user, model) -> bool:
    """Whether ``user`` reads every item of ``model`` rather than only published() ones."""
    return bool(user and user.is_authenticated and user.has_perm(permission_name(model, "view")))


def may_publish(user, model) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(permission_name(model, "publish")))


def may_publish_anything(user) -> bool:
    """Editors: users who may publish at least one content kind."""
    return any(user.has_perm(permission_name(kind.model, "publish")) for kind in content_kinds())


def is_public_record(obj) -> bool:
    """Whether a shared record (a source, a place) already shows on published pages, so changing it
    changes what readers see: a source cited by a published item, a place of a published entry."""
    if obj is None or obj.pk is None:
        return False
    if isinstance(obj, Source):
        return public_sources().filter(pk=obj.pk).exists()
    entries = getattr(obj, "entries", None)  # timeline.Place
    return entries is not None and entries.published().exists()


def may_change_shared_record(user, obj) -> bool:
    """Contributors edit drafts; a source or place that readers already see changes only through
    an editor, as a public item does (the same rule in the admin and the API)."""
    return not is_public_record(obj) or may_publish_anything(user)


def may_delete(user, model, obj=None) -> bool:
    """Whether ``user`` may delete ``obj`` (or, with no ``obj``, some items of ``model``). An item
    that has been public is part of the record and is withdrawn, never deleted (core.record).
    Editors delete other drafts; contributors, who may not delete in general, their own drafts."""
    from .record import ever_public

    if not (user and user.is_authenticated):
        return False
    if user.has_perm(permission_name(model, "delete")):
        return obj is None or not ever_public(obj)
    if not user.has_perm(permission_name(model, "change")):
        return False
    if obj is None:
        return True
    return (
        obj.created_by_id == user.pk
        and obj.status == Publishable.Status.DRAFT
        and not ever_public(obj)
    )
