"""The editorial admin driven in Chromium: an exported CSV re-imported through the admin pages
previews and imports as "0 changed"; "Save and submit for review" keeps the edit typed just
before; a year-only date typed as "1988"."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-1988"


@pytest.fixture
def signed_in(live_server, page, transactional_db):
    from tests.factories import UserFactory

    user = UserFactory(username="desk-editor", is_superuser=True, is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("desk-editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Editor's desk")).to_be_visible()
    return page


def test_an_exported_csv_reimports_as_previewed_with_nothing_changed(
    live_server, signed_in, tmp_path
):
    from tests.factories import TimelineEntryFactory
    from timeline.models import TimelineEntry

    for n in range(3):
        TimelineEntryFactory(slug=f"event-{n}", summary=f"First line.[^1]\n\nSecond {n}.")
    versions = TimelineEntry.history.count()
    page = signed_in
    page.goto(live_server.url + reverse("admin:timeline_timelineentry_changelist"))

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    exported = tmp_path / "timeline.csv"
    download.value.save_as(exported)

    page.get_by_role("link", name="Import").click()
    page.set_input_files("input[name=file]", str(exported))
    page.get_by_role("button", name="Check and preview").click()
    preview = page.locator("#import-report-heading")
    expect(preview).to_have_text("Preview: 3 timeline rows: 0 new, 0 changed, 3 unchanged")

    page.get_by_role("button", name="Import these rows").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Imported 3 timeline rows: 0 new, 0 changed, 3 unchanged"
    )
    assert TimelineEntry.history.count() == versions


def test_save_and_submit_keeps_the_standfirst_typed_just_before(live_server, signed_in):
    from articles.models import Article
    from karabakh_site.core.models import Publishable
    from tests.factories import ArticleFactory

    item = ArticleFactory(status=Publishable.Status.DRAFT, standfirst="The old standfirst.")
    page = signed_in
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[item.pk]))

    page.locator("#id_standfirst").fill("A standfirst typed a moment ago.")
    page.get_by_role("button", name="Save and submit for review").click()

    expect(page.locator(".messagelist")).to_contain_text("Saved and submitted for review.")
    item = Article.objects.get(pk=item.pk)
    assert item.status == Publishable.Status.IN_REVIEW
    assert item.standfirst == "A standfirst typed a moment ago."


def test_leaving_a_form_with_unsaved_edits_asks_first(live_server, signed_in):
    from tests.factories import ArticleFactory

    item = ArticleFactory()
    page = signed_in
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[item.pk]))
    page.locator("#id_standfirst").fill("Not saved yet.")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))

    page.evaluate("() => { window.location.href = '/'; }")
    page.wait_for_timeout(500)

    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/change/$"))


def test_a_year_only_date_is_typed_as_1988(live_server, signed_in):
    from timeline.models import TimelineEntry

    page = signed_in
    page.goto(live_server.url + reverse("admin:timeline_timelineentry_add"))
    page.locator("#id_title").fill("Karabakh movement begins")  # the slug follows the title
    page.locator("#id_summary").fill("Rallies in Stepanakert and Yerevan.")
    page.locator("#id_category").select_option("political")
    page.locator("#id_date").fill("1988")
    page.locator("#id_end_date").fill("c. May 1994")
    page.get_by_role("button", name="Save", exact=True).first.click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    entry = TimelineEntry.objects.get(title="Karabakh movement begins")
    assert (entry.date.isoformat(), entry.date_precision) == ("1988-01-01", "year")
    assert (entry.end_precision, entry.end_approximate) == ("month", True)
    assert entry.display_date == "1988 – c. May 1994"
