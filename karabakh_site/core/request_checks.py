"""Requests refused before any view sees them (named in settings.MIDDLEWARE)."""

from django.http import JsonResponse
from django.shortcuts import render

NUL = "\x00"
NUL_MESSAGE = "The request contains a NUL character (%00), which the archive does not accept."
# Bodies whose fields Django parses into request.POST; JSON is the API parser's (DRF's CharField
# refuses NUL on its own field), files are never looked into.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulMiddleware:
    """A NUL character in the path, the query string or posted form fields is a 400 on every URL
    (JSON under /api/, the 400 page elsewhere). PostgreSQL refuses NUL in any text, so one that
    reaches a query (an admin changelist filter, its search, its date hierarchy; any filter or
    lookup written later) raised a 500; no real address or form needs one, so it is refused once
    here rather than field by field.

    Form fields are checked in process_view, after CsrfViewMiddleware has parsed them anyway;
    views exempt from CSRF (the API) get their bodies left alone for their own parsers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _has_nul(request.GET):
            return self.refuse(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method == "POST"
            and not getattr(view_func, "csrf_exempt", False)
            and request.content_type in FORM_TYPES
            and _has_nul(request.POST)
        ):
            return self.refuse(request)
        return None

    @staticmethod
    def refuse(request):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": NUL_MESSAGE}, status=400)
        return render(request, "400.html", {"problems": [(None, NUL_MESSAGE)]}, status=400)
