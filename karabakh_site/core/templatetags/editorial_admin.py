"""Template tags for the editorial admin (templates/admin/)."""

from django import template
from django.contrib import admin
from django.urls import reverse

from ..admin import PublishableAdmin
from ..permissions import may_publish

register = template.Library()

# Enough to see the queue at a glance; the full list is each changelist filtered by status.
QUEUE_LENGTH = 20


@register.simple_tag(takes_context=True)
def awaiting_review(context):
    """Items in review across every content admin whose items this user may publish, oldest
    change first (one query per content type)."""
    request = context["request"]
    user = request.user
    items, can_review = [], False
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, PublishableAdmin) or not may_publish(user, model):
            continue
        can_review = True
        meta = model._meta
        queryset = model.objects.awaiting_review().select_related("updated_by")
        for item in queryset.order_by("updated_at")[:QUEUE_LENGTH]:
            items.append(
                {
                    "item": item,
                    "kind": meta.verbose_name,
                    "url": reverse(
                        f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk]
                    ),
                }
            )
    items.sort(key=lambda entry: entry["item"].updated_at)
    return {"can_review": can_review, "items": items}
