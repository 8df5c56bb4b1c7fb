"""Import sources or a content kind (articles, timeline, faq: every kind that declares import/export
columns) from a CSV or JSON file (see core.importexport).

Every row is checked before anything is written; if any row is wrong, nothing is written and the
command exits non-zero listing each bad row. Importing the same file again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from karabakh_site.core import importexport

# Below this many rows a progress bar is noise.
PROGRESS_FROM = 50


class Command(BaseCommand):
    help = "Import sources or content-kind rows from a CSV or JSON file; all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importexport.KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=importexport.FORMATS,
            dest="file_format",
            help="Defaults to the file's extension.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, then roll everything back."
        )

    def handle(self, *args, kind, file, file_format, dry_run, verbosity, **options):
        file_format = file_format or file.suffix.lstrip(".").lower()
        if file_format not in importexport.FORMATS:
            raise CommandError(f"Cannot tell the format of {file}: pass --format csv or json.")
        try:
            # Bytes, not read_text(): its newline translation would turn a carriage return inside
            # a quoted CSV cell into a line feed, and the cell would not read back as exported.
            text = file.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None

        def progress(rows):
            show = verbosity > 0 and len(rows) >= PROGRESS_FROM
            return tqdm(rows, desc=f"Checking {kind}", unit="row", disable=not show)

        report = importexport.import_text(
            kind, text, file_format, dry_run=dry_run, progress=progress
        )
        if not report.ok:
            raise CommandError(f"Nothing imported from {file}:\n{report.error_text()}")
        prefix = "Dry run, nothing written: " if dry_run else "Imported: "
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
        if verbosity > 1:
            for row in report.rows:
                self.stdout.write(f"  row {row.number} {row.key}: {row.action}")
