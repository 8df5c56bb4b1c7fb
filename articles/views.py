from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from faq.models import FAQEntry
from karabakh_site.core import jsonld
from karabakh_site.core.claims import claims_prefetch
from karabakh_site.core.views import FilteredListMixin, PreviewMixin, ReaderPageMixin
from timeline.models import TimelineEntry

from .filters import ArticleFilter
from .models import Article


class ArticleListView(ReaderPageMixin, FilteredListMixin, ListView):
    filterset_class = ArticleFilter
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_unfiltered_queryset(self):
        # Built per request: what is published depends on the time (see core.clock).
        # The stored search vector is never shown (some 10 KB an article). The texts are read:
        # a translation's overlay replaces them in other languages.
        return Article.objects.published().defer("search_vector").prefetch_related("topics")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topics"] = list(self.filterset.form.fields["topic"].queryset)
        context["years"] = [
            moment.year
            for moment in Article.objects.published().dates("publish_at", "year", order="DESC")
        ]
        return context

    def get_breadcrumbs(self):
        return [(_("Articles"), reverse("articles:list"))]

    def get_structured_data(self, context):
        return [jsonld.item_list(self.request, _("Articles"), context["articles"])]


class ArticleDetailView(ReaderPageMixin, PreviewMixin, DetailView):
    model = Article

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_citations()
            .prefetch_related(
                "topics",
                claims_prefetch(),
                "corrections",
                # Related content is shown only once published, even beside a previewed draft.
                Prefetch(
                    "timeline_entries",
                    queryset=TimelineEntry.objects.published().select_related("place"),
                    to_attr="published_timeline_entries",
                ),
                Prefetch(
                    "faq_entries",
                    queryset=FAQEntry.objects.published().select_related("group"),
                    to_attr="published_faq_entries",
                ),
            )
        )

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["citations"] = article.citations.all()
        # "Updated on" is the newest correction's date (Article.updated_on), shown once it is
        # later than the publish date; silent edits such as typo fixes do not count.
        updated_on = article.updated_on
        context["updated_on"] = (
            updated_on
            if updated_on
            and article.publish_at
            and updated_on > timezone.localdate(article.publish_at)
            else None
        )
        return context

    def get_breadcrumbs(self):
        return [
            (_("Articles"), reverse("articles:list")),
            (self.object.title, self.object.get_absolute_url()),
        ]

    def get_structured_data(self, context):
        return [jsonld.news_article(self.request, self.object, self.object.citations.all())]
