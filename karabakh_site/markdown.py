"""Markdown to safe HTML, with [^N] citation markers linked to the item's numbered source list.

Content is rendered once, when it is saved (see the content models' save()), so a page view never
re-renders or re-sanitises it.
"""

import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor

from karabakh_site.core.publishing import CITATION_MARKER

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "sup": {"class", "id"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


class CitationMarkerProcessor(InlineProcessor):
    """[^2] becomes a superscript link to the second entry of the item's source list."""

    def __init__(self, pattern, md, anchor_prefix):
        super().__init__(pattern, md)
        self.anchor_prefix = anchor_prefix
        self.seen: dict[int, int] = {}

    def handleMatch(self, match, data):
        number = int(match.group(1))
        self.seen[number] = self.seen.get(number, 0) + 1
        sup = etree.Element("sup", {"class": "citation-ref"})
        sup.set("id", f"{self.anchor_prefix}-ref-{number}-{self.seen[number]}")
        link = etree.SubElement(sup, "a", {"href": f"#{self.anchor_prefix}-{number}"})
        link.set("title", f"Source {number}")
        link.text = f"[{number}]"
        return sup, match.start(0), match.end(0)


def render_markdown(text: str, *, anchor_prefix: str = "source") -> str:
    """Render Markdown and sanitise the result with an allow-list.

    ``anchor_prefix`` keeps the anchors of several items unique on one page: marker N links to
    ``#{anchor_prefix}-N``, the id the page gives the item's Nth source.
    """
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    md.inlinePatterns.register(
        CitationMarkerProcessor(CITATION_MARKER.pattern, md, anchor_prefix), "citation_marker", 175
    )
    html = md.convert(text or "")
    marker_id = re.compile(rf"{re.escape(anchor_prefix)}-ref-\d+-\d+")

    def only_marker_attributes(tag, attribute, value):
        # Authors may not set ids or classes: they could clash with the page's own anchors
        # (#main, the source list) or borrow its classes. Only the markers above carry them.
        if tag == "sup" and attribute == "class":
            return value if value == "citation-ref" else None
        if tag == "sup" and attribute == "id":
            return value if marker_id.fullmatch(value) else None
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=only_marker_attributes,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
