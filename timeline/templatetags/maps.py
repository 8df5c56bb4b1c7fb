"""{% region_map %} for templates/includes/map.html (geometry from timeline.maps)."""

from django import template

from timeline import maps

register = template.Library()


@register.simple_tag
def region_map(places=None, highlight=None):
    """The map of ``places`` (or of ``highlight`` alone), or None when none of them is inside it,
    so a page about a place far from the region shows no empty map."""
    highlight = highlight or None  # an unset template variable arrives as ""
    if not places:
        places = [highlight] if highlight is not None else []
    result = maps.region_map(places, highlight=highlight)
    return result if result.markers else None
