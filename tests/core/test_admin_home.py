"""The editor's home (the admin index): returned to me with the comment, my drafts, awaiting review
with the real submitter, scheduled, recently published, dead or unchecked sources, in a fixed
number of queries; and the workflow's emails on submit, return and publish."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from karabakh_site.core import services
from karabakh_site.core.models import Publishable, Source
from tests.factories import ArticleFactory, SourceFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def home(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def section(page, section_id):
    return page.split(f'id="{section_id}"')[1].split('<div id="')[0]


def test_a_contributor_sees_what_was_returned_with_the_comment_and_their_drafts(
    client, contributor, editor
):
    returned = ArticleFactory(status=Status.DRAFT, created_by=contributor, title="Sent back")
    services.submit_for_review(returned, by=contributor)
    services.return_for_changes(returned, comment="Cite the ICJ order itself.", by=editor)
    ArticleFactory(status=Status.DRAFT, created_by=contributor, title="My own draft")
    ArticleFactory(status=Status.DRAFT, created_by=editor, title="Someone else's draft")
    client.force_login(contributor)

    page = home(client)

    assert "Cite the ICJ order itself." in section(page, "returned-to-me")
    assert "Sent back" in section(page, "returned-to-me")
    assert "My own draft" in section(page, "my-drafts")
    assert "Someone else's draft" not in page
    assert 'id="awaiting-review"' not in page


def test_awaiting_review_names_the_submitter_not_whoever_saved_last(client, contributor, editor):
    item = ArticleFactory(status=Status.DRAFT, created_by=contributor, title="Pending")
    services.submit_for_review(item, by=contributor)
    item.title = "Pending, touched by an editor"
    item.updated_by = editor
    item.save()
    client.force_login(editor)

    review = section(home(client), "awaiting-review")

    assert "Pending, touched by an editor" in review
    assert "<td>contributor</td>" in review
    assert "<td>editor</td>" not in review


def test_scheduled_recently_published_and_source_health_panels(client, editor):
    ArticleFactory(title="Goes live Friday", publish_at=timezone.now() + datetime.timedelta(3))
    ArticleFactory(title="Out this week")
    ArticleFactory(title="Old news", publish_at=timezone.now() - datetime.timedelta(days=90))
    Source.objects.update(last_checked_at=timezone.now())
    SourceFactory(title="A dead link", url_status=Source.UrlStatus.DEAD)
    SourceFactory(title="Never looked at")
    client.force_login(editor)

    page = home(client)

    assert "Goes live Friday" in section(page, "scheduled")
    assert "Out this week" in section(page, "recently-published")
    assert "Old news" not in page
    sources = section(page, "source-health")
    assert "A dead link" in sources and "Never looked at" in sources
    assert "2 sources to look at" in sources


def make_items(count, contributor):
    for n in range(count):
        draft = ArticleFactory(status=Status.DRAFT, created_by=contributor, title=f"Draft {n}")
        services.submit_for_review(draft, by=contributor)
        TimelineEntryFactory(status=Status.DRAFT, created_by=contributor, title=f"Event {n}")
        ArticleFactory(title=f"Live {n}", created_by=contributor)
        SourceFactory(url_status=Source.UrlStatus.DEAD)


def queries_for_home(client):
    with CaptureQueriesContext(connection) as queries:
        home(client)
    return len(queries)


def test_the_home_costs_the_same_queries_for_one_item_or_many(client, superuser, contributor):
    client.force_login(superuser)
    make_items(1, contributor)
    home(client)  # content types and the session are cached after the first request
    one = queries_for_home(client)
    make_items(3, contributor)
    many = queries_for_home(client)
    assert one == many


def test_submitting_emails_the_editors(contributor, editor, django_capture_on_commit_callbacks):
    editor.email, contributor.email = "editor@example.org", "contributor@example.org"
    editor.save(), contributor.save()
    item = ArticleFactory(status=Status.DRAFT, created_by=contributor, title="For the desk")

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_review(item, by=contributor)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["editor@example.org"]
    assert "For review" in mail.outbox[0].subject
    assert reverse("admin:articles_article_change", args=[item.pk]) in mail.outbox[0].body


def test_returning_emails_the_submitter_with_the_comment_and_publishing_the_author(
    contributor, editor, django_capture_on_commit_callbacks
):
    editor.email, contributor.email = "editor@example.org", "contributor@example.org"
    editor.save(), contributor.save()
    item = ArticleFactory(status=Status.DRAFT, created_by=contributor)
    services.submit_for_review(item, by=contributor)

    with django_capture_on_commit_callbacks(execute=True):
        services.return_for_changes(item, comment="Add the UN report.", by=editor)
    assert [m.to for m in mail.outbox] == [["contributor@example.org"]]
    assert "Add the UN report." in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(item, by=editor)
    assert [m.to for m in mail.outbox] == [["contributor@example.org"]]
    assert "Published" in mail.outbox[0].subject


def test_a_refused_move_sends_nothing(editor, django_capture_on_commit_callbacks):
    editor.email = "editor@example.org"
    editor.save()
    item = ArticleFactory(status=Status.DRAFT, citations=0, body="No claims.")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.publish(item, by=editor)
    assert mail.outbox == []


def test_an_import_that_publishes_emails_nobody(
    contributor, editor, django_capture_on_commit_callbacks
):
    # A file of many rows would otherwise mail every author; the importer reads the report.
    import json

    from karabakh_site.core import importexport

    contributor.email = "contributor@example.org"
    contributor.save()
    item = ArticleFactory(status=Status.IN_REVIEW, created_by=contributor)
    rows = [row for row in importexport.export_rows("articles") if row["slug"] == item.slug]
    rows[0]["status"] = Status.PUBLISHED

    with django_capture_on_commit_callbacks(execute=True):
        report = importexport.import_text("articles", json.dumps(rows), "json", by=editor)
    assert report.ok, report
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert mail.outbox == []

    # The same move made by hand tells the author: the import, not the move, is quiet.
    other = ArticleFactory(status=Status.IN_REVIEW, created_by=contributor)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(other, by=editor)
    assert [m.to for m in mail.outbox] == [["contributor@example.org"]]
