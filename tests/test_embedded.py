"""The body a page carries besides its visible main text: JSON-LD articleBody, and HTML in its scripts."""

from __future__ import annotations

import json

from lxml import html as lxml_html

from transforms.article_body import recovered_lines
from transforms.embedded import embedded_body
from transforms.extract import extract_article
from transforms.metadata import find_metadata
from transforms.records import Article


def _paragraph(i: int) -> str:
    return (
        f"Paragraph number {i} of the long report tells how the council voted on the budget and why the "
        f"members of the committee number {i} disagreed with the mayor about the new bus lines."
    )


URL = "https://paper.example/2024/05/council-budget"
PARAGRAPHS = [_paragraph(i) for i in range(12)]


def _page(body_html: str, article_body_text: str | None) -> str:
    ld = ""
    if article_body_text is not None:
        record = {"@type": "NewsArticle", "headline": "Council budget", "articleBody": article_body_text}
        ld = f'<script type="application/ld+json">{json.dumps(record)}</script>'
    return f"<html><head><title>Council budget</title>{ld}</head><body>{body_html}</body></html>"


def _split_page(article_body_text: str | None) -> str:
    first = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:4])
    second = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[4:])
    return _page(
        f'<main><article><h1>Council budget</h1><div class="body">{first}</div>'
        f'<div class="ad"><p>Advertisement</p></div><div class="body">{second}</div></article></main>',
        article_body_text,
    )


def test_paragraphs_the_extraction_left_out_are_put_back_in_page_order() -> None:
    tree = lxml_html.fromstring(_split_page(" ".join(PARAGRAPHS)))
    lines = PARAGRAPHS[:4]
    recovered = recovered_lines(tree, lines, find_metadata(tree, URL).article_body)
    assert recovered == PARAGRAPHS


def test_nothing_is_recovered_when_the_text_holds_the_body_or_the_body_is_a_summary() -> None:
    tree = lxml_html.fromstring(_split_page(" ".join(PARAGRAPHS)))
    assert recovered_lines(tree, PARAGRAPHS, " ".join(PARAGRAPHS)) is None
    assert recovered_lines(tree, PARAGRAPHS[:1], PARAGRAPHS[0]) is None
    assert recovered_lines(tree, PARAGRAPHS[:4], None) is None


def test_an_article_body_the_page_does_not_show_adds_nothing() -> None:
    invisible = " ".join(f"Hidden sentence {i} that only the structured data carries for readers." for i in range(40))
    tree = lxml_html.fromstring(_split_page(invisible))
    assert recovered_lines(tree, PARAGRAPHS[:4], find_metadata(tree, URL).article_body) is None


def test_a_page_rendered_in_the_browser_is_read_from_its_streamed_html() -> None:
    fragment = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    push = f"self.__next_f.push({json.dumps([1, fragment])})"
    html = _page(f'<div id="root"></div><script>{push}</script>', None)
    tree = lxml_html.fromstring(html)
    body = embedded_body(tree)
    assert body is not None and all(p in body.text_content() for p in PARAGRAPHS)
    result = extract_article(html, "https://paper.example/2024/05/council-budget")
    assert isinstance(result, Article)
    assert all(p in result.text for p in PARAGRAPHS)


def test_a_broken_push_script_is_ignored() -> None:
    tree = lxml_html.fromstring(_page('<script>self.__next_f.push([1, "<p>unterminated</script>', None))
    assert embedded_body(tree) is None
