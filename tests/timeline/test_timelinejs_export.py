"""The TimelineJS export as data: TimelineJS3 writes text.headline and text.text as HTML."""

import html

import pytest

from tests.factories import TimelineEntryFactory
from tests.markup import PLAIN_TEXT, SCRIPT_PAYLOADS

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/timeline/timelinejs/"


def test_the_export_escapes_titles_and_passes_only_stored_html_as_html(client):
    texts = [*PLAIN_TEXT, *SCRIPT_PAYLOADS]
    entries = {
        f"entry-{number}": TimelineEntryFactory(
            slug=f"entry-{number}", title=text, summary=f"{text}[^1]"
        )
        for number, text in enumerate(texts)
    }

    events = client.get(EXPORT).json()["events"]

    assert len(events) == len(texts)
    for event in events:
        entry = entries[event["unique_id"]]
        assert html.unescape(event["text"]["headline"]) == entry.title
        assert "<" not in event["text"]["headline"]
        assert event["text"]["text"].startswith(entry.summary_html)
        assert event["display_date"] == entry.display_date
        assert event["group"] == entry.get_category_display()
