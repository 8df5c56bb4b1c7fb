"""Recover deleted drafts from their history: a "Recover deleted" page per content kind listing
the items whose last version is a deletion, each with a button that brings the item back as a
draft, with its fields, citations and links as they were when it was deleted.

Only drafts that were never public can be deleted (core.record), so a recovered item is a draft
again; it keeps its id, so its history before the deletion stays its history.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext

from .. import history, services
from ..models import Publishable, Source
from ..record import DELETED_WITH_ITEM
from .helpers import url_name

# The version's change reason, stored in its history: not translated.
RECOVERED = "Recovered after deletion"
# Citations deleted before deletions marked theirs (DELETED_WITH_ITEM) went within this long of
# their item, in the same transaction.
SAME_DELETION_SECONDS = 2


def deleted_records(model):
    """The deletion record ("-") of each item of ``model`` that is deleted now, newest first."""
    latest = model.history.values("id").annotate(last=Max("history_id")).values("last")
    existing = model._base_manager.values("pk")
    return (
        model.history.filter(history_id__in=latest, history_type="-")
        .exclude(id__in=existing)
        # A revision is deleted when it is published (its text went into its live item) or
        # discarded; bringing one back would make a second revision of the same item.
        .filter(revision_of__isnull=True)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def last_version_before(record):
    """The item's last saved version before the deletion ``record`` (its links are there: the
    deletion record's were removed with the item)."""
    return (
        type(record)
        .objects.filter(id=record.id, history_date__lte=record.history_date)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )


def citations_at_deletion(record) -> list:
    """The citation rows (historical, in order) the item had when ``record`` deleted it: those
    whose last history record is their deletion together with the item."""
    model = record.instance_type
    citation_model = model.citations.rel.related_model
    rows = citation_model.history.filter(**{f"{citation_model.item_field_name()}_id": record.id})
    latest = {}
    for row in rows.order_by("history_date", "history_id"):
        latest[row.id] = row
    # Not those of an earlier deletion of the same item (recovered since): only rows after its
    # last version.
    before = last_version_before(record)
    since = before.history_date if before is not None else None
    deleted = [
        row
        for row in latest.values()
        if row.history_type == "-" and (since is None or row.history_date >= since)
    ]
    kept = [row for row in deleted if row.history_change_reason == DELETED_WITH_ITEM]
    if not kept:
        # A deletion from before the mark: the citations that went in the same moment.
        kept = [
            row
            for row in deleted
            if abs((row.history_date - record.history_date).total_seconds())
            <= SAME_DELETION_SECONDS
        ]
    return sorted(kept, key=lambda row: (row.position, row.id))


@transaction.atomic
def recover(record, *, by=None):
    """Bring back the item that ``record`` (its deletion) deleted, as a draft, with the citations
    it had (sources deleted since are left out) and the links of its last version; one new
    version, "Recovered after deletion". Returns the item. Raises ValidationError when its slug
    or id has been taken since."""
    model = record.instance_type
    if model._base_manager.filter(pk=record.id).exists():
        raise ValidationError(
            gettext("“%(item)s” exists already; nothing to recover.") % {"item": record.instance}
        )
    item = record.instance
    slug = getattr(item, "slug", None)
    if slug and model._base_manager.filter(slug=slug).exists():
        raise ValidationError(
            gettext(
                "Another %(kind)s now has the slug “%(slug)s”: change that one's "
                "slug first, then recover this one."
            )
            % {"kind": model._meta.verbose_name, "slug": slug}
        )
    item.status = Publishable.Status.DRAFT
    item.publish_at = None
    item.withdraw_at = None
    citation_model = model.citations.rel.related_model
    rows = citations_at_deletion(record)
    sources = set(
        Source.objects.filter(pk__in=[row.source_id for row in rows]).values_list("pk", flat=True)
    )
    citations = [
        citation_model(source_id=row.source_id, locator=row.locator, quote=row.quote)
        for row in rows
        if row.source_id in sources
    ]
    before = last_version_before(record)
    relations = {}
    if before is not None:
        relations = {
            field.name: field.related_model.objects.filter(
                pk__in=history.version_links(before, field)
            )
            for field in history.m2m_fields(model)
        }
    # The author stays who wrote it; the recovery is recorded as the recovering user's change.
    if by is not None:
        item.updated_by = by
        item._history_user = by
    services.write_item(
        item, citations=citations, relations=relations, change_reason=RECOVERED, as_recorded=True
    )
    return item


class RecoveryMixin:
    """The "Recover deleted" page of a content admin and its per-item "Recover" button."""

    recover_deleted_template = "admin/editorial/recover_deleted.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "recover-deleted/",
                view(self.recover_deleted_view),
                name=url_name(self.opts, "recover_deleted"),
            ),
            path(
                "recover-deleted/<int:history_id>/",
                view(self.recover_view),
                name=url_name(self.opts, "recover"),
            ),
            *super().get_urls(),
        ]

    def has_recover_permission(self, request) -> bool:
        # Recovering writes a new draft: whoever may add one may recover one.
        return self.has_add_permission(request)

    def recover_deleted_view(self, request):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Recover deleted %(kinds)s")
            % {"kinds": self.opts.verbose_name_plural},
            "opts": self.opts,
            "records": deleted_records(self.model)[:200],
            "changelist_url": reverse("admin:" + url_name(self.opts, "changelist")),
        }
        return TemplateResponse(request, self.recover_deleted_template, context)

    def recover_view(self, request, history_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_recover_permission(request):
            raise PermissionDenied
        record = get_object_or_404(deleted_records(self.model), history_id=history_id)
        try:
            item = recover(record, by=request.user)
        except ValidationError as error:
            self.message_user(
                request,
                gettext("Not recovered: %(reason)s") % {"reason": " ".join(error.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:" + url_name(self.opts, "recover_deleted")))
        count = item.citations.count()
        # The English says "citation(s)" for any number; the plural forms are for other languages.
        recovered = ngettext(
            "Recovered “%(item)s” as a draft, with %(count)s citation(s); its history before the "
            "deletion is kept.",
            "Recovered “%(item)s” as a draft, with %(count)s citation(s); its history before the "
            "deletion is kept.",
            count,
        )
        self.message_user(request, recovered % {"item": item, "count": count}, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:" + url_name(self.opts, "change"), args=[item.pk])
        )
