"""Every internal link on the reader site leads somewhere."""

import datetime
import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    FAQEntryFactory,
    PlaceFactory,
    TimelineEntryFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')
# Not reader pages: the admin needs a login, the API is tested on its own.
SKIP_PREFIXES = ("/admin/", "/api/")


def test_following_every_internal_link_from_the_home_page_finds_no_broken_page(client):
    topic = TopicFactory()
    for index in range(3):
        article = ArticleFactory(body="A claim.[^1] Another.[^2]", citations=2)
        article.topics.add(topic)
        CorrectionFactory(article=article)
        event = TimelineEntryFactory(
            key_event=True, place=PlaceFactory(), date=datetime.date(1990 + index, 1, 1)
        )
        event.topics.add(topic)
        event.related_articles.add(article)
        question = FAQEntryFactory()
        question.topics.add(topic)
        question.related_articles.add(article)

    seen, queue, broken = set(), ["/"], {}
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200:
            broken[path] = response.status_code
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        for href in HREF.findall(response.content.decode()):
            url = urlsplit(urljoin(path, href.replace("&amp;", "&")))
            if url.netloc not in ("", "testserver") or url.path.startswith(SKIP_PREFIXES):
                continue
            queue.append(url.path + (f"?{url.query}" if url.query else ""))

    assert broken == {}
    # The walk reached every kind of page, not just the home page.
    for expected in ("/articles/", "/faq/", "/timeline/", "/sources/", "/topics/", "/sitemap.xml"):
        assert expected in seen
    assert any(re.fullmatch(r"/sources/\d+/", path) for path in seen)
    assert any(path.startswith("/timeline/event-") for path in seen)
