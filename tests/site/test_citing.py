"""karabakh_site.citing: each style's text for an article (with a byline and a correction) and an
event (the archive as author), and each style's escaping for where its text goes."""

import datetime

import pytest
import time_machine
from django.test import Client

from karabakh_site import citing
from tests.factories import ArticleFactory, CorrectionFactory, TimelineEntryFactory

ARTICLE = citing.PageCitation(
    title="The 1994 ceasefire",
    url="https://archive.example/articles/the-1994-ceasefire/",
    published=datetime.date(2025, 8, 12),
    updated=datetime.date(2026, 5, 3),
    accessed=datetime.date(2026, 12, 2),
    author="Karabakh Archive editors",
    key="karabakh-archive-the-1994-ceasefire",
)
EVENT = citing.PageCitation(
    title="Bishkek ceasefire",
    url="https://archive.example/timeline/bishkek-ceasefire/",
    published=datetime.date(2025, 9, 1),
    accessed=datetime.date(2026, 12, 2),
    key="karabakh-archive-bishkek-ceasefire",
)


def test_apa_names_the_byline_and_the_site_and_the_retrieval_date():
    assert citing.apa(ARTICLE) == (
        "Karabakh Archive editors. (2025, August 12). The 1994 ceasefire. Karabakh Archive."
        " Retrieved December 2, 2026, from https://archive.example/articles/the-1994-ceasefire/"
    )


def test_apa_does_not_repeat_the_site_when_it_is_the_author():
    assert citing.apa(EVENT) == (
        "Karabakh Archive. (2025, September 1). Bishkek ceasefire."
        " Retrieved December 2, 2026, from https://archive.example/timeline/bishkek-ceasefire/"
    )


def test_mla_abbreviates_months_and_leaves_out_an_author_that_is_the_site():
    assert citing.mla(ARTICLE) == (
        "Karabakh Archive editors. \u201cThe 1994 ceasefire.\u201d Karabakh Archive, 12 Aug. 2025,"
        " archive.example/articles/the-1994-ceasefire/. Accessed 2 Dec. 2026."
    )
    assert citing.mla(EVENT) == (
        "\u201cBishkek ceasefire.\u201d Karabakh Archive, 1 Sept. 2025,"
        " archive.example/timeline/bishkek-ceasefire/. Accessed 2 Dec. 2026."
    )


def test_chicago_gives_publication_update_and_access_dates():
    assert citing.chicago(ARTICLE) == (
        "Karabakh Archive editors. \u201cThe 1994 ceasefire.\u201d Karabakh Archive."
        " Published August 12, 2025. Last modified May 3, 2026. Accessed December 2, 2026."
        " https://archive.example/articles/the-1994-ceasefire/."
    )
    assert citing.chicago(EVENT) == (
        "Karabakh Archive. \u201cBishkek ceasefire.\u201d Karabakh Archive."
        " Published September 1, 2025. Accessed December 2, 2026."
        " https://archive.example/timeline/bishkek-ceasefire/."
    )


def test_a_title_ending_in_a_question_mark_gets_no_extra_full_stop():
    question = citing.PageCitation(
        title="Who controls it?", url="https://a.example/faq/q/", published=None,
        accessed=datetime.date(2026, 12, 2),
    )  # fmt: skip
    assert "(n.d.). Who controls it? Retrieved" in citing.apa(question)
    assert "\u201cWho controls it?\u201d Karabakh Archive, a.example" in citing.mla(question)


def test_the_wikipedia_template_has_iso_dates_and_the_site():
    assert citing.wikipedia(EVENT) == (
        "{{cite web |url=https://archive.example/timeline/bishkek-ceasefire/"
        " |title=Bishkek ceasefire |author=Karabakh Archive |website=Karabakh Archive"
        " |date=2025-09-01 |access-date=2026-12-02}}"
    )
    assert "|author=Karabakh Archive editors |" in citing.wikipedia(ARTICLE)


def test_the_wikipedia_template_escapes_pipes_braces_and_brackets():
    tricky = citing.PageCitation(
        title="A | B }} [[C]] {{D",
        url="https://a.example/x/",
        published=None,
        accessed=datetime.date(2026, 12, 2),
    )
    text = citing.wikipedia(tricky)
    assert "|title=A {{!}} B &#125;&#125; &#91;&#91;C&#93;&#93; &#123;&#123;D |" in text
    # One template, closed once, and no parameter but the six it names.
    assert text.count("}}") == 2 and text.endswith("}}")
    assert text.replace("{{!}}", "").count("|") == 5


def test_bibtex_is_a_misc_entry_with_the_author_as_one_name():
    assert citing.bibtex(ARTICLE) == (
        "@misc{karabakh-archive-the-1994-ceasefire,\n"
        "  author = {{Karabakh Archive editors}},\n"
        "  title = {{The 1994 ceasefire}},\n"
        "  howpublished = {Karabakh Archive},\n"
        "  year = {2025},\n"
        "  month = aug,\n"
        "  url = {https://archive.example/articles/the-1994-ceasefire/},\n"
        "  urldate = {2026-12-02},\n"
        "  note = {Last updated 3 May 2026. Accessed 2 December 2026},\n"
        "}"
    )
    assert "author = {{Karabakh Archive}}," in citing.bibtex(EVENT)


def test_bibtex_escapes_latex_specials_so_braces_stay_balanced():
    tricky = citing.PageCitation(
        title="50% of {the} A&B_c #1 \\end ~x^",
        url="https://a.example/x/{y}",
        published=None,
        accessed=datetime.date(2026, 12, 2),
        key="bad key/with spaces",
    )
    text = citing.bibtex(tricky)
    assert (
        r"title = {{50\% of \{the\} A\&B\_c \#1 \textbackslash{}end \textasciitilde{}x"
        r"\textasciicircum{}}}," in text
    )
    assert "url = {https://a.example/x/%7By%7D}," in text
    assert text.startswith("@misc{bad-key-with-spaces,\n")
    unescaped = text.replace("\\{", "").replace("\\}", "")
    assert unescaped.count("{") == unescaped.count("}")


def test_an_update_on_the_day_of_publication_is_not_shown():
    same_day = citing.PageCitation(
        title="T", url="https://a.example/", published=datetime.date(2026, 1, 1),
        updated=datetime.date(2026, 1, 1), accessed=datetime.date(2026, 12, 2),
    )  # fmt: skip
    assert "Last modified" not in citing.chicago(same_day)
    assert "Last updated" not in citing.bibtex(same_day)


def test_the_access_date_is_today_in_the_site_time_zone_when_asked(settings):
    settings.TIME_ZONE = "Asia/Baku"  # UTC+4: 22:00 UTC is already the next day there
    with time_machine.travel(datetime.datetime(2026, 3, 1, 22, 0, tzinfo=datetime.UTC)):
        first = citing.page_citation(title="T", url="https://a.example/")
    with time_machine.travel(datetime.datetime(2026, 3, 3, 12, 0, tzinfo=datetime.UTC)):
        later = citing.page_citation(title="T", url="https://a.example/")
    assert first.accessed == datetime.date(2026, 3, 2)
    assert later.accessed == datetime.date(2026, 3, 3)


@pytest.mark.django_db
def test_the_article_page_cites_itself_with_its_byline_dates_and_permanent_link(client: Client):
    article = ArticleFactory(
        title="Talks | resumed", slug="talks", byline="Jane Doe",
        publish_at=datetime.datetime(2025, 8, 12, 9, tzinfo=datetime.UTC),
    )  # fmt: skip
    CorrectionFactory(article=article, date=datetime.date(2026, 5, 3))

    html = client.get(article.get_absolute_url() + "?utm_source=x").text

    assert '<details class="cite-box" id="cite">' in html
    assert "Jane Doe. (2025, August 12). Talks | resumed. Karabakh Archive." in html
    assert "Last modified May 3, 2026." in html
    assert "|title=Talks {{!}} resumed |author=Jane Doe |" in html
    # The permanent link is the page's address without its query string.
    assert "from http://testserver/en/articles/talks/</textarea>" in html
    assert "utm_source" not in html.split('<details class="cite-box"')[1]


@pytest.mark.django_db
def test_the_event_page_cites_the_archive_as_author(client: Client):
    entry = TimelineEntryFactory(
        title="Bishkek ceasefire", slug="bishkek",
        publish_at=datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC),
    )  # fmt: skip

    html = client.get(entry.get_absolute_url()).text

    assert "Karabakh Archive. (2025, September 1). Bishkek ceasefire. Retrieved " in html
    assert "@misc{karabakh-archive-bishkek," in html
    assert "author = {{Karabakh Archive}}," in html


@pytest.mark.django_db
def test_share_links_are_plain_links_with_names_and_the_permanent_link_in_view(client: Client):
    entry = TimelineEntryFactory(title="Fall of Shusha & after", slug="shusha")

    html = client.get(entry.get_absolute_url()).text
    share = html[
        html.index('<section class="share"') : html.index(
            "</section>", html.index('<section class="share"')
        )
    ]

    permalink = "http%3A%2F%2Ftestserver%2Fen%2Ftimeline%2Fshusha%2F"
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={permalink}"' in share
    assert (
        f"https://twitter.com/intent/tweet?url={permalink}&amp;text=Fall%20of%20Shusha%20%26%20after"
        in share
    )
    assert f"https://t.me/share/url?url={permalink}" in share
    assert "https://wa.me/?text=" in share
    assert "mailto:?subject=Fall%20of%20Shusha%20%26%20after" in share
    assert share.count('rel="noopener noreferrer"') == 4
    assert 'Facebook<span class="visually-hidden">: share this page</span>' in share
    assert (
        'Permanent link: <a href="http://testserver/en/timeline/shusha/">'
        "http://testserver/en/timeline/shusha/</a>" in share
    )
    assert "<script" not in share


def test_back_links_find_each_marker_in_text_order_but_none_in_code():
    from karabakh_site.core.templatetags.reader import backlinks
    from karabakh_site.markdown import marker_occurrences, render_markdown

    html = render_markdown("One.[^1] Two.[^2] Three.[^1] `[^3]`", anchor_prefix="x-source")

    assert marker_occurrences(html, "x-source") == {
        1: ["x-source-ref-1-1", "x-source-ref-1-2"],
        2: ["x-source-ref-2-1"],
    }
    assert backlinks(html, "x-source", 2) == (
        '<span class="backlinks"><a href="#x-source-ref-2-1"'
        ' aria-label="Back to reference 2">↩</a></span>'
    )
    assert 'aria-label="Back to reference 1b">b</a>' in backlinks(html, "x-source", 1)
    assert backlinks(html, "x-source", 3) == ""


def test_a_source_cited_more_than_26_times_gets_letters_past_z():
    from karabakh_site.core.templatetags.reader import backlinks
    from karabakh_site.markdown import render_markdown

    html = render_markdown("Claim.[^1] " * 28, anchor_prefix="s")

    links = backlinks(html, "s", 1)
    assert 'aria-label="Back to reference 1z">z</a>' in links
    assert 'href="#s-ref-1-28" aria-label="Back to reference 1ab">ab</a>' in links


@pytest.mark.django_db
def test_a_silent_edit_does_not_make_an_article_citation_last_modified(client: Client):
    with time_machine.travel(datetime.datetime(2025, 8, 12, 9, tzinfo=datetime.UTC)):
        article = ArticleFactory(slug="quiet", publish_at=timezone_now())
    with time_machine.travel(datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC)):
        article.standfirst = "A typo fixed."
        article.save()

    html = client.get(article.get_absolute_url()).text

    assert "Published August 12, 2025. Accessed" in html
    assert "Last modified" not in html


@pytest.mark.django_db
def test_an_event_citation_shows_when_it_was_last_changed(client: Client):
    with time_machine.travel(datetime.datetime(2025, 8, 12, 9, tzinfo=datetime.UTC)):
        entry = TimelineEntryFactory(slug="changed", publish_at=timezone_now())
    with time_machine.travel(datetime.datetime(2025, 9, 1, 9, tzinfo=datetime.UTC)):
        entry.summary = "Something else happened.[^1]"
        entry.save()

    html = client.get(entry.get_absolute_url()).text

    assert "Published August 12, 2025. Last modified September 1, 2025. Accessed" in html


def timezone_now():
    from django.utils import timezone

    return timezone.now()
