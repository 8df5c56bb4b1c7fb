"""Build a synthetic archive at a chosen scale, for benchmarks (issue 16, "Fast at any size").

Makes sources, topics, places, FAQ groups, then articles (about 1,500 words of Markdown each),
timeline entries (1900–2025, every date precision and category) and FAQ entries, all published
in the past, and their published translations (by default into Armenian, Azerbaijani and
Russian), with rendered HTML and search data (PostgreSQL vectors, SQLite's FTS rows) filled in.

The site's promise holds for every row: each item has 3 to 10 citations, and its text (and each
translation's) cites each of [^1]..[^N] for its N citations and nothing beyond, so every marker
resolves. How, and why bulk inserts instead of save(): see karabakh_site.synthetic.

    manage.py generate_archive --articles 10000 --events 20000 --faq 500 --sources 50000
    manage.py generate_archive --clear --articles 100 --languages hy,ru --seed 7

Without --clear, a database that already holds synthetic content is refused (slugs would clash);
--clear deletes the earlier synthetic rows first, and with every count 0 only deletes.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from karabakh_site import synthetic
from karabakh_site.core.translations import TRANSLATION_LANGUAGES

DEFAULTS = synthetic.Scale()
COUNTS = ("articles", "events", "faq", "sources", "topics", "places")


class Command(BaseCommand):
    help = "Build a synthetic, fully cited and published archive at a chosen scale."

    def add_arguments(self, parser):
        for name, what in (
            ("articles", "articles"),
            ("events", "timeline entries"),
            ("faq", "FAQ entries"),
            ("sources", "sources"),
            ("topics", "topics"),
            ("places", "places"),
        ):
            default = getattr(DEFAULTS, name)
            parser.add_argument(
                f"--{name}", default=default, help=f"How many {what} (default {default})."
            )
        parser.add_argument(
            "--languages",
            default=",".join(DEFAULTS.languages),
            help="Comma-separated languages to translate every item into "
            f'(default {",".join(DEFAULTS.languages)}; "" for none).',
        )
        parser.add_argument(
            "--seed", default=DEFAULTS.seed, help="The same seed gives the same archive."
        )
        parser.add_argument(
            "--clear", action="store_true", help="Delete earlier synthetic content first."
        )

    def handle(self, *args, **options):
        scale = synthetic.Scale(
            **{name: self.count(name, options[name]) for name in COUNTS},
            languages=self.languages(options["languages"]),
            seed=self.integer("seed", options["seed"]),
        )
        if scale.sources == 0 and scale.articles + scale.events + scale.faq:
            raise CommandError(
                "Every published item cites sources: give --sources more than 0 "
                "when asking for articles, events or FAQ entries."
            )
        started = time.perf_counter()
        try:
            if options["clear"]:
                cleared = synthetic.clear()
                if options["verbosity"] >= 2:
                    self.stdout.write(f"Cleared: {cleared}")
            elif synthetic.existing():
                raise CommandError(
                    "The database already holds synthetic content: pass --clear to replace it."
                )
            log = self.stdout.write if options["verbosity"] >= 2 else None
            counts = synthetic.generate(scale, log=log)
        except DatabaseError as error:
            raise CommandError(f"The synthetic archive could not be written: {error}") from None
        seconds = time.perf_counter() - started
        languages = ", ".join(scale.languages) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic archive: {counts.get('articles', 0)} articles, "
                f"{counts.get('timeline entries', 0)} timeline entries, "
                f"{counts.get('FAQ entries', 0)} FAQ entries, {counts.get('sources', 0)} sources, "
                f"{counts.get('citations', 0)} citations, {counts.get('topics', 0)} topics, "
                f"{counts.get('places', 0)} places, {counts.get('translations', 0)} translations "
                f"({languages}); seed {scale.seed}; {seconds:.1f} s"
            )
        )

    @staticmethod
    def integer(name: str, value) -> int:
        # call_command() hands values over as given, so a count may arrive as int or str.
        if isinstance(value, bool):
            raise CommandError(f"--{name} must be a whole number, not {value!r}.")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise CommandError(f"--{name} must be a whole number, not {value!r}.") from None

    def count(self, name: str, value) -> int:
        number = self.integer(name, value)
        if number < 0:
            raise CommandError(f"--{name} cannot be negative (got {number}).")
        return number

    @staticmethod
    def languages(value) -> tuple[str, ...]:
        if value is None:
            return ()
        codes = value.split(",") if isinstance(value, str) else list(value)
        codes = [str(code).strip().lower() for code in codes if str(code).strip()]
        unknown = [code for code in codes if code not in TRANSLATION_LANGUAGES]
        if unknown:
            raise CommandError(
                f"Unknown translation language(s): {', '.join(unknown)}. Choose from "
                f"{', '.join(TRANSLATION_LANGUAGES)} (the original is English)."
            )
        return tuple(dict.fromkeys(codes))
