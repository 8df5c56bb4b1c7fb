import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_reader_goes_from_home_to_an_article_and_on_to_a_source(live_server, page, archive):
    page.goto(live_server.url + "/en/")
    page.get_by_role("link", name="The 1994 ceasefire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The 1994 ceasefire")

    page.locator("sup.citation-ref a").first.click()
    expect(page).to_have_url(re.compile(r"#source-1$"))
    first_source = page.locator("#source-1")
    expect(first_source).to_contain_text("Bishkek Protocol text")
    expect(first_source.get_by_role("link", name=re.compile("Archived copy"))).to_be_visible()

    first_source.get_by_role("link", name=re.compile("About this source")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bishkek Protocol text")
    expect(page.get_by_role("link", name="The 1994 ceasefire")).to_be_visible()


def test_a_reader_searches_from_the_header(live_server, page, archive):
    page.goto(live_server.url + "/en/timeline/")
    page.get_by_role("searchbox", name="Search the archive").fill("lachin")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/en/search/\?q=lachin"))
    result = page.locator(".search-hit").first
    expect(result).to_contain_text("Blockade of the Lachin corridor")
    expect(result.locator("mark").first).to_have_text(re.compile("lachin", re.IGNORECASE))


def test_a_reader_filters_the_timeline_and_jumps_to_a_year_from_the_chart(
    live_server, page, archive
):
    page.goto(live_server.url + "/en/timeline/")
    expect(page.locator(".event")).to_have_count(3)

    page.get_by_label("Category").select_option("military")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"category=military"))
    expect(page.locator(".event")).to_have_count(1)
    expect(page.locator(".event")).to_contain_text("Capture of Shusha")
    expect(page.locator(".event [lang=hy]")).to_have_text("Շուշի")

    page.goto(live_server.url + "/en/timeline/")
    page.locator('svg a[href="#year-1994"]').click()
    expect(page).to_have_url(re.compile(r"#year-1994$"))
    expect(page.locator("#year-1994")).to_be_in_viewport()


def test_the_site_works_by_keyboard_with_a_skip_link_and_visible_focus(live_server, page, archive):
    page.goto(live_server.url + archive["article"].get_absolute_url())

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()

    # The next stop after the skipped header is the first link in the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const el = document.activeElement; const style = getComputedStyle(el);"
        " return {inMain: !!el.closest('main'), outline: style.outlineStyle,"
        " width: parseFloat(style.outlineWidth)}; }"
    )
    assert focused["inMain"]
    assert focused["outline"] != "none" and focused["width"] >= 2

    page.goto(live_server.url + "/en/")
    for _ in range(3):
        page.keyboard.press("Tab")
    nav_focus = page.evaluate(
        "() => [document.activeElement.textContent.trim(),"
        " getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert nav_focus == ["Articles", "solid"]


def test_articles_print_without_the_sites_navigation(live_server, page, archive):
    page.goto(live_server.url + archive["article"].get_absolute_url())
    page.emulate_media(media="print")

    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".sources")).to_be_visible()
