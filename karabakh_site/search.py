"""Site search across articles, FAQ entries, timeline entries and sources.

One interface, two engines. On PostgreSQL: full-text search over the stored, weighted
``search_vector`` (title A, summary/standfirst B, body C; see core.models.SearchIndexed) with
web-search syntax ("quoted phrases", OR, -word), ranked by SearchRank, with SearchHeadline
snippets. On SQLite: every word (or quoted phrase) must appear in one of the same fields, ranked
by the weight of the best field each matched.

Readers only ever see published items; a source is searchable once a published item cites it.
"""

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags

from karabakh_site.core.kinds import content_kinds
from karabakh_site.core.models import Source
from karabakh_site.core.publishing import CITATION_MARKER
from karabakh_site.core.readers import public_sources

MAX_QUERY_LENGTH = 200
MAX_HITS_PER_KIND = 100
# PostgreSQL's default ts_rank weights for A, B, C, D; the fallback ranks with the same scale.
WEIGHT_SCORES = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
SNIPPET_WORDS = 30

# Private-use characters mark highlights inside the headline, so the text around them can be
# escaped before they become <mark> elements.
_START, _STOP = "\ue000", "\ue001"
_TERM = re.compile(r'(-?)"([^"]+)"|(-?)(\S+)')


@dataclass(frozen=True)
class SearchHit:
    kind: str
    object: Any = field(compare=False)
    title: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> highlights
    rank: float


@dataclass(frozen=True)
class _Kind:
    name: str
    weights: dict[str, str]  # the model's own search_weights, which its stored vector uses
    snippet_fields: tuple[str, ...]
    title_attr: str
    queryset: Callable[[], QuerySet]


@functools.cache
def _kinds() -> dict[str, _Kind]:
    """Every content kind (core's registry), then sources; in this order rank ties are broken.
    Cached: the registry is fixed once the apps are loaded."""
    found = {
        kind.name: _Kind(
            kind.name,
            kind.model.search_weights,
            kind.snippet_fields,
            kind.title_field,
            kind.published,
        )
        for kind in content_kinds()
    }
    found["source"] = _Kind(
        "source", Source.search_weights, ("publisher", "author", "notes"), "title", public_sources
    )
    return found


def search_kinds() -> list[str]:
    """The names a search may be narrowed to."""
    return list(_kinds())


def clean_query(query: str | None) -> str:
    """The query as the engines get it: no control characters (PostgreSQL refuses NUL), single
    spaces, at most MAX_QUERY_LENGTH characters."""
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char for char in (query or "")
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def _has_words(query: str) -> bool:
    return any(char.isalnum() for char in query)


def search(query: str, *, kinds: Iterable[str] | None = None) -> list[SearchHit]:
    """Published content matching ``query``, best first. ``kinds`` narrows to some of search_kinds()
    (ValueError for an unknown one). One query per kind searched; an empty query finds nothing."""
    known = _kinds()
    selected = list(known) if kinds is None else list(dict.fromkeys(kinds))
    unknown = [kind for kind in selected if kind not in known]
    if unknown:
        raise ValueError(f"Unknown search kind(s): {', '.join(unknown)}.")
    query = clean_query(query)
    if not _has_words(query):
        return []
    engine = _search_postgres if connection.vendor == "postgresql" else _search_fallback
    hits = [hit for kind in selected for hit in engine(known[kind], query)]
    order = {name: index for index, name in enumerate(known)}
    hits.sort(key=lambda hit: (-hit.rank, order[hit.kind], -hit.object.pk))
    return hits


def search_page(query: str, page_number, per_page: int = 20, *, kinds=None) -> Page:
    """One page of search() results; raises django.core.paginator.InvalidPage for a page that
    does not exist (views answer 404)."""
    return Paginator(search(query, kinds=kinds), per_page).page(page_number or 1)


def _hit(kind: _Kind, obj, snippet: str, rank: float) -> SearchHit:
    return SearchHit(
        kind=kind.name,
        object=obj,
        title=str(getattr(obj, kind.title_attr)),
        url=obj.get_absolute_url(),
        snippet=snippet,
        rank=round(float(rank), 6),
    )


def _plain(text: str) -> str:
    """Markdown source as readable text for a snippet."""
    return " ".join(strip_tags(CITATION_MARKER.sub("", text or "")).split())


# PostgreSQL ------------------------------------------------------------------------------------


def _search_postgres(kind: _Kind, query: str) -> list[SearchHit]:
    ts_query = SearchQuery(query, search_type="websearch", config="english")
    parts = []
    for name in kind.snippet_fields:
        parts.extend([F(name), Value(" ")])
    rows = (
        kind.queryset()
        .filter(search_vector=ts_query)
        .annotate(
            rank=SearchRank(F("search_vector"), ts_query),
            headline=SearchHeadline(
                Concat(*parts, output_field=TextField())
                if len(parts) > 2
                else F(kind.snippet_fields[0]),
                ts_query,
                config="english",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=SNIPPET_WORDS,
                min_words=12,
            ),
        )
        .order_by("-rank", "-pk")[:MAX_HITS_PER_KIND]
    )
    return [_hit(kind, row, _highlighted(row.headline), row.rank) for row in rows]


def _highlighted(headline: str) -> str:
    text = escape(_plain(headline))
    return text.replace(_START, "<mark>").replace(_STOP, "</mark>")


# SQLite fallback -------------------------------------------------------------------------------


def _terms(query: str) -> tuple[list[str], list[str]]:
    """Required and excluded terms: words, "quoted phrases", and -word / -"phrase" exclusions.
    "OR" is read as a plain word, which the fallback has no syntax for."""
    required, excluded = [], []
    for match in _TERM.finditer(query):
        negated = match.group(1) or match.group(3)
        term = (match.group(2) or match.group(4)).strip('"').strip()
        if not _has_words(term):
            continue
        (excluded if negated else required).append(term)
    return required, excluded


def _search_fallback(kind: _Kind, query: str) -> list[SearchHit]:
    required, excluded = _terms(query)
    if not required:
        return []
    queryset = kind.queryset()
    for term in required:
        anywhere = Q()
        for name in kind.weights:
            anywhere |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(anywhere)
    for term in excluded:
        for name in kind.weights:
            queryset = queryset.exclude(**{f"{name}__icontains": term})
    hits = []
    for obj in queryset.order_by("-pk")[: MAX_HITS_PER_KIND * 5]:
        rank = 0.0
        for term in required:
            lowered = term.casefold()
            rank += max(
                (
                    WEIGHT_SCORES[weight]
                    for name, weight in kind.weights.items()
                    if lowered in (getattr(obj, name) or "").casefold()
                ),
                default=0.0,
            )
        text = " ".join(_plain(getattr(obj, name)) for name in kind.snippet_fields)
        hits.append(_hit(kind, obj, _snippet(text, required), rank / len(required)))
    hits.sort(key=lambda hit: (-hit.rank, -hit.object.pk))
    return hits[:MAX_HITS_PER_KIND]


def _snippet(text: str, terms: list[str]) -> str:
    """About SNIPPET_WORDS words around the first match, escaped, with every match marked."""
    words = text.split()
    lowered = [word.casefold() for word in words]
    first = next(
        (
            index
            for index, word in enumerate(lowered)
            if any(term.casefold().split()[0] in word for term in terms)
        ),
        0,
    )
    start = max(0, first - SNIPPET_WORDS // 3)
    window = " ".join(words[start : start + SNIPPET_WORDS])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    marked, position = [], 0
    for match in pattern.finditer(window):
        marked.append(escape(window[position : match.start()]))
        marked.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    marked.append(escape(window[position:]))
    return prefix + "".join(marked) + suffix
