"""Articles in CSV and JSON: the same lossless round trip and all-or-nothing import as the other
kinds, with their dated corrections."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, ArticleCitation, Correction
from karabakh_site.core import importexport
from karabakh_site.core.kinds import content_kinds
from karabakh_site.core.models import Publishable, Source
from karabakh_site.core.record import erasing
from tests.factories import ArticleFactory, CorrectionFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status


@pytest.fixture
def archive():
    """Articles with every column in use: two citations, topics, corrections, a schedule."""
    topics = [TopicFactory(slug="ceasefires"), TopicFactory(slug="diplomacy")]
    article = ArticleFactory(
        slug="the-2020-ceasefire",
        title='The ceasefire, with a comma; and "quotes"',
        standfirst="=1+1 is not a formula here",
        body="Signed.[^1]\r\nReported widely.[^2]\n\nSecond paragraph.",
        byline="A. Writer",
        citations=1,
    )
    ArticleCitation.objects.create(
        article=article, source=SourceFactory(url="https://example.org/s?id=7"), position=2,
        locator="para 1", quote="All hostilities are stopped",
    )  # fmt: skip
    article.topics.set(topics)
    # Two on one day: their order must survive the trip too.
    CorrectionFactory(article=article, date=datetime.date(2026, 1, 15), text="Second text.")
    CorrectionFactory(article=article, date=datetime.date(2026, 1, 15), text="First text.")
    CorrectionFactory(article=article, date=datetime.date(2025, 3, 1), text="@earliest")
    ArticleFactory(
        slug="scheduled",
        status=Status.PUBLISHED,
        publish_at=datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC),
    )
    ArticleFactory(slug="a-draft", status=Status.DRAFT, citations=0, body="Not yet sourced.")
    return article


def wipe():
    with erasing():
        Article.objects.all().delete()
    Source.objects.all().delete()


def corrections(slug):
    return list(
        Correction.objects.filter(article__slug=slug)
        .order_by("date", "id")
        .values_list("date", "text")
    )


def history_count():
    return Article.history.count() + ArticleCitation.history.count() + Correction.history.count()


def test_articles_are_a_kind_of_their_own_from_the_registry():
    assert "articles" in importexport.KINDS
    assert importexport.KINDS["articles"].columns == [
        "slug", "title", "standfirst", "body", "byline", "topics", "claims", "status",
        "publish_at", "withdraw_at", "citations", "corrections",
    ]  # fmt: skip
    declared = [kind.importexport for kind in content_kinds()]
    assert declared == [
        "articles.importexport.ArticleKind",
        "faq.importexport.FAQKind",
        "timeline.importexport.TimelineKind",
    ]
    assert list(importexport.KINDS) == [
        "sources", "topics", "claims", "faqgroups", "places", "articles", "faq", "timeline",
    ]  # fmt: skip


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_an_article_export_imports_back_without_loss(archive, file_format):
    before = corrections("the-2020-ceasefire")
    exported = {kind: importexport.export_text(kind, file_format) for kind in importexport.KINDS}
    wipe()
    assert not Article.objects.exists() and not Correction.objects.exists()

    for kind in ("sources", "articles"):
        report = importexport.import_text(kind, exported[kind], file_format)
        assert report.ok, report.error_text()
        assert report.counts()["new"] == len(report.rows) > 0

    assert {kind: importexport.export_text(kind, file_format) for kind in importexport.KINDS} == (
        exported
    )
    article = Article.objects.get(slug="the-2020-ceasefire")
    assert article.is_published
    assert article.body == "Signed.[^1]\r\nReported widely.[^2]\n\nSecond paragraph."
    assert article.standfirst == "=1+1 is not a formula here"
    assert [c.locator for c in article.citations.all()] == ["", "para 1"]
    assert sorted(article.topics.values_list("slug", flat=True)) == ["ceasefires", "diplomacy"]
    assert corrections("the-2020-ceasefire") == before
    assert [text for _, text in before] == ["@earliest", "Second text.", "First text."]
    scheduled = Article.objects.get(slug="scheduled")
    assert scheduled.publish_at == datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC)
    assert not Article.objects.published().filter(slug="scheduled").exists()
    assert Article.objects.get(slug="a-draft").status == Status.DRAFT


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_importing_the_same_articles_again_changes_nothing(archive, file_format):
    exported = importexport.export_text("articles", file_format)
    before = history_count()

    report = importexport.import_text("articles", exported, file_format)

    assert report.ok, report.error_text()
    assert report.counts() == {"new": 0, "changed": 0, "unchanged": 3}
    assert history_count() == before


def test_the_csv_export_guards_article_cells_and_keeps_corrections_in_one_cell(archive):
    text = importexport.export_text("articles", "csv")

    assert text.endswith("\r\n")
    assert "'=1+1 is not a formula here" in text
    row = importexport.read_rows(importexport.KINDS["articles"], text, "csv")[0]
    assert json.loads(row["corrections"])[0] == {"date": "2025-03-01", "text": "@earliest"}


def test_the_file_decides_an_articles_corrections(archive):
    rows = importexport.export_rows("articles")
    row = rows[0]
    row["corrections"] = [
        {"date": "2025-03-01", "text": "@earliest"},
        {"date": "2026-02-01", "text": "A new correction."},
    ]
    kept = Correction.objects.get(text="@earliest")

    report = importexport.import_text("articles", json.dumps([row]), "json")

    assert report.counts() == {"new": 0, "changed": 1, "unchanged": 0}
    assert corrections("the-2020-ceasefire") == [
        (datetime.date(2025, 3, 1), "@earliest"),
        (datetime.date(2026, 2, 1), "A new correction."),
    ]
    assert Correction.objects.get(text="@earliest").pk == kept.pk


def test_a_file_without_the_corrections_column_leaves_them_alone(archive):
    before = corrections("the-2020-ceasefire")
    row = {"slug": "the-2020-ceasefire", "title": "A new title"}

    report = importexport.import_text("articles", json.dumps([row]), "json")

    assert report.ok, report.error_text()
    assert Article.objects.get(slug="the-2020-ceasefire").title == "A new title"
    assert corrections("the-2020-ceasefire") == before


@pytest.mark.parametrize(
    "bad, message",
    [
        ([{"date": "15 January", "text": "x"}], "correction 1: date: '15 January' is not a date"),
        ([{"text": "Undated."}], "correction 1: needs a date"),
        ([{"date": "2026-01-15"}], "corrections: each correction needs a text"),
        ("not json", "corrections: corrections are not a JSON list"),
        ([{"date": "2026-01-15", "text": "x\x00"}], "corrections: correction 1: contains a NUL"),
    ],
)
def test_a_bad_correction_refuses_the_file_and_writes_nothing(archive, bad, message):
    rows = importexport.export_rows("articles")
    rows[0]["corrections"] = bad
    rows[0]["title"] = "Changed"
    before = history_count()

    report = importexport.import_text("articles", json.dumps(rows), "json")

    assert not report.ok
    assert report.error_rows[0].number == 1
    assert any(error.startswith(message) for error in report.error_rows[0].errors), (
        report.error_text()
    )
    assert Article.objects.get(slug="the-2020-ceasefire").title != "Changed"
    assert history_count() == before


def test_a_new_published_article_needs_a_citation_like_any_other(archive):
    row = {"slug": "uncited", "title": "T", "standfirst": "S", "body": "B", "status": "published"}

    report = importexport.import_text("articles", json.dumps([row]), "json")

    assert report.error_rows[0].errors == ["status: Add at least one source before publishing."]
    assert not Article.objects.filter(slug="uncited").exists()


def test_a_new_article_without_a_byline_is_the_editors(archive):
    row = {"slug": "unsigned", "title": "T", "standfirst": "S", "body": "B"}

    report = importexport.import_text("articles", json.dumps([row]), "json")

    assert report.ok, report.error_text()
    assert Article.objects.get(slug="unsigned").byline == "Karabakh Archive editors"


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_the_commands_export_and_import_articles(archive, tmp_path, file_format):
    path = tmp_path / f"articles.{file_format}"
    call_command("export_content", "articles", output=path, stderr=StringIO())
    exported = path.read_bytes()
    with erasing():
        Article.objects.all().delete()

    out = StringIO()
    call_command("import_content", "articles", path, stdout=out)

    assert "3 articles rows: 3 new, 0 changed, 0 unchanged" in out.getvalue()
    call_command("export_content", "articles", output=path, stderr=StringIO())
    assert path.read_bytes() == exported


def test_the_article_admin_exports_and_imports_like_the_other_kinds(client, editor):
    client.force_login(editor)
    ArticleFactory(slug="in-the-admin")

    exported = client.get(reverse("admin:articles_article_export"), {"format": "json"})
    page = client.get(reverse("admin:articles_article_import"))

    assert exported.status_code == 200
    assert [row["slug"] for row in json.loads(exported.content)] == ["in-the-admin"]
    assert page.status_code == 200
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
