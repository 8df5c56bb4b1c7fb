"""Each source's perspective (whose voice it is), shown beside every citation, and the evidence
profile computed from an item's sources: its line on pages, its filters, the editors' report."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleCitation
from karabakh_site.core import evidence
from karabakh_site.core.models import Perspective, Source
from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    SourceFactory,
    TimelineEntryFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("perspectives")]


Side = Perspective.Side


def perspective(slug):
    return Perspective.objects.get(slug=slug)


def cited_by(item, *sources):
    """Make ``sources`` the item's citations, in order, in place of the factory's one."""
    citation_model = type(item).citations.rel.related_model
    field = citation_model.item_field
    old = list(item.citations.values_list("pk", flat=True))
    for position, source in enumerate(sources, start=1):
        citation_model.objects.create(**{field: item}, source=source, position=100 + position)
    # In bulk: the rule is about the item's final citations, which remain.
    citation_model._base_manager.filter(pk__in=old).delete()
    return item


def sources(*perspectives, **kwargs):
    return [SourceFactory(perspective=perspective(slug), **kwargs) for slug in perspectives]


def test_the_migration_starts_every_installation_with_the_perspectives():
    names = list(Perspective.objects.values_list("name", flat=True))
    assert names[:3] == [
        "Government of Armenia", "Government of Azerbaijan", "De facto Karabakh authorities",
    ]  # fmt: skip
    assert perspective("international-media").side == Side.NEITHER
    assert perspective("azerbaijani-perspective-media").side == Side.AZERBAIJANI


@pytest.mark.parametrize(
    "slugs, kinds, expected, one_sided",
    [
        (
            ["government-of-azerbaijan", "azerbaijani-perspective-media"],
            [],
            "2 sources from 2 perspectives; none independent of the parties; "
            "2 links not yet checked.",
            True,
        ),
        (
            ["government-of-armenia", "government-of-azerbaijan"],
            [],
            "2 sources from 2 perspectives; none independent of the parties; "
            "2 links not yet checked.",
            False,
        ),
        (
            ["court", "international-media", "government-of-armenia"],
            ["primary_document"],
            "3 sources from 3 perspectives, including 1 primary document; "
            "2 independent of the parties; 3 links not yet checked.",
            False,
        ),
    ],
)
def test_the_profile_counts_sources_perspectives_and_independence(
    slugs, kinds, expected, one_sided
):
    cited = sources(*slugs)
    for source, kind in zip(cited, kinds, strict=False):
        source.kind = kind
        source.save()
    item = cited_by(ArticleFactory(), *cited)
    profile = evidence.item_profile(item)
    assert profile.summary == expected
    assert profile.one_sided is one_sided


def test_dead_links_and_unknown_perspectives_are_counted():
    dead = SourceFactory(perspective=perspective("court"), url_status=Source.UrlStatus.DEAD)
    unknown = SourceFactory(perspective=None, url_status=Source.UrlStatus.LIVE)
    item = cited_by(ArticleFactory(), dead, unknown)
    profile = evidence.item_profile(item)
    assert (
        profile.summary
        == "2 sources from 1 perspective; 1 independent of the parties; 1 dead link."
    )
    # An unknown perspective is not one side's: the item is not reported as one-sided.
    item = cited_by(ArticleFactory(), unknown, *sources("government-of-armenia"))
    assert not evidence.item_profile(item).one_sided


def test_the_filters_agree_with_the_profiles():
    one_side = cited_by(
        ArticleFactory(), *sources("government-of-armenia", "armenian-perspective-media")
    )
    both = cited_by(ArticleFactory(), *sources("government-of-armenia", "government-of-azerbaijan"))
    independent = cited_by(ArticleFactory(), *sources("court", "government-of-armenia"))
    unlabelled = cited_by(ArticleFactory(), SourceFactory(perspective=None))
    published = Article.objects.published()
    for value, wanted in {
        "one-sided": {one_side},
        "independent": {independent},
        "primary": set(),
    }.items():
        found = set(evidence.filter_items(published, value))
        assert found == wanted, value
        for item in (one_side, both, independent, unlabelled):
            profile = evidence.item_profile(item)
            agrees = {
                "one-sided": profile.one_sided,
                "independent": profile.independent > 0,
                "primary": profile.primary > 0,
            }[value]
            assert agrees == (item in found), (value, item)


def test_the_perspective_is_shown_beside_every_citation_on_every_page_type():
    court, media = sources("court", "azerbaijani-perspective-media")
    article = cited_by(ArticleFactory(), court)
    entry = cited_by(TimelineEntryFactory(), media)
    answer = cited_by(FAQEntryFactory(), court)
    client = Client()
    pages = {
        article.get_absolute_url(): ["Court"],
        entry.get_absolute_url(): ["Azerbaijani-perspective media"],
        reverse("timeline:list"): ["Azerbaijani-perspective media"],
        reverse("faq:index"): ["Court"],
        reverse("faq:detail", args=[answer.slug]): ["Court"],
        court.get_absolute_url(): ["Court"],
        reverse("core:source-list"): ["Court", "Azerbaijani-perspective media"],
    }
    for url, names in pages.items():
        page = client.get(url).content.decode()
        for name in names:
            assert '<span class="source-perspective"' in page and name in page, url
    page = client.get(article.get_absolute_url()).content.decode()
    assert "1 source from 1 perspective; 1 independent of the parties" in page


def test_editors_notes_never_reach_readers():
    source = SourceFactory(notes="Public note.", internal_notes="Checked with the desk: shaky.")
    article = cited_by(ArticleFactory(), source)
    client = Client()
    for url in (
        source.get_absolute_url(),
        article.get_absolute_url(),
        reverse("core:source-list"),
        f"/api/v1/sources/{source.pk}/",
        "/api/v1/sources/",
        reverse("search") + "?q=shaky",
    ):
        body = client.get(url).content.decode()
        assert "Checked with the desk" not in body, url
    assert source.title not in client.get(reverse("search"), {"q": "shaky"}).content.decode()
    assert "Public note." in client.get(source.get_absolute_url()).content.decode()


def test_imports_read_the_perspective_by_slug_and_refuse_an_unknown_one(tmp_path):
    rows = [
        {"url": "https://example.org/a", "title": "A", "publisher": "P", "perspective": "court"},
    ]
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(rows))
    call_command("import_content", "sources", str(path))
    assert Source.objects.get(url="https://example.org/a").perspective.slug == "court"

    rows[0]["perspective"] = "our-side"
    path.write_text(json.dumps(rows))
    with pytest.raises(CommandError, match="no perspective “our-side”"):
        call_command("import_content", "sources", str(path))
    assert Source.objects.get(url="https://example.org/a").perspective.slug == "court"


def test_every_demo_source_has_a_perspective():
    call_command("load_demo", verbosity=0)
    assert not Source.objects.filter(perspective__isnull=True).exists()
    assert Source.objects.filter(perspective__slug="russian-state-media").exists()


def test_the_one_sided_report_lists_what_rests_on_one_side(client, editor):
    one_side = cited_by(ArticleFactory(title="One side"), *sources("government-of-armenia"))
    cited_by(ArticleFactory(title="Weighed"), *sources("court"))
    client.force_login(editor)
    page = client.get(reverse("admin:editorial_one_sided")).content.decode()
    assert one_side.title in page and "Weighed" not in page
    assert 'id="one-sided-report"' in client.get(reverse("admin:index")).content.decode()


def test_editors_keep_the_perspectives_and_contributors_do_not(client, editor, contributor):
    client.force_login(editor)
    add = reverse("admin:core_perspective_add")
    response = client.post(
        add,
        {"name": "Diaspora organisation", "slug": "diaspora", "side": "armenian", "position": 20},
    )
    assert response.status_code == 302
    assert Perspective.objects.filter(slug="diaspora").exists()
    client.force_login(contributor)
    assert client.get(add).status_code == 403
    # A perspective in use cannot be deleted out from under its sources.
    source = SourceFactory(perspective=perspective("court"))
    with pytest.raises(Exception, match="protected"):
        perspective("court").delete()
    assert source.perspective_id


def test_pages_load_perspectives_without_a_query_per_source(django_assert_max_num_queries):
    article = cited_by(ArticleFactory(), *sources("court", "international-media", "academic"))
    client = Client()
    client.get(article.get_absolute_url())  # warm anything cached per process
    article2 = cited_by(ArticleFactory(), *sources(*["court"] * 8))
    with django_assert_max_num_queries(30) as few:
        client.get(article.get_absolute_url())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(article2.get_absolute_url())
    assert ArticleCitation.objects.filter(article=article2).count() == 8


def test_the_api_shows_perspectives_and_profiles_and_filters_as_the_pages_do():
    cited_by(ArticleFactory(slug="one-side"), *sources("government-of-armenia"))
    weighed = cited_by(ArticleFactory(slug="weighed"), *sources("court", "government-of-armenia"))
    client = Client()
    detail = client.get(f"/api/v1/articles/{weighed.slug}/").json()
    assert detail["evidence"]["summary"] == evidence.item_profile(weighed).summary
    assert detail["evidence"]["independent"] == 1 and detail["evidence"]["one_sided"] is False
    cited = detail["citations"][0]["source"]["perspective"]
    assert cited["slug"] == "court" and cited["side"] == "neither"

    for value, wanted in {"independent": ["weighed"], "one-sided": ["one-side"]}.items():
        api = client.get("/api/v1/articles/", {"evidence": value}).json()
        assert [item["slug"] for item in api["results"]] == wanted
        page = client.get(reverse("articles:list"), {"evidence": value}).content.decode()
        for slug in ("one-side", "weighed"):
            assert (f"/en/articles/{slug}/" in page) == (slug in wanted), (value, slug)
    assert client.get("/api/v1/articles/", {"evidence": "ours"}).status_code == 400
    assert client.get(reverse("articles:list"), {"evidence": "ours"}).status_code == 400
    timeline = client.get(reverse("timeline:list"), {"evidence": "primary"})
    assert timeline.status_code == 200


def test_sources_filter_by_perspective_on_the_page_and_in_the_api():
    court, media = sources("court", "international-media")
    cited_by(ArticleFactory(), court, media)
    client = Client()
    api = client.get("/api/v1/sources/", {"perspective": "court"}).json()
    assert [s["id"] for s in api["results"]] == [court.pk]
    page = client.get(reverse("core:source-list"), {"perspective": "court"}).content.decode()
    assert court.title in page and media.title not in page
    assert client.get("/api/v1/sources/", {"perspective": "nobody"}).status_code == 400
