"""Write the whole archive to one file (see core.backup): content, history, workflow log and the
users they name. Restore it with import_archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from karabakh_site.core import backup


class Command(BaseCommand):
    help = (
        "Write the whole archive (every record, its history and authorship) to a JSON Lines file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The file to write (JSON Lines).")
        parser.add_argument(
            "--without-passwords",
            action="store_true",
            help="Leave out password hashes: restored users must then reset their passwords.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, without_passwords, database, verbosity, **options):
        try:
            with file.open("w", encoding="utf-8") as stream:
                counts = backup.export_archive(
                    stream, using=database, passwords=not without_passwords
                )
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}") from None
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Exported {total} records to {file}."))
        if verbosity > 1:
            for label, count in counts.items():
                self.stdout.write(f"  {label}: {count}")
