"""Export sources or a content kind (articles, timeline, faq: every kind that declares import/export
columns) as CSV or JSON, in the shape import_content reads back without loss."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from karabakh_site.core import importexport


class Command(BaseCommand):
    help = "Export sources or a content kind as CSV or JSON (to a file, or to standard output)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importexport.KINDS))
        parser.add_argument("--format", choices=importexport.FORMATS, dest="file_format")
        parser.add_argument("-o", "--output", type=Path, help="Write here instead of stdout.")

    def handle(self, *args, kind, file_format, output, **options):
        if file_format is None:
            file_format = output.suffix.lstrip(".").lower() if output else "json"
        if file_format not in importexport.FORMATS:
            raise CommandError(f"Cannot tell the format of {output}: pass --format csv or json.")
        text = importexport.export_text(kind, file_format)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        rows = importexport.KINDS[kind].queryset().count()
        self.stderr.write(f"Exported {rows} {kind} rows to {output}.")
