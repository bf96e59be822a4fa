"""Record demo pages for the golden extraction tests: ``python -m tests.golden.record``.

Writes each chosen demo page's bytes and HTTP content type under ``tests/golden/<source>/``
(rendered offline by the demo app, at the demo's preferred base URL), then the expected
fields from the current extractor. Afterwards review ``git diff tests/golden`` before
committing; ``pytest tests/test_golden.py --update-golden`` regenerates the expected fields
alone, from the recorded pages.
"""

from __future__ import annotations

import json
from pathlib import Path

from demo.app import SiteApp
from demo.sites import build_sites

HERE = Path(__file__).resolve().parent
BASES = {"kprf_demo": "http://127.0.0.1:8701", "movimento_demo": "http://127.0.0.1:8702"}
# per source: the seed article, the republished one, an odd encoding or co-authors,
# figures with captions, and a static page (kprf: an about page of article length, stored as a
# page; movimento: a short contact page, a discard)
PAGES = {
    "kprf_demo": ("kprf-smolensk-2023", "kprf-tdo-udaltsov-2017", "kprf-17-zhkh", "kprf-22-zastrojka", "kprf-about"),
    "movimento_demo": (
        "movimento-antiwar-resolution",
        "movimento-tdo-udaltsov-2017",
        "movimento-19-clima",
        "movimento-04-educacao",
        "movimento-contact",
    ),
}


def record() -> list[Path]:
    """Write every chosen page and its request facts; return the page files."""
    from tests.test_golden import write_expected

    written = []
    for key, site in build_sites().items():
        app = SiteApp(site, BASES[key])
        paths = {a.key: a.path for a in site.articles} | {p.key: p.path for p in site.pages}
        folder = HERE / key
        folder.mkdir(exist_ok=True)
        for name in PAGES[key]:
            response = app.route(paths[name])
            page = folder / f"{name}.html"
            page.write_bytes(response.body)
            request = {"url": BASES[key] + paths[name], "content_type": response.header("Content-Type")}
            (folder / f"{name}.request.json").write_text(json.dumps(request, ensure_ascii=False, indent=1) + "\n")
            write_expected(page)
            written.append(page)
    return written


if __name__ == "__main__":
    for path in record():
        print(path.relative_to(HERE.parents[1]))
