"""Events are also found by their place's Armenian name typed with plain consonants (Ստեպանակերտ
for Ստեփանակերտ): place_names made again with Place.search_names' variants, and on PostgreSQL
the search vectors with them (SQLite's index is rebuilt after every migrate)."""

import importlib

from django.db import migrations

PLAIN = str.maketrans({"փ": "պ", "թ": "տ", "ք": "կ", "Փ": "Պ", "Թ": "Տ", "Ք": "Կ"})


def fill_place_names(apps, schema_editor):
    TimelineEntry = apps.get_model("timeline", "TimelineEntry")
    for entry in TimelineEntry.objects.filter(place__isnull=False).select_related("place"):
        place = entry.place
        names = [place.name_en, place.name_en_alt, place.name_hy, place.name_az, place.name_ru]
        names.append(place.name_hy.translate(PLAIN))
        entry.place_names = " ".join(dict.fromkeys(name for name in names if name))
        entry.save(update_fields=["place_names"])
    if schema_editor.connection.vendor == "postgresql":
        earlier = importlib.import_module("timeline.migrations.0009_place_names_searched")
        schema_editor.execute(earlier.REBUILD_VECTORS)


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0009_place_names_searched"),
    ]

    operations = [
        migrations.RunPython(fill_place_names, migrations.RunPython.noop),
    ]
