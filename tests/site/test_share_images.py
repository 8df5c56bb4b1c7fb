import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from PIL import Image

from karabakh_site import share_images
from karabakh_site.core.models import Publishable
from tests.factories import (
    ArticleFactory,
    FAQEntryFactory,
    PlaceFactory,
    TimelineEntryFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def og_image(client, url):
    html = client.get(url).text
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert f'<meta name="twitter:image" content="{image}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert '<meta property="og:image:alt" content="' in html
    return image.removeprefix("http://testserver")


def png(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (1200, 630)
    return image


def shusha():
    return PlaceFactory(latitude=Decimal("39.759167"), longitude=Decimal("46.748611"))


def test_every_page_kind_has_a_share_image_that_is_a_png(client):
    entry = TimelineEntryFactory(place=shusha())
    entry.topics.add(TopicFactory(slug="war"))
    article = ArticleFactory()
    faq = FAQEntryFactory()
    pages = [
        "/en/",
        "/en/articles/",
        "/en/timeline/",
        "/en/timeline/map/",
        article.get_absolute_url(),
        entry.get_absolute_url(),
        faq.get_absolute_url(),
        "/en/timeline/places/shusha/",
        "/en/topics/war/",
    ]
    images = {page: og_image(client, page) for page in pages}
    for image in images.values():
        png(client.get(image))
    assert images["/en/"] == images["/en/articles/"]  # list pages share the site's card
    assert images[entry.get_absolute_url()].startswith(f"/share/timeline/{entry.slug}/")
    assert images[article.get_absolute_url()].startswith(f"/share/article/{article.slug}/")
    assert images["/en/timeline/places/shusha/"].startswith("/share/place/shusha/")


def test_an_event_card_shows_its_date_and_the_map_of_its_place():
    with_map = share_images.Card(title="Shusha", kicker="Event", date="8–9 May 1992")
    assert share_images.render(with_map) != share_images.render(
        share_images.Card(title="Shusha", kicker="Event")
    )
    entry = TimelineEntryFactory(place=shusha(), date=datetime.date(1992, 5, 9))
    card = share_images.share_kinds()["timeline"].card(entry)
    assert card.date == "9 May 1992" and card.point is not None
    assert "with a map marking Shusha / Shushi" in card.alt
    image = Image.open(io.BytesIO(share_images.render(card)))
    # The marker is drawn in the accent colour somewhere on the map's side of the card.
    right = image.crop((600, 100, 1200, 560)).getcolors(100_000)
    assert any(colour == share_images.ACCENT for _, colour in right)


def test_a_drafts_share_image_is_not_found_and_its_page_uses_the_sites(client, editor):
    draft = TimelineEntryFactory(title="Secret title", status=Publishable.Status.DRAFT)
    card = share_images.share_kinds()["timeline"].card(draft)
    url = f"/share/timeline/{draft.slug}/{card.version}.png"
    assert client.get(url).status_code == 404
    client.force_login(editor)
    image = og_image(client, draft.get_absolute_url())  # the staff preview
    assert image.startswith("/share/site-")
    assert client.get(url).status_code == 404  # staff too: the image is for sharing


def test_an_edit_changes_the_url_and_the_old_one_redirects_to_the_new(client):
    entry = TimelineEntryFactory(title="First title")
    old = og_image(client, entry.get_absolute_url())
    png(client.get(old))
    entry.title = "Second title"
    entry.save()
    new = og_image(client, entry.get_absolute_url())
    assert new != old
    response = client.get(old)
    assert response.status_code == 302 and response["Location"] == new
    assert "no-cache" in response["Cache-Control"]
    png(client.get(new))


def test_images_are_cached_and_answer_conditional_requests(client, django_assert_max_num_queries):
    entry = TimelineEntryFactory()
    url = og_image(client, entry.get_absolute_url())
    first = client.get(url)
    assert "public" in first["Cache-Control"] and "max-age=3600" in first["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    drawn = []
    original = share_images.render
    share_images.render = lambda card: drawn.append(card) or original(card)
    try:
        assert client.get(url).content == first.content
    finally:
        share_images.render = original
    assert drawn == []  # the second request came from the shared cache


def test_unknown_kinds_and_keys_are_404_not_500(client):
    assert client.get("/share/nothing/x/abc.png").status_code == 404
    assert client.get("/share/timeline/no-such-event/abc.png").status_code == 404
    assert client.post("/share/site-abc.png").status_code == 405


def test_a_long_title_with_other_scripts_still_fits(client):
    card = share_images.Card(title="Şuşa Шуша Շուշի " * 20, kicker="Place")
    image = Image.open(io.BytesIO(share_images.render(card)))
    assert image.size == (1200, 630)
