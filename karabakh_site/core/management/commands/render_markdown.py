"""Re-render the stored HTML of every content kind's Markdown fields (Publishable.rendered_fields).

Rendering happens on save, so reads never re-render; after a change to the renderer or its
allow-list (karabakh_site/markdown.py), this brings stored HTML up to date without saving the items
themselves: no new history versions, no changed timestamps.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from karabakh_site.core import changes
from karabakh_site.core.kinds import content_kinds


class Command(BaseCommand):
    help = "Re-render stored HTML from Markdown after a renderer change."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, write nothing.")

    @transaction.atomic
    def handle(self, *args, dry_run, **options):
        for kind in content_kinds():
            model = kind.model
            targets = list(model.rendered_fields.values())
            fields = ["pk", "slug", *model.rendered_fields, *targets]
            changed = []
            for item in model.objects.only(*fields).iterator():
                before = [getattr(item, target) for target in targets]
                item.render_markdown()
                if [getattr(item, target) for target in targets] != before:
                    changed.append(item)
            if not dry_run and changed:
                # bulk_update sends no signals: tell the content clock readers' pages changed.
                with changes.recording():
                    model.objects.bulk_update(changed, targets, batch_size=500)
            verb = "would change" if dry_run else "changed"
            self.stdout.write(f"{model._meta.verbose_name_plural}: {verb} {len(changed)}")
