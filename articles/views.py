from django.views.generic import DetailView, ListView

from .models import Article


class ArticleListView(ListView):
    queryset = Article.objects.published()
    template_name = "articles/article_list.html"
    paginate_by = 20


class ArticleDetailView(DetailView):
    queryset = Article.objects.published()
    template_name = "articles/article_detail.html"
