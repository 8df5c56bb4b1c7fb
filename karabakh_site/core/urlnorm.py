"""URL normalisation for sources, so one document is recorded once."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Tracking parameters say where a reader came from, not which document it is.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = {"fbclid", "gclid", "mc_cid", "mc_eid", "ocid"}


def normalise_url(url: str) -> str:
    """The URL as stored: lower-case scheme and host, no default port, fragment or tracking query."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    netloc = host
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith(_TRACKING_PREFIXES) and key.lower() not in _TRACKING_NAMES
        ]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def url_key(url: str) -> str:
    """What two URLs of the same document share: no scheme, no "www.", no trailing slash."""
    parts = urlsplit(normalise_url(url))
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    key = f"{host}{path}"
    if parts.query:
        key += f"?{parts.query}"
    return key
