"""Pure helpers for the WordPress REST API (``/wp-json/wp/v2``): find it, build its URLs, parse its answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from transforms.dates import parse_datetime, shift, to_utc

API_REL = "https://api.w.org/"
PER_PAGE = 100
POST_FIELDS = "id,link,type,date_gmt,modified_gmt,author,categories,tags"
TERM_KINDS = ("users", "categories", "tags")
# WordPress compares modified_after with the site's local time: start a day early, then
# the frontier's stored lastmod tells which of the re-listed posts really changed
CURSOR_MARGIN = timedelta(days=1)
_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")


@dataclass(frozen=True)
class RestPost:
    """One post as the REST API lists it; term ids still to be named."""

    id: int
    link: str
    published: str | None  # ISO 8601, UTC
    modified: str | None
    author: int | None
    categories: tuple[int, ...]
    tags: tuple[int, ...]
    type: str | None = None  # the WordPress post type: "post", "page" (a hint of the document's kind)


def root_from_html(html: str, base_url: str) -> str | None:
    """The API root advertised by ``<link rel="https://api.w.org/" href=...>``."""
    try:
        sel = Selector(text=html)
    except (ValueError, TypeError):
        return None
    for link in sel.css("link[href]"):
        if API_REL in (link.attrib.get("rel") or "").split():
            return urljoin(base_url, str(link.attrib["href"]).strip())
    return None


def root_from_link_header(values: list[str], base_url: str) -> str | None:
    """The API root advertised by an HTTP ``Link: <...>; rel="https://api.w.org/"`` header."""
    for value in values:
        for match in _LINK.finditer(value):
            params = match.group(2).lower()
            if re.search(r'rel\s*=\s*"?[^";,]*' + re.escape(API_REL), params):
                return urljoin(base_url, str(match.group(1)).strip())
    return None


def endpoint(root: str, route: str, params: dict[str, str | int]) -> str:
    """An API URL: ``<root>wp/v2/posts?...`` or, for ``?rest_route=/`` roots, ``?rest_route=/wp/v2/posts&...``."""
    parts = urlsplit(root)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    items = sorted((k, str(v)) for k, v in params.items())
    if "rest_route" in query:
        query["rest_route"] = "/" + route.strip("/")
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode([*query.items(), *items]), ""))
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path + route.strip("/"), urlencode(items), ""))


def cursor_param(since: datetime | None) -> str | None:
    """The ``modified_after`` value for a cursor: a day early, as a naive ISO time."""
    if since is None:
        return None
    return shift(to_utc(since), -CURSOR_MARGIN).strftime("%Y-%m-%dT%H:%M:%S")


# the listings read, in order: posts (articles), then WordPress pages (about, history...: their
# ``type`` is ``page``, a hint that they are no articles)
LISTINGS = ("posts", "pages")


def posts_url(root: str, page: int, since: datetime | None, listing: str = "posts") -> str:
    """One page of posts (or of ``pages``), most recently modified first, only those modified after the cursor."""
    params: dict[str, str | int] = {
        "per_page": PER_PAGE,
        "page": page,
        "orderby": "modified",
        "order": "desc",
        "_fields": POST_FIELDS,
    }
    after = cursor_param(since)
    if after:
        params["modified_after"] = after
    return endpoint(root, f"wp/v2/{listing}", params)


def terms_url(root: str, kind: str, ids: list[int]) -> str:
    """Names of up to 100 users, categories or tags by id."""
    params: dict[str, str | int] = {
        "include": ",".join(str(i) for i in sorted(ids)),
        "per_page": PER_PAGE,
        "_fields": "id,name",
    }
    return endpoint(root, f"wp/v2/{kind}", params)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def is_api_index(body: bytes) -> bool:
    """True for a REST API index that serves the ``wp/v2`` namespace."""
    data = _json(body)
    return isinstance(data, dict) and "wp/v2" in (data.get("namespaces") or [])


def gmt(value: Any) -> str | None:
    """A REST ``*_gmt`` field (naive, UTC) as an aware ISO string."""
    parsed = parse_datetime(value)  # the one date parser: never raises, clamps what UTC cannot hold
    return parsed.isoformat() if parsed else None


def _ids(value: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in value if isinstance(v, int)) if isinstance(value, list) else ()


def parse_posts(body: bytes) -> list[RestPost] | None:
    """The posts of a ``wp/v2/posts`` answer, or None when it is not a JSON list."""
    data = _json(body)
    if not isinstance(data, list):
        return None
    posts = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("link"), str) or not isinstance(item.get("id"), int):
            continue
        author = item.get("author")
        posts.append(
            RestPost(
                id=item["id"],
                link=item["link"],
                published=gmt(item.get("date_gmt")),
                modified=gmt(item.get("modified_gmt")),
                author=author if isinstance(author, int) and author > 0 else None,
                categories=_ids(item.get("categories")),
                tags=_ids(item.get("tags")),
                type=item["type"] if isinstance(item.get("type"), str) else None,
            )
        )
    return posts


def parse_terms(body: bytes) -> dict[str, str] | None:
    """{id: name} of a users/categories/tags answer, or None when it is not a JSON list."""
    data = _json(body)
    if not isinstance(data, list):
        return None
    return {
        str(item["id"]): str(item["name"])
        for item in data
        if isinstance(item, dict) and isinstance(item.get("id"), int) and item.get("name")
    }


def total_pages(value: str | None) -> int:
    """The ``X-WP-TotalPages`` header as a number (1 when absent or garbled)."""
    try:
        return max(1, int((value or "1").strip()))
    except ValueError:
        return 1


def resolve(post: RestPost, names: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A post with names for its ids (unknown ids are left out): the row of ``rest.jsonl``."""

    def named(kind: str, ids: tuple[int, ...]) -> list[str]:
        known = names.get(kind, {})
        return [known[str(i)] for i in ids if str(i) in known]

    return {
        "id": post.id,
        "url": post.link,
        "published": post.published,
        "modified": post.modified,
        "authors": named("users", (post.author,) if post.author else ()),
        "categories": named("categories", post.categories),
        "tags": named("tags", post.tags),
        "type": post.type,
    }
