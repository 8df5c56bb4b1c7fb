"""Read helpers the reader site, feeds, sitemaps and search share.

Sources are not publishable themselves: a source is public once a published item cites it. A
source cited only by drafts stays hidden, so a draft never leaks through its sources.
"""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from .kinds import kind_of
from .models import CitationBase, Source, published_q


def citation_models() -> list[type[CitationBase]]:
    """The concrete citation model of every content app, in a stable order."""
    found = [
        model
        for model in apps.get_models()
        if issubclass(model, CitationBase) and not model._meta.abstract
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def item_model(citation_model: type[CitationBase]):
    return citation_model._meta.get_field(citation_model.item_field_name()).related_model


def public_sources() -> QuerySet[Source]:
    """Sources cited by at least one published item, or by a position on a claim one carries
    (one query when evaluated).

    Each way of being cited is an EXISTS on the outer source, ORed, with the item's published()
    condition joined in (published_q) rather than ``IN (every published item)``. PostgreSQL still
    turns each EXISTS into a hashed subplan over all citations, because it costs the filter for
    every source, not a page's 50: the list's cost grows with the archive until sources carry a
    stored "cited by a published item" mark (tests/core/test_query_plans.py, NEEDS_A_REWRITE)."""
    cited = Q()
    for model in citation_models():
        cited |= Q(Exists(_published_citations(model)))
    cited |= Q(Exists(_public_position_citations()))
    # Each source shows its perspective wherever it is listed.
    return Source.objects.filter(cited).select_related("perspective")


def _published_citations(model: type[CitationBase]) -> QuerySet:
    """The outer source's citations in ``model`` by a published item (published() and its clock,
    so drafts, withdrawn, expired and scheduled items never count)."""
    field = model.item_field_name()
    return model.objects.filter(published_q(f"{field}__"), source=OuterRef("pk"))


def _public_position_citations() -> QuerySet:
    """The outer source's citations by a position on a claim readers can see (core.claims):
    their pages are linked from every "Who says what" panel, so their sources are public too."""
    from .models import Claim, Position, PositionSource

    return PositionSource.objects.filter(
        source=OuterRef("pk"),
        position__in=Position.objects.filter(claim__in=Claim.objects.public()),
    )


def citing_published_items(source: Source) -> list[tuple[str, str, list]]:
    """What cites ``source``, published items only, as (kind, heading, [citations]) per content
    kind; each citation has its item loaded. One query per content kind."""
    groups = []
    for model in citation_models():
        field = model.item_field_name()
        items = item_model(model)
        kind = kind_of(items)
        citations = list(
            model.objects.filter(source=source, **{f"{field}__in": items.objects.published()})
            .select_related(field)
            .order_by(f"{field}__id", "position", "id")
        )
        seen, unique = set(), []
        # One line per item even when it cites the source at several locators.
        for citation in citations:
            item_id = getattr(citation, f"{field}_id")
            if item_id not in seen:
                seen.add(item_id)
                unique.append(citation)
        groups.append((kind.name, kind.plural, unique))
    return groups
