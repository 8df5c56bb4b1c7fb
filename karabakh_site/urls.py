from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("articles/", include("articles.urls")),
    path("faq/", include("faq.urls")),
    path("timeline/", include("timeline.urls")),
    path("", include("karabakh_site.core.urls")),
    path("admin/", admin.site.urls),
]
