"""Who says what: the contested claims items carry and the positions on them, each position
with its own sources (models Claim, Position, PositionSource).

The source rule covers positions as it covers items, whatever the channel:
- write_claim() (the admin, the API, imports, the demo loader) writes a claim and its positions
  in one transaction and refuses a position without a source, or a claim without a position;
- a published item cannot carry a claim with an uncited position: ensure_claims_cited() refuses
  it when the item is published (Publishable.save) and when a claim is added to a published item
  (an m2m_changed guard, connected in CoreConfig.ready), and the admin form and the API check it
  first, so an editor gets the message on the field;
- the last source of a position on a public claim cannot be deleted on its own
  (PositionSource.delete);
- readers and the API see only cited positions (Position.objects.cited()), so a position made
  some other way is never published all the same.

Positions are listed in neutral order (alphabetically by holder, then by date), never with one
side first.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .models import Claim, Position, PositionSource, Publishable, Source

# Plain English str, marked for makemessages (gettext_noop): the API's serializers and tests quote
# them as they are (``in``, which a lazy string breaks); raised here, they are translated
# (gettext) into the language of the request.
POSITION_NEEDS_SOURCE = gettext_noop(
    "Add at least one source for this position: like everything the archive publishes, a "
    "position is shown only with a citation."
)
CLAIM_NEEDS_POSITION = gettext_noop(
    "Add at least one position: who holds this claim, or rejects it."
)
UNCITED_CLAIM = _(
    "“%(claim)s” has a position with no source (%(holder)s): add one before an item that "
    "readers can see carries it."
)


def readers_positions():
    """The positions readers see, each with its perspective and its sources (two queries)."""
    return (
        Position.objects.cited()
        .select_related("perspective")
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=PositionSource.objects.select_related("source", "source__perspective"),
            )
        )
    )


def readers_claims(queryset=None):
    """Claims as readers see them: those with a cited position, each with its cited positions
    (three queries for the positions, their perspectives and their sources)."""
    queryset = Claim.objects.all() if queryset is None else queryset
    return queryset.filter(pk__in=Position.objects.cited().values("claim_id")).prefetch_related(
        Prefetch("positions", queryset=readers_positions())
    )


def claims_prefetch(lookup: str = "claims") -> Prefetch:
    """An item's claims as readers see them (readers_claims), for prefetch_related()."""
    return Prefetch(lookup, queryset=readers_claims())


def ensure_claims_cited(claims) -> None:
    """Refuse ``claims`` (Claim objects or ids) when one has an uncited position, naming it."""
    ids = [getattr(claim, "pk", claim) for claim in claims]
    if not ids:
        return
    uncited = (
        Position.objects.filter(claim_id__in=ids)
        .exclude(pk__in=Position.objects.cited().values("pk"))
        .select_related("claim")
        .first()
    )
    if uncited is None:
        return
    raise ValidationError(
        {"claims": ValidationError(
            UNCITED_CLAIM,
            code="uncited_position",
            params={"claim": uncited.claim.statement, "holder": uncited.holder},
        )}
    )  # fmt: skip


def is_public(claim: Claim) -> bool:
    return Claim.objects.public().filter(pk=claim.pk).exists()


def refuse_uncited(position: Position, *, leaving: int) -> None:
    """Refuse leaving a position of a claim readers can see with no source."""
    if leaving < 1 and is_public(position.claim):
        raise ValidationError(gettext(POSITION_NEEDS_SOURCE), code="no_source")


def check_claim(claim: Claim, positions=None) -> list:
    """Every rule write_claim() applies, checked without writing anything: ValidationError keyed
    ``positions`` with the position's number. Returns the positions as they would be written."""
    claim.full_clean()
    planned = []
    if positions is None:
        return planned
    if not positions:
        raise ValidationError({"positions": gettext(CLAIM_NEEDS_POSITION)}, code="no_position")
    existing = {p.pk: p for p in claim.positions.all()} if claim.pk else {}
    errors, given = {}, set()
    for number, data in enumerate(positions, start=1):
        data = dict(data)
        sources = [s if isinstance(s, tuple) else (s, "") for s in data.pop("sources", [])]
        pk = data.pop("id", None)
        if pk is not None and pk not in existing:
            errors[number] = [gettext("Position %(id)s is not one of this claim's.") % {"id": pk}]
            continue
        if pk is not None and pk in given:
            errors[number] = [gettext("Position %(id)s is given twice.") % {"id": pk}]
            continue
        given.add(pk)
        position = existing.get(pk) or Position()
        for name, value in data.items():
            setattr(position, name, value)
        messages = []
        try:
            position.full_clean(exclude=["claim"])
        except ValidationError as error:
            messages += [f"{name}: {m}" for name, ms in error.message_dict.items() for m in ms]
        if not sources:
            messages.append(gettext(POSITION_NEEDS_SOURCE))
        if len({source.pk for source, _locator in sources}) != len(sources):
            messages.append(gettext("The same source is named twice."))
        if messages:
            errors[number] = messages
        planned.append((position, sources))
    if errors:
        raise ValidationError(
            {
                "positions": [
                    gettext("Position %(number)s: %(message)s") % {"number": n, "message": m}
                    for n, ms in errors.items()
                    for m in ms
                ]
            }
        )
    return planned


def write_claim(claim: Claim, positions=None) -> Claim:
    """Save ``claim`` and, when ``positions`` is given, make its positions exactly those: a list
    of dicts with the Position fields (``id`` to update one that exists; ``perspective`` a
    Perspective) and ``sources``, a list of Source objects or (Source, locator) pairs. Every rule
    is checked (check_claim) before anything is written."""
    planned = check_claim(claim, positions)
    with transaction.atomic():
        claim.save()
        if positions is not None:
            kept = []
            for position, sources in planned:
                position.claim = claim
                position.save()
                kept.append(position.pk)
                write_sources(position, sources)
            claim.positions.exclude(pk__in=kept).delete()
    return claim


def write_sources(position: Position, sources) -> None:
    """New sources first, then the removed ones go, so the position is never uncited. A
    locator of None keeps a kept source's locator (the admin does not edit them)."""
    wanted = {source.pk: locator for source, locator in sources}
    current = {row.source_id: row for row in position.citations.all()}
    for source_pk, locator in wanted.items():
        row = current.get(source_pk)
        if row is None:
            PositionSource.objects.create(
                position=position, source_id=source_pk, locator=locator or ""
            )
        elif locator is not None and row.locator != locator:
            row.locator = locator
            row.save(update_fields=["locator"])
    position.citations.exclude(source_id__in=wanted).delete()


def positions_from_rows(rows, *, perspectives, sources_by_url) -> list[dict]:
    """Positions as write_claim takes them, from records in the import and demo shape:
    {"holder", "perspective": slug, "stance", "says", "said_on", "sources": [url or
    {"url", "locator"}]}. A source given as a bare URL keeps the locator it has (None), as the
    admin does. Anything malformed or unknown is named in a ValidationError, by position."""
    from .importexport.values import to_date, to_text

    if not isinstance(rows, list):
        raise ValidationError({"positions": "Give a list of positions, each with its sources."})
    positions, errors = [], []
    for number, row in enumerate(rows, start=1):
        where = f"Position {number}"
        if not isinstance(row, dict):
            errors.append(f"{where}: give an object with holder, perspective, says and sources.")
            continue
        texts = {}
        for name in ("holder", "perspective", "stance", "says"):
            try:
                texts[name] = to_text(row.get(name))
            except ValueError as error:
                errors.append(f"{where}: {name}: {error}")
        perspective = perspectives.get(texts.get("perspective", ""))
        if perspective is None and "perspective" in texts:
            errors.append(f"{where}: unknown perspective {texts['perspective']!r}.")
        entries = row.get("sources") or []
        if not isinstance(entries, list):
            errors.append(f'{where}: sources must be a list of URLs or {{"url", "locator"}}.')
            entries = []
        cited = []
        for entry in entries:
            if isinstance(entry, str):
                url, locator = entry, None
            elif isinstance(entry, dict):
                try:
                    url = to_text(entry.get("url"))
                    locator = to_text(entry["locator"]) if "locator" in entry else None
                except ValueError as error:
                    errors.append(f"{where}: source: {error}")
                    continue
            else:
                errors.append(f'{where}: a source is a URL or {{"url", "locator"}}.')
                continue
            if locator is not None and len(locator) > 100:
                errors.append(f"{where}: a locator is at most 100 characters.")
                continue
            source = sources_by_url(url)
            if source is None:
                errors.append(f"{where}: no source has the URL {url!r}.")
            else:
                cited.append((source, locator))
        try:
            said_on = to_date(row["said_on"]) if row.get("said_on") else None
        except (ValueError, TypeError) as error:
            errors.append(f"{where}: said_on: {error}")
            said_on = None
        positions.append(
            {
                "holder": texts.get("holder", ""),
                "perspective": perspective,
                "stance": texts.get("stance") or Position.Stance.OTHER,
                "says": texts.get("says", ""),
                "said_on": said_on,
                "sources": cited,
            }
        )
    if errors:
        raise ValidationError({"positions": errors})
    return positions


def source_by_url(url: str):
    from .urlnorm import url_key

    try:
        return Source.objects.get(url_key=url_key(url))
    except (Source.DoesNotExist, ValueError, TypeError, AttributeError):
        return None


def _guard_items_claims(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A claim added to a published item, from any channel, must have only cited positions."""
    if action != "pre_add" or not pk_set:
        return
    if not reverse:  # item.claims.add(claim)
        if instance.status == Publishable.Status.PUBLISHED:
            ensure_claims_cited(pk_set)
    elif model.objects.filter(pk__in=pk_set, status=Publishable.Status.PUBLISHED).exists():
        ensure_claims_cited([instance])  # claim.articles.add(article)


def connect() -> None:
    for model in (m for m in _publishable_models() if "claims" in _field_names(m)):
        m2m_changed.connect(
            _guard_items_claims,
            sender=model.claims.through,
            dispatch_uid=f"claims-guard-{model._meta.label_lower}",
        )


def _publishable_models():
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Publishable)]


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}
