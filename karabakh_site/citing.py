"""Ready citations of one archive page ("Cite this page"): APA, MLA, Chicago, Wikipedia's
{{cite web}} and BibTeX.

Each style is plain text handed to another program or person: a word processor, a wiki, LaTeX.
So each is escaped for where it goes (wikitext pipes and braces, BibTeX's special characters), and
the page template escapes the result once more for HTML. The access date is today in the site's
time zone, read per request (see core.clock): a citation built at import time would keep the day
the worker started.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import pgettext_lazy

SITE_NAME = "Karabakh Archive"

_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
# MLA 9 abbreviates months longer than four letters.
_MLA_MONTHS = [
    "Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
]  # fmt: skip
_BIBTEX_MONTHS = [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
]


@dataclass(frozen=True)
class PageCitation:
    """What every style needs. ``author`` is None when the archive itself is the author."""

    title: str
    url: str
    published: datetime.date | None
    accessed: datetime.date
    updated: datetime.date | None = None
    author: str | None = None
    key: str = ""

    @property
    def creator(self) -> str:
        return self.author or SITE_NAME

    @property
    def shown_updated(self) -> datetime.date | None:
        # An update on the publication day is no news to a reader of the citation.
        if self.updated and (self.published is None or self.updated > self.published):
            return self.updated
        return None


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _long(day: datetime.date) -> str:  # 12 August 2025
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _us(day: datetime.date) -> str:  # August 12, 2025
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _end(text: str, mark: str = ".") -> str:
    """Close a title with the style's full stop, unless it already ends in punctuation."""
    return text if text[-1:] in ".?!" else text + mark


def apa(c: PageCitation) -> str:
    """APA 7: a web page whose group author is the site leaves the site name out."""
    when = "n.d."
    if c.published:
        when = f"{c.published.year}, {_MONTHS[c.published.month - 1]} {c.published.day}"
    title = _end(_one_line(c.title))
    site = f" {SITE_NAME}." if c.author else ""
    return (
        f"{_end(_one_line(c.creator))} ({when}). {title}{site}"
        f" Retrieved {_us(c.accessed)}, from {c.url}"
    )


def _mla_date(day: datetime.date) -> str:
    return f"{day.day} {_MLA_MONTHS[day.month - 1]} {day.year}"


def mla(c: PageCitation) -> str:
    """MLA 9: an author that is the site itself is not repeated before the title."""
    author = f"{_end(_one_line(c.author))} " if c.author else ""
    title = _one_line(c.title)
    title = f"\u201c{title}\u201d" if title[-1:] in ".?!" else f"\u201c{title}.\u201d"
    parts = [SITE_NAME]
    if c.published:
        parts.append(_mla_date(c.published))
    parts.append(c.url.removeprefix("https://").removeprefix("http://"))
    return f"{author}{title} {', '.join(parts)}. Accessed {_mla_date(c.accessed)}."


def chicago(c: PageCitation) -> str:
    """Chicago (17th ed.), bibliography entry for a web page."""
    title = _one_line(c.title)
    title = f"\u201c{title}\u201d" if title[-1:] in ".?!" else f"\u201c{title}.\u201d"
    parts = [f"{_end(_one_line(c.creator))} {title} {SITE_NAME}."]
    if c.published:
        parts.append(f"Published {_us(c.published)}.")
    if c.shown_updated:
        parts.append(f"Last modified {_us(c.shown_updated)}.")
    parts.append(f"Accessed {_us(c.accessed)}.")
    parts.append(f"{c.url}.")
    return " ".join(parts)


def _wiki(text: str) -> str:
    """A template parameter value: a "|" would start the next parameter and "}}" close the
    template, "[" and "]" would make a link, so each becomes its HTML entity ("{{!}}" for "|")."""
    text = _one_line(text)
    for char, entity in (("{", "&#123;"), ("}", "&#125;"), ("[", "&#91;"), ("]", "&#93;")):
        text = text.replace(char, entity)
    return text.replace("|", "{{!}}")


def wikipedia(c: PageCitation) -> str:
    """Wikipedia's {{cite web}}, dates in ISO form (which every wiki's date format accepts)."""
    params = [("url", c.url), ("title", c.title)]
    params.append(("author", c.author) if c.author else ("author", SITE_NAME))
    params.append(("website", SITE_NAME))
    if c.published:
        params.append(("date", c.published.isoformat()))
    params.append(("access-date", c.accessed.isoformat()))
    return "{{cite web " + " ".join(f"|{name}={_wiki(value)}" for name, value in params) + "}}"


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_SPECIAL_RE = re.compile("|".join(re.escape(char) for char in _BIBTEX_SPECIAL))


def _tex(text: str) -> str:
    """Text for a BibTeX field: LaTeX's special characters escaped, so an author's brace can
    neither unbalance the entry nor run a command."""
    return _BIBTEX_SPECIAL_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], _one_line(text))


def _bibtex_url(url: str) -> str:
    # The url field is read verbatim by the url package: only braces and backslashes (and the
    # comment sign) can harm it, and a URL may percent-encode them.
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def bibtex(c: PageCitation) -> str:
    """A @misc entry (what plain BibTeX styles know). The author and title sit in a second pair
    of braces: the author is then one name, not "Archive, Karabakh", and the title keeps its
    capitals."""
    key = re.sub(r"[^A-Za-z0-9:_-]+", "-", c.key or "karabakh-archive").strip("-")
    fields = [
        ("author", "{" + _tex(c.creator) + "}"),
        ("title", "{" + _tex(c.title) + "}"),
        ("howpublished", _tex(SITE_NAME)),
    ]
    if c.published:
        fields.append(("year", str(c.published.year)))
        fields.append(("month", None))
    fields.append(("url", _bibtex_url(c.url)))
    fields.append(("urldate", c.accessed.isoformat()))
    note = f"Accessed {_long(c.accessed)}"
    if c.shown_updated:
        note = f"Last updated {_long(c.shown_updated)}. {note}"
    fields.append(("note", note))
    lines = []
    for name, value in fields:
        if value is None:  # the month macro, unbraced, so styles print it in their language
            lines.append(f"  month = {_BIBTEX_MONTHS[c.published.month - 1]},")
        else:
            lines.append(f"  {name} = {{{value}}},")
    return f"@misc{{{key},\n" + "\n".join(lines) + "\n}"


# The styles' names are translated; the citations themselves are not: each is written as its
# English-language style guide sets it out (English month names, "Retrieved", "Accessed"), and
# the wikitext and BibTeX ones are read by programs.
STYLES = [
    ("apa", pgettext_lazy("citation style", "APA"), apa),
    ("mla", pgettext_lazy("citation style", "MLA"), mla),
    ("chicago", pgettext_lazy("citation style", "Chicago"), chicago),
    ("wikipedia", pgettext_lazy("citation style", "Wikipedia ({{cite web}})"), wikipedia),
    ("bibtex", pgettext_lazy("citation style", "BibTeX"), bibtex),
]


def page_citation(
    *, title, url, published_at=None, updated=None, author=None, key=""
) -> PageCitation:
    """The citation of one page as of now: publication and update dates as local dates, and
    today (in the site's time zone) as the access date."""

    def local(value):
        if isinstance(value, datetime.datetime):
            return timezone.localdate(value)
        return value

    return PageCitation(
        title=title,
        url=url,
        published=local(published_at),
        updated=local(updated),
        accessed=timezone.localdate(),
        author=author or None,
        key=key,
    )


def citations(citation: PageCitation) -> list[dict]:
    """Every style's text, in the order the page shows them."""
    return [
        {"id": name, "label": str(label), "text": style(citation)} for name, label, style in STYLES
    ]
