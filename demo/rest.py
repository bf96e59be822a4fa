"""The WordPress REST API of a demo site: /wp-json/ and wp/v2 posts, pages, users, categories and tags.

Shaped like WordPress 6: ``page``/``per_page`` (at most 100), ``orderby`` (date, modified, id,
title), ``order``, ``after``/``modified_after`` (a naive time is the site's local time, as in
WordPress), ``include``, ``_fields``; ``X-WP-Total``/``X-WP-TotalPages`` and ``Link`` headers;
WordPress' JSON error bodies. A site without the API answers 401 ``rest_login_required``, as
with the plugins that turn it off.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from demo.model import DemoArticle, DemoPage
from demo.templates import SiteView, esc, excerpt

JsonResponse = tuple[int, list[tuple[str, str]], bytes]
MAX_PER_PAGE = 100


def _offset(site_tz: str) -> timezone:
    sign = -1 if site_tz.startswith("-") else 1
    hours, minutes = site_tz.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def _local(dt: datetime, tz: timezone) -> str:
    return dt.astimezone(tz).replace(tzinfo=None).isoformat(timespec="seconds")


def _gmt(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _json(status: int, data: Any, headers: list[tuple[str, str]] | None = None) -> JsonResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    base = [
        ("Content-Type", "application/json; charset=UTF-8"),
        ("X-Robots-Tag", "noindex"),
        ("X-Content-Type-Options", "nosniff"),
        ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
    ]
    return status, base + (headers or []), body


def _error(status: int, code: str, message: str) -> JsonResponse:
    return _json(status, {"code": code, "message": message, "data": {"status": status}})


class RestApi:
    """Answers /wp-json/ requests of one site view; ``content`` renders a post's HTML body."""

    def __init__(self, view: SiteView, content: Callable[[DemoArticle], str]) -> None:
        self.v = view
        self.content = content
        self.tz = _offset(view.site.timezone)

    def handle(self, route: str, query: dict[str, list[str]]) -> JsonResponse:
        if not self.v.site.rest_api:
            return _error(401, "rest_login_required", "REST API restricted to authenticated users.")
        route = "/" + route.strip("/")
        params = {k: v[0] for k, v in query.items() if k != "rest_route"}
        if route == "/":
            return _json(200, self._index())
        if route == "/wp/v2":
            return _json(200, {"namespace": "wp/v2", "routes": {}})
        parts = route.strip("/").split("/")
        if len(parts) in (3, 4) and parts[:2] == ["wp", "v2"]:
            kind = parts[2]
            if kind in ("posts", "pages", "users", "categories", "tags"):
                if len(parts) == 4:
                    return self._single(kind, parts[3], params)
                return self._collection(kind, params)
        return _error(404, "rest_no_route", "No route was found matching the URL and request method.")

    # ------------------------------------------------------------ objects

    def _index(self) -> dict[str, Any]:
        return {
            "name": self.v.site.name,
            "description": self.v.site.description,
            "url": self.v.base,
            "home": self.v.base,
            "gmt_offset": self.tz.utcoffset(None).total_seconds() / 3600,
            "timezone_string": "",
            "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"],
            "authentication": [],
            "routes": {
                "/wp/v2/posts": {"namespace": "wp/v2", "methods": ["GET"]},
                "/wp/v2/pages": {"namespace": "wp/v2", "methods": ["GET"]},
            },
        }

    def _post(self, art: DemoArticle) -> dict[str, Any]:
        v = self.v
        return {
            "id": art.post_id,
            "date": _local(art.published, self.tz),
            "date_gmt": _gmt(art.published),
            "guid": {"rendered": v.url(f"/?p={art.post_id}")},
            "modified": _local(art.last_modified, self.tz),
            "modified_gmt": _gmt(art.last_modified),
            "slug": art.path.rstrip("/").rsplit("/", 1)[-1],
            "status": "publish",
            "type": "post",
            "link": v.url(art.path),
            "title": {"rendered": art.title},
            "content": {"rendered": self.content(art), "protected": False},
            "excerpt": {"rendered": f"<p>{excerpt(art, 55, ' [&hellip;]')}</p>\n", "protected": False},
            "author": v.term_id(art.authors[0]) if art.authors else 0,
            "featured_media": 0,
            "comment_status": "open" if art.comments_open else "closed",
            "ping_status": "open",
            "sticky": False,
            "template": "",
            "format": "standard",
            "meta": [],
            "categories": [v.term_id(c) for c in art.categories],
            "tags": [v.term_id(t) for t in art.tags],
            "_links": {"self": [{"href": v.url(f"/wp-json/wp/v2/posts/{art.post_id}")}]},
        }

    def _page(self, page: DemoPage) -> dict[str, Any]:
        """A static page as WordPress lists it under wp/v2/pages: ``type`` page, no terms."""
        v = self.v
        body = "".join(f"<p>{esc(p)}</p>\n" for p in page.paragraphs)
        return {
            "id": page.post_id,
            "date": _local(page.published, self.tz),
            "date_gmt": _gmt(page.published),
            "guid": {"rendered": v.url(f"/?page_id={page.post_id}")},
            "modified": _local(page.modified, self.tz),
            "modified_gmt": _gmt(page.modified),
            "slug": page.path.rstrip("/").rsplit("/", 1)[-1],
            "status": "publish",
            "type": "page",
            "link": v.url(page.path),
            "title": {"rendered": page.title},
            "content": {"rendered": body, "protected": False},
            "author": 0,
            "parent": 0,
            "menu_order": 0,
            "template": "",
            "meta": [],
            "_links": {"self": [{"href": v.url(f"/wp-json/wp/v2/pages/{page.post_id}")}]},
        }

    def _terms(self, kind: str) -> list[dict[str, Any]]:
        v = self.v
        if kind == "users":
            return [
                {
                    "id": v.term_id(name),
                    "name": name,
                    "url": "",
                    "description": "",
                    "link": v.url(v.author_path(name)),
                    "slug": v.slug(name),
                }
                for name, _ in v.authors
            ]
        names, path, taxonomy = (
            (v.categories, v.category_path, "category") if kind == "categories" else (v.tags, v.tag_path, "post_tag")
        )
        return [
            {
                "id": v.term_id(name),
                "count": count,
                "description": "",
                "link": v.url(path(name)),
                "name": name,
                "slug": v.slug(name),
                "taxonomy": taxonomy,
                "meta": [],
            }
            for name, count in names
        ]

    # ------------------------------------------------------------ queries

    def _when(self, value: str) -> datetime | None:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed.replace(tzinfo=self.tz) if parsed.tzinfo is None else parsed

    @staticmethod
    def _fields(item: dict[str, Any], fields: str | None) -> dict[str, Any]:
        if not fields:
            return item
        wanted = [f.strip() for f in fields.split(",") if f.strip()]
        return {k: item[k] for k in wanted if k in item}

    def _single(self, kind: str, ident: str, params: dict[str, str]) -> JsonResponse:
        if kind == "posts":
            art = next((a for a in self.v.site.articles if str(a.post_id) == ident), None)
            if art is None:
                return _error(404, "rest_post_invalid_id", "Invalid post ID.")
            return _json(200, self._fields(self._post(art), params.get("_fields")))
        if kind == "pages":
            page = next((p for p in self.v.site.pages if str(p.post_id) == ident), None)
            if page is None:
                return _error(404, "rest_post_invalid_id", "Invalid post ID.")
            return _json(200, self._fields(self._page(page), params.get("_fields")))
        item = next((t for t in self._terms(kind) if str(t["id"]) == ident), None)
        if item is None:
            code = "rest_user_invalid_id" if kind == "users" else "rest_term_invalid"
            return _error(404, code, "Invalid ID." if kind == "users" else "Term does not exist.")
        return _json(200, self._fields(item, params.get("_fields")))

    def _collection(self, kind: str, params: dict[str, str]) -> JsonResponse:
        try:
            page = int(params.get("page", "1"))
            per_page = int(params.get("per_page", "10"))
        except ValueError:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): page, per_page")
        if per_page < 1 or per_page > MAX_PER_PAGE or page < 1:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        if kind in ("posts", "pages"):
            items = self._posts(params) if kind == "posts" else self._pages(params)
            if isinstance(items, tuple):
                return items
        else:
            items = self._terms(kind)
        if params.get("include"):
            ids = {i.strip() for i in params["include"].split(",")}
            items = [i for i in items if str(i["id"]) in ids]
        total = len(items)
        pages = max(1, math.ceil(total / per_page)) if total else 0
        if page > max(pages, 1):
            code = "rest_post_invalid_page_number" if kind in ("posts", "pages") else "rest_invalid_page_number"
            return _error(400, code, "The page number requested is larger than the number of pages available.")
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
        links = []
        base = {k: v for k, v in params.items() if k != "page"}
        if page > 1:
            links.append(f'<{self._url(kind, {**base, "page": str(page - 1)})}>; rel="prev"')
        if page < pages:
            links.append(f'<{self._url(kind, {**base, "page": str(page + 1)})}>; rel="next"')
        if links:
            headers.append(("Link", ", ".join(links)))
        return _json(200, [self._fields(i, params.get("_fields")) for i in chunk], headers)

    def _url(self, kind: str, params: dict[str, str]) -> str:
        return self.v.url(f"/wp-json/wp/v2/{kind}") + "?" + urlencode(sorted(params.items()))

    def _posts(self, params: dict[str, str]) -> list[dict[str, Any]] | JsonResponse:
        return self._listing(list(self.v.site.articles), params, "last_modified", self._post)

    def _pages(self, params: dict[str, str]) -> list[dict[str, Any]] | JsonResponse:
        return self._listing(list(self.v.site.pages), params, "modified", self._page)

    def _listing(
        self, items: list[Any], params: dict[str, str], modified: str, render: Callable[[Any], dict[str, Any]]
    ) -> list[dict[str, Any]] | JsonResponse:
        """Posts or pages filtered by ``after`` / ``modified_after`` and sorted as WordPress does."""
        for name, attr in (("after", "published"), ("modified_after", modified)):
            if params.get(name):
                when = self._when(params[name])
                if when is None:
                    return _error(400, "rest_invalid_param", f"Invalid parameter(s): {name}")
                items = [i for i in items if getattr(i, attr) > when]
        orderby = params.get("orderby", "date")
        keys: dict[str, Callable[[Any], Any]] = {
            "date": lambda i: (i.published, i.post_id),
            "modified": lambda i: (getattr(i, modified), i.post_id),
            "id": lambda i: i.post_id,
            "title": lambda i: i.title,
        }
        if orderby not in keys:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): orderby")
        items.sort(key=keys[orderby], reverse=params.get("order", "desc") != "asc")
        return [render(i) for i in items]
