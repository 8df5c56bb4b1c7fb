"""manage.py generate_archive: a synthetic archive for benchmarks that keeps the site's promise
(every published item cited, every marker resolving, in every language), reaches readers' pages,
the API and search, clears its own rows only, refuses bad input and follows its seed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from articles.models import Article
from faq.models import FAQEntry
from karabakh_site import search
from karabakh_site.core.models import Source, Translation
from karabakh_site.core.publishing import cited_numbers, ensure_markers_resolve, ensure_publishable
from karabakh_site.core.translations import check_translation
from karabakh_site.core.urlnorm import url_key
from karabakh_site.markdown import render_markdown
from karabakh_site.synthetic import SOURCE_HOST
from tests.factories import ArticleFactory
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

CONTENT = (Article, TimelineEntry, FAQEntry)
SMALL = {"articles": 5, "events": 8, "faq": 3, "sources": 20, "topics": 4, "places": 3}


def generate(**options):
    out = StringIO()
    call_command("generate_archive", **{**SMALL, "languages": "hy,ru", **options}, stdout=out)
    return out.getvalue()


def client():
    return Client(HTTP_HOST="localhost")


def test_a_small_archive_is_built_published_and_cited_in_every_language():
    out = generate()

    assert "5 articles, 8 timeline entries, 3 FAQ entries, 20 sources" in out
    assert Article.objects.published().count() == 5
    assert TimelineEntry.objects.published().count() == 8
    assert FAQEntry.objects.published().count() == 3
    for model in CONTENT:
        for item in model.objects.all():
            assert item.is_published
            count = item.citations.count()
            assert 3 <= count <= 10
            # The model layer's own checks: they would refuse the item if the generator broke
            # the rule.
            ensure_publishable(item)
            ensure_markers_resolve(item, citation_count=count)
            (markdown, html), *_ = item.rendered_fields.items()
            assert cited_numbers(getattr(item, markdown)) == set(range(1, count + 1))
            positions = list(item.citations.values_list("position", flat=True))
            assert sorted(positions) == list(range(1, count + 1))
            # The stored HTML is what rendering the stored Markdown gives, anchors included.
            assert getattr(item, html) == render_markdown(
                getattr(item, markdown), anchor_prefix=item.citation_anchor_prefix
            )
            translations = Translation.objects.of(item)
            assert sorted(t.language for t in translations) == ["hy", "ru"]
            for translation in translations:
                assert translation.status == Translation.Status.PUBLISHED
                translation.item = item
                check_translation(translation)  # the same markers as the original
                assert translation.body_html == render_markdown(
                    translation.body, anchor_prefix=item.citation_anchor_prefix
                )
    article = Article.objects.first()
    assert 1200 <= len(article.body.split()) <= 1900
    for source in Source.objects.all():
        assert source.url.startswith(f"https://{SOURCE_HOST}/")
        assert source.url_key == url_key(source.url)
        assert source.perspective_id is not None
    for entry in TimelineEntry.objects.all():
        assert 1900 <= entry.date.year <= 2025
        assert entry.date_precision in TimelineEntry.Precision.values
        assert entry.category in TimelineEntry.Category.values
        assert entry.period_start <= entry.period_end
        if entry.place is not None:
            assert entry.place_names == entry.place.search_names
    assert Article.objects.filter(topics__isnull=False).distinct().count() == 5


def test_generated_items_reach_pages_the_api_and_search():
    generate()
    article = Article.objects.order_by("pk").first()
    armenian = Translation.objects.of(article).get(language="hy")

    english = client().get(f"/en/articles/{article.slug}/")
    assert english.status_code == 200
    assert article.title in english.content.decode()
    page = client().get(f"/hy/articles/{article.slug}/")
    assert page.status_code == 200
    assert armenian.title in page.content.decode()
    entry = TimelineEntry.objects.first()
    assert client().get(f"/en/timeline/{entry.slug}/").status_code == 200
    assert client().get("/ru/faq/").status_code == 200

    listed = client().get("/api/v1/articles/?page_size=100")
    assert listed.status_code == 200
    slugs = {row["slug"] for row in listed.json()["results"]}
    assert set(Article.objects.values_list("slug", flat=True)) <= slugs

    assert {hit.object.pk for hit in search.search("Stepanakert", kinds=["article"])} == set(
        Article.objects.values_list("pk", flat=True)
    )
    assert search.search("ceasefire", kinds=["timeline"])
    assert search.search("перемирие", kinds=["article"], language="ru")


def test_clear_removes_earlier_synthetic_rows_and_nothing_else():
    kept = ArticleFactory(title="A real article")
    generate(seed=1)
    with pytest.raises(CommandError, match="--clear"):
        generate(seed=2)

    generate(clear=True, articles=2, events=0, faq=0, languages="")

    assert list(Article.objects.exclude(pk=kept.pk).values_list("slug", flat=True).order_by("pk"))
    assert Article.objects.count() == 3
    assert TimelineEntry.objects.count() == 0 and FAQEntry.objects.count() == 0
    assert Source.objects.filter(url_key__startswith=SOURCE_HOST).count() == 20
    assert not Translation.objects.exists()
    kept.refresh_from_db()
    assert kept.citations.count() == 1
    assert [hit.object.pk for hit in search.search("real article")] == [kept.pk]
    assert len(search.search("Stepanakert", kinds=["article"])) == 2

    generate(clear=True, articles=0, events=0, faq=0, sources=0, topics=0, places=0)
    assert list(Article.objects.all()) == [kept]
    assert not Source.objects.filter(url_key__startswith=SOURCE_HOST).exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"articles": -1}, "--articles cannot be negative"),
        ({"events": "many"}, "--events must be a whole number"),
        ({"languages": "hy,xx"}, "Unknown translation language"),
        ({"languages": "en"}, "Unknown translation language"),
        ({"sources": 0}, "--sources more than 0"),
        ({"seed": "abc"}, "--seed must be a whole number"),
    ],
)
def test_bad_input_is_a_command_error_and_writes_nothing(options, message):
    with pytest.raises(CommandError, match=message):
        generate(**options)
    assert not Article.objects.exists() and not Source.objects.exists()


def test_bad_input_on_the_command_line_exits_non_zero(capsys):
    from django.core.management import load_command_class

    command = load_command_class("karabakh_site.core", "generate_archive")
    with pytest.raises(SystemExit) as exit:
        command.run_from_argv(["manage.py", "generate_archive", "--articles", "-3"])
    assert exit.value.code != 0
    assert "--articles cannot be negative" in capsys.readouterr().err


def snapshot():
    return {
        "articles": [
            (a.slug, a.title, a.standfirst, a.body, a.publish_at, list(citations(a)))
            for a in Article.objects.order_by("slug")
        ],
        "events": [
            (
                e.slug,
                e.title,
                e.date,
                e.date_precision,
                e.end_date,
                e.category,
                e.summary,
                e.place.slug if e.place else None,
                list(citations(e)),
            )
            for e in TimelineEntry.objects.order_by("slug")
        ],  # fmt: skip
        "faq": [(f.slug, f.question, f.answer, f.group.slug) for f in FAQEntry.objects.all()],
        "translations": sorted((t.language, t.title, t.body) for t in Translation.objects.all()),
        "sources": list(Source.objects.order_by("url").values_list("url", "title", "publisher")),
    }


def citations(item):
    return item.citations.order_by("position").values_list("source__url", "position", "locator")


def test_the_seed_makes_the_archive_deterministic():
    generate(seed=5)
    first = snapshot()
    generate(seed=5, clear=True)
    assert snapshot() == first
    generate(seed=6, clear=True)
    assert snapshot()["articles"] != first["articles"]
