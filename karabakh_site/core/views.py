from django.views.generic import DetailView, ListView

from .models import Source, Topic


class SourceListView(ListView):
    model = Source
    template_name = "core/source_list.html"
    paginate_by = 50


class SourceDetailView(DetailView):
    model = Source
    template_name = "core/source_detail.html"


class TopicDetailView(DetailView):
    model = Topic
    template_name = "core/topic_detail.html"
