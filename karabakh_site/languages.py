"""The site's four languages as readers meet them: the URL prefix, the switcher, the alternates.

Every reader page lives under its language's prefix (/en/, /hy/, /az/, /ru/: i18n_patterns in
karabakh_site.urls); a bare path is redirected by LocaleMiddleware to the reader's language (the
cookie a choice in the switcher set, else Accept-Language, else English). The API, the sitemap,
robots.txt, the health check and share images have no prefix: the API takes ``lang`` or
Accept-Language (core.translations), the sitemap lists every language's URL with its alternates.
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

# What the switcher calls each language: in that language, so a reader who cannot read the
# current page's language still finds their own.
NATIVE_NAMES = {"en": "English", "hy": "Հայերեն", "az": "Azərbaycanca", "ru": "Русский"}
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def native_name(code: str) -> str:
    return NATIVE_NAMES.get(code, code)


def unprefixed_path(path: str) -> str:
    """/hy/articles/x/ → /articles/x/ (a path without a language prefix is returned as is)."""
    for code in LANGUAGE_CODES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return path[len(code) + 1 :]
    return path


def path_in(path: str, code: str) -> str:
    """The same page in another language: the path under that language's prefix."""
    rest = unprefixed_path(path)
    return f"/{code}{rest}"


def page_languages(request):
    """Context processor: the language of the page and its alternates.

    ``page_path`` is the page's path without the language prefix (the navigation marks its
    section by it); ``alternates`` is every language's URL of the same page, with the query kept,
    for the switcher and for ``<link rel="alternate" hreflang>``."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    path = request.path
    prefixed = path != unprefixed_path(path)
    try:
        request.get_host()
    except DisallowedHost:
        # The 400 page for a Host not allowed: no absolute URL can be built for it.
        prefixed = False
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    alternates = []
    if prefixed:
        for code in LANGUAGE_CODES:
            alternates.append(
                {
                    "code": code,
                    "name": native_name(code),
                    "path": path_in(path, code) + suffix,
                    "url": request.build_absolute_uri(path_in(path, code)) + suffix,
                    "current": code == language,
                }
            )
    return {
        "page_path": unprefixed_path(path),
        "page_language": language,
        "page_language_bidi": translation.get_language_bidi(),
        "alternates": alternates,
        "x_default_url": request.build_absolute_uri(unprefixed_path(path)) + suffix
        if prefixed
        else "",
    }


@require_safe
def switch_language(request, code):
    """/language/<code>/?next=<page>: remember the reader's choice in the language cookie (which
    the redirect of a bare path reads) and open the same page in that language. A link, not a
    form: it works without JavaScript and needs no CSRF token, so pages stay cacheable."""
    if code not in LANGUAGE_CODES:
        code = settings.LANGUAGE_CODE
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        target = "/"
    path, _sep, query = target.partition("?")
    target = path_in(path, code) + (f"?{query}" if query else "")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=request.is_secure(),
        httponly=True,
    )
    return response
