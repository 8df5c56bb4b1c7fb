from django.views.generic import DetailView, ListView

from .models import TimelineEntry


class TimelineView(ListView):
    queryset = TimelineEntry.objects.published().select_related("place")
    template_name = "timeline/timeline.html"


class TimelineEntryDetailView(DetailView):
    queryset = TimelineEntry.objects.published().select_related("place")
    template_name = "timeline/entry_detail.html"
