"""What ``trawl doctor`` found, written out: terminal lines, JSON, and a ready ``[sources.<key>]`` entry."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flows.doctor import Diagnosis, source_key
from transforms.records import Article


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sources_entry(d: Diagnosis, key: str | None = None) -> str:
    """A ``[sources.<key>]`` table for this site, with what the doctor found as comments."""
    key = key or source_key(d.url)
    lines = [
        f"# trawl doctor {d.url}: REST API {'yes' if d.rest_root else 'no'}, "
        f"{len(d.sitemaps)} sitemap(s) with {d.sitemap_urls} URLs, {len(d.feeds)} feed(s)",
        f"[sources.{key}]",
        f"url = {_toml(d.url)}",
    ]
    if d.name:
        lines.append(f"name = {_toml(d.name)}")
    if d.language:
        lines.append(f"language = {_toml(d.language)}")
    crawl = []
    if d.crawl_delay and d.crawl_delay > 1.0:
        crawl.append(f"download_delay = {d.crawl_delay:g}")  # robots.txt Crawl-delay
    if d.private:
        crawl.append("allow_private_addresses = true")
    if crawl:
        why = ["robots.txt Crawl-delay"] if d.crawl_delay and d.crawl_delay > 1.0 else []
        why += ["the site is on a loopback/private address"] if d.private else []
        lines.append(f"crawl = {{ {', '.join(crawl)} }}  # {'; '.join(why)}")
    return "\n".join(lines) + "\n"


def report_lines(d: Diagnosis) -> list[str]:
    """The findings, one line each, for the terminal."""
    if d.home_status is None:
        out = [f"home page: no answer: {d.home_error or 'refused (see the notes)'}"]
    else:
        out = [f"home page: HTTP {d.home_status}" + (f" — {d.name}" if d.name else "")]
    robots = f"robots.txt: HTTP {d.robots_status}" if d.robots_status is not None else "robots.txt: no answer"
    if d.robots_status == 200:
        robots += f"; home page {'allowed' if d.home_allowed else 'DISALLOWED'}"
        robots += f"; Crawl-delay {d.crawl_delay:g} s" if d.crawl_delay else "; no Crawl-delay"
        robots += f"; {len(d.robots_sitemaps)} sitemap(s) listed"
    out.append(robots)
    out.append(
        f"REST API: {d.rest_root} ({d.rest_total} posts)" if d.rest_root else "REST API: none (sitemaps and feeds)"
    )
    out.append(
        f"sitemaps: {', '.join(d.sitemaps[:3])}{' ...' if len(d.sitemaps) > 3 else ''} — {d.sitemap_urls} URLs"
        + (f", newest lastmod {d.newest_lastmod}" if d.newest_lastmod else "")
        if d.sitemaps
        else "sitemaps: none found"
    )
    out.append(f"feeds: {', '.join(d.feeds)} — {d.feed_items} items" if d.feeds else "feeds: none found")
    out += [f"note: {n}" for n in d.notes]
    for url, result in d.samples:
        if isinstance(result, Article):
            prov = result.provenance
            out.append(
                f"sample: {result.title!r} — published {result.published_at} ({prov.get('published_at', '-')}), "
                f"modified {result.modified_at} ({prov.get('modified_at', '-')}), authors {', '.join(result.authors) or '-'}, "
                f"{result.language or '?'}, {len(result.text.split())} words — {url}"
            )
        else:
            out.append(f"sample: {url}: {result}")
    return out


def diagnosis_json(d: Diagnosis, entry: str) -> dict[str, Any]:
    """The findings as JSON-ready data: every field, each sample article's main fields, the entry."""
    data = {k: v for k, v in asdict(d).items() if k != "samples"}
    data["samples"] = [
        {
            "url": url,
            "title": r.title,
            "published_at": r.published_at,
            "modified_at": r.modified_at,
            "authors": list(r.authors),
            "language": r.language,
            "words": len(r.text.split()),
            "provenance": r.provenance,
        }
        if isinstance(r, Article)
        else {"url": url, "error": r}
        for url, r in d.samples
    ]
    data["sources_entry"] = entry
    return data
