"""The archive's admin site: branded, with the editorial guide for staff, and every admin
registered on it (the site is built before the core admin package registers Source and Topic)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from karabakh_site.core.models import Source, Topic

pytestmark = pytest.mark.django_db


def test_every_core_admin_is_registered_on_the_archive_site():
    assert admin.site._wrapped.__class__.__name__ == "ArchiveAdminSite"
    assert {Source, Topic} <= set(admin.site._registry)


def test_the_admin_is_branded_karabakh_archive(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Karabakh Archive" in page
    assert "Django administration" not in page


def test_the_editorial_guide_is_shown_to_staff_and_linked_from_the_forms(client, editor):
    client.force_login(editor)
    guide = client.get(reverse("admin:editorial_guide"))
    assert guide.status_code == 200
    assert "<h1>Editorial workflow</h1>" in guide.content.decode() or "Review workflow" in (
        guide.content.decode()
    )
    add_form = client.get(reverse("admin:articles_article_add")).content.decode()
    assert reverse("admin:editorial_guide") in add_form


def test_the_editorial_guide_is_not_public(client):
    response = client.get(reverse("admin:editorial_guide"))
    assert response.status_code == 302
    assert "login" in response["Location"]
