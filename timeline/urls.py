from django.urls import path

from . import feeds, views

app_name = "timeline"

# Feed paths contain a dot, which a slug cannot, so no entry can shadow them.
urlpatterns = [
    path("", views.TimelineView.as_view(), name="list"),
    path("feed.rss", feeds.TimelineFeed(), name="feed-rss"),
    path("feed.atom", feeds.TimelineAtomFeed(), name="feed-atom"),
    path("<slug:slug>/", views.TimelineEntryDetailView.as_view(), name="detail"),
]
