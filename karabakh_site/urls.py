from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from karabakh_site import views
from karabakh_site.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("articles/", include("articles.urls")),
    path("faq/", include("faq.urls")),
    path("timeline/", include("timeline.urls")),
    path("", include("karabakh_site.core.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", include("karabakh_site.api")),
    # DJANGO_ADMIN_URL, "admin/" unless set (validated in settings).
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "karabakh_site.views.bad_request_page"
handler500 = "karabakh_site.views.server_error"
# JSON under /api/, Django's 404 page (templates/404.html) elsewhere.
handler404 = "karabakh_site.core.api.errors.page_not_found"
