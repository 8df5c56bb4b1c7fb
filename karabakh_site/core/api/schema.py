"""The OpenAPI schema's shared parts: a drf-spectacular postprocessing hook (named in
settings.SPECTACULAR_SETTINGS) that documents the HTTP behaviour every operation shares."""

import re

from django.apps import apps

from karabakh_site.core.translations import LANGUAGES

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


def _list_records(parameter: dict, request) -> None:
    """A record filter's (core.filters.RecordFilter) marker becomes the enum of the slugs this
    client may give, so schema-valid values are exactly those the API accepts."""
    schema = parameter.get("schema", {})
    label = schema.pop("x-records", None)
    if label is None or request is None:
        # No request: the schema is being checked (manage.py check), not served; no database.
        return
    model = apps.get_model(label)
    user = getattr(request, "user", None)
    opts = model._meta
    # Readers get the list of public slugs, which only publishing changes. Users who see every
    # record (editors, contributors) make them too: a list would be out of date at their first
    # write, so they get the slug's form only.
    if user is not None and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        schema["pattern"] = r"^[-a-zA-Z0-9_]+$"
    else:
        # Records with no public() of their own (perspectives) are all public.
        public = getattr(model.objects, "public", model.objects.all)
        slugs = list(public().order_by("slug").values_list("slug", flat=True))
        if slugs:
            schema["enum"] = slugs
    parameter["description"] = (
        f"A {model._meta.verbose_name}'s slug; another is a 400. "
        + parameter.get("description", "")
    ).strip()


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
                # Reading needs no token (a token shows drafts to those who may read them, as
                # the description says): no security requirement, so the docs show no lock.
                operation["security"] = []
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
                    _list_records(parameter, request)
                    schema = parameter.get("schema", {})
                    if parameter["in"] == "query" and schema.get("type") == "string":
                        schema.setdefault("minLength", 1)
                        _refuse_nul(schema)
                if any(p["in"] == "query" and p["name"] == "status" for p in parameters):
                    extra["403"] = _error_response(
                        "Filtering by status needs a token that may read drafts."
                    )
                parameters.append(
                    {
                        "in": "query",
                        "name": "lang",
                        "required": False,
                        "description": "The language of the content: en (the original), hy, az "
                        "or ru. Without it, the best of Accept-Language, else en. An item with no "
                        "published translation into it is answered in the original: its "
                        "language field says which you got, its languages field what it has.",
                        "schema": {"type": "string", "enum": list(LANGUAGES)},
                    }
                )
                if "200" in responses:
                    responses["200"].setdefault("headers", {})["Content-Language"] = {
                        "schema": {"type": "string"},
                        "description": "The language asked for (lang, else Accept-Language).",
                    }
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
