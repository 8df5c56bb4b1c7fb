"""The admin import confirms exactly the file it previewed: the upload is kept server-side under a
token, CRLF line endings are normalised, and an untouched export is "0 changed" in the preview
and in fact."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from karabakh_site.core import importexport
from tests.factories import TimelineEntryFactory, UserFactory
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

URL = "admin:timeline_timelineentry_import"


def upload(text, name="timeline.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def entries():
    # Multi-line summaries: the cells a browser's re-post turned into CRLF.
    return [
        TimelineEntryFactory(slug=f"event-{n}", summary=f"First line.[^1]\n\nSecond {n}.")
        for n in range(3)
    ]


def history_count():
    return TimelineEntry.history.count()


def test_an_untouched_export_previews_and_imports_as_nothing_changed(client, editor, entries):
    client.force_login(editor)
    text = importexport.export_text("timeline", "csv")
    versions = history_count()

    preview = client.post(reverse(URL), {"file": upload(text)})
    assert "Preview: 3 timeline rows: 0 new, 0 changed, 3 unchanged" in preview.content.decode()
    # The confirm form carries a token, never the file's text.
    assert "First line." not in preview.content.decode().split('id="import-confirm-form"')[1]

    confirmed = client.post(
        reverse(URL), {"token": preview.context["import_token"], "_confirm": "1"}, follow=True
    )
    assert "Imported 3 timeline rows: 0 new, 0 changed, 3 unchanged" in confirmed.content.decode()
    assert history_count() == versions


def test_a_file_with_crlf_inside_its_cells_counts_as_unchanged(client, editor, entries):
    client.force_login(editor)
    text = importexport.export_text("timeline", "csv").replace("\n", "\r\n").replace("\r\r", "\r")
    assert "line.[^1]\r\n\r\nSecond" in text

    preview = client.post(reverse(URL), {"file": upload(text)})

    assert "0 new, 0 changed, 3 unchanged" in preview.content.decode()


def test_a_token_is_redeemed_once_and_only_by_the_user_who_uploaded(client, editor, entries):
    text = importexport.export_text("timeline", "csv").replace("Second 1.", "Second, edited.")
    client.force_login(editor)
    token = client.post(reverse(URL), {"file": upload(text)}).context["import_token"]

    # Another user, in a session of their own, cannot redeem it.
    other = Client()
    other.force_login(UserFactory(username="other-editor", is_superuser=True))
    stolen = other.post(reverse(URL), {"token": token, "_confirm": "1"})
    assert stolen.status_code == 400
    assert "expired or was already imported" in stolen.content.decode()
    assert not TimelineEntry.objects.filter(summary__contains="edited").exists()

    first = client.post(reverse(URL), {"token": token, "_confirm": "1"})
    again = client.post(reverse(URL), {"token": token, "_confirm": "1"})
    assert first.status_code == 302
    assert TimelineEntry.objects.get(slug="event-1").summary.endswith("Second, edited.")
    assert again.status_code == 400


def test_a_token_for_another_kind_is_refused(client, editor, entries):
    client.force_login(editor)
    text = importexport.export_text("timeline", "csv")
    token = client.post(reverse(URL), {"file": upload(text)}).context["import_token"]

    response = client.post(reverse("admin:core_source_import"), {"token": token, "_confirm": "1"})

    assert response.status_code == 400


def test_records_changed_after_the_preview_are_not_overwritten_unseen(client, editor, entries):
    client.force_login(editor)
    text = importexport.export_text("timeline", "csv")
    token = client.post(reverse(URL), {"file": upload(text)}).context["import_token"]
    entry = TimelineEntry.objects.get(slug="event-0")
    entry.title = "Renamed meanwhile"
    entry.save()

    response = client.post(reverse(URL), {"token": token, "_confirm": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The records changed since your preview, so nothing was imported" in page
    assert "Preview: 3 timeline rows: 0 new, 1 changed, 2 unchanged" in page
    assert TimelineEntry.objects.get(slug="event-0").title == "Renamed meanwhile"
    assert response.context["import_token"] != token


def test_the_old_hidden_text_field_imports_nothing(client, editor, entries):
    client.force_login(editor)
    response = client.post(
        reverse(URL), {"text": "slug,title\r\nnew-one,New", "file_format": "csv", "_confirm": "1"}
    )
    assert response.status_code == 400
    assert not TimelineEntry.objects.filter(slug="new-one").exists()


@pytest.mark.parametrize(
    "cache",
    [
        {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        # Redis down: a closed port (the site serves without its cache, core.faults).
        {
            "BACKEND": "karabakh_site.core.cache_backend.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        },
    ],
    ids=["dummy cache", "redis down"],
)
def test_a_preview_confirms_without_a_working_cache(client, editor, entries, settings, cache):
    settings.CACHES = {"default": cache}
    client.force_login(editor)
    text = importexport.export_text("timeline", "csv").replace("Second 1.", "Second, edited.")

    preview = client.post(reverse(URL), {"file": upload(text)})
    assert "0 new, 1 changed, 2 unchanged" in preview.content.decode()
    confirmed = client.post(
        reverse(URL), {"token": preview.context["import_token"], "_confirm": "1"}, follow=True
    )

    assert "Imported 3 timeline rows: 0 new, 1 changed" in confirmed.content.decode()
    assert TimelineEntry.objects.get(slug="event-1").summary.endswith("Second, edited.")
