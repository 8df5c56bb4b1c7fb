import datetime
import json
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from karabakh_site.core.models import Publishable
from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    TimelineEntryFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    topic = TopicFactory(slug="ceasefires")
    article = ArticleFactory(title="Home article")
    article.topics.add(topic)
    event = TimelineEntryFactory(title="Key event", key_event=True)
    question = FAQEntryFactory(question="Home question?")
    return {"topic": topic, "article": article, "event": event, "question": question}


def page_urls(archive):
    return [
        reverse("home"),
        reverse("articles:list"),
        archive["article"].get_absolute_url(),
        reverse("faq:index"),
        reverse("timeline:list"),
        archive["event"].get_absolute_url(),
        reverse("core:source-list"),
        archive["article"].citations.get().source.get_absolute_url(),
        reverse("core:topic-list"),
        archive["topic"].get_absolute_url(),
        reverse("search") + "?q=home",
    ]


def test_the_home_page_shows_latest_articles_key_events_and_questions(client, archive):
    ArticleFactory(title="Draft on home", status=Publishable.Status.DRAFT)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    for text in ("Home article", "Key event", "Home question?", 'action="/en/search/"'):
        assert text in response.text
    assert "Draft on home" not in response.text


def test_every_page_has_a_lang_skip_link_canonical_and_feed_links(client, archive):
    for url in page_urls(archive):
        html = client.get(url).text
        assert '<html lang="en" dir="ltr">' in html, url
        assert '<a class="skip-link" href="#main">' in html, url
        assert '<main id="main"' in html, url
        assert '<link rel="canonical" href="http://testserver/en/' in html, url
        assert '<meta property="og:title"' in html, url
        for feed in ("feed-rss", "feed-atom"):
            assert f'href="{reverse("articles:" + feed)}"' in html, url
            assert f'href="{reverse("timeline:" + feed)}"' in html, url
        assert 'type="application/atom+xml" title="Karabakh Archive: corrections (Atom)"' in html


def test_every_pages_structured_data_is_valid_json(client, archive):
    for url in page_urls(archive):
        html = client.get(url).text
        blocks = html.split('<script type="application/ld+json">')[1:]
        assert blocks, url
        for block in blocks:
            data = json.loads(block.split("</script>")[0])
            assert data["@context"] == "https://schema.org"


def test_the_canonical_url_drops_filters_but_keeps_the_page(client):
    for _ in range(21):
        ArticleFactory()

    html = client.get(reverse("articles:list"), {"page": 2, "utm_source": "x"}).text

    assert '<link rel="canonical" href="http://testserver/en/articles/?page=2">' in html


def test_robots_txt_names_the_sitemap_and_not_the_admin(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /search/" in response.text
    # Search results live under each language's prefix (/en/search/, /hy/search/, ...): a
    # Disallow for the bare /search/ alone would let crawlers into every one of them.
    for code, _name in settings.LANGUAGES:
        assert f"Disallow: /{code}/search/" in response.text, code
    # robots.txt is public: naming the admin's address would hand it to every scanner.
    assert reverse("admin:index") not in response.text
    assert "admin" not in response.text.lower()


# The sitemaps are tested in test_sitemap.py.


def test_the_health_check_answers_200_when_the_database_does(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_health_check_answers_503_when_the_database_does_not(client):
    # The check runs on a connection of its own (core.faults.health), so the class is patched.
    down = OperationalError("down")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_a_missing_page_is_a_404_in_the_sites_design(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text


def test_a_server_error_is_a_500_page_in_the_sites_design(db):
    client = Client(raise_request_exception=False)
    with mock.patch("karabakh_site.views.render", side_effect=RuntimeError("boom")):
        response = client.get(reverse("home"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_the_home_page_runs_the_same_queries_for_one_or_many_items(
    client, django_assert_num_queries, items
):
    for index in range(items):
        ArticleFactory()
        TimelineEntryFactory(key_event=True, date=datetime.date(1990 + index, 1, 1))
        FAQEntryFactory()
    # The three lists, and the content clock (core.page_cache).
    with django_assert_num_queries(4):
        assert client.get(reverse("home")).status_code == 200


def test_static_files_fall_back_to_plain_names_before_collectstatic(tmp_path):
    from django.core.files.storage import storages

    from karabakh_site.storage import ForgivingManifestStorage

    assert isinstance(storages["staticfiles"], ForgivingManifestStorage)
    before = ForgivingManifestStorage(location=tmp_path)  # nothing collected, no manifest
    assert before.url("css/site.css") == "/static/css/site.css"

    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"})
    )
    after = ForgivingManifestStorage(location=tmp_path)
    assert after.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_the_health_check_answers_head_requests_for_load_balancers(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/", "/en/articles/", "/api/v1/articles/", "/sitemap.xml"])
def test_pages_feeds_and_the_api_say_the_language_they_are_in(client, path):
    # Content-Language: what a reader's browser, a crawler or an API client is given (issue
    # "Four languages" adds the others).
    assert client.get(path).headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_json_ld_gives_each_item_its_language(client):
    import json
    import re

    from tests.factories import ArticleFactory, TimelineEntryFactory

    for item in (ArticleFactory(), TimelineEntryFactory()):
        html = client.get(item.get_absolute_url()).content.decode()
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        data = [json.loads(block) for block in blocks]
        assert any(block.get("inLanguage") == "en" for block in data)
