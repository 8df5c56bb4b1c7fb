"""Site search across articles, FAQ entries, timeline entries and sources.

A query is parsed once (parse_query) into one model: words and "quoted phrases" that must all
appear, alternatives joined by OR, and -word / -"phrase" exclusions. Both engines execute that
model, so they find the same things:

- PostgreSQL: each term read by websearch_to_tsquery (English stemming), combined as the model
  says (_ts_query), over the stored, weighted ``search_vector`` (title A, summary/standfirst B, body C;
  see core.models.SearchIndexed), ranked by ts_rank, snippets by ts_headline.
- SQLite: the model written as an FTS5 expression over the ``core_search_fts`` table (porter
  stemming over unicode61 without diacritics), ranked by bm25 with the same A/B/C column
  weights, snippets by FTS5's snippet(). The table is written by the same save hook that writes
  PostgreSQL's vector (index_sqlite), emptied of a row when its item is deleted, and rebuilt
  after migrate and flush (rebuild_sqlite_index). A hook rather than triggers: Django rebuilds a
  SQLite table for most schema changes and drops its triggers with it, and the hook keeps one
  definition of what is searched (search_weights) for both engines.

Both ranks are scaled to 0..1 (r / (r + 1)) and multiplied by a kind weight, so the archive's
own articles, events and answers rank above bare source records for the same match.

Readers only ever see published items; a source is searchable once a published item cites it.
Which items those are is decided per query by the kinds' published() querysets (the clock), never
by the index.
"""

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection, connections
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags

from karabakh_site.core.kinds import content_kinds
from karabakh_site.core.models import Source, Translation
from karabakh_site.core.publishing import CITATION_MARKER
from karabakh_site.core.readers import public_sources
from karabakh_site.core.translations import SEARCH_CONFIGS, TRANSLATION_LANGUAGES, reading_language

MAX_QUERY_LENGTH = 200
MAX_HITS_PER_KIND = 100
# PostgreSQL's default ts_rank weights for A, B, C, D; bm25 weighs SQLite's columns the same.
WEIGHT_SCORES = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
WEIGHTS = tuple(WEIGHT_SCORES)
# A bare source record is evidence, not the archive's own writing: for the same match it ranks
# below an article, event or answer.
KIND_WEIGHTS = {"source": 0.5}
SNIPPET_WORDS = 30
# More terms than anyone types; bounds the work a pasted paragraph can cause.
MAX_TERMS = 16
FTS_TABLE = "core_search_fts"
# PostgreSQL's English stop words (tsearch_data/english.stop): its parser drops them outside
# phrases, so the query model drops them too and SQLite (which indexes every word) agrees.
_STOP_WORDS_TEXT = """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Private-use characters mark highlights inside the headline, so the text around them can be
# escaped before they become <mark> elements.
_START, _STOP = "\ue000", "\ue001"
# A quoted phrase (an unbalanced quote runs to the end, as in websearch_to_tsquery) or a bare
# token, either with a leading "-" for exclusion.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """One word, or a phrase: words that must appear together in this order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class ParsedQuery:
    """Every group must match (AND); a group matches when any of its terms does (OR); no
    excluded term may match."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    def __bool__(self):
        return bool(self.groups)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


def parse_query(query: str) -> ParsedQuery:
    """The one reading of what a reader typed. Bare words lose stop words and punctuation;
    a token with punctuation inside (Nagorno-Karabakh, 2020's) is a phrase of its words; OR
    (any case) between two terms makes them alternatives; anything else is literal text, so
    no character is syntax to an engine."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for match in _TOKEN.finditer(clean_query(query)):
        negated = bool(match.group(1) or match.group(3))
        quoted = match.group(2) is not None
        text = match.group(2) if quoted else match.group(4)
        if not quoted and not negated and text.casefold() == "or":
            join_next = bool(groups)
            continue
        words = tuple(word.casefold() for word in _WORD.findall(text))
        if not quoted and len(words) == 1 and words[0] in STOP_WORDS:
            words = ()
        if not words or all(word in STOP_WORDS for word in words):
            join_next = False
            continue
        if len(groups) + len(excluded) >= MAX_TERMS:
            break
        term = Term(words)
        if negated:
            excluded.append(term)
            join_next = False
        elif join_next:
            groups[-1].append(term)
            join_next = False
        else:
            groups.append([term])
    return ParsedQuery(tuple(tuple(dict.fromkeys(g)) for g in groups), tuple(excluded))


def websearch_text(parsed: ParsedQuery) -> str:
    """The model as websearch_to_tsquery syntax (words are letters and digits only)."""

    def term(term: Term) -> str:
        return term.words[0] if len(term.words) == 1 else '"' + " ".join(term.words) + '"'

    parts = [" or ".join(term(t) for t in group) for group in parsed.groups]
    parts += ["-" + term(t) for t in parsed.excluded]
    return " ".join(parts)


def fts5_expression(parsed: ParsedQuery) -> str:
    """The model as an FTS5 MATCH expression: every term a quoted string, so nothing a reader
    typed is read as FTS5 syntax."""

    def term(term: Term) -> str:
        return '"' + " ".join(term.words) + '"'

    positive = " AND ".join(
        "(" + " OR ".join(term(t) for t in group) + ")" for group in parsed.groups
    )
    if parsed.excluded:
        positive = f"({positive}) NOT ({' OR '.join(term(t) for t in parsed.excluded)})"
    return positive


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


def search(
    query: str, *, kinds: Iterable[str] | None = None, language: str | None = None
) -> list[SearchHit]:
    """Published content matching ``query``, best first. ``kinds`` narrows to some of search_kinds()
    (ValueError for an unknown one). One query per kind searched; an empty query finds nothing.

    In another language than the original (``language``, else the reader's: core.translations),
    each content kind is searched twice: in the original's English vector (which holds every
    place's names in every script) and in its published translations' vectors in that
    language's configuration (Russian and Armenian stemming); an item found by both is one hit,
    at the better rank, with the translation's snippet when that matched."""
    known = _kinds()
    selected = list(known) if kinds is None else list(dict.fromkeys(kinds))
    unknown = [kind for kind in selected if kind not in known]
    if unknown:
        raise ValueError(f"Unknown search kind(s): {', '.join(unknown)}.")
    parsed = parse_query(query)
    if not parsed:
        return []
    postgres = connection.vendor == "postgresql"
    engine = _search_postgres if postgres else _search_sqlite
    hits = [hit for kind in selected for hit in engine(known[kind], parsed)]
    language = language or reading_language()
    if language in TRANSLATION_LANGUAGES:
        translated = _search_translations_postgres if postgres else _search_translations_sqlite
        found = [
            hit
            for kind in selected
            if kind != "source"
            for hit in translated(known[kind], parsed, language)
        ]
        best: dict[tuple[str, int], SearchHit] = {}
        for hit in found + hits:  # translations first: at equal rank their snippet wins
            key = (hit.kind, hit.object.pk)
            if key not in best or hit.rank > best[key].rank:
                best[key] = hit
        hits = list(best.values())
    order = {name: index for index, name in enumerate(known)}
    hits.sort(key=lambda hit: (-hit.rank, order[hit.kind], -hit.object.pk))
    return hits


def search_page(query: str, page_number, per_page: int = 20, *, kinds=None) -> Page:
    """One page of search() results; raises django.core.paginator.InvalidPage for a page that
    does not exist (views answer 404)."""
    return Paginator(search(query, kinds=kinds), per_page).page(page_number or 1)


def _hit(kind: _Kind, obj, snippet: str, rank: float) -> SearchHit:
    """``rank`` is the engine's, 0 or more; scaled to 0..1 and weighted by kind."""
    rank = max(float(rank or 0), 0.0)
    return SearchHit(
        kind=kind.name,
        object=obj,
        title=str(getattr(obj, kind.title_attr)),
        url=obj.get_absolute_url(),
        snippet=snippet,
        rank=round(rank / (rank + 1) * KIND_WEIGHTS.get(kind.name, 1.0), 6),
    )


def _plain(text: str) -> str:
    """Markdown source as readable text for a snippet."""
    return " ".join(strip_tags(CITATION_MARKER.sub("", text or "")).split())


# PostgreSQL ------------------------------------------------------------------------------------


def _ts_query(parsed: ParsedQuery, config: str = "english") -> SearchQuery:
    """The model as a tsquery, each term read by websearch_to_tsquery, combined explicitly:
    a web-search string alone would bind "a OR b -c" as a | (b & !c), not (a | b) & !c."""

    def term(term: Term) -> SearchQuery:
        return SearchQuery(
            websearch_text(ParsedQuery(((term,),))), search_type="websearch", config=config
        )

    combined = None
    for group in parsed.groups:
        either = functools.reduce(lambda a, b: a | b, (term(t) for t in group))
        combined = either if combined is None else combined & either
    for excluded in parsed.excluded:
        combined = combined & ~term(excluded)
    return combined


def _not_shown(kind: _Kind) -> list[str]:
    """The columns a hit never reads in Python: the stored vector (ranked in the database) and
    rendered HTML. (The texts themselves are read: a translation's overlay replaces them.)"""
    model = kind.queryset().model
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.name == "search_vector" or f.name.endswith("_html")
    ]


def _search_postgres(kind: _Kind, parsed: ParsedQuery) -> list[SearchHit]:
    ts_query = _ts_query(parsed)
    parts = []
    for name in kind.snippet_fields:
        parts.extend([F(name), Value(" ")])
    rows = (
        kind.queryset()
        .filter(search_vector=ts_query)
        .defer(*_not_shown(kind))
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


def _translations(kind: _Kind, language: str):
    """The published translations into ``language`` of the kind's published items."""
    model = kind.queryset().model
    return Translation.objects.published().filter(
        content_type=ContentType.objects.get_for_model(model),
        language=language,
        object_id__in=kind.queryset().values("pk"),
    )


def _items_of(kind: _Kind, rows) -> dict[int, Any]:
    ids = [row.object_id for row in rows]
    if not ids:
        return {}
    return {item.pk: item for item in kind.queryset().filter(pk__in=ids).defer(*_not_shown(kind))}


def _search_translations_postgres(kind: _Kind, parsed: ParsedQuery, language: str):
    config = SEARCH_CONFIGS.get(language, "simple")
    ts_query = _ts_query(parsed, config)
    rows = list(
        _translations(kind, language)
        .filter(search_vector=ts_query)
        # A hit reads its rank, headline and item, all computed or fetched apart: a hundred
        # translations' texts and vectors made a worker 40 MB larger for one search.
        .only("pk", "object_id")
        .annotate(
            rank=SearchRank(F("search_vector"), ts_query),
            headline=SearchHeadline(
                Concat(F("summary"), Value(" "), F("body"), output_field=TextField()),
                ts_query,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=SNIPPET_WORDS,
                min_words=12,
            ),
        )
        .order_by("-rank", "-object_id")[:MAX_HITS_PER_KIND]
    )
    items = _items_of(kind, rows)
    return [
        _hit(kind, items[row.object_id], _highlighted(row.headline), row.rank)
        for row in rows
        if row.object_id in items
    ]


def _highlighted(headline: str) -> str:
    text = escape(_plain(headline))
    return text.replace(_START, "<mark>").replace(_STOP, "</mark>")


# SQLite: FTS5 --------------------------------------------------------------------------------

# Column numbers in FTS_TABLE (see migration core 0009): model, obj_id, then one per weight.
_FTS_COLUMNS = {weight: index for index, weight in enumerate(WEIGHTS, start=2)}
_BM25 = f"bm25({FTS_TABLE}, 0, 0, {', '.join(str(WEIGHT_SCORES[w] * 10) for w in WEIGHTS)})"


def _translation_label(model, language: str) -> str:
    """A translation's rows in the SQLite index are its item's, marked with the language."""
    return f"{model._meta.label_lower}@{language}"


def _search_translations_sqlite(kind: _Kind, parsed: ParsedQuery, language: str):
    # Title, summary and body are indexed in the A, B and C columns; snippets from B and C.
    columns = [_FTS_COLUMNS["B"], _FTS_COLUMNS["C"]]
    snippets = {
        f"fts_snippet_{column}": f"snippet({FTS_TABLE}, {column}, %s, %s, '…', {SNIPPET_WORDS})"
        for column in columns
    }
    model = kind.queryset().model
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT obj_id, {_BM25}, {', '.join(snippets.values())} FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND model = %s ORDER BY {_BM25} LIMIT %s",
            [
                *[marker for _ in snippets for marker in (_START, _STOP)],
                fts5_expression(parsed),
                _translation_label(model, language),
                MAX_HITS_PER_KIND * 2,
            ],
        )
        found = cursor.fetchall()
    # Only published translations are indexed; the item must be one readers can see now.
    published = set(
        _translations(kind, language)
        .filter(object_id__in=[row[0] for row in found])
        .values_list("object_id", flat=True)
    )
    items = {item.pk: item for item in kind.queryset().filter(pk__in=published)}
    hits = []
    for obj_id, rank, *texts in found:
        if obj_id not in items:
            continue
        snippet = next((t for t in texts if t and _START in t), next(filter(None, texts), ""))
        hits.append(_hit(kind, items[obj_id], _highlighted(snippet), -rank))
    return hits[:MAX_HITS_PER_KIND]


def _search_sqlite(kind: _Kind, parsed: ParsedQuery) -> list[SearchHit]:
    queryset = kind.queryset()
    model = queryset.model
    # Snippets come from the kind's snippet fields, which are indexed in its B, C or D columns.
    columns = sorted(
        {_FTS_COLUMNS[kind.weights[name]] for name in kind.snippet_fields if name in kind.weights}
    )
    snippets = {
        f"fts_snippet_{column}": f"snippet({FTS_TABLE}, {column}, %s, %s, '…', {SNIPPET_WORDS})"
        for column in columns
    }
    rows = (
        queryset.extra(
            select={"fts_rank": _BM25, **snippets},
            select_params=[marker for _ in snippets for marker in (_START, _STOP)],
            tables=[FTS_TABLE],
            where=[
                f"{FTS_TABLE} MATCH %s",
                f"{FTS_TABLE}.model = %s",
                f'{FTS_TABLE}.obj_id = "{model._meta.db_table}"."{model._meta.pk.column}"',
            ],
            params=[fts5_expression(parsed), model._meta.label_lower],
        )
        # bm25 is negative, best first.
        .order_by("fts_rank", "-pk")[:MAX_HITS_PER_KIND]
    )
    hits = []
    for row in rows:
        texts = [getattr(row, name) or "" for name in snippets]
        snippet = next((text for text in texts if _START in text), next(filter(None, texts), ""))
        hits.append(_hit(kind, row, _highlighted(snippet), -row.fts_rank))
    return hits


def _indexed_texts(obj) -> list[str]:
    return [
        " ".join(
            _plain(getattr(obj, name)) for name, w in obj.search_weights.items() if w == weight
        )
        for weight in WEIGHTS
    ]


def _is_sqlite(using: str) -> bool:
    return connections[using].vendor == "sqlite"


def index_sqlite(obj, using: str = "default") -> None:
    """Write one item's row of the SQLite index (the save hook; PostgreSQL has its vector)."""
    if not _is_sqlite(using):
        return
    unindex_sqlite(obj, using)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (model, obj_id, a, b, c, d) VALUES (%s, %s, %s, %s, %s, %s)",
            [obj._meta.label_lower, obj.pk, *_indexed_texts(obj)],
        )


def _translation_texts(translation) -> list[str]:
    return [_plain(translation.title), _plain(translation.summary), _plain(translation.body), ""]


def index_sqlite_translation(translation, using: str = "default") -> None:
    """A translation's row of the SQLite index: written while it is published, dropped when not
    (so a draft's words never find its item)."""
    if not _is_sqlite(using):
        return
    unindex_sqlite_translation(translation, using)
    if translation.status != translation.Status.PUBLISHED:
        return
    label = _translation_label(translation.content_type.model_class(), translation.language)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (model, obj_id, a, b, c, d) VALUES (%s, %s, %s, %s, %s, %s)",
            [label, translation.object_id, *_translation_texts(translation)],
        )


def unindex_sqlite_translation(translation, using: str = "default") -> None:
    if not _is_sqlite(using):
        return
    label = _translation_label(translation.content_type.model_class(), translation.language)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE model = %s AND obj_id = %s",
            [label, translation.object_id],
        )


def unindex_sqlite(obj, using: str = "default") -> None:
    """Drop a deleted item's row, so none of its text stays in the database."""
    if not _is_sqlite(using):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE model = %s AND obj_id = %s",
            [obj._meta.label_lower, obj.pk],
        )


def rebuild_sqlite_index(using: str = "default") -> int:
    """Index every searchable row again; returns how many. After migrate and after a flush
    (which empties tables without a delete signal and may reuse ids)."""
    if not _is_sqlite(using):
        return 0
    from karabakh_site.core.models import SearchIndexed

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if FTS_TABLE not in tables:
        return 0
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")
        for model in apps.get_models():
            if not issubclass(model, SearchIndexed) or model._meta.db_table not in tables:
                continue
            rows = [
                [model._meta.label_lower, obj.pk, *_indexed_texts(obj)]
                for obj in model._base_manager.using(using)
                .only("pk", *model.search_weights)
                .iterator()
            ]
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (model, obj_id, a, b, c, d) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )
            count += len(rows)
        if Translation._meta.db_table in tables:
            rows = [
                [
                    _translation_label(row.content_type.model_class(), row.language),
                    row.object_id,
                    *_translation_texts(row),
                ]
                for row in Translation.objects.using(using)
                .published()
                .select_related("content_type")
                .iterator()
                if row.content_type.model_class() is not None
            ]
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (model, obj_id, a, b, c, d) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )
            count += len(rows)
    return count
