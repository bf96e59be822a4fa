"""The movimento_demo theme: a Newspaper-style magazine theme with Yoast SEO and Jetpack sharing/related posts."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from demo.banks_pt import MONTHS
from demo.model import DemoArticle, DemoBlock, DemoComment, DemoPage
from demo.sites import (
    MOV_BLURB,
    MOV_COOKIE,
    MOV_COPYRIGHT,
    MOV_COVER_CAPTION,
    MOV_NEWSLETTER,
    MOV_PODCAST_TEASER,
    MOV_RELATED,
    MOV_WIDGET_COVER,
    MOV_WIDGET_PODCAST,
    MOV_WIDGET_PSOL,
)
from demo.templates import (
    Listing,
    SiteView,
    display_rendition,
    esc,
    excerpt,
    iso,
    iso_utc,
    json_for_script,
    page_schema,
    render_blocks,
    renditions,
    srcset,
    thumbnail,
)

WEEKDAYS = ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"]
AUTHOR_BIOS = {
    "Ana Paula Ferreira": "Jornalista e militante do MES em São Paulo.",
    "João Batista Lima": "Professor da rede pública e dirigente sindical.",
    "Mariana Costa": "Socióloga, integra o conselho editorial da Revista Movimento.",
    "Rafael Oliveira": "Jornalista, cobre política latino-americana.",
}


def _date(dt: datetime) -> str:
    return f"{dt.day} de {MONTHS[dt.month - 1]} de {dt.year}"


def _url(path: str) -> str:
    """The theme writes root-relative URLs for uploads (a CDN rewrite plugin strips the host)."""
    return path


# ---------------------------------------------------------------- chrome


def _api_link(v: SiteView) -> str:
    """WordPress advertises its REST API in every page head (plugins that disable the API remove it)."""
    return f'<link rel="https://api.w.org/" href="{v.url("/wp-json/")}">' if v.site.rest_api else ""


def _json_alternate(v: SiteView, art: DemoArticle) -> list[str]:
    if not v.site.rest_api:
        return []
    return [f'<link rel="alternate" type="application/json" href="{v.url(f"/wp-json/wp/v2/posts/{art.post_id}")}">']


def _head(v: SiteView, title: str, canonical: str | None, extra: str) -> str:
    name = esc(v.site.name)
    canon = f'<link rel="canonical" href="{esc(v.url(canonical))}">' if canonical else ""
    return f"""<!doctype html>
<html lang="pt-BR" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="UTF-8">
<title>{esc(title)} - {name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="pingback" href="{v.url("/xmlrpc.php")}">
<!-- This site is optimized with the Yoast SEO plugin v21.5 - https://yoast.com/wordpress/plugins/seo/ -->
{canon}
{extra}
<!-- / Yoast SEO plugin. -->
<link rel="dns-prefetch" href="//fonts.googleapis.com">
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed" href="{v.url("/feed/")}">
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed de comentários" href="{v.url("/comments/feed/")}">
<link rel="stylesheet" id="td-theme-css" href="{v.url("/wp-content/themes/Newspaper/style.css?ver=12.6.2")}" type="text/css" media="all">
<link rel="stylesheet" id="jetpack_css-css" href="{v.url("/wp-content/plugins/jetpack/css/jetpack.css?ver=12.8")}" type="text/css" media="all">
<script type="text/javascript" src="{v.url("/wp-includes/js/jquery/jquery.min.js?ver=3.7.1")}" id="jquery-core-js"></script>
{_api_link(v)}
<meta name="generator" content="WordPress 6.3.2">
<style type="text/css" id="td-theme-custom">.td-post-content p{{font-size:17px}}</style>
</head>"""


def _search_form(v: SiteView, value: str = "") -> str:
    return (
        f'<form method="get" class="td-search-form" action="{v.home}"><div role="search" class="td-head-form-search-wrap">'
        f'<input class="needsclick" id="td-header-search" type="text" value="{esc(value)}" name="s" autocomplete="off" placeholder="Pesquisar">'
        '<input class="wpb_button wpb_btn-inverse btn" type="submit" id="td-header-search-top" value="Pesquisar"></div></form>'
    )


def _menu(v: SiteView) -> str:
    items = [("Início", "/")] + [(name, v.category_path(name)) for name, _ in v.categories]
    items += [("Quem somos", "/quem-somos/"), ("Contato", "/contato/")]
    return "".join(
        f'<li id="menu-item-{300 + i}" class="menu-item menu-item-type-taxonomy menu-item-object-category td-menu-item td-normal-menu menu-item-{300 + i}">'
        f'<a href="{esc(v.url(path))}">{esc(label)}</a></li>'
        for i, (label, path) in enumerate(items)
    )


def _top(v: SiteView, body_class: str) -> str:
    today = v.newest
    return f"""<body class="{body_class} td-standard-pack global-block-template-1 td-full-layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">
<div class="td-scroll-up"><i class="td-icon-menu-up"></i></div>
<div id="td-outer-wrap" class="td-theme-wrap">
<div class="tdc-header-wrap">
<div class="td-header-wrap td-header-style-1">
<div class="td-header-top-menu-full td-container-wrap"><div class="td-container td-header-row td-header-top-menu">
<div class="top-bar-style-1"><div class="td-header-sp-top-menu"><div class="td_data_time"><div>{WEEKDAYS[today.weekday()]}, {_date(today)}</div></div>
<ul class="top-header-menu"><li><a href="{v.url("/quem-somos/")}">Quem somos</a></li><li><a href="{v.url("/contato/")}">Contato</a></li><li><a href="https://www.instagram.com/revistamovimento/">Instagram</a></li></ul></div></div></div></div>
<div class="td-banner-wrap-full td-logo-wrap-full td-container-wrap"><div class="td-container td-header-row td-header-header">
<div class="td-header-sp-logo"><a class="td-main-logo" href="{v.home}"><img class="td-retina-data" src="{_url("/wp-content/uploads/2021/03/logo-movimento.png")}" alt="{esc(v.site.name)}" title="{esc(v.site.name)}" width="272" height="90"><span class="td-visual-hidden">{esc(v.site.name)}</span></a></div>
</div></div>
<div class="td-header-menu-wrap-full td-container-wrap"><div class="td-header-menu-wrap td-header-gradient"><div class="td-container td-header-row td-header-main-menu">
<div id="td-header-menu" role="navigation"><div class="menu-principal-container"><ul id="menu-principal" class="sf-menu">{_menu(v)}</ul></div></div>
<div class="td-search-wrapper"><div id="td-top-search">{_search_form(v)}</div></div>
</div></div></div>
</div>
</div>"""


def _sidebar(v: SiteView) -> str:
    recent = "".join(
        f'<li><a href="{esc(v.url(a.path))}">{esc(a.title)}</a><span class="post-date">{_date(a.published)}</span></li>'
        for a in v.latest[:5]
    )
    cats = "".join(
        f'<li class="cat-item cat-item-{v.term_id(n)}"><a href="{esc(v.url(v.category_path(n)))}">{esc(n)}<span class="td-widget-no">{c}</span></a></li>'
        for n, c in v.categories
    )
    tags = "".join(f'<li><a href="{esc(v.url(v.tag_path(n)))}">{esc(n)}</a></li>' for n, _ in v.tags)
    return f"""<div class="td-pb-span4 td-main-sidebar" role="complementary"><div class="td-ss-main-sidebar">
<aside id="media_image-2" class="td_block_template_1 widget media_image-2 widget_media_image"><h4 class="block-title"><span>{esc(MOV_WIDGET_PSOL)}</span></h4><a href="https://psol50.org.br/"><img width="300" height="250" src="{_url("/wp-content/uploads/2023/03/parlamentares-mes-300x250.png")}" class="image wp-image-18841 attachment-medium size-medium" alt="" decoding="async" loading="lazy"></a></aside>
<aside id="custom_html-3" class="widget_text td_block_template_1 widget custom_html-3 widget_custom_html"><h4 class="block-title"><span>{esc(MOV_WIDGET_PODCAST)}</span></h4><div class="textwidget custom-html-widget"><iframe style="border-radius:12px" src="https://open.spotify.com/embed/show/4rOoJ6Egrf8K2IrywzwOMk" width="100%" height="152" frameborder="0" allowfullscreen="" loading="lazy" title="Podcast"></iframe></div></aside>
<aside id="media_image-4" class="td_block_template_1 widget media_image-4 widget_media_image"><h4 class="block-title"><span>{esc(MOV_WIDGET_COVER)}</span></h4><a href="{v.url("/category/movimento/")}"><img width="212" height="300" src="{_url("/wp-content/uploads/2022/10/capa-24-212x300.jpg")}" class="image wp-image-17210 attachment-medium size-medium" alt="Capa da edição 24" decoding="async" loading="lazy"></a></aside>
<aside id="text-7" class="td_block_template_1 widget text-7 widget_text"><div class="textwidget"><p>{esc(MOV_BLURB)}</p></div></aside>
<aside id="recent-posts-3" class="td_block_template_1 widget recent-posts-3 widget_recent_entries"><h4 class="block-title"><span>Posts recentes</span></h4><ul>{recent}</ul></aside>
<aside id="categories-3" class="td_block_template_1 widget categories-3 widget_categories"><h4 class="block-title"><span>Categorias</span></h4><ul>{cats}</ul></aside>
<aside id="tag_cloud-3" class="td_block_template_1 widget widget_tag_cloud"><h4 class="block-title"><span>Tags</span></h4><ul class="td-tags">{tags}</ul></aside>
<aside id="newsletter-2" class="td_block_template_1 widget widget_newsletter"><h4 class="block-title"><span>Newsletter</span></h4><p>{esc(MOV_NEWSLETTER)}</p><form method="post" action="{v.url("/?na=s")}"><input type="email" name="ne" placeholder="Seu e-mail" required><input type="submit" value="Assinar"></form></aside>
</div></div>"""


def _bottom(v: SiteView) -> str:
    return f"""<div class="td-footer-wrapper td-footer-container td-container-wrap"><div class="td-container"><div class="td-pb-row">
<div class="td-pb-span4"><aside class="td_block_template_1 widget widget_text"><h4 class="block-title"><span>Sobre a revista</span></h4><div class="textwidget"><p>{esc(v.site.description)}.</p></div></aside></div>
<div class="td-pb-span4"><aside class="td_block_template_1 widget"><h4 class="block-title"><span>Redes sociais</span></h4><ul><li><a href="https://www.facebook.com/revistamovimento">Facebook</a></li><li><a href="https://twitter.com/revistamovimento">X</a></li><li><a href="https://t.me/revistamovimento">Telegram</a></li></ul></aside></div>
</div></div></div>
<div class="td-sub-footer-container td-container-wrap"><div class="td-container"><div class="td-pb-row">
<div class="td-pb-span-td-sub-footer-menu"><ul class="td-subfooter-menu">{_menu(v)}</ul></div>
<div class="td-pb-span-td-sub-footer-copy"><div class="td-sub-footer-copy">{esc(MOV_COPYRIGHT)}</div></div>
</div></div></div>
</div><!--close td-outer-wrap-->
<div id="cookie-law-info-bar" data-nosnippet="true"><span>{esc(MOV_COOKIE)} <a role="button" data-cli_action="accept" id="cookie_action_close_header" class="medium cli-plugin-button cli-plugin-main-button cookie_action_close_header cli_action_button">ACEITAR</a></span></div>
<script type="text/javascript" src="{v.url("/wp-content/themes/Newspaper/js/tagdiv_theme.min.js?ver=12.6.2")}" id="td-site-min-js"></script>
</body>
</html>
"""


def _after_post(v: SiteView) -> str:
    """The theme's "after the post" block area, inside <main>: a podcast teaser, the tagline, the
    latest edition's cover under its label (plain blocks, no widget markup). A broken page (its
    post content missing) has none: the hook that prints it runs with the post content."""
    return f"""<div class="td-post-after-area td-pb-padding-side">
<div class="td_block_wrap td-block-podcast"><div class="td-block-title-wrap"><h4 class="td-block-title"><span>Podcast</span></h4></div><p>{esc(MOV_PODCAST_TEASER)}</p></div>
<div class="td_block_wrap td-block-tagline"><p>{esc(v.site.description)}</p></div>
<div class="td_block_wrap td-block-cover"><p class="td-cover-caption">{esc(MOV_COVER_CAPTION)}</p></div>
<div class="td_block_wrap td-block-cover-image"><a href="{v.url("/category/movimento/")}"><img width="212" height="300" src="{_url("/wp-content/uploads/2022/10/capa-24-212x300.jpg")}" alt="" decoding="async" loading="lazy"></a></div>
</div>"""


def _layout(v: SiteView, head: str, body_class: str, crumbs: list[tuple[str, str | None]], main: str) -> str:
    trail = ' <i class="td-icon-right td-bread-sep"></i> '.join(
        f'<span><a title="{esc(label)}" class="entry-crumb" href="{esc(v.url(p))}">{esc(label)}</a></span>'
        if p
        else f'<span class="td-bred-no-url-last">{esc(label)}</span>'
        for label, p in crumbs
    )
    return f"""{head}
{_top(v, body_class)}
<div class="td-main-content-wrap td-container-wrap"><div class="td-container">
<div class="td-crumb-container"><div class="entry-crumbs">{trail}</div></div>
<div class="td-pb-row">
<div class="td-pb-span8 td-main-content"><main id="main" class="td-ss-main-content site-main">
{main}
</main></div>
{_sidebar(v)}
</div>
</div></div>
{_bottom(v)}"""


# ---------------------------------------------------------------- article


def _figure(block: DemoBlock, attachment: int, classic: bool) -> str:
    assert block.image is not None
    shown = display_rendition(block)

    def img(cls: str) -> str:
        return (
            f'<img loading="lazy" decoding="async" width="{shown.width}" height="{shown.height}" src="{esc(_url(shown.path))}" '
            f'alt="{esc(block.image.alt if block.image else "")}" class="{cls}" srcset="{esc(srcset(block, _url))}" '
            f'sizes="(max-width: {shown.width}px) 100vw, {shown.width}px">'
        )

    caption = block.image.caption
    if classic:  # the classic editor: a bare <img> in a paragraph, or the [caption] shortcode
        if not caption:
            return f"<p>{img(f'aligncenter size-large wp-image-{attachment}')}</p>"
        return (
            f'<figure id="attachment_{attachment}" aria-describedby="caption-attachment-{attachment}" style="width: {shown.width}px" '
            f'class="wp-caption aligncenter">{img(f"size-large wp-image-{attachment}")}'
            f'<figcaption id="caption-attachment-{attachment}" class="wp-caption-text">{esc(caption)}</figcaption></figure>'
        )
    cap = f'<figcaption class="wp-element-caption">{esc(caption)}</figcaption>' if caption else ""
    return f'<figure class="wp-block-image size-large">{img(f"wp-image-{attachment}")}{cap}</figure>'


def _body(art: DemoArticle) -> str:
    counter = iter(range(art.post_id + 1, art.post_id + 100))
    classic = art.post_id % 3 == 0  # older posts were written in the classic editor
    body = render_blocks(art.blocks, lambda b: _figure(b, next(counter), classic))
    if art.credit:  # the republishing template puts the original byline above the text
        body = f'<p class="has-small-font-size"><em>{esc(art.credit)}</em></p>\n{body}'
    return body


def feed_content(v: SiteView, art: DemoArticle) -> str:
    """The post content as given to the RSS feed."""
    return _body(art)


def _related(v: SiteView, art: DemoArticle) -> str:
    posts = "".join(
        f'<div class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-id="{r.post_id}" data-post-format="false">'
        f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{esc(v.url(r.path))}?relatedposts_hit=1&amp;relatedposts_origin={art.post_id}&amp;relatedposts_position={i}" '
        f'title="{esc(r.title)}" data-origin="{art.post_id}" data-position="{i}">{esc(r.title)}</a></h4>'
        f'<p class="jp-relatedposts-post-excerpt">{esc(excerpt(r, 18, "…"))}</p>'
        f'<p class="jp-relatedposts-post-date">{_date(r.published)}</p>'
        f'<p class="jp-relatedposts-post-context">Em "{esc(r.categories[0] if r.categories else "")}"</p></div>'
        for i, r in enumerate(v.related(art))
    )
    return (
        f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>{esc(MOV_RELATED)}</em></h3>'
        f'<div class="jp-relatedposts-items jp-relatedposts-items-visual jp-relatedposts-grid">{posts}</div></div>'
    )


def _sharing(v: SiteView, art: DemoArticle) -> str:
    u = esc(v.url(art.path))
    items = "".join(
        f'<li class="share-{k}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{k}-{art.post_id}" class="share-{k} sd-button share-icon" '
        f'href="{u}?share={k}" target="_blank" title="Clique para compartilhar no {label}"><span>{label}</span></a></li>'
        for k, label in (
            ("facebook", "Facebook"),
            ("twitter", "X"),
            ("jetpack-whatsapp", "WhatsApp"),
            ("telegram", "Telegram"),
        )
    )
    return (
        '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">'
        f'<h3 class="sd-title">Compartilhar:</h3><div class="sd-content"><ul>{items}<li class="share-end"></li></ul></div></div></div>'
    )


def _comment(c: DemoComment, depth: int, children: dict[int, list[DemoComment]], post_url: str) -> str:
    sub = "".join(_comment(k, depth + 1, children, post_url) for k in children.get(c.comment_id, []))
    sub = f'<ul class="children">{sub}</ul>' if sub else ""
    return (
        f'<li class="comment" id="li-comment-{c.comment_id}"><article><footer>'
        f'<img alt="" src="https://secure.gravatar.com/avatar/{c.comment_id:032x}?s=50&amp;d=mm&amp;r=g" class="avatar avatar-50 photo" height="50" width="50" loading="lazy">'
        f'<cite>{esc(c.author)}</cite><a class="comment-link" href="{esc(post_url)}#comment-{c.comment_id}">'
        f'<time pubdate="{int(c.date.timestamp())}" datetime="{iso(c.date)}">{_date(c.date)} às {c.date:%H:%M}</time></a></footer>'
        f'<div class="comment-content"><p>{esc(c.text)}</p></div>'
        f'<div class="comment-meta" id="comment-{c.comment_id}"><a rel="nofollow" class="comment-reply-link" href="#comment-{c.comment_id}" '
        f'data-commentid="{c.comment_id}" data-respondelement="respond">Responder</a></div></article>{sub}</li>'
    )


def _comments(v: SiteView, art: DemoArticle) -> str:
    post_url = v.url(art.path)
    children: dict[int, list[DemoComment]] = {}
    for c in art.comments:
        children.setdefault(c.parent, []).append(c)
    out = []
    if art.comments:
        thread = "".join(_comment(c, 1, children, post_url) for c in children.get(0, []))
        n = len(art.comments)
        out.append(
            f'<div class="td-comments-title-wrap td_block_template_1"><h4 class="block-title"><span>{n} COMENTÁRIOS</span></h4></div>'
            f'<ol class="comment-list">{thread}</ol>'
        )
    if art.comments_open:
        out.append(
            '<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Deixe um comentário '
            '<small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond" style="display:none;">Cancelar resposta</a></small></h3>'
            f'<form action="{v.url("/wp-comments-post.php")}" method="post" id="commentform" class="comment-form">'
            '<div class="clearfix"></div><div class="comment-form-input-wrap td-form-comment">'
            '<textarea placeholder="Comentário:" id="comment" name="comment" cols="45" rows="8" aria-required="true"></textarea>'
            '<div class="td-warning-comment">Por favor, digite seu comentário!</div></div>'
            '<div class="comment-form-input-wrap td-form-author"><input class="" id="author" name="author" placeholder="Nome:*" type="text" value="" size="30" aria-required="true">'
            '<div class="td-warning-author">Por favor, digite seu nome aqui</div></div>'
            '<div class="comment-form-input-wrap td-form-email"><input class="" id="email" name="email" placeholder="E-mail:*" type="text" value="" size="30" aria-required="true"></div>'
            '<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes">'
            '<label for="wp-comment-cookies-consent">Salvar meu nome, e-mail e site neste navegador para a próxima vez que eu comentar.</label></p>'
            '<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Publicar comentário">'
            f'<input type="hidden" name="comment_post_ID" value="{art.post_id}" id="comment_post_ID"></p></form></div>'
        )
    return f'<div class="comments" id="comments">{"".join(out)}</div>'


def _schema(v: SiteView, art: DemoArticle, image: str | None) -> str:
    url = v.url(art.path)
    graph: list[dict[str, Any]] = [
        {
            "@type": "NewsArticle",
            "@id": f"{url}#article",
            "isPartOf": {"@id": url},
            "author": [{"name": a, "@id": f"{v.home}#/schema/person/{v.slug(a)}"} for a in art.authors],
            "headline": art.title,
            "datePublished": iso_utc(art.published),
            "dateModified": iso_utc(art.last_modified),
            "mainEntityOfPage": {"@id": url},
            "wordCount": sum(len(p.split()) for p in art.paragraphs),
            "commentCount": len(art.comments),
            "publisher": {"@id": f"{v.home}#organization"},
            "keywords": list(art.tags),
            "articleSection": list(art.categories),
            "inLanguage": "pt-BR",
        },
        {
            "@type": "WebPage",
            "@id": url,
            "url": url,
            "name": f"{art.title} - {v.site.name}",
            "isPartOf": {"@id": f"{v.home}#website"},
            "datePublished": iso_utc(art.published),
            "dateModified": iso_utc(art.last_modified),
            "breadcrumb": {"@id": f"{url}#breadcrumb"},
            "inLanguage": "pt-BR",
        },
        {
            "@type": "BreadcrumbList",
            "@id": f"{url}#breadcrumb",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Início", "item": v.home},
                {"@type": "ListItem", "position": 2, "name": art.title},
            ],
        },
        {
            "@type": "WebSite",
            "@id": f"{v.home}#website",
            "url": v.home,
            "name": v.site.name,
            "description": v.site.description,
            "publisher": {"@id": f"{v.home}#organization"},
            "inLanguage": "pt-BR",
        },
        {
            "@type": "Organization",
            "@id": f"{v.home}#organization",
            "name": v.site.name,
            "url": v.home,
            "logo": {"@type": "ImageObject", "url": v.url("/wp-content/uploads/2021/03/logo-movimento.png")},
        },
    ]
    if image:
        graph[0]["image"] = {"@id": f"{url}#primaryimage"}
        graph[1]["primaryImageOfPage"] = {"@id": f"{url}#primaryimage"}
        graph.append(
            {
                "@type": "ImageObject",
                "inLanguage": "pt-BR",
                "@id": f"{url}#primaryimage",
                "url": image,
                "contentUrl": image,
            }
        )
    graph += [
        {"@type": "Person", "@id": f"{v.home}#/schema/person/{v.slug(a)}", "name": a, "url": v.url(v.author_path(a))}
        for a in art.authors
    ]
    data = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    return f'<script type="application/ld+json" class="yoast-schema-graph">{json_for_script(data)}</script>'


def article_page(v: SiteView, art: DemoArticle) -> str:
    url = v.url(art.path)
    desc = excerpt(art, 25, "...")
    figures = [b for b in art.blocks if b.image is not None]
    image = v.url(renditions(figures[0])[-1].path) if figures else None
    meta = [
        f'<meta name="description" content="{esc(desc)}">',
        '<meta name="robots" content="index, follow, max-snippet:-1, max-image-preview:large, max-video-preview:-1">',
        '<meta property="og:locale" content="pt_BR">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(art.title)} - {esc(v.site.name)}">',
        f'<meta property="og:description" content="{esc(desc)}">',
        f'<meta property="og:url" content="{esc(url)}">',
        f'<meta property="og:site_name" content="{esc(v.site.name)}">',
        '<meta property="article:publisher" content="https://www.facebook.com/revistamovimento">',
        f'<meta property="article:published_time" content="{iso_utc(art.published)}">',
    ]
    if art.modified:
        meta.append(f'<meta property="article:modified_time" content="{iso_utc(art.modified)}">')
    if art.categories:
        meta.append(f'<meta property="article:section" content="{esc(art.categories[0])}">')
    meta += [f'<meta property="article:tag" content="{esc(t)}">' for t in art.tags]
    if image:
        big = renditions(figures[0])[-1]
        meta += [
            f'<meta property="og:image" content="{esc(image)}">',
            f'<meta property="og:image:width" content="{big.width}">',
            f'<meta property="og:image:height" content="{big.height}">',
            '<meta property="og:image:type" content="image/jpeg">',
        ]
    else:
        meta.append(f'<meta property="og:image" content="{v.url("/wp-content/uploads/2021/03/logo-movimento.png")}">')
    minutes = max(1, round(sum(len(p.split()) for p in art.paragraphs) / 200))
    meta += [
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:label1" content="Escrito por">',
        f'<meta name="twitter:data1" content="{esc(" e ".join(art.authors))}">',
        '<meta name="twitter:label2" content="Est. tempo de leitura">',
        f'<meta name="twitter:data2" content="{minutes} minuto{"s" if minutes > 1 else ""}">',
        _schema(v, art, image),
        *_json_alternate(v, art),
        f'<link rel="shortlink" href="{v.url(f"/?p={art.post_id}")}">',
    ]
    head = _head(v, art.title, art.path, "\n".join(meta))

    classes = [f"post-{art.post_id}", "post", "type-post", "status-publish", "format-standard"]
    if figures:
        classes.append("has-post-thumbnail")
    classes += [f"category-{v.slug(c)}" for c in art.categories] + [f"tag-{v.slug(t)}" for t in art.tags]

    body = _body(art)
    if v.broken and art.post_id % 2:
        content = ""
    elif v.broken:
        content = (
            f'<div class="entry-content td-post-content tagdiv-type">\n{_sharing(v, art)}\n{_related(v, art)}\n</div>'
        )
    else:
        content = f'<div class="entry-content td-post-content tagdiv-type">\n{body}\n{_sharing(v, art)}\n{_related(v, art)}\n</div>'

    by = " e ".join(
        f'<span class="author vcard"><a rel="author" href="{esc(v.url(v.author_path(a)))}">{esc(a)}</a></span>'
        for a in art.authors
    )
    if art.modified:
        updated = (
            f'<time class="updated" datetime="{iso(art.modified)}" style="display:none">{_date(art.modified)}</time>'
        )
        pub_class = "entry-date published td-module-date"
    else:
        updated = ""
        pub_class = "entry-date published updated td-module-date"
    cats = "".join(
        f'<li class="entry-category"><a href="{esc(v.url(v.category_path(c)))}" rel="category tag">{esc(c)}</a></li>'
        for c in art.categories
    )
    tags = "".join(f'<li><a href="{esc(v.url(v.tag_path(t)))}" rel="tag">{esc(t)}</a></li>' for t in art.tags)
    bios = "".join(
        f'<div class="td-author-name-wrap"><div class="td-author-name"><a href="{esc(v.url(v.author_path(a)))}">{esc(a)}</a></div>'
        f'<div class="td-author-description">{esc(AUTHOR_BIOS[a])}</div></div>'
        for a in art.authors
        if a in AUTHOR_BIOS
    )
    main = f"""<article id="post-{art.post_id}" class="{" ".join(classes)}" itemscope itemtype="https://schema.org/Article">
<div class="td-post-header">
<ul class="td-category">{cats}</ul>
<header class="td-post-title">
<h1 class="entry-title">{esc(art.title)}</h1>
<div class="td-module-meta-info">
<div class="td-post-author-name"><div class="td-author-by">Por</div> {by}<div class="td-author-line"> - </div></div>
<span class="td-post-date"><time class="{pub_class}" datetime="{iso(art.published)}">{_date(art.published)}</time>{updated}</span>
<div class="td-post-comments"><a href="#comments"><i class="td-icon-comments"></i>{len(art.comments)}</a></div>
<div class="td-post-views"><i class="td-icon-views"></i><span class="td-nr-views-{art.post_id}">{(art.post_id * 37) % 4000 + 120}</span></div>
</div>
</header>
</div>
<div class="td-post-sharing-top"><div class="td-post-sharing-visible"><span class="td-social-but-text">Compartilhar</span>
<a class="td-social-sharing-button td-social-facebook" href="https://www.facebook.com/sharer.php?u={quote(url, safe="")}">Facebook</a>
<a class="td-social-sharing-button td-social-twitter" href="https://twitter.com/intent/tweet?text={quote(art.title, safe="")}&amp;url={quote(url, safe="")}">Twitter</a>
<a class="td-social-sharing-button td-social-whatsapp" href="https://api.whatsapp.com/send?text={quote(art.title, safe="")}%20%0A%0A%20{quote(url, safe="")}">WhatsApp</a>
<a class="td-social-sharing-button td-social-telegram" href="https://telegram.me/share/url?url={quote(url, safe="")}&amp;text={quote(art.title, safe="")}">Telegram</a></div></div>
{content}
<footer>
<div class="td-post-source-tags"><ul class="td-tags td-post-small-box clearfix"><li><span>TAGS</span></li>{tags}</ul></div>
{bios}
</footer>
</article>
{"" if v.broken else _after_post(v)}
{_comments(v, art)}"""
    crumbs: list[tuple[str, str | None]] = [("Início", "/")]
    if art.categories:
        crumbs.append((art.categories[0], v.category_path(art.categories[0])))
    crumbs.append((art.title, None))
    body_class = f"post-template-default single single-post postid-{art.post_id} single-format-standard"
    return _layout(v, head, body_class, crumbs, main)


# ---------------------------------------------------------------- listings, pages, errors


def _module(v: SiteView, art: DemoArticle) -> str:
    url = esc(v.url(art.path))
    figures = [b for b in art.blocks if b.image is not None]
    thumb = '<div class="td-module-thumb"><a href="{u}" rel="bookmark" class="td-image-wrap" title="{t}"><img class="entry-thumb" src="{s}" alt="" title="{t}" width="{w}" height="{h}"></a></div>'
    if figures:
        r = thumbnail(figures[0])
        thumb = thumb.format(u=url, t=esc(art.title), s=esc(_url(r.path)), w=r.width, h=r.height)
    else:
        thumb = ""
    authors = " e ".join(f'<a href="{esc(v.url(v.author_path(a)))}">{esc(a)}</a>' for a in art.authors)
    return f"""<div class="td_module_10 td_module_wrap td-animation-stack">
{thumb}<div class="item-details">
<h3 class="entry-title td-module-title"><a href="{url}" rel="bookmark" title="{esc(art.title)}">{esc(art.title)}</a></h3>
<div class="td-module-meta-info"><span class="td-post-author-name">{authors} <span>-</span> </span><span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{iso(art.published)}">{_date(art.published)}</time></span>
<span class="td-module-comments"><a href="{url}#comments">{len(art.comments)}</a></span></div>
<div class="td-excerpt">{esc(excerpt(art, 25, "..."))}</div>
<div class="td-read-more"><a href="{url}">Leia mais</a></div>
</div>
</div>"""


def _pagination(v: SiteView, listing: Listing) -> str:
    if listing.pages <= 1:
        return ""
    suffix = f"?s={quote(listing.query)}" if listing.query else ""
    parts = []
    if listing.page > 1:
        parts.append(
            f'<a href="{esc(v.url(listing.page_path(listing.page - 1)) + suffix)}"><i class="td-icon-menu-left"></i></a>'
        )
    for n in range(1, listing.pages + 1):
        if n == listing.page:
            parts.append(f'<span class="current">{n}</span>')
        else:
            parts.append(f'<a href="{esc(v.url(listing.page_path(n)) + suffix)}" class="page" title="{n}">{n}</a>')
    if listing.page < listing.pages:
        parts.append(
            f'<a href="{esc(v.url(listing.page_path(listing.page + 1)) + suffix)}"><i class="td-icon-menu-right"></i></a>'
        )
    parts.append(f'<span class="pages">Página {listing.page} de {listing.pages}</span>')
    return f'<div class="page-nav td-pb-padding-side">{"".join(parts)}</div>'


def listing_page(v: SiteView, listing: Listing) -> str:
    heading = {
        "home": "Últimas publicações",
        "category": listing.name,
        "tag": f"Tag: {listing.name}",
        "author": listing.name,
        "search": f"Resultados da pesquisa: {listing.query}",
    }[listing.kind]
    title = v.site.description if listing.kind == "home" else heading
    if listing.page > 1:
        title += f" - Página {listing.page} de {listing.pages}"
    extra = [
        '<meta property="og:locale" content="pt_BR">',
        '<meta property="og:type" content="website">',
        f'<meta property="og:title" content="{esc(title)} - {esc(v.site.name)}">',
        f'<meta property="og:url" content="{esc(v.url(listing.own_path))}">',
        f'<meta property="og:site_name" content="{esc(v.site.name)}">',
        '<meta name="robots" content="noindex, follow">'
        if listing.kind == "search"
        else '<meta name="robots" content="index, follow">',
    ]
    if listing.page > 1:
        extra.append(f'<link rel="prev" href="{esc(v.url(listing.page_path(listing.page - 1)))}">')
    if listing.page < listing.pages:
        extra.append(f'<link rel="next" href="{esc(v.url(listing.page_path(listing.page + 1)))}">')
    head = _head(v, title, listing.own_path if listing.kind != "search" else None, "\n".join(extra))
    modules = (
        "\n".join(_module(v, a) for a in listing.items)
        or '<div class="no-results td-pb-padding-side"><h2>Nenhum resultado</h2></div>'
    )
    main = f"""<div class="td-page-header td-pb-padding-side"><h1 class="entry-title td-page-title"><span>{esc(heading)}</span></h1></div>
{modules}
{_pagination(v, listing)}"""
    body_class = {
        "home": "home blog",
        "category": "archive category",
        "tag": "archive tag",
        "author": "archive author",
        "search": "search search-results",
    }[listing.kind]
    crumbs: list[tuple[str, str | None]] = [("Início", "/")]
    if listing.kind != "home":
        crumbs.append((heading, None))
    return _layout(v, head, body_class, crumbs, main)


def static_page(v: SiteView, page: DemoPage) -> str:
    extra = "\n".join(
        [
            '<meta property="og:locale" content="pt_BR">',
            '<meta property="og:type" content="website">',
            f'<meta property="og:title" content="{esc(page.title)} - {esc(v.site.name)}">',
            f'<meta property="og:url" content="{esc(v.url(page.path))}">',
            f'<meta property="og:site_name" content="{esc(v.site.name)}">',
            page_schema(v, page, "pt-BR"),
        ]
    )
    head = _head(v, page.title, page.path, extra)
    paras = "\n".join(f"<p>{esc(p)}</p>" for p in page.paragraphs)
    main = f"""<div id="post-{page.post_id}" class="post-{page.post_id} page type-page status-publish hentry">
<div class="td-page-header"><h1 class="entry-title td-page-title"><span>{esc(page.title)}</span></h1></div>
<div class="td-page-content tagdiv-type entry-content">
{paras}
</div>
</div>"""
    return _layout(
        v, head, f"page-template-default page page-id-{page.post_id}", [("Início", "/"), (page.title, None)], main
    )


def error_page(v: SiteView, status: int) -> str:
    if status == 410:
        title, text = "Conteúdo removido", "Este conteúdo foi removido e não está mais disponível."
    else:
        title, text = "Página não encontrada", "Ops! A página que você procura não existe. Tente pesquisar."
    head = _head(v, title, None, '<meta name="robots" content="noindex, follow">')
    main = f"""<div class="td-404-title">{esc(title)}</div><div class="td-404-sub-title">{esc(text)}</div>
<div class="td-404-sub-sub-title">{_search_form(v)}<a href="{v.home}">Voltar para a página inicial</a></div>"""
    return _layout(v, head, "error404", [("Início", "/"), (title, None)], main)
