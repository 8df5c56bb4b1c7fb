"""Conditional GET and cache headers for every API view: ApiViewMixin, which every API view
(the viewsets, search, the schema and its docs) mixes in."""

import hashlib
import time

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from karabakh_site.core import changes, faults, page_cache
from karabakh_site.core.translations import LANGUAGES


class _KeptAnswer(Exception):
    """Raised from initial() (after authentication, permissions and throttling) to answer from
    the shared cache; handle_exception() returns the answer."""

    def __init__(self, response):
        self.response = response


def _not_modified(request, etag: str, last_modified) -> bool:
    # RFC 9110 13.2.2: If-None-Match, when present, decides alone.
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = parse_etags(if_none_match)
        return tags == ["*"] or etag.removeprefix("W/") in {t.removeprefix("W/") for t in tags}
    if last_modified is None:
        return False
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(last_modified.timestamp()) <= since


class ApiViewMixin:
    """ETag, Last-Modified and 304s on every successful GET; Cache-Control on every response:
    public for anonymous reads (which only ever see published content), private otherwise.

    The ETag is a hash of the body. Last-Modified is the site-wide content clock
    (core.changes.last_modified), read after the answer is built and judged against the time the
    request started, so it is the same from every worker and never earlier than a change the
    answer depends on; when no such date can be given, only the ETag is sent."""

    # Query parameters a view reads itself (search's q and kind, ...), beside its filters,
    # ordering and pagination, which known_parameters() finds.
    query_parameters: tuple[str, ...] = ()

    def filter_queryset(self, queryset):
        # An item is found by its address alone: a list's filters and ordering in a detail's
        # query string are ignored, as any unknown parameter (the schema lists none there).
        if getattr(self, "detail", False):
            return queryset
        return super().filter_queryset(queryset)

    def known_parameters(self) -> set[str]:
        """The query parameters this view reads. The rest are ignored (docs/api.md, "Parameters
        and values"), as on the site's pages."""
        # lang= is every read's: the language of the content (core.translations).
        names = set(self.query_parameters) | {"lang"}
        if getattr(self, "detail", False):
            return names
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            names |= set(filterset_class.base_filters)
        for backend in getattr(self, "filter_backends", ()):
            if issubclass(backend, OrderingFilter):
                names.add(backend.ordering_param)
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            names |= {paginator.page_query_param, paginator.page_size_query_param}
        return names

    def initial(self, request, *args, **kwargs):
        # Before any query for the answer (see core.changes.last_modified).
        self.content_read_from = time.time()
        super().initial(request, *args, **kwargs)
        known = self.known_parameters()
        # "?ordering=" or "?updated_since=" would otherwise mean "no filter" silently.
        empty = sorted({name for name, value in request.query_params.items() if value == ""})
        errors = {
            name: ["Give a value, or leave the parameter out."] for name in empty if name in known
        }
        # DRF's own name for a text filter: a client trying it would get every item, silently.
        if "search" in request.query_params and "q" in known and "search" not in known:
            errors["search"] = ["This API filters by text with q=, not search=."]
        language = request.query_params.get("lang")
        if language and language not in LANGUAGES:
            errors["lang"] = [f"Choose one of {', '.join(LANGUAGES)}: the archive's languages."]
        if errors:
            raise exceptions.ValidationError(errors)
        self.kept_as = self.kept_reading = None
        if page_cache.keepable(request._request) and not request.user.is_authenticated:
            reading = self.kept_reading = changes.read()
            if reading.settled:
                self.kept_as = page_cache.key(request._request, reading, "api")
                kept = page_cache.fetch(self.kept_as)
                if kept is not None:
                    raise _KeptAnswer(kept)

    def handle_exception(self, exc):
        if isinstance(exc, _KeptAnswer):
            return exc.response
        # Before the API's exception handler, which would answer a database that is down or hung
        # with a 500: a 503 with Retry-After tells clients (and load balancers) to come back.
        if faults.database_unavailable(exc):
            faults.logger.warning("Database unavailable, answering 503: %s", exc)
            return faults.unavailable_response(self.request)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are JSON whatever the view renders otherwise (the schema's YAML, the docs'
            # HTML) and whatever Accept asked for: a 406 or a 429 on the schema included.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in getattr(request._request, "rate_limit", {}).items():
            response[name] = value
        anonymous = not (request.user and request.user.is_authenticated)
        reading = getattr(self, "kept_reading", None)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            kept = getattr(response, "kept", False)
            if not kept:
                response.render()
            started = getattr(self, "content_read_from", None)
            # A reading taken after the answer's last query: the one it was kept under, for a
            # kept answer (it ran none); else the one below, or last_modified()'s own.
            after = reading if kept else None
            # Hashed once: a kept answer carries the ETag it was kept with.
            etag = (kept and response.get("ETag")) or (
                '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
            )
            response["ETag"] = etag
            if not kept and getattr(self, "kept_as", None) and page_cache.worth_keeping(response):
                # Read again after building: a change dated meanwhile moves the key, and this
                # answer, which may or may not hold it, is kept under neither.
                after = changes.read()
                if after.settled and after.key == reading.key:
                    page_cache.store(self.kept_as, response, page_cache.seconds_left(
                        after, until_midnight=False))  # fmt: skip
            last_modified = None
            if started is not None:
                after = after or changes.read()
                last_modified = changes.last_modified(started, reading=after)
            reading = after or reading
            if _not_modified(request, etag, last_modified):
                response = HttpResponseNotModified()
            response["ETag"] = etag
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified.timestamp())
        if request.method in ("GET", "HEAD") and response.status_code in (200, 304) and anonymous:
            # Public, but never past the next scheduled publish or withdraw time (page_cache).
            page_cache.patch_public(
                response, reading or changes.read(), max_age=settings.API_CACHE_MAX_AGE,
                pages=False,
            )  # fmt: skip
        elif request.method in ("GET", "HEAD") and response.status_code in (200, 304):
            # Drafts may be in it: no shared cache keeps it; the client revalidates with the ETag.
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, no_store=True)
        patch_vary_headers(response, ["Accept", "Authorization"])
        return response
