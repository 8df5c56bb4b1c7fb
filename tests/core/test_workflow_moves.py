"""Every workflow move in the change form saves the edits with it (one write, one history
version), and the publishing controls do what they say: "Publish now" publishes now, a scheduled
item can be unscheduled, withdrawing asks first, contributors see no schedule fields, and the
preview banner names the item's state."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from karabakh_site.core.models import Publishable
from karabakh_site.core.services import workflow_events
from tests.core.test_admin_publishing import submitted
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def change_url(item):
    return reverse("admin:articles_article_change", args=[item.pk])


def move(client, item, workflow, **edits):
    """Open the change form, edit it as a browser would, press a workflow button."""
    data = submitted(client.get(change_url(item)), Article)
    data.update(edits)
    data["_workflow"] = workflow
    return client.post(change_url(item), data)


def test_save_and_submit_keeps_the_new_standfirst(client, contributor):
    item = ArticleFactory(status=Status.DRAFT, created_by=contributor, standfirst="Old words.")
    versions = item.history.count()
    client.force_login(contributor)

    response = move(client, item, "submit", standfirst="New words, typed just now.")

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert item.standfirst == "New words, typed just now."
    assert item.history.count() == versions + 1  # the edit and the move are one version
    event = workflow_events(item).first()
    assert (event.from_status, event.to_status, event.by) == ("draft", "review", contributor)


def test_save_and_publish_now_publishes_a_draft_with_a_future_time_now(client, editor):
    item = ArticleFactory(status=Status.DRAFT)
    item.publish_at = timezone.now() + datetime.timedelta(days=3)
    item.save()
    client.force_login(editor)

    response = move(client, item, "publish", title="Published today")

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_published
    assert item.title == "Published today"
    assert item.publish_at <= timezone.now()


def test_the_workflow_view_publish_now_also_publishes_now(client, editor):
    item = ArticleFactory(status=Status.DRAFT)
    item.publish_at = timezone.now() + datetime.timedelta(days=3)
    item.save()
    client.force_login(editor)

    client.post(
        reverse("admin:articles_article_workflow", args=[item.pk]), {"transition": "publish"}
    )

    item.refresh_from_db()
    assert item.is_published


def test_returning_needs_a_comment_and_keeps_the_edits_either_way(client, editor):
    item = ArticleFactory(status=Status.IN_REVIEW, standfirst="Before.")
    client.force_login(editor)

    refused = move(client, item, "return", standfirst="Edited by the editor.")
    assert refused.status_code == 200
    assert "Say what needs to change" in refused.content.decode()
    assert "Edited by the editor." in refused.content.decode()
    item.refresh_from_db()
    assert (item.status, item.standfirst) == (Status.IN_REVIEW, "Before.")

    done = move(
        client,
        item,
        "return",
        standfirst="Edited by the editor.",
        _workflow_comment="Cite the order itself.",
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert item.review_comment == "Cite the order itself."
    assert item.standfirst == "Edited by the editor."
    assert workflow_events(item).first().comment == "Cite the order itself."


def test_withdrawing_asks_for_a_confirmation_first(client, editor):
    item = ArticleFactory(status=Status.PUBLISHED)
    client.force_login(editor)

    asked = move(client, item, "withdraw")
    assert asked.status_code == 200
    assert "Withdrawing takes the item off the site at once" in asked.content.decode()
    assert '<details id="workflow-withdraw" open>' in asked.content.decode()
    item.refresh_from_db()
    assert item.is_published

    done = move(client, item, "withdraw", _workflow_confirm="1")
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN


def test_a_scheduled_item_can_be_unscheduled(client, editor):
    item = ArticleFactory(
        status=Status.PUBLISHED, publish_at=timezone.now() + datetime.timedelta(1)
    )
    assert item.is_scheduled
    client.force_login(editor)
    page = client.get(change_url(item)).content.decode()
    assert 'value="unschedule"' in page
    assert 'value="withdraw"' not in page

    response = move(client, item, "unschedule")

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.publish_at) == (Status.DRAFT, None)


def test_a_contributor_cannot_publish_through_a_workflow_button(client, contributor):
    item = ArticleFactory(status=Status.DRAFT, created_by=contributor)
    client.force_login(contributor)
    page = client.get(change_url(item)).content.decode()
    assert 'value="publish"' not in page

    response = move(client, item, "publish")

    assert response.status_code == 200
    assert "is not a step you can take on this item now" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_an_unknown_move_is_a_form_error_not_a_crash(client, editor):
    item = ArticleFactory(status=Status.DRAFT)
    client.force_login(editor)
    response = move(client, item, "explode")
    assert response.status_code == 200
    assert "is not a step you can take" in response.content.decode()


def test_contributors_see_no_schedule_fields(client, contributor, editor):
    item = ArticleFactory(status=Status.DRAFT, created_by=contributor)
    client.force_login(contributor)
    page = client.get(change_url(item)).content.decode()
    assert 'name="publish_at_0"' not in page
    assert 'name="withdraw_at_0"' not in page
    client.force_login(editor)
    assert 'name="publish_at_0"' in client.get(change_url(item)).content.decode()


def test_publishing_without_a_source_says_so_in_the_workflow_panel(client, editor):
    item = ArticleFactory(status=Status.DRAFT, citations=0, body="No claims yet.")
    client.force_login(editor)

    response = move(client, item, "publish")

    page = response.content.decode()
    panel = page.split('id="workflow"')[1].split("</section>")[0]
    assert "Add at least one source before publishing." in panel
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_the_change_form_loads_the_unsaved_edits_warning(client, editor):
    item = ArticleFactory(status=Status.DRAFT)
    client.force_login(editor)
    assert "admin/js/unsaved.js" in client.get(change_url(item)).content.decode()


@pytest.mark.parametrize(
    "status, publish_at, expected",
    [
        (Status.DRAFT, None, "Draft preview</strong> — readers cannot see this yet"),
        (Status.IN_REVIEW, None, "In review</strong> — readers cannot see this yet"),
        (Status.WITHDRAWN, None, "Withdrawn</strong> — readers no longer see this"),
        (Status.PUBLISHED, datetime.timedelta(days=2), "Scheduled</strong> — readers will see"),
    ],
)
def test_the_preview_banner_names_the_items_state(client, editor, status, publish_at, expected):
    kwargs = {"publish_at": timezone.now() + publish_at} if publish_at else {}
    item = ArticleFactory(status=status, **kwargs)
    client.force_login(editor)
    page = client.get(item.get_absolute_url()).content.decode()
    assert expected in page
    assert status != Status.WITHDRAWN or "cannot see this yet" not in page


def test_the_text_preview_renders_unsaved_markdown_and_saves_nothing(client, editor):
    item = ArticleFactory(status=Status.DRAFT, body="Saved body.[^1]")
    client.force_login(editor)
    url = reverse("admin:articles_article_text_preview", args=[item.pk])
    assert 'formaction="' + url in client.get(change_url(item)).content.decode()

    response = client.post(url, {"body": "## Heading\n\nTyped *now*.[^1]<script>x()</script>"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Heading</h2>" in page
    assert "<em>now</em>" in page
    assert "<script>x()" not in page
    item.refresh_from_db()
    assert item.body == "Saved body.[^1]"
    assert client.get(url).status_code == 405


def test_the_text_preview_is_for_staff_who_may_see_the_item(client, db):
    item = ArticleFactory(status=Status.DRAFT)
    url = reverse("admin:articles_article_text_preview", args=[item.pk])
    response = client.post(url, {"body": "x"})
    assert response.status_code == 302  # to the login page


def test_the_withdraw_action_asks_before_taking_items_down(client, editor):
    item = ArticleFactory(title="Still up")
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")

    asked = client.post(url, {"action": "withdraw_selected", "_selected_action": [item.pk]})

    assert asked.status_code == 200
    assert "Withdraw these items?" in asked.content.decode()
    assert "Still up" in asked.content.decode()
    item.refresh_from_db()
    assert item.is_published
    client.post(
        url,
        {"action": "withdraw_selected", "_selected_action": [item.pk], "confirm_withdraw": "yes"},
    )
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN
