"""Middleware of the reader site."""

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
