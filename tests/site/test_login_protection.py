"""Login protection on the admin (django-axes, configured in settings.py): failures counted per
username and address, a lockout page, the unlock command, and the address behind proxies."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
OFFICE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Dozens of logins per test: the production hasher's cost would only slow the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor_login(db):
    return UserFactory(username="editor-login")


def log_in(client, password, *, username="editor-login", address=OFFICE, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, times, **kwargs):
    for _ in range(times):
        response = log_in(client, "wrong password", **kwargs)
        assert response.status_code in (200, 429)
    return response


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_the_right_password_after_fewer_failures_than_the_limit_logs_in(client, editor_login):
    fail(client, 4)

    assert logged_in(log_in(client, PASSWORD))


def test_five_failures_lock_the_user_out_from_that_address_even_with_the_right_password(
    client, editor_login
):
    fail(client, 5)
    response = log_in(client, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_says_how_long_and_whom_to_ask(client, editor_login):
    fail(client, 5)
    response = log_in(client, PASSWORD)
    html = response.content.decode()

    assert response["Retry-After"] == "900"
    assert response["Content-Type"].startswith("text/html")
    assert "paused for 15 minutes" in html
    assert "ask an administrator to unlock" in html
    assert "axes_reset_username" in html
    assert "editor-login" in html
    # The admin's own page, with a way back to the login form.
    assert 'id="site-name"' in html
    assert f'href="{reverse("admin:login")}"' in html


def test_the_sixth_attempt_is_refused_before_any_password_is_checked(client, editor_login):
    fail(client, 5)

    response = log_in(client, "wrong password")

    assert response.status_code == 429


def test_the_same_user_from_another_address_is_not_locked(client, editor_login):
    fail(client, 5)

    assert logged_in(log_in(client, PASSWORD, address=ELSEWHERE))


def test_another_user_from_the_same_address_is_not_locked(client, editor_login):
    UserFactory(username="colleague")
    fail(client, 5)

    assert logged_in(log_in(client, PASSWORD, username="colleague"))


def test_a_successful_login_starts_the_count_again(client, editor_login):
    fail(client, 4)
    assert logged_in(log_in(client, PASSWORD))
    client.logout()

    fail(client, 4)

    assert logged_in(log_in(client, PASSWORD))


def test_the_lock_lifts_after_the_cool_off(client, editor_login, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC), tick=False)
    fail(client, 5)

    time_machine.move_to(dt.datetime(2026, 3, 2, 12, 14, tzinfo=dt.UTC), tick=False)
    assert log_in(client, PASSWORD).status_code == 429

    # That refused attempt counts as the last one: the pause runs 15 minutes from it.
    time_machine.move_to(dt.datetime(2026, 3, 2, 12, 30, tzinfo=dt.UTC), tick=False)
    assert logged_in(log_in(client, PASSWORD))


def test_the_unlock_command_lets_the_user_in_again(client, editor_login, capsys):
    fail(client, 5)
    assert log_in(client, PASSWORD).status_code == 429

    call_command("axes_reset_username", "editor-login")

    assert logged_in(log_in(client, PASSWORD))


def test_a_spoofed_x_forwarded_for_does_not_change_the_counted_address(client, editor_login):
    # No proxy is configured (DJANGO_NUM_PROXIES=0): the header is the client's own invention.
    for number in range(5):
        log_in(client, "wrong password", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}


def test_behind_a_configured_proxy_the_address_it_forwards_counts(client, editor_login, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.2"
    fail(client, 5, address=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.50, {OFFICE}")

    locked = log_in(client, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    other = log_in(client, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert locked.status_code == 429
    assert logged_in(other)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}


def test_tests_can_still_log_in_with_force_login(client, editor_login):
    client.force_login(editor_login)

    assert client.get(reverse("admin:index")).status_code == 200
