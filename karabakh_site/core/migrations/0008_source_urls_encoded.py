"""Existing sources' URLs stored percent-encoded (core.urlnorm), as new ones are."""

import sys

from django.db import migrations

from karabakh_site.core.urlnorm import encode_uri, normalise_url, url_key


def encode_source_urls(apps, schema_editor, out=sys.stdout):
    """Re-normalise every source's ``url`` (and ``url_key``) and encode its ``archived_url``.
    Two sources whose URLs now share a key (one was stored encoded, the other not) are the same
    document: the later one keeps its old URL, so the unique key holds, and is named for an
    editor to merge. A URL the normaliser cannot read is left as it is."""
    Source = apps.get_model("core", "Source")
    rows = list(Source.objects.order_by("pk").values_list("pk", "url", "url_key", "archived_url"))
    owner = {key: pk for pk, _, key, _ in rows}
    for pk, url, key, archived_url in rows:
        try:
            new_url, new_archived = normalise_url(url), encode_uri(archived_url)
            new_key = url_key(new_url)
        except ValueError:
            out.write(f"\n  Source #{pk}: URL {url!r} cannot be read; left as it is.")
            continue
        too_long = max(len(new_url), len(new_archived or "")) > 1000
        if too_long:
            # Encoded, it would not fit its column: kept as it was, for an editor to shorten.
            out.write(f"\n  Source #{pk}: URL too long once encoded; left as it is.")
            continue
        if owner.get(new_key, pk) != pk:
            out.write(
                f"\n  Source #{pk} keeps its URL: encoded, it is source #{owner[new_key]}'s. "
                "Merge the two."
            )
            new_url, new_key = url, key
        elif new_key != key:
            del owner[key]
            owner[new_key] = pk
        if (new_url, new_key, new_archived) != (url, key, archived_url):
            Source.objects.filter(pk=pk).update(
                url=new_url, url_key=new_key, archived_url=new_archived
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0007_api_token")]

    operations = [migrations.RunPython(encode_source_urls, migrations.RunPython.noop)]
