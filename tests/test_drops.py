"""Every stage's drops as one kind of row (transforms/drops.py), and the counts taken from them."""

from __future__ import annotations

from transforms.drops import discover_drops, extract_drops, fetch_drops, reasons, refusals
from transforms.fetches import count_fetches
from transforms.records import Article, Discard


def test_each_stage_reports_its_drops_as_stage_reason_url() -> None:
    fetches = [
        {"url": "https://s.example/a", "role": "article", "status": None, "error": "TimeoutError: slow"},
        {"url": "https://s.example/a", "role": "article", "status": 200},  # retried: its page came
        {"url": "https://s.example/b", "role": "article", "status": 500},
        {"url": "https://s.example/c", "role": "article", "status": 404},
        {"url": "https://s.example/d", "role": "article", "status": 304},
        {"url": "https://s.example/sitemap.xml", "role": "sitemap", "status": 429},
        {"url": "https://s.example/wp-json/", "role": "api", "status": 401},
    ]
    candidates = [
        {"url": "https://s.example/e", "decision": "over_budget"},
        {"url": "https://s.example/f", "decision": "not_due"},  # not fetched by design: no drop
    ]
    records: list[Article | Discard] = [
        Discard("https://s.example/about", "not_article", "og:type website", "About us."),
        Article(url="https://s.example/a", title="A", text="t", markdown="t", date_issues=("published_at x: y",)),
    ]
    drops = [*discover_drops(candidates), *fetch_drops(fetches), *extract_drops(records)]  # as the loader adds them
    assert sorted((d.stage, d.reason, d.url.rsplit("/", 1)[1]) for d in drops) == [
        ("dates", "rejected_date", "a"),
        ("discover", "over_budget", "e"),
        ("extract", "not_article", "about"),
        ("fetch", "http 404", "c"),
        ("fetch", "http 500", "b"),
    ]
    extract = next(d for d in drops if d.stage == "extract")
    assert (extract.detail, extract.text) == ("og:type website", "About us.")
    # the report's failures are the fetch drops, counted by the rule the source's health uses
    assert sum(reasons(drops, "fetch").values()) == count_fetches(fetches).outcomes["failed"] == 2
    assert refusals(fetches) == 1  # the 429 sitemap; the closed REST API refuses nothing the crawl needs
