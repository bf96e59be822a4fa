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
