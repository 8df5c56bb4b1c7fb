"""Load a file written by export_archive into an empty database (migrated to the same code), all
or nothing. A database that already holds content or users is refused unless --force, which
replaces the archive's records with the file's."""

from pathlib import Path

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, IntegrityError, transaction

from karabakh_site.core import backup


class Command(BaseCommand):
    help = "Load a whole-archive file (from export_archive) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace whatever archive the database holds with the file's: its content, "
            "history, users and groups become the file's; API tokens and sessions are deleted "
            "(issue new tokens; everyone signs in again).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, force, database, verbosity, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if not force and not backup.is_empty(database):
            raise CommandError(
                "The database already holds an archive (content, sources, topics or users). "
                "Import into an empty database (migrate a new one), or pass --force to replace "
                "its records with the file's."
            )
        try:
            with file.open(encoding="utf-8") as stream, transaction.atomic(using=database):
                if force:
                    backup.wipe_archive(database)
                counts = backup.import_archive(stream, using=database)
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        except serializers.base.DeserializationError as error:
            raise CommandError(
                f"Nothing imported: {file} is not an archive file ({error})."
            ) from None
        except (IntegrityError, DatabaseError) as error:
            raise CommandError(
                f"Nothing imported: the database refused a record ({error})."
            ) from None
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Imported {total} records from {file}."))
        if verbosity > 1:
            for label, count in counts.items():
                self.stdout.write(f"  {label}: {count}")
