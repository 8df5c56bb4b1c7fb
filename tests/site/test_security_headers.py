"""The security headers every response carries (CSP, Permissions-Policy, HSTS) and the settings
behind them (settings.py; the browser side is tests/browser/test_csp.py)."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, str]:
    return dict(
        (directive.strip().split(" ", 1) + [""])[:2]
        for directive in response["Content-Security-Policy"].split(";")
    )


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def scripts(html: str) -> list[dict]:
    parser = Scripts()
    parser.feed(html)
    return parser.scripts


@pytest.fixture
def pages(db, superuser):
    article = ArticleFactory(slug="shusha")
    return {
        "home": "/en/",
        "article": article.get_absolute_url(),
        "admin login": reverse("admin:login"),
        "api docs": reverse("api:docs"),
        "api redoc": reverse("api:redoc"),
        "api list": "/api/v1/articles/",
    }


def test_every_page_has_a_csp_with_no_inline_scripts_and_no_framing(client, pages):
    for name, url in pages.items():
        response = client.get(url)
        csp = policy(response)

        assert response.status_code == 200, name
        assert "'self'" in csp["script-src"], name
        assert "'unsafe-inline'" not in csp["script-src"], name
        assert "'unsafe-eval'" not in csp["script-src"], name
        assert csp["frame-ancestors"] == "'none'", name
        assert csp["object-src"] == "'none'", name
        assert response["X-Frame-Options"] == "DENY", name


def test_the_admin_change_form_has_the_csp(client, superuser):
    client.force_login(superuser)
    article = ArticleFactory()

    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert response.status_code == 200
    assert "'unsafe-inline'" not in policy(response)["script-src"]


def test_our_pages_run_no_inline_script_only_files_and_data(client, pages, superuser):
    client.force_login(superuser)
    pages["admin change form"] = reverse("admin:articles_article_add")
    for name, url in pages.items():
        for script in scripts(client.get(url).content.decode()):
            # A script is a file from this site, or data (JSON-LD, the admin's JSON), which CSP
            # does not run; an inline script would need the response's nonce.
            assert (
                script.get("src", "").startswith("/")
                or script.get("type") in ("application/ld+json", "application/json")
                or "nonce" in script
            ), (name, script)


def test_a_page_without_a_nonce_sends_the_same_header_and_body_each_time(client, pages):
    first, second = client.get(pages["article"]), client.get(pages["article"])

    assert "nonce-" not in first["Content-Security-Policy"]
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert first["ETag"] == second["ETag"]


def test_an_inline_script_with_the_request_nonce_is_allowed_by_that_responses_header(rf):
    from csp.middleware import CSPMiddleware

    template = engines["django"].from_string(
        '<script nonce="{{ request.csp_nonce }}">start()</script>'
    )
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda request: HttpResponse(template.render(request=request)))
    middleware.process_request(request)
    response = middleware.process_response(request, middleware.get_response(request))

    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]


def test_the_permissions_policy_denies_devices_and_sensors(client, db):
    header = client.get("/en/")["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in header.split(","))

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_hsts_with_subdomains_and_preload_on_https(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    secure = client.get("/healthz", secure=True)
    plain = client.get("/healthz")

    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in plain


def settings_in_a_new_process(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "karabakh_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_hsts_variables_are_read_from_the_environment():
    result = settings_in_a_new_process(
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)",
        DJANGO_HSTS_SECONDS="600",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="yes",
        DJANGO_HSTS_PRELOAD="on",
    )

    assert result.stdout.split() == ["600", "True", "True"], result.stderr


def test_the_admin_lives_at_django_admin_url():
    result = settings_in_a_new_process(
        "from django.urls import reverse; print(reverse('admin:index'))",
        DJANGO_ADMIN_URL="editorial-desk/",
    )

    assert result.stdout.strip() == "/editorial-desk/", result.stderr


@pytest.mark.parametrize(
    "value", ["/admin/", "admin", "../admin/", "ad min/", "admin/<script>/", "./"]
)
def test_a_malformed_admin_url_stops_start_up_with_a_clear_message(value):
    result = settings_in_a_new_process("pass", DJANGO_ADMIN_URL=value)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_ADMIN_URL must be a path" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_NUM_PROXIES", "-1"),
        ("DJANGO_LOGIN_FAILURE_LIMIT", "0"),
        ("DJANGO_HSTS_PRELOAD", "maybe"),
        ("DJANGO_HSTS_SECONDS", "a year"),
    ],
)
def test_a_bad_security_variable_stops_start_up_naming_it(name, value):
    result = settings_in_a_new_process("pass", **{name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name}" in result.stderr
