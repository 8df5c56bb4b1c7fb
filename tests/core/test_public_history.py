"""Readers' history pages (core.public_history): the versions readers could see, with what changed
between them; never a draft, a review, a scheduled version replaced before it went live, a
revision in progress or the newsroom's fields."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from karabakh_site.core import public_history, revisions, services
from karabakh_site.core.models import Publishable
from tests.factories import ArticleFactory, FAQEntryFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db

Status = Publishable.Status


def edit(item, by=None, **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    services.write_item(item, by=by)


def history_page(item) -> str:
    response = Client().get(item.get_history_url())
    assert response.status_code == 200
    return response.content.decode()


def test_each_published_version_with_its_word_diff_newest_first(editor):
    article = ArticleFactory(status=Status.DRAFT, body="Secret draft wording.[^1]")
    edit(article, editor, body="The first public text.[^1]")
    services.publish(article, by=editor)
    edit(article, editor, body="The second public text.[^1]")
    citation = article.citations.get()
    citation.quote = "A quote readers saw later."
    services.write_item(article, citations=[citation], by=editor)

    versions = public_history.public_versions(article)
    assert [v.number for v in versions] == [1, 2, 3]
    page = history_page(article)
    assert page.index("Version 3") < page.index("Version 2") < page.index("Version 1")
    assert '<del><span class="diff-sr">[removed: </span>first' in page
    assert "A quote readers saw later." in page
    assert "Secret draft wording" not in page


def test_the_newsrooms_fields_and_comments_never_show(editor, contributor):
    article = ArticleFactory(status=Status.DRAFT)
    services.submit_for_review(article, by=contributor)
    services.return_for_changes(article, comment="Internal: the desk doubts this.", by=editor)
    services.submit_for_review(article, by=contributor)
    services.publish(article, by=editor)
    page = history_page(article)
    assert "the desk doubts this" not in page
    assert "editor" not in page.split("<main", 1)[1].lower().replace("editorial-diff", "")
    assert len(public_history.public_versions(article)) == 1


def test_a_revision_in_progress_is_not_history_until_published(editor, contributor):
    article = ArticleFactory(standfirst="Live.")
    revision = revisions.start_revision(article, by=contributor)
    edit(revision, contributor, standfirst="Proposed wording.")
    assert "Proposed wording." not in history_page(article)
    services.publish(revision, by=editor)
    page = history_page(article)
    assert "[added: </span>Proposed wording" in page and "Version 2" in page


def test_a_scheduled_item_has_no_public_history_until_it_goes_live(editor):
    later = timezone.now() + datetime.timedelta(days=2)
    entry = TimelineEntryFactory(status=Status.DRAFT, summary="Before.[^1]")
    services.publish(entry, by=editor, at=later)
    # Replaced before it went live: readers never saw "Before.".
    edit(entry, editor, summary="What went live.[^1]")
    assert Client().get(entry.get_history_url()).status_code == 404
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        versions = public_history.public_versions(entry)
        assert len(versions) == 1
        page = history_page(entry)
    assert "Before." not in page


def test_withdrawn_and_unpublished_items_have_no_history_page(editor):
    withdrawn = FAQEntryFactory()
    services.withdraw(withdrawn, by=editor)
    draft = ArticleFactory(status=Status.DRAFT)
    for item in (withdrawn, draft):
        assert Client().get(item.get_history_url()).status_code == 404


def test_item_pages_link_their_history():
    article = ArticleFactory()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert f'href="{article.get_history_url()}"' in page


def test_the_api_serves_the_same_history(editor):
    article = ArticleFactory(status=Status.DRAFT, body="Secret draft wording.[^1]")
    services.publish(article, by=editor)
    edit(article, editor, body="The public text.[^1]")
    response = Client().get(f"/api/v1/articles/{article.slug}/history/")
    assert response.status_code == 200
    versions = response.json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["changes"][0]["field"] == "body"
    assert "The public text." in versions[0]["changes"][0]["after"]
    assert versions[1]["changes"] == []
    draft = ArticleFactory(status=Status.DRAFT)
    assert Client().get(f"/api/v1/articles/{draft.slug}/history/").status_code == 404


def test_a_correction_links_the_version_of_its_day(editor):
    from tests.factories import CorrectionFactory

    article = ArticleFactory(body="The first text.[^1]")
    edit(article, editor, body="The corrected text.[^1]")
    today = timezone.localdate()
    CorrectionFactory(article=article, date=today)
    anchor = f"on-{today:%Y-%m-%d}"
    page = Client().get(article.get_absolute_url()).content.decode()
    assert f'href="{article.get_history_url()}#{anchor}"' in page
    history = history_page(article)
    assert history.count(f'id="{anchor}"') == 1
    assert history.index(f'id="{anchor}"') < history.index("Version 1")


def test_links_to_unpublished_items_are_never_named(editor):
    from tests.factories import ArticleFactory as Articles

    secret = Articles(status=Status.DRAFT, title="SECRET DRAFT TITLE")
    shown = Articles(title="A published article")
    entry = FAQEntryFactory()
    services.write_item(entry, relations={"related_articles": [secret, shown]}, by=editor)
    page = history_page(entry)
    api = Client().get(f"/api/v1/faq/{entry.slug}/history/").content.decode()
    assert "A published article" in page and "A published article" in api
    assert "SECRET DRAFT TITLE" not in page and "SECRET DRAFT TITLE" not in api


def test_the_history_page_runs_the_same_queries_however_many_versions(client):
    counts = []
    for versions in (2, 8):
        article = ArticleFactory(citations=3)
        for n in range(versions):
            article.standfirst = f"Version {n} of the standfirst."
            services.write_item(article)
        assert len(public_history.public_versions(article)) == versions + 1
        with CaptureQueriesContext(connection) as queries:
            response = client.get(article.get_history_url())
        html = response.content.decode()
        assert html.count('<li id="version-') == versions + 1 and "(current)" in html
        counts.append(len(queries.captured_queries))
    # Every version's links, citations and sources are read at once (history.preload_versions).
    assert counts[0] == counts[1]
