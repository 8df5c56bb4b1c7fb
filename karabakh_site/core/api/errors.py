"""Errors as JSON: the API's exception handler and JSON parser (named in settings.REST_FRAMEWORK),
and the site's 404 handler (karabakh_site.urls.handler404), JSON under /api/."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, parsers, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

logger = logging.getLogger("django.request")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with JSON nested deeper than Python's recursion limit (an array 20,000
    deep) refused as malformed JSON rather than crashing the decoder."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None


def exception_handler(exc, context):
    """DRF's JSON errors, plus the model layer's ValidationError (the source rule, clean()) as a
    400 keyed by field, a protected delete as a 409, and a body over the upload limit as a 413."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {"detail": f"The request body is larger than the {limit:,} bytes the API accepts."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            get_error_detail(exc)
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, ProtectedError):
        names = sorted({str(obj) for obj in exc.protected_objects})[:5]
        return Response(
            {"detail": "Still in use, so it cannot be deleted: " + "; ".join(names) + "."},
            status=status.HTTP_409_CONFLICT,
        )
    # Imported here: rest_framework.views reads the settings that name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None and not settings.DEBUG:
        # An unexpected error: logged as Django logs one, answered in JSON like every API error.
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s", getattr(request, "path", "?"), exc_info=exc,
            extra={"status_code": 500, "request": getattr(request, "_request", None)},
        )  # fmt: skip
        response = Response(
            {"detail": "Server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception, html_handler=defaults.page_not_found):
    """handler404: JSON under /api/, the site's HTML page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return html_handler(request, exception)
