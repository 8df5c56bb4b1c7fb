"""schema.org structured data for reader pages, built as plain dicts so views and tests can read
them; templates serialise them with the ``jsonld`` filter."""

from .templatetags.site import iso_at_precision, text_of

PUBLISHER = {"@type": "Organization", "name": "Karabakh Archive"}


def _plain(html: str, limit: int = 300) -> str:
    text = text_of(html)  # JSON-LD holds text, not HTML
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def breadcrumbs(request, crumbs: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def source_citation(source) -> dict:
    data = {"@type": "CreativeWork", "name": source.title, "url": source.url}
    if source.publisher:
        data["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.author:
        data["author"] = {"@type": "Person", "name": source.author}
    if source.published_date:
        data["datePublished"] = source.published_date.isoformat()
    if source.language:
        data["inLanguage"] = source.language
    if source.archived_url:
        data["archivedAt"] = source.archived_url
    return data


def claims(request, claims) -> list[dict]:
    """Each position on the item's contested claims ("Who says what") as a schema.org Claim: what
    its holder says (``text``, ``author``), about the statement in dispute (``name``), and where
    it appears (``appearance``, the position's sources). Empty for an item with none."""
    found = []
    for claim in claims:
        url = request.build_absolute_uri(claim.get_absolute_url())
        for position in claim.positions.all():
            appearance = [source_citation(cited.source) for cited in position.citations.all()]
            data = {
                "@type": "Claim",
                "name": claim.statement,
                "url": url,
                "text": position.says,
                "author": {"@type": "Organization", "name": position.holder},
                "appearance": appearance,
            }
            if appearance:
                data["firstAppearance"] = appearance[0]
            if position.said_on:
                data["dateCreated"] = position.said_on.isoformat()
            found.append(data)
    return found


def news_article(request, article, citations) -> dict:
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.standfirst,
        "url": url,
        "mainEntityOfPage": url,
        "author": {"@type": "Organization", "name": article.byline},
        "publisher": PUBLISHER,
        "dateModified": article.updated_at.isoformat(),
        "citation": [source_citation(citation.source) for citation in citations],
        "about": [topic.name for topic in article.topics.all()],
        "inLanguage": article.content_language,
    }
    if positions := claims(request, article.claims.all()):
        data["mentions"] = positions
    if article.publish_at:
        data["datePublished"] = article.publish_at.isoformat()
    return data


def faq_page(request, entries) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": request.build_absolute_uri(request.path),
        "mainEntity": [
            {
                "@type": "Question",
                "name": entry.question,
                "inLanguage": entry.content_language,
                "url": request.build_absolute_uri(entry.get_absolute_url()),
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": _plain(entry.answer_html, 1000),
                    "citation": [source_citation(c.source) for c in entry.citations.all()],
                    **_mentions(request, entry),
                },
            }
            for entry in entries
        ],
    }


def _mentions(request, item) -> dict:
    # Only where the page prefetched the item's claims (core.claims.claims_prefetch): a list
    # that did not would run a query per item.
    if "claims" not in getattr(item, "_prefetched_objects_cache", {}):
        return {}
    positions = claims(request, item.claims.all())
    return {"mentions": positions} if positions else {}


def event(request, entry, *, with_context: bool = True) -> dict:
    data = {
        "@type": "Event",
        "name": entry.title,
        "url": request.build_absolute_uri(entry.get_absolute_url()),
        "description": _plain(entry.summary_html),
        "startDate": iso_at_precision(entry.date, entry.date_precision),
        "inLanguage": entry.content_language,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if with_context:
        data = {"@context": "https://schema.org", **data}
        data["citation"] = [source_citation(c.source) for c in entry.citations.all()]
        if positions := claims(request, entry.claims.all()):
            data["subjectOf"] = positions
    if entry.end_date:
        data["endDate"] = iso_at_precision(entry.end_date, entry.end_precision)
    if entry.place:
        place = {"@type": "Place", "name": entry.place.display_name}
        if entry.place.latitude is not None and entry.place.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(entry.place.latitude),
                "longitude": float(entry.place.longitude),
            }
        place["alternateName"] = [name for _, _, name in entry.place.other_names]
        data["location"] = place
    return data


def timeline_item_list(request, entries) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": "Timeline of the Nagorno-Karabakh conflict",
        "url": request.build_absolute_uri(request.path),
        "numberOfItems": len(entries),
        "itemListOrder": "https://schema.org/ItemListOrderAscending",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "item": event(request, entry, with_context=False),
            }
            for position, entry in enumerate(entries, start=1)
        ],
    }


def item_list(request, name: str, objects) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": name,
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "url": request.build_absolute_uri(obj.get_absolute_url()),
                "name": str(getattr(obj, "title", obj)),
            }
            for position, obj in enumerate(objects, start=1)
        ],
    }
