"""The kprf_demo theme: an Underscores-style WordPress theme with a Telegram call-to-action plugin."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from demo.model import DemoArticle, DemoBlock, DemoComment, DemoPage
from demo.sites import KPRF_COOKIE, KPRF_COPYRIGHT, KPRF_FOOTER_ABOUT, KPRF_RELATED
from demo.templates import (
    Listing,
    SiteView,
    display_rendition,
    esc,
    excerpt,
    iso,
    page_schema,
    render_blocks,
    renditions,
    srcset,
    thumbnail,
)

WP_VERSION = "6.4.3"


def _date(dt: datetime) -> str:
    return f"{dt:%d.%m.%Y}"


def _cta(v: SiteView) -> str:
    return (
        '<p class="tg-cta"><strong>Подписывайтесь на нашего Telegram-бота</strong>, если хотите помогать в агитации '
        "за КПРФ и получать актуальную информацию. Для этого достаточно иметь Telegram на любом устройстве, пройти "
        'по ссылке <a href="https://t.me/mskkprfBot" target="_blank" rel="noopener">@mskkprfBot</a> и нажать кнопку '
        f'Start. <a href="{v.url("/kontakty/")}#telegram">Подробная инструкция</a>.</p>'
    )


# ---------------------------------------------------------------- chrome


def _api_link(v: SiteView) -> str:
    """WordPress advertises its REST API in every page head (plugins that disable the API remove it)."""
    return f'<link rel="https://api.w.org/" href="{v.url("/wp-json/")}">' if v.site.rest_api else ""


def _json_alternate(v: SiteView, art: DemoArticle) -> list[str]:
    if not v.site.rest_api:
        return []
    return [f'<link rel="alternate" type="application/json" href="{v.url(f"/wp-json/wp/v2/posts/{art.post_id}")}">']


def _head(v: SiteView, title: str, path: str, charset: str, extra: str) -> str:
    if charset == "utf-8":
        meta_charset = '<meta charset="UTF-8">'
    else:
        meta_charset = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    name = esc(v.site.name)
    return f"""<!DOCTYPE html>
<html lang="ru-RU">
<head>
{meta_charset}
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{esc(title)} &#8212; {name}</title>
<meta name="robots" content="index, follow, max-image-preview:large">
<link rel="canonical" href="{esc(v.url(path))}">
{extra}
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Лента" href="{v.url("/feed/")}">
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Лента комментариев" href="{v.url("/comments/feed/")}">
{_api_link(v)}
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{v.url("/xmlrpc.php?rsd")}">
<meta name="generator" content="WordPress {WP_VERSION}">
<link rel="stylesheet" id="kprf-style-css" href="{v.url("/wp-content/themes/kprf/style.css?ver=2.1.4")}" media="all">
<link rel="stylesheet" id="wp-block-library-css" href="{v.url("/wp-includes/css/dist/block-library/style.min.css?ver=" + WP_VERSION)}" media="all">
<script src="{v.url("/wp-includes/js/jquery/jquery.min.js?ver=3.7.1")}" id="jquery-core-js"></script>
<style id="wp-custom-css">.tg-cta{{background:#f3f3f3;padding:12px;border-left:4px solid #c00}}</style>
</head>"""


def _menu(v: SiteView) -> str:
    items = [("Главная", "/")] + [(name, v.category_path(name)) for name, _ in v.categories[:5]]
    items += [("О нас", "/o-nas/"), ("Контакты", "/kontakty/")]
    lis = "".join(
        f'<li id="menu-item-{100 + i}" class="menu-item menu-item-type-custom menu-item-{100 + i}">'
        f'<a href="{esc(v.url(path))}">{esc(label)}</a></li>'
        for i, (label, path) in enumerate(items)
    )
    return lis


def _search_form(v: SiteView, value: str = "") -> str:
    return (
        f'<form role="search" method="get" class="search-form" action="{v.home}">'
        '<label><span class="screen-reader-text">Найти:</span>'
        f'<input type="search" class="search-field" placeholder="Поиск&hellip;" value="{esc(value)}" name="s"></label>'
        '<input type="submit" class="search-submit" value="Поиск"></form>'
    )


def _header(v: SiteView, crumbs: list[tuple[str, str | None]]) -> str:
    trail = " &raquo; ".join(
        f'<span property="itemListElement" typeof="ListItem"><a property="item" typeof="WebPage" href="{esc(v.url(p))}">'
        f'<span property="name">{esc(label)}</span></a></span>'
        if p
        else f'<span property="itemListElement" typeof="ListItem"><span property="name" class="current-item">{esc(label)}</span></span>'
        for label, p in crumbs
    )
    return f"""<body class="{{body_class}}">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Перейти к содержимому</a>
<div class="top-bar"><div class="top-bar-inner"><a href="https://t.me/mskkprfBot">Telegram-бот</a> | <a href="https://vk.com/mskkprf">ВКонтакте</a> | <a href="{v.url("/kontakty/")}">Приёмная</a></div></div>
<header id="masthead" class="site-header">
<div class="site-branding">
<p class="site-title"><a href="{v.home}" rel="home">{esc(v.site.name)}</a></p>
<p class="site-description">{esc(v.site.description)}</p>
</div>
<nav id="site-navigation" class="main-navigation">
<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Меню</button>
<div class="menu-main-container"><ul id="primary-menu" class="menu">{_menu(v)}</ul></div>
</nav>
<div class="header-search">{_search_form(v)}</div>
</header>
<div class="breadcrumbs" typeof="BreadcrumbList" vocab="https://schema.org/">{trail}</div>
<div id="content" class="site-content">"""


def _sidebar(v: SiteView) -> str:
    recent = "".join(f'<li><a href="{esc(v.url(a.path))}">{esc(a.title)}</a></li>' for a in v.latest[:5])
    cats = "".join(
        f'<li class="cat-item cat-item-{v.term_id(name)}"><a href="{esc(v.url(v.category_path(name)))}">{esc(name)}</a> ({n})</li>'
        for name, n in v.categories
    )
    top = max((n for _, n in v.tags), default=1)
    cloud = " ".join(
        f'<a href="{esc(v.url(v.tag_path(name)))}" class="tag-cloud-link tag-link-{v.term_id(name)} tag-link-position-{i + 1}" '
        f'style="font-size: {8 + round(14 * n / top)}pt;" aria-label="{esc(name)} ({n} элементов)">{esc(name)}</a>'
        for i, (name, n) in enumerate(v.tags)
    )
    return f"""<aside id="secondary" class="widget-area">
<section id="search-2" class="widget widget_search">{_search_form(v)}</section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Свежие записи</h2><ul>{recent}</ul></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Рубрики</h2><ul>{cats}</ul></section>
<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Метки</h2><div class="tagcloud">{cloud}</div></section>
<section id="text-4" class="widget widget_text"><h2 class="widget-title">Приёмная МГК КПРФ</h2><div class="textwidget"><p>Юридическая консультация для москвичей — по будним дням.</p><p><a href="{v.url("/kontakty/")}">Записаться на приём</a></p></div></section>
</aside>"""


def _footer(v: SiteView) -> str:
    return f"""</div><!-- #content -->
<footer id="colophon" class="site-footer">
<div class="footer-widgets">
<section class="widget widget_text"><h2 class="widget-title">О сайте</h2><div class="textwidget"><p>{esc(KPRF_FOOTER_ABOUT)}</p></div></section>
<section class="widget widget_nav_menu"><h2 class="widget-title">Разделы</h2><ul class="menu">{_menu(v)}</ul></section>
</div>
<div class="site-info">{esc(KPRF_COPYRIGHT)}</div>
</footer>
</div><!-- #page -->
<div id="cookie-notice" role="dialog" class="cookie-notice-hidden cookie-revoke-hidden cn-position-bottom" aria-label="Cookie Notice">
<div class="cookie-notice-container"><span id="cn-notice-text" class="cn-text-container">{esc(KPRF_COOKIE)}</span>
<span id="cn-notice-buttons" class="cn-buttons-container"><a href="#" id="cn-accept-cookie" data-cookie-set="accept" class="cn-set-cookie cn-button">Принять</a></span></div></div>
<script src="{v.url("/wp-content/themes/kprf/js/navigation.js?ver=2.1.4")}" id="kprf-navigation-js"></script>
<script>var cnArgs = {{"ajaxUrl":"{v.url("/wp-admin/admin-ajax.php")}","cookieName":"cookie_notice_accepted"}};</script>
</body>
</html>
"""


def _layout(v: SiteView, head: str, body_class: str, crumbs: list[tuple[str, str | None]], main: str) -> str:
    header = _header(v, crumbs).replace("{body_class}", body_class)
    return f"""{head}
{header}
<div id="primary" class="content-area"><main id="main" class="site-main">
{main}
</main></div>
{_sidebar(v)}
{_footer(v)}"""


# ---------------------------------------------------------------- article


def _figure(v: SiteView, block: DemoBlock, attachment: int) -> str:
    assert block.image is not None
    shown = display_rendition(block)
    caption = (
        f'<figcaption class="wp-element-caption">{esc(block.image.caption)}</figcaption>' if block.image.caption else ""
    )
    return (
        f'<figure class="wp-block-image size-large"><img decoding="async" width="{shown.width}" height="{shown.height}" '
        f'src="{esc(v.url(shown.path))}" alt="{esc(block.image.alt)}" class="wp-image-{attachment}" '
        f'srcset="{esc(srcset(block, v.url))}" sizes="(max-width: {shown.width}px) 100vw, {shown.width}px">{caption}</figure>'
    )


def _body(v: SiteView, art: DemoArticle) -> str:
    counter = iter(range(art.post_id + 1, art.post_id + 100))

    def figure(block: DemoBlock) -> str:
        return _figure(v, block, next(counter))

    def gallery(blocks: list[DemoBlock]) -> str:
        inner = "\n".join(figure(b) for b in blocks)
        return f'<figure class="wp-block-gallery has-nested-images columns-default is-cropped">\n{inner}\n</figure>'

    body = render_blocks(art.blocks, figure, gallery)
    if art.credit:  # the republishing template glues the original byline to the first paragraph
        body = body.replace("<p>", f"<p><strong>{esc(art.credit)}</strong> ", 1)
    return body


def feed_content(v: SiteView, art: DemoArticle) -> str:
    """The post content as the_content filter gives it to the RSS feed (the call-to-action included)."""
    return f"{_body(v, art)}\n{_cta(v)}"


def _comment(c: DemoComment, depth: int, children: dict[int, list[DemoComment]], post_url: str) -> str:
    kids = children.get(c.comment_id, [])
    sub = "".join(_comment(k, depth + 1, children, post_url) for k in kids)
    sub = f'<ol class="children">{sub}</ol>' if sub else ""
    parity = "even" if c.comment_id % 2 == 0 else "odd"
    return (
        f'<li id="comment-{c.comment_id}" class="comment {parity} thread-{parity} depth-{depth}">'
        f'<article id="div-comment-{c.comment_id}" class="comment-body"><footer class="comment-meta">'
        f'<div class="comment-author vcard"><b class="fn">{esc(c.author)}</b> <span class="says">говорит:</span></div>'
        f'<div class="comment-metadata"><a href="{esc(post_url)}#comment-{c.comment_id}">'
        f'<time datetime="{iso(c.date)}">{c.date:%d.%m.%Y} в {c.date:%H:%M}</time></a></div></footer>'
        f'<div class="comment-content"><p>{esc(c.text)}</p></div>'
        f'<div class="reply"><a rel="nofollow" class="comment-reply-link" href="{esc(post_url)}?replytocom={c.comment_id}#respond">Ответить</a></div>'
        f"</article>{sub}</li>"
    )


def _comments(v: SiteView, art: DemoArticle) -> str:
    post_url = v.url(art.path)
    children: dict[int, list[DemoComment]] = {}
    for c in art.comments:
        children.setdefault(c.parent, []).append(c)
    parts = []
    if art.comments:
        thread = "".join(_comment(c, 1, children, post_url) for c in children.get(0, []))
        parts.append(
            f'<h2 class="comments-title">Комментарии ({len(art.comments)}) к записи «{esc(art.title)}»</h2>'
            f'<ol class="comment-list">{thread}</ol>'
        )
    if art.comments_open:
        parts.append(
            '<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Добавить комментарий</h3>'
            f'<form action="{v.url("/wp-comments-post.php")}" method="post" id="commentform" class="comment-form">'
            '<p class="comment-notes"><span id="email-notes">Ваш адрес email не будет опубликован.</span> '
            'Обязательные поля помечены <span class="required">*</span></p>'
            '<p class="comment-form-comment"><label for="comment">Комментарий <span class="required">*</span></label>'
            '<textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>'
            '<p class="comment-form-author"><label for="author">Имя <span class="required">*</span></label>'
            '<input id="author" name="author" type="text" value="" size="30" maxlength="245" required></p>'
            '<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label>'
            '<input id="email" name="email" type="email" value="" size="30" maxlength="100" required></p>'
            '<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Отправить комментарий">'
            f'<input type="hidden" name="comment_post_ID" value="{art.post_id}" id="comment_post_ID">'
            '<input type="hidden" name="comment_parent" id="comment_parent" value="0"></p></form></div>'
        )
    else:
        parts.append('<p class="no-comments">Обсуждение закрыто.</p>')
    return f'<div id="comments" class="comments-area">{"".join(parts)}</div>'


def _share(v: SiteView, art: DemoArticle) -> str:
    u = quote(v.url(art.path), safe="")
    t = quote(art.title, safe="")
    return (
        '<div class="share-buttons"><span class="share-title">Поделиться:</span> '
        f'<a class="share-vk" href="https://vk.com/share.php?url={u}" target="_blank" rel="nofollow noopener">ВКонтакте</a> '
        f'<a class="share-ok" href="https://connect.ok.ru/offer?url={u}" target="_blank" rel="nofollow noopener">Одноклассники</a> '
        f'<a class="share-tg" href="https://t.me/share/url?url={u}&amp;text={t}" target="_blank" rel="nofollow noopener">Telegram</a> '
        f'<a class="share-fb" href="https://www.facebook.com/sharer/sharer.php?u={u}" target="_blank" rel="nofollow noopener">Facebook</a> '
        f'<a class="share-wa" href="https://api.whatsapp.com/send?text={t}%20{u}" target="_blank" rel="nofollow noopener">WhatsApp</a>'
        "</div>"
    )


def article_page(v: SiteView, art: DemoArticle) -> str:
    url = v.url(art.path)
    desc = excerpt(art, 30, "…")
    meta = [
        f'<meta name="description" content="{esc(desc)}">',
        f'<meta name="author" content="{esc(", ".join(art.authors))}">',
        '<meta property="og:locale" content="ru_RU">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(art.title)}">',
        f'<meta property="og:description" content="{esc(desc)}">',
        f'<meta property="og:url" content="{esc(url)}">',
        f'<meta property="og:site_name" content="{esc(v.site.name)}">',
        f'<meta property="article:published_time" content="{iso(art.published)}">',
    ]
    if art.modified:
        meta.append(f'<meta property="article:modified_time" content="{iso(art.modified)}">')
    if art.categories:
        meta.append(f'<meta property="article:section" content="{esc(art.categories[0])}">')
    meta += [f'<meta property="article:tag" content="{esc(t)}">' for t in art.tags]
    figures = [b for b in art.blocks if b.image is not None]
    if figures:
        big = renditions(figures[0])[-1]
        meta += [
            f'<meta property="og:image" content="{esc(v.url(big.path))}">',
            f'<meta property="og:image:width" content="{big.width}">',
            f'<meta property="og:image:height" content="{big.height}">',
        ]
    else:
        meta.append(f'<meta property="og:image" content="{v.url("/wp-content/themes/kprf/images/logo-share.png")}">')
    meta += [
        '<meta name="twitter:card" content="summary_large_image">',
        *_json_alternate(v, art),
        f'<link rel="shortlink" href="{v.url(f"/?p={art.post_id}")}">',
    ]
    head = _head(v, art.title, art.path, art.encoding, "\n".join(meta))

    classes = [f"post-{art.post_id}", "post", "type-post", "status-publish", "format-standard"]
    if figures:
        classes.append("has-post-thumbnail")
    classes.append("hentry")
    classes += [f"category-{v.slug(c)}" for c in art.categories] + [f"tag-{v.slug(t)}" for t in art.tags]

    if art.modified:
        times = (
            f'<time class="entry-date published" datetime="{iso(art.published)}">{_date(art.published)}</time>'
            f'<time class="updated" datetime="{iso(art.modified)}">{_date(art.modified)}</time>'
        )
    else:
        times = (
            f'<time class="entry-date published updated" datetime="{iso(art.published)}">{_date(art.published)}</time>'
        )
    byline = ", ".join(
        f'<span class="author vcard"><a class="url fn n" href="{esc(v.url(v.author_path(a)))}" rel="author">{esc(a)}</a></span>'
        for a in art.authors
    )
    cats = ", ".join(
        f'<a href="{esc(v.url(v.category_path(c)))}" rel="category tag">{esc(c)}</a>' for c in art.categories
    )
    tags = ", ".join(f'<a href="{esc(v.url(v.tag_path(t)))}" rel="tag">{esc(t)}</a>' for t in art.tags)

    if v.broken and art.post_id % 2:
        content = ""  # the theme lost the content block entirely
    elif v.broken:
        content = f'<div class="entry-content">\n{_cta(v)}\n</div>'
    else:
        content = f'<div class="entry-content">\n{_body(v, art)}\n{_cta(v)}\n</div>'

    prev, nxt = v.neighbours(art)
    nav = []
    if prev:
        nav.append(
            f'<div class="nav-previous"><a href="{esc(v.url(prev.path))}" rel="prev"><span class="meta-nav">Предыдущая запись</span> '
            f'<span class="post-title">{esc(prev.title)}</span></a></div>'
        )
    if nxt:
        nav.append(
            f'<div class="nav-next"><a href="{esc(v.url(nxt.path))}" rel="next"><span class="meta-nav">Следующая запись</span> '
            f'<span class="post-title">{esc(nxt.title)}</span></a></div>'
        )
    related = "".join(
        f'<li><a href="{esc(v.url(r.path))}">{esc(r.title)}</a> <span class="related-date">{_date(r.published)}</span></li>'
        for r in v.related(art)
    )
    main = f"""<article id="post-{art.post_id}" class="{" ".join(classes)}">
<header class="entry-header">
<h1 class="entry-title">{esc(art.title)}</h1>
<div class="entry-meta"><span class="posted-on">Опубликовано <a href="{esc(url)}" rel="bookmark">{times}</a></span><span class="byline"> Автор: {byline}</span></div>
</header>
{content}
<footer class="entry-footer"><span class="cat-links">Рубрики: {cats}</span> <span class="tags-links">Метки: {tags}</span>
{_share(v, art)}
</footer>
</article>
<nav class="navigation post-navigation" aria-label="Записи"><h2 class="screen-reader-text">Навигация по записям</h2><div class="nav-links">{"".join(nav)}</div></nav>
<div class="related-posts"><h3 class="related-title">{esc(KPRF_RELATED)}</h3><ul>{related}</ul></div>
{_comments(v, art)}"""
    crumbs: list[tuple[str, str | None]] = [("Главная", "/")]
    if art.categories:
        crumbs.append((art.categories[0], v.category_path(art.categories[0])))
    crumbs.append((art.title, None))
    body_class = f"post-template-default single single-post postid-{art.post_id} single-format-standard"
    return _layout(v, head, body_class, crumbs, main)


# ---------------------------------------------------------------- listings, pages, errors


def _listing_item(v: SiteView, art: DemoArticle) -> str:
    url = esc(v.url(art.path))
    figures = [b for b in art.blocks if b.image is not None]
    thumb = ""
    if figures:
        t = thumbnail(figures[0])
        thumb = (
            f'<a class="post-thumbnail" href="{url}" aria-hidden="true" tabindex="-1"><img width="{t.width}" height="{t.height}" '
            f'src="{esc(v.url(t.path))}" class="attachment-medium size-medium wp-post-image" alt="" decoding="async" loading="lazy"></a>'
        )
    cats = ", ".join(
        f'<a href="{esc(v.url(v.category_path(c)))}" rel="category tag">{esc(c)}</a>' for c in art.categories
    )
    return f"""<article id="post-{art.post_id}" class="post-{art.post_id} post type-post status-publish format-standard hentry">
{thumb}<header class="entry-header"><h2 class="entry-title"><a href="{url}" rel="bookmark">{esc(art.title)}</a></h2>
<div class="entry-meta"><time class="entry-date published" datetime="{iso(art.published)}">{_date(art.published)}</time> <span class="cat-links">{cats}</span></div></header>
<div class="entry-summary"><p>{esc(excerpt(art, 55, " […]"))}</p></div>
<footer class="entry-footer"><a class="more-link" href="{url}">Подробнее</a> <span class="comments-link"><a href="{url}#comments">Комментарии: {len(art.comments)}</a></span></footer>
</article>"""


def _pagination(v: SiteView, listing: Listing) -> str:
    if listing.pages <= 1:
        return ""
    suffix = f"?s={quote(listing.query)}" if listing.query else ""
    links = []
    if listing.page > 1:
        links.append(
            f'<a class="prev page-numbers" href="{esc(v.url(listing.page_path(listing.page - 1)) + suffix)}">« Предыдущая</a>'
        )
    for n in range(1, listing.pages + 1):
        if n == listing.page:
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
        else:
            links.append(f'<a class="page-numbers" href="{esc(v.url(listing.page_path(n)) + suffix)}">{n}</a>')
    if listing.page < listing.pages:
        links.append(
            f'<a class="next page-numbers" href="{esc(v.url(listing.page_path(listing.page + 1)) + suffix)}">Следующая »</a>'
        )
    return f'<nav class="navigation pagination" aria-label="Записи"><h2 class="screen-reader-text">Навигация по записям</h2><div class="nav-links">{"".join(links)}</div></nav>'


def listing_page(v: SiteView, listing: Listing) -> str:
    titles = {
        "home": "Новости",
        "category": f"Рубрика: <span>{esc(listing.name)}</span>",
        "tag": f"Метка: <span>{esc(listing.name)}</span>",
        "author": f'Автор: <span class="vcard">{esc(listing.name)}</span>',
        "search": f"Результаты поиска: «{esc(listing.query)}»",
    }
    plain = {"home": v.site.name, "search": f"Результаты поиска «{listing.query}»"}.get(listing.kind, listing.name)
    if listing.page > 1:
        plain += f" — Страница {listing.page}"
    extra = [
        '<meta property="og:locale" content="ru_RU">',
        '<meta property="og:type" content="website">',
        f'<meta property="og:title" content="{esc(plain)}">',
        f'<meta property="og:url" content="{esc(v.url(listing.own_path))}">',
        f'<meta property="og:site_name" content="{esc(v.site.name)}">',
    ]
    if listing.kind == "search":
        extra.append('<meta name="robots" content="noindex, follow">')
    if listing.page < listing.pages:
        extra.append(f'<link rel="next" href="{esc(v.url(listing.page_path(listing.page + 1)))}">')
    if listing.page > 1:
        extra.append(f'<link rel="prev" href="{esc(v.url(listing.page_path(listing.page - 1)))}">')
    head = _head(v, plain, listing.own_path, "utf-8", "\n".join(extra))
    items = "\n".join(_listing_item(v, a) for a in listing.items) or "<p>Ничего не найдено.</p>"
    header = f'<header class="page-header"><h1 class="page-title">{titles[listing.kind]}</h1></header>'
    body_class = {
        "home": "home blog",
        "category": "archive category",
        "tag": "archive tag",
        "author": "archive author",
        "search": "search search-results",
    }[listing.kind]
    if listing.page > 1:
        body_class += f" paged paged-{listing.page}"
    crumbs: list[tuple[str, str | None]] = [("Главная", "/" if listing.kind != "home" else None)]
    if listing.kind != "home":
        crumbs.append((listing.name or listing.query, None))
    return _layout(v, head, body_class, crumbs, f"{header}\n{items}\n{_pagination(v, listing)}")


def static_page(v: SiteView, page: DemoPage) -> str:
    extra = "\n".join(
        [
            '<meta property="og:locale" content="ru_RU">',
            '<meta property="og:type" content="website">',
            f'<meta property="og:title" content="{esc(page.title)}">',
            f'<meta property="og:url" content="{esc(v.url(page.path))}">',
            f'<meta property="og:site_name" content="{esc(v.site.name)}">',
            page_schema(v, page, "ru-RU"),
            f'<link rel="shortlink" href="{v.url(f"/?page_id={page.post_id}")}">',
        ]
    )
    head = _head(v, page.title, page.path, "utf-8", extra)
    paras = "\n".join(f"<p>{esc(p)}</p>" for p in page.paragraphs)
    anchor = '<h2 id="telegram" class="wp-block-heading">Telegram-бот</h2>' if page.key == "kprf-contacts" else ""
    main = f"""<article id="post-{page.post_id}" class="post-{page.post_id} page type-page status-publish hentry">
<header class="entry-header"><h1 class="entry-title">{esc(page.title)}</h1></header>
<div class="entry-content">
{paras}
{anchor}
</div>
</article>"""
    body_class = f"page-template-default page page-id-{page.post_id}"
    return _layout(v, head, body_class, [("Главная", "/"), (page.title, None)], main)


def error_page(v: SiteView, status: int) -> str:
    if status == 410:
        title, text = "Запись удалена", "Эта запись была удалена и больше недоступна."
    else:
        title, text = "Страница не найдена", "Похоже, здесь ничего не найдено. Попробуйте воспользоваться поиском."
    head = _head(v, title, "/", "utf-8", '<meta name="robots" content="noindex, follow">')
    main = f"""<section class="error-404 not-found"><header class="page-header"><h1 class="page-title">Упс! {esc(title)}.</h1></header>
<div class="page-content"><p>{esc(text)}</p>{_search_form(v)}</div></section>"""
    return _layout(v, head, "error404", [("Главная", "/"), (title, None)], main)
