"""transforms.parse: the same trees as trafilatura's loader, through lxml's element lookup in C."""

from __future__ import annotations

import pytest
import trafilatura
from lxml import etree
from lxml import html as lxml_html

from transforms.parse import PARSER, load_html

PAGES = {
    "plain": "<html><head><title>T</title></head><body><p>One <b>two</b></p><!-- c --><form><input name=q></form></body></html>",
    "stray doctype": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">\n<html><body><p>Text</p></body></html>',
    "self-closing html": '<html lang="en"/>\n<head></head><body><article><p>Body</p></article></body></html>',
    "encoding declaration": '<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>Ünïcode</p></body></html>',
    "invalid xml characters": "<html><body><p>bad\x0bchar\x1f here</p></body></html>",
    "no html at all": "just a line of text, no markup",
    "fragment": "<p>only a paragraph</p>",
    "empty body": "<html></html>",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_trees_are_trafilaturas(name: str) -> None:
    page = PAGES[name]
    ours, theirs = load_html(page), trafilatura.load_html(page)
    assert (ours is None) == (theirs is None)
    if ours is not None and theirs is not None:
        assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")


def test_elements_are_html_elements_through_the_c_lookup() -> None:
    tree = load_html(PAGES["plain"])
    assert tree is not None
    kinds = {type(e) for e in tree.iter()}
    assert kinds == {lxml_html.HtmlElement}  # forms and inputs too: no lookup class of their own
    assert tree.findtext(".//b") == "two" and tree.xpath("string(//p)") == "One two"
    kept = lxml_html.fromstring("<div><!-- c --><p>x</p></div>", parser=PARSER)
    assert kept.text_content() == "x"  # comments dropped, as trafilatura's parser drops them
