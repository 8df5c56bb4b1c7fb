from django.urls import path

from karabakh_site.core.views import PublicHistoryView

from . import feeds, views
from .models import TimelineEntry

app_name = "timeline"

# Feed paths contain a dot, which a slug cannot, so no entry can shadow them.
urlpatterns = [
    path("", views.TimelineView.as_view(), name="list"),
    path("feed.rss", feeds.TimelineFeed(), name="feed-rss"),
    path("feed.atom", feeds.TimelineAtomFeed(), name="feed-atom"),
    # Before the entries' slugs, which "places" and "map" would otherwise be taken for.
    path("places/", views.PlaceListView.as_view(), name="place-list"),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path("map/", views.EventsMapView.as_view(), name="map"),
    path("<slug:slug>/", views.TimelineEntryDetailView.as_view(), name="detail"),
    path(
        "<slug:slug>/history/",
        PublicHistoryView.as_view(model=TimelineEntry),
        name="history",
    ),
]
