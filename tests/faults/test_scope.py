"""Scope (scheme, host, port) and the address deny list, on their own and in real crawls."""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from spiders.folder import CrawlFolder
from spiders.scope import address_refusal, allowed_ports, scope_refusal

REPO = Path(__file__).resolve().parents[2]


def test_scope_is_scheme_host_and_port() -> None:
    ports = allowed_ports("http://127.0.0.1:8123/")
    assert ports == {8123}
    assert scope_refusal("http://127.0.0.1:8123/a/", ("127.0.0.1",), ports) is None
    assert scope_refusal("http://127.0.0.1:9999/a/", ("127.0.0.1",), ports).kind == "port"  # type: ignore[union-attr]
    assert scope_refusal("http://127.0.0.2:8123/a/", ("127.0.0.1",), ports).kind == "host"  # type: ignore[union-attr]
    assert scope_refusal("file:///etc/passwd", ("127.0.0.1",), ports).kind == "scheme"  # type: ignore[union-attr]
    real = allowed_ports("https://news.example/")
    assert real == {80, 443}
    assert scope_refusal("http://www.news.example/x", ("news.example",), real) is None
    assert scope_refusal("https://news.example:8443/x", ("news.example",), real).kind == "port"  # type: ignore[union-attr]


def test_the_deny_list() -> None:
    def why(text: str, allow: bool = False) -> str | None:
        return address_refusal(ipaddress.ip_address(text), allow)

    assert why("93.184.216.34") is None and why("2606:4700::1111") is None
    for address in ("127.0.0.1", "::1", "10.1.2.3", "192.168.0.1", "172.16.5.5", "fd00::1", "::ffff:127.0.0.1"):
        assert why(address), address
        assert why(address, allow=True) is None, address  # the opt-in: sites that live there
    # never, even opted in: cloud metadata and other link-local, multicast, unspecified
    for address in ("169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1", "0.0.0.0", "::"):
        assert why(address, allow=True), address


def _crawl(tmp: Path, home: str, **job: Any) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    spec = {"source": "scope", "run_id": "r1", "home_url": home, "out_dir": str(tmp / "out"), "polite": False}
    spec |= {"timeout": 5, "rest_api": False, "feeds": [], "sitemaps": [home + "sitemap.xml"], **job}
    (tmp / "job.json").write_text(json.dumps(spec), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "spiders.crawl", str(tmp / "job.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    stats_path = tmp / "out" / "stats.json"
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    return list(CrawlFolder(tmp / "out").manifest_rows()), stats, proc.stderr


def _site(answer: Callable[[str], tuple[int, dict[str, str], bytes]]) -> SimpleNamespace:
    return SimpleNamespace(answer=lambda path, base: answer(path))


def _sitemap(*urls: str) -> bytes:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()


def test_a_source_not_opted_in_never_reaches_a_loopback_address(serve: Any, tmp_path: Path) -> None:
    hits: list[str] = []

    def script(path: str) -> tuple[int, dict[str, str], bytes]:
        hits.append(path)
        return 200, {"Content-Type": "text/html"}, b"<html><body>x</body></html>"

    home = serve(_site(script))
    rows, stats, _ = _crawl(tmp_path, home)
    assert hits == []  # not even robots.txt
    assert rows and all("address refused: 127.0.0.1 is loopback" in (r["error"] or "") for r in rows), rows
    assert stats["trawl/refused/address"] >= 1
    assert "allow_private_addresses" in rows[0]["error"]


def test_a_retried_request_and_its_redirect_stay_in_scope(serve: Any, tmp_path: Path) -> None:
    stolen: list[str] = []

    def other(path: str) -> tuple[int, dict[str, str], bytes]:
        stolen.append(path)
        return 200, {"Content-Type": "text/html"}, b"<html><body><p>stolen</p></body></html>"

    elsewhere = serve(_site(other))
    moved = elsewhere.replace("127.0.0.1", "localhost")
    asked: list[str] = []

    def site(path: str) -> tuple[int, dict[str, str], bytes]:
        asked.append(path)
        if path == "/sitemap.xml":
            return 200, {"Content-Type": "application/xml"}, _sitemap(home + "a/")
        if path == "/a/":  # 503 first (the retry is dont_filter), then a redirect to another port
            if asked.count("/a/") == 1:
                return 503, {"Content-Type": "text/html"}, b"busy"
            return 302, {"Location": moved + "x/"}, b""
        return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"

    home = serve(_site(site))
    rows, stats, _ = _crawl(
        tmp_path,
        home,
        allowed_domains=["127.0.0.1", "localhost"],
        allow_private_addresses=True,
        retries=2,
        backoff_base=0.1,
    )
    assert asked.count("/a/") == 2 and stolen == []
    (row,) = [r for r in rows if r["role"] == "article"]
    assert row["status"] is None and "OutOfScope: port" in row["error"], row
    assert stats["trawl/refused/port"] == 1
