"""Encodings: windows-1251 and KOI8-R pages, declared rightly, wrongly or not at all, decode correctly."""

from __future__ import annotations

import codecs
import re

import pytest

from demo.app import SiteApp
from demo.sites import build_sites
from transforms.decode import decode_html, oddity, page_encoding
from transforms.extract import extract_article
from transforms.records import Article

TEXT = (
    "Московское городское отделение КПРФ провело встречу с жителями Нагатинского Затона. "
    "Депутаты рассказали о планах на следующий год и ответили на вопросы собравшихся."
)
PAGE = (
    "<html><head>{meta}<title>Встреча с жителями</title></head><body><article>"
    "<h1>Встреча с жителями</h1><p>{text}</p><p>Жители собрали подписи под обращением к префекту округа, "
    "а активисты пообещали добиваться ответа.</p><p>Ещё один абзац о подписях жителей.</p>"
    "</article></body></html>"
)


def page(encoding: str, meta: str = "") -> bytes:
    return PAGE.format(meta=meta, text=TEXT).encode(encoding)


CASES = [
    # (encoding of the bytes, <meta> in the page, HTTP Content-Type)
    ("windows-1251", '<meta charset="windows-1251">', "text/html; charset=windows-1251"),
    ("windows-1251", "", None),
    ("windows-1251", "", "text/html"),
    ("windows-1251", '<meta charset="utf-8">', "text/html; charset=utf-8"),
    ("windows-1251", "", "text/html; charset=koi8-r"),
    ("windows-1251", "", "text/html; charset=iso-8859-1"),
    ("koi8-r", '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', None),
    ("koi8-r", "", None),
    ("koi8-r", '<meta charset="windows-1251">', None),
    ("koi8-r", "", "text/html; charset=windows-1251"),
    ("koi8-r", '<meta charset="utf-8">', "text/html; charset=UTF-8"),
    ("utf-8", "", "text/html; charset=windows-1251"),
    ("utf-8", '<meta charset="koi8-r">', None),
]


@pytest.mark.parametrize(("encoding", "meta", "content_type"), CASES)
def test_cyrillic_pages_decode_whatever_they_declare(encoding: str, meta: str, content_type: str | None) -> None:
    body = page(encoding, meta)
    assert TEXT in decode_html(body, content_type)


def test_the_real_encoding_is_named() -> None:
    assert page_encoding(page("koi8-r"), "text/html; charset=windows-1251") == "koi8_r"
    assert page_encoding(page("windows-1251"), "text/html; charset=utf-8") == "cp1251"
    assert page_encoding(page("utf-8"), "text/html; charset=koi8-r") == "utf-8"


def test_a_utf8_page_with_one_broken_sequence_stays_utf8() -> None:
    body = page("utf-8").replace("жителями".encode(), "жителями".encode()[:-1], 1)
    assert page_encoding(body, None) == "utf-8"
    assert "Депутаты рассказали" in decode_html(body)


def test_a_koi8_page_served_as_windows_1251_extracts_as_russian() -> None:
    result = extract_article(page("koi8-r"), "http://example.ru/news/1/", "text/html; charset=windows-1251")
    assert isinstance(result, Article)
    assert TEXT in result.text
    assert result.title == "Встреча с жителями"
    assert result.language == "ru"


def demo_pages() -> list[tuple[str, str]]:
    """The KPRF demo site's article pages (path, HTML without any charset declaration)."""
    site = build_sites()["kprf_demo"]
    app = SiteApp(site, "http://127.0.0.1:8701")
    pages = []
    for item in site.articles:
        body = app.route(item.path).body
        html = body.decode("utf-8") if page_encoding(body) == "utf-8" else body.decode("cp1251")
        pages.append((item.path, re.sub(r"<meta[^>]*charset[^>]*>", "", html, flags=re.IGNORECASE)))
    return pages


@pytest.mark.parametrize(
    ("real", "declared"),
    [("windows-1251", "koi8-r"), ("koi8-r", "windows-1251"), ("koi8-r", "koi8-r"), ("windows-1251", "windows-1251")],
)
@pytest.mark.parametrize("where", ["meta", "header"])
def test_every_demo_article_decodes_whatever_sister_code_page_it_declares(real: str, declared: str, where: str) -> None:
    """windows-1251 and KOI8-R read each other's bytes as Cyrillic letters with the case
    scrambled; charset_normalizer's mess score barely tells them apart (the old rule stored such
    pages as mojibake, language ``sr``). A right declaration must stay believed."""
    wrong = []
    for path, html in demo_pages():
        body = html.encode(real, errors="xmlcharrefreplace")
        content_type = f"text/html; charset={declared}" if where == "header" else None
        if where == "meta":
            body = body.replace(b"<head>", f'<head><meta charset="{declared}">'.encode(), 1)
        if codecs.lookup(page_encoding(body, content_type)).name != codecs.lookup(real).name:
            wrong.append(path)
    assert wrong == []


def test_a_windows_1251_page_declared_koi8_r_is_stored_as_russian() -> None:
    path, html = next((p, h) for p, h in demo_pages() if "zhiteli-marina" in p)
    body = html.encode("windows-1251", errors="xmlcharrefreplace").replace(
        b"<head>", b'<head><meta charset="koi8-r">', 1
    )
    result = extract_article(body, "http://127.0.0.1:8701" + path)
    assert isinstance(result, Article)
    assert result.language == "ru" and result.title.startswith("Жители Марьина")
    assert "Накануне в Марьине в сквере у кинотеатра" in result.text


def test_oddity_tells_a_reading_from_its_sister_code_pages() -> None:
    body = page("windows-1251")
    assert oddity(body.decode("cp1251")) == 0.0
    assert oddity(body.decode("koi8_r")) > 0.1 and oddity(body.decode("mac_cyrillic")) > 0.02
    assert oddity("Сегодня в Москве «МегаФон» и д’Артаньян — из-за погоды") <= 0.1  # real words stay plain
