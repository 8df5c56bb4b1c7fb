"""Bad input is a 4xx with a clear message, JSON under /api/ and a page elsewhere, never a 500:
NUL characters (PostgreSQL refuses them in any string), wrong methods, malformed JSON and wrong
content types."""

import json

import pytest
from django.urls import reverse

from tests.api.conftest import token_client
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "The request contains a NUL character (%00), which the archive does not accept."


# NUL characters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=%00",
        "q=%00",
        "q=a%00b",
        "publish_at__year=%00",
        "publish_at__year=2024&publish_at__month=%00",
        "publish_at__gte=%00",
        "%00=1",
        "o=%00",
    ],
)
def test_a_nul_in_an_admin_changelist_query_is_a_400_page(client, editor, query):
    ArticleFactory()
    client.force_login(editor)
    client.raise_request_exception = False

    response = client.get(reverse("admin:articles_article_changelist") + "?" + query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert NUL_MESSAGE.replace("%00", "") in response.text.replace("%00", "")


@pytest.mark.parametrize(
    "url",
    [
        "/en/articles/?q=%00",
        "/en/articles/?topic=%00",
        "/en/timeline/?category=%00",
        "/en/search/?q=%00",
        "/en/sources/?q=%00",
        "/en/articles/%00/",
    ],
)
def test_a_nul_anywhere_in_a_page_address_is_a_400_page(client, url):
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "url", ["/api/v1/articles/?q=%00", "/api/v1/sources/?ordering=%00", "/api/v1/search/?q=%00"]
)
def test_a_nul_in_an_api_query_is_a_json_400(anonymous, url):
    response = anonymous.get(url)

    assert response.status_code == 400
    assert response.json() == {"detail": NUL_MESSAGE}


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_nul_in_a_posted_login_form_is_a_400_page(client, editor, field):
    # The login protection records a failed attempt's username: a NUL reached PostgreSQL there.
    client.raise_request_exception = False
    data = {"username": "editor", "password": "wrong", field: "a\x00b"}

    response = client.post(reverse("admin:login"), data)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_nul_in_a_posted_admin_form_is_a_400_page(client, editor):
    client.force_login(editor)
    client.raise_request_exception = False

    response = client.post(reverse("admin:articles_article_add"), {"title": "a\x00b"})

    assert response.status_code == 400


def test_a_nul_in_a_json_string_is_a_400_on_that_field(editor):
    response = token_client(editor).post(
        "/api/v1/sources/",
        {"title": "a\x00b", "document_url": "https://example.org/a", "publisher": "P"},
        format="json",
    )

    assert response.status_code == 400
    assert "title" in response.json()


# Methods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, url, allowed",
    [
        ("put", "/api/v1/articles/", {"GET", "POST"}),
        ("delete", "/api/v1/sources/", {"GET", "POST"}),
        ("post", "/api/v1/search/?q=x", {"GET"}),
        ("patch", "/api/v1/", {"GET"}),
    ],
)
def test_a_wrong_method_under_the_api_is_a_json_405_with_allow(editor, method, url, allowed):
    response = getattr(token_client(editor), method)(url)

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith(f'Method "{method.upper()}" not allowed')
    assert allowed <= {each.strip() for each in response["Allow"].split(",")}


@pytest.mark.parametrize(
    "url", ["/en/", "/en/articles/", "/en/faq/", "/en/timeline/", "/en/sources/", "/healthz"]
)
def test_a_post_to_a_reader_page_is_a_405_page(client, url):
    client.raise_request_exception = False

    response = client.post(url, {"a": "b"})

    assert response.status_code == 405
    assert "GET" in response["Allow"]


def test_a_post_to_an_article_page_is_a_405(client):
    article = ArticleFactory()
    client.raise_request_exception = False

    response = client.post(article.get_absolute_url())

    assert response.status_code == 405


# Malformed JSON and content types ----------------------------------------------------------------


@pytest.mark.parametrize("body", ['{"title": ', "{'title': 1}", "[1, 2", "\x00", "nul"])
def test_malformed_json_is_a_400_that_says_so(editor, body):
    response = token_client(editor).post("/api/v1/articles/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_json_that_is_not_utf8_is_a_400(editor):
    response = token_client(editor).post(
        "/api/v1/sources/", b'{"title": "\xff"}', content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_json_body_that_is_not_an_object_is_a_400(editor):
    response = token_client(editor).post(
        "/api/v1/sources/", json.dumps([1, 2]), content_type="application/json"
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
    ],
)
def test_a_wrong_content_type_under_the_api_is_a_json_415(editor, content_type):
    response = token_client(editor).post("/api/v1/sources/", "title=x", content_type=content_type)

    assert response.status_code == 415
    assert response.json()["detail"].startswith("Unsupported media type")


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/sources/", {"title": "T", "document_url": "https://example.org/t",
                              "publisher": "P", "perspective": ""}),
        ("/api/v1/timeline/", {"title": "T", "slug": "t", "date": "2020-01-01", "summary": "S",
                               "category": "political", "place": ""}),
    ],
)  # fmt: skip
def test_an_empty_string_for_a_related_record_is_a_400_not_none(editor, path, body):
    # Found by schemathesis: the schema says a slug or null, and "" was taken as null.
    response = token_client(editor).post(path, body, format="json")
    assert response.status_code == 400
    field = "perspective" if "perspective" in body else "place"
    assert "not a slug" in json.dumps(response.json()[field])
