"""The review workflow through real admin requests: draft → in review → published → withdrawn,
returned with a comment, who may do what, and the log of who moved an item and when."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from karabakh_site.core import services
from karabakh_site.core.models import Publishable, WorkflowEvent
from karabakh_site.core.publishing import NEEDS_SOURCE_MESSAGE
from tests.factories import ArticleFactory, FAQEntryFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def workflow_url(item):
    meta = item._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_workflow", args=[item.pk])


def change_url(item):
    meta = item._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])


def log(item):
    return [
        (event.from_status, event.to_status, event.by, event.comment)
        for event in services.workflow_events(item).order_by("at", "id")
    ]


def test_a_contributor_submits_a_draft_for_review(client, contributor):
    draft = ArticleFactory(status=Status.DRAFT)
    client.force_login(contributor)
    response = client.post(workflow_url(draft), {"transition": "submit"}, follow=True)
    assert "Submitted for review." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert draft.updated_by == contributor
    assert log(draft) == [(Status.DRAFT, Status.IN_REVIEW, contributor, "")]


def test_a_contributor_cannot_publish_through_the_workflow_view(client, contributor):
    item = TimelineEntryFactory(status=Status.IN_REVIEW)
    client.force_login(contributor)
    response = client.post(workflow_url(item), {"transition": "publish"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert not WorkflowEvent.objects.exists()


def test_a_contributor_cannot_return_or_withdraw(client, contributor):
    in_review = FAQEntryFactory(status=Status.IN_REVIEW)
    client.force_login(contributor)
    for transition in ("return", "withdraw"):
        response = client.post(
            workflow_url(in_review), {"transition": transition, "comment": "No."}
        )
        assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_an_editor_returns_an_item_with_a_comment_the_contributor_then_sees(
    client, editor, contributor
):
    item = ArticleFactory(status=Status.IN_REVIEW)
    client.force_login(editor)
    client.post(
        workflow_url(item), {"transition": "return", "comment": "Cite the UN report for para 2."}
    )
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert item.review_comment == "Cite the UN report for para 2."

    client.force_login(contributor)
    page = client.get(change_url(item)).content.decode()
    assert "Returned by an editor" in page
    assert "Cite the UN report for para 2." in page
    assert log(item) == [(Status.IN_REVIEW, Status.DRAFT, editor, "Cite the UN report for para 2.")]


def test_returning_an_item_without_a_comment_is_refused(client, editor):
    item = ArticleFactory(status=Status.IN_REVIEW)
    client.force_login(editor)
    response = client.post(
        workflow_url(item), {"transition": "return", "comment": "  "}, follow=True
    )
    assert "a returned item needs a comment" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_resubmitting_clears_the_editors_comment(client, contributor):
    item = ArticleFactory(status=Status.DRAFT)
    item.review_comment = "Fix the date."
    item.save()
    client.force_login(contributor)
    client.post(workflow_url(item), {"transition": "submit"})
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert item.review_comment == ""


def test_an_editor_publishes_then_withdraws_and_each_move_is_logged(client, editor, contributor):
    item = ArticleFactory(status=Status.DRAFT)
    client.force_login(contributor)
    client.post(workflow_url(item), {"transition": "submit"})
    client.force_login(editor)
    client.post(workflow_url(item), {"transition": "publish"})
    item.refresh_from_db()
    assert item.is_published
    client.post(workflow_url(item), {"transition": "withdraw"})
    item.refresh_from_db()
    assert item.status == Status.WITHDRAWN
    assert not Article.objects.published().filter(pk=item.pk).exists()
    assert log(item) == [
        (Status.DRAFT, Status.IN_REVIEW, contributor, ""),
        (Status.IN_REVIEW, Status.PUBLISHED, editor, ""),
        (Status.PUBLISHED, Status.WITHDRAWN, editor, ""),
    ]


def test_publishing_an_uncited_item_from_the_workflow_panel_gives_the_rule(client, editor):
    item = ArticleFactory(status=Status.IN_REVIEW, citations=0, body="No markers.")
    client.force_login(editor)
    response = client.post(workflow_url(item), {"transition": "publish"}, follow=True)
    assert NEEDS_SOURCE_MESSAGE in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_an_unknown_step_is_a_bad_request(client, editor):
    item = ArticleFactory(status=Status.DRAFT)
    client.force_login(editor)
    assert client.post(workflow_url(item), {"transition": "explode"}).status_code == 400
    assert client.get(workflow_url(item)).status_code == 405


def test_only_a_draft_can_be_submitted():
    item = ArticleFactory()
    with pytest.raises(ValidationError, match="Only a draft can be submitted"):
        services.submit_for_review(item)


def test_submitting_through_the_status_field_is_logged_too(client, contributor):
    from tests.core.test_publishing_rule import article_form_data

    draft = ArticleFactory(status=Status.DRAFT, body="Plain.")
    client.force_login(contributor)
    data = article_form_data(
        status="review",
        title=draft.title,
        slug=draft.slug,
        body=draft.body,
        **{"citations-INITIAL_FORMS": "0"},
    )
    response = client.post(change_url(draft), data)
    assert response.status_code == 302, response.content.decode()
    assert log(draft) == [(Status.DRAFT, Status.IN_REVIEW, contributor, "")]


def test_the_admin_index_lists_items_awaiting_review_for_editors_only(client, editor, contributor):
    ArticleFactory(status=Status.IN_REVIEW, title="Pending article")
    TimelineEntryFactory(status=Status.IN_REVIEW, title="Pending event")
    ArticleFactory(status=Status.DRAFT, title="Still a draft")
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Awaiting review" in page
    assert "Pending article" in page
    assert "Pending event" in page
    assert "Still a draft" not in page

    client.force_login(contributor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Awaiting review" not in page


def test_the_change_form_says_when_a_scheduled_item_goes_live(client, editor):
    at = timezone.now() + datetime.timedelta(days=3)
    item = ArticleFactory(status=Status.DRAFT)
    services.publish(item, at=at)
    client.force_login(editor)
    page = client.get(change_url(item)).content.decode()
    assert f"Scheduled for {timezone.localtime(at):%d %b %Y %H:%M}" in page
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f"Scheduled for {timezone.localtime(at):%d %b %Y %H:%M}" in changelist


def test_a_scheduled_item_goes_live_at_its_time_and_leaves_at_its_withdraw_time():
    now = timezone.now()
    item = ArticleFactory(status=Status.DRAFT)
    services.publish(item, at=now + datetime.timedelta(hours=1))
    item.withdraw_at = now + datetime.timedelta(hours=2)
    item.save()
    assert not Article.objects.published().exists()
    # Visibility is decided at read time, so nothing has to run at either moment.
    later = now + datetime.timedelta(hours=1, minutes=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        assert list(Article.objects.published()) == [item]
        patch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=3))
        assert not Article.objects.published().exists()


def test_the_change_form_offers_a_preview_of_a_draft_on_the_readers_url(client, editor):
    draft = ArticleFactory(status=Status.DRAFT)
    client.force_login(editor)
    page = client.get(change_url(draft)).content.decode()
    assert f'href="{draft.get_absolute_url()}"' in page
    assert "Preview as readers will see it" in page


def test_lists_and_forms_say_when_an_item_was_taken_down_by_its_withdraw_time(client, editor):
    item = ArticleFactory(title="Time-limited notice")
    down_at = timezone.now() - datetime.timedelta(minutes=5)
    Article.objects.filter(pk=item.pk).update(withdraw_at=down_at)
    label = f"aken down {timezone.localtime(down_at):%d %b %Y %H:%M}"
    client.force_login(editor)
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f"T{label}" in changelist
    assert f"No: t{label}" in client.get(change_url(item)).content.decode()


def test_a_contributor_sees_a_published_item_read_only_without_workflow_steps(client, contributor):
    item = ArticleFactory(title="Published piece")
    client.force_login(contributor)
    response = client.get(change_url(item))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Published piece" in page
    assert 'name="transition"' not in page
    assert 'name="_save"' not in page
