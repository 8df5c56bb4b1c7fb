"""Check every source URL and report dead links with their archived copies.

    manage.py check_sources [--dry-run] [--concurrency 10] [--timeout 10] [--status dead]

Records each source's URL status (live; dead when the server answers 404, 410 and the like;
unknown when the server asked to try later) and the time it was checked. A URL no server answered
(timed out, unreachable) is reported but not recorded; when none answered at all the network
looks down: the command says so, records nothing and exits with an error.
Only http and https URLs are fetched.
"""

import argparse
import math

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from karabakh_site.core import source_health
from karabakh_site.core.models import Source


def seconds(value: str) -> float:
    """A finite, positive number of seconds: float() also accepts "nan" and "inf"."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError("--timeout must be more than 0 seconds, and finite.")
    return number


class Command(BaseCommand):
    help = "Check source URLs (bounded concurrency, timeouts) and report dead links."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")
        parser.add_argument("--concurrency", type=int, default=10, help="Requests at once.")
        parser.add_argument("--timeout", type=seconds, default=10.0, help="Seconds per request.")
        parser.add_argument(
            "--status",
            choices=Source.UrlStatus.values,
            help="Only check sources currently recorded with this status.",
        )

    def handle(self, *args, dry_run, concurrency, timeout, status, verbosity, **options):
        if concurrency < 1:
            raise CommandError("--concurrency must be at least 1.")
        sources = Source.objects.order_by("id")
        if status:
            sources = sources.filter(url_status=status)
        by_id = {source.pk: source for source in sources}
        targets = [(source.pk, source.url) for source in by_id.values()]

        with tqdm(
            total=len(targets), desc="Checking sources", unit="url", disable=verbosity == 0
        ) as bar:
            results = source_health.check_urls(
                targets,
                concurrency=concurrency,
                timeout=timeout,
                on_result=lambda result: bar.update(),
            )
        offline = source_health.network_looks_down(results)
        changed = 0 if dry_run or offline else source_health.record_results(results)
        self.report(results, by_id, changed=changed, dry_run=dry_run, verbosity=verbosity)
        if offline:
            raise CommandError(
                f"No server answered any of the {sum(1 for r in results if r.status)} URLs "
                "checked: the network looks down from here. Nothing was recorded; run it again "
                "when this machine can reach the web."
            )

    def report(self, results, by_id, *, changed, dry_run, verbosity):
        dead = [r for r in results if r.status == Source.UrlStatus.DEAD]
        unknown = [r for r in results if r.status == Source.UrlStatus.UNKNOWN]
        skipped = [r for r in results if not r.status]
        live = [r for r in results if r.status == Source.UrlStatus.LIVE]
        if dead:
            self.stdout.write(self.style.ERROR(f"Dead links ({len(dead)}):"))
            for result in dead:
                source = by_id[result.source_id]
                archive = source.archived_url or "NO ARCHIVED COPY"
                self.stdout.write(f"  #{source.pk} {source}\n    {result.url} ({result.detail})")
                self.stdout.write(f"    archived copy: {archive}")
        if unknown:
            self.stdout.write(self.style.WARNING(f"Not decided ({len(unknown)}):"))
            for result in unknown:
                self.stdout.write(f"  #{result.source_id} {result.url} ({result.detail})")
        if skipped and verbosity > 0:
            self.stdout.write(f"Not checked ({len(skipped)}):")
            for result in skipped:
                self.stdout.write(f"  #{result.source_id} {result.url} ({result.detail})")
        if verbosity > 1:
            for result in live:
                moved = f" -> {result.final_url}" if result.redirected else ""
                self.stdout.write(f"  live #{result.source_id} {result.url}{moved}")
        lost = sum(1 for r in dead if not by_id[r.source_id].archived_url)
        summary = (
            f"{len(results)} sources: {len(live)} live, {len(dead)} dead ({lost} without an "
            f"archived copy), {len(unknown)} not decided, {len(skipped)} not checked."
        )
        if dry_run:
            summary += " Dry run: nothing recorded."
        else:
            summary += f" {changed} status{'es' if changed != 1 else ''} changed."
        self.stdout.write(self.style.SUCCESS(summary) if not dead else summary)
