"""Text normalization, URL canonicalization and the content hash."""

import unicodedata

import ftfy
from hypothesis import given
from hypothesis import strategies as st

from transforms import normalize
from transforms.boilerplate import _MARKDOWN_SYNTAX, strip_markdown
from transforms.normalize import NORMALIZER_VERSION, content_hash, normalize_text, repair, untouched
from transforms.urls import canonicalize


def test_normalize_text_folds_spaces_and_invisible_characters() -> None:
    raw = "  Hello\u00a0 world\u00ad!\u200b \r\n\r\n\tSecond   line  \n"
    assert normalize_text(raw) == "Hello world!\nSecond line"


def test_normalize_text_repairs_mojibake_but_keeps_typography() -> None:
    assert normalize_text("Ð¿Ñ€Ð¸Ð²ÐµÑ‚") == "привет"
    assert normalize_text("“quoted” — dash") == "“quoted” — dash"


def test_normalize_text_composes_unicode() -> None:
    decomposed = "educac\u0327a\u0303o"
    assert normalize_text(decomposed) == "educação"
    assert content_hash(normalize_text(decomposed)) == content_hash(normalize_text("educação"))


def test_content_hash_is_sha256_hex() -> None:
    digest = content_hash("text")
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert NORMALIZER_VERSION


def test_canonicalize_strips_tracking_fragment_default_port_and_case() -> None:
    url = "HTTP://Example.COM:80/news/item/?utm_source=tg&b=2&a=1&fbclid=x#comments"
    assert canonicalize(url) == "http://example.com/news/item/?a=1&b=2"
    assert canonicalize("https://x.org:443") == "https://x.org/"
    assert canonicalize("http://127.0.0.1:8080/x/") == "http://127.0.0.1:8080/x/"


def test_canonicalize_cyrillic_paths_one_form() -> None:
    readable = "https://msk.kprf.ru/2023/05/20/встреча/"
    encoded = "https://msk.kprf.ru/2023/05/20/%d0%b2%d1%81%d1%82%d1%80%d0%b5%d1%87%d0%b0/"
    assert canonicalize(readable) == canonicalize(encoded)
    assert canonicalize(readable).isascii()


@given(
    st.sampled_from(["http", "https", "HTTP"]),
    st.sampled_from(["example.com", "Msk.KPRF.ru", "127.0.0.1:8000", "x.org:443"]),
    st.lists(st.text(min_size=1, max_size=8), max_size=3),
    st.dictionaries(st.sampled_from(["a", "utm_source", "page", "fbclid", "q"]), st.text(max_size=6), max_size=3),
    st.text(max_size=5),
)
def test_canonicalize_is_idempotent(
    scheme: str, host: str, path: list[str], query: dict[str, str], fragment: str
) -> None:
    from urllib.parse import parse_qs, quote, urlencode, urlsplit

    url = f"{scheme}://{host}/" + "/".join(quote(p, safe="") for p in path)
    if query:
        url += "?" + urlencode(query)
    if fragment:
        url += "#" + quote(fragment)
    once = canonicalize(url)
    assert canonicalize(once) == once
    params = parse_qs(urlsplit(once).query, keep_blank_values=True)
    assert "utm_source" not in params and "fbclid" not in params and "#" not in once


def test_content_hash_ignores_paragraph_layout_but_not_words() -> None:
    assert content_hash("Byline – 11.08.2017\nFirst paragraph.") == content_hash("Byline – 11.08.2017 First paragraph.")
    assert content_hash("one two") != content_hash("one three")


def test_mojibake_of_utf8_read_as_windows_1251_or_latin1_is_repaired() -> None:
    text = "Привет, товарищи! Educação pública."
    assert normalize_text(text.encode("utf-8").decode("windows-1251")) == text
    assert normalize_text(text.encode("utf-8").decode("latin-1")) == text


def test_full_width_cjk_punctuation_is_kept() -> None:
    assert (
        normalize_text("演出(此前已在保定市演出多场)，引起强烈反响。") == "演出(此前已在保定市演出多场)，引起强烈反响。"
    )


def _ftfy(text: str) -> str:
    return ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False, fix_character_width=False) if text else text


SAMPLES = [
    "Plain ASCII text, nothing to repair.",
    "Der Bundesdrogenbeauftragte erklärt, warum er die Dokumentation „berührend“ fand.",
    "Коммунисты провели приём граждан — «вопросы ЖКХ».",
    "東京都は１２日、新たに会見を開いた。",
    '국민의힘 한 중진 의원은 "국민은 아직" 말했다.',
    "sÃ³ voilÃ le travail",  # Latin-1 mojibake
    "Ð¿Ñ€Ð¸Ð²ÐµÑ‚",  # mojibake of Russian
    "вЂ” Windows-1251 mojibake of a dash",
    "P&eacute;rez &amp; Co",  # entities
    "ﬂubberiﬁc",  # ligatures
    "e\u0301te\u0301",  # decomposed
    "line\rbreak\u2028and\u2029more\x85end",
    "colour\x1b[31m red\x1b[0m",
    "nul\x00 and \x7f delete and \ufeff bom",
    "C1 \x80\x93 controls",
]


def test_repair_skips_ftfy_only_where_ftfy_would_change_nothing() -> None:
    for text in SAMPLES:
        assert repair(text) == _ftfy(text), text
    assert untouched(SAMPLES[0]) and untouched(SAMPLES[1]) and untouched(SAMPLES[2]) and untouched(SAMPLES[3])
    assert not any(untouched(text) for text in SAMPLES[5:])


@given(
    st.lists(st.sampled_from([*"aé ÃÂÐÑ€¢£«»“”—–…&;#<>\r\n\x85\x1b\x00ﬁ\u0301\u2028¿¡°±×", "amp;", "eacute;", "Ð¿"]))
)
def test_repair_equals_ftfy_on_mixed_risky_text(parts: list[str]) -> None:
    text = "".join(parts)
    assert repair(text) == _ftfy(text)


# the characters the space folding and the Markdown stripping act on, among ordinary ones
_FOLDED = "ab é\u00a0\u2009\u3000\t\f\v\u00ad\u200b\ufeff\r\x1c"
_MARKDOWN = "ab é ![]()[]*_`|#>-+ \t"


@given(st.text(alphabet=_FOLDED, max_size=30))
def test_space_folding_takes_its_shortcut_only_where_it_changes_nothing(line: str) -> None:
    slow = normalize._RUNS_OF_SPACE.sub(" ", normalize._SPACES.sub(" ", normalize._INVISIBLE.sub("", line))).strip()
    assert normalize._fold_spaces(line) == slow


@given(st.text(alphabet=_MARKDOWN, max_size=30))
def test_markdown_stripping_takes_its_shortcut_only_where_it_changes_nothing(line: str) -> None:
    assert strip_markdown(line) == _MARKDOWN_SYNTAX.sub(lambda m: m.group(1) or "", line)


@given(st.text(alphabet=_FOLDED + "ÉS", min_size=normalize.MEMO_CHARS - 2, max_size=normalize.MEMO_CHARS + 2))
def test_match_key_is_the_same_memoized_or_not_at_its_length_limit(line: str) -> None:
    expected = " ".join(normalize._INVISIBLE.sub("", unicodedata.normalize("NFC", line)).split()).casefold()
    assert normalize.match_key(line) == expected
    assert normalize.match_key(line) == expected  # the second call may be answered by the memo
