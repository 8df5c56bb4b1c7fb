"""Reader pages for sources and topics, and the mixins every reader page builds on."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from . import claims, jsonld
from .filters import SourceFilter
from .kinds import content_kinds
from .models import Claim, Perspective, Source, Topic
from .permissions import permission_name
from .readers import citing_published_items, public_sources


def bad_request(request, errors, *, back_url: str, form=None) -> HttpResponse:
    """A 400 page naming what was wrong with the query string, with a way back. ``errors`` maps
    parameter names to messages; with ``form`` each is shown under its label."""
    problems = []
    for name, messages in errors.items():
        field = form.fields.get(name) if form is not None else None
        label = str(field.label) if field is not None and field.label else name
        problems.extend(
            (None if name == "__all__" else f"{label} ({name})", message) for message in messages
        )
    context = {"problems": problems, "back_url": back_url}
    return render(request, "400.html", context, status=400)


class ReaderPageMixin:
    """Breadcrumbs (shown and as BreadcrumbList) and JSON-LD for base.html."""

    def get_breadcrumbs(self) -> list[tuple[str, str]]:
        return []

    def get_structured_data(self, context) -> list[dict]:
        return []

    def render_to_response(self, context, **response_kwargs):
        # Added last, so they can use everything the view put in the context.
        crumbs = [(_("Home"), reverse("home")), *self.get_breadcrumbs()]
        data = list(self.get_structured_data(context))
        if len(crumbs) > 1:
            data.append(jsonld.breadcrumbs(self.request, crumbs))
        context["breadcrumbs"] = crumbs
        context["structured_data"] = data
        return super().render_to_response(context, **response_kwargs)


def preview_note(hidden, *, single: bool) -> dict | None:
    """The preview banner's words for items readers cannot see, by why they cannot: a withdrawn
    item is not "not yet" visible, and a scheduled one goes live by itself."""
    if not hidden:
        return None
    if not single:
        return {
            "label": _("Preview"),
            "text": _("some of what is shown here readers cannot see."),
        }
    item = hidden[0]
    Status = item.Status
    if item.is_scheduled:
        when = f"{timezone.localtime(item.publish_at):%d %b %Y %H:%M}"
        return {
            "label": _("Scheduled"),
            "text": _("readers will see this from %(when)s.") % {"when": when},
        }
    if item.status == Status.WITHDRAWN:
        return {
            "label": _("Withdrawn"),
            "text": _("readers no longer see this; it is kept in the archive's records."),
        }
    if item.status == Status.PUBLISHED:  # past its withdraw time
        when = f"{timezone.localtime(item.withdraw_at):%d %b %Y %H:%M}"
        return {
            "label": _("Taken down"),
            "text": _("readers no longer see this (since %(when)s).") % {"when": when},
        }
    label = _("In review") if item.status == Status.IN_REVIEW else _("Draft preview")
    return {"label": label, "text": _("readers cannot see this yet.")}


class PreviewMixin:
    """Published items for everyone; staff with the model's change permission also see drafts on
    the same URL, marked as a preview and never cached (a shared cache must not keep a draft).
    For a detail view and for a list (the FAQ page, where entries have no page of their own)."""

    def can_preview(self) -> bool:
        if not hasattr(self, "_can_preview"):
            user = self.request.user
            self._can_preview = user.is_authenticated and user.has_perm(
                permission_name(self.model, "change")
            )
        return self._can_preview

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.can_preview() else queryset.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = [self.object] if getattr(self, "object", None) else context["object_list"]
        hidden = [item for item in shown if not item.is_published]
        context["preview"] = preview_note(hidden, single=bool(getattr(self, "object", None)))
        return context

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if self.can_preview():
            add_never_cache_headers(response)
        return response


class FilteredListMixin:
    """A list narrowed by the app's FilterSet; a value it cannot read is a 400, not ignored."""

    filterset_class = None

    def get_unfiltered_queryset(self):
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        self.filterset = self.filterset_class(
            request.GET, queryset=self.get_unfiltered_queryset(), request=request
        )
        if not self.filterset.is_valid():
            form = self.filterset.form
            return bad_request(request, form.errors, back_url=request.path, form=form)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        context["filtered"] = any(
            value not in (None, "") for value in self.filterset.form.cleaned_data.values()
        )
        return context


def topic_kinds():
    """The content kinds that carry topics, in the registry's order."""
    return [kind for kind in content_kinds() if _has_topics(kind.model)]


def _has_topics(model) -> bool:
    try:
        return model._meta.get_field("topics").related_model is Topic
    except FieldDoesNotExist:
        return False


def language_name(code: str) -> str:
    """The language's name in the reader's language ("Armenian", "армянский"): Django's own
    translations of its language names."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


class SourceListView(ReaderPageMixin, FilteredListMixin, ListView):
    filterset_class = SourceFilter
    template_name = "core/source_list.html"
    context_object_name = "sources"
    paginate_by = 50

    def get_unfiltered_queryset(self):
        return public_sources().order_by("publisher", "title", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = public_sources().order_by()
        facets = list(visible.values_list("publisher", "language").distinct())
        context["publishers"] = sorted({publisher for publisher, _language in facets})
        context["languages"] = sorted(
            {(code, language_name(code)) for _publisher, code in facets}, key=lambda pair: pair[1]
        )
        context["kinds"] = Source.Kind.choices
        # Only the perspectives some public source speaks from: a choice that finds nothing is
        # no choice.
        context["perspectives"] = Perspective.objects.filter(pk__in=visible.values("perspective"))
        return context

    def get_breadcrumbs(self):
        return [(_("Sources"), reverse("core:source-list"))]

    def get_structured_data(self, context):
        return [jsonld.item_list(self.request, _("Sources"), context["sources"])]


class SourceDetailView(ReaderPageMixin, DetailView):
    template_name = "core/source_detail.html"
    context_object_name = "source"

    def get_queryset(self):
        return public_sources()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["citing_groups"] = citing_published_items(self.object)
        context["language_name"] = language_name(self.object.language)
        return context

    def get_breadcrumbs(self):
        return [
            (_("Sources"), reverse("core:source-list")),
            (self.object.title, self.object.get_absolute_url()),
        ]

    def get_structured_data(self, context):
        return [{"@context": "https://schema.org", **jsonld.source_citation(self.object)}]


def _published_count(model):
    """How many published items of ``model`` carry the outer topic, as a subquery."""
    counts = (
        model.objects.published()
        .filter(topics=OuterRef("pk"))
        .order_by()
        .values("topics")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


class TopicListView(ReaderPageMixin, ListView):
    """Every topic a published item uses, with how many of each kind carry it (one query)."""

    template_name = "core/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        kinds = topic_kinds()
        return Topic.objects.public().annotate(
            **{f"{kind.name}_count": _published_count(kind.model) for kind in kinds}
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kinds = topic_kinds()
        for topic in context["topics"]:
            topic.counts = [
                {"kind": kind, "number": getattr(topic, f"{kind.name}_count")} for kind in kinds
            ]
        return context

    def get_breadcrumbs(self):
        return [(_("Topics"), reverse("core:topic-list"))]


class TopicDetailView(ReaderPageMixin, DetailView):
    """A topic's published items, a section per content kind (one query per kind)."""

    template_name = "core/topic_detail.html"
    context_object_name = "topic"

    def get_queryset(self):
        # A topic that only drafts use would reveal them: 404 until a published item uses it.
        return Topic.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = [
            (kind, list(kind.published().filter(topics=self.object))) for kind in topic_kinds()
        ]
        return context

    def get_breadcrumbs(self):
        return [
            (_("Topics"), reverse("core:topic-list")),
            (self.object.name, self.object.get_absolute_url()),
        ]

    def get_structured_data(self, context):
        return [
            jsonld.item_list(
                self.request,
                self.object.name,
                [item for _kind, items in context["sections"] for item in items],
            )
        ]


class ClaimListView(ReaderPageMixin, ListView):
    """/claims/: every contested claim a published item carries, with its positions ("Who says
    what" for the whole archive)."""

    template_name = "core/claim_list.html"
    context_object_name = "claims"

    def get_queryset(self):
        # Public (a published item carries it), with its cited positions, as on item pages.
        return claims.readers_claims(Claim.objects.public())

    def get_breadcrumbs(self):
        return [(_("Who says what"), reverse("core:claim-list"))]


class ClaimDetailView(ReaderPageMixin, DetailView):
    """One claim: its positions and the published items that carry it, a section per kind."""

    template_name = "core/claim_detail.html"
    context_object_name = "claim"

    def get_queryset(self):
        # 404 for a claim only drafts carry, as for topics: it would reveal them.
        return claims.readers_claims(Claim.objects.public())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = [
            (kind, items)
            for kind in content_kinds()
            if "claims" in {f.name for f in kind.model._meta.many_to_many}
            if (items := list(kind.published().filter(claims=self.object)))
        ]
        return context

    def get_breadcrumbs(self):
        return [
            (_("Who says what"), reverse("core:claim-list")),
            (self.object.statement, self.object.get_absolute_url()),
        ]


class PublicHistoryView(ReaderPageMixin, DetailView):
    """/…/<slug>/history/: the published versions of one published item and what changed between
    them (core.public_history); 404 for an item readers cannot see. Each content app routes it
    with its model."""

    template_name = "core/item_history.html"
    context_object_name = "item"

    def get_queryset(self):
        return self.model.objects.published()

    def get_context_data(self, **kwargs):
        from .public_history import public_versions

        context = super().get_context_data(**kwargs)
        context["versions"] = list(reversed(public_versions(self.object)))
        context["kind"] = self.model._meta.verbose_name
        return context

    def get_breadcrumbs(self):
        item = self.object
        return [(str(item), item.get_absolute_url()), (_("History"), self.request.path)]
