"""Every editorial admin page renders for an editor, and lists cost the same number of queries
however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ArticleFactory, FAQEntryFactory, SourceFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db

FACTORIES = {
    "articles_article": ArticleFactory,
    "faq_faqentry": FAQEntryFactory,
    "timeline_timelineentry": TimelineEntryFactory,
    "core_source": SourceFactory,
}


@pytest.mark.parametrize("name", FACTORIES)
def test_the_change_history_and_compare_pages_render(client, editor, name):
    obj = FACTORIES[name]()
    client.force_login(editor)
    for suffix in ("change", "history", "history_compare"):
        response = client.get(reverse(f"admin:{name}_{suffix}", args=[obj.pk]))
        assert response.status_code == 200, (suffix, response.content.decode()[:500])
    first = obj.history.order_by("history_id").first()
    view = client.get(reverse(f"admin:{name}_simple_history", args=[obj.pk, first.history_id]))
    assert view.status_code == 200


@pytest.mark.parametrize("name", ["faq_faqentry", "timeline_timelineentry", "core_source"])
def test_the_import_page_and_changelist_links_render(client, editor, name):
    FACTORIES[name]()
    client.force_login(editor)
    changelist = client.get(reverse(f"admin:{name}_changelist")).content.decode()
    assert reverse(f"admin:{name}_import") in changelist
    assert f"{reverse(f'admin:{name}_export')}?format=csv" in changelist
    assert client.get(reverse(f"admin:{name}_import")).status_code == 200


@pytest.mark.parametrize("name", FACTORIES)
def test_a_changelist_costs_the_same_queries_for_one_row_or_three(client, editor, name):
    client.force_login(editor)
    url = reverse(f"admin:{name}_changelist")
    FACTORIES[name]()
    client.get(url)  # Warm caches (content types, permissions).
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    FACTORIES[name].create_batch(2)
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three) == len(one)


def test_the_admin_index_queue_costs_one_query_per_content_type(client, editor):
    client.force_login(editor)
    ArticleFactory(status="review")
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("admin:index"))
    ArticleFactory.create_batch(3, status="review")
    TimelineEntryFactory.create_batch(2, status="review")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("admin:index")).content.decode()
    assert len(many) == len(few)
    assert page.count("/change/") >= 6
