"""Encodings: windows-1251 and KOI8-R pages, declared rightly, wrongly or not at all, decode correctly."""

from __future__ import annotations

import pytest

from transforms.decode import decode_html, page_encoding
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
