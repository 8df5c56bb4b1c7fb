"""What Django refuses before a view runs is a 400 with a clear message (JSON under /api/), never a
500 from the error page itself."""

import json

import pytest
from django.urls import reverse

from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/healthz", "/en/", "/en/articles/", "/no-such-page/", "/admin/login/"]
)
def test_a_host_not_in_allowed_hosts_is_a_400_page(client, url):
    client.raise_request_exception = False

    response = client.get(url, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "does not answer for that host name" in response.text
    assert "evil.example" not in response.text


def test_a_host_not_in_allowed_hosts_is_a_json_400_under_the_api(client):
    client.raise_request_exception = False

    response = client.get("/api/v1/articles/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json() == {"detail": "This server does not answer for that host name."}


def test_an_api_body_over_the_upload_limit_is_a_413(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = token_client(editor).post(
        "/api/v1/articles/", json.dumps({"title": "x" * 2000}), content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the 1,000 bytes the API accepts."
    }


def test_an_admin_form_over_the_upload_limit_is_a_413_page(client, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(editor)
    client.raise_request_exception = False

    response = client.post(reverse("admin:articles_article_add"), {"title": "x" * 2000})

    assert response.status_code == 413
    assert "larger than this server accepts" in response.text


def test_json_nested_too_deeply_is_a_400(editor):
    response = token_client(editor).post(
        "/api/v1/articles/", "[" * 20_000 + "]" * 20_000, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested too deeply."}
