"""JSON-LD and OpenGraph carry text exactly as written, and no text can close their element."""

import json
from html.parser import HTMLParser

import pytest

from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    SourceFactory,
    TimelineEntryFactory,
    TopicFactory,
)
from tests.markup import PLAIN_TEXT

pytestmark = pytest.mark.django_db

BREAKOUT = "</script><script>alert(1)</script>"


class Head(HTMLParser):
    """What a crawler or a share-card reader takes from a page: JSON-LD, meta tags, the title."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.jsonld: list[str] = []
        self.scripts = 0
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
            self._in = "jsonld" if attrs.get("type") == "application/ld+json" else "script"
            if self._in == "jsonld":
                self.jsonld.append("")
        elif tag == "title":
            self._in = "title"
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content")

    def handle_endtag(self, tag):
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data):
        if self._in == "jsonld":
            self.jsonld[-1] += data
        elif self._in == "title":
            self.title += data

    def structured_data(self) -> dict[str, dict]:
        found = [json.loads(text) for text in self.jsonld]
        return {data["@type"]: data for data in found}


class Text(HTMLParser):
    """The text a reader sees in stored rendered HTML: the oracle for descriptions made from it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(html)
        self.close()

    def handle_data(self, data):
        self.parts.append(data)

    def __str__(self):
        return " ".join("".join(self.parts).split())


def head(client, url) -> Head:
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    # Text that closed a <script> would leave its own <script> behind in the page.
    assert "<script>alert(1)" not in page
    return Head(page)


def scripts_in(client, url) -> int:
    return Head(client.get(url).content.decode()).scripts


@pytest.mark.parametrize("text", PLAIN_TEXT)
def test_an_articles_json_ld_and_share_card_carry_its_title_and_standfirst_as_written(client, text):
    plain = ArticleFactory(title="Plain", standfirst="Plain.")
    article = ArticleFactory(title=text, standfirst=text)

    page = head(client, article.get_absolute_url())

    data = page.structured_data()
    assert data["NewsArticle"]["headline"] == text
    assert data["NewsArticle"]["description"] == text
    assert data["BreadcrumbList"]["itemListElement"][-1]["name"] == text
    assert page.meta["og:title"] == text
    assert page.meta["og:description"] == text
    assert page.meta["description"] == text
    assert page.title == f"{text} · Karabakh Archive"
    assert page.scripts == scripts_in(client, plain.get_absolute_url())


@pytest.mark.parametrize("text", PLAIN_TEXT)
def test_the_article_list_names_each_article_as_written(client, text):
    ArticleFactory(title=text)

    page = head(client, "/en/articles/")

    names = [item["name"] for item in page.structured_data()["ItemList"]["itemListElement"]]
    assert names == [text]


@pytest.mark.parametrize("text", PLAIN_TEXT)
def test_an_events_json_ld_carries_its_title_and_the_text_of_its_summary(client, text):
    entry = TimelineEntryFactory(title=text, summary=f"{text}[^1]")

    page = head(client, entry.get_absolute_url())

    event = page.structured_data()["Event"]
    assert event["name"] == text
    assert event["description"] == str(Text(entry.summary_html))
    assert page.meta["og:title"] == text
    listed = head(client, "/en/timeline/").structured_data()["ItemList"]["itemListElement"]
    assert listed[0]["item"]["name"] == text
    assert listed[0]["item"]["description"] == str(Text(entry.summary_html))


@pytest.mark.parametrize("text", ["A <-> B", "AT&T", "\"quotes\" & 'apostrophes'"])
def test_an_events_share_card_describes_it_with_the_text_of_its_summary(client, text):
    entry = TimelineEntryFactory(title="Plain", summary=f"{text}[^1]")

    page = head(client, entry.get_absolute_url())

    assert page.meta["og:description"] == str(Text(entry.summary_html))
    assert page.meta["description"] == str(Text(entry.summary_html))


@pytest.mark.parametrize("text", PLAIN_TEXT)
def test_the_faq_pages_json_ld_carries_questions_as_written_and_answers_as_text(client, text):
    entry = FAQEntryFactory(question=text, answer=f"{text}[^1]")

    page = head(client, "/en/faq/")

    (question,) = page.structured_data()["FAQPage"]["mainEntity"]
    assert question["name"] == text
    assert question["acceptedAnswer"]["text"] == str(Text(entry.answer_html))


@pytest.mark.parametrize("text", PLAIN_TEXT)
def test_a_topic_and_a_source_carry_their_names_as_written(client, text):
    topic = TopicFactory(name=text, description=text)
    article = ArticleFactory(title="Cites it")
    article.topics.add(topic)
    source = article.citations.get().source
    source.title = text
    source.publisher = text
    source.save()
    SourceFactory(title="Uncited")

    topic_page = head(client, topic.get_absolute_url())
    source_page = head(client, source.get_absolute_url())

    assert topic_page.meta["og:title"] == text
    assert topic_page.meta["og:description"] == text
    assert source_page.meta["og:title"] == text
    assert text in source_page.meta["og:description"]
    cited = source_page.structured_data()["CreativeWork"]
    assert cited["name"] == text
    assert cited["publisher"]["name"] == text
