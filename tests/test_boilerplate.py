"""Site-level boilerplate learning and stripping."""

import random

from transforms.boilerplate import count_lines, learn, markdown_key, strip, threshold
from transforms.document import build_document
from transforms.records import Article

CTA = "Подписывайтесь на Telegram-бот, чтобы первыми узнавать новости!"


def _texts(n: int) -> list[str]:
    return [f"Уникальный абзац номер {i} о событиях дня.\nЕщё одна мысль {i * 7}.\n{CTA}" for i in range(n)]


def test_learned_lines_are_those_recurring_across_documents() -> None:
    texts = _texts(30)
    model = learn("s", count_lines(texts), len(texts))
    assert CTA in model
    assert "Уникальный абзац номер 3 о событиях дня." not in model


def test_learning_does_not_depend_on_order() -> None:
    texts = _texts(20) + ["Случайная строка\n" + CTA] * 3
    shuffled = texts[:]
    random.Random(7).shuffle(shuffled)
    assert learn("s", count_lines(texts), 23).lines == learn("s", count_lines(shuffled), 23).lines


def test_threshold_grows_with_the_source() -> None:
    assert threshold(10) == 4
    assert threshold(1000) == 50


def test_strip_removes_from_text_and_markdown_but_never_empties() -> None:
    model = learn("s", count_lines(_texts(10)), 10)
    text, md, removed = strip(f"Body line.\n{CTA}", f"Body line.\n\n**[{CTA}](https://t.me/bot)**", model)
    assert (text, md, removed) == ("Body line.", "Body line.", 1)
    only = strip(CTA, CTA, model)
    assert only == (CTA, CTA, 0)


def test_markdown_key_reads_through_formatting() -> None:
    assert markdown_key("- **Bold** [link](http://x)") == "bold link"
    assert markdown_key("![alt](http://x/a.jpg)") == ""


def test_republished_text_hashes_alike_after_each_sites_boilerplate() -> None:
    body = "The same statement.\nSigned by many."
    a = Article(url="http://a/1", title="t", text=f"{body}\n{CTA}", markdown=f"{body}\n{CTA}")
    b = Article(url="http://b/1", title="t", text=body, markdown=body)
    model_a = learn("a", count_lines(_texts(10)), 10)
    model_b = learn("b", count_lines([]), 0)
    assert build_document("a", a, model_a).content_hash == build_document("b", b, model_b).content_hash
