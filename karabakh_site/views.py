"""Site-wide reader pages: home, search, robots.txt, the health check and error pages."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article
from faq.models import FAQEntry
from karabakh_site import search as site_search
from karabakh_site.core import faults, jsonld
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
    return {kind.name: str(kind.section) for kind in content_kinds()} | {"source": _("Sources")}


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
            {"kind": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(labels)}]},
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
    crumbs = [(_("Home"), reverse("home")), (_("Search"), reverse("search"))]
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
    # The admin is left out on purpose: robots.txt is public, and naming the admin's address
    # (DJANGO_ADMIN_URL) would hand it to every scanner. Its pages say noindex themselves.
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        # Search in every language (/en/search/, /hy/search/, ...) and the bare path.
        "Disallow: /search/",
        *(f"Disallow: /{code}/search/" for code, _name in settings.LANGUAGES),
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# /healthz answers within this many seconds whatever the database does (a load balancer's probe
# usually gives up after 2).
HEALTHZ_TIMEOUT = 1.5


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitors: 200 when the database answers, with the cache reported
    "degraded" when Redis does not (the site serves without it); 503 when the database does not
    answer, or not within HEALTHZ_TIMEOUT (see core.faults.health)."""
    checks = faults.health(HEALTHZ_TIMEOUT)
    if checks["database"] != "ok":
        return JsonResponse({"status": "error", **checks}, status=503)
    return JsonResponse({"status": "ok" if checks["cache"] == "ok" else "degraded", **checks})


def bad_request_page(request, exception, template_name="400.html"):
    """handler400, for what Django refuses before any view runs (a Host header not in
    ALLOWED_HOSTS, a body over the upload limit, too many fields): JSON under /api/, the site's
    page elsewhere. The page asks nothing of the request that could fail again. The API's
    message stays English (as all its errors are); the page's is in the reader's language."""
    status = 400
    if isinstance(exception, DisallowedHost):
        message = gettext_noop("This server does not answer for that host name.")
    elif isinstance(exception, RequestDataTooBig):
        status = 413
        message = gettext_noop("The request is larger than this server accepts.")
    else:
        message = gettext_noop("The request could not be read.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, template_name, {"problems": [(None, _(message))]}, status=status)


def server_error(request, template_name="500.html"):
    """The 500 page in the site's design, rendered without the database or context processors,
    since either may be what failed. A database that is down or hung, met outside a view (where
    core.faults' middleware cannot see it), is a 503 with Retry-After instead."""
    if faults.database_unavailable(sys.exc_info()[1]):
        return faults.unavailable_response(request)
    if request.path.startswith("/api/"):
        # Errors under /api/ are JSON, also those raised outside the API's views (middleware).
        return JsonResponse({"detail": "Server error."}, status=500)
    template = loader.get_template(template_name)
    return HttpResponse(template.render({"error_page": True}), status=500)
