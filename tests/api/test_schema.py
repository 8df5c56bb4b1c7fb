import pytest
import yaml
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(anonymous):
    response = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_the_schema_documents_every_status_the_api_serves(schema):
    operations = {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }

    for (path, method), operation in operations.items():
        codes = set(operation["responses"])
        assert {"400", "401", "429"} <= codes, (path, method)
        if method == "get":
            assert {"304", "404"} <= codes, (path, method)
        else:
            assert "403" in codes, (path, method)
    assert "403" in operations[("/api/v1/articles/", "get")]["responses"]
    assert "409" in operations[("/api/v1/sources/{id}/", "delete")]["responses"]
    assert "415" in operations[("/api/v1/articles/", "post")]["responses"]


def test_the_schema_covers_every_resource(schema):
    assert {
        "/api/v1/articles/", "/api/v1/articles/{slug}/", "/api/v1/faq/", "/api/v1/faq/{slug}/",
        "/api/v1/timeline/", "/api/v1/timeline/{slug}/", "/api/v1/timeline/timelinejs/",
        "/api/v1/places/", "/api/v1/sources/", "/api/v1/sources/{id}/", "/api/v1/topics/",
        "/api/v1/topics/{slug}/", "/api/v1/search/",
    } <= set(schema["paths"])  # fmt: skip


def test_reading_needs_no_token_and_writing_does(schema):
    articles = schema["paths"]["/api/v1/articles/"]

    # No security requirement on reads, so the interactive docs show no lock on them.
    assert articles["get"]["security"] == []
    assert articles["post"]["security"] and {} not in articles["post"]["security"]


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_interactive_docs_load_their_scripts_from_this_site(anonymous, url):
    html = anonymous.get(url).content.decode()

    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_creates_link_to_the_created_items_operations(schema):
    links = schema["paths"]["/api/v1/articles/"]["post"]["responses"]["201"]["links"]

    assert links["articles_retrieve"]["parameters"] == {"slug": "$response.body#/slug"}
    source_links = schema["paths"]["/api/v1/sources/"]["post"]["responses"]["201"]["links"]
    assert source_links["sources_destroy"]["parameters"] == {"id": "$response.body#/id"}


@pytest.mark.parametrize("name", ["Article", "FAQEntry", "TimelineEntry"])
def test_the_schema_takes_a_review_comment_on_writes_only(schema, name):
    schemas = schema["components"]["schemas"]

    for request in (f"{name}Request", f"Patched{name}Request"):
        comment = schemas[request]["properties"]["review_comment"]
        assert comment["type"] == "string" and comment["writeOnly"] is True
        assert "returning an item in review" in comment["description"]
        assert "review_comment" not in schemas[request].get("required", [])
    assert "review_comment" not in schemas[name]["properties"]
