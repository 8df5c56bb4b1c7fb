"""Malformed values in an import file are errors of their row, never crashes: the command exits
non-zero listing the row, the admin preview shows it (200), and nothing is written. Run on SQLite
and PostgreSQL, which refuses NUL characters and over-long text at the database."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from faq.models import FAQEntry, FAQGroup
from karabakh_site.core.models import Source
from tests.factories import FAQGroupFactory, SourceFactory, TopicFactory
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

CITED_URL = "https://example.org/cited"
EVENT = {
    "slug": "an-event",
    "title": "An event",
    "date": "2023-09-19",
    "summary": "Something happened.",
    "category": "military",
}
QUESTION = {"slug": "a-question", "question": "Who?", "answer": "Someone."}

# (kind, rows, what the row's error says)
MALFORMED = {
    "source url is a list": ("sources", [{"url": ["x"], "title": "T"}], "url: expected text"),
    "timeline slug is an object": ("timeline", [{"slug": {"a": 1}}], "slug: expected text"),
    "timeline place is a list": (
        "timeline",
        [{**EVENT, "place": ["a"]}],
        "place: expected text",
    ),
    "timeline status is a list": (
        "timeline",
        [{**EVENT, "status": ["draft"]}],
        "status: expected text",
    ),
    "faq group is a list": (
        "faq",
        [{**QUESTION, "group": ["a"], "group_name": "A"}],
        "group: expected text",
    ),
    "faq group name is an object": (
        "faq",
        [{**QUESTION, "group": "new-group", "group_name": {"en": "A"}}],
        "group: expected text",
    ),
    "citation url is a list": (
        "timeline",
        [{**EVENT, "citations": [{"url": [CITED_URL]}]}],
        "citation 1: expected text",
    ),
    "citation locator is an object": (
        "timeline",
        [{**EVENT, "citations": [{"url": CITED_URL, "locator": {"p": 1}}]}],
        "citation 1: expected text",
    ),
    "citation quote is a list": (
        "faq",
        [{**QUESTION, "group": "existing", "citations": [{"url": CITED_URL, "quote": ["q"]}]}],
        "citation 1: expected text",
    ),
    "citation locator is too long": (
        "timeline",
        [{**EVENT, "citations": [{"url": CITED_URL, "locator": "p" * 101}]}],
        "locator: Ensure this value has at most 100 characters",
    ),
    "NUL in a source title": (
        "sources",
        [{"url": "https://example.org/new", "title": "Bad\x00title"}],
        "title: contains a NUL character",
    ),
    "NUL in a source url": (
        "sources",
        [{"url": "https://example.org/\x00"}],
        "url: contains a NUL",
    ),
    "NUL in a timeline slug": (
        "timeline",
        [{**EVENT, "slug": "event\x00"}],
        "slug: contains a NUL",
    ),
    "NUL in a timeline summary": (
        "timeline",
        [{**EVENT, "summary": "Text\x00"}],
        "summary: contains a NUL",
    ),
    "NUL in a topic slug": ("timeline", [{**EVENT, "topics": ["war\x00"]}], "contains a NUL"),
    "NUL in a topics cell": ("timeline", [{**EVENT, "topics": "war\x00;peace"}], "contains a NUL"),
    "NUL in a citation url": (
        "timeline",
        [{**EVENT, "citations": [{"url": CITED_URL + "\x00"}]}],
        "citation 1: contains a NUL",
    ),
    "NUL in a faq group name": (
        "faq",
        [{**QUESTION, "group": "new-group", "group_name": "New\x00"}],
        "group: contains a NUL",
    ),
    "new faq group name too long": (
        "faq",
        [{**QUESTION, "group": "new-group", "group_name": "N" * 150}],
        "new FAQ group 'new-group': name: Ensure this value has at most 100 characters",
    ),
    "new faq group slug not a slug": (
        "faq",
        [{**QUESTION, "group": "not a slug!!", "group_name": "Fine name"}],
        "new FAQ group 'not a slug!!': slug: Enter a valid “slug”",
    ),
    "new faq group name taken": (
        "faq",
        [{**QUESTION, "group": "another-slug", "group_name": "Existing group"}],
        "name: FAQ group with this Name already exists.",
    ),
}


@pytest.fixture
def records():
    SourceFactory(url=CITED_URL)
    FAQGroupFactory(slug="existing", name="Existing group")
    TopicFactory(slug="war")


def counts():
    return [model.objects.count() for model in (Source, TimelineEntry, FAQEntry, FAQGroup)]


@pytest.mark.parametrize("case", MALFORMED)
def test_the_import_command_lists_a_malformed_row_and_writes_nothing(records, tmp_path, case):
    kind, rows, message = MALFORMED[case]
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    before = counts()

    with pytest.raises(CommandError) as error:
        call_command("import_content", kind, str(path))

    assert "row 1 (" in str(error.value)
    assert message in str(error.value)
    assert counts() == before


@pytest.mark.parametrize("case", MALFORMED)
def test_the_admin_preview_shows_a_malformed_row_and_writes_nothing(client, editor, records, case):
    kind, rows, message = MALFORMED[case]
    url = reverse(
        {
            "sources": "admin:core_source_import",
            "timeline": "admin:timeline_timelineentry_import",
            "faq": "admin:faq_faqentry_import",
        }[kind]
    )
    client.force_login(editor)
    before = counts()
    upload = SimpleUploadedFile(f"{kind}.json", json.dumps(rows).encode(), "application/json")

    response = client.post(url, {"file": upload})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in page
    assert escape(message) in page
    assert counts() == before


def test_a_csv_file_with_a_nul_in_a_cell_is_a_row_error(records, tmp_path):
    path = tmp_path / "sources.csv"
    path.write_text("url,title\nhttps://example.org/new,Bad\x00title\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("import_content", "sources", str(path))

    assert "title: contains a NUL character" in str(error.value)
    assert not Source.objects.filter(url="https://example.org/new").exists()


def test_a_new_faq_group_with_good_values_is_still_created(records, tmp_path):
    path = tmp_path / "faq.json"
    path.write_text(json.dumps([{**QUESTION, "group": "new-group", "group_name": "New group"}]))

    call_command("import_content", "faq", str(path), verbosity=0)

    assert FAQEntry.objects.get(slug="a-question").group.name == "New group"
