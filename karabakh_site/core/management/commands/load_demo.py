"""Load the demo archive: the seed article, its FAQ entries and a sourced timeline.

Idempotent: records match on slug (sources on their URL), and an unchanged record is not written
again, so a second run changes nothing. Everything is published through the same rule as the
admin (services.save_with_citations), and the whole load is one transaction: a bad record leaves
the database as it was.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from articles.models import Article, ArticleCitation, Correction
from faq.models import FAQCitation, FAQEntry, FAQGroup
from karabakh_site.core.models import Publishable, Source, Topic
from karabakh_site.core.services import save_with_citations
from karabakh_site.core.urlnorm import url_key
from timeline.models import Place, TimelineCitation, TimelineEntry

DATA_DIR = Path(__file__).resolve().parents[2] / "demo_data"


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


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
        try:
            with transaction.atomic():
                self.load_all()
                if dry_run:
                    transaction.set_rollback(True)
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
        self.current = "topics"
        self.topics = {}
        for row in self.read("topics.json"):
            self.current = f"topic {row['slug']}"
            topic, created = Topic.objects.update_or_create(
                slug=row["slug"], defaults={"name": row["name"], "description": row["description"]}
            )
            self.topics[topic.slug] = topic
            self.count("topics", created)

        self.sources = {}
        for row in self.read("sources.json"):
            self.current = f"source {row['url']}"
            self.load_source(row)

        self.places = {}
        for row in self.read("places.json"):
            self.current = f"place {row['slug']}"
            defaults = {key: row.get(key) or "" for key in
                        ("name_en", "name_en_alt", "name_hy", "name_az", "name_ru")}  # fmt: skip
            for axis in ("latitude", "longitude"):
                # Through str, so 39.7596 stays 39.7596 rather than the float's long expansion.
                value = row.get(axis)
                defaults[axis] = None if value is None else Decimal(str(value))
            place = Place.objects.filter(slug=row["slug"]).first() or Place(slug=row["slug"])
            changed = place.pk is None or any(getattr(place, k) != v for k, v in defaults.items())
            if changed:
                for key, value in defaults.items():
                    setattr(place, key, value)
                place.full_clean()
                place.save()
            self.places[place.slug] = place
            self.count("places", changed)

        self.articles = {}
        for row in self.read("articles.json"):
            self.current = f"article {row['slug']}"
            self.load_article(row)
        for row in self.read("faq.json"):
            self.current = f"FAQ entry {row['slug']}"
            self.load_faq(row)
        for row in self.read("timeline.json"):
            self.current = f"timeline entry {row['slug']}"
            self.load_timeline(row)

    def load_source(self, row):
        source = Source.objects.filter(url_key=url_key(row["url"])).first() or Source()
        values = {
            "url": row["url"],
            "title": row["title"],
            "publisher": row["publisher"],
            "author": row.get("author") or "",
            "published_date": _date(row.get("published_date")),
            "language": row.get("language") or "en",
            "kind": row.get("kind") or Source.Kind.OTHER,
            "archived_url": row.get("archived_url") or "",
            "archived_date": _date(row.get("archived_date")),
            "last_verified": _date(row.get("last_verified")),
            "notes": row.get("notes") or "",
        }
        changed = source.pk is None or any(getattr(source, k) != v for k, v in values.items())
        for key, value in values.items():
            setattr(source, key, value)
        if changed:
            source.full_clean()
            source.save()
        self.sources[url_key(row["url"])] = source
        self.count("sources", changed)

    def citations(self, row, citation_model):
        citations = []
        for cited in row["citations"]:
            source = self.sources.get(url_key(cited["url"]))
            if source is None:
                raise ValidationError(f"cites {cited['url']}, which is not in sources.json")
            citations.append(
                citation_model(
                    source=source,
                    locator=cited.get("locator") or "",
                    quote=cited.get("quote") or "",
                )
            )
        return citations

    def save_item(self, model, row, values, citation_model, label):
        item = model.objects.filter(slug=row["slug"]).first() or model(slug=row["slug"])
        for key, value in values.items():
            setattr(item, key, value)
        item.status = row.get("status", Publishable.Status.PUBLISHED)
        item.full_clean(exclude=["status"])
        changed = save_with_citations(item, self.citations(row, citation_model))
        self.count(label, changed)
        return item

    def load_article(self, row):
        values = {key: row[key] for key in ("title", "standfirst", "body")}
        values["byline"] = row.get("byline") or "Karabakh Archive editors"
        article = self.save_item(Article, row, values, ArticleCitation, "articles")
        article.topics.set(self.topics[slug] for slug in row.get("topics", []))
        wanted = [(_date(c["date"]), c["text"]) for c in row.get("corrections", [])]
        # A correction the demo data no longer has goes, so a re-load matches the data.
        article.corrections.exclude(
            pk__in=[
                Correction.objects.get_or_create(article=article, date=date, text=text)[0].pk
                for date, text in wanted
            ]
        ).delete()
        self.articles[article.slug] = article

    def load_faq(self, row):
        group_name = row.get("group") or "General"
        group, _ = FAQGroup.objects.get_or_create(
            slug=slugify(group_name),
            defaults={"name": group_name, "position": FAQGroup.objects.count()},
        )
        values = {
            "question": row["question"],
            "answer": row["answer"],
            "group": group,
            "position": row.get("position", 0),
        }
        entry = self.save_item(FAQEntry, row, values, FAQCitation, "FAQ entries")
        entry.topics.set(self.topics[slug] for slug in row.get("topics", []))
        entry.related_articles.set(Article.objects.filter(slug__in=row.get("related_articles", [])))

    def load_timeline(self, row):
        values = {
            "title": row["title"],
            "date": _date(row["date"]),
            "date_precision": row.get("date_precision") or TimelineEntry.Precision.DAY,
            "end_date": _date(row.get("end_date")),
            "approximate": bool(row.get("approximate")),
            "summary": row["summary"],
            "category": row["category"],
            "key_event": bool(row.get("key_event")),
            "place": self.places[row["place"]] if row.get("place") else None,
        }
        entry = self.save_item(TimelineEntry, row, values, TimelineCitation, "timeline entries")
        entry.topics.set(self.topics[slug] for slug in row.get("topics", []))
        entry.related_articles.set(Article.objects.filter(slug__in=row.get("related_articles", [])))
