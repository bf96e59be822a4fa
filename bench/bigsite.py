"""A large WordPress-like site for throughput benchmarks, generated deterministically and served on loopback.

``build_site(n)`` makes ``n`` posts whose paragraphs are recombined sentences of the real news
articles in ``../shared/benchmarks/news-dev`` (seven languages), so that every paragraph is
unique (no line of a post looks like site boilerplate) while the text is real prose of real
length. The posts are rendered by the demo's WordPress theme (``demo/theme_kprf.py``: menus,
sidebar, comments, share buttons, JSON-LD, WordPress core sitemaps under a sitemap index), and
each page gets a block of WordPress-style inline CSS so that pages weigh 42-121 KB, like real
WordPress pages do. The REST API answers 401: discovery goes through the sitemap index.

    .venv/bin/python bench/bigsite.py --n 1000 --port 8790     # serve until interrupted
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from datetime import UTC, datetime, timedelta
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo import sitemaps  # noqa: E402
from demo.app import Response, SiteApp  # noqa: E402
from demo.content import slugify  # noqa: E402
from demo.model import DemoArticle, DemoBlock, DemoImage, DemoSite  # noqa: E402
from demo.server import send  # noqa: E402
from demo.templates import SiteView  # noqa: E402

NEWS_DEV = ROOT.parent / "shared" / "benchmarks" / "news-dev" / "ground-truth.json"
LANGUAGES = ("de", "en", "es", "fr", "ja", "ko", "tr")
SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|(?<=。)")
WP_SITEMAP_MAX_URLS = 2000  # WordPress core's wp_sitemaps_get_max_urls()
SIZE_RANGE = (42_000, 121_000)  # bytes of a rendered page


def sentence_pools(path: Path = NEWS_DEV) -> dict[str, list[str]]:
    """Sentences of the benchmark's article bodies, per language (sorted: the same in every process)."""
    truth: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    pools: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for page in truth.values():
        lang = page.get("language")
        if lang not in pools:
            continue
        for line in str(page.get("articleBody") or "").splitlines():
            for sentence in SENTENCE_END.split(line.strip()):
                if 40 <= len(sentence) <= 400:
                    pools[lang].add(sentence.strip())
    return {lang: sorted(found) for lang, found in pools.items() if found}


def _paragraph(rng: random.Random, pool: list[str], lang: str) -> str:
    glue = "" if lang in ("ja",) else " "
    return glue.join(rng.sample(pool, k=rng.randint(2, 4)))


def _article(i: int, rng: random.Random, pools: dict[str, list[str]], published: datetime) -> DemoArticle:
    langs = sorted(pools)
    lang = langs[i % len(langs)]
    pool = pools[lang]
    title = rng.choice(pool)[:90].rstrip(" ,;:") + f" ({i + 1})"
    n_par = rng.choice((3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 19, 22))
    blocks: list[DemoBlock] = []
    for k in range(n_par):
        if k and k % 6 == 0:
            blocks.append(DemoBlock("h2", rng.choice(pool)[:80]))
        blocks.append(DemoBlock("p", _paragraph(rng, pool, lang)))
    if rng.random() < 0.5:
        src = f"/wp-content/uploads/{published:%Y/%m}/bench-{i + 1}.jpg"
        image = DemoImage(src, rng.choice(pool)[:60], rng.choice(pool)[:120])
        blocks.insert(1, DemoBlock("figure", image=image, width=1600, height=1067))
    modified = published + timedelta(hours=rng.randint(1, 400)) if rng.random() < 0.4 else None
    slug = slugify(title) or "post"
    return DemoArticle(
        key=f"bench-{i + 1}",
        path=f"/{published:%Y/%m/%d}/{slug}-{i + 1}/",
        title=title,
        authors=(f"Author {rng.randint(1, 40)}",),
        published=published,
        modified=modified,
        language=lang,
        categories=(f"Section {rng.randint(1, 12)}",),
        tags=tuple(sorted({f"Topic {rng.randint(1, 150)}" for _ in range(rng.randint(1, 4))})),
        paragraphs=tuple(b.text for b in blocks if b.kind != "figure"),
        images=tuple(b.image for b in blocks if b.image is not None),
        republished_key=None,
        post_id=1000 + 3 * i,
        blocks=tuple(blocks),
        comments_open=False,
    )


def build_site(n: int, seed: int = 2026, extra: int = 0) -> DemoSite:
    """``n`` posts published over three years, oldest first (post ids grow with the date), then
    ``extra`` newer posts, one an hour; the first ``n`` do not depend on ``extra`` (a site that
    grew since the last night)."""
    pools = sentence_pools()
    rng = random.Random(seed)
    start, span = datetime(2023, 1, 1, 8, tzinfo=UTC), 3 * 365 * 24 * 3600
    stamps = sorted(rng.randrange(span) for _ in range(n))
    stamps += [span + 3600 * (k + 1) for k in range(extra)]
    articles = [_article(i, rng, pools, start + timedelta(seconds=s)) for i, s in enumerate(stamps)]
    return DemoSite(
        key="kprf_demo",  # the theme: WordPress core sitemaps, menus, sidebar, footer
        name="Bench News",
        language="de",
        articles=tuple(articles),
        boilerplate=(),
        description="A generated news site for throughput benchmarks",
        rest_api=False,
        timezone="+00:00",
    )


def inline_css(path: str, size: int) -> str:
    """WordPress-style global styles of about ``size`` characters, different per page."""
    digest = hashlib.sha256(path.encode()).hexdigest()
    rules, total, k = [], 0, 0
    while total < size:
        color = digest[(k * 6) % 58 : (k * 6) % 58 + 6]
        rule = (
            f".wp-block-group.is-layout-flex.has-global-padding-{k}{{--wp--preset--color--c{k}:#{color};"
            f"padding-top:var(--wp--preset--spacing--{k % 80});gap:{k % 7}rem;}}"
        )
        rules.append(rule)
        total += len(rule)
        k += 1
    return '<style id="global-styles-inline-css">' + "".join(rules) + "</style>"


class BenchView(SiteView):
    """The demo's site view with "related" and "neighbour" posts found near the post in time (the
    demo's own scan every post of the site for each page: fine for 40 posts, not for 100k)."""

    @cached_property
    def _order(self) -> dict[str, int]:
        return {a.key: i for i, a in enumerate(self.latest)}

    def related(self, article: DemoArticle, n: int = 3) -> list[DemoArticle]:
        at = self._order[article.key]
        near = [a for a in self.latest[max(0, at - 30) : at + 30] if a.key != article.key]
        same = [a for a in near if set(a.categories) & set(article.categories)]
        return (same + [a for a in near if a not in same])[:n]

    def neighbours(self, article: DemoArticle) -> tuple[DemoArticle | None, DemoArticle | None]:
        at = self._order[article.key]  # latest is newest first
        older = self.latest[at + 1] if at + 1 < len(self.latest) else None
        return older, (self.latest[at - 1] if at > 0 else None)


class BenchApp(SiteApp):
    """The demo's WordPress app with page weights of real WordPress sites; no page cache when
    the site is large (the rendering is cheap next to the crawl; a cache of 100k pages is not)."""

    def __init__(self, site: DemoSite, base: str, cache: bool) -> None:
        super().__init__(site, base)
        self.view = BenchView(site, base.rstrip("/"))
        self.cache = cache

    def route(self, target: str) -> Response:
        resp = super().route(target)
        if not self.cache:
            self._cache.clear()
        return resp

    def _html(
        self, markup: str, modified: datetime, charset: str = "utf-8", links: list[str] | None = None
    ) -> Response:
        low, high = SIZE_RANGE
        want = low + int(hashlib.sha256(markup[:4000].encode()).hexdigest()[:8], 16) % (high - low)
        pad = inline_css(markup[:200], max(0, want - len(markup.encode(charset, errors="replace"))))
        return super()._html(markup.replace("</head>", pad + "</head>", 1), modified, charset, links)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.24.0"
    sys_version = ""
    app: BenchApp
    served = 0  # requests answered (read by the benchmark at /_bench/requests)

    def _serve(self) -> None:
        if self.path == "/_bench/requests":
            count = str(_Handler.served).encode()
            self._answer(Response(200, [("Content-Type", "text/plain"), ("Content-Length", str(len(count)))], count))
            return
        _Handler.served += 1
        self._answer(self.app.handle(self.command, self.path, dict(self.headers.items())))

    def _answer(self, resp: Response) -> None:
        send(self, resp)

    do_GET = do_HEAD = _serve

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(n: int, port: int, seed: int = 2026, ready: Path | None = None, extra: int = 0) -> None:
    """Serve the site of ``n`` (+ ``extra``) posts on 127.0.0.1:``port`` until killed; touch ``ready`` once listening."""
    sitemaps.POSTS_PER_CORE_SITEMAP = WP_SITEMAP_MAX_URLS
    site = build_site(n, seed, extra)
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    _Handler.app = BenchApp(site, f"http://127.0.0.1:{server.server_address[1]}/", cache=n <= 20_000)
    if ready is not None:
        ready.write_text(str(server.server_address[1]))
    server.serve_forever(poll_interval=0.1)


def article_paths(n: int, seed: int = 2026) -> list[str]:
    return [a.path for a in build_site(n, seed).articles]


def page_weight(n: int = 20) -> list[int]:
    """Sizes in bytes of the first ``n`` rendered posts (a check of SIZE_RANGE)."""
    site = build_site(n)
    app = BenchApp(site, "http://127.0.0.1:1/", cache=False)
    return [len(app.route(a.path).body) for a in site.articles]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--extra", type=int, default=0, help="newer posts after the N (the site grew)")
    parser.add_argument("--ready", type=Path, help="file to write the port into once listening")
    parser.add_argument("--weights", action="store_true", help="print the size of the first 20 pages and exit")
    args = parser.parse_args()
    if args.weights:
        sizes = page_weight()
        print(sizes, min(sizes), max(sizes))
        return
    serve(args.n, args.port, args.seed, args.ready, args.extra)


if __name__ == "__main__":
    main()
