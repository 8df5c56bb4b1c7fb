"""Load the demo archive: the seed article, its FAQ entries and a sourced timeline.

Each demo file is read through the import/export kinds (core.importexport): topics are core's,
sources are core's SourceKind, and every content kind that declares its columns names its demo file
(``demo_file``) and turns a demo record into an import row (``demo_row()``), so core never names a
content app. A record goes through the kind's prepare() and write(), the checks and the writer an
import uses (services.save_with_citations).

Idempotent: records match on slug (sources on their URL), and an unchanged record is not written
again, so a second run changes nothing. The whole load is one transaction: a bad record leaves the
database as it was.

Items carry their own publication time where the data gives one (``publish_at``), so the demo
archive's dates, and the Year filter on /articles/, do not depend on when it was installed.
"""

import importlib
import json
from pathlib import Path

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from karabakh_site.core import notify
from karabakh_site.core.importexport import KINDS, RowError, item_kinds
from karabakh_site.core.kinds import content_kinds
from karabakh_site.core.models import Topic, Translation
from karabakh_site.core.translations import translated_fields, write_translation

DATA_DIR = Path(__file__).resolve().parents[2] / "demo_data"


class Command(BaseCommand):
    help = "Load (or refresh) the demo archive. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR, help="Folder holding the demo JSON files."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, then roll everything back."
        )

    def handle(self, *args, data_dir, dry_run, **options):
        if not data_dir.is_dir():
            raise CommandError(f"--data-dir must be a folder of demo JSON files: {data_dir}")
        self.data_dir = data_dir
        self.counts = {}
        self.current = "demo data"
        try:
            with transaction.atomic(), notify.quiet():
                self.load_all()
                if dry_run:
                    transaction.set_rollback(True)
        except RowError as error:
            raise CommandError(f"{self.current}: {'; '.join(error.messages)}") from None
        except ValidationError as error:
            raise CommandError(f"{self.current}: {'; '.join(error.messages)}") from None
        except (KeyError, ValueError, TypeError) as error:
            raise CommandError(f"{self.current}: bad demo data ({error!r})") from None
        summary = ", ".join(f"{name} {new} new/changed of {total}"
                            for name, (new, total) in self.counts.items())  # fmt: skip
        prefix = "Dry run, nothing written: " if dry_run else "Demo archive loaded: "
        self.stdout.write(self.style.SUCCESS(prefix + summary))

    def read(self, name):
        path = self.data_dir / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"Missing demo data file: {path}") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from None

    def count(self, name, changed):
        new, total = self.counts.get(name, (0, 0))
        self.counts[name] = (new + int(bool(changed)), total + 1)

    def load_all(self):
        # The demo sources name their perspectives by slug: the migration's starting list, made
        # again here when a database was emptied after migrating (a test's flush).
        importlib.import_module(
            "karabakh_site.core.migrations.0009_source_perspective"
        ).seed_perspectives(django_apps, None)
        for row in self.read("topics.json"):
            self.current = f"topic {row['slug']}"
            _, created = Topic.objects.update_or_create(
                slug=row["slug"], defaults={"name": row["name"], "description": row["description"]}
            )
            self.count("topics", created)

        sources = KINDS["sources"]
        for row in self.read("sources.json"):
            self.current = f"source {row['url']}"
            self.count("sources", self.write(sources, row))

        # The contested claims and their positions ("Who says what"), which cite the sources;
        # each names the demo items that carry it, which are given it as a column of their own
        # row, so each item is still written as one version.
        carried = {}
        claim_kind = KINDS["claims"]
        for row in self.read("claims.json"):
            self.current = f"claim {row['slug']}"
            self.count("claims", self.write(claim_kind, row))
            for key, slugs in row.get("items", {}).items():
                for slug in slugs:
                    carried.setdefault((key, slug), []).append(row["slug"])

        kinds = [kind for kind in item_kinds() if kind.demo_file]
        # What items refer to (places) first, then the items, kind by kind in app order, so the
        # articles exist before the FAQ entries and events that name them as related.
        for kind in kinds:
            kind.load_demo_references(self)
        for kind in kinds:
            meta = kind.model._meta
            for row in self.read(kind.demo_file):
                self.current = f"{meta.verbose_name} {row['slug']}"
                row = {**row, "claims": carried.pop((kind.name, row["slug"]), [])}
                self.count(str(meta.verbose_name_plural), self.write(kind, row))
        if carried:
            raise CommandError(
                "claims.json names items the demo archive does not have: "
                + ", ".join(f"{key} {slug}" for key, slug in sorted(carried))
            )
        self.load_translations()

    def load_translations(self):
        """translations/*.json: rows of kind, slug, language and fields (title, summary, body in
        the item's own field names), machine-assisted and not yet reviewed, as the demo's are.
        Each goes through the one writer, so the source rule holds for them too."""
        models = {kind.name: kind.model for kind in content_kinds()} | {"topic": Topic}
        for path in sorted((self.data_dir / "translations").glob("*.json")):
            for row in self.read(f"translations/{path.name}"):
                self.current = f"{path.name}: {row['kind']} {row['slug']} ({row['language']})"
                model = models[row["kind"]]
                item = model.objects.get(slug=row["slug"])
                columns = {field: column for column, field in translated_fields(model).items()}
                unknown = set(row["fields"]) - set(columns)
                if unknown:
                    raise CommandError(
                        f"{self.current}: no such field {', '.join(sorted(unknown))}"
                    )
                fields = {columns[name]: text for name, text in row["fields"].items()}
                existing = Translation.objects.of(item).filter(language=row["language"]).first()
                unchanged = existing is not None and all(
                    getattr(existing, column) == text for column, text in fields.items()
                )
                if not unchanged:
                    write_translation(
                        item,
                        row["language"],
                        fields=fields,
                        status=Translation.Status.PUBLISHED,
                        machine_assisted=True,
                        reviewed=False,
                    )
                self.count("translations", not unchanged)

    def write(self, kind, record) -> bool:
        """Write one demo record through its kind; returns whether anything was written."""
        return kind.write(kind.prepare(kind.demo_row(record), may_publish=True), by=None)
