"""URL normalisation for sources, so one document is recorded once, and every stored URL is a
valid RFC 3986 URI (the API promises ``format: uri``; other programs read these too)."""

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import idna

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Tracking parameters say where a reader came from, not which document it is.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = {"fbclid", "gclid", "mc_cid", "mc_eid", "ocid"}

# What RFC 3986 allows unencoded in a path (pchar and "/"), plus "%" for what is already encoded;
# a query and a fragment may also hold "?" (and "/", already in).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PERCENT_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


def _encode(part: str, safe: str) -> str:
    """``part`` with everything RFC 3986 does not allow there percent-encoded (UTF-8): spaces,
    ``"<>\\^`{|}``, non-ASCII. What is already encoded stays, with upper-case hex (RFC 3986
    6.2.2.1, so two spellings share a key); a "%" that starts no escape becomes "%25"."""
    part = quote(_STRAY_PERCENT.sub("%25", part), safe=safe)
    return _PERCENT_ENCODED.sub(lambda match: match.group().upper(), part)


def _netloc(parts, *, drop_default_port: bool) -> str:
    """Lower-case host, internationalised names as punycode (a URI is ASCII; IDNA 2008 with
    UTS 46 mapping, as browsers do), IPv6 literals in brackets. User names and passwords are
    dropped: a citation needs none, and a stored password would be shown to every reader."""
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    elif not host.isascii():
        # idna.IDNAError is a ValueError: clean() reports it as an invalid URL.
        host = idna.encode(host, uts46=True).decode("ascii")
    port = parts.port  # ValueError past 65535
    if port and not (drop_default_port and port == _DEFAULT_PORTS.get(parts.scheme.lower())):
        return f"{host}:{port}"
    return host


def encode_uri(url: str) -> str:
    """``url`` as a valid URI, meaning unchanged: scheme and host lower-case, the host as
    punycode, path, query and fragment percent-encoded where RFC 3986 requires. For URLs that
    must stay exactly as given otherwise (an archived copy keeps its query and fragment)."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    return urlunsplit(
        (
            parts.scheme.lower(),
            _netloc(parts, drop_default_port=False),
            _encode(parts.path, _PATH_SAFE),
            _encode(parts.query, _QUERY_SAFE),
            _encode(parts.fragment, _QUERY_SAFE),
        )
    )


def normalise_url(url: str) -> str:
    """The URL as stored: a valid URI (see encode_uri), with no default port, fragment or
    tracking query."""
    parts = urlsplit(url.strip())
    # urlencode percent-encodes every name and value (spaces as "+"), so the query is valid.
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith(_TRACKING_PREFIXES) and key.lower() not in _TRACKING_NAMES
        ]
    )
    return urlunsplit(
        (
            parts.scheme.lower(),
            _netloc(parts, drop_default_port=True),
            _encode(parts.path or "/", _PATH_SAFE),
            query,
            "",
        )
    )


def url_key(url: str) -> str:
    """What two URLs of the same document share: no scheme, no "www.", no trailing slash."""
    parts = urlsplit(normalise_url(url))
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    key = f"{host}{path}"
    if parts.query:
        key += f"?{parts.query}"
    return key
