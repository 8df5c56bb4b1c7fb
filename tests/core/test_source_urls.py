"""Source URLs are stored percent-encoded, so every one is a valid RFC 3986 URI: what the API
serves matches its own ``format: uri`` schema (checked here with jsonschema-rs, the validator
schemathesis uses), whatever a channel was given."""

import importlib
from io import StringIO

import jsonschema_rs
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from karabakh_site.core.models import Source
from tests.api.conftest import token_client
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

URI = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)

# Given -> stored.
URLS = {
    "https://example.org/a report": "https://example.org/a%20report",
    'https://example.org/"quoted"<b>': "https://example.org/%22quoted%22%3Cb%3E",
    "https://example.org/a|b^c`d{e}": "https://example.org/a%7Cb%5Ec%60d%7Be%7D",
    "https://example.org/café": "https://example.org/caf%C3%A9",
    "https://example.org/caf%c3%a9": "https://example.org/caf%C3%A9",
    "https://example.org/100%": "https://example.org/100%25",
    "https://example.org/Ղարաբաղ?q=ёж": (
        "https://example.org/%D5%82%D5%A1%D6%80%D5%A1%D5%A2%D5%A1%D5%B2?q=%D1%91%D0%B6"
    ),
    "https://Bücher.Example/x": "https://xn--bcher-kva.example/x",
    "https://президент.рф/news": "https://xn--d1abbgf6aiiy.xn--p1ai/news",
    "https://user:secret@example.org/x": "https://example.org/x",
}


@pytest.mark.parametrize("given, stored", URLS.items())
def test_a_source_url_is_stored_percent_encoded_as_a_valid_uri(given, stored):
    source = SourceFactory(url=given)

    source.refresh_from_db()
    assert source.url == stored
    assert URI.is_valid(source.url)


@pytest.mark.parametrize("given", [url for url in URLS if "%" not in url and "@" not in url])
def test_the_checker_refuses_the_unencoded_spellings(given):
    # So the checks above can fail: stored as given, these broke the API's format: uri.
    assert not URI.is_valid(given)


@pytest.mark.parametrize("given, stored", URLS.items())
def test_an_archived_copy_url_is_stored_encoded_with_its_query_and_fragment(given, stored):
    source = SourceFactory(archived_url=given + "?utm_source=x#page-2")

    source.refresh_from_db()
    assert URI.is_valid(source.archived_url)
    # Its query stays whole: an archive's address names the copy exactly.
    assert source.archived_url.endswith("utm_source=x#page-2")


def test_an_archive_address_that_embeds_the_original_keeps_it():
    source = SourceFactory(archived_url="https://web.archive.org/web/2020/https://example.org/a b")

    source.refresh_from_db()
    assert source.archived_url == "https://web.archive.org/web/2020/https://example.org/a%20b"


def test_an_encoded_and_an_unencoded_spelling_are_the_same_document():
    first = SourceFactory(url="https://example.org/café")

    second = Source(title="Again", url="https://www.example.org/caf%C3%A9/", publisher="P")
    with pytest.raises(ValidationError, match=f"source #{first.pk}"):
        second.full_clean()


@pytest.mark.parametrize("field", ["url", "archived_url"])
def test_a_host_name_idna_refuses_is_a_validation_error(field):
    source = Source(title="T", url="https://example.org/x", publisher="P")
    setattr(source, field, "https://☃.example/x")

    with pytest.raises(ValidationError) as error:
        source.full_clean()

    assert field in error.value.message_dict


def test_the_api_serves_what_it_was_given_as_valid_uris(editor):
    client = token_client(editor)
    created = []
    # Django's URL validator refuses whitespace outright (a clear 400), so those are left out.
    for index, given in enumerate(url for url in URLS if " " not in url):
        response = client.post(
            "/api/v1/sources/",
            {
                "title": f"Report {index}",
                "document_url": given.replace("example.org", f"e{index}.example.org"),
                "publisher": "P",
                "archived_url": given + "#p",
            },
            format="json",
        )
        assert response.status_code == 201, (given, response.json())
        created.append(response.json())

    listed = client.get("/api/v1/sources/", {"page_size": 100}).json()["results"]
    for body in [*created, *listed]:
        assert URI.is_valid(body["document_url"]), body["document_url"]
        assert URI.is_valid(body["archived_url"]), body["archived_url"]


def test_the_api_refuses_a_host_name_that_has_no_ascii_form_with_a_400(editor):
    response = token_client(editor).post(
        "/api/v1/sources/",
        {"title": "T", "document_url": "https://☃.example/x", "publisher": "P"},
        format="json",
    )

    assert response.status_code == 400
    assert "document_url" in response.json()


def test_the_schema_promises_uris_for_both_fields():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    properties = schema.json()["components"]["schemas"]["Source"]["properties"]

    def formats(field):  # archived_url may be blank: a URI or "" (oneOf)
        return {field.get("format")} | {each.get("format") for each in field.get("oneOf", [])}

    assert "uri" in formats(properties["document_url"])
    assert "uri" in formats(properties["archived_url"])


# The migration that encodes the URLs already stored ----------------------------------------------


def stored_raw(source, **values):
    # As an earlier version stored them: update() skips save()'s normalising.
    Source.objects.filter(pk=source.pk).update(**values)


def run_migration():
    migration = importlib.import_module("karabakh_site.core.migrations.0008_source_urls_encoded")
    out = StringIO()
    migration.encode_source_urls(apps, None, out=out)
    return out.getvalue()


def test_the_migration_encodes_urls_stored_before():
    source = SourceFactory()
    stored_raw(
        source,
        url="https://Bücher.example/a b",
        url_key="bücher.example/a b",
        archived_url='https://web.archive.org/web/1/https://x.org/"x"',
    )

    run_migration()

    source.refresh_from_db()
    assert source.url == "https://xn--bcher-kva.example/a%20b"
    assert source.url_key == "xn--bcher-kva.example/a%20b"
    assert source.archived_url == "https://web.archive.org/web/1/https://x.org/%22x%22"
    assert run_migration() == ""  # nothing left to change


def test_the_migration_keeps_the_unique_key_when_two_sources_become_one():
    first = SourceFactory(url="https://example.org/caf%C3%A9")
    second = SourceFactory(url="https://example.org/other")
    stored_raw(second, url="https://example.org/café", url_key="example.org/café")

    report = run_migration()

    second.refresh_from_db()
    assert (second.url, second.url_key) == ("https://example.org/café", "example.org/café")
    assert f"Source #{second.pk} keeps its URL" in report and f"#{first.pk}'s" in report


LONG_CYRILLIC = "https://ru.wikipedia.org/wiki/" + "Карабах" * 30  # 240 letters, 1,470 encoded


@pytest.mark.parametrize("field", ["url", "archived_url"])
def test_a_url_too_long_once_encoded_is_a_field_error_not_a_database_error(field):
    source = Source(title="Long", url="https://example.org/x", publisher="P")
    setattr(source, field, LONG_CYRILLIC)

    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert "once percent-encoded" in str(refused.value.message_dict[field])


def test_the_api_refuses_a_url_too_long_once_encoded_with_a_400(editor):
    response = token_client(editor).post(
        "/api/v1/sources/",
        {"title": "Long", "document_url": LONG_CYRILLIC, "publisher": "P"},
        format="json",
    )
    assert response.status_code == 400
    assert "once percent-encoded" in str(response.json()["document_url"])
