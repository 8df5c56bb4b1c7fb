"""Middleware of the reader site."""

from django.conf import settings
from django.middleware.http import ConditionalGetMiddleware


class PageConditionalGetMiddleware(ConditionalGetMiddleware):
    """Conditional GET for the reader pages, feeds and sitemap: an ETag from the body (no query),
    304 when If-None-Match matches it. Django's feeds and sitemap send the newest listed item's
    date as Last-Modified, which stays put or goes back when an item leaves the list; answering
    If-Modified-Since from it would tell a client holding a withdrawn item that nothing changed,
    so it is dropped. (The API sets its own validators, see core.api.conditional.ApiViewMixin.)"""

    def process_response(self, request, response):
        if request.path.startswith("/api/"):
            return response
        response.headers.pop("Last-Modified", None)
        return super().process_response(request, response)


class ContentLanguageMiddleware:
    """Content-Language on every page, feed and API answer: the language readers get, which is
    the site's (settings.LANGUAGE_CODE's primary subtag) until content comes in several. A view
    that knows better sets its own. Static files are served before this runs (whitenoise)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.language = settings.LANGUAGE_CODE.split("-")[0]

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", self.language)
        return response
