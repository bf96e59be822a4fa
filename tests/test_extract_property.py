"""Property: ``extract_article`` never raises on a hostile page, and a fault that leaves the article's body
in the page never loses its text.

The pages are the recorded ones (the golden pages of both demo sites and the spider fixture site), mutated
at random. Two families of mutation:

- the body stays in the page: absurd dates in JSON-LD, ``article:*`` meta and ``<time>`` (year 1 with an
  offset, year 9999, the zero time, numbers, lists, objects, random text), giant attributes, JSON-LD nested
  past the JSON parser's limit, nesting that HTML parsers keep (up to 100 levels), a wrong declared charset
  (the bytes unchanged, or re-encoded in a legacy charset): the text must come back whenever the unmutated
  page had text (an article's text, or the text a discard keeps);
- the body may be damaged: truncation, byte flips, inserted garbage bytes, nesting past libxml2's depth
  limit (256: it stops parsing there, so the body is gone from the tree): extraction must not raise.

Deterministic for CI: derandomized, no example database, a fixed number of examples (600, under a minute
here). ``stored_text`` is what the pipeline stores for a page (see bench/extraction.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from html import escape
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from transforms.extract import extract_article
from transforms.records import Article, Discard, Hints

TESTS = Path(__file__).resolve().parent
FETCHED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
HINTS = Hints(fetched_at=FETCHED)
BASE = "http://127.0.0.1:8000"
EXAMPLES = 600


@cache
def corpus() -> tuple[tuple[str, bytes, str | None], ...]:
    """(url, body, content type) of every recorded page."""
    pages = []
    for html in sorted((TESTS / "golden").glob("*/*.html")):
        request = json.loads(html.with_suffix(".request.json").read_text(encoding="utf-8"))
        pages.append((request["url"], html.read_bytes(), request.get("content_type")))
    fixtures = TESTS / "fixtures" / "spider_site"
    for html in sorted(fixtures.rglob("*.html")):
        path = "/" + str(html.parent.relative_to(fixtures)) + "/"
        body = html.read_bytes().replace(b"{{BASE}}", BASE.encode())
        pages.append((BASE + path, body, "text/html; charset=utf-8"))
    return tuple(pages)


def stored_text(result: Article | Discard) -> str:
    return result.text


@cache
def original_text(index: int) -> str:
    url, body, content_type = corpus()[index]
    return stored_text(extract_article(body, url, content_type, HINTS))


# -- absurd dates --------------------------------------------------------------------------------------

FIXED_DATES = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59.999999-14:00",
    "0000-00-00 00:00:00",
    "0000-00-00T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "2024-13-45T25:61:61Z",
    "2999-01-01",
    "-0001-01-01",
    "99999999999",
    "Mon, 01 Jan 0001 00:00:00 +0100",
    "Fri, 31 Dec 9999 23:59:59 -1400",
    "",
    " ",
    "null",
]
offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda m: f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
)
any_datetime = st.builds(
    lambda d, offset: d.isoformat() + offset,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    offsets,
)
date_text = st.one_of(st.sampled_from(FIXED_DATES), any_datetime, st.text(max_size=30))
json_date = st.one_of(
    date_text,
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.lists(date_text, max_size=3),
    st.dictionaries(st.sampled_from(["@value", "@type", "date"]), date_text, max_size=2),
)


def insert_head(body: bytes, markup: str) -> bytes:
    at = body.lower().find(b"</head>")
    return body[:at] + markup.encode() + body[at:] if at >= 0 else markup.encode() + body


def insert_before_first_paragraph(body: bytes, markup: str) -> bytes:
    at = body.lower().find(b"<p")
    return body[:at] + markup.encode() + body[at:] if at >= 0 else body + markup.encode()


@st.composite
def dated(draw: st.DrawFn, body: bytes) -> bytes:
    """Absurd dates in JSON-LD, meta and <time>, where the date parsers of every signal read them."""
    where = draw(st.sets(st.sampled_from(["json-ld", "meta", "time", "microdata"]), min_size=1))
    if "json-ld" in where:
        ld = {"@type": "NewsArticle", "datePublished": draw(json_date), "dateModified": draw(json_date)}
        body = insert_head(body, f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    if "meta" in where:
        published, modified = escape(draw(date_text)), escape(draw(date_text))
        body = insert_head(
            body,
            f'<meta property="article:published_time" content="{published}">'
            f'<meta property="article:modified_time" content="{modified}"><meta name="date" content="{published}">',
        )
    if "time" in where:
        value = escape(draw(date_text))
        body = insert_before_first_paragraph(
            body, f'<time class="published updated entry-date" datetime="{value}"></time>'
        )
    if "microdata" in where:
        value = escape(draw(date_text))
        body = insert_before_first_paragraph(body, f'<meta itemprop="datePublished" content="{value}">')
    return body


@st.composite
def giant_attribute(draw: st.DrawFn, body: bytes) -> bytes:
    """One attribute of up to 300 kB on the body, the first paragraph, link or image (no widget marker)."""
    tag = draw(st.sampled_from([b"<body", b"<p", b"<a ", b"<img", b"<html", b"<article", b"<div"]))
    name = draw(st.sampled_from(["data-x", "title", "style", "class", "id", "href", "srcset", "alt"]))
    size = draw(st.integers(min_value=1_000, max_value=300_000))
    unit = draw(st.sampled_from(["x", "ab ", "Ж", "0,", "&amp;", "http://[::1"]))
    value = (unit * (size // len(unit) + 1))[:size]
    at = body.find(tag)
    if at < 0:
        return body
    at += len(tag)
    return body[:at] + f' {name}="{value}"'.encode() + (b" " if tag.endswith(b" ") else b"") + body[at:]


@st.composite
def deep_json_ld(draw: st.DrawFn, body: bytes) -> bytes:
    depth = draw(st.integers(min_value=1_000, max_value=200_000))
    return insert_head(body, f'<script type="application/ld+json">{"[" * depth}{"]" * depth}</script>')


def _body_open(body: bytes) -> int:
    at = body.lower().find(b"<body")
    return body.find(b">", at) + 1 if at >= 0 else 0


@st.composite
def nested(draw: st.DrawFn, body: bytes, low: int, high: int) -> bytes:
    """The body's content wrapped in ``depth`` elements (or that many opened and closed before it)."""
    depth = draw(st.integers(min_value=low, max_value=high))
    tag = draw(st.sampled_from([b"div", b"span", b"section"]))
    at = _body_open(body)
    opened, closed = b"<" + tag + b">", b"</" + tag + b">"
    if draw(st.booleans()):
        return body[:at] + opened * depth + body[at:] + closed * depth
    return body[:at] + opened * depth + closed * depth + body[at:]


@st.composite
def wrong_charset(draw: st.DrawFn, body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """A wrong charset declared, in the header or a <meta>; the bytes kept, or re-encoded in a legacy one."""
    declared = draw(
        st.sampled_from(["koi8-r", "windows-1251", "iso-8859-1", "utf-8", "shift_jis", "utf-16", "x-bogus"])
    )
    real = draw(st.sampled_from([None, "windows-1251", "koi8-r", "cp1252", "iso-8859-5"]))
    if real is not None:
        text = body.decode(_encoding_of(content_type), errors="replace")
        body = text.encode(real, errors="xmlcharrefreplace")
    if draw(st.booleans()):
        return body, f"text/html; charset={declared}"
    return insert_head(body, f'<meta charset="{declared}">'), None


def _encoding_of(content_type: str | None) -> str:
    return "cp1251" if content_type and "1251" in content_type else "utf-8"


# -- damage --------------------------------------------------------------------------------------------


@st.composite
def damaged(draw: st.DrawFn, body: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "garbage", "deep"]))
    if kind == "truncate":
        return body[: draw(st.integers(min_value=0, max_value=len(body)))]
    if kind == "flip":
        data = bytearray(body)
        for _ in range(draw(st.integers(min_value=1, max_value=200))):
            data[draw(st.integers(min_value=0, max_value=len(data) - 1))] ^= draw(
                st.integers(min_value=1, max_value=255)
            )
        return bytes(data)
    if kind == "garbage":
        at = draw(st.integers(min_value=0, max_value=len(body)))
        junk = draw(
            st.sampled_from([b"\x00", b"\xff\xfe", b"\xc3(", b"<![CDATA[", b"<!--", b"<script>", b"&#xFFFFFFFF;"])
        )
        return body[:at] + junk * draw(st.integers(min_value=1, max_value=5000)) + body[at:]
    return draw(nested(body, 256, 100_000))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[int, bytes, str | None, bool]:
    """(page index, mutated body, content type, whether the body was kept)."""
    index = draw(st.integers(min_value=0, max_value=len(corpus()) - 1))
    _, body, content_type = corpus()[index]
    kept, nesting = True, False
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["dates", "giant", "deep_json", "nesting", "charset", "damage"]))
        event(kind)
        if kind == "dates":
            body = draw(dated(body))
        elif kind == "giant":
            body = draw(giant_attribute(body))
        elif kind == "deep_json":
            body = draw(deep_json_ld(body))
        elif kind == "nesting" and not nesting:  # once: depths add up, past libxml2's limit
            body, nesting = draw(nested(body, 1, 100)), True
        elif kind == "charset" and content_type == corpus()[index][2]:  # once: the bytes are re-encoded
            body, content_type = draw(wrong_charset(body, content_type))
        elif kind == "damage":
            body, kept = draw(damaged(body)), False
    return index, body, content_type, kept


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(mutated())
def test_extraction_never_raises_and_keeps_the_text_of_a_kept_body(case: tuple[int, bytes, str | None, bool]) -> None:
    index, body, content_type, kept = case
    url = corpus()[index][0]
    result = extract_article(body, url, content_type, HINTS)  # raising fails the property
    assert isinstance(result, Article | Discard)
    event(f"{'body kept' if kept else 'body damaged'}, {type(result).__name__}")
    if kept and original_text(index):
        assert stored_text(result), (url, result)
    if isinstance(result, Article):
        for value in (result.published_at, result.modified_at):
            assert value is None or datetime(1990, 1, 1, tzinfo=UTC) <= value <= FETCHED.replace(minute=15)
