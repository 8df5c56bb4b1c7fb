"""Restoring a version restores its topics and related articles exactly, an empty set included;
only versions saved before link history existed leave the current links alone."""

import datetime

import pytest
from django.db.migrations.recorder import MigrationRecorder

from karabakh_site.core import history
from tests.factories import ArticleFactory, TimelineEntryFactory, TopicFactory

pytestmark = pytest.mark.django_db


def versions(obj):
    return list(obj.history.order_by("history_date", "history_id"))


def test_restoring_a_version_without_topics_clears_the_topics():
    entry = TimelineEntryFactory(title="Before the topics")
    without_topics = versions(entry)[-1]
    entry.topics.set([TopicFactory(name="Ceasefires")])

    assert history.restore_version(entry, without_topics)

    assert list(entry.topics.all()) == []
    assert versions(entry)[-1].history_change_reason.startswith("Restored the version of")


def test_restoring_a_version_without_related_articles_clears_them():
    entry = TimelineEntryFactory()
    without_related = versions(entry)[-1]
    entry.related_articles.set([ArticleFactory()])

    assert history.restore_version(entry, without_related)

    assert list(entry.related_articles.all()) == []


def test_a_version_from_before_link_history_leaves_the_current_links_alone():
    entry = TimelineEntryFactory()
    old_version = versions(entry)[-1]
    ceasefires = TopicFactory(name="Ceasefires")
    entry.topics.set([ceasefires])
    # As on a site whose versions predate the migration that began recording links.
    MigrationRecorder.Migration.objects.filter(app="timeline", name="0005_m2m_history").update(
        applied=old_version.history_date + datetime.timedelta(seconds=1)
    )

    history.restore_version(entry, old_version)

    assert list(entry.topics.all()) == [ceasefires]


def test_links_count_as_recorded_for_every_version_once_tracking_began():
    entry = TimelineEntryFactory()
    version = versions(entry)[-1]
    topics_field = entry._meta.get_field("topics")

    assert history.links_tracked_since(version, topics_field) is not None
    assert history.links_recorded(version, topics_field)
