from django.views.generic import ListView

from .models import FAQEntry


class FAQIndexView(ListView):
    queryset = FAQEntry.objects.published().select_related("group")
    template_name = "faq/faq_index.html"
