"""manage.py translation_report: what translators should work on next.

Every published item (article, FAQ entry, event) with a language whose translation is missing,
a draft, or outdated (its original changed since it was made), one line each; ``--language``
narrows to one language, ``--outdated`` to the translations that exist but are behind. Exits 1
when anything is outdated and ``--fail-on-outdated`` is given (for a scheduled check).
"""

from django.core.management.base import BaseCommand, CommandError

from karabakh_site.core.translations import TRANSLATION_LANGUAGES, outdated_report


class Command(BaseCommand):
    help = "List the translations that are missing, drafts or outdated, by item and language."

    def add_arguments(self, parser):
        parser.add_argument("--language", choices=TRANSLATION_LANGUAGES)
        parser.add_argument(
            "--outdated", action="store_true", help="Only translations whose original changed."
        )
        parser.add_argument("--fail-on-outdated", action="store_true")

    def handle(self, *args, language=None, outdated=False, fail_on_outdated=False, **options):
        rows = [
            row
            for row in outdated_report()
            if (language is None or row["language"] == language)
            and (not outdated or row["status"] == "outdated")
        ]
        for row in rows:
            item = row["item"]
            self.stdout.write(
                f"{row['status']:<9} {row['language']}  {row['kind'].name:<9} {item.slug}  {item}"
            )
        counts = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(summary or "Every translation is up to date."))
        if fail_on_outdated and counts.get("outdated"):
            raise CommandError(f"{counts['outdated']} translation(s) are outdated.")
