"""Conditional GET never answers 304 for an answer that changed: Last-Modified comes from the
site-wide content clock (core.changes), not from when a worker first served the answer.

Each test's transaction never commits, so writes are made inside ``committed()``, which runs the
on-commit callbacks the way a real commit would. The clock is frozen (tick=False) and moved by
hand, so "the same second" means exactly that.
"""

import datetime as dt
import io
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from articles.models import Article
from karabakh_site.core import changes, services
from karabakh_site.core.models import ContentChange, Publishable
from karabakh_site.core.record import erasing
from karabakh_site.core.source_health import CheckResult, record_results
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    FAQEntryFactory,
    TopicFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 3, 2, 12, 0, 0, 100000, tzinfo=dt.UTC), tick=False),
]

LIST = "/api/v1/articles/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    @contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


@pytest.fixture(autouse=True)
def clock_starts_now(committed):
    # The test database was migrated, and its first change dated, at a real time that may be
    # later than the frozen one.
    with committed():
        changes.record()


@pytest.fixture
def later(time_machine):
    """Move the clock on by ``seconds``."""

    def move(seconds=2.0):
        time_machine.shift(dt.timedelta(seconds=seconds))

    return move


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


@pytest.fixture
def empty_then_one(anonymous, committed, later):
    """The empty list with its validators, then the list with one article and its validators."""

    def run(**article):
        later()
        empty = anonymous.get(LIST)
        assert empty.status_code == 200 and slugs(empty) == []
        with committed():
            ArticleFactory(slug="added", **article)
        later()
        one = anonymous.get(LIST)
        assert slugs(one) == ["added"]
        return empty, one

    return run


def assert_full_answer_for_a_client_holding(anonymous, old, now_empty=True):
    by_date = anonymous.get(LIST, HTTP_IF_MODIFIED_SINCE=old["Last-Modified"])
    by_tag = anonymous.get(LIST, HTTP_IF_NONE_MATCH=old["ETag"])
    assert by_date.status_code == 200 and by_tag.status_code == 200
    if now_empty:
        assert slugs(by_date) == [] and slugs(by_tag) == []


# The scenario: an empty list, an item added, then removed ------------------------------


def test_a_client_holding_a_withdrawn_item_gets_the_list_without_it(
    anonymous, committed, later, empty_then_one
):
    empty, one = empty_then_one()

    with committed():
        services.withdraw(Article.objects.get(slug="added"))
    later()

    assert_full_answer_for_a_client_holding(anonymous, one)
    # The list is back to the first answer, byte for byte: that ETag rightly matches again.
    assert anonymous.get(LIST, HTTP_IF_NONE_MATCH=empty["ETag"]).status_code == 304


def test_a_client_holding_a_deleted_item_gets_the_list_without_it(
    anonymous, committed, later, empty_then_one
):
    empty, one = empty_then_one()

    with committed(), erasing():  # the record rule aside: a deletion must still move the clock
        Article.objects.get(slug="added").delete()
    later()

    assert_full_answer_for_a_client_holding(anonymous, one)


def test_a_client_holding_an_item_whose_withdraw_time_passed_gets_the_list_without_it(
    anonymous, later, empty_then_one
):
    empty, one = empty_then_one(withdraw_at=timezone.now() + dt.timedelta(seconds=10))

    later(10)  # No write: the withdraw time passes.

    assert_full_answer_for_a_client_holding(anonymous, one)


def test_last_modified_never_goes_back(anonymous, committed, later, empty_then_one):
    empty, one = empty_then_one()
    with committed(), erasing():  # the record rule aside: a deletion must still move the clock
        Article.objects.get(slug="added").delete()
    later()

    after = anonymous.get(LIST)

    dates = [parse_http_date(r["Last-Modified"]) for r in (empty, one, after)]
    assert dates[0] < dates[1] < dates[2]


# The same second -------------------------------------------------------------------------------


def test_no_last_modified_is_sent_in_the_second_of_the_latest_change(anonymous, committed):
    with committed():
        ArticleFactory(slug="added")  # 12:00:00.1, the second the request below starts in.

    response = anonymous.get(LIST)

    assert response.status_code == 200 and "ETag" in response
    assert "Last-Modified" not in response


def test_a_change_in_the_same_second_as_an_answer_is_not_hidden_by_if_modified_since(
    anonymous, committed, time_machine
):
    with committed():
        ArticleFactory(slug="first")
    time_machine.move_to(dt.datetime(2026, 3, 2, 12, 0, 1, 200000, tzinfo=dt.UTC), tick=False)
    first = anonymous.get(LIST)
    assert first["Last-Modified"] == "Mon, 02 Mar 2026 12:00:00 GMT"

    time_machine.move_to(dt.datetime(2026, 3, 2, 12, 0, 1, 600000, tzinfo=dt.UTC), tick=False)
    with committed():
        ArticleFactory(slug="second")
    # Whatever date the first answer could have carried, up to the second it was served in.
    served = http_date(dt.datetime(2026, 3, 2, 12, 0, 1, tzinfo=dt.UTC).timestamp())
    again = anonymous.get(LIST, HTTP_IF_MODIFIED_SINCE=served)
    a_second_later = anonymous.get(LIST, HTTP_IF_MODIFIED_SINCE=served)

    assert again.status_code == 200 and "second" in slugs(again)
    assert a_second_later.status_code == 200
    time_machine.move_to(dt.datetime(2026, 3, 2, 12, 0, 2, 100000, tzinfo=dt.UTC), tick=False)
    settled = anonymous.get(LIST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert settled.status_code == 200
    assert settled["Last-Modified"] == "Mon, 02 Mar 2026 12:00:01 GMT"


def test_a_committed_change_not_yet_dated_sends_no_last_modified(anonymous, committed, later):
    with committed():
        ArticleFactory(slug="first")
    later()
    dated = anonymous.get(LIST)

    ArticleFactory(slug="second")  # Visible to the test's own reads, not dated yet.
    later()
    pending = anonymous.get(LIST, HTTP_IF_MODIFIED_SINCE=dated["Last-Modified"])

    assert "Last-Modified" in dated
    assert pending.status_code == 200 and "Last-Modified" not in pending
    assert "second" in slugs(pending)


# The same from every worker --------------------------------------------------------------------


def test_two_workers_send_the_same_validators(anonymous, committed, later):
    with committed():
        ArticleFactory(slug="added")
    later()
    one = anonymous.get(LIST)

    # Another worker, later: nothing it could have kept in memory or in the cache survives.
    cache.clear()
    later(30)
    other = anonymous.get(LIST)

    assert (one["ETag"], one["Last-Modified"]) == (other["ETag"], other["Last-Modified"])
    assert anonymous.get(LIST, HTTP_IF_MODIFIED_SINCE=one["Last-Modified"]).status_code == 304


# Changes with no write -------------------------------------------------------------------------


def test_last_modified_moves_to_the_publish_time_when_an_item_goes_live_by_itself(
    anonymous, committed, later
):
    goes_live = timezone.now() + dt.timedelta(seconds=20)
    with committed():
        ArticleFactory(slug="scheduled", publish_at=goes_live)
    later()
    before = anonymous.get(LIST)

    later(20)  # No write: the publish time passes.
    after = anonymous.get(LIST, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])

    assert slugs(before) == [] and slugs(after) == ["scheduled"]
    assert after.status_code == 200
    assert parse_http_date(after["Last-Modified"]) == int(goes_live.timestamp())
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])


def test_a_drafts_times_do_not_move_the_date(anonymous, committed, later):
    with committed():
        ArticleFactory(
            slug="draft",
            status=Publishable.Status.DRAFT,
            publish_at=timezone.now() + dt.timedelta(seconds=5),
        )
    later()
    before = anonymous.get(LIST)
    later(10)

    assert anonymous.get(LIST)["Last-Modified"] == before["Last-Modified"]


# Every write readers can see moves the clock ---------------------------------------------------


def moves_the_clock(anonymous, committed, later, url, write):
    later()
    before = anonymous.get(url)
    with committed():
        write()
    later()
    after = anonymous.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    return after.status_code == 200 and after["Last-Modified"] != before["Last-Modified"]


def test_an_edited_source_moves_the_date_of_what_cites_it(anonymous, committed, later):
    with committed():
        article = ArticleFactory(slug="cites")
    source = article.citations.get().source

    def edit():
        source.publisher = "Another publisher"
        source.save()

    assert moves_the_clock(anonymous, committed, later, "/api/v1/articles/cites/", edit)


def test_a_topic_added_to_an_article_moves_the_date(anonymous, committed, later):
    with committed():
        article = ArticleFactory(slug="tagged")
        topic = TopicFactory()

    assert moves_the_clock(
        anonymous, committed, later, "/api/v1/articles/tagged/", lambda: article.topics.add(topic)
    )


def test_a_correction_moves_the_date(anonymous, committed, later):
    with committed():
        article = ArticleFactory(slug="corrected")

    assert moves_the_clock(
        anonymous,
        committed,
        later,
        "/api/v1/articles/corrected/",
        lambda: CorrectionFactory(article=article),
    )


def test_a_renamed_faq_group_moves_the_date(anonymous, committed, later):
    with committed():
        entry = FAQEntryFactory()

    def rename():
        entry.group.name = "Renamed"
        entry.group.save()

    assert moves_the_clock(anonymous, committed, later, "/api/v1/faq/", rename)


def test_the_link_checker_recording_a_check_moves_the_date(anonymous, committed, later):
    with committed():
        article = ArticleFactory(slug="cites")
    source = article.citations.get().source

    def check():
        # Same status as before: only last_checked_at changes, through QuerySet.update().
        record_results([CheckResult(source.pk, source.url, source.url_status, "unchanged")])

    assert moves_the_clock(anonymous, committed, later, "/api/v1/sources/", check)


def test_re_rendering_stored_html_moves_the_date(anonymous, committed, later):
    with committed():
        ArticleFactory(slug="rendered")
    Article.objects.filter(slug="rendered").update(body_html="<p>stale</p>")

    def render():
        call_command("render_markdown", stdout=io.StringIO())

    assert moves_the_clock(anonymous, committed, later, "/api/v1/articles/rendered/", render)


def test_history_and_workflow_records_and_the_clock_itself_are_not_watched():
    watched = {model._meta.label for model in changes.watched_models()}

    assert {"articles.Article", "articles.Correction", "core.Source", "timeline.Place"} <= watched
    assert {"core.WorkflowEvent", "core.ContentChange"}.isdisjoint(watched)
    assert not any(".Historical" in label for label in watched)


def test_one_transaction_records_one_change(committed):
    before = ContentChange.objects.count()
    with committed():
        ArticleFactory(citations=3)  # An item, three sources, three citations and a publish.

    assert ContentChange.objects.filter(at__isnull=True).count() == 0
    assert ContentChange.objects.count() == max(before, 1)


def test_reading_the_date_is_one_query(anonymous, committed, later, django_assert_num_queries):
    with committed():
        ArticleFactory()
        FAQEntryFactory()
    later()

    with django_assert_num_queries(1):
        assert changes.last_modified(started=timezone.now().timestamp()) is not None


# Pages, feeds and the sitemap ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/en/articles/", "/en/articles/feed.rss", "/sitemap.xml", "/sitemap-articles.xml"]
)
def test_pages_feeds_and_the_sitemap_answer_if_none_match_and_send_no_item_date(
    client, committed, later, url
):
    with committed():
        article = ArticleFactory(slug="listed", updated_at=timezone.now())
    later()
    first = client.get(url)
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    with committed():
        services.withdraw(article)
    later()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and "Last-Modified" not in first
    assert unchanged.status_code == 304
    assert changed.status_code == 200 and b"listed" not in changed.content


@pytest.mark.parametrize("url", ["/en/articles/feed.rss", "/sitemap.xml", "/sitemap-articles.xml"])
def test_the_feeds_and_sitemaps_item_dates_cannot_earn_a_304(client, committed, later, url):
    with committed():
        ArticleFactory(slug="listed")
    later()
    tomorrow = http_date((timezone.now() + dt.timedelta(days=1)).timestamp())

    assert client.get(url, HTTP_IF_MODIFIED_SINCE=tomorrow).status_code == 200
