"""What Django refuses before a view runs is a 400 with a clear message (JSON under /api/), never a
500 from the error page itself."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/healthz", "/", "/articles/", "/no-such-page/", "/admin/login/"])
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
