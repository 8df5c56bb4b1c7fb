"""Four languages: pages under /en/, /hy/, /az/, /ru/; content translations with their status; the
source rule for translations; search, the API and feeds in the reader's language; and no draft
translation ever reaching a reader."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from karabakh_site import search
from karabakh_site.core.models import Translation
from karabakh_site.core.translations import (
    outdated_report,
    reading,
    status_of,
    write_translation,
)
from tests.factories import ArticleFactory, FAQEntryFactory, TimelineEntryFactory, TopicFactory

pytestmark = pytest.mark.django_db

ARMENIAN = {"title": "Հոդվածի վերնագիր", "summary": "Ամփոփում", "body": "Պնդում։[^1]"}
RUSSIAN = {"title": "Заголовок статьи", "summary": "Вкратце", "body": "Утверждение о беженцах.[^1]"}


def published(item, language, fields, **flags):
    return write_translation(
        item, language, fields=fields, status=Translation.Status.PUBLISHED, **flags
    )


def page(path, **headers):
    return Client().get(path, **headers)


# --- URLs, the switcher, alternates --------------------------------------------------------


@pytest.mark.parametrize("code", ["en", "hy", "az", "ru"])
def test_every_language_has_its_prefix_and_lang(code):
    response = page(f"/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{code}" dir="ltr">' in html
    assert response["Content-Language"] == code
    for other in ("en", "hy", "az", "ru"):
        assert f'hreflang="{other}" href="http://testserver/{other}/"' in html
    assert 'hreflang="x-default" href="http://testserver/"' in html


def test_a_bare_path_goes_to_the_readers_language_and_a_choice_is_kept():
    article = ArticleFactory()
    bare = article.get_absolute_url()[3:]  # without /en
    assert page(bare)["Location"] == f"/en{bare}"
    assert page(bare, HTTP_ACCEPT_LANGUAGE="ru,en;q=0.5")["Location"] == f"/ru{bare}"
    assert page(bare, HTTP_ACCEPT_LANGUAGE="hy-AM")["Location"] == f"/hy{bare}"
    client = Client()
    switched = client.get(f"/language/az/?next=/hy{bare}")
    assert switched.status_code == 302
    assert switched["Location"] == f"/az{bare}"  # the same page, in the language chosen
    assert switched.cookies["django_language"].value == "az"
    # The choice outweighs Accept-Language from then on.
    assert client.get(bare, HTTP_ACCEPT_LANGUAGE="ru")["Location"] == f"/az{bare}"


def test_the_switcher_keeps_the_page_and_refuses_to_leave_the_site():
    article = ArticleFactory()
    html = page(f"/ru{article.get_absolute_url()[3:]}").content.decode()
    assert f'href="/language/hy/?next=/hy{article.get_absolute_url()[3:]}"' in html
    assert 'lang="hy"' in html and "Հայերեն" in html
    away = Client().get("/language/hy/?next=https://evil.example/")
    assert away["Location"] == "/hy/"
    unknown = Client().get("/language/xx/?next=/ru/")
    assert unknown["Location"] == "/en/"


def test_the_sitemap_lists_every_language_with_alternates():
    article = ArticleFactory()
    xml = page("/sitemap-articles.xml").content.decode()
    rest = article.get_absolute_url()[3:]
    for code in ("en", "hy", "az", "ru"):
        assert f"<loc>http://testserver/{code}{rest}</loc>" in xml
        assert f'hreflang="{code}" href="http://testserver/{code}{rest}"' in xml
    assert f'hreflang="x-default" href="http://testserver{rest}"' in xml


# --- readers see the translation, or the original with a note -------------------------------


def test_a_published_translation_is_shown_and_a_missing_one_falls_back_with_a_note():
    article = ArticleFactory(title="The original title")
    published(article, "hy", ARMENIAN)
    rest = article.get_absolute_url()[3:]
    armenian = page(f"/hy{rest}").content.decode()
    main = armenian[armenian.index("<main") :]
    # (The share image, whose address has no language, shows the original: its alt text too.)
    assert "Հոդվածի վերնագիր" in main and "The original title" not in main
    russian = page(f"/ru{rest}").content.decode()
    assert "The original title" in russian
    assert 'class="translation-note"' in russian
    # The fallback text is marked as English inside the Russian page.
    assert 'lang="en"' in russian
    english = page(f"/en{rest}").content.decode()
    assert "The original title" in english and 'class="translation-note"' not in english


def test_a_draft_translation_reaches_no_reader():
    article = ArticleFactory(title="The original title")
    write_translation(article, "ru", fields=RUSSIAN)  # a draft
    rest = article.get_absolute_url()[3:]
    for path in (f"/ru{rest}", "/ru/articles/", "/ru/", "/ru/articles/feed.rss",
                 "/ru/search/?q=беженцах", "/api/v1/articles/?lang=ru",
                 f"/api/v1/articles/{article.slug}/?lang=ru"):  # fmt: skip
        body = page(path).content.decode()
        assert "Заголовок" not in body and "Утверждение о" not in body, path
    assert search.search("Заголовок", language="ru") == []


def test_a_translation_of_an_unpublished_item_reaches_no_reader():
    draft = ArticleFactory(status="draft", publish_at=None)
    published(draft, "ru", RUSSIAN)
    assert page(f"/ru{draft.get_absolute_url()[3:]}").status_code == 404
    assert "Заголовок" not in page("/api/v1/articles/?lang=ru").content.decode()
    assert search.search("Заголовок", language="ru") == []


def test_every_kind_and_topic_is_translated_on_its_pages():
    topic = TopicFactory(name="Refugees")
    entry = FAQEntryFactory(question="Who left?", answer="Everyone.[^1]")
    event = TimelineEntryFactory(title="The exodus", summary="People left.[^1]")
    entry.topics.add(topic)
    published(entry, "ru", {"title": "Кто уехал?", "body": "Все.[^1]"})
    published(event, "ru", {"title": "Исход", "body": "Люди уехали.[^1]"})
    published(topic, "ru", {"title": "Беженцы", "body": "Люди, покинувшие дом."})
    assert "Кто уехал?" in page(f"/ru{entry.get_absolute_url()[3:]}").content.decode()
    assert "Исход" in page(f"/ru{event.get_absolute_url()[3:]}").content.decode()
    assert "Беженцы" in page("/ru/topics/").content.decode()
    assert "Исход" in page("/ru/timeline/").content.decode()


def test_a_translated_item_refuses_to_be_saved():
    article = ArticleFactory()
    published(article, "hy", ARMENIAN)
    with reading("hy"):
        shown = type(article).objects.get(pk=article.pk)
    assert shown.title == ARMENIAN["title"] and shown.shown_language == "hy"
    with pytest.raises(RuntimeError, match="shown in hy"):
        shown.save()
    article.refresh_from_db()
    assert article.title != ARMENIAN["title"]


def test_a_page_in_another_language_costs_one_query_more_whatever_the_list(
    django_assert_max_num_queries,
):
    for _ in range(3):
        published(ArticleFactory(), "ru", RUSSIAN)
    english = _queries("/en/articles/")
    russian = _queries("/ru/articles/")
    for _ in range(5):
        published(ArticleFactory(), "ru", RUSSIAN)
    assert _queries("/ru/articles/") == russian
    assert russian - english <= 2


def _queries(path):
    from django.db import connection as default
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(default) as captured:
        assert page(path).status_code == 200
    return len(captured)


# --- the source rule and the status ----------------------------------------------------------


def test_a_translation_adds_no_claim_without_a_citation():
    article = ArticleFactory(body="A claim.[^1]")
    with pytest.raises(ValidationError, match=r"\[\^2\], which the original does not"):
        write_translation(article, "ru", fields={**RUSSIAN, "body": "Утверждение.[^1][^2]"})
    with pytest.raises(ValidationError, match=r"leaves out \[\^1\]"):
        published(article, "ru", {**RUSSIAN, "body": "Утверждение без источника."})
    assert not Translation.objects.exists()


def test_editing_the_original_makes_the_translation_outdated_with_what_changed(admin_client):
    article = ArticleFactory(body="Some 100,000 people left.[^1]")
    made = published(article, "ru", RUSSIAN)
    assert status_of(article, made) == "up to date"
    article.body = "Some 100,600 people left.[^1]"
    article.save()
    made.refresh_from_db()
    assert status_of(article, made) == "outdated"
    assert [row["item"] for row in outdated_report() if row["language"] == "ru"] == [article]
    change = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = change.content.decode()
    assert "outdated: the original changed since this translation was made" in html
    assert "100,<del>000 </del><ins>600 </ins>people" in html
    listing = admin_client.get(reverse("admin:core_translation_changelist") + "?state=outdated")
    assert str(made) in listing.content.decode()
    # Readers of the translation are told too.
    with override("ru"):
        note = gettext(
            "The English original has changed since this translation was made; the translation "
            "may not show the latest corrections."
        )
    assert not note.startswith("The English")
    assert note in page(f"/ru{article.get_absolute_url()[3:]}").content.decode()


def test_editors_publish_translations_and_contributors_only_draft_them(contributor, editor):
    from tests.articles.test_admin_conflict import form_data, open_form

    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = Client()
    client.force_login(editor)
    data = form_data(article, open_form(client, url))
    prefix = "core-translation-content_type-object_id"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-language": "ru",
            f"{prefix}-0-status": "published",
            f"{prefix}-0-title": RUSSIAN["title"],
            f"{prefix}-0-summary": RUSSIAN["summary"],
            f"{prefix}-0-body": RUSSIAN["body"],
        }
    )
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["errors"] if answer.context else answer
    made = Translation.objects.get()
    assert made.status == "published" and made.title == RUSSIAN["title"]
    assert made.made_from["body"] == article.body
    # A contributor's "published" stays a draft.
    made.status = Translation.Status.DRAFT
    made.save()
    contributor_client = Client()
    contributor_client.force_login(contributor)
    change = reverse("admin:core_translation_change", args=[made.pk])
    answer = contributor_client.post(
        change,
        {
            "language": "ru",
            "status": "published",
            "title": "Новый",
            "summary": RUSSIAN["summary"],
            "body": RUSSIAN["body"],
        },
    )
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    made.refresh_from_db()
    assert made.title == "Новый" and made.status == "draft"


# --- search and the API ----------------------------------------------------------------------


def test_search_finds_translated_text_in_the_readers_language():
    article = ArticleFactory(title="Exodus", body="People left.[^1]")
    published(
        article, "ru", {"title": "Исход беженцев", "summary": "Кратко", "body": "Люди уехали.[^1]"}
    )
    hits = search.search("беженцев", language="ru")
    assert [hit.object.pk for hit in hits] == [article.pk]
    with reading("ru"):
        hits = search.search("беженцев", language="ru")
    assert hits[0].title == "Исход беженцев"
    # The original is still searched in every language.
    assert [hit.object.pk for hit in search.search("Exodus", language="ru")] == [article.pk]
    # Not in English: a translation's words belong to its language.
    assert search.search("беженцев", language="en") == []
    body = page("/ru/search/?q=беженцев").content.decode()
    assert "Исход беженцев" in body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's text search")
def test_postgresql_stems_russian_and_armenian():
    article = ArticleFactory()
    published(article, "ru", {**RUSSIAN, "body": "Беженцы покинули город.[^1]"})
    published(article, "hy", {**ARMENIAN, "body": "Փախստականները լքեցին քաղաքը։[^1]"})
    # Another form of the word finds it: беженцев / беженцы.
    assert [h.object.pk for h in search.search("беженцев", language="ru")] == [article.pk]
    assert [h.object.pk for h in search.search("քաղաք", language="hy")] == [article.pk]


def test_the_api_answers_in_the_language_asked_for():
    article = ArticleFactory(title="The original title")
    published(article, "hy", ARMENIAN)
    client = Client()
    detail = reverse("api:article-detail", kwargs={"slug": article.slug})
    asked = client.get(detail + "?lang=hy")
    assert asked.status_code == 200 and asked["Content-Language"] == "hy"
    data = asked.json()
    assert data["title"] == ARMENIAN["title"] and data["language"] == "hy"
    assert data["languages"] == ["en", "hy"]
    assert data["translations"]["hy"] == f"http://testserver{detail}?lang=hy"
    by_header = client.get(detail, HTTP_ACCEPT_LANGUAGE="hy, en;q=0.5")
    assert by_header.json()["title"] == ARMENIAN["title"]
    assert "Accept-Language" in by_header["Vary"]
    missing = client.get(detail + "?lang=ru").json()
    assert missing["title"] == "The original title" and missing["language"] == "en"
    refused = client.get(detail + "?lang=xx")
    assert refused.status_code == 400 and "lang" in refused.json()
    assert client.get(detail).json()["title"] == "The original title"


def test_the_schema_documents_lang():
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    text = schema.content.decode()
    assert "lang" in text and "Content-Language" in text


def test_feeds_come_in_each_language():
    article = ArticleFactory(publish_at=timezone.now() - dt.timedelta(hours=1))
    published(article, "ru", RUSSIAN)
    feed = page("/ru/articles/feed.rss").content.decode()
    assert "<language>ru</language>" in feed
    assert RUSSIAN["title"] in feed
    assert f"http://testserver/ru{article.get_absolute_url()[3:]}" in feed
    assert "<language>en</language>" in page("/en/articles/feed.rss").content.decode()


def test_jsonld_says_the_language_shown():
    article = ArticleFactory()
    published(article, "hy", ARMENIAN)
    html = page(f"/hy{article.get_absolute_url()[3:]}").content.decode()
    assert '"inLanguage": "hy"' in html
    assert '"inLanguage": "en"' in page(f"/ru{article.get_absolute_url()[3:]}").content.decode()


def test_the_demo_is_translated_honestly():
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    rows = Translation.objects.all()
    assert rows.count() >= 18
    assert all(row.machine_assisted and not row.reviewed for row in rows)
    english = page("/en/faq/").content.decode()
    russian = page("/ru/faq/").content.decode()
    question = rows.filter(language="ru", content_type__model="faqentry").first().title
    assert question in russian and question not in english


def test_a_place_is_named_in_the_readers_language_with_its_other_names_beside_it():
    from tests.factories import PlaceFactory

    place = PlaceFactory(
        name_en="Shusha", name_en_alt="Shushi", name_hy="Շուշի", name_az="Şuşa", name_ru="Шуша"
    )
    event = TimelineEntryFactory(place=place)
    english = page(event.get_absolute_url()).content.decode()
    assert "Shusha / Shushi" in english and '<span lang="hy">Շուշի</span>' in english
    armenian = page(f"/hy{event.get_absolute_url()[3:]}").content.decode()
    assert ">Շուշի</a>" in armenian
    # No name replaces another silently: the English and the others stay beside it.
    assert '<span lang="en">Shusha / Shushi</span>' in armenian
    assert '<span lang="az">Şuşa</span>' in armenian and '<span lang="ru">Шуша</span>' in armenian
    assert '<span lang="hy">Շուշի</span>' not in armenian.split("<main", 1)[1]


def test_an_armenian_place_name_typed_with_plain_consonants_finds_its_events():
    from tests.factories import PlaceFactory

    place = PlaceFactory(name_en="Stepanakert", name_hy="Ստեփանակերտ", name_ru="Степанакерт")
    event = TimelineEntryFactory(place=place, title="An event")
    for spelling in ("Ստեփանակերտ", "Ստեպանակերտ", "Степанакерт"):
        assert [hit.object.pk for hit in search.search(spelling)] == [event.pk], spelling


def test_the_translation_report_lists_what_translators_should_do(capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    article = ArticleFactory(body="Before.[^1]")
    made = published(article, "ru", RUSSIAN)
    call_command("translation_report", "--language", "ru")
    assert "Every translation is up to date." in capsys.readouterr().out
    article.body = "After.[^1]"
    article.save()
    call_command("translation_report", "--outdated")
    out = capsys.readouterr().out
    assert f"outdated  ru  article   {article.slug}" in out
    with pytest.raises(CommandError, match="1 translation"):
        call_command("translation_report", "--fail-on-outdated", "--language", "ru")
    assert status_of(article, made) == "outdated"


def test_a_change_form_posted_without_the_translations_section_keeps_them(editor):
    from tests.articles.test_admin_conflict import form_data, open_form

    article = ArticleFactory()
    made = published(article, "ru", RUSSIAN)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = Client()
    client.force_login(editor)
    data = form_data(article, open_form(client, url), title="A new title")
    assert not any(key.startswith("core-translation") for key in data)
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.title == "A new title"
    assert Translation.objects.get() == made
    # And the translation now trails the original.
    assert status_of(article, Translation.objects.get()) == "outdated"


def test_the_admin_saving_the_original_does_not_mark_its_translations_up_to_date(editor):
    from tests.articles.test_admin_conflict import form_data, open_form

    article = ArticleFactory(body="Before.[^1]")
    made = published(article, "ru", {**RUSSIAN, "body": "Первая строка.[^1]\n\nВторая."})
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = Client()
    client.force_login(editor)
    data = form_data(article, open_form(client, url), body="After.[^1]")
    prefix = "core-translation-content_type-object_id"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(made.pk),
            f"{prefix}-0-language": "ru",
            f"{prefix}-0-status": "published",
            f"{prefix}-0-title": made.title,
            f"{prefix}-0-summary": made.summary,
            # As a browser posts a textarea: CRLF line ends.
            f"{prefix}-0-body": made.body.replace("\n", "\r\n"),
        }
    )
    assert client.post(url, data).status_code == 302
    made.refresh_from_db()
    article.refresh_from_db()
    assert article.body == "After.[^1]"
    assert made.made_from["body"] == "Before.[^1]"
    assert status_of(article, made) == "outdated"
