"""Email the people a workflow move concerns, through Django's email backend (the console in
development, SMTP from settings in production): a submission to the editors who may publish the
item, a return to whoever submitted it (with the editor's comment), a publication to its author.
Sent after the move's transaction commits, so a refused or rolled-back move tells nobody, and a
mail server that fails is logged, never the editor's error. Written in the language of the request
that made the move (users have no language of their own to write to them in)."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .models import Publishable, WorkflowEvent
from .permissions import permission_name

logger = logging.getLogger(__name__)
Status = Publishable.Status


# Set while a bulk write runs (an import, the demo loader): a file of a thousand rows must not
# mail a thousand authors; its report says what it did, to the one person who ran it.
_quiet = ContextVar("notify_quiet", default=False)


@contextmanager
def quiet():
    """Send no workflow email for the moves made inside this block."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def workflow_move(item: Publishable, event: WorkflowEvent) -> None:
    """Queue the email of one logged move (record_transition calls it)."""
    if _quiet.get():
        return
    messages = _messages(item, event)
    if messages:
        transaction.on_commit(lambda: _send(messages))


def revision_published(live: Publishable, revision: Publishable, event: WorkflowEvent) -> None:
    """Tell the revision's author and its submitter that their revision is live."""
    if _quiet.get():
        return
    kind = live._meta.verbose_name
    by = event.by.get_username() if event.by else _("the system")
    to = _addresses([revision.created_by, _submitter(revision)], exclude=event.by)
    if not to:
        return
    names = {"user": by, "kind": kind, "item": live}
    subject = "[Karabakh Archive] " + _("Revision published: %(kind)s “%(item)s”") % names
    body = (
        _("%(user)s published your revision of the %(kind)s “%(item)s”.") % names
        + f"\n\n{_admin_link(live)}\n"
    )
    messages = [(subject, body, to)]
    transaction.on_commit(lambda: _send(messages))


def _messages(item, event) -> list[tuple[str, str, list[str]]]:
    kind = item._meta.verbose_name
    link = _admin_link(item)
    by = event.by.get_username() if event.by else _("the system")
    names = {"user": by, "kind": kind, "item": item}
    if event.to_status == Status.IN_REVIEW:
        to = _editors(type(item), exclude=event.by)
        subject = _("For review: %(kind)s “%(item)s”") % names
        body = _("%(user)s submitted the %(kind)s “%(item)s” for review.") % names + f"\n\n{link}\n"
    elif event.from_status == Status.IN_REVIEW and event.to_status == Status.DRAFT:
        to = _addresses([_submitter(item) or item.created_by], exclude=event.by)
        subject = _("Returned to you: %(kind)s “%(item)s”") % names
        body = (
            _("%(user)s returned the %(kind)s “%(item)s” to draft with this comment:") % names
            + f"\n\n{event.comment}\n\n{link}\n"
        )
    elif event.to_status == Status.PUBLISHED:
        to = _addresses([item.created_by], exclude=event.by)
        subject = _("Published: %(kind)s “%(item)s”") % names
        body = _("%(user)s published the %(kind)s “%(item)s”.") % names + f"\n\n{link}\n"
    else:
        return []
    return [(f"[Karabakh Archive] {subject}", body, to)] if to else []


def _send(messages) -> None:
    for subject, body, to in messages:
        try:
            send_mail(subject, body, None, to)
        except Exception:  # A mail server's failure is logged; the move is done and stays done.
            logger.exception("Could not send the workflow email %r to %s", subject, to)


def _admin_link(item) -> str:
    meta = item._meta
    try:
        path = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])
    except NoReverseMatch:
        return ""
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _submitter(item):
    """Who last submitted ``item`` for review, from the workflow log (not whoever last saved)."""
    event = (
        WorkflowEvent.objects.filter(
            content_type__app_label=item._meta.app_label,
            content_type__model=item._meta.model_name,
            object_id=item.pk,
            to_status=Status.IN_REVIEW,
        )
        .select_related("by")
        .order_by("-at", "-id")
        .first()
    )
    return event.by if event else None


def _addresses(users, *, exclude=None) -> list[str]:
    return sorted(
        {
            user.email
            for user in users
            if user is not None and user.is_active and user.email and user != exclude
        }
    )


def _editors(model, *, exclude=None) -> list[str]:
    app_label, codename = permission_name(model, "publish").split(".", 1)
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    who = Q(is_superuser=True)
    if permission is not None:
        who |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="").distinct()
    return _addresses(users, exclude=exclude)
