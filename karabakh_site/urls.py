from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from karabakh_site import languages, share_images, views
from karabakh_site.sitemaps import SITEMAPS

# Reader pages, under their language's prefix: /en/, /hy/, /az/, /ru/ (karabakh_site.languages).
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("articles/", include("articles.urls")),
    path("faq/", include("faq.urls")),
    path("timeline/", include("timeline.urls")),
    path("", include("karabakh_site.core.urls")),
    prefix_default_language=True,
)

urlpatterns += [
    path("language/<slug:code>/", languages.switch_language, name="switch-language"),
    # Share images (og:image): the version is a hash of what the image shows.
    path("share/site-<slug:version>.png", share_images.site_image, name="share-site"),
    path(
        "share/<slug:kind>/<slug:key>/<slug:version>.png",
        share_images.item_image,
        name="share-image",
    ),
    # The index (robots.txt names it), and each section's sitemap in files of at most
    # EveryLanguageSitemap.limit URLs: /sitemap-articles.xml, /sitemap-articles.xml?p=2, ...
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
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
