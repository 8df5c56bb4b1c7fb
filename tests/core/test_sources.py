import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from karabakh_site.core.models import Source
from karabakh_site.core.urlnorm import normalise_url, url_key
from tests.factories import ArticleFactory, SourceFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db


def test_urls_are_normalised_on_save():
    source = SourceFactory(url="  HTTPS://Example.ORG:443/Report?utm_source=x&id=7#top ")
    assert source.url == "https://example.org/Report?id=7"


@pytest.mark.parametrize(
    "variant",
    [
        "http://example.org/report",
        "https://www.example.org/report/",
        "https://example.org/report#x",
    ],
)
def test_spellings_of_the_same_url_share_a_key(variant):
    assert url_key(variant) == url_key("https://example.org/report")


def test_a_second_source_with_the_same_url_is_refused_naming_the_first():
    first = SourceFactory(url="https://example.org/report", title="The report")
    duplicate = Source(url="https://www.example.org/report/", title="Again", publisher="X")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    message = error.value.message_dict["url"][0]
    assert f"#{first.pk}" in message
    assert "The report" in message


def test_a_cited_source_cannot_be_deleted():
    article = ArticleFactory()
    source = article.citations.get().source
    with pytest.raises(ProtectedError):
        source.delete()
    assert Source.objects.filter(pk=source.pk).exists()


def test_an_uncited_source_can_be_deleted():
    source = SourceFactory()
    source.delete()
    assert not Source.objects.exists()


def test_the_admin_lists_everything_that_cites_a_source(client, superuser):
    article = ArticleFactory(title="An article")
    source = article.citations.get().source
    entry = TimelineEntryFactory(title="An event", citations=0, status="draft", summary="x")
    entry.citations.create(source=source, position=1)
    client.force_login(superuser)
    page = client.get(reverse("admin:core_source_change", args=[source.pk])).content.decode()
    assert "An article" in page
    assert "An event" in page


def test_the_admin_refuses_to_delete_a_cited_source_and_says_where_it_is_cited(client, superuser):
    article = ArticleFactory(title="An article")
    source = article.citations.get().source
    client.force_login(superuser)
    url = reverse("admin:core_source_delete", args=[source.pk])
    page = client.get(url).content.decode()
    assert "protected" in page
    assert "An article" in page
    client.post(url, {"post": "yes"})
    assert Source.objects.filter(pk=source.pk).exists()


def test_an_archive_date_needs_an_archived_url():
    source = SourceFactory.build(archived_date="2024-01-01", archived_url="")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "archived_date" in error.value.message_dict


def test_normalise_url_keeps_a_non_default_port():
    assert normalise_url("http://example.org:8080/a") == "http://example.org:8080/a"


def test_a_url_with_an_impossible_port_is_a_validation_error_not_a_crash():
    source = Source(url="https://example.com:99999/x", title="T", publisher="P")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "url" in error.value.message_dict
