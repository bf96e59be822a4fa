"""The sources file: minimal entries work, bad files fail naming file, source and field."""

from pathlib import Path

import pytest

from flows.sources import SourcesError, load_sources, select

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sources_files_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = [s.key for s in load_sources(ROOT / "sources.toml")]
    assert keys == ["kprf_msk", "movimento"]
    monkeypatch.setenv("TRAWL_DEMO_KPRF_DEMO_URL", "http://127.0.0.1:1/")
    monkeypatch.setenv("TRAWL_DEMO_MOVIMENTO_DEMO_URL", "http://127.0.0.1:2/")
    demo = load_sources(ROOT / "demo" / "sources.toml")
    assert [s.crawl.polite for s in demo] == [False, False]


def test_minimal_entry_gets_polite_defaults(tmp_path: Path) -> None:
    (source,) = load_sources(write(tmp_path, '[sources.site]\nurl = "https://Example.org/"\n'))
    assert source.key == "site" and source.domains == ["example.org"]
    assert source.crawl.polite and source.crawl.concurrency_per_domain == 1 and source.crawl.download_delay >= 1
    assert "trawl" in source.crawl.user_agent and "http" in source.crawl.user_agent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[sources.a]\nurl = "not a url"\n', "source 'a', field 'url'"),
        ('[sources.a]\nurl = "https://x.org/"\ncolour = "red"\n', "source 'a', field 'colour'"),
        ('[sources.a]\nurl = "https://x.org/"\n[sources.a.discovery]\nmax_pagez = 3\n', "field 'discovery.max_pagez'"),
        ('[sources.a]\nurl = "https://x.org/"\n\n[sources.a]\nurl = "https://y.org/"\n', "source 'a' is defined twice"),
        ('[sources.Bad-Key]\nurl = "https://x.org/"\n', "source 'Bad-Key', field 'key'"),
        ('[sources.a]\nurl = "${TRAWL_TEST_UNSET_VARIABLE}"\n', "TRAWL_TEST_UNSET_VARIABLE"),
        ("[source.a]\nurl = 'https://x.org/'\n", "unknown top-level"),
    ],
)
def test_bad_files_name_file_source_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SourcesError) as error:
        load_sources(path)
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_selecting_an_unknown_source_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, '[sources.a]\nurl = "https://x.org/"\n')
    with pytest.raises(SourcesError, match="no source named zz"):
        select(load_sources(path), ["zz"], path)


def test_every_problem_is_listed_once(tmp_path: Path) -> None:
    text = '[sources.a]\nurl = "x"\n[sources.b]\nurl = "https://b.org/"\n[sources.c]\ncrawl = { timeout = inf }\n'
    with pytest.raises(SourcesError) as error:
        load_sources(write(tmp_path, text))
    assert [p.split(": ", 1)[1].split(":")[0] for p in error.value.problems] == [
        "source 'a', field 'url'",
        "source 'c', field 'url'",
        "source 'c', field 'crawl.timeout'",
    ]
    assert str(error.value) == "\n".join(error.value.problems)


def test_the_model_itself_refuses_header_injection_and_coercion() -> None:
    from pydantic import ValidationError

    from flows.sources import Crawl, Discovery

    with pytest.raises(ValidationError, match="control character"):
        Crawl(user_agent="trawl\r\nX-Injected: 1")
    with pytest.raises(ValidationError, match="valid integer"):
        Discovery.model_validate({"max_pages": True})
    with pytest.raises(ValidationError, match="finite"):
        Crawl(timeout=float("inf"))
    assert Crawl(timeout=5).timeout == 5.0  # an integer is still a number of seconds


def test_allowed_domains_take_host_names(tmp_path: Path) -> None:
    text = '[sources.a]\nurl = "https://x.org/"\nallowed_domains = ["x.org", "news.x.org.", "кпрф.рф", "127.0.0.1"]\n'
    (source,) = load_sources(write(tmp_path, text))
    assert source.domains == ["x.org", "news.x.org.", "кпрф.рф", "127.0.0.1"]
