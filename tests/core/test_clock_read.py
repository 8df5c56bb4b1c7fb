"""The content clock's one query (core.changes.read), as every anonymous request reads it: its
times, and on PostgreSQL the statement prepared once per connection."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from karabakh_site.core import changes
from karabakh_site.core.models import Publishable
from tests.factories import ArticleFactory, FAQEntryFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def test_the_clock_reads_the_newest_passed_and_the_soonest_coming_time_of_published_items():
    now = timezone.now()
    ArticleFactory(publish_at=now - 3 * HOUR)
    passed = TimelineEntryFactory(publish_at=now - 2 * HOUR).publish_at
    coming = FAQEntryFactory(publish_at=now + 5 * HOUR).publish_at
    withdrawing = ArticleFactory(publish_at=now - 4 * HOUR)
    withdrawing.withdraw_at = now + 2 * HOUR
    withdrawing.save()
    # A draft's times change nothing a reader sees.
    ArticleFactory(status=Publishable.Status.DRAFT, publish_at=now - HOUR / 2)

    reading = changes.read()

    assert reading.passed == passed
    assert reading.upcoming == withdrawing.withdraw_at < coming


def test_the_clock_sees_a_new_withdraw_time_and_its_passing(time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    article = ArticleFactory(publish_at=now - HOUR)
    assert changes.read().upcoming is None
    article.withdraw_at = now + HOUR
    article.save()
    # (Inside the test's transaction the change stays pending: nothing is kept meanwhile.)
    assert changes.read().pending
    assert changes.read().upcoming == article.withdraw_at

    time_machine.move_to(now + 2 * HOUR, tick=False)
    assert changes.read().passed == article.withdraw_at
    assert changes.read().upcoming is None


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: prepared statements")


def prepared_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.usefixtures("postgresql")
def test_on_postgresql_the_clock_is_prepared_once_per_connection(django_assert_num_queries):
    ArticleFactory()
    expected = changes.read()

    with django_assert_num_queries(1):  # EXECUTE only: prepared by the first read
        assert changes.read().passed == expected.passed
    assert prepared_here().count(changes.PREPARED_NAME) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql")
def test_preparing_is_not_one_of_the_queries_of_the_request_that_connects(
    django_assert_num_queries,
):
    connection.close()
    connection.ensure_connection()
    # A page's query budget holds whichever request is the first on a new connection.
    with django_assert_num_queries(1):
        changes.read()
    assert changes.PREPARED_NAME in prepared_here()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql")
def test_a_new_connection_prepares_it_again():
    first = changes.read()
    connection.close()  # gunicorn's workers reconnect after CONN_MAX_AGE, or a fault

    assert changes.read().key == first.key
    assert changes.PREPARED_NAME in prepared_here()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql")
def test_behind_a_pooler_the_clock_can_run_unprepared(settings):
    settings.DATABASE_PREPARED_CLOCK = False
    connection.close()

    reading = changes.read()

    assert reading.changed is not None
    assert changes.PREPARED_NAME not in prepared_here()
