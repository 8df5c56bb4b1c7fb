"""Template helpers shared by every reader page."""

import datetime
import json
from html import unescape

from django import template
from django.core.exceptions import DisallowedHost
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

register = template.Library()

# JSON inside <script> must not be able to close the element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.filter
def jsonld(value) -> str:
    """Serialise structured data for a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(value, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


@register.filter
def iso_at_precision(date, precision: str) -> str:
    """A machine-readable date that claims no more than is known: 1994, 1994-05, 1994-05-12."""
    if date is None:
        return ""
    if precision == "year":
        return f"{date.year:04d}"
    if precision == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def text_of(html: str) -> str:
    """The text a reader sees in rendered HTML, on one line. strip_tags leaves the markup's
    entities (&lt;, &amp;): decoded here, so whoever uses the text escapes it once, for itself."""
    return " ".join(unescape(strip_tags(html or "")).split())


@register.filter
def plain_text(html: str, words: int = 40) -> str:
    """Rendered HTML as a short plain-text description (meta tags); the template escapes it."""
    return Truncator(text_of(html)).words(int(words), truncate="…")


def _absolute(request, path: str) -> str:
    try:
        return request.build_absolute_uri(path)
    except DisallowedHost:
        # The 400 page for a Host header not in ALLOWED_HOSTS is rendered with that request:
        # asking it for its host again would turn the 400 into a 500.
        return path


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    request = context.get("request")
    if request is None:
        return path
    return _absolute(request, path)


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's address without filters or tracking parameters; a page number is kept, since
    each page of a list shows different items."""
    request = context.get("request")
    if request is None:
        return ""
    url = _absolute(request, request.path)
    page = request.GET.get("page", "")
    if page.isdigit() and page != "1":
        url += f"?page={page}"
    return url


@register.filter
def startswith(value: str, prefix: str) -> bool:
    return str(value or "").startswith(prefix)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def iso_datetime(value) -> str:
    """UTC, to the second: HTML's datetime attribute allows at most milliseconds."""
    if not value:
        return ""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.filter
def lang_attr(item) -> str:
    """` lang="en"` on an element that shows an item's own text in another language than the
    page's (a missing translation falls back to the original); nothing when they agree. Items
    carry ``shown_language`` once core.translations has read them for a language."""
    from django.utils import translation

    shown = getattr(item, "shown_language", None)
    if not shown or shown == (translation.get_language() or "en"):
        return ""
    return mark_safe(f' lang="{shown}"')
