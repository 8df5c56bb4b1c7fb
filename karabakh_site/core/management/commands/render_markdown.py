"""Re-render the stored HTML of every article, FAQ answer and timeline summary.

Rendering happens on save, so reads never re-render; after a change to the renderer or its
allow-list (karabakh_site/markdown.py), this brings stored HTML up to date without saving the items
themselves: no new history versions, no changed timestamps.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article
from faq.models import FAQEntry
from karabakh_site.core import changes
from karabakh_site.markdown import render_markdown
from timeline.models import TimelineEntry

# (model, Markdown field, stored HTML field)
RENDERED = [
    (Article, "body", "body_html"),
    (FAQEntry, "answer", "answer_html"),
    (TimelineEntry, "summary", "summary_html"),
]


class Command(BaseCommand):
    help = "Re-render stored HTML from Markdown after a renderer change."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, write nothing.")

    @transaction.atomic
    def handle(self, *args, dry_run, **options):
        for model, source, target in RENDERED:
            changed = []
            for item in model.objects.only("pk", "slug", source, target).iterator():
                html = render_markdown(
                    getattr(item, source), anchor_prefix=item.citation_anchor_prefix
                )
                if html != getattr(item, target):
                    setattr(item, target, html)
                    changed.append(item)
            if not dry_run and changed:
                # bulk_update sends no signals: tell the content clock readers' pages changed.
                with changes.recording():
                    model.objects.bulk_update(changed, [target], batch_size=500)
            verb = "would change" if dry_run else "changed"
            self.stdout.write(f"{model._meta.verbose_name_plural}: {verb} {len(changed)}")
