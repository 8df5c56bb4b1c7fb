"""Revisions of live items: change a published item through review while readers keep the live
version.

A revision is a copy of the live item (same model, ``revision_of`` set, a slug of its own, status
draft) with the live item's citations and links. It moves through the workflow like any draft —
saved, submitted, returned, previewed on the real page template by staff — and readers never see
it: it is never published itself. Publishing it (publish_revision, which every channel's publish
of a revision comes to through services) writes what the revision changed into the live item as
one write, so one history version, and deletes the copy.

What the revision changed is measured against the live version it started from
(``revision_base``), field by field, for the citations as a whole and for each set of links: a
live item that an editor corrected meanwhile keeps that correction where the revision left the
field alone. Where both changed the same thing differently, publishing is refused, naming what,
unless the editor says the revision's version wins (``overwrite``).
"""

import copy

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from . import history, notify, services
from .models import Publishable, WorkflowEvent

Status = Publishable.Status

ONLY_PUBLISHED = (
    "Only a published item gets a revision: a draft or an item in review is changed directly, "
    "and a withdrawn one is edited by an editor."
)
NOT_A_REVISION = "This item is not a revision of a live item."
CITATIONS = "citations"


def live_fields(model) -> list[models.Field]:
    """The fields a revision carries into the live item: what the item says (the restorable
    fields), without its address (a revision has a slug of its own; links to the live item
    stay valid)."""
    return [f for f in history.restorable_fields(model) if f.name != "slug"]


def revision_slug(item: Publishable) -> str:
    """A slug no other item uses: the live slug with "-revision" (and a number if needed),
    within the field's length."""
    model = type(item)
    limit = model._meta.get_field("slug").max_length
    base = slugify(f"{item.slug}-revision")[:limit]
    slug, n = base, 2
    while model._base_manager.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug, n = base[: limit - len(suffix)] + suffix, n + 1
    return slug


def _citation_model(model):
    return model.citations.rel.related_model


def _rows(citations) -> list[tuple]:
    return [(c.source_id, c.locator, c.quote) for c in citations]


def _links(item, field) -> set[int]:
    return set(getattr(item, field.name).values_list("pk", flat=True))


def _m2m_fields(model) -> list:
    return list(model._meta.many_to_many)


@transaction.atomic
def start_revision(item: Publishable, *, by=None) -> Publishable:
    """The revision of the live ``item``: the one already in progress, or a new copy of it.
    Raises ValidationError for an item that is not published."""
    model = type(item)
    # The row lock makes two editors starting at once share one revision (revision_of is unique).
    live = model._base_manager.select_for_update().get(pk=item.pk)
    if live.revision_of_id is not None:
        raise ValidationError("This is already a revision; edit it directly.")
    existing = model._base_manager.filter(revision_of=live).first()
    if existing is not None:
        return existing
    if live.status != Status.PUBLISHED:
        raise ValidationError(ONLY_PUBLISHED)
    copy = model._base_manager.get(pk=live.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.slug = revision_slug(live)
    copy.status = Status.DRAFT
    copy.publish_at = copy.withdraw_at = None
    copy.review_comment = ""
    copy.created_by = copy.updated_by = by
    copy.revision_of = live
    copy.revision_base = history.latest_version_id(live)
    citation_model = _citation_model(model)
    citations = [
        citation_model(source_id=c.source_id, locator=c.locator, quote=c.quote)
        for c in live.citations.order_by("position", "id")
    ]
    relations = {f.name: list(getattr(live, f.name).all()) for f in _m2m_fields(model)}
    services.write_item(
        copy,
        citations=citations,
        relations=relations,
        by=by,
        change_reason=f"Revision of the live version started by {by or 'someone'}"[:100],
    )
    return copy


def _base_record(revision: Publishable):
    live_model = type(revision)
    if revision.revision_base is None:
        return None
    return live_model.history.filter(history_id=revision.revision_base).first()


def _label(model, name: str) -> str:
    if name == CITATIONS:
        return "Citations"
    label = str(model._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


class RevisionPlan:
    """What publishing ``revision`` will write into its live item, and where the live item
    changed the same things differently since the revision started (``conflicts``: names)."""

    def __init__(self, revision: Publishable, live: Publishable, *, citations=None):
        model = type(live)
        self.revision, self.live = revision, live
        base = _base_record(revision)
        self.fields: dict[str, object] = {}
        self.conflicts: list[str] = []
        for field in live_fields(model):
            ours = getattr(revision, field.attname)
            theirs = getattr(live, field.attname)
            old = getattr(base, field.attname) if base is not None else theirs
            if ours in (old, theirs):
                continue
            if theirs != old:
                self.conflicts.append(field.name)
            self.fields[field.attname] = ours

        if citations is None:
            citations = revision.citations.order_by("position", "id")
        ours = list(citations)
        theirs = list(live.citations.order_by("position", "id"))
        old = _rows(history.version_citations(base)) if base is not None else _rows(theirs)
        self.citations = None
        if _rows(ours) != old and _rows(ours) != _rows(theirs):
            if _rows(theirs) != old:
                self.conflicts.append(CITATIONS)
            self.citations = ours
        elif _rows(theirs) != old and any(
            f.attname in self.fields for f in live_fields(model) if f.name in live.markdown_fields
        ):
            # The live citations were renumbered or changed while the revision rewrote text whose
            # [^N] markers count the citations as they were: the markers would point elsewhere.
            self.conflicts.append(CITATIONS)

        self.relations: dict[str, list] = {}
        for field in _m2m_fields(model):
            ours, theirs = _links(revision, field), _links(live, field)
            recorded = base is not None and history.links_recorded(base, field)
            old = set(history.version_links(base, field)) if recorded else theirs
            if ours in (old, theirs):
                continue
            if theirs != old:
                self.conflicts.append(field.name)
            self.relations[field.name] = list(field.related_model._base_manager.filter(pk__in=ours))

    @property
    def changes_anything(self) -> bool:
        return bool(self.fields or self.citations is not None or self.relations)

    def conflict_message(self) -> str:
        names = ", ".join(_label(type(self.live), name) for name in self.conflicts)
        return (
            f"Since this revision was started, the live item changed too, in: {names}. Publishing "
            "the revision would replace those changes. Compare it with the live item and make it "
            "say what should be live, then publish again and confirm that the revision's version "
            "replaces the live one."
        )

    def live_citations(self) -> list:
        """The revision's citations as the live item's: a live citation of the same source and
        locator is updated in place (its history continues), the others are new."""
        citation_model = _citation_model(type(self.live))
        kept = {(c.source_id, c.locator): c for c in self.live.citations.all()}
        result = []
        for citation in self.citations:
            row = kept.pop((citation.source_id, citation.locator), None)
            if row is None:
                row = citation_model(source_id=citation.source_id, locator=citation.locator)
            row.quote = citation.quote
            result.append(row)
        return result


def plan(revision: Publishable, *, citations=None) -> RevisionPlan:
    """What publishing ``revision`` (as it is in memory, with ``citations`` when given, else its
    saved ones) would write into the live item."""
    if revision.revision_of_id is None:
        raise ValidationError(NOT_A_REVISION)
    live = type(revision)._base_manager.get(pk=revision.revision_of_id)
    return RevisionPlan(revision, live, citations=citations)


def check_publishable(revision: Publishable, *, citations=None, overwrite: bool = False) -> None:
    """Refuse, before anything is written, to publish a revision whose live item changed the
    same things differently since it started (ValidationError with the conflict message)."""
    work = plan(revision, citations=citations)
    if work.conflicts and not overwrite:
        # On no field (the form shows it at the top): the whole revision is what conflicts.
        conflict = ValidationError(work.conflict_message(), code="revision_conflict")
        raise ValidationError({NON_FIELD_ERRORS: [conflict]})
    # What would go live obeys every rule of a live item (the source rule, markers that resolve),
    # checked on a copy now, so a refusal comes before anything is written, in every channel.
    merged = copy.copy(work.live)
    for attname, value in work.fields.items():
        setattr(merged, attname, value)
    services.ItemWrite(
        merged, citations=None if work.citations is None else work.live_citations()
    ).check()


@transaction.atomic
def publish_revision(revision: Publishable, *, by=None, overwrite: bool = False) -> Publishable:
    """Write what ``revision`` changed into its live item (one version, the source rule checked
    against the final citations), log it on the live item, and delete the revision. Returns the
    live item. Raises ValidationError when the live item changed the same things differently
    since (unless ``overwrite``) or when the result breaks a rule; nothing is written then."""
    if revision.revision_of_id is None:
        raise ValidationError(NOT_A_REVISION)
    model = type(revision)
    live = model._base_manager.select_for_update().get(pk=revision.revision_of_id)
    revision = model._base_manager.get(pk=revision.pk)
    work = RevisionPlan(revision, live)
    if work.conflicts and not overwrite:
        raise ValidationError(work.conflict_message(), code="revision_conflict")
    author = revision.created_by
    if work.changes_anything:
        for attname, value in work.fields.items():
            setattr(live, attname, value)
        live.full_clean(exclude=["status", "slug"])
        services.write_item(
            live,
            citations=None if work.citations is None else work.live_citations(),
            relations=work.relations,
            by=by,
            change_reason=f"Published the revision by {author or 'someone'}"[:100],
        )
    event = WorkflowEvent.objects.create(
        content_type=ContentType.objects.get_for_model(live),
        object_id=live.pk,
        from_status=Status.PUBLISHED,
        to_status=Status.PUBLISHED,
        by=by,
        comment=f"Published a revision by {author or 'someone'}."
        + ("" if work.changes_anything else " It changed nothing."),
    )
    notify.revision_published(live, revision, event)
    _move_dependants(revision, live)
    discard_revision(revision)
    return live


def _move_dependants(revision: Publishable, live: Publishable) -> None:
    """Records written on the revision that belong to the item (an article's corrections added
    with the revision) go to the live item rather than being deleted with the copy."""
    model = type(revision)
    citation_model = _citation_model(model)
    for rel in model._meta.related_objects:
        if not rel.one_to_many or rel.related_model in (citation_model, model):
            continue
        rel.related_model._base_manager.filter(**{rel.field.name: revision}).update(
            **{rel.field.name: live}
        )


def discard_revision(revision: Publishable) -> None:
    """Delete the copy and its citations. It was never public, so nothing of the record goes;
    its versions stay in history and the deleted-items list leaves revisions out."""
    if revision.revision_of_id is None:
        raise ValidationError(NOT_A_REVISION)
    citation_model = _citation_model(type(revision))
    for citation in citation_model._base_manager.filter(**{citation_model.item_field: revision}):
        models.Model.delete(citation)
    models.Model.delete(revision)
