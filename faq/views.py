from itertools import groupby

from django.db.models import Count, Prefetch, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from articles.models import Article
from karabakh_site.core import jsonld
from karabakh_site.core.claims import claims_prefetch
from karabakh_site.core.views import FilteredListMixin, PreviewMixin, ReaderPageMixin

from .filters import FAQFilter
from .models import FAQEntry

# The FAQ page's order (FAQEntry.Meta.ordering, spelled out: the pages and the entry pages'
# links to them must agree on it). Group names are unique, so the groups never tie.
ORDER = ("group__position", "group__name", "position", "id")


def index_link(page: int, anchor: str, params=None) -> str:
    """``anchor`` on the FAQ page's ``page``; ``params`` (the request's) keep its filters."""
    params = params.copy() if params is not None else QueryDict(mutable=True)
    params.pop("page", None)
    if page > 1:  # the first page's address is the page's own, as its canonical link says
        params["page"] = page
    query = params.urlencode()
    return f"{reverse('faq:index')}{'?' if query else ''}{query}#{anchor}"


class FAQIndexView(ReaderPageMixin, FilteredListMixin, PreviewMixin, ListView):
    """The questions in pages, grouped, each with an anchor (kept for links made before entries
    had pages) and a link to its own page. The groups' navigation names every group, linked on
    the page it starts on. Staff who may change entries preview drafts here too, marked as
    drafts."""

    model = FAQEntry
    filterset_class = FAQFilter
    template_name = "faq/faq_index.html"
    context_object_name = "entries"
    # Each entry is its whole answer with its sources (~3 KB): 20 keep a page light to load.
    paginate_by = 20

    def get_unfiltered_queryset(self):
        return (
            super()
            .get_unfiltered_queryset()
            .with_citations()
            .select_related("group")
            .prefetch_related("topics")
            .order_by(*ORDER)
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # One query gives each group's size, for the navigation, and the paginator's count.
        self.group_sizes = list(
            queryset.prefetch_related(None)
            .order_by("group__position", "group__name", "group")
            .values("group", "group__slug", "group__name")
            .annotate(size=Count("id"))
        )
        paginator.count = sum(group["size"] for group in self.group_sizes)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fields = self.filterset.form.fields
        context["topics"] = list(fields["topic"].queryset)
        context["groups"] = list(fields["group"].queryset)
        current = context["page_obj"].number
        starts, seen = {}, 0
        for group in self.group_sizes:
            starts[group["group"]] = seen // self.paginate_by + 1
            seen += group["size"]
        context["toc"] = [
            {
                "name": group["group__name"],
                "href": (
                    f"#group-{group['group__slug']}"
                    if starts[group["group"]] == current
                    else index_link(
                        starts[group["group"]], f"group-{group['group__slug']}", self.request.GET
                    )
                ),
            }
            for group in self.group_sizes
        ]
        context["sections"] = [
            {"group": group, "entries": list(entries), "continued": starts[group.pk] < current}
            for group, entries in groupby(context["entries"], key=lambda entry: entry.group)
        ]
        return context

    def get_breadcrumbs(self):
        return [(_("FAQ"), reverse("faq:index"))]

    def get_structured_data(self, context):
        published = [entry for entry in context["entries"] if entry.is_published]
        return [jsonld.faq_page(self.request, published)]


class FAQEntryDetailView(ReaderPageMixin, PreviewMixin, DetailView):
    """One question and its answer on a page of its own, to cite and share."""

    model = FAQEntry
    template_name = "faq/entry_detail.html"
    context_object_name = "entry"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_citations()
            .select_related("group")
            .prefetch_related(
                "topics",
                claims_prefetch(),
                # Related articles are shown only once published, even beside a previewed draft.
                Prefetch(
                    "related_articles",
                    queryset=Article.objects.published(),
                    to_attr="published_articles",
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["index_links"] = self.index_links()
        return context

    def index_links(self) -> dict[str, str]:
        """Links to this entry and its group on the FAQ page, on the page each is on there."""
        entry, group = self.object, self.object.group
        listed = FAQEntry.objects.all() if self.can_preview() else FAQEntry.objects.published()
        # Before it in ORDER: the groups before its group, then its group's entries before it.
        earlier_groups = Q(group__position__lt=group.position) | Q(
            group__position=group.position, group__name__lt=group.name
        )
        earlier = (
            earlier_groups
            | Q(group=group, position__lt=entry.position)
            | Q(group=group, position=entry.position, id__lt=entry.id)
        )
        before = listed.aggregate(
            groups=Count("id", filter=earlier_groups), entries=Count("id", filter=earlier)
        )
        per_page = FAQIndexView.paginate_by
        return {
            "entry": index_link(before["entries"] // per_page + 1, entry.slug),
            "group": index_link(before["groups"] // per_page + 1, f"group-{group.slug}"),
        }

    def get_breadcrumbs(self):
        return [
            (_("FAQ"), reverse("faq:index")),
            (self.object.question, reverse("faq:detail", args=[self.object.slug])),
        ]

    def get_structured_data(self, context):
        return [jsonld.faq_page(self.request, [self.object])]
