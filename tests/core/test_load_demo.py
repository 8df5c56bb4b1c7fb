import json
import re
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article
from faq.models import FAQEntry
from karabakh_site.core import importexport
from karabakh_site.core.management.commands.load_demo import DATA_DIR
from karabakh_site.core.models import Source
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

CONTENT = (Article, FAQEntry, TimelineEntry)


def counts():
    return {model.__name__: model.objects.count() for model in (*CONTENT, Source)}


def test_the_demo_loader_loads_a_cited_archive_and_a_second_run_changes_nothing():
    call_command("load_demo", stdout=StringIO())
    first = counts()
    assert first["Article"] == 1
    assert first["FAQEntry"] >= 3
    assert first["TimelineEntry"] >= 30
    history = Article.history.count() + TimelineEntry.history.count()

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == first
    assert Article.history.count() + TimelineEntry.history.count() == history
    assert "timeline entries 0 new/changed" in out.getvalue()


def test_every_published_demo_item_cites_a_source():
    call_command("load_demo", stdout=StringIO())
    for model in CONTENT:
        published = model.objects.published()
        assert published.exists()
        assert not published.filter(citations__isnull=True).exists()


def test_the_demo_article_records_armenia_froze_its_csto_participation_in_2024():
    call_command("load_demo", stdout=StringIO())
    article = Article.objects.get()
    assert 'participation had been "frozen"' in article.body
    assert "2024" in article.body
    # The seed text's error is an editor's note on sources: the article never printed it, so there
    # is nothing to correct.
    assert "Editor's note on sources" in article.body
    assert not article.corrections.exists()


def test_a_correction_no_longer_in_the_data_goes_on_the_next_load():
    call_command("load_demo", stdout=StringIO())
    article = Article.objects.get()
    article.corrections.create(text="A correction the data does not have.")

    call_command("load_demo", stdout=StringIO())

    assert not article.corrections.exists()


def test_the_loader_reads_a_sources_last_verified_date(tmp_path):
    data = tmp_path / "demo"
    shutil.copytree(DATA_DIR, data)
    sources = json.loads((data / "sources.json").read_text())
    sources[0]["last_verified"] = "2026-01-31"
    (data / "sources.json").write_text(json.dumps(sources))
    call_command("load_demo", data_dir=data, stdout=StringIO())
    assert str(Source.objects.get(url=sources[0]["url"]).last_verified) == "2026-01-31"


def test_the_timeline_keeps_date_precision_from_the_research_data():
    call_command("load_demo", stdout=StringIO())
    precisions = set(TimelineEntry.objects.values_list("date_precision", flat=True))
    assert {"day", "year"} <= precisions


def test_a_record_that_breaks_the_rule_stops_the_load_and_writes_nothing(tmp_path):
    data = tmp_path / "demo"
    shutil.copytree(DATA_DIR, data)
    timeline = json.loads((data / "timeline.json").read_text())
    timeline[-1]["citations"] = []
    (data / "timeline.json").write_text(json.dumps(timeline))
    with pytest.raises(CommandError, match="Add at least one source before publishing."):
        call_command("load_demo", data_dir=data, stdout=StringIO())
    assert counts() == {"Article": 0, "FAQEntry": 0, "TimelineEntry": 0, "Source": 0}


def test_a_missing_data_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Missing demo data file"):
        call_command("load_demo", data_dir=tmp_path, stdout=StringIO())


def test_a_dry_run_writes_nothing():
    call_command("load_demo", dry_run=True, stdout=StringIO())
    assert counts()["Source"] == 0


def test_a_data_dir_that_is_a_file_is_a_clear_error():
    with pytest.raises(CommandError, match="must be a folder"):
        call_command("load_demo", data_dir=DATA_DIR / "topics.json", stdout=StringIO())


def test_the_loader_reports_each_kind_in_the_order_it_always_has():
    out = StringIO()
    call_command("load_demo", stdout=out)
    names = re.findall(r"(?:: |, )([A-Za-z ]+?) \d+ new/changed of \d+", out.getvalue())
    assert names == [
        "topics", "sources", "claims", "places", "articles", "FAQ entries", "timeline entries",
        "translations",
    ]  # fmt: skip


def test_what_the_loader_wrote_is_what_an_import_of_its_export_leaves_unchanged():
    # The demo files are read through the import/export kinds, so an export of the loaded archive
    # is a file those kinds take back without a change.
    call_command("load_demo", stdout=StringIO())
    for kind in importexport.KINDS:
        text = importexport.export_text(kind, "json")
        report = importexport.import_text(kind, text, "json")
        assert report.ok, report.error_text()
        assert report.counts()["unchanged"] == len(report.rows) > 0, kind


def test_the_demo_article_keeps_its_corrections_from_the_data(tmp_path):
    data = tmp_path / "demo"
    shutil.copytree(DATA_DIR, data)
    articles = json.loads((data / "articles.json").read_text())
    articles[0]["corrections"] = [{"date": "2026-01-15", "text": "The date was wrong."}]
    (data / "articles.json").write_text(json.dumps(articles))

    call_command("load_demo", data_dir=data, stdout=StringIO())
    out = StringIO()
    call_command("load_demo", data_dir=data, stdout=out)

    article = Article.objects.get()
    assert [(str(c.date), c.text) for c in article.corrections.all()] == [
        ("2026-01-15", "The date was wrong.")
    ]
    assert "articles 0 new/changed of 1" in out.getvalue()


def test_the_demo_article_carries_its_own_publication_date_not_the_install_time(client):
    call_command("load_demo", stdout=StringIO())
    article = Article.objects.get()
    # The seed text is undated; the article is dated the day after the latest source it cites
    # (11 August 2025), so it never claims to predate what it reports.
    assert article.publish_at.isoformat() == "2025-08-12T09:00:00+00:00"

    response = client.get(reverse("articles:list"))
    assert response.context["years"] == [2025]
    assert client.get(reverse("articles:list"), {"year": 2025}).context["articles"][0] == article
