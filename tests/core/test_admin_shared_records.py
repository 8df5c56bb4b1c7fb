"""Sources and places that readers already see change only through an editor: a contributor
gets the read-only view of them in the admin and cannot save or delete them."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, PlaceFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db


def source_data(source, **changes):
    data = {
        "title": source.title,
        "url": source.url,
        "publisher": source.publisher,
        "author": source.author,
        "published_date": f"{source.published_date:%Y-%m-%d}",
        "language": source.language,
        "kind": source.kind,
        "archived_url": source.archived_url,
        "archived_date": "",
        "last_verified": "",
        "url_status": source.url_status,
        "notes": source.notes,
    }
    data.update(changes)
    return data


def place_data(place, **changes):
    data = {
        field: getattr(place, field)
        for field in ["slug", "name_en", "name_en_alt", "name_hy", "name_az", "name_ru"]
    }
    data.update(changes)
    return data


def published_source():
    return ArticleFactory().citations.get().source


def draft_source():
    return ArticleFactory(status=Article.Status.DRAFT).citations.get().source


def test_a_contributor_cannot_change_a_source_cited_by_a_published_item(client, contributor):
    source = published_source()
    client.force_login(contributor)
    url = reverse("admin:core_source_change", args=[source.pk])

    page = client.get(url)
    saved = client.post(url, source_data(source, title="Rewritten by a contributor"))

    assert page.status_code in (200, 403)
    assert 'name="title"' not in page.content.decode()
    assert saved.status_code == 403
    source.refresh_from_db()
    assert source.title != "Rewritten by a contributor"


def test_a_contributor_cannot_delete_a_source_cited_by_a_published_item(client, contributor):
    source = published_source()
    client.force_login(contributor)

    response = client.post(reverse("admin:core_source_delete", args=[source.pk]), {"post": "yes"})

    assert response.status_code == 403


def test_a_contributor_still_edits_a_source_cited_only_by_drafts(client, contributor):
    source = draft_source()
    client.force_login(contributor)
    url = reverse("admin:core_source_change", args=[source.pk])

    assert 'name="title"' in client.get(url).content.decode()
    saved = client.post(url, source_data(source, title="Corrected title"))

    assert saved.status_code == 302
    source.refresh_from_db()
    assert source.title == "Corrected title"


def test_an_editor_changes_a_source_cited_by_a_published_item(client, editor):
    source = published_source()
    client.force_login(editor)

    saved = client.post(
        reverse("admin:core_source_change", args=[source.pk]),
        source_data(source, title="Corrected by an editor"),
    )

    assert saved.status_code == 302
    source.refresh_from_db()
    assert source.title == "Corrected by an editor"


def test_a_contributor_cannot_change_or_delete_a_place_of_a_published_entry(client, contributor):
    place = TimelineEntryFactory(place=PlaceFactory()).place
    client.force_login(contributor)

    saved = client.post(
        reverse("admin:timeline_place_change", args=[place.pk]),
        place_data(place, name_en="Renamed"),
    )
    deleted = client.post(reverse("admin:timeline_place_delete", args=[place.pk]), {"post": "yes"})

    assert saved.status_code == 403
    assert deleted.status_code == 403
    place.refresh_from_db()
    assert place.name_en == "Shusha"


def test_a_contributor_edits_a_place_used_only_by_drafts(client, contributor):
    place = TimelineEntryFactory(place=PlaceFactory(), status=Article.Status.DRAFT).place
    client.force_login(contributor)

    saved = client.post(
        reverse("admin:timeline_place_change", args=[place.pk]),
        place_data(place, name_en_alt="Shushi (hy)"),
    )

    assert saved.status_code == 302
    place.refresh_from_db()
    assert place.name_en_alt == "Shushi (hy)"


def test_an_editor_changes_a_place_of_a_published_entry(client, editor):
    place = TimelineEntryFactory(place=PlaceFactory()).place
    client.force_login(editor)

    saved = client.post(
        reverse("admin:timeline_place_change", args=[place.pk]),
        place_data(place, name_en_alt="Shushi (hy)"),
    )

    assert saved.status_code == 302
    place.refresh_from_db()
    assert place.name_en_alt == "Shushi (hy)"
