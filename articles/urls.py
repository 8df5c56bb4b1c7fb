from django.urls import path

from . import feeds, views

app_name = "articles"

# Feed paths contain a dot, which a slug cannot, so no article can shadow them.
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("feed.rss", feeds.ArticlesFeed(), name="feed-rss"),
    path("feed.atom", feeds.ArticlesAtomFeed(), name="feed-atom"),
    path("corrections.atom", feeds.CorrectionsFeed(), name="corrections-feed"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
