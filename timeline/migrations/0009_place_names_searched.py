"""Events are found by their place's names in every language (TimelineEntry.place_names): the
field, filled for the events there are, and on PostgreSQL their search vectors made again with
it (SQLite's index is rebuilt after every migrate, see karabakh_site.search)."""

from django.db import migrations, models

# The vector TimelineEntry.update_search_vector() writes, with the place's names: title A,
# summary B, place names B.
REBUILD_VECTORS = """
UPDATE timeline_timelineentry SET search_vector =
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(place_names, '')), 'B')
"""


def fill_place_names(apps, schema_editor):
    TimelineEntry = apps.get_model("timeline", "TimelineEntry")
    for entry in TimelineEntry.objects.filter(place__isnull=False).select_related("place"):
        place = entry.place
        names = [place.name_en, place.name_en_alt, place.name_hy, place.name_az, place.name_ru]
        entry.place_names = " ".join(dict.fromkeys(name for name in names if name))
        entry.save(update_fields=["place_names"])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REBUILD_VECTORS)


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0008_claims"),
    ]

    operations = [
        migrations.AddField(
            model_name="timelineentry",
            name="place_names",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_place_names, migrations.RunPython.noop),
    ]
