"""Bylines made into names: separators, lead-ins, addresses, handles, ids, teaser cards."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from transforms.authors import byline_links, clean_authors, split_byline
from transforms.metadata import find_metadata


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Ann Lee", ["Ann Lee"]),
        ("By Ann Lee", ["Ann Lee"]),
        ("By\n\n\t  Ann Lee", ["Ann Lee"]),
        ("Von Jan Kurz:", ["Jan Kurz"]),
        ("Ann Lee, Bo Rask and Cy Moe", ["Ann Lee", "Bo Rask", "Cy Moe"]),
        ("Jan Kurz und Eva Lang, dpa", ["Jan Kurz", "Eva Lang", "dpa"]),
        ("Siv Holm og Per Dahl", ["Siv Holm", "Per Dahl"]),
        ("Ana Ruiz y Luis Gil", ["Ana Ruiz", "Luis Gil"]),
        ("Ann Lee; Bo Rask", ["Ann Lee", "Bo Rask"]),
        ("Ann Lee (al.)", ["Ann Lee"]),
        ("Miguel A. Rojo", ["Miguel A. Rojo"]),
        ("Ann Lee, professor of history at the University of Somewhere, site.example", ["Ann Lee", "site.example"]),
        ("a.lee@paper.example", []),
        ("https://paper.example/authors/ann-lee", []),
        ("105092", []),
        ("", []),
        ("田中太郎", ["田中太郎"]),
    ],
)
def test_a_byline_becomes_its_names(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names


def test_names_are_deduplicated_and_a_name_inside_a_longer_one_is_dropped() -> None:
    assert clean_authors(["Ann Lee", "ann lee", "Lee", "Bo Rask"]) == ("Ann Lee", "Bo Rask")


def _page(body: str, head: str = "") -> lxml_html.HtmlElement:
    return lxml_html.fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def test_rel_author_links_of_teaser_cards_are_not_the_pages_authors() -> None:
    cards = "".join(
        f'<article class="card"><h3>Other {i}</h3><a rel="author">By Writer {i}</a></article>' for i in range(5)
    )
    tree = _page(
        f'<main><article><header><h1>The story</h1><a rel="author" href="/a">By Ann Lee</a></header>'
        f"<p>Text.</p><aside>{cards}</aside></article></main>"
    )
    assert clean_authors(byline_links(tree)) == ("Ann Lee",)
    assert find_metadata(tree, "https://paper.example/story").meta.authors == ("Ann Lee",)


def test_an_address_for_an_author_falls_through_to_the_next_signal() -> None:
    tree = _page(
        '<article><h1>T</h1><div itemprop="author">Bo Rask</div><p>Text.</p></article>',
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "b.rask@paper.example"}}</script>',
    )
    found = find_metadata(tree, "https://paper.example/t")
    assert found.meta.authors == ("Bo Rask",)
    assert found.provenance["authors"] == "microdata:author"
