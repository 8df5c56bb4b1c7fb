from django.urls import path

from karabakh_site.core.views import PublicHistoryView

from . import views
from .models import FAQEntry

app_name = "faq"

urlpatterns = [
    path("", views.FAQIndexView.as_view(), name="index"),
    path("<slug:slug>/", views.FAQEntryDetailView.as_view(), name="detail"),
    path(
        "<slug:slug>/history/",
        PublicHistoryView.as_view(model=FAQEntry),
        name="history",
    ),
]
