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
# Two kinds of link answer a redirect by design: the language switcher's (/language/<code>/
# ?next=<page>, to the same page in that language) and a page's x-default alternate (the address
# without a language prefix, which sends a reader to their language). Every other link must
# answer 200 itself, not by a redirect.
SWITCH_PREFIX = "/language/"
X_DEFAULT = re.compile(r'<link rel="alternate" hreflang="x-default" href="([^"]+)">')


def internal(page: str, href: str) -> str | None:
    """The path and query a link on ``page`` leads to, if it is a reader page of this site."""
    url = urlsplit(urljoin(page, href.replace("&amp;", "&")))
    if url.scheme not in ("", "http", "https") or url.netloc not in ("", "testserver"):
        return None  # mailto: share links, other sites
    if url.path.startswith(SKIP_PREFIXES):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


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

    seen, queue, broken = set(), ["/en/"], {}
    redirecting = set()  # the x-default alternates found so far
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if path in redirecting or path.startswith(SWITCH_PREFIX):
            if response.status_code == 302:
                queue.append(response["Location"])
            else:
                broken[path] = response.status_code
            continue
        if response.status_code != 200:
            broken[path] = response.status_code
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        body = response.content.decode()
        redirecting.update(filter(None, (internal(path, h) for h in X_DEFAULT.findall(body))))
        queue.extend(filter(None, (internal(path, href) for href in HREF.findall(body))))

    assert broken == {}
    # The walk reached every kind of page, not just the home page.
    for expected in (
        "/en/articles/", "/en/faq/", "/en/timeline/", "/en/sources/", "/en/topics/", "/sitemap.xml",
    ):  # fmt: skip
        assert expected in seen
    assert any(re.fullmatch(r"/en/sources/\d+/", path) for path in seen)
    assert any(path.startswith("/en/timeline/event-") for path in seen)
