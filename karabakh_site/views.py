"""Site-wide reader pages: home, search, robots.txt, the health check and error pages."""

import logging

from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.core.paginator import InvalidPage
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article
from faq.models import FAQEntry
from karabakh_site import search as site_search
from karabakh_site.core import jsonld
from karabakh_site.core.kinds import content_kinds
from karabakh_site.core.views import bad_request
from timeline.models import TimelineEntry

logger = logging.getLogger(__name__)

HOME_ARTICLES = 5
HOME_EVENTS = 6
HOME_QUESTIONS = 5
SEARCH_PER_PAGE = 20


def search_kind_labels() -> dict[str, str]:
    """What the search page calls each kind it can narrow to: the section of the site."""
    return {kind.name: kind.section for kind in content_kinds()} | {"source": "Sources"}


@require_safe
def home(request):
    key_events = list(
        TimelineEntry.objects.published()
        .filter(key_event=True)
        .select_related("place")
        .order_by("-date", "-id")[:HOME_EVENTS]
    )
    context = {
        "articles": list(Article.objects.published()[:HOME_ARTICLES]),
        # Newest key events, shown oldest first as a short chronology.
        "key_events": key_events[::-1],
        "questions": list(FAQEntry.objects.published().select_related("group")[:HOME_QUESTIONS]),
        "breadcrumbs": [],
        "structured_data": [
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": "Karabakh Archive",
                "url": request.build_absolute_uri(reverse("home")),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": request.build_absolute_uri(reverse("search")) + "?q={query}",
                    "query-input": "required name=query",
                },
            }
        ],
    }
    return render(request, "home.html", context)


@require_safe
def search(request):
    query = site_search.clean_query(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    labels = search_kind_labels()
    if kind and kind not in labels:
        return bad_request(
            request,
            {"kind": [f"Choose one of: {', '.join(labels)}."]},
            back_url=reverse("search"),
        )
    try:
        page = site_search.search_page(
            query,
            request.GET.get("page"),
            SEARCH_PER_PAGE,
            kinds=[kind] if kind else None,
        )
    except InvalidPage:
        raise Http404("No such page of results.") from None
    crumbs = [("Home", reverse("home")), ("Search", reverse("search"))]
    context = {
        "query": query,
        "kind": kind,
        "kinds": list(labels.items()),
        "kind_labels": labels,
        "page_obj": page,
        "hits": page.object_list,
        "searched": bool(query),
        "truncated": len(request.GET.get("q", "")) > site_search.MAX_QUERY_LENGTH,
        "breadcrumbs": crumbs,
        "structured_data": [jsonld.breadcrumbs(request, crumbs)],
    }
    return render(request, "search.html", context)


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request_page(request, exception, template_name="400.html"):
    """handler400, for what Django refuses before any view runs (a Host header not in
    ALLOWED_HOSTS, a body over the upload limit, too many fields): JSON under /api/, the site's
    page elsewhere. The page asks nothing of the request that could fail again."""
    status = 400
    if isinstance(exception, DisallowedHost):
        message = "This server does not answer for that host name."
    elif isinstance(exception, RequestDataTooBig):
        status = 413
        message = "The request is larger than this server accepts."
    else:
        message = "The request could not be read."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, template_name, {"problems": [(None, message)]}, status=status)


def server_error(request, template_name="500.html"):
    """The 500 page in the site's design, rendered without the database or context processors,
    since either may be what failed."""
    template = loader.get_template(template_name)
    return HttpResponse(template.render({"error_page": True}), status=500)
