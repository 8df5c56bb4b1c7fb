"""Import and export of sources, timeline and FAQ entries: every row checked first, all or nothing,
idempotent re-imports, lossless round trips, in the admin and as commands."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from faq.models import FAQEntry, FAQGroup
from karabakh_site.core import importexport
from karabakh_site.core.models import Publishable, Source
from karabakh_site.core.publishing import NEEDS_SOURCE_MESSAGE
from karabakh_site.core.record import erasing
from tests.factories import (
    FAQEntryFactory,
    PlaceFactory,
    SourceFactory,
    TimelineEntryFactory,
    TopicFactory,
)
from timeline.models import TimelineCitation, TimelineEntry

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def history_count():
    return sum(
        model.history.count() for model in (Source, TimelineEntry, FAQEntry, TimelineCitation)
    )


@pytest.fixture
def archive():
    """A small archive with every column in use."""
    topic = TopicFactory(slug="ceasefires")
    place = PlaceFactory()
    source = SourceFactory(
        title='Statement, with a comma; and "quotes"',
        url="https://example.org/statement?id=7",
        author="Press office",
        archived_url="https://web.archive.org/web/2020/https://example.org/statement?id=7",
        notes="Line one.\nLine two.",
    )
    entry = TimelineEntryFactory(
        slug="ceasefire-2020",
        title="Ceasefire statement signed",
        summary="Signed.[^1] Reported widely.[^2]\n\nSecond paragraph.",
        date_precision=TimelineEntry.Precision.DAY,
        place=place,
        approximate=True,
        key_event=True,
        citations=1,
    )
    TimelineCitation.objects.create(entry=entry, source=source, position=2, locator="para 1",
                                    quote="All hostilities are stopped")  # fmt: skip
    entry.topics.add(topic)
    TimelineEntryFactory(slug="draft-event", status=Status.DRAFT)
    faq = FAQEntryFactory(slug="who-mediates", question="Who mediates?")
    faq.topics.add(topic)
    return {"entry": entry, "source": source, "faq": faq}


def wipe():
    with erasing():
        TimelineEntry.objects.all().delete()
        FAQEntry.objects.all().delete()
    FAQGroup.objects.all().delete()
    Source.objects.all().delete()


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_then_import_round_trips_without_loss(archive, file_format):
    exported = {kind: importexport.export_text(kind, file_format) for kind in importexport.KINDS}
    wipe()
    assert not Source.objects.exists()
    for kind in ("sources", "faqgroups", "timeline", "faq"):
        report = importexport.import_text(kind, exported[kind], file_format)
        assert report.ok, report.error_text()
        assert report.counts()["new"] == len(report.rows) > 0
    again = {kind: importexport.export_text(kind, file_format) for kind in importexport.KINDS}
    assert again == exported
    entry = TimelineEntry.objects.get(slug="ceasefire-2020")
    assert entry.is_published
    assert entry.approximate and entry.key_event
    assert entry.place.slug == "shusha"
    assert [c.locator for c in entry.citations.all()] == ["", "para 1"]


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_importing_the_same_file_again_changes_nothing(archive, file_format):
    exported = {kind: importexport.export_text(kind, file_format) for kind in importexport.KINDS}
    before = history_count()
    for kind in ("sources", "timeline", "faq"):
        report = importexport.import_text(kind, exported[kind], file_format)
        assert report.ok, report.error_text()
        assert report.counts() == {"new": 0, "changed": 0, "unchanged": len(report.rows)}
    assert history_count() == before


def test_a_changed_row_is_written_and_recorded(archive, editor):
    rows = importexport.export_rows("timeline")
    rows[0]["title"] = "Ceasefire statement signed in Moscow"
    report = importexport.import_text("timeline", json.dumps(rows), "json", by=editor)
    assert report.counts() == {"new": 0, "changed": 1, "unchanged": 1}
    entry = TimelineEntry.objects.get(slug="ceasefire-2020")
    assert entry.title == "Ceasefire statement signed in Moscow"
    assert entry.history.latest().history_user == editor


def test_a_file_without_workflow_columns_leaves_status_and_schedule_alone(archive):
    entry = archive["entry"]
    cited = json.dumps([{"url": c.source.url} for c in entry.citations.all()])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["slug", "title", "date", "summary", "category", "citations"])
    writer.writerow([entry.slug, "Retitled", "2023-09-19", entry.summary, "military", cited])
    writer.writerow(["hand-made", "A new one", "2023-09-20", "Plain.", "military", ""])
    report = importexport.import_text("timeline", out.getvalue(), "csv")
    assert report.ok, report.error_text()
    entry_after = TimelineEntry.objects.get(slug=entry.slug)
    assert entry_after.title == "Retitled"
    assert entry_after.status == Status.PUBLISHED
    assert entry_after.publish_at == entry.publish_at
    # Columns the file leaves out keep their values.
    assert entry_after.place.slug == "shusha"
    assert entry_after.approximate and entry_after.key_event
    assert [t.slug for t in entry_after.topics.all()] == ["ceasefires"]
    assert TimelineEntry.objects.get(slug="hand-made").status == Status.DRAFT


def test_a_row_with_only_a_slug_and_a_title_changes_only_the_title(archive):
    entry = archive["entry"]
    before = list(entry.citations.values_list("source_id", "locator", "quote"))
    rows = [{"slug": entry.slug, "title": "Only the title"}]
    report = importexport.import_text("timeline", json.dumps(rows), "json")
    assert report.ok, report.error_text()
    entry.refresh_from_db()
    assert entry.title == "Only the title"
    assert entry.summary.startswith("Signed.[^1]")
    assert list(entry.citations.values_list("source_id", "locator", "quote")) == before
    assert entry.is_published


def test_one_bad_row_and_nothing_is_written(archive):
    rows = importexport.export_rows("timeline")
    rows[0]["title"] = "Changed, but must not be saved"
    good_new = {**rows[1], "slug": "a-new-event", "title": "New"}
    uncited = {**rows[1], "slug": "uncited", "status": "published", "citations": [],
               "summary": "No markers."}  # fmt: skip
    dangling = {**rows[1], "slug": "dangling", "summary": "Claim.[^4]"}
    unknown_source = {**rows[1], "slug": "unknown-source",
                      "citations": [{"url": "https://nowhere.example/x"}]}  # fmt: skip
    bad_date = {**rows[1], "slug": "bad-date", "date": "19 September 2023"}
    text = json.dumps([rows[0], good_new, uncited, dangling, unknown_source, bad_date])
    before = history_count()

    report = importexport.import_text("timeline", text, "json")

    assert not report.ok
    errors = {row.key: row.errors for row in report.rows}
    assert errors["ceasefire-2020"] == [] and errors["a-new-event"] == []
    assert errors["uncited"] == [f"status: {NEEDS_SOURCE_MESSAGE}"]
    assert errors["dangling"] == ["summary: [^4] points at no citation: this item has 1 citation."]
    assert errors["unknown-source"] == [
        "cites https://nowhere.example/x, which is not a recorded source"
    ]
    assert errors["bad-date"] == ["date: '19 September 2023' is not a date (use YYYY-MM-DD)"]
    assert not TimelineEntry.objects.filter(slug="a-new-event").exists()
    assert TimelineEntry.objects.get(slug="ceasefire-2020").title == "Ceasefire statement signed"
    assert history_count() == before


def test_a_refused_faq_import_leaves_no_new_group_behind(archive):
    rows = importexport.export_rows("faq")
    new = {**rows[0], "slug": "new-q", "group": "new-group", "group_name": "New group"}
    broken = {**rows[0], "slug": "broken", "answer": "Claim.[^9]"}
    report = importexport.import_text("faq", json.dumps([new, broken]), "json")
    assert not report.ok
    assert not FAQGroup.objects.filter(slug="new-group").exists()


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(archive):
    rows = importexport.export_rows("timeline")
    rows.append({**rows[1], "slug": "brand-new", "title": "Brand new"})
    report = importexport.import_text("timeline", json.dumps(rows), "json", dry_run=True)
    assert report.ok
    assert [row.action for row in report.rows] == ["unchanged", "unchanged", "new"]
    assert not TimelineEntry.objects.filter(slug="brand-new").exists()


def test_a_new_record_missing_a_required_field_is_refused():
    report = importexport.import_text("sources", '[{"url": "https://a.example/r"}]', "json")
    assert report.rows[0].errors == [
        "title: This field cannot be blank.",
        "publisher: This field cannot be blank.",
    ]


def test_two_rows_for_the_same_record_are_refused(archive):
    rows = importexport.export_rows("sources")
    twin = {**rows[0], "url": rows[0]["url"].replace("https://", "http://www.")}
    report = importexport.import_text("sources", json.dumps([rows[0], twin]), "json")
    assert not report.ok
    assert report.rows[1].errors == ["same record as row 1"]


@pytest.mark.parametrize(
    ("text", "file_format", "message"),
    [
        ("{not json", "json", "not valid JSON"),
        ('{"url": "x"}', "json", "a JSON import is a list of objects"),
        ("", "csv", "the CSV file is empty"),
        ("url,title,publisher,colour\n", "csv", "unknown column colour"),
        ("title,publisher\nA report,A publisher\n", "csv", "missing column url"),
    ],
)
def test_a_malformed_file_is_refused_with_a_message(text, file_format, message):
    report = importexport.import_text("sources", text, file_format)
    assert not report.ok
    assert message in report.file_errors[0]


def test_a_contributor_may_not_import_published_items(archive):
    rows = importexport.export_rows("timeline")
    rows = [{**rows[0], "slug": "new-published"}]
    report = importexport.import_text("timeline", json.dumps(rows), "json", may_publish=False)
    assert report.rows[0].errors == [
        "status: only an editor may import published or withdrawn items"
    ]


# Admin -------------------------------------------------------------------------------------------


def upload(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def test_the_admin_previews_an_import_and_writes_only_on_confirmation(client, editor, archive):
    rows = importexport.export_rows("timeline")
    rows.append({**rows[1], "slug": "from-the-admin", "title": "From the admin"})
    url = reverse("admin:timeline_timelineentry_import")
    client.force_login(editor)

    preview = client.post(url, {"file": upload("t.json", json.dumps(rows))})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Preview: 3 timeline rows: 1 new, 0 changed, 2 unchanged" in page
    assert not TimelineEntry.objects.filter(slug="from-the-admin").exists()

    token = preview.context["import_token"]
    confirmed = client.post(url, {"token": token, "_confirm": "1"}, follow=True)
    assert "Imported 3 timeline rows: 1 new" in confirmed.content.decode()
    assert TimelineEntry.objects.filter(slug="from-the-admin").exists()


def test_the_admin_shows_per_row_errors_and_writes_nothing(client, editor, archive):
    rows = importexport.export_rows("timeline")
    rows.append({**rows[1], "slug": "broken-row", "category": "weather"})
    client.force_login(editor)
    response = client.post(
        reverse("admin:timeline_timelineentry_import"), {"file": upload("t.json", json.dumps(rows))}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in page
    assert "broken-row" in page
    assert "category: Value &#x27;weather&#x27; is not a valid choice." in page
    assert not TimelineEntry.objects.filter(slug="broken-row").exists()


def test_the_admin_import_form_needs_a_file(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:core_source_import"), {})
    assert response.status_code == 200
    assert "Choose a file to import." in response.content.decode()


def test_the_admin_exports_csv_and_json(client, editor, archive):
    client.force_login(editor)
    url = reverse("admin:core_source_export")
    as_csv = client.get(url, {"format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_csv.content.decode().startswith("url,title,publisher,")
    as_json = client.get(url, {"format": "json"})
    assert len(json.loads(as_json.content)) == Source.objects.count()
    assert client.get(url, {"format": "xml"}).status_code == 400


def test_a_contributor_imports_drafts_but_not_published_items_in_the_admin(
    client, contributor, archive
):
    rows = importexport.export_rows("faq")
    draft = {**rows[0], "slug": "draft-question", "status": "draft"}
    published = {**rows[0], "slug": "published-question", "status": "published"}
    url = reverse("admin:faq_faqentry_import")
    client.force_login(contributor)
    refused = client.post(url, {"file": upload("f.json", json.dumps([draft, published]))})
    assert "only an editor may import published or withdrawn items" in refused.content.decode()
    assert "import_token" not in refused.context
    preview = client.post(url, {"file": upload("f.json", json.dumps([draft]))})
    accepted = client.post(url, {"token": preview.context["import_token"], "_confirm": "1"})
    assert accepted.status_code == 302
    assert FAQEntry.objects.get(slug="draft-question").status == Status.DRAFT
    assert not FAQEntry.objects.filter(slug="published-question").exists()


def test_a_user_without_add_permission_cannot_import(client, db):
    from tests.factories import UserFactory

    viewer = UserFactory(username="viewer")
    client.force_login(viewer)
    assert client.get(reverse("admin:core_source_import")).status_code == 403


# Commands ----------------------------------------------------------------------------------------


def test_the_commands_round_trip_through_files(archive, tmp_path, capsys):
    for kind in ("sources", "timeline", "faq"):
        call_command("export_content", kind, output=tmp_path / f"{kind}.csv")
    wipe()
    for kind in ("sources", "timeline", "faq"):
        call_command("import_content", kind, str(tmp_path / f"{kind}.csv"))
    out = capsys.readouterr().out
    assert "Imported: 2 timeline rows: 2 new, 0 changed, 0 unchanged" in out
    assert TimelineEntry.objects.get(slug="ceasefire-2020").citations.count() == 2


def test_a_carriage_return_in_a_cell_reads_back_from_a_file(archive, tmp_path):
    source = Source.objects.get(url="https://example.org/statement?id=7")
    Source.objects.filter(pk=source.pk).update(notes="Line one.\rLine two.")
    call_command("export_content", "sources", output=tmp_path / "sources.csv")
    Source.objects.filter(pk=source.pk).update(notes="Changed since.")

    call_command("import_content", "sources", str(tmp_path / "sources.csv"))

    source.refresh_from_db()
    assert source.notes == "Line one.\rLine two."


def test_the_import_command_fails_with_the_bad_rows(archive, tmp_path):
    rows = importexport.export_rows("timeline")
    rows[1]["summary"] = "Claim.[^3]"
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(CommandError) as error:
        call_command("import_content", "timeline", str(path))
    assert "row 2 (draft-event): summary: [^3] points at no citation" in str(error.value)


def test_the_import_command_refuses_a_missing_file_or_unknown_format(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_content", "sources", str(tmp_path / "none.csv"))
    odd = tmp_path / "sources.txt"
    odd.write_text("")
    with pytest.raises(CommandError, match="pass --format csv or json"):
        call_command("import_content", "sources", str(odd))


def test_the_import_command_shows_a_progress_bar_on_long_files(tmp_path, capsys):
    rows = [
        {"url": f"https://example.org/doc/{n}", "title": f"Document {n}", "publisher": "Example"}
        for n in range(60)
    ]
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(rows))
    call_command("import_content", "sources", str(path))
    captured = capsys.readouterr()
    assert "Checking sources" in captured.err
    assert "60/60" in captured.err
    assert Source.objects.count() == 60
