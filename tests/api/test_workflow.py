"""Status changes through the API go through the workflow services: each one is in the item's
workflow log with the user, as when it is made in the admin."""

import pytest
from django.urls import reverse

from articles.models import Article
from faq.models import FAQEntry
from karabakh_site.core.models import Publishable, WorkflowEvent
from karabakh_site.core.services import RETURN_NEEDS_COMMENT, workflow_events
from tests.factories import ArticleFactory, FAQEntryFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def detail(slug):
    return f"/api/v1/articles/{slug}/"


def item_with_empty_log(factory=ArticleFactory, **kwargs):
    # The factories publish through the services, which log that move; each test's log starts
    # empty so it shows only the moves the test makes.
    item = factory(**kwargs)
    WorkflowEvent.objects.all().delete()
    return item


def log(item):
    return [(e.from_status, e.to_status, e.by, e.comment) for e in workflow_events(item)]


def test_a_contributors_submission_is_logged_with_the_contributor(as_contributor, contributor):
    article = ArticleFactory(slug="draft", status=Status.DRAFT)

    response = as_contributor.patch(detail("draft"), {"status": "review"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "review"
    assert log(article) == [(Status.DRAFT, Status.IN_REVIEW, contributor, "")]


@pytest.mark.parametrize(
    ("factory", "url"),
    [(FAQEntryFactory, "/api/v1/faq/{}/"), (TimelineEntryFactory, "/api/v1/timeline/{}/")],
)
def test_every_kind_of_item_logs_its_submission(as_contributor, contributor, factory, url):
    item = factory(status=Status.DRAFT)

    response = as_contributor.patch(url.format(item.slug), {"status": "review"}, format="json")

    assert response.status_code == 200, response.json()
    assert log(item) == [(Status.DRAFT, Status.IN_REVIEW, contributor, "")]


def test_an_item_created_for_review_logs_its_submission(as_contributor, contributor):
    response = as_contributor.post(
        "/api/v1/articles/",
        {"slug": "new", "title": "New", "standfirst": "S.", "body": "Plain.", "status": "review"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert log(Article.objects.get(slug="new")) == [
        (Status.DRAFT, Status.IN_REVIEW, contributor, "")
    ]


def test_an_editor_returning_an_item_without_a_comment_gets_a_400_and_nothing_changes(as_editor):
    article = ArticleFactory(slug="sent", status=Status.IN_REVIEW)

    for body in ({"status": "draft"}, {"status": "draft", "review_comment": "   "}):
        response = as_editor.patch(detail("sent"), body, format="json")

        assert response.status_code == 400
        assert response.json() == {"review_comment": [RETURN_NEEDS_COMMENT]}
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert log(article) == []


def test_an_editor_returns_an_item_with_a_comment_the_author_sees(as_editor, editor):
    article = ArticleFactory(slug="sent", status=Status.IN_REVIEW)

    response = as_editor.patch(
        detail("sent"),
        {"status": "draft", "review_comment": " Cite the UN report. "},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert "review_comment" not in response.json()
    article.refresh_from_db()
    assert (article.status, article.review_comment) == (Status.DRAFT, "Cite the UN report.")
    assert log(article) == [(Status.IN_REVIEW, Status.DRAFT, editor, "Cite the UN report.")]


def test_resubmitting_clears_the_editors_comment(as_contributor):
    article = ArticleFactory(slug="returned", status=Status.DRAFT)
    Article.objects.filter(pk=article.pk).update(review_comment="Cite the UN report.")

    as_contributor.patch(detail("returned"), {"status": "review"}, format="json")

    article.refresh_from_db()
    assert (article.status, article.review_comment) == (Status.IN_REVIEW, "")


def test_a_contributor_may_take_a_submission_back_to_draft_without_a_comment(
    as_contributor, contributor
):
    # As in the admin, whose form offers contributors both draft and review.
    article = ArticleFactory(slug="sent", status=Status.IN_REVIEW)

    response = as_contributor.patch(detail("sent"), {"status": "draft"}, format="json")

    assert response.status_code == 200, response.json()
    assert log(article) == [(Status.IN_REVIEW, Status.DRAFT, contributor, "")]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (Status.DRAFT, {"title": "Renamed", "review_comment": "Why?"}),
        (Status.DRAFT, {"status": "review", "review_comment": "Please look."}),
        (Status.IN_REVIEW, {"status": "draft", "review_comment": "Taking it back."}),
    ],
)
def test_a_comment_outside_an_editors_return_is_a_400(as_contributor, status, body):
    article = ArticleFactory(slug="item", status=status)

    response = as_contributor.patch(detail("item"), body, format="json")

    assert response.status_code == 400
    assert "returning an item in review" in response.json()["review_comment"][0]
    article.refresh_from_db()
    assert article.status == status and article.title != "Renamed"


def test_a_comment_on_a_new_item_is_a_400(as_editor):
    response = as_editor.post(
        "/api/v1/articles/",
        {
            "slug": "new",
            "title": "New",
            "standfirst": "S.",
            "body": "Plain.",
            "review_comment": "x",
        },
        format="json",
    )

    assert response.status_code == 400 and "review_comment" in response.json()
    assert not Article.objects.filter(slug="new").exists()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Status.IN_REVIEW, Status.PUBLISHED),
        (Status.PUBLISHED, Status.WITHDRAWN),
        (Status.WITHDRAWN, Status.PUBLISHED),
        (Status.WITHDRAWN, Status.DRAFT),
        (Status.PUBLISHED, Status.IN_REVIEW),
    ],
)
def test_an_editors_moves_are_logged_with_the_editor(as_editor, editor, before, after):
    article = item_with_empty_log(slug="item", status=before)

    response = as_editor.patch(detail("item"), {"status": after}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == after
    assert log(article) == [(before, after, editor, "")]


def test_an_edit_that_keeps_the_status_logs_nothing(as_contributor):
    article = ArticleFactory(slug="draft", status=Status.DRAFT)

    response = as_contributor.patch(
        detail("draft"), {"status": "draft", "title": "Renamed"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert log(article) == []


def test_withdrawing_in_the_api_is_logged_as_in_the_admin(client, as_editor, editor):
    in_admin, in_api = ArticleFactory(slug="admin"), item_with_empty_log(slug="api")
    client.force_login(editor)

    client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "withdraw_selected",
            "_selected_action": [in_admin.pk],
            "confirm_withdraw": "yes",
        },
    )
    as_editor.patch(detail("api"), {"status": "withdrawn"}, format="json")

    assert log(in_api) == log(in_admin) == [(Status.PUBLISHED, Status.WITHDRAWN, editor, "")]
    in_admin.refresh_from_db()
    in_api.refresh_from_db()
    assert in_api.updated_by == in_admin.updated_by == editor
    assert in_api.history.first().history_user == in_admin.history.first().history_user == editor


def test_a_faq_entry_returned_through_the_api_keeps_its_comment(as_editor, editor):
    entry = FAQEntryFactory(status=Status.IN_REVIEW)

    response = as_editor.patch(
        f"/api/v1/faq/{entry.slug}/",
        {"status": "draft", "review_comment": "Too long."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert FAQEntry.objects.get(pk=entry.pk).review_comment == "Too long."
    assert log(entry) == [(Status.IN_REVIEW, Status.DRAFT, editor, "Too long.")]


def test_a_contributor_trying_to_withdraw_with_a_comment_hears_the_403_first(as_contributor):
    ArticleFactory(slug="sent", status=Status.IN_REVIEW)

    response = as_contributor.patch(
        detail("sent"), {"status": "withdrawn", "review_comment": "Why?"}, format="json"
    )

    assert response.status_code == 403
