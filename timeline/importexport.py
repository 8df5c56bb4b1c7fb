"""Timeline entries in CSV and JSON (see karabakh_site.core.importexport): their columns, their
place given by slug, and the places the demo archive's events happen at."""

from decimal import Decimal

from karabakh_site.core.importexport import ItemKind
from karabakh_site.core.importexport.values import to_bool, to_date, to_text

from . import dates
from .models import Place, TimelineEntry

PLACE_NAMES = ("name_en", "name_en_alt", "name_hy", "name_az", "name_ru")


class TimelineKind(ItemKind):
    name = "timeline"
    model = TimelineEntry
    item_columns = [
        "slug", "title", "date", "date_precision", "end_date", "end_precision", "approximate",
        "end_approximate", "summary", "category", "key_event", "place",
    ]  # fmt: skip
    item_converters = {
        "date": to_date,
        "end_date": to_date,
        "approximate": to_bool,
        "end_approximate": to_bool,
        "key_event": to_bool,
    }
    demo_file = "timeline.json"

    def export_value(self, item, column):
        if column == "place":
            return item.place.slug if item.place_id else ""
        return super().export_value(item, column)

    def queryset(self):
        return super().queryset().select_related("place")

    def convert(self, row, errors):
        try:
            place_slug = to_text(row.get("place")).strip()
        except ValueError as error:
            errors.append(f"place: {error}")
            place_slug = ""
        values = super().convert({**row, "place": None}, errors)
        values["place"] = None
        if place_slug:
            values["place"] = Place.objects.filter(slug=place_slug).first()
            if values["place"] is None:
                errors.append(f"unknown place slug: {place_slug}")
        values["date_precision"] = values.get("date_precision") or "day"
        # Files from before the end had its own precision and "approximate": the start's.
        values["end_precision"] = values.get("end_precision") or ""
        if row.get("end_approximate") in (None, ""):
            values["end_approximate"] = None
        return values

    def normalise(self, item):
        item.settle_end()
        if item.date and item.date_precision in dict(item.Precision.choices):
            item.date = dates.normalise(item.date, item.date_precision)
            if item.end_date and item.end_precision in dict(item.Precision.choices):
                item.end_date = dates.normalise(item.end_date, item.end_precision)

    def load_demo_references(self, loader):
        # Places are not importable (an editor adds one in the admin), so the demo's come from a
        # file of their own, matched on slug and written only when they differ.
        for record in loader.read("places.json"):
            loader.current = f"place {record['slug']}"
            values = {name: record.get(name) or "" for name in PLACE_NAMES}
            for axis in ("latitude", "longitude"):
                # Through str, so 39.7596 stays 39.7596 rather than the float's long expansion.
                value = record.get(axis)
                values[axis] = None if value is None else Decimal(str(value))
            place = Place.objects.filter(slug=record["slug"]).first() or Place(slug=record["slug"])
            changed = place.pk is None or any(getattr(place, k) != v for k, v in values.items())
            if changed:
                for name, value in values.items():
                    setattr(place, name, value)
                place.full_clean()
                place.save()
            loader.count("places", changed)
