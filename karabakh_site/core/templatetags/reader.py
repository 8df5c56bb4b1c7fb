"""Template helpers of the reader pages' citing tools: "Cite this page" and footnote back-links.

They live in tags because every item page (article, event, FAQ entry) shows them the same way,
whichever view renders it; the formatting itself is karabakh_site.citing's.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from karabakh_site import citing
from karabakh_site.core import evidence
from karabakh_site.markdown import marker_occurrences

register = template.Library()


@register.simple_tag(takes_context=True)
def cite_page(context, item, updated=None):
    """The page's citation in every style. The permanent link is the page's own address (without
    its query string); the author is the item's byline where it has one, else the archive."""
    request = context["request"]
    if not updated:  # not given (the template passes "" for an unset variable)
        # An article is "updated" by its dated corrections only (Article.updated_on), not by
        # silent edits such as typo fixes; other items by their last change.
        updated = item.updated_on if hasattr(type(item), "updated_on") else item.updated_at
    citation = citing.page_citation(
        title=item.title,
        url=request.build_absolute_uri(request.path),
        published_at=item.publish_at,
        updated=updated,
        author=getattr(item, "byline", None),
        key=f"karabakh-archive-{item.slug}",
    )
    return citing.citations(citation)


@register.simple_tag
def backlinks(html, prefix, number):
    """Links from the Nth source back to each marker citing it in ``html``, the item's stored
    rendering: "↩" for the only one, "↩ a b c" for several (as Wikipedia's references do)."""
    refs = marker_occurrences(html or "", prefix).get(int(number), [])
    if not refs:
        return ""
    if len(refs) == 1:
        return format_html(
            '<span class="backlinks"><a href="#{}" aria-label="{}">↩</a></span>',
            refs[0],
            _back_to(number),
        )
    letters = [_letter(index) for index in range(len(refs))]
    links = format_html_join(
        " ",
        '<a href="#{}" aria-label="{}">{}</a>',
        (
            (ref, _back_to(f"{number}{letter}"), letter)
            for ref, letter in zip(refs, letters, strict=True)
        ),
    )
    return format_html('<span class="backlinks"><span aria-hidden="true">↩</span> {}</span>', links)


def _back_to(reference) -> str:
    """What a screen reader says for a back-link: "Back to reference 2a"."""
    return gettext("Back to reference %(reference)s") % {"reference": reference}


def _letter(index: int) -> str:
    """a … z, then aa, ab …: a long article may cite one source more than 26 times."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


@register.simple_tag
def evidence_summary(citations) -> str:
    """The item's evidence profile in one line (core.evidence), from the citations the page
    already loaded with their sources and perspectives: no query of its own."""
    return evidence.profile(list(citations)).summary
