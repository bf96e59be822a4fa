"""The three seed cases: what a naive scrape kept (../shared/seeds, copied to tests/golden/seeds)
against what trawl stores for the same articles of the demo sites.

Every site's pages are extracted and its boilerplate learned from them, as the pipeline
does after a source's first crawl; then each seed's lines are sorted into body lines (they
hold a paragraph of the hand-cleaned text) and defects (the Telegram call-to-action, the
Movimento sidebar widgets, the doubled title). The body must stay, the defects must go.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.app import SiteApp
from demo.sites import build_sites
from transforms.boilerplate import count_lines, learn
from transforms.document import build_document
from transforms.extract import extract_article
from transforms.normalize import normalize_text
from transforms.records import Article, Document

SEEDS = Path(__file__).resolve().parent / "golden" / "seeds"
CASES = {
    "kprf-msk-smolensk-2023-05-20.ru.txt": ("kprf_demo", "kprf-smolensk-2023"),
    "movimento-antiwar-resolution.en-pt.txt": ("movimento_demo", "movimento-antiwar-resolution"),
    "tdo-udaltsov-coalition-2017.en.txt": ("kprf_demo", "kprf-tdo-udaltsov-2017"),
}


def fold(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Document]]:
    """Each demo source's articles, extracted and cleaned with the boilerplate of the whole site."""
    out: dict[str, dict[str, Document]] = {}
    for key, site in build_sites().items():
        base = "http://127.0.0.1:8701"
        app = SiteApp(site, base)
        articles: dict[str, Article] = {}
        for item in site.articles:
            response = app.route(item.path)
            result = extract_article(response.body, base + item.path, response.header("Content-Type"))
            assert isinstance(result, Article), (key, item.key, result)
            articles[item.key] = result
        texts = {normalize_text(a.text) for a in articles.values()}
        model = learn(key, count_lines(sorted(texts)), len(texts))
        out[key] = {name: build_document(key, a, model) for name, a in articles.items()}
    return out


def seed_lines(name: str) -> list[str]:
    lines = (line.strip().lstrip("•").strip() for line in (SEEDS / name).read_text(encoding="utf-8").split("\n"))
    return [line for line in lines if line and not line.startswith("![")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_seed_body_stays_and_defects_go(name: str, documents: dict[str, dict[str, Document]]) -> None:
    source, key = CASES[name]
    article = build_sites()[source].article(key)
    truth = [fold(p) for p in article.paragraphs]
    body, defects = [], []
    for line in map(fold, seed_lines(name)):
        holds_body = any(p in line or line in p for p in truth)
        (body if holds_body else defects).append(line)
    assert body, f"{name}: no body line recognised"
    doc = documents[source][key]
    text, markdown = fold(doc.text), fold(doc.markdown)
    missing = [p[:60] for p in truth if p not in text]
    assert not missing, f"{name}: body paragraphs missing from the stored text: {missing}"
    kept = [d[:60] for d in defects if d in text or d in markdown]
    assert not kept, f"{name}: defect lines kept: {kept}"
    if source == "kprf_demo" and key != "kprf-tdo-udaltsov-2017":
        assert any("Telegram" in d for d in defects), "the Telegram call-to-action is a defect of this seed"
    if source == "movimento_demo":
        assert len(defects) >= 4, "the doubled title and the sidebar widget lines are defects of this seed"


def test_the_republished_seed_is_one_text_on_both_sites(documents: dict[str, dict[str, Document]]) -> None:
    kprf = documents["kprf_demo"]["kprf-tdo-udaltsov-2017"]
    movimento = documents["movimento_demo"]["movimento-tdo-udaltsov-2017"]
    assert kprf.content_hash == movimento.content_hash
