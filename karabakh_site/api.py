"""The public JSON API, version 1: one router for every app's viewsets, site search, the OpenAPI
schema and its interactive docs. Included at /api/v1/ by karabakh_site.urls; shared behaviour
(permissions, pagination, conditional GET, errors) is in the karabakh_site.core.api package."""

import functools
import re
from pathlib import Path

import cmarkgfm
from django.conf import settings
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import exceptions, routers, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from faq.api import FAQGroupViewSet
from karabakh_site.core.api.conditional import ApiViewMixin
from karabakh_site.core.api.tombstones import TombstoneView
from karabakh_site.core.api.views import ClaimViewSet, SourceViewSet, TopicViewSet
from karabakh_site.core.kinds import content_kinds
from karabakh_site.search import MAX_QUERY_LENGTH, search, search_kinds
from timeline.api import PlaceViewSet

app_name = "api"


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=search_kinds())
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The item in this API.")
    page_url = serializers.SerializerMethodField(help_text="The item's page on the site.")
    snippet = serializers.CharField(help_text="Escaped text with <mark> around the matches.")
    rank = serializers.FloatField(help_text="Higher is better; comparable within one search.")

    def get_url(self, hit) -> str:
        # Content kinds are routed by slug under their model's name (see the router below);
        # sources by id.
        if hit.kind == "source":
            path = reverse("api:source-detail", kwargs={"pk": hit.object.pk})
        else:
            name = hit.object._meta.model_name
            path = reverse(f"api:{name}-detail", kwargs={"slug": hit.object.slug})
        return self.context["request"].build_absolute_uri(path)

    def get_page_url(self, hit) -> str:
        return self.context["request"].build_absolute_uri(hit.url)


class SearchView(ApiViewMixin, GenericAPIView):
    """Published articles, FAQ entries, timeline entries and the sources they cite, ranked as the
    site's own search ranks them."""

    permission_classes = [AllowAny]
    serializer_class = SearchHitSerializer
    filter_backends = []
    query_parameters = ("q", "kind")

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "pattern": r"\S", "maxLength": MAX_QUERY_LENGTH},
                required=True,
                description='Words, "quoted phrases", -excluded words; as on the site.',
            ),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                enum=search_kinds(),
                many=True,
                explode=True,
                description="Only these kinds (repeat the parameter for several).",
            ),
        ],
        responses={200: SearchHitSerializer(many=True)},
    )
    def get(self, request):
        query = request.query_params.get("q", "")
        if not query.strip():
            raise exceptions.ValidationError({"q": ["Give words to search for."]})
        if len(query) > MAX_QUERY_LENGTH:
            raise exceptions.ValidationError(
                {"q": [f"Keep the search under {MAX_QUERY_LENGTH} characters."]}
            )
        kinds = request.query_params.getlist("kind") or None
        known = search_kinds()
        unknown = sorted(set(kinds or ()) - set(known))
        if unknown:
            raise exceptions.ValidationError(
                {"kind": [f"Unknown kind {', '.join(unknown)}; choose from {', '.join(known)}."]}
            )
        page = self.paginate_queryset(search(query, kinds=kinds))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class SchemaView(ApiViewMixin, SpectacularAPIView):
    pass


class SwaggerView(ApiViewMixin, SpectacularSwaggerView):
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The API takes tokens, not sessions, so the page needs no CSRF token; without one (it
        # changes on every request) the page is the same each time and conditional GETs work.
        response.data["csrf_token"] = ""
        return response


class RedocView(ApiViewMixin, SpectacularRedocView):
    pass


GUIDE = Path(settings.BASE_DIR) / "docs" / "api.md"
_HEADING = re.compile(r"<h([23])>(.*?)</h\1>")


@functools.cache
def _guide_html() -> str:
    # docs/api.md is part of the release, not content: rendered once per process, it cannot
    # differ between workers running the same code.
    # GitHub's extensions, without its <pre lang="…"> (not a valid lang attribute in HTML).
    html = cmarkgfm.markdown_to_html_with_extensions(
        GUIDE.read_text(encoding="utf-8"),
        extensions=["table", "autolink", "strikethrough", "tagfilter"],
    )
    # Ids on the headings, so the guide's own "#tokens" links (GitHub's anchors) work here too.
    return _HEADING.sub(
        lambda m: f'<h{m[1]} id="{slugify(re.sub("<[^>]+>", "", m[2]))}">{m[2]}</h{m[1]}>', html
    )


def guide(request):
    """docs/api.md, the developers' guide, as a page beside the interactive docs."""
    return render(
        request,
        "drf_spectacular/guide.html",
        {"guide": mark_safe(_guide_html())},  # the repository's own Markdown, not content
    )


class ApiRootView(ApiViewMixin, routers.APIRootView):
    """Everything the API offers, by name: the resources (lists), then the other endpoints and
    the documentation, each as an absolute URL, so a client can start here."""

    # Beside the router's lists: name → URL name. Order kept in the answer.
    endpoints = {
        "search": "api:search",
        "timelinejs": "api:timelineentry-timelinejs",
        "tombstones": "api:tombstones",
        "schema": "api:schema",
        "docs": "api:docs",
        "redoc": "api:redoc",
        "guide": "api:guide",
    }

    # DRF leaves the root out of the schema; it is where a client starts, so it is in.
    schema = AutoSchema()

    @extend_schema(
        operation_id="root",
        summary="Every resource and endpoint, by name",
        responses={
            200: {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Name → absolute URL; search is a URI template (?q={q}).",
            }
        },
    )
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for name, url_name in self.endpoints.items():
            response.data[name] = request.build_absolute_uri(reverse(url_name))
        # A URI template (RFC 6570), as GitHub's API root gives its search: q is required.
        response.data["search"] += "?q={q}"
        return response


class Router(routers.DefaultRouter):
    APIRootView = ApiRootView
    include_format_suffixes = False


router = Router()
for kind in content_kinds():
    router.register(kind.api_prefix, kind.viewset(), basename=kind.model._meta.model_name)
router.register("claims", ClaimViewSet, basename="claim")
router.register("faq-groups", FAQGroupViewSet, basename="faqgroup")
router.register("places", PlaceViewSet, basename="place")
router.register("sources", SourceViewSet, basename="source")
router.register("topics", TopicViewSet, basename="topic")

urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
    path("tombstones/", TombstoneView.as_view(), name="tombstones"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("guide/", guide, name="guide"),
    *router.urls,
]
