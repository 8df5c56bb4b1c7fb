"""Kept answers: anonymous reader pages and API reads served from the shared cache, and the
Cache-Control that lets a CDN or reverse proxy do the same.

Right at every moment, on every worker. An answer is kept under a key made of the content clock's
reading (core.changes.read: the newest dated change and the newest publish or withdraw time that
has passed), so any write a reader could see, and any scheduled time passing, changes every key at
once, on every worker: there is nothing to invalidate and nothing a worker can miss. The reading
is one small query per request (its SQL written once and, on PostgreSQL, prepared once per
connection: core.changes.read), against the database every worker shares, so it holds even when
the cache itself was unreachable while content changed (a generation counter kept in the cache
would not). Nothing is kept while a change is in flight (a pending clock row): a page built then
may show the content before or after it. The date is in the key too: pages say "Accessed today".

Kept only when nothing about the reader can change the answer: GET or HEAD, no session or messages
cookie, no Authorization header (editors and API tokens may preview drafts, and are answered
afresh, `private`). The key also holds the request headers the answer may vary by: Accept (API
formats), Origin (CORS), and Accept-Language where no language is in the path.

Edges: anonymous answers say `public, max-age` (PAGE_MAX_AGE) with `stale-while-revalidate`, both
cut so they end no later than the next scheduled publish or withdraw time: a proxy never serves a
list past the moment it changes by the clock. Edits still reach a proxy only when its copy
expires (max-age): that is the price of the edge, and why max-age is short.

PAGE_CACHE_SECONDS bounds how long an answer is kept (0 turns keeping off: `make bench` measures
"cold" that way). A shared cache that fails is skipped (core.faults.cache_circuit), never an error.
"""

import datetime as dt
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

from . import changes
from .faults import (
    CACHE_ERRORS,
    cache_circuit,
    database_unavailable,
    logger,
    unavailable_response,
)

VERSION = 2  # bumped when what is kept changes shape
# The headers of a request an answer may depend on, beside its path and query (see above).
KEYED_HEADERS = ("HTTP_ACCEPT", "HTTP_ORIGIN")
# Headers a kept answer must not carry to another reader.
NOT_KEPT = {
    "set-cookie",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "retry-after",
    "date",
    "age",
}
# Paths never kept: the admin and its login, the language switch (it sets a cookie), health
# checks, share images (cached on their own), static files.
NEVER = ("/admin/", "/language/", "/healthz", "/share/", "/static/")


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def anonymous(request) -> bool:
    """Whether nothing about the reader can change the answer. Read from the request itself, so
    the kept answer is found before sessions, authentication or the view run."""
    cookies = request.COOKIES
    return (
        "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def keepable(request) -> bool:
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and anonymous(request)
        and not request.path.startswith(NEVER)
    )


def key(request, reading: changes.Reading, scope: str) -> str:
    parts = [request.get_full_path()]
    parts += [request.META.get(name, "") for name in KEYED_HEADERS]
    first = request.path.strip("/").split("/", 1)[0]
    if first not in dict(settings.LANGUAGES):
        parts.append(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    day = timezone.localdate().isoformat()
    return f"kept:{VERSION}:{scope}:{reading.key}:{day}:{digest}"


def seconds_left(reading: changes.Reading, *, until_midnight: bool) -> float:
    """Seconds until the answer may change by the clock alone: the next scheduled publish or
    withdraw time, and for pages the next day (their "Accessed today")."""
    now = timezone.now()
    ends = [reading.upcoming] if reading.upcoming else []
    if until_midnight:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        ends.append(timezone.make_aware(dt.datetime.combine(tomorrow, dt.time())))
    return min(((end - now).total_seconds() for end in ends), default=float("inf"))


def read_clock() -> changes.Reading | None:
    """The clock, or None when the database cannot answer (after a page was built: it is then
    not kept)."""
    try:
        return changes.read()
    except Exception as error:
        if database_unavailable(error):
            return None
        raise


def fetch(cache_key: str):
    if cache_circuit.is_open():
        return None
    try:
        kept = cache.get(cache_key)
    except CACHE_ERRORS as error:
        cache_circuit.failed(error, "pages and API reads are built for every request meanwhile")
        return None
    cache_circuit.succeeded()
    if kept is None:
        return None
    status, headers, content, stored_at = kept
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    # As a shared cache says (RFC 9111, 5.1): a proxy in front counts max-age from it too.
    response["Age"] = str(max(0, int(time.time() - stored_at)))
    response.kept = True
    return response


def store(cache_key: str, response, seconds: float) -> None:
    timeout = int(min(settings.PAGE_CACHE_SECONDS, seconds))
    if timeout < 1 or cache_circuit.is_open():
        return
    if not response.has_header("ETag"):
        # The ETag the conditional-GET middleware would hash from the body on every hit, hashed
        # once: a kept page then carries it (0.35 ms a request for a 250 KB page).
        set_response_etag(response)
    headers = [(n, v) for n, v in response.items() if n.lower() not in NOT_KEPT]
    try:
        cache.set(
            cache_key, (response.status_code, headers, response.content, time.time()), timeout
        )
    except CACHE_ERRORS as error:
        cache_circuit.failed(error, "pages and API reads are built for every request meanwhile")


def worth_keeping(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


def patch_public(response, reading: changes.Reading | None, *, max_age: int, pages: bool) -> None:
    """`public, max-age`, with `stale-while-revalidate`, ending by the next scheduled time."""
    left = seconds_left(reading, until_midnight=pages) if reading else 0
    age = int(max(0, min(max_age, left)))
    stale = int(max(0, min(settings.PAGE_STALE_WHILE_REVALIDATE, left - age)))
    directives = {"public": True, "max_age": age}
    if stale:
        directives["stale_while_revalidate"] = stale
    patch_cache_control(response, **directives)


class PageCacheMiddleware:
    """Reader pages, feeds, the sitemap: kept answers for anonymous readers (see the module).
    Placed after the conditional-GET middleware (so a kept page still gets its ETag and 304s) and
    the security headers, before sessions: a kept page costs the clock query and one cache read.
    The API keeps its answers in its views, after authentication and throttling
    (core.api.conditional), so it is skipped here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not anonymous(request) or request.path.startswith(NEVER):
            response = self.get_response(request)
            if "Cache-Control" not in response:
                # An editor may see a preview or a draft's link: no shared cache keeps it.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        try:
            reading = changes.read()
        except Exception as error:
            if not database_unavailable(error):
                raise
            # The page needs the database too: the 503 now, not after its own queries wait out
            # a second connect timeout (a frozen server cost 5 s instead of 3).
            logger.warning("Database unavailable, answering 503: %s", error)
            return unavailable_response(request)
        settled = reading.settled
        cache_key = key(request, reading, "page") if settled and keepable(request) else None
        response = fetch(cache_key) if cache_key else None
        if response is None:
            response = self.get_response(request)
            if cache_key and worth_keeping(response):
                # Read again: a change dated while the page was built moves the key, and the
                # page, which may hold it or not, is then not kept under either.
                after = read_clock()
                if after is not None and after.settled and after.key == reading.key:
                    store(cache_key, response, seconds_left(after, until_midnight=True))
        if response.status_code == 200 and "Cache-Control" not in response:
            patch_public(response, reading, max_age=settings.PAGE_MAX_AGE, pages=True)
        return response
