"""A live item revised through review, in Chromium: a contributor starts a revision from the live
article's read-only page, edits and submits it while readers keep the live text; an editor
previews it on the real article template and publishes it into the live article."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-2023"


def sign_in(browser, live_server, username):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Editor's desk")).to_be_visible()
    return page


def test_a_live_article_is_revised_through_review(live_server, browser, page, transactional_db):
    from articles.models import Article
    from karabakh_site.core.models import Publishable
    from tests.conftest import editorial_group
    from tests.factories import ArticleFactory, UserFactory

    for name, group in (("revising-author", "Contributors"), ("revising-editor", "Editors")):
        user = UserFactory(username=name)
        user.groups.add(editorial_group(group))
        user.set_password(PASSWORD)
        user.save()
    live = ArticleFactory(
        title="Lachin corridor", standfirst="The live standfirst.", body="A claim.[^1]"
    )

    author = sign_in(browser, live_server, "revising-author")
    author.goto(live_server.url + reverse("admin:articles_article_change", args=[live.pk]))
    expect(author.locator("#revision")).to_contain_text("This item is live, so it is read-only")
    author.get_by_role("button", name="Start a revision").click()
    expect(author.locator(".messagelist")).to_contain_text("this is your revision")
    author.locator("#id_standfirst").fill("The revised standfirst.")
    author.get_by_role("button", name="Save and submit for review").click()
    expect(author.locator(".messagelist")).to_contain_text("Saved and submitted for review.")

    # Readers keep the live version while the revision is in review.
    page.goto(live_server.url + live.get_absolute_url())
    expect(page.locator("main")).to_contain_text("The live standfirst.")
    expect(page.locator("main")).not_to_contain_text("The revised standfirst.")

    revision = Article.objects.get(revision_of=live)
    assert revision.status == Publishable.Status.IN_REVIEW
    editor = sign_in(browser, live_server, "revising-editor")
    editor.goto(live_server.url + reverse("admin:articles_article_change", args=[revision.pk]))
    expect(editor.locator("#revision-changes")).to_contain_text("standfirst")
    with editor.context.expect_page() as preview_opened:
        editor.get_by_role("link", name="Preview as readers will see it").click()
    preview = preview_opened.value
    expect(preview.locator("main")).to_contain_text("The revised standfirst.")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Lachin corridor")
    preview.close()

    editor.get_by_role("button", name="Save and publish the revision into the live item").click()
    expect(editor.locator(".messagelist")).to_contain_text("the revision is published")
    assert editor.url.endswith(reverse("admin:articles_article_change", args=[live.pk]))

    page.reload()
    expect(page.locator("main")).to_contain_text("The revised standfirst.")
    assert not Article.objects.filter(pk=revision.pk).exists()
