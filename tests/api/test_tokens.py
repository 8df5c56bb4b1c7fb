"""API tokens: stored as a digest, shown once, expiring and revocable, one query to check, and the
keys of DRF's old plain-text tokens migrated so their clients keep working."""

import hashlib
import importlib
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from karabakh_site.core.models import Publishable
from karabakh_site.core.tokens import ApiToken, ApiTokenAuthentication
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

DRAFT = "/api/v1/articles/draft/"


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def draft():
    return ArticleFactory(slug="draft", status=Publishable.Status.DRAFT)


def test_only_a_digest_and_a_short_prefix_of_the_key_are_stored(editor):
    token, key = ApiToken.issue(user=editor, name="newsroom")

    token.refresh_from_db()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8] and len(key) == 40
    stored = [str(getattr(token, field.attname)) for field in ApiToken._meta.concrete_fields]
    assert not any(key in value for value in stored)


def test_a_token_acts_with_its_users_permissions(editor, draft):
    _, key = ApiToken.issue(user=editor)

    assert client_with(key).get(DRAFT).json()["status"] == "draft"


def test_an_expired_token_is_a_401_that_says_it_expired(editor, draft):
    token, key = ApiToken.issue(user=editor, expires_in=timedelta(days=1))
    assert client_with(key).get(DRAFT).status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = client_with(key).get(DRAFT)

    assert response.status_code == 401
    assert response.json()["detail"].startswith(
        f"This token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC"
    )
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_revoked_token_is_a_401_that_says_it_was_revoked(editor, draft):
    token, key = ApiToken.issue(user=editor)

    token.revoke()
    response = client_with(key).get(DRAFT)

    assert response.status_code == 401
    assert response.json()["detail"].startswith("This token was revoked on")
    assert not ApiToken.objects.active().exists()


def test_a_token_of_an_inactive_user_is_a_401(editor, draft):
    _, key = ApiToken.issue(user=editor)
    editor.is_active = False
    editor.save()

    assert client_with(key).get(DRAFT).status_code == 401


def test_a_key_that_shares_only_the_prefix_is_refused(editor, draft):
    _, key = ApiToken.issue(user=editor)
    forged = key[:8] + "0" * 32 if key[8:] != "0" * 32 else key[:8] + "1" * 32

    response = client_with(forged).get(DRAFT)

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_tokens_sharing_a_prefix_each_find_their_own_user(editor, contributor):
    first, first_key = ApiToken.issue(user=editor)
    second_key = first_key[:8] + "f" * 32
    ApiToken.objects.create(user=contributor, **ApiToken.stored_fields(second_key))

    assert ApiTokenAuthentication().authenticate_credentials(first_key)[0] == editor
    assert ApiTokenAuthentication().authenticate_credentials(second_key)[0] == contributor


def test_checking_a_token_is_one_query_once_its_last_use_is_recent(
    editor, django_assert_num_queries
):
    token, key = ApiToken.issue(user=editor)
    with django_assert_num_queries(2):  # the lookup, and last_used_at written on first use
        ApiTokenAuthentication().authenticate_credentials(key)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    with django_assert_num_queries(1):
        user, _ = ApiTokenAuthentication().authenticate_credentials(key)

    assert user == editor
    token.refresh_from_db()
    assert token.last_used_at == first_use
    with time_machine.travel(first_use + timedelta(minutes=6)):
        ApiTokenAuthentication().authenticate_credentials(key)
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_create_api_token_prints_the_key_once_and_stores_its_digest(editor):
    out, err = StringIO(), StringIO()

    call_command(
        "create_api_token", "editor", "--name", "ci", "--expires-in", "30", stdout=out, stderr=err
    )

    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert (token.user, token.name) == (editor, "ci")
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert key not in err.getvalue() and "only time the key is shown" in err.getvalue()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["nobody"], "No user 'nobody'."),
        (["editor", "--expires-in", "0"], "from 1 to 36500"),
        (["editor", "--expires-in", "999999999"], "from 1 to 36500"),
        (["editor", "--name", "x" * 101], "longer than 100"),
    ],
)
def test_create_api_token_refuses_bad_arguments_clearly(editor, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *arguments, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_the_migration_hashes_drf_tokens_so_their_clients_keep_working(editor, draft):
    # DRF's authtoken is no longer installed; its table, as an upgraded database still has it.
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
            "user_id integer NOT NULL, created timestamp with time zone NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [old_key, editor.pk, timezone.now() - timedelta(days=400)],
        )
    migration = importlib.import_module("karabakh_site.core.migrations.0007_api_token")

    # The function reads only the schema editor's connection (SQLite refuses a real schema
    # editor inside the test's transaction).
    migration.copy_drf_tokens(apps, SimpleNamespace(connection=connection))

    assert client_with(old_key).get(DRAFT).json()["status"] == "draft"
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.expires_at) == (editor, "migrated DRF token", None)
    assert token.created_at < timezone.now() - timedelta(days=399)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # the plain-text keys are gone


def test_the_migration_does_nothing_on_a_database_that_never_had_drf_tokens():
    migration = importlib.import_module("karabakh_site.core.migrations.0007_api_token")

    # The function reads only the schema editor's connection (SQLite refuses a real schema
    # editor inside the test's transaction).
    migration.copy_drf_tokens(apps, SimpleNamespace(connection=connection))

    assert not ApiToken.objects.exists()


def test_the_schema_still_documents_token_authentication(anonymous):
    schema = anonymous.get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json")

    assert schema.status_code == 200
    assert "tokenAuth" in schema.content.decode()


# The admin -------------------------------------------------------------------------------------


def test_the_admin_list_shows_prefix_owner_and_dates_never_the_key(client, superuser, editor):
    token, key = ApiToken.issue(user=editor, name="newsroom")
    client.force_login(superuser)

    listing = client.get(reverse("admin:core_apitoken_changelist")).content.decode()
    page = client.get(reverse("admin:core_apitoken_change", args=[token.pk])).content.decode()

    assert token.prefix in listing and "newsroom" in listing and "editor" in listing
    assert key not in listing and key not in page
    assert token.digest not in listing and token.digest not in page


def test_the_admin_shows_a_new_key_once_on_a_page_that_is_not_cached(client, superuser, editor):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:core_apitoken_add"),
        {"user": editor.pk, "name": "newsroom", "expires_at_0": "", "expires_at_1": ""},
    )

    assert response.status_code == 200
    token = ApiToken.objects.get()
    key = response.context["key"]
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key in response.content.decode() and "shown only once" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert key not in client.get(reverse("admin:core_apitoken_changelist")).content.decode()
    assert client_with(key).get("/api/v1/articles/").status_code == 200


def test_the_admin_revokes_tokens_and_keeps_them_on_record(client, superuser, editor):
    token, key = ApiToken.issue(user=editor)
    client.force_login(superuser)

    client.post(
        reverse("admin:core_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_with(key).get("/api/v1/articles/").status_code == 401


def test_staff_who_are_not_superusers_cannot_reach_tokens(client, editor):
    editor.is_staff = True
    editor.save()
    client.force_login(editor)

    assert client.get(reverse("admin:core_apitoken_changelist")).status_code == 403
    assert client.get(reverse("admin:core_apitoken_add")).status_code == 403
