"""Template tags for the editorial admin (templates/admin/)."""

import datetime

from django import template
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..admin import PublishableAdmin
from ..models import Publishable, Source, WorkflowEvent
from ..permissions import may_publish

register = template.Library()

# How far back "Recently published" looks, and how many rows each panel shows.
RECENT = datetime.timedelta(days=14)
PANEL_LENGTH = 10


@register.simple_tag(takes_context=True)
def editor_home(context):
    """The panels of the admin's front page for this user: returned to me (with the comment), my
    drafts, awaiting review (with who submitted it, from the workflow log; editors only),
    scheduled, recently published, and dead or unchecked sources. One query per content type,
    one for the submitters, two for the sources: the same number however many items."""
    user = context["request"].user
    now = timezone.now()
    Status = Publishable.Status
    panels = {name: [] for name in ("returned", "drafts", "review", "scheduled", "published")}
    in_review = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, PublishableAdmin):
            continue
        if not model_admin.has_view_or_change_permission(context["request"]):
            continue
        editor = may_publish(user, model)
        meta = model._meta
        wanted = Q(status=Status.DRAFT, created_by=user) | Q(
            status=Status.PUBLISHED, publish_at__gt=now - RECENT
        )
        if editor:
            wanted |= Q(status=Status.IN_REVIEW)
        items = model._base_manager.filter(wanted).order_by("-updated_at", "-pk")[:100]
        for item in items:
            entry = {
                "item": item,
                "kind": meta.verbose_name,
                "url": reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk]),
            }
            if item.status == Status.DRAFT:
                panels["returned" if item.review_comment else "drafts"].append(entry)
            elif item.status == Status.IN_REVIEW:
                panels["review"].append(entry)
                in_review.append(entry)
            elif item.publish_at > now:
                panels["scheduled"].append(entry)
            elif item.is_published:
                panels["published"].append(entry)
    _add_submitters(in_review)
    panels["review"].sort(key=lambda entry: entry["item"].updated_at)
    panels["scheduled"].sort(key=lambda entry: entry["item"].publish_at)
    panels["published"].sort(key=lambda entry: entry["item"].publish_at, reverse=True)
    for name in panels:
        panels[name] = panels[name][:PANEL_LENGTH]
    can_review = any(
        isinstance(model_admin, PublishableAdmin) and may_publish(user, model)
        for model, model_admin in admin.site._registry.items()
    )
    return {**panels, "can_review": can_review, "sources": _source_health(user)}


def _add_submitters(entries) -> None:
    """Each item's submitter: who made its latest move into review (one query for all)."""
    if not entries:
        return
    types = ContentType.objects.get_for_models(*{type(e["item"]) for e in entries})
    wanted = Q()
    for entry in entries:
        wanted |= Q(content_type=types[type(entry["item"])], object_id=entry["item"].pk)
    events = (
        WorkflowEvent.objects.filter(wanted, to_status=Publishable.Status.IN_REVIEW)
        .select_related("by")
        .order_by("at", "id")
    )
    latest = {(event.content_type_id, event.object_id): event for event in events}
    for entry in entries:
        event = latest.get((types[type(entry["item"])].pk, entry["item"].pk))
        entry["submitter"] = event.by if event else None
        entry["submitted_at"] = event.at if event else None


def _source_health(user):
    if not user.has_perm("core.view_source"):
        return None
    trouble = Source.objects.filter(
        Q(url_status=Source.UrlStatus.DEAD) | Q(last_checked_at__isnull=True)
    )
    shown = list(trouble.order_by("url_status", "title", "pk")[:PANEL_LENGTH])  # dead first
    return {
        "count": trouble.count(),
        "items": shown,
        "dead_url": reverse("admin:core_source_changelist") + "?url_status__exact=dead",
        "unchecked_url": reverse("admin:core_source_changelist") + "?health=unchecked",
    }
