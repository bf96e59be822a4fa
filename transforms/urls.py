"""The one URL canonicalization: a page's identity everywhere (discovery, the frontier, the warehouse)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# click and campaign identifiers: they name how a reader arrived, never which page it is
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "yclid", "msclkid", "mc_cid", "mc_eid"}
    | {"_ga", "_gl", "igshid", "ref_src", "ysclid", "from_rss"}
)


def is_tracking(key: str) -> bool:
    """A query parameter that only tracks (``utm_*`` and the click identifiers above)."""
    k = key.lower()
    return k.startswith("utm_") or k in TRACKING_PARAMS


def drop_tracking(query: str) -> str:
    """The query without its tracking parameters (unchanged when it has none)."""
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not is_tracking(k)]
    return query if len(kept) == len(pairs) else urlencode(kept)


@lru_cache(maxsize=16384)  # a pure function of the string, asked again for the same URLs at every stage
def canonicalize(url: str) -> str:
    """One canonical form per URL: tracking parameters and fragment dropped, scheme and host
    lower-cased, default port removed, query sorted, percent-encoding normalized (Cyrillic paths
    become their UTF-8 percent-encoding), an empty path ``/``. What is no URL comes back stripped."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
        cleaned = urlunsplit((parts.scheme, parts.netloc, parts.path, drop_tracking(parts.query), ""))
        parts = urlsplit(canonicalize_url(cleaned, keep_fragments=False))
    except ValueError:
        return text
    host = (parts.hostname or "").lower()
    scheme = parts.scheme.lower()
    keep_port = port is not None and (scheme, port) not in (("http", 80), ("https", 443))
    netloc = f"{host}:{port}" if keep_port else host
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
