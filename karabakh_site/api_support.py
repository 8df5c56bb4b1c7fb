"""What every API view shares: permissions, throttling, pagination, ordering, conditional GET,
cache headers, JSON errors and the schema hook that documents them. The router and URLs are in
karabakh_site.api; each app's viewsets are in its own api.py."""

import decimal
import hashlib
import logging
import math
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import ProtectedError
from django.http import HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.views import defaults
from rest_framework import exceptions, parsers, permissions, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from karabakh_site.core import changes
from karabakh_site.core.models import Publishable
from karabakh_site.core.publishing import may_change_shared_record

logger = logging.getLogger("django.request")

# What a slug may contain (Django's validate_slug), for URL lookups and slug-valued fields.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_PATH = SLUG.pattern

PUBLIC_STATUSES = {Publishable.Status.PUBLISHED, Publishable.Status.WITHDRAWN}


def model_permission(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def may_view_unpublished(user, model) -> bool:
    """Whether ``user`` reads every item of ``model`` rather than only published() ones."""
    return bool(user and user.is_authenticated and user.has_perm(model_permission(model, "view")))


def may_publish(user, model) -> bool:
    return bool(
        user and user.is_authenticated and user.has_perm(model_permission(model, "publish"))
    )


class ArchiveModelPermissions(permissions.DjangoModelPermissions):
    """Anyone may read (what they read is narrowed by each view's queryset); writing needs the
    user's add/change/delete model permission. Once an item is public (published or withdrawn), or a
    source or place shows on published pages, only users who may publish change it, as in the
    admin."""

    authenticated_users_only = False
    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
    }

    def has_permission(self, request, view):
        if not hasattr(view, request.method.lower()):
            # Let the view answer 405 (with Allow) rather than 401/403 for a method it lacks.
            return True
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not isinstance(obj, Publishable):
            # Sources and places: the admin's rule, so a contributor cannot change published pages
            # by editing what they cite or name.
            if not may_change_shared_record(request.user, obj):
                raise exceptions.PermissionDenied(
                    f"This {obj._meta.verbose_name} shows on published pages; only an editor who "
                    "may publish can change or delete it."
                )
            return True
        if obj.status in PUBLIC_STATUSES and not may_publish(request.user, type(obj)):
            raise exceptions.PermissionDenied(
                "This item is public; only an editor who may publish can change or delete it."
            )
        return True


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients only, per IP address, at settings.API_ANON_THROTTLE_RATE (read on each
    request, so a changed setting applies at once): at most that many requests in each window of
    the period (a minute from :00, an hour from :00, ...), Retry-After the end of the window.

    The count lives in the shared cache and only ever goes up by one per request: the first
    request of a window adds the key, later ones increment it. DRF's own throttle reads a list of
    times and writes it back, so workers that overlap overwrite each other's requests. On Redis
    (add is SET NX, incr is INCR) the count is exact under any concurrency; the database cache's
    add is atomic (a unique key) but its increment is a read then a write, so requests from one
    client that arrive at the same instant may count as one."""

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE

    def allow_request(self, request, view):
        self.key = self.get_cache_key(request, view)
        if self.rate is None or self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        # Kept a whole period past its window, so a key is never incremented after it expired.
        timeout = math.ceil(self.window_ends - self.now) + self.duration
        count = self._count(f"{self.key}:{window}", timeout)
        return count <= self.num_requests or self.throttle_failure()

    def _count(self, key: str, timeout: int) -> int:
        cache = caches["default"]  # The backend itself (DRF's is a proxy to it).
        if type(cache).incr is not BaseCache.incr:
            # A native increment (Redis, local memory): atomic, and it keeps the key's timeout.
            try:
                return cache.incr(key)
            except ValueError:
                if cache.add(key, 1, timeout):
                    return 1
                return cache.incr(key)
        # The generic increment writes the value back with the default timeout, which would end
        # a window of an hour after five idle minutes; write it back with the window's.
        count = cache.get(key)
        if count is None:
            if cache.add(key, 1, timeout):
                return 1
            count = cache.get(key, 0)
        cache.set(key, count + 1, timeout)
        return count + 1

    def wait(self):
        return self.window_ends - self.now


class ArchivePagination(PageNumberPagination):
    """page and page_size, checked strictly: a bad value is a 400, not a silent default."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}, not {raw!r}."]}
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and (not raw.isdigit() or int(raw) < 1):
            raise exceptions.ValidationError(
                {"page": [f"Give a page number of 1 or more, not {raw!r}."]}
            )
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = int(raw) if raw is not None else 1
        if number > paginator.num_pages:
            raise exceptions.NotFound(
                f"Page {number} does not exist; there "
                + (
                    "is 1 page."
                    if paginator.num_pages == 1
                    else f"are {paginator.num_pages} pages."
                )
            )
        self.page = paginator.page(number)
        self.request = request
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {self.max_page_size} "
                f"(default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class WhitelistOrderingFilter(OrderingFilter):
    """?ordering=a,-b from the view's ``ordering_fields`` only (an unknown field is a 400), always
    ending with the primary key, so equal values never make pages skip or repeat rows."""

    def get_valid_names(self, view) -> list[str]:
        return list(getattr(view, "ordering_fields", ()))

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None or raw.strip() == "":
            ordering = list(self.get_default_ordering(view) or ())
        else:
            valid = self.get_valid_names(view)
            ordering = [term.strip() for term in raw.split(",")]
            unknown = [term for term in ordering if term.removeprefix("-") not in valid]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            f"Unknown ordering {', '.join(repr(t) for t in unknown)}. "
                            f"Choose from {', '.join(valid)}, each optionally prefixed with -."
                        ]
                    }
                )
        if not any(term.removeprefix("-") in {"id", "pk"} for term in ordering):
            ordering.append("id")
        return ordering

    def get_schema_operation_parameters(self, view):
        names = "|".join(self.get_valid_names(view))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Comma-separated fields to sort by, - for descending: "
                + ", ".join(self.get_valid_names(view))
                + ". Ties are always broken by id.",
                "schema": {"type": "string", "pattern": rf"^-?({names})(,-?({names}))*$"},
            }
        ]


# Conditional GET -------------------------------------------------------------------------------


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

    def initial(self, request, *args, **kwargs):
        # Before any query for the answer (see core.changes.last_modified).
        self.content_read_from = time.time()
        super().initial(request, *args, **kwargs)
        # "?ordering=" or "?updated_since=" would otherwise mean "no filter" silently.
        empty = sorted({name for name, value in request.query_params.items() if value == ""})
        if empty:
            raise exceptions.ValidationError(
                {name: ["Give a value, or leave the parameter out."] for name in empty}
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        anonymous = not (request.user and request.user.is_authenticated)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
            started = getattr(self, "content_read_from", None)
            last_modified = changes.last_modified(started) if started is not None else None
            if _not_modified(request, etag, last_modified):
                response = HttpResponseNotModified()
            response["ETag"] = etag
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified.timestamp())
        if request.method in ("GET", "HEAD") and response.status_code in (200, 304) and anonymous:
            patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
        elif request.method in ("GET", "HEAD") and response.status_code in (200, 304):
            # Drafts may be in it: no shared cache keeps it; the client revalidates with the ETag.
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, no_store=True)
        patch_vary_headers(response, ["Accept", "Authorization"])
        return response


# Errors ----------------------------------------------------------------------------------------


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


# Schema ----------------------------------------------------------------------------------------

_ERROR = {"$ref": "#/components/schemas/Error"}
_FIELD_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}


def _error_response(description: str, schema=_ERROR, headers=None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _refuse_nul(schema: dict) -> None:
    # Django refuses NUL characters in text (PostgreSQL cannot store them); say so in the schema.
    if schema.get("type") == "string" and not {"format", "enum", "pattern"} & schema.keys():
        schema["pattern"] = r"^[^\x00]*$"


def _link_created_items(paths: dict) -> None:
    """OpenAPI links from each create to its item's operations (the created item's slug or id
    fills the detail path), so clients and stateful testers can follow them."""
    for path, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        if "{" in path or created is None:
            continue
        for detail_path, detail_operations in paths.items():
            match = re.fullmatch(re.escape(path) + r"\{(\w+)\}/", detail_path)
            if not match:
                continue
            parameter = match.group(1)
            created["links"] = {
                operation["operationId"]: {
                    "operationId": operation["operationId"],
                    "parameters": {parameter: f"$response.body#/{parameter}"},
                }
                for operation in detail_operations.values()
                if isinstance(operation, dict) and "operationId" in operation
            }


def document_http_behaviour(result, generator, request, public):
    """drf-spectacular postprocessing hook: the status codes, headers and conditional-request
    parameters every operation shares, so the schema documents all the API serves."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    schemas["FieldErrors"] = {
        "type": "object",
        "description": "Messages by field name (query parameter or body field); "
        "non_field_errors for the request as a whole. Nested for nested fields.",
        "additionalProperties": {},
    }
    validators = {
        "ETag": {"schema": {"type": "string"}, "description": "The representation's tag."},
        "Last-Modified": {"schema": {"type": "string"}},
        "Cache-Control": {"schema": {"type": "string"}},
    }
    for name, schema in schemas.items():
        if name.endswith("Request"):
            for field in schema.get("properties", {}).values():
                _refuse_nul(field)
                _refuse_nul(field.get("items", {}))
    _link_created_items(result.get("paths", {}))
    for path, operations in result.get("paths", {}).items():
        detail = "{" in path
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            extra = {
                "400": _error_response("A malformed parameter or body.", _FIELD_ERRORS),
                "401": _error_response("The Authorization token is unknown or malformed."),
                "429": _error_response(
                    "Too many anonymous requests.",
                    headers={
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": "Seconds to wait before retrying.",
                        }
                    },
                ),
            }
            if method == "get":
                # Reading needs no token; a token shows drafts to those who may read them.
                security = operation.setdefault("security", [])
                if {} not in security:
                    security.append({})
                for code in ("200",):
                    if code in responses:
                        responses[code].setdefault("headers", {}).update(validators)
                extra["304"] = {
                    "description": "Not modified: the ETag matches If-None-Match, or the "
                    "representation is no newer than If-Modified-Since.",
                    "headers": validators,
                }
                extra["404"] = _error_response(
                    "No such item visible to this client, or no such page."
                )
                parameters = operation.setdefault("parameters", [])
                for parameter in parameters:
                    schema = parameter.get("schema", {})
                    if parameter["in"] == "query" and schema.get("type") == "string":
                        schema.setdefault("minLength", 1)
                        _refuse_nul(schema)
                if any(p["in"] == "query" and p["name"] == "status" for p in parameters):
                    extra["403"] = _error_response(
                        "Filtering by status needs a token that may read drafts."
                    )
                for name, text in (
                    ("If-None-Match", "An ETag from an earlier response; 304 if unchanged."),
                    ("If-Modified-Since", "An HTTP date; 304 if not modified since."),
                ):
                    parameters.append(
                        {
                            "in": "header",
                            "name": name,
                            "required": False,
                            "description": text,
                            "schema": {"type": "string"},
                        }  # fmt: skip
                    )
            else:
                extra["403"] = _error_response("The token's user lacks the permission needed.")
                if method != "delete":
                    extra["415"] = _error_response("The body is not JSON.")
                if detail:
                    extra["404"] = _error_response("No such item visible to this client.")
            for code, response in extra.items():
                responses.setdefault(code, response)
    return result


# Strict JSON fields ----------------------------------------------------------------------------
# DRF turns 0 into "0" and "true" into True; the schema promises strings, booleans and numbers,
# so a value of another JSON type is a 400, as its type says.


class _StrictType:
    json_types: tuple[type, ...] = ()
    type_message = "Not a valid value."

    def to_internal_value(self, data):
        if (
            isinstance(data, bool)
            and bool not in self.json_types
            or not isinstance(data, self.json_types)
        ):
            raise serializers.ValidationError(self.type_message, code="invalid_type")
        return super().to_internal_value(data)


class StrictCharField(_StrictType, serializers.CharField):
    json_types = (str,)
    type_message = "Give a string."


class StrictSlugField(_StrictType, serializers.SlugField):
    json_types = (str,)
    type_message = "Give a string."


class StrictURLField(_StrictType, serializers.URLField):
    json_types = (str,)
    type_message = "Give a URL as a string."


class StrictBooleanField(_StrictType, serializers.BooleanField):
    json_types = (bool,)
    type_message = "Give true or false."


class StrictIntegerField(_StrictType, serializers.IntegerField):
    json_types = (int,)
    type_message = "Give a whole number."


class StrictDecimalField(_StrictType, serializers.DecimalField):
    """A JSON number, rounded to the field's decimal places rather than refused for them."""

    json_types = (int, float)
    type_message = "Give a number."

    def to_internal_value(self, data):
        if isinstance(data, float) and math.isfinite(data) and self.decimal_places is not None:
            value = decimal.Decimal(repr(data))
            # The range first: rounding 1e23 to six places needs more digits than any decimal
            # context holds (InvalidOperation), and the range is what the client got wrong.
            if self.max_value is not None and value > self.max_value:
                self.fail("max_value", max_value=self.max_value)
            if self.min_value is not None and value < self.min_value:
                self.fail("min_value", min_value=self.min_value)
            try:
                data = value.quantize(decimal.Decimal(1).scaleb(-self.decimal_places))
            except decimal.InvalidOperation:
                data = value  # Too many digits even rounded: DRF's max_digits message says so.
            return serializers.DecimalField.to_internal_value(self, data)
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(_StrictType, serializers.PrimaryKeyRelatedField):
    json_types = (int,)
    type_message = "Give the id as a whole number."


class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.BooleanField: StrictBooleanField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.DecimalField: StrictDecimalField,
    }


class StrictSlugRelatedField(_StrictType, serializers.SlugRelatedField):
    """A related object by slug; a malformed slug is refused before it reaches the database
    (PostgreSQL refuses NUL characters outright)."""

    json_types = (str,)
    type_message = "Give a slug as a string."

    def to_internal_value(self, data):
        if isinstance(data, str) and not SLUG.fullmatch(data):
            raise serializers.ValidationError(f"{data!r} is not a slug.", code="invalid_slug")
        return super().to_internal_value(data)
