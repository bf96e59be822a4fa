"""robots.txt, XML sitemaps (WordPress core for kprf_demo, Yoast for movimento_demo) and the RSS 2.0 feed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from demo.model import DemoArticle
from demo.templates import SiteView, excerpt, iso_utc, renditions

POSTS_PER_CORE_SITEMAP = 20
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class Document:
    """A generated text document and the date it last changed."""

    body: str
    modified: datetime


def robots(v: SiteView, sitemap: bool) -> str:
    lines = ["User-agent: *", "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php", ""]
    if sitemap:
        lines += [f"Sitemap: {v.url('/wp-sitemap.xml')}", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- sitemaps

_Entry = tuple[str, datetime, list[str]]  # (path, lastmod, image urls)


def _urlset(v: SiteView, entries: list[_Entry], stylesheet: str, images: bool = False) -> str:
    ns = f'xmlns="{SITEMAP_NS}"'
    if images:
        ns = f'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" {ns}'
    rows = []
    for path, lastmod, imgs in entries:
        pics = "".join(f"<image:image><image:loc>{escape(u)}</image:loc></image:image>" for u in imgs) if images else ""
        rows.append(
            f"\t<url>\n\t\t<loc>{escape(v.url(path))}</loc>\n\t\t<lastmod>{iso_utc(lastmod)}</lastmod>{pics}\n\t</url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{escape(stylesheet)}"?>\n'
        f"<urlset {ns}>\n" + "\n".join(rows) + "\n</urlset>\n"
    )


def _index(v: SiteView, docs: dict[str, Document], stylesheet: str) -> str:
    rows = [
        f"\t<sitemap>\n\t\t<loc>{escape(v.url(path))}</loc>\n\t\t<lastmod>{iso_utc(doc.modified)}</lastmod>\n\t</sitemap>"
        for path, doc in docs.items()
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{escape(stylesheet)}"?>\n'
        f'<sitemapindex xmlns="{SITEMAP_NS}">\n' + "\n".join(rows) + "\n</sitemapindex>\n"
    )


def _doc(v: SiteView, entries: list[_Entry], stylesheet: str, images: bool = False) -> Document:
    newest = max((e[1] for e in entries), default=v.newest)
    return Document(_urlset(v, entries, stylesheet, images), newest)


def _terms(v: SiteView, kind: str) -> list[_Entry]:
    names = {"category": v.categories, "tag": v.tags, "author": v.authors}[kind]
    path = {"category": v.category_path, "tag": v.tag_path, "author": v.author_path}[kind]
    return [(path(name), max(a.last_modified for a in v.archive(kind, name)), []) for name, _ in names]


def _post_entry(v: SiteView, art: DemoArticle) -> _Entry:
    imgs = [v.url(renditions(b)[-1].path) for b in art.blocks if b.image is not None]
    return (art.path, art.last_modified, imgs)


def core_sitemaps(v: SiteView) -> dict[str, Document]:
    """WordPress core sitemaps (since 5.5): /wp-sitemap.xml and its per-type files, posts split by 20."""
    xsl = v.url("/wp-sitemap.xsl")
    posts = sorted(v.site.articles, key=lambda a: a.post_id)
    docs: dict[str, Document] = {}
    for n, start in enumerate(range(0, len(posts), POSTS_PER_CORE_SITEMAP), start=1):
        chunk = posts[start : start + POSTS_PER_CORE_SITEMAP]
        docs[f"/wp-sitemap-posts-post-{n}.xml"] = _doc(v, [_post_entry(v, a) for a in chunk], xsl)
    docs["/wp-sitemap-posts-page-1.xml"] = _doc(v, [(p.path, p.modified, []) for p in v.site.pages], xsl)
    docs["/wp-sitemap-taxonomies-category-1.xml"] = _doc(v, _terms(v, "category"), xsl)
    docs["/wp-sitemap-taxonomies-post_tag-1.xml"] = _doc(v, _terms(v, "tag"), xsl)
    docs["/wp-sitemap-users-1.xml"] = _doc(v, _terms(v, "author"), xsl)
    index = Document(_index(v, docs, v.url("/wp-sitemap-index.xsl")), v.newest)
    return {"/wp-sitemap.xml": index, **docs}


def yoast_sitemaps(v: SiteView) -> dict[str, Document]:
    """Yoast SEO sitemaps: /sitemap_index.xml and post/page/category/post_tag/author sitemaps."""
    xsl = "//" + v.base.split("://", 1)[1] + "/main-sitemap.xsl"
    posts = sorted(v.site.articles, key=lambda a: (a.last_modified, a.post_id))
    latest = v.latest[0].last_modified if v.latest else v.newest
    pages: list[_Entry] = [("/", latest, [])]
    pages += [(p.path, p.modified, []) for p in v.site.pages]
    docs = {
        "/post-sitemap.xml": _doc(v, [_post_entry(v, a) for a in posts], xsl, images=True),
        "/page-sitemap.xml": _doc(v, pages, xsl, images=True),
        "/category-sitemap.xml": _doc(v, _terms(v, "category"), xsl),
        "/post_tag-sitemap.xml": _doc(v, _terms(v, "tag"), xsl),
        "/author-sitemap.xml": _doc(v, _terms(v, "author"), xsl),
    }
    index = Document(_index(v, docs, xsl), v.newest)
    return {"/sitemap_index.xml": index, **docs}


# ---------------------------------------------------------------- feed


def rfc822(dt: datetime) -> str:
    """RFC 822 date in UTC, as WordPress writes pubDate: "Sat, 20 May 2023 16:42:00 +0000"."""
    return format_datetime(dt.astimezone(UTC))


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss(v: SiteView, lang: str, content: Callable[[DemoArticle], str], count: int = 10) -> Document:
    """The WordPress RSS 2.0 feed of the ``count`` latest posts (pubDate in RFC 822, UTC)."""
    items = []
    for art in v.latest[:count]:
        url = v.url(art.path)
        cats = "".join(f"\n\t\t<category>{_cdata(c)}</category>" for c in (*art.categories, *art.tags))
        creators = "".join(f"\n\t\t<dc:creator>{_cdata(a)}</dc:creator>" for a in art.authors)
        items.append(
            f"""\t<item>
\t\t<title>{escape(art.title)}</title>
\t\t<link>{escape(url)}</link>
\t\t<comments>{escape(url)}#respond</comments>{creators}
\t\t<pubDate>{rfc822(art.published)}</pubDate>{cats}
\t\t<guid isPermaLink="false">{escape(v.url(f"/?p={art.post_id}"))}</guid>
\t\t<description>{_cdata(excerpt(art, 55, " [&#8230;]"))}</description>
\t\t<content:encoded>{_cdata(content(art))}</content:encoded>
\t\t<wfw:commentRss>{escape(url)}feed/</wfw:commentRss>
\t\t<slash:comments>{len(art.comments)}</slash:comments>
\t</item>"""
        )
    newest = max((a.last_modified for a in v.latest[:count]), default=v.newest)
    body = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>

<channel>
\t<title>{escape(v.site.name)}</title>
\t<atom:link href="{escape(v.url("/feed/"))}" rel="self" type="application/rss+xml" />
\t<link>{escape(v.base)}</link>
\t<description>{escape(v.site.description)}</description>
\t<lastBuildDate>{rfc822(newest)}</lastBuildDate>
\t<language>{lang}</language>
\t<sy:updatePeriod>hourly</sy:updatePeriod>
\t<sy:updateFrequency>1</sy:updateFrequency>
\t<generator>https://wordpress.org/?v=6.4.3</generator>
{chr(10).join(items)}
\t</channel>
</rss>
"""
    return Document(body, newest)
