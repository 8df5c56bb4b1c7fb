import importlib

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


def editorial_group(name: str) -> Group:
    """The group the data migration made. A transactional test flushes the database after
    itself, groups included, so one running later makes them again the migration's way."""
    if not Group.objects.filter(name=name).exists():
        from django.apps import apps

        migration = importlib.import_module("karabakh_site.core.migrations.0003_editorial_groups")
        migration.create_groups(apps, None)
        later = importlib.import_module("karabakh_site.core.migrations.0009_source_perspective")
        later.grant_permissions(apps, None)
        claims = importlib.import_module("karabakh_site.core.migrations.0011_claims_and_positions")
        claims.grant_permissions(apps, None)
        translations = importlib.import_module("karabakh_site.core.migrations.0012_translations")
        translations.grant_permissions(apps, None)
    return Group.objects.get(name=name)


def seed_perspectives() -> None:
    """The migration's perspectives, made again when a transactional test's flush took them."""
    from django.apps import apps

    migration = importlib.import_module("karabakh_site.core.migrations.0009_source_perspective")
    migration.seed_perspectives(apps, None)


@pytest.fixture
def perspectives(db):
    """The seeded perspectives, whatever ran before (a module uses it with usefixtures)."""
    seed_perspectives()


@pytest.fixture
def contributor(db):
    user = UserFactory(username="contributor")
    user.groups.add(editorial_group("Contributors"))
    return user


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(editorial_group("Editors"))
    return user


@pytest.fixture
def uncached(settings):
    """Pages and API reads built for every request (core.page_cache off), for query budgets:
    they count a page's own work, plus the one content-clock query every anonymous read makes
    (its Cache-Control ends by the next scheduled time). Kept answers have tests of their own
    (tests/site/test_page_cache.py)."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL features; on SQLite they are skipped."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config):
    # Tests run before any `collectstatic`; whitenoise then serves from the finders and warns
    # that STATIC_ROOT does not exist yet (see the Reader site block in settings.py).
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def english_between_tests():
    """Each test starts in English: a request to a /ru/ page leaves Russian active in the thread
    (LocaleMiddleware activates a language and nothing deactivates it after the response), which
    would make the next test's messages Russian."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
