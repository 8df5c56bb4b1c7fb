"""Admin search that finds what an editor types: topics by name before description (the
autocomplete's order), sources by a URL still carrying tracking parameters, and timeline entries
by a place's Armenian, Azerbaijani or Russian name."""

import json

import pytest
from django.urls import reverse

from tests.factories import PlaceFactory, SourceFactory, TimelineEntryFactory, TopicFactory

pytestmark = pytest.mark.django_db


def autocomplete(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": term,
            "app_label": "timeline",
            "model_name": "timelineentry",
            "field_name": "topics",
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in json.loads(response.content)["results"]]


def test_the_topic_autocomplete_ranks_names_before_descriptions(client, editor):
    TopicFactory(
        name="First Nagorno-Karabakh War", slug="war-1", description="Fighting near Lachin."
    )
    TopicFactory(name="Blockade of Lachin", slug="blockade", description="")
    TopicFactory(name="Lachin corridor", slug="corridor", description="")
    TopicFactory(name="Lach", slug="lach", description="")
    TopicFactory(name="Kalachinsk", slug="kalachinsk", description="")
    client.force_login(editor)

    assert autocomplete(client, "lach") == [
        "Lach",
        "Lachin corridor",
        "Blockade of Lachin",
        "Kalachinsk",
        "First Nagorno-Karabakh War",
    ]


def test_a_source_is_found_by_its_url_with_tracking_parameters(client, editor):
    source = SourceFactory(title="The statement", url="https://example.org/news/7?id=3")
    SourceFactory(title="Another", url="https://example.org/news/8")
    client.force_login(editor)

    response = client.get(
        reverse("admin:core_source_changelist"),
        {"q": "http://www.example.org/news/7?id=3&utm_source=twitter&fbclid=abc#top"},
    )

    assert list(response.context["cl"].result_list) == [source]


def test_a_bad_url_in_the_source_search_is_no_error(client, editor):
    client.force_login(editor)
    response = client.get(
        reverse("admin:core_source_changelist"), {"q": "https://example.org:99999/x"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["Շուշի", "Şuşa", "Шуша"])
def test_timeline_entries_are_found_by_a_places_name_in_each_language(client, editor, name):
    place = PlaceFactory(name_en="Shusha", name_hy="Շուշի", name_az="Şuşa", name_ru="Шуша")
    entry = TimelineEntryFactory(title="Capture of the town", place=place)
    TimelineEntryFactory(title="Elsewhere")
    client.force_login(editor)

    response = client.get(reverse("admin:timeline_timelineentry_changelist"), {"q": name})

    assert [item.pk for item in response.context["cl"].result_list] == [entry.pk]
