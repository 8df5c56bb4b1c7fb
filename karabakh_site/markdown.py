"""Markdown to safe HTML, with [^N] citation markers linked to the item's numbered source list.

Content is rendered once, when it is saved (Publishable.save), so a page view never re-renders or
re-sanitises it. Authors are not all trusted (contributors write drafts, the API and imports take
text from anywhere), so rendering must take bounded time whatever the input: cmark-gfm, the C
CommonMark renderer that PyPI uses for the READMEs anyone uploads, renders in linear time (about
0.1 s for 100,000 pathological characters, where Python-Markdown took over 30 s for 20,000 "["),
and a Markdown field is limited to MAX_MARKDOWN_LENGTH characters. nh3 then sanitises the HTML
with an allow-list: it, not the renderer, is what keeps markup safe.
"""

import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from karabakh_site.core.publishing import CITATION_MARKER

# The most a Markdown field may hold: about 15,000 words, twice the longest article we know of.
MAX_MARKDOWN_LENGTH = 100_000

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


# cmark's HTML is well formed and escapes "<" in text and attributes, so it splits into tags and
# text at each "<...>"; raw HTML an author wrote may not, but nh3 re-parses whatever results.
_TAG = re.compile(r"(<[^>]*>)")
_LITERAL_TAGS = re.compile(r"<(/?)(code|pre)\b", re.IGNORECASE)


def _link_markers(html: str, anchor_prefix: str) -> str:
    """[^2] in the text (not in code) becomes a superscript link to the item's second source."""
    seen: dict[int, int] = {}

    def marker(match):
        number = int(match.group(1))
        seen[number] = seen.get(number, 0) + 1
        return (
            f'<sup class="citation-ref" id="{anchor_prefix}-ref-{number}-{seen[number]}">'
            f'<a href="#{anchor_prefix}-{number}" title="Source {number}">[{number}]</a></sup>'
        )

    parts, literal = [], 0
    for part in _TAG.split(html):
        tag = _LITERAL_TAGS.match(part)
        if tag:
            literal += -1 if tag.group(1) else 1
        elif not literal and not part.startswith("<"):
            part = CITATION_MARKER.sub(marker, part)
        parts.append(part)
    return "".join(parts)


def marker_occurrences(html: str, anchor_prefix: str) -> dict[int, list[str]]:
    """The ids of the markers in stored rendered ``html``, by source number, in text order: what
    the source list's back-links point at. Read from the HTML rather than the Markdown, so a
    "[^N]" inside code, which links nowhere, gets no back-link; only ids the sanitiser let
    through (the markers' own) match."""
    found: dict[int, list[str]] = {}
    pattern = re.compile(rf'\sid="({re.escape(anchor_prefix)}-ref-(\d+)-\d+)"')
    for match in pattern.finditer(html):
        found.setdefault(int(match.group(2)), []).append(match.group(1))
    return found


def renumber_markers(text: str, numbers: dict[int, int]) -> str:
    """Rewrite each [^N] of Markdown ``text`` to [^numbers[N]]; markers not in ``numbers`` stay.

    Every "[^N]" of the source counts, as it does for the check of markers that point at no
    citation (core.publishing.cited_numbers), so the check and the rewrite never disagree."""
    if not text:
        return text

    def renumber(match):
        number = int(match.group(1))
        return f"[^{numbers.get(number, number)}]"

    return CITATION_MARKER.sub(renumber, text)


def render_markdown(text: str, *, anchor_prefix: str = "source") -> str:
    """Render Markdown (GitHub's dialect: CommonMark with tables) and sanitise the result with an
    allow-list.

    ``anchor_prefix`` keeps the anchors of several items unique on one page: marker N links to
    ``#{anchor_prefix}-N``, the id the page gives the item's Nth source.
    """
    # UNSAFE lets authors' inline HTML (an <abbr>, a <br>) through to nh3, which decides.
    html = cmarkgfm.github_flavored_markdown_to_html(text or "", options=Options.CMARK_OPT_UNSAFE)
    html = _link_markers(html, anchor_prefix)
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
