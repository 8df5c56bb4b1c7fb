"""Content in four languages: the translations of articles, FAQ entries, events, topics, claims
and positions, and how readers get them.

Why a translation table of our own rather than django-modeltranslation or django-parler: both
rebind a model's field attributes to the active language, so ``article.body`` would read and
*write* whichever language the request's prefix or Accept-Language picked. Here every channel
that writes (the admin, the API, imports, revisions with their three-way merge) writes the
original, and only readers' reads are translated: a translation can never overwrite the record
by accident. The issue's other needs fit one row per item and language: which version of the
original it was made from (``made_from``), its own review status, and its own search vector
in its language's text-search configuration. Pages pay one query per list of items for it
(none in English), as modeltranslation's columns would not, but the item tables stay as they
are, so history, revisions, exports and search need no change.

Declared once: each model's ``translated_fields`` maps the translation's columns (title, summary,
body) to its own fields; the content kinds declare theirs in the kinds registry.

Readers: while ``reading(language)`` is active (ReadingLanguageMiddleware sets it for reader
pages and API reads), every item a query fetches for a translatable model is shown in that
language: its fields are replaced by the published translation's, or it is marked as falling
back to the original. Such an item refuses to be saved.
"""

import contextlib
import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import translation as django_translation
from django.utils.translation import gettext as _

from karabakh_site.markdown import render_markdown, renumber_markers

from .publishing import cited_numbers

ORIGINAL_LANGUAGE = settings.LANGUAGE_CODE
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
TRANSLATION_LANGUAGES = tuple(code for code in LANGUAGES if code != ORIGINAL_LANGUAGE)
COLUMNS = ("title", "summary", "body")

# The text-search configuration of each language's translations (PostgreSQL). Armenian has a
# Snowball stemmer since PostgreSQL 13. Azerbaijani has none; Turkish, its close relative, was
# measured against "simple" over the demo's Azerbaijani translations with 30 real queries
# (müharibəsi, qaçqınlar, dəhliz, hücumu, saziş ...): turkish found 124 matches to simple's 92,
# more for 14 queries and fewer for none (dəhliz 8 to 1, hücum 9 to 5, saziş 2 to 0), so
# Azerbaijani is stemmed as Turkish.
SEARCH_CONFIGS = {"en": "english", "hy": "armenian", "ru": "russian", "az": "turkish"}

_reading = contextvars.ContextVar("reading_language", default=None)

OVERLAID = "_shown_language"


class TranslationError(ValidationError):
    pass


def translated_fields(model) -> dict[str, str]:
    """Translation column -> the model's field, declared once on the model."""
    return dict(getattr(model, "translated_fields", {}) or {})


def translatable_models() -> list[type]:
    from django.apps import apps

    return [model for model in apps.get_models() if translated_fields(model)]


def language_name(code: str) -> str:
    """The language's name in the reader's current language ("Armenian", "армянский")."""
    names = dict(settings.LANGUAGES)
    return django_translation.gettext(names.get(code, code))


@contextmanager
def reading(language: str | None):
    """Everything fetched inside is shown in ``language`` (None or the original: as stored)."""
    token = _reading.set(language)
    try:
        yield
    finally:
        _reading.reset(token)


def reading_language() -> str | None:
    return _reading.get()


# --- the rule and the writer ---------------------------------------------------------------


def check_translation(translation) -> None:
    """Refuse a translation that would say what the original does not source.

    The source rule, for translations: its Markdown cites exactly the markers the original's
    text does ([^N] for the same N), so no sentence of a translation carries a claim without its
    citation, and none points at a citation the item lacks. A published translation has a title
    (or body, for models with no title) wherever the original has one."""
    item = translation.item
    if item is None:
        raise TranslationError({"object_id": _("The translation's item does not exist.")})
    if translation.language not in TRANSLATION_LANGUAGES:
        raise TranslationError(
            {
                "language": _("A translation is into one of %(languages)s.")
                % {"languages": ", ".join(TRANSLATION_LANGUAGES)}
            }
        )
    fields = translated_fields(type(item))
    errors = {}
    for column in COLUMNS:
        if column not in fields and getattr(translation, column):
            errors[column] = _("A %(kind)s has no %(column)s to translate.") % {
                "kind": type(item)._meta.verbose_name,
                "column": column,
            }
    original_markers = set()
    translated_markers = set()
    for column, field in fields.items():
        original_markers |= cited_numbers(getattr(item, field, "") or "")
        translated_markers |= cited_numbers(getattr(translation, column) or "")
    added = sorted(translated_markers - original_markers)
    dropped = sorted(original_markers - translated_markers)
    if added:
        errors.setdefault("body", []).append(
            _(
                "The translation cites %(markers)s, which the original does not: a translation "
                "adds no claim without the original's citation."
            )
            % {"markers": ", ".join(f"[^{n}]" for n in added)}
        )
    if dropped and translation.status == translation.Status.PUBLISHED:
        errors.setdefault("body", []).append(
            _(
                "The translation leaves out %(markers)s: every claim keeps its citation in every language."
            )
            % {"markers": ", ".join(f"[^{n}]" for n in dropped)}
        )
    if translation.status == translation.Status.PUBLISHED:
        for column, field in fields.items():
            if getattr(item, field, "") and not (getattr(translation, column) or "").strip():
                errors.setdefault(column, []).append(
                    _("A published translation translates this: the original has it.")
                )
    if errors:
        raise TranslationError(errors)


def original_text(item) -> dict[str, str]:
    """The original's text in the translation's columns."""
    return {
        column: getattr(item, field, "") or ""
        for column, field in translated_fields(type(item)).items()
    }


def prepare_translation(translation) -> None:
    """Before a save: render the body's Markdown as the original's is, and record the version
    of the original this text was made from (the latest, as an editor saving a translation has
    the original in front of them)."""
    item = translation.item
    if item is None:
        return
    refuse_overlaid(item)
    fields = translated_fields(type(item))
    rendered = getattr(type(item), "rendered_fields", {}) or {}
    body_field = fields.get("body")
    if body_field in rendered:
        translation.body_html = render_markdown(
            translation.body, anchor_prefix=getattr(item, "citation_anchor_prefix", "source")
        )
    else:
        translation.body_html = ""
    if not getattr(translation, "_keep_made_from", False):
        translation.made_from = original_text(item)
        history = getattr(item, "history", None)
        latest = history.order_by("-history_id").first() if history is not None else None
        translation.made_from_version = latest.history_id if latest is not None else None


def write_translation(item, language: str, *, fields: dict, status=None, **flags):
    """The one writer of translations (admin, API, imports, the demo): checked, then saved."""
    from .models import Translation

    translation = Translation.objects.of(item).filter(language=language).first() or Translation(
        content_type=ContentType.objects.get_for_model(type(item)),
        object_id=item.pk,
        language=language,
    )
    translation.item = item
    for column in COLUMNS:
        if column in fields:
            setattr(translation, column, fields[column] or "")
    if status is not None:
        translation.status = status
    for name, value in flags.items():
        setattr(translation, name, value)
    translation.full_clean(exclude=["content_type", "object_id"])
    translation.save()
    return translation


def follow_citations(item, numbers: dict[int, int], *, count: int) -> None:
    """The original's citations moved or went (services.ItemWrite, numbers: old → new): each
    translation's [^N] markers are renumbered as the original's were. A translation still citing
    a citation the original removed would carry a claim without its source: it goes back to
    draft, so readers get the original until a translator brings it up to date."""
    from .models import Translation

    if all(old == new for old, new in numbers.items()) and len(numbers) == count:
        return
    for translation in Translation.objects.of(item):
        texts = [getattr(translation, column) or "" for column in COLUMNS]
        cited = set().union(*(cited_numbers(text) for text in texts))
        removed = {n for n in cited if 1 <= n <= count and n not in numbers}
        for column in COLUMNS:
            setattr(translation, column, renumber_markers(getattr(translation, column), numbers))
        if removed and translation.status == translation.Status.PUBLISHED:
            translation.status = translation.Status.DRAFT
        translation.item = item
        translation._keep_made_from = True  # still made from the earlier original: outdated
        translation.save()


def index_translation(translation) -> None:
    """The translation's search vector in its language's configuration (PostgreSQL); on SQLite
    its row of the FTS index (karabakh_site.search)."""
    from .models import Translation

    db = translation._state.db or "default"
    if connections[db].vendor != "postgresql":
        from karabakh_site.search import index_sqlite_translation

        index_sqlite_translation(translation, db)
        return
    from django.contrib.postgres.search import SearchVector

    config = SEARCH_CONFIGS.get(translation.language, "simple")
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )
    Translation.objects.using(db).filter(pk=translation.pk).update(search_vector=vector)


# --- status for editors ----------------------------------------------------------------------


def status_of(item, translation) -> str:
    """ "missing", "draft", "outdated" or "up to date", for the admin and the report."""
    if translation is None:
        return "missing"
    if translation.made_from != original_text(item):
        return "outdated"
    if translation.status != translation.Status.PUBLISHED:
        return "draft"
    return "up to date"


def changes_since(item, translation) -> list[tuple[str, list]]:
    """What changed in the original since the translation was made: per column, a word diff."""
    from .history import word_diff

    before = translation.made_from or {}
    changes = []
    for column, now in original_text(item).items():
        then = before.get(column, "")
        if then != now:
            changes.append((column, word_diff(then, now)))
    return changes


def statuses(item) -> list[dict]:
    """Every other language's status for one item."""
    from .models import Translation

    rows = {row.language: row for row in Translation.objects.of(item)}
    return [
        {
            "language": code,
            "name": language_name(code),
            "translation": rows.get(code),
            "status": status_of(item, rows.get(code)),
            "changes": changes_since(item, rows[code]) if code in rows else [],
        }
        for code in TRANSLATION_LANGUAGES
    ]


def outdated_report() -> list[dict]:
    """Every translation whose original changed since it was made, and every published item
    with a language missing: the report editors work from (admin and manage.py command)."""
    from .kinds import content_kinds
    from .models import Translation

    report = []
    for kind in content_kinds():
        model = kind.model
        content_type = ContentType.objects.get_for_model(model)
        rows: dict[int, dict[str, object]] = {}
        for row in Translation.objects.filter(content_type=content_type):
            rows.setdefault(row.object_id, {})[row.language] = row
        for item in model.objects.published().order_by("pk"):
            for code in TRANSLATION_LANGUAGES:
                state = status_of(item, rows.get(item.pk, {}).get(code))
                if state != "up to date":
                    report.append({"item": item, "kind": kind, "language": code, "status": state})
    return report


# --- readers ----------------------------------------------------------------------------------


def refuse_overlaid(item) -> None:
    """An item shown in a translation is a reader's view of it, not the record: never saved."""
    shown = item.__dict__.get(OVERLAID)
    if shown is not None and shown != ORIGINAL_LANGUAGE:
        raise RuntimeError(
            f"{item!r} is shown in {shown} for readers; fetch the original to change it."
        )


def overlay(items, language: str | None = None) -> None:
    """Show ``items`` (instances of one model) in ``language``: one query for their published
    translations in every language (the languages each has), none for the original language."""
    from .models import Translation

    language = language or reading_language()
    if not items or language is None:
        return
    model = type(items[0])
    fields = translated_fields(model)
    if not fields:
        return
    pending = [item for item in items if OVERLAID not in item.__dict__]
    if not pending:
        return
    by_item: dict[int, dict[str, Translation]] = {}
    content_type = ContentType.objects.db_manager(pending[0]._state.db).get_for_model(model)
    rows = (
        Translation.objects.using(pending[0]._state.db)
        .published()
        .filter(content_type=content_type, object_id__in=[item.pk for item in pending])
    )
    if language == ORIGINAL_LANGUAGE:
        # Only which languages there are: the text stays the original's.
        rows = rows.only("object_id", "language")
    else:
        # Never shown: the stored vector is searched in the database (karabakh_site.search).
        rows = rows.defer("search_vector")
    for row in rows:
        by_item.setdefault(row.object_id, {})[row.language] = row
    rendered = getattr(model, "rendered_fields", {}) or {}
    for item in pending:
        available = by_item.get(item.pk, {})
        item.available_languages = [ORIGINAL_LANGUAGE, *sorted(available, key=LANGUAGES.index)]
        item.page_language_name = language_name(language)
        translation = available.get(language) if language != ORIGINAL_LANGUAGE else None
        item.translation = translation
        item.translation_missing = language != ORIGINAL_LANGUAGE and translation is None
        item.translation_outdated = False
        if translation is None:
            item.__dict__[OVERLAID] = ORIGINAL_LANGUAGE
            continue
        item.translation_outdated = translation.made_from != original_text(item)
        for column, field in fields.items():
            value = getattr(translation, column)
            if value:
                item.__dict__[field] = value
                if field in rendered and column == "body":
                    item.__dict__[rendered[field]] = translation.body_html
        item.__dict__[OVERLAID] = language


def shown_language(item) -> str:
    return item.__dict__.get(OVERLAID) or ORIGINAL_LANGUAGE


def original_url(item) -> str:
    """The item's page in the original language."""
    with django_translation.override(ORIGINAL_LANGUAGE):
        return item.get_absolute_url()


class ReadingLanguageMiddleware:
    """Readers' reads in the page's language: reader pages (their URL prefix) and API reads
    (``?lang=`` or Accept-Language). Writes, the admin and everything else read the record as
    stored. After LocaleMiddleware, which activates the prefix's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.language_for(request)
        if language is None:
            return self.get_response(request)
        api = request.path_info.startswith("/api/")
        with reading(language), contextlib.ExitStack() as stack:
            if api:
                # The API's own words (place names, messages) in the language of its content.
                stack.enter_context(django_translation.override(language))
            response = self.get_response(request)
        if api:
            # The language of the content answered (LocaleMiddleware's header is the interface's).
            response["Content-Language"] = language
            from django.utils.cache import patch_vary_headers

            patch_vary_headers(response, ("Accept-Language",))
        return response

    @staticmethod
    def language_for(request) -> str | None:
        if request.method not in ("GET", "HEAD"):
            return None
        from karabakh_site.languages import unprefixed_path

        path = request.path_info
        if path.startswith("/api/"):
            return api_language(request)
        if path != unprefixed_path(path):
            language = django_translation.get_language()
            # English pages show the records as stored: no query for translations.
            return None if language == ORIGINAL_LANGUAGE else language
        return None


def api_language(request) -> str:
    """The API's language: ``?lang=``, else the best of Accept-Language, else the original. An
    unknown ``lang`` is left to the views, which answer 400 (core.api)."""
    requested = request.GET.get("lang")
    if requested in LANGUAGES:
        return requested
    if requested:
        return ORIGINAL_LANGUAGE
    from django.utils.translation.trans_real import parse_accept_lang_header

    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        primary = code.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
        if code == "*":
            break
    return ORIGINAL_LANGUAGE
