import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


@pytest.fixture
def contributor(db):
    user = UserFactory(username="contributor")
    user.groups.add(Group.objects.get(name="Contributors"))
    return user


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True)
