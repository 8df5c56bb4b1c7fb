"""Conflict-safe editing: when two people edit the same item, the later save is refused with what
the other changed, and neither person's text is lost."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.core.test_publishing_rule import article_form_data
from tests.factories import ArticleFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="editorial_version" value="(\d*)"')


def open_form(client, url) -> str:
    page = client.get(url).content.decode()
    match = TOKEN.search(page)
    assert match, "the change form carries a version token"
    return match.group(1)


def form_data(article, token, **changes):
    citation = article.citations.get()
    publish_at = timezone.localtime(article.publish_at)
    data = article_form_data(
        status=article.status,
        title=changes.get("title", article.title),
        slug=article.slug,
        standfirst=article.standfirst,
        body=changes.get("body", article.body),
        publish_at_0=f"{publish_at:%Y-%m-%d}",
        publish_at_1=f"{publish_at:%H:%M:%S}",
        citations=[citation.source],
        editorial_version=token,
        **{
            "citations-INITIAL_FORMS": "1",
            "citations-0-id": str(citation.pk),
            "citations-0-article": str(article.pk),
        },  # fmt: skip
    )
    return data


@pytest.fixture
def second_editor(db):
    return UserFactory(username="second-editor", groups=["Editors"])


def test_the_later_of_two_edits_is_refused_and_nothing_is_lost(editor, second_editor):
    article = ArticleFactory(title="Ceasefire", body="Agreed on 10 November.[^1]")
    url = reverse("admin:articles_article_change", args=[article.pk])
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    first_token = open_form(first, url)
    second_token = open_form(second, url)
    assert first_token == second_token

    saved = second.post(url, form_data(article, second_token, body="Signed on 9 November.[^1]"))
    assert saved.status_code == 302

    refused = first.post(
        url, form_data(article, first_token, title="Ceasefire of 2020", body="My own rewrite.[^1]")
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Not saved: second-editor saved this article after you opened it" in page
    # What the other person changed, word by word, each change named for screen readers.
    assert '<del><span class="diff-sr">[removed: </span>Agreed <span' in page
    assert '<ins><span class="diff-sr">[added: </span>Signed <span' in page
    assert '<del><span class="diff-sr">[removed: </span>10 <span' in page
    assert "@@" not in page
    # The refused form still holds this editor's text.
    assert 'value="Ceasefire of 2020"' in page
    assert "My own rewrite.[^1]</textarea>" in page

    article.refresh_from_db()
    assert (article.title, article.body) == ("Ceasefire", "Signed on 9 November.[^1]")
    assert article.updated_by == second_editor

    # Saving again from the refused form is a deliberate choice, and goes through.
    new_token = TOKEN.search(page).group(1)
    assert new_token != first_token
    resaved = first.post(
        url, form_data(article, new_token, title="Ceasefire of 2020", body="My own rewrite.[^1]")
    )
    assert resaved.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("Ceasefire of 2020", "My own rewrite.[^1]")
    # Both versions are in the history.
    bodies = list(article.history.values_list("body", flat=True))
    assert "Signed on 9 November.[^1]" in bodies
    assert "My own rewrite.[^1]" in bodies


def test_an_edit_from_the_latest_version_is_saved(client, editor):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(editor)
    token = open_form(client, url)
    response = client.post(url, form_data(article, token, title="Retitled"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Retitled"


def test_a_source_edited_by_two_people_refuses_the_later_save(editor, second_editor):
    source = SourceFactory(title="Report")
    url = reverse("admin:core_source_change", args=[source.pk])
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    token = open_form(first, url)
    open_form(second, url)

    def data(title, version):
        return {
            "title": title,
            "url": source.url,
            "publisher": source.publisher,
            "language": "en",
            "kind": source.kind,
            "url_status": source.url_status,
            "editorial_version": version,
        }

    assert second.post(url, data("Report, corrected title", token)).status_code == 302
    refused = first.post(url, data("Report (my title)", token))
    assert refused.status_code == 200
    assert "Not saved: second-editor saved this source" in refused.content.decode()
    source.refresh_from_db()
    assert source.title == "Report, corrected title"


def resubmitted(refused) -> dict:
    """What the refused page's form sends when saved again as it stands: the main form's fields
    and the citation rows as the page shows them."""
    form = refused.context["adminform"].form
    formset = next(
        inline.formset
        for inline in refused.context["inline_admin_formsets"]
        if inline.formset.prefix == "citations"
    )
    data = {k: v for k, v in form.data.dict().items() if not k.startswith("citations-")}
    data.update({k: v for k, v in formset.data.dict().items() if k.startswith("citations-")})
    return data


def citation_rows(article, token, **changes):
    """form_data() for an article with several citations, each row as saved unless ``quotes``
    (citation pk → quote) says otherwise."""
    quotes = changes.pop("quotes", {})
    citations = list(article.citations.all())
    data = form_data_many(article, token, **changes)
    for index, citation in enumerate(citations):
        data.update(
            {
                f"citations-{index}-id": str(citation.pk),
                f"citations-{index}-article": str(article.pk),
                f"citations-{index}-position": str(index + 1),
                f"citations-{index}-source": str(citation.source_id),
                f"citations-{index}-locator": citation.locator,
                f"citations-{index}-quote": quotes.get(citation.pk, citation.quote),
            }
        )
    data["citations-TOTAL_FORMS"] = str(len(citations))
    data["citations-INITIAL_FORMS"] = str(len(citations))
    return data


def form_data_many(article, token, **changes):
    publish_at = timezone.localtime(article.publish_at)
    return article_form_data(
        status=article.status,
        title=changes.get("title", article.title),
        slug=article.slug,
        standfirst=changes.get("standfirst", article.standfirst),
        body=changes.get("body", article.body),
        publish_at_0=f"{publish_at:%Y-%m-%d}",
        publish_at_1=f"{publish_at:%H:%M:%S}",
        editorial_version=token,
    )


def test_the_conflict_panel_lists_a_citation_change_and_saving_again_keeps_it(
    editor, second_editor
):
    article = ArticleFactory(title="Ceasefire", body="Agreed.[^1] Signed.[^2]", citations=2)
    first_citation, second_citation = article.citations.all()
    url = reverse("admin:articles_article_change", args=[article.pk])
    a, b = Client(), Client()
    a.force_login(second_editor)
    b.force_login(editor)
    token = open_form(a, url)
    assert open_form(b, url) == token
    b_edit = citation_rows(article, token, title="Ceasefire of 1994")  # what B's page holds

    saved = a.post(
        url,
        citation_rows(
            article,
            token,
            standfirst="A new standfirst.",
            quotes={second_citation.pk: "The parties agreed to a ceasefire."},
        ),
    )
    assert saved.status_code == 302

    refused = b.post(url, b_edit)
    page = refused.content.decode()
    assert refused.status_code == 200
    panel = page[page.index('id="edit-conflict"') :]
    assert "Standfirst" in panel
    assert 'Citation [^2]<br><span class="diff-summary">quote changed</span>' in panel

    # Saved again as invited: B's title, and A's standfirst and quote, all kept.
    resaved = b.post(url, resubmitted(refused))
    assert resaved.status_code == 302
    article.refresh_from_db()
    assert article.title == "Ceasefire of 1994"
    assert article.standfirst == "A new standfirst."
    second_citation.refresh_from_db()
    assert second_citation.quote == "The parties agreed to a ceasefire."
    assert article.citations.count() == 2


def test_a_citation_both_editors_changed_keeps_the_later_editors_change(editor, second_editor):
    article = ArticleFactory(body="Agreed.[^1]", citations=1)
    citation = article.citations.get()
    url = reverse("admin:articles_article_change", args=[article.pk])
    a, b = Client(), Client()
    a.force_login(second_editor)
    b.force_login(editor)
    token = open_form(a, url)
    open_form(b, url)
    b_edit = citation_rows(article, token, quotes={citation.pk: "B's quote"})
    a.post(url, citation_rows(article, token, quotes={citation.pk: "A's quote"}))

    refused = b.post(url, b_edit)
    assert "A&#x27;s quote" in refused.content.decode()  # shown in the panel
    assert b.post(url, resubmitted(refused)).status_code == 302
    citation.refresh_from_db()
    assert citation.quote == "B's quote"


def test_markers_of_the_refused_text_follow_a_reorder_made_meanwhile(editor, second_editor):
    article = ArticleFactory(body="Agreed.[^1] Signed.[^2]", citations=2)
    first_citation, second_citation = article.citations.all()
    url = reverse("admin:articles_article_change", args=[article.pk])
    a, b = Client(), Client()
    a.force_login(second_editor)
    b.force_login(editor)
    token = open_form(a, url)
    open_form(b, url)
    swapped = citation_rows(article, token)
    swapped["citations-1-position"] = "1"  # A moves the second citation to the top
    b_edit = citation_rows(article, token, body="Agreed.[^1] Signed.[^2] Later.")
    assert a.post(url, swapped).status_code == 302
    article.refresh_from_db()
    assert article.body == "Agreed.[^2] Signed.[^1]"

    refused = b.post(url, b_edit)
    assert b.post(url, resubmitted(refused)).status_code == 302
    article.refresh_from_db()
    # B's text was written against the old numbers; each claim keeps its source.
    assert article.body == "Agreed.[^2] Signed.[^1] Later."
    assert [c.pk for c in article.citations.all()] == [second_citation.pk, first_citation.pk]


def test_text_taken_from_a_reorder_made_meanwhile_is_not_renumbered_twice(editor, second_editor):
    # B left the body alone, so the refused form takes A's body, already in the new numbering.
    article = ArticleFactory(body="Agreed.[^1] Signed.[^2]", citations=2)
    first_citation, second_citation = article.citations.all()
    url = reverse("admin:articles_article_change", args=[article.pk])
    a, b = Client(), Client()
    a.force_login(second_editor)
    b.force_login(editor)
    token = open_form(a, url)
    open_form(b, url)
    swapped = citation_rows(article, token)
    swapped["citations-1-position"] = "1"
    b_edit = citation_rows(article, token, title="A new title")
    assert a.post(url, swapped).status_code == 302

    refused = b.post(url, b_edit)
    assert b.post(url, resubmitted(refused)).status_code == 302
    article.refresh_from_db()
    assert article.title == "A new title"
    assert article.body == "Agreed.[^2] Signed.[^1]"
    assert [c.pk for c in article.citations.all()] == [second_citation.pk, first_citation.pk]


def test_a_version_token_that_is_not_ascii_digits_is_ignored_not_a_500(client, editor):
    article = ArticleFactory(body="Agreed.[^1]", citations=1)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(editor)
    for token in ("²", "9" * 40):
        response = client.post(url, form_data(article, token, title=f"Title {len(token)}"))
        assert response.status_code == 302, token
