"""The pages in Armenian, Azerbaijani and Russian pass axe-core and the Nu HTML checker as the
English ones do (test_checks), with translated content, fallbacks and their notes; the language
switcher keeps the reader on the same page and remembers the choice."""

import pytest

from karabakh_site.core.models import Translation
from karabakh_site.core.translations import write_translation

from .test_checks import WCAG_21_AA, describe, fetch, vnu_errors

pytestmark = pytest.mark.browser

LANGUAGES = ["hy", "az", "ru"]


def translated_paths(archive) -> dict[str, str]:
    """The main page types in each language: the article translated, the rest falling back."""
    write_translation(
        archive["article"],
        "ru",
        fields={
            "title": "Перемирие 1994 года",
            "summary": "Как Бишкекский протокол завершил первую войну.",
            "body": "Перемирие вступило в силу в мае 1994 года.[^1]\n\n## После\n\n"
            "Переговоры шли десятилетиями.[^2]",
        },
        status=Translation.Status.PUBLISHED,
        machine_assisted=True,
    )
    english = {
        "home": "/en/",
        "article": archive["article"].get_absolute_url(),
        "faq": "/en/faq/",
        "faq entry": archive["question"].get_absolute_url(),
        "timeline": "/en/timeline/",
        "timeline entry": archive["events"][0].get_absolute_url(),
        "place": f"/en/timeline/places/{archive['place'].slug}/",
        "claim": archive["claim"].get_absolute_url(),
        "topic": archive["topic"].get_absolute_url(),
        "search": "/en/search/?q=ceasefire",
    }
    return {
        f"{name} ({code})": f"/{code}{path[3:]}"
        for code in LANGUAGES
        for name, path in english.items()
    }


def test_pages_in_every_language_have_no_axe_violations(live_server, page, archive, axe_path):
    failures = {}
    for name, path in translated_paths(archive).items():
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == path.split("/")[1]
        page.add_script_tag(path=str(axe_path))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
        )
        if result["violations"]:
            failures[name] = describe(result["violations"])
    assert failures == {}


def test_pages_in_every_language_are_valid_html(live_server, archive, vnu_command, tmp_path):
    files = {}
    for name, path in translated_paths(archive).items():
        status, html = fetch(live_server.url + path)
        assert status == 200, name
        file = tmp_path / (name.replace(" ", "-").replace("(", "").replace(")", "") + ".html")
        file.write_bytes(html)
        files[str(file)] = name
    assert vnu_errors(vnu_command, files) == []


def test_the_switcher_keeps_the_page_and_the_choice(live_server, page, archive):
    translated_paths(archive)
    article = archive["article"].get_absolute_url()
    page.goto(live_server.url + article)
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
    assert page.url == live_server.url + "/ru" + article[3:]
    assert page.locator("h1").first.inner_text() == "Перемирие 1994 года"
    # A bare address now opens in the language chosen.
    page.goto(live_server.url + "/articles/")
    assert page.url == live_server.url + "/ru/articles/"
