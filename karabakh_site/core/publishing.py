"""The site's one rule: nothing is published without at least one citation.

Every channel that can publish (the admin's form and actions, the API, imports, management
commands) calls ensure_publishable(), directly or through Publishable.save(), so the rule and its
message are the same everywhere.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

# The rule's message stays a plain English str, marked for makemessages (gettext_noop): code and
# tests quote it with ``in`` and regular expressions, which a lazy string breaks. Each raise
# translates it, gettext(NEEDS_SOURCE_MESSAGE), into the language of the request.
NEEDS_SOURCE_MESSAGE = gettext_noop("Add at least one source before publishing.")
WITHDRAW_TIME_PASSED = _(
    "The withdraw time (%(when)s) has passed, so readers would not see the item. Clear the "
    "withdraw time or set a later one to publish it."
)

# "[^2]" in Markdown points at the item's second citation.
CITATION_MARKER = re.compile(r"\[\^(\d+)\]")


def ensure_publishable(item, *, citation_count: int | None = None) -> None:
    """Refuse a published item that has no citation.

    ``citation_count`` lets a channel that is about to save citations together with the item (an
    admin form with inlines, an API payload) decide before anything is written; without it the
    item's saved citations are counted (one query).
    """
    if item.status != item.Status.PUBLISHED:
        return
    if citation_count is None:
        citation_count = item.citations.count() if item.pk else 0
    if citation_count < 1:
        raise ValidationError({"status": gettext(NEEDS_SOURCE_MESSAGE)}, code="no_source")
    if item.pk and hasattr(item, "claims"):
        from .claims import ensure_claims_cited

        # The rule covers the positions it carries too (core.claims).
        ensure_claims_cited(item.claims.values_list("pk", flat=True))


def ensure_not_expired(withdraw_at) -> None:
    """Refuse a request to publish an item whose withdraw time has passed. Publishing it would
    either hide it again at once or, if the time were dropped, bring back an item that was meant
    to have expired; the editor decides which by clearing or moving the time."""
    if withdraw_at is not None and withdraw_at <= timezone.now():
        when = timezone.localtime(withdraw_at).strftime("%d %b %Y %H:%M")
        raise ValidationError(
            {"withdraw_at": WITHDRAW_TIME_PASSED % {"when": when}}, code="expired"
        )


def cited_numbers(text: str) -> set[int]:
    return {int(number) for number in CITATION_MARKER.findall(text or "")}


def ensure_markers_resolve(item, *, citation_count: int) -> None:
    """Refuse [^N] markers in the item's Markdown that point at no citation."""
    errors = {}
    for field in item.markdown_fields:
        dangling = sorted(
            n for n in cited_numbers(getattr(item, field)) if not 1 <= n <= citation_count
        )
        if dangling:
            markers = ", ".join(f"[^{n}]" for n in dangling)
            have = ngettext(
                "this item has %(count)s citation",
                "this item has %(count)s citations",
                citation_count,
            ) % {"count": citation_count}
            errors[field] = ngettext(
                "%(markers)s points at no citation: %(have)s.",
                "%(markers)s point at no citation: %(have)s.",
                len(dangling),
            ) % {"markers": markers, "have": have}
    if errors:
        raise ValidationError(errors, code="dangling_marker")


def validate_citations(item, *, citation_count: int) -> None:
    """Both checks a channel runs before writing an item with its citations."""
    errors = {}
    for check in (ensure_markers_resolve, ensure_publishable):
        try:
            check(item, citation_count=citation_count)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
