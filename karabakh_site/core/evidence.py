"""The evidence profile of a content item: computed from its citations, never typed.

How many sources it rests on, from how many perspectives, whether any is independent of the
parties to the conflict (a source whose perspective speaks for neither side), whether primary
documents are among them, and how many links are dead or unchecked. Readers see it as one line
on every item; lists and the API filter on it; editors get the items that rest on one side's
sources alone (core.admin.evidence).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import Perspective, Source

Side = Perspective.Side


@dataclass(frozen=True)
class EvidenceProfile:
    sources: int
    perspectives: int
    independent: int
    primary: int
    dead: int
    unchecked: int
    # Sources with no perspective recorded: neither independent nor one side's.
    unlabelled: int
    # The parties' sides the sources speak for ("armenian", "azerbaijani").
    sides: frozenset

    @property
    def one_sided(self) -> bool:
        """Every source speaks for the same one party (and every source's perspective is known)."""
        return (
            self.sources > 0
            and self.independent == 0
            and self.unlabelled == 0
            and len(self.sides) == 1
        )

    @property
    def summary(self) -> str:
        """ "5 sources from 4 perspectives, including 2 primary documents; 3 independent of the
        parties; 1 dead link" — plain words a reader can check against the source list."""
        if not self.sources:
            return gettext("No sources.")
        first = ngettext("%(count)s source", "%(count)s sources", self.sources) % {
            "count": self.sources
        }
        if self.perspectives:
            perspectives = ngettext(
                "%(count)s perspective", "%(count)s perspectives", self.perspectives
            ) % {"count": self.perspectives}
            first = gettext("%(sources)s from %(perspectives)s") % {
                "sources": first,
                "perspectives": perspectives,
            }
        if self.primary:
            documents = ngettext(
                "%(count)s primary document", "%(count)s primary documents", self.primary
            ) % {"count": self.primary}
            first = gettext("%(sources)s, including %(documents)s") % {
                "sources": first,
                "documents": documents,
            }
        parts = [first]
        if self.independent:
            parts.append(
                ngettext(
                    "%(count)s independent of the parties",
                    "%(count)s independent of the parties",
                    self.independent,
                )
                % {"count": self.independent}
            )
        elif not self.unlabelled:
            parts.append(gettext("none independent of the parties"))
        if self.dead:
            parts.append(
                ngettext("%(count)s dead link", "%(count)s dead links", self.dead)
                % {"count": self.dead}
            )
        if self.unchecked:
            parts.append(
                ngettext(
                    "%(count)s link not yet checked",
                    "%(count)s links not yet checked",
                    self.unchecked,
                )
                % {"count": self.unchecked}
            )
        return "; ".join(parts) + "."


def profile(citations) -> EvidenceProfile:
    """The profile of an item's ``citations`` (with their sources and perspectives loaded, as
    PublishableQuerySet.with_citations() does); a source cited twice counts once."""
    sources = {c.source_id: c.source for c in citations}.values()
    perspectives = {s.perspective_id for s in sources if s.perspective_id is not None}
    sides = frozenset(
        s.perspective.side
        for s in sources
        if s.perspective is not None and s.perspective.side != Side.NEITHER
    )
    return EvidenceProfile(
        sources=len(sources),
        perspectives=len(perspectives),
        independent=sum(1 for s in sources if s.perspective and s.perspective.independent),
        primary=sum(1 for s in sources if s.kind == Source.Kind.PRIMARY_DOCUMENT),
        dead=sum(1 for s in sources if s.url_status == Source.UrlStatus.DEAD),
        unchecked=sum(1 for s in sources if s.url_status == Source.UrlStatus.UNKNOWN),
        unlabelled=sum(1 for s in sources if s.perspective_id is None),
        sides=sides,
    )


def item_profile(item) -> EvidenceProfile:
    return profile(list(item.citations.all()))


# The filters lists and the API offer, by the value of their ``evidence`` parameter.
FILTERS = {
    "independent": _("Confirmed by a source independent of the parties"),
    "primary": _("Resting on a primary document among its sources"),
    "one-sided": _("Resting on one side's sources alone"),
}


def _citing(queryset, condition: Q):
    citation_model = queryset.model.citations.rel.related_model
    return Exists(
        citation_model.objects.filter(condition, **{citation_model.item_field: OuterRef("pk")})
    )


def filter_items(queryset, value: str):
    """``queryset`` narrowed to the items whose profile matches FILTERS[value] (one query, by
    subqueries on the citations, so it paginates and counts like any filter)."""
    if value == "independent":
        return queryset.filter(_citing(queryset, Q(source__perspective__side=Side.NEITHER)))
    if value == "primary":
        return queryset.filter(_citing(queryset, Q(source__kind=Source.Kind.PRIMARY_DOCUMENT)))
    if value == "one-sided":
        # Some source, none independent or unlabelled, and not both sides.
        not_party = Q(source__perspective__isnull=True) | Q(source__perspective__side=Side.NEITHER)
        return queryset.filter(
            _citing(queryset, Q()),
            ~_citing(queryset, not_party),
            ~(
                _citing(queryset, Q(source__perspective__side=Side.ARMENIAN))
                & _citing(queryset, Q(source__perspective__side=Side.AZERBAIJANI))
            ),
        )
    raise ValueError(f"Unknown evidence filter: {value}")
