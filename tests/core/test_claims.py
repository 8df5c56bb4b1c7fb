"""Who says what: contested claims and the positions on them, each with its own sources. The
source rule holds for positions in every channel (the model layer, the admin, the API, imports);
pages and the API show positions in neutral order, only cited ones, and only on claims a
published item carries."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.transaction import atomic
from django.test import Client
from django.urls import reverse

from karabakh_site.core import claims, services
from karabakh_site.core.models import Claim, Perspective, Position, PositionSource
from tests.api.conftest import token_client
from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    SourceFactory,
    TimelineEntryFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("perspectives")]


def perspective(slug):
    return Perspective.objects.get(slug=slug)


def make_claim(slug="exodus", *holders, statement="The 2023 exodus was ethnic cleansing"):
    """A claim whose positions are held by ``holders`` (name, perspective slug), in that order,
    each citing a source of its own."""
    holders = holders or (
        ("Government of Azerbaijan", "government-of-azerbaijan"),
        ("Government of Armenia", "government-of-armenia"),
    )
    positions = [
        {
            "holder": name,
            "perspective": perspective(slug_),
            "stance": Position.Stance.OTHER,
            "says": f"What {name} says.",
            "sources": [SourceFactory(title=f"Statement by {name}")],
        }
        for name, slug_ in holders
    ]
    return claims.write_claim(Claim(slug=slug, statement=statement), positions)


def holders_in(html: str, names):
    return sorted(names, key=html.index)


# The model layer -------------------------------------------------------------------------------


def test_a_position_without_a_source_or_a_claim_without_a_position_is_refused():
    with pytest.raises(ValidationError) as refused:
        claims.write_claim(
            Claim(slug="x", statement="X"),
            [{"holder": "A court", "perspective": perspective("court"), "says": "It said so."}],
        )
    assert claims.POSITION_NEEDS_SOURCE in str(refused.value)
    with pytest.raises(ValidationError, match="at least one position"):
        claims.write_claim(Claim(slug="y", statement="Y"), [])
    # Nothing was written by either refusal.
    assert not Claim.objects.exists() and not Position.objects.exists()


def test_rewriting_positions_keeps_their_ids_and_never_leaves_one_uncited():
    claim = make_claim()
    first = claim.positions.get(holder="Government of Armenia")
    new_source = SourceFactory()
    claims.write_claim(
        claim,
        [{"id": first.pk, "holder": first.holder, "perspective": first.perspective,
          "says": "Changed.", "sources": [(new_source, "para. 4")]}],
    )  # fmt: skip
    assert list(claim.positions.values_list("pk", "says")) == [(first.pk, "Changed.")]
    assert list(first.citations.values_list("source_id", "locator")) == [
        (new_source.pk, "para. 4")
    ]


def test_a_published_item_cannot_carry_a_claim_with_an_uncited_position():
    claim = make_claim()
    # Made around the service, as a shell or a script could.
    Position.objects.create(claim=claim, holder="Someone", perspective=perspective("academic"),
                            says="Unsourced.")  # fmt: skip
    article = ArticleFactory()
    # Refused inside add()'s own transaction, which the refusal rolls back (hence atomic here).
    with pytest.raises(ValidationError, match="has a position with no source"), atomic():
        article.claims.add(claim)
    draft = ArticleFactory(status="draft")
    draft.claims.add(claim)  # a draft may carry it while the position is being sourced
    with pytest.raises(ValidationError, match="Someone"):
        services.publish(draft)
    # The other direction of the relation is guarded too.
    other = ArticleFactory()
    with pytest.raises(ValidationError), atomic():
        claim.articles.add(other)
    assert not article.claims.exists() and not other.claims.exists()


def test_the_last_source_of_a_public_position_cannot_be_deleted_alone():
    claim = make_claim()
    ArticleFactory().claims.add(claim)
    cited = PositionSource.objects.filter(position__claim=claim).first()
    with pytest.raises(ValidationError, match="at least one source"):
        cited.delete()
    assert PositionSource.objects.filter(pk=cited.pk).exists()


# Pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "factory", [ArticleFactory, FAQEntryFactory, TimelineEntryFactory], ids=["article", "faq", "event"]
)
def test_every_item_page_shows_who_says_what_alphabetically_with_perspectives(factory):
    claim = make_claim(
        "names",
        ("Government of Azerbaijan", "government-of-azerbaijan"),
        ("Armenian Ministry of Foreign Affairs", "government-of-armenia"),
        ("Human Rights Watch", "international-ngo"),
        statement="The town's name",
    )
    item = factory()
    item.claims.add(claim)
    html = Client().get(item.get_absolute_url()).content.decode()
    assert "Who says what" in html
    names = ["Armenian Ministry of Foreign Affairs", "Government of Azerbaijan",
             "Human Rights Watch"]  # fmt: skip
    # Neutral order: alphabetical by holder, not the order they were written in.
    assert holders_in(html, names) == names
    panel = html[html.index("who-says-what-heading") :]
    for name in ("Government of Azerbaijan", "International NGO", "Government of Armenia"):
        assert f'<span class="source-perspective">{name}</span>' in panel
    assert "Statement by Human Rights Watch" in panel
    assert claim.get_absolute_url() in panel


def test_readers_never_see_an_uncited_position_or_a_claim_only_drafts_carry(client):
    public = make_claim("public")
    Position.objects.create(claim=public, holder="Unsourced holder",
                            perspective=perspective("academic"), says="No source.")  # fmt: skip
    article = ArticleFactory(status="draft")
    article.claims.add(public)
    # Only a draft carries it: no page, no list entry, no API record for anonymous clients.
    assert client.get(public.get_absolute_url()).status_code == 404
    assert public.get_absolute_url() not in client.get(reverse("core:claim-list")).content.decode()
    assert client.get("/api/v1/claims/public/").status_code == 404
    assert client.get("/api/v1/claims/").json()["results"] == []

    Position.objects.filter(holder="Unsourced holder").delete()
    services.publish(article)
    Position.objects.create(claim=public, holder="Unsourced holder",
                            perspective=perspective("academic"), says="No source.")  # fmt: skip
    for url in (article.get_absolute_url(), public.get_absolute_url(),
                reverse("core:claim-list")):  # fmt: skip
        page = client.get(url).content.decode()
        assert "Government of Armenia" in page and "Unsourced holder" not in page
    data = client.get("/api/v1/claims/public/").json()
    assert [p["holder"] for p in data["positions"]] == [
        "Government of Armenia", "Government of Azerbaijan"
    ]


def test_the_claim_page_lists_the_published_items_that_carry_it(client):
    claim = make_claim()
    shown, hidden = ArticleFactory(title="Shown article"), ArticleFactory(status="draft",
                                                                        title="Draft article")  # fmt: skip
    event = TimelineEntryFactory(title="The exodus")
    for item in (shown, hidden, event):
        item.claims.add(claim)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Shown article" in page and "The exodus" in page
    assert "Draft article" not in page


def test_pages_load_positions_without_a_query_per_position(django_assert_max_num_queries):
    small = ArticleFactory()
    small.claims.add(make_claim("one"))
    large = ArticleFactory()
    large.claims.add(
        make_claim("two", *[(f"Holder {n}", "academic") for n in range(8)]),
        make_claim("three", *[(f"Other {n}", "court") for n in range(5)]),
    )
    client = Client()
    client.get(small.get_absolute_url())
    with django_assert_max_num_queries(40) as few:
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(large.get_absolute_url())


def test_json_ld_gives_each_position_as_a_schema_org_claim(client):
    claim = make_claim()
    event = TimelineEntryFactory()
    event.claims.add(claim)
    article = ArticleFactory()
    article.claims.add(claim)
    for url, key in ((event.get_absolute_url(), "subjectOf"),
                     (article.get_absolute_url(), "mentions")):  # fmt: skip
        html = client.get(url).content.decode()
        blocks = html.split('<script type="application/ld+json">')[1:]
        data = [json.loads(block.split("</script>")[0]) for block in blocks]
        found = [node for block in data for node in block.get(key, [])]
        assert {node["author"]["name"] for node in found} == {
            "Government of Armenia", "Government of Azerbaijan"
        }
        assert all(node["@type"] == "Claim" and node["appearance"] for node in found)
        assert found[0]["name"] == claim.statement


# The admin --------------------------------------------------------------------------------------


def admin_form(claim_fields, positions):
    data = {
        **claim_fields,
        "positions-TOTAL_FORMS": str(len(positions)),
        "positions-INITIAL_FORMS": "0",
        "positions-MIN_NUM_FORMS": "1",
        "positions-MAX_NUM_FORMS": "1000",
    }
    for n, position in enumerate(positions):
        for name, value in position.items():
            data[f"positions-{n}-{name}"] = value
    return data


def test_the_admin_refuses_a_position_without_a_source_and_saves_one_with(client, editor):
    client.force_login(editor)
    add = reverse("admin:core_claim_add")
    fields = {"statement": "The blockade", "slug": "blockade", "kind": "fact", "context": ""}
    position = {"holder": "ICJ", "perspective": perspective("court").pk, "stance": "other",
                "says": "Ordered free movement.", "said_on": ""}  # fmt: skip
    response = client.post(add, admin_form(fields, [position]))
    assert response.status_code == 200
    assert claims.POSITION_NEEDS_SOURCE in response.content.decode()
    assert not Claim.objects.exists()

    source = SourceFactory()
    response = client.post(add, admin_form(fields, [{**position, "sources": [source.pk]}]))
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Claim.objects.get(slug="blockade").positions.get()
    assert list(saved.citations.values_list("source_id", flat=True)) == [source.pk]


def test_contributors_may_read_claims_but_not_change_them(client, contributor):
    client.force_login(contributor)
    assert client.get(reverse("admin:core_claim_add")).status_code == 403


# The API ----------------------------------------------------------------------------------------


def test_the_api_refuses_a_position_without_a_source_and_writes_one_with(editor):
    api = token_client(editor)
    body = {"slug": "figures", "statement": "Casualties of September 2023", "kind": "figure",
            "positions": [{"holder": "Ministry of Defence of Azerbaijan",
                           "perspective": "government-of-azerbaijan", "says": "192 soldiers.",
                           "sources": []}]}  # fmt: skip
    refused = api.post("/api/v1/claims/", body, format="json")
    assert refused.status_code == 400
    assert claims.POSITION_NEEDS_SOURCE in json.dumps(refused.json())
    source = SourceFactory()
    body["positions"][0]["sources"] = [{"source_id": source.pk, "locator": "para. 2"}]
    created = api.post("/api/v1/claims/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["positions"][0]["sources"][0]["source"]["id"] == source.pk
    # A source listed again without its locator keeps it.
    saved = created.json()["positions"][0]
    again = {"positions": [{**body["positions"][0], "id": saved["id"],
                            "sources": [{"source_id": source.pk}]}]}  # fmt: skip
    assert api.patch("/api/v1/claims/figures/", again, format="json").status_code == 200
    assert PositionSource.objects.get(position_id=saved["id"]).locator == "para. 2"
    assert Client().post("/api/v1/claims/", body, content_type="application/json").status_code in (
        401, 403,
    )  # fmt: skip


def test_the_api_refuses_to_publish_an_item_with_an_uncited_claim(editor):
    claim = make_claim()
    Position.objects.create(claim=claim, holder="Someone", perspective=perspective("academic"),
                            says="Unsourced.")  # fmt: skip
    article = ArticleFactory()
    response = token_client(editor).patch(
        f"/api/v1/articles/{article.slug}/", {"claims": [claim.slug]}, format="json"
    )
    assert response.status_code == 400
    assert "has a position with no source" in json.dumps(response.json())
    assert not article.claims.exists()


def test_item_details_in_the_api_name_their_claims(client):
    claim = make_claim()
    event = TimelineEntryFactory()
    event.claims.add(claim)
    data = client.get(f"/api/v1/timeline/{event.slug}/").json()
    assert [c["slug"] for c in data["claims"]] == [claim.slug]
    assert data["claims"][0]["url"].endswith(f"/api/v1/claims/{claim.slug}/")


# Imports ----------------------------------------------------------------------------------------


def test_imports_refuse_an_uncited_position_and_round_trip_the_rest(tmp_path, capsys):
    source = SourceFactory(url="https://example.org/statement")
    rows = [{"slug": "shusha", "statement": "The town's name", "kind": "name", "context": "",
             "positions": [{"holder": "Government of Azerbaijan",
                            "perspective": "government-of-azerbaijan", "stance": "other",
                            "says": "Calls it Shusha.", "sources": []}]}]  # fmt: skip
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(CommandError, match="at least one source"):
        call_command("import_content", "claims", str(path))
    assert not Claim.objects.exists()

    rows[0]["positions"][0]["sources"] = [{"url": source.url, "locator": "p. 1"}]
    path.write_text(json.dumps(rows))
    call_command("import_content", "claims", str(path))
    position = Claim.objects.get(slug="shusha").positions.get()
    assert list(position.citations.values_list("source__url", "locator")) == [
        (source.url, "p. 1")
    ]
    out = tmp_path / "out.json"
    call_command("export_content", "claims", output=out)
    exported = json.loads(out.read_text())
    assert exported[0]["positions"][0]["sources"] == [{"url": source.url, "locator": "p. 1"}]
    capsys.readouterr()
    call_command("import_content", "claims", str(out))
    assert "1 unchanged" in capsys.readouterr().out


def test_the_claim_form_finds_sources_by_autocomplete(client, editor):
    claim = make_claim()
    SourceFactory(title="Order of the International Court of Justice")
    client.force_login(editor)
    page = client.get(reverse("admin:core_claim_change", args=[claim.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    # Each position's sources are chosen from the sources' autocomplete, the saved ones selected.
    assert 'data-model-name="position"' in html and 'data-field-name="sources"' in html
    assert "Statement by Government of Armenia" in html
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "core", "model_name": "position", "field_name": "sources", "term": "Court"},
    )
    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == [
        "Example News Agency: Order of the International Court of Justice"
    ]


# Found in review ---------------------------------------------------------------------------------


def uncited_claim():
    claim = make_claim("uncited")
    Position.objects.create(claim=claim, holder="Someone", perspective=perspective("academic"),
                            says="Unsourced.")  # fmt: skip
    return claim


def test_the_admin_publish_button_refuses_an_uncited_claim_with_a_message(client, editor):
    from tests.core.test_admin_publishing import submitted

    article = ArticleFactory(status="draft")
    article.claims.add(uncited_claim())
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**submitted(client.get(url), type(article)), "_workflow": "publish"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "has a position with no source (Someone)" in response.content.decode()
    article.refresh_from_db()
    assert article.status == "draft"


@pytest.mark.parametrize(
    "positions, message",
    [
        ([1], "give an object"),
        (["x"], "give an object"),
        ([{"holder": "H", "perspective": ["a"], "says": "S", "sources": []}], "perspective"),
        ([{"holder": "H", "perspective": "court", "says": "S", "sources": [1]}], "a source is"),
        ([{"holder": "H", "perspective": "court", "says": "S", "sources": [{"url": 5}]}],
         "no source has the URL"),
        ([{"holder": "H", "perspective": "court", "says": "S", "sources": "https://x.org"}],
         "sources must be a list"),
        ([{"holder": "H", "perspective": "court", "says": "S\x00", "sources": []}], "NUL"),
        ([{"holder": "H", "perspective": "court", "says": "S",
           "sources": [{"url": "https://example.org/s", "locator": "p" * 101}]}], "100"),
        ("not json [", "not a JSON list"),
    ],
)  # fmt: skip
def test_a_malformed_claims_row_is_a_row_error_never_a_crash(positions, message):
    from karabakh_site.core import importexport

    SourceFactory(url="https://example.org/s")
    rows = [{"slug": "bad", "statement": "Bad", "kind": "fact", "positions": positions}]
    report = importexport.import_text("claims", json.dumps(rows), "json")
    assert not report.ok
    assert message in report.error_text()
    assert not Claim.objects.exists()


def test_claims_round_trip_through_csv_and_keep_ids_locators_and_content(tmp_path):
    from karabakh_site.core import importexport

    claim = make_claim(
        "two", ("Ministry", "government-of-azerbaijan"), ("Ministry", "government-of-azerbaijan")
    )
    first, second = claim.positions.order_by("pk")
    Position.objects.filter(pk=first.pk).update(said_on="2023-01-01", says="First view.")
    Position.objects.filter(pk=second.pk).update(said_on="2023-07-01", says="Second view.")
    PositionSource.objects.filter(position=first).update(locator="para. 12")
    csv_text = importexport.export_text("claims", "csv")
    assert importexport.import_text("claims", csv_text, "csv").ok
    # The file's positions in the other order, their sources as bare URLs (as the demo file).
    rows = json.loads(importexport.export_text("claims", "json"))
    rows[0]["positions"].reverse()
    for position in rows[0]["positions"]:
        position["sources"] = [source["url"] for source in position["sources"]]
    report = importexport.import_text("claims", json.dumps(rows), "json")
    assert report.ok, report.error_text()
    assert Position.objects.get(pk=first.pk).says == "First view."
    assert Position.objects.get(pk=second.pk).says == "Second view."
    assert PositionSource.objects.get(position=first).locator == "para. 12"


def test_sources_cited_only_by_a_public_position_have_their_page(client):
    claim = make_claim()
    source = claim.positions.first().citations.get().source
    assert client.get(source.get_absolute_url()).status_code == 404  # no published item yet
    ArticleFactory().claims.add(claim)
    assert client.get(source.get_absolute_url()).status_code == 200
    page = client.get(claim.get_absolute_url()).content.decode()
    assert source.get_absolute_url() in page


def test_the_api_refuses_a_position_given_twice_and_claims_that_are_not_a_list(editor):
    claim = make_claim()
    position = claim.positions.first()
    source = position.citations.get().source
    body = {"positions": [
        {"id": position.pk, "holder": "A", "perspective": "court", "says": "One.",
         "sources": [{"source_id": source.pk}]},
        {"id": position.pk, "holder": "B", "perspective": "court", "says": "Two.",
         "sources": [{"source_id": source.pk}]},
    ]}  # fmt: skip
    api = token_client(editor)
    response = api.patch(f"/api/v1/claims/{claim.slug}/", body, format="json")
    assert response.status_code == 400 and "given twice" in json.dumps(response.json())
    article = ArticleFactory()
    article.claims.add(claim)
    response = api.patch(f"/api/v1/articles/{article.slug}/", {"claims": {}}, format="json")
    assert response.status_code == 400
    assert list(article.claims.all()) == [claim]
