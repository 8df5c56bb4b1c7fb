import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from karabakh_site.core.tokens import ApiToken


@pytest.fixture(autouse=True)
def fresh_cache():
    # The throttle's counters and the conditional-GET memory live in the cache; each test starts
    # with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anonymous():
    return APIClient()


def token_client(user) -> APIClient:
    client = APIClient()
    _, key = ApiToken.issue(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def as_contributor(contributor):
    return token_client(contributor)


@pytest.fixture
def as_editor(editor):
    return token_client(editor)
