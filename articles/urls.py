from django.urls import path

from karabakh_site.core.views import PublicHistoryView

from . import feeds, views
from .models import Article

app_name = "articles"

# Feed paths contain a dot, which a slug cannot, so no article can shadow them.
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("feed.rss", feeds.ArticlesFeed(), name="feed-rss"),
    path("feed.atom", feeds.ArticlesAtomFeed(), name="feed-atom"),
    path("corrections.atom", feeds.CorrectionsFeed(), name="corrections-feed"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path(
        "<slug:slug>/history/",
        PublicHistoryView.as_view(model=Article),
        name="history",
    ),
]
