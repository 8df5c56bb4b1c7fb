"""{% share_image %} for templates/includes/meta.html: the page's og:image.

It lives in an app's templatetags (Django finds tag libraries only there); the project package
is not an app, and core must not import the content apps that karabakh_site.share_images uses.
"""

from contextlib import suppress

from django import template
from django.core.exceptions import DisallowedHost

from karabakh_site import share_images

register = template.Library()


@register.simple_tag(takes_context=True)
def share_image(context) -> dict:
    """{"url", "alt", "width", "height"} for the page's object (DetailView's ``object``), or
    the site's card on pages about no single item."""
    path, alt = share_images.image_for(context.get("object"))
    request = context.get("request")
    url = path
    # On the 400 page for a bad Host header a relative URL is better than a 500.
    with suppress(DisallowedHost):
        if request is not None:
            url = request.build_absolute_uri(path)
    return {"url": url, "alt": alt, "width": share_images.WIDTH, "height": share_images.HEIGHT}
