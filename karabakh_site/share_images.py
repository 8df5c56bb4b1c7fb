"""Share images (og:image): a PNG card per published item, drawn on the server with Pillow.

A card shows the site's name, the item's kind, its title, an event's date and, where the item
has a place inside the region, the region map with that place marked (timeline.maps). Its URL
carries a hash of exactly what the card shows (``Card.version``), so an edit that changes the
picture changes the URL and no cache can serve the old one for the new page; an old URL
redirects to the current one. Only published items (and places and topics a published item
uses) have cards: anything else is a 404, so a draft's title never leaves through its image.
Rendered PNGs are kept in the shared cache under their version, so each is drawn once.
"""

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from django.core.cache import caches
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import override
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from karabakh_site.core.faults import CACHE_ERRORS, cache_circuit
from karabakh_site.core.kinds import content_kinds
from karabakh_site.core.models import Publishable, Topic
from karabakh_site.core.translations import ORIGINAL_LANGUAGE, reading
from timeline import maps
from timeline.models import Place

WIDTH, HEIGHT = 1200, 630  # what the large share cards of most sites expect (1.91:1)
# Part of every card's version: bump it when the drawing changes, so every URL changes too.
RENDERER = "2"
SITE_NAME = "Karabakh Archive"
# An hour: a changed item gets a new URL at once, but a withdrawn one should not linger long
# in shared caches after its URL starts answering 404.
MAX_AGE = 3600
CACHE_SECONDS = 7 * 24 * 3600

BACKGROUND = (253, 252, 248)
SURFACE = (243, 240, 232)
SEA = (220, 228, 236)
TEXT = (29, 27, 24)
MUTED = (79, 74, 66)
ACCENT = (122, 46, 31)


@dataclass(frozen=True)
class Card:
    title: str
    kicker: str = ""  # "Event", "Article", ...
    date: str = ""
    place_name: str = ""
    # The place's map position, when it is inside the region map.
    point: tuple[float, float] | None = None

    @property
    def version(self) -> str:
        drawn = json.dumps([RENDERER, asdict(self)], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(drawn.encode()).hexdigest()[:16]

    @property
    def alt(self) -> str:
        parts = [self.title]
        if self.date:
            parts.append(self.date)
        if self.point:
            parts.append(f"with a map marking {self.place_name}")
        return f"{SITE_NAME}: " + ", ".join(parts)


SITE_CARD = Card(title="A source-backed public record of the Nagorno-Karabakh conflict")


def _place_fields(place) -> dict:
    if place is None or not maps.in_view(place.latitude, place.longitude):
        return {}
    point = maps.project(float(place.longitude), float(place.latitude))
    return {"place_name": place.display_name, "point": point}


@dataclass(frozen=True)
class ShareKind:
    model: type
    readable: object  # () -> the queryset of items readers may see
    card: object  # (item) -> Card


def _content_card(kind):
    def card(item):
        place = getattr(item, "place", None)
        return Card(
            title=str(getattr(item, kind.title_field)),
            kicker=kind.noun[0].capitalize(),
            # Events carry their date (display_date); other kinds have none to show.
            date=getattr(item, "display_date", ""),
            **_place_fields(place),
        )

    return card


def share_kinds() -> dict[str, ShareKind]:
    """Every kind of page with a card of its own, by the name its URLs use. Built per call:
    the querysets must follow the clock (published() is evaluated when they run)."""
    kinds = {
        kind.name: ShareKind(kind.model, kind.model.objects.published, _content_card(kind))
        for kind in content_kinds()
    }
    kinds["place"] = ShareKind(
        Place,
        Place.objects.public,
        lambda place: Card(title=place.display_name, kicker="Place", **_place_fields(place)),
    )
    kinds["topic"] = ShareKind(
        Topic, Topic.objects.public, lambda topic: Card(title=topic.name, kicker="Topic")
    )
    return kinds


def image_for(obj) -> tuple[str, str]:
    """(path, alt text) of the share image for a page about ``obj`` (None: a list page). An item
    readers cannot see (a staff preview) gets the site's card: its own would be a 404."""
    for name, kind in share_kinds().items():
        if obj is not None and isinstance(obj, kind.model):
            if isinstance(obj, Publishable) and not obj.is_published:
                break
            # Share images show the original, in English, whatever the page's language: the
            # image's address has no language, so it must be the same for every reader.
            with reading(None), override(ORIGINAL_LANGUAGE):
                if getattr(obj, "shown_language", ORIGINAL_LANGUAGE) != ORIGINAL_LANGUAGE:
                    obj = type(obj)._base_manager.get(pk=obj.pk)
                card = kind.card(obj)
            path = reverse(
                "share-image", kwargs={"kind": name, "key": obj.slug, "version": card.version}
            )
            return path, card.alt
    return reverse("share-site", kwargs={"version": SITE_CARD.version}), SITE_CARD.alt


# Views -----------------------------------------------------------------------------------------


@require_safe
def site_image(request, version):
    if version != SITE_CARD.version:
        return _moved(reverse("share-site", kwargs={"version": SITE_CARD.version}))
    return _png_response(request, SITE_CARD, "site")


@require_safe
def item_image(request, kind, key, version):
    share_kind = share_kinds().get(kind)
    if share_kind is None:
        raise Http404("No such kind of share image.")
    with override(ORIGINAL_LANGUAGE):
        item = share_kind.readable().filter(slug=key).first()
        if item is None:
            raise Http404("No published item has this share image.")
        card = share_kind.card(item)
    if version != card.version:
        path = reverse("share-image", kwargs={"kind": kind, "key": key, "version": card.version})
        return _moved(path)
    return _png_response(request, card, f"{kind}:{key}")


def _moved(path):
    # Not permanent and not cached: the item can change again, or be withdrawn.
    response = redirect(path)
    patch_cache_control(response, no_cache=True)
    return response


def _png_response(request, card: Card, name: str) -> HttpResponse:
    etag = f'"{card.version}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(_cached_png(card, name), content_type="image/png")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _cached_png(card: Card, name: str) -> bytes:
    key = f"share-image:{name}:{card.version}"
    cache = caches["default"]
    if not cache_circuit.is_open():
        try:
            png = cache.get(key)
        except CACHE_ERRORS as error:
            cache_circuit.failed(error, "share images are drawn for every request meanwhile")
            png = None
        else:
            cache_circuit.succeeded()
        if png is not None:
            return png
    png = render(card)
    if not cache_circuit.is_open():
        try:
            cache.set(key, png, CACHE_SECONDS)
        except CACHE_ERRORS as error:
            cache_circuit.failed(error, "share images are drawn for every request meanwhile")
    return png


# Drawing ---------------------------------------------------------------------------------------


FONTS = Path(__file__).with_name("fonts")  # DejaVu Sans, shipped with its licence


@cache
def _font(size: int, bold: bool = False):
    # Shipped, not the system's: a machine with only pip has no fonts. Pillow's embedded font
    # lacks "ş", "ə", Cyrillic and Armenian, which titles and place names use.
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += " …"
    # A single word wider than the card is cut rather than drawn off its edge.
    return [_fit(draw, line, font, width) for line in lines]


def _fit(draw, line: str, font, width: int) -> str:
    while draw.textlength(line, font=font) > width and len(line) > 1:
        line = line[:-2] + "…"
    return line


def _draw_map(image, card: Card, box: tuple[int, int, int]) -> None:
    """The region map at ``box`` (left, top, width), drawn on its own canvas so the borders
    beyond the map's edge (region.json reaches past it) are cut off."""
    left, top, width = box
    scale = width / maps.WIDTH
    height = round(maps.HEIGHT * scale)
    canvas = Image.new("RGB", (width, height), SEA)
    draw = ImageDraw.Draw(canvas)
    for country in maps.countries():
        fill = BACKGROUND if country.subject else SURFACE
        line = TEXT if country.subject else MUTED
        for ring in country.rings:
            points = [(x * scale, y * scale) for x, y in ring]
            draw.polygon(points, fill=fill, outline=line, width=2 if country.subject else 1)
    x, y = card.point
    x, y = x * scale, y * scale
    draw.ellipse((x - 13, y - 13, x + 13, y + 13), fill=ACCENT, outline=TEXT, width=4)
    draw.rectangle((0, 0, width - 1, height - 1), outline=MUTED, width=1)
    image.paste(canvas, (left, top))
    ImageDraw.Draw(image).text(
        (left, top + height + 14), card.place_name, font=_font(26), fill=MUTED
    )


def render(card: Card) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 64
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=ACCENT)
    draw.text((margin, 52), SITE_NAME.upper(), font=_font(32, bold=True), fill=ACCENT)
    text_width = WIDTH - 2 * margin
    if card.point:
        map_width = 500
        _draw_map(image, card, (WIDTH - margin - map_width, 150, map_width))
        text_width -= map_width + 48
    y = 150
    kicker = " · ".join(part for part in (card.kicker, card.date) if part)
    if kicker:
        draw.text((margin, y), kicker, font=_font(32), fill=MUTED)
        y += 64
    size = 58 if len(card.title) < 60 else 46
    font = _font(size, bold=True)
    for line in _wrap(draw, card.title, font, text_width, max_lines=5 if card.point else 4):
        draw.text((margin, y), line, font=font, fill=TEXT)
        y += round(size * 1.25)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
