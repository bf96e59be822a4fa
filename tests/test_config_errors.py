"""Bad configuration through the real CLI: every problem named (file, source, field), all at once, exit 2.

Each kind of bad sources file is given to `trawl sources` (and the many-problem file to
`trawl run` too, which validates the same way before anything starts); a warehouse file
DuckDB cannot open is one line naming it for every command that opens it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()
U = 'url = "https://x.org/"\n'


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def error_lines(output: str) -> list[str]:
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines and all(line.startswith("error: ") for line in lines), output  # one line per problem
    return [line.removeprefix("error: ") for line in lines]


CASES: list[tuple[str, str | bytes, list[str]]] = [
    # missing key or url
    ("missing url", '[sources.a]\nname = "A"\n', ["source 'a', field 'url': required, missing"]),
    ("a url without a table", f"[sources]\n{U}", ["source 'url': expected a table [sources.url], got a str"]),
    ("empty key", f'[sources.""]\n{U}', ["source '', field 'key': a source key is"]),
    ("bad key", f"[sources.Bad-Key]\n{U}", ["source 'Bad-Key', field 'key'"]),
    ("key as a field", f'[sources.a]\n{U}key = "b"\n', ["source 'a', field 'key': not a field"]),
    # bad URLs
    ("not a url", '[sources.a]\nurl = "not a url"\n', ["source 'a', field 'url': Input should be a valid URL"]),
    ("ftp url", '[sources.a]\nurl = "ftp://x.org/"\n', ["field 'url': URL scheme should be 'http' or 'https'"]),
    ("url without host", '[sources.a]\nurl = "https://"\n', ["field 'url': Input should be a valid URL, empty host"]),
    ("url as a number", "[sources.a]\nurl = 5\n", ["field 'url': URL input should be a string"]),
    ("url with CR/LF", '[sources.a]\nurl = "https://x.org/\\r\\nX: 1"\n', ["field 'url': control character U+000D"]),
    (
        "sitemap not a url",
        f'[sources.a]\n{U}[sources.a.discovery]\nsitemaps = ["sitemap.xml"]\n',
        ["field 'discovery.sitemaps.0': Input should be a valid URL"],
    ),
    # unknown fields
    ("unknown field", f'[sources.a]\n{U}colour = "red"\n', ["source 'a', field 'colour': unknown field (known"]),
    (
        "misspelt nested field",
        f"[sources.a]\n{U}[sources.a.discovery]\nmax_pagez = 3\n",
        ["field 'discovery.max_pagez': unknown field (did you mean 'max_pages'?)"],
    ),
    ("unknown top-level table", f"[source.a]\n{U}", ["unknown top-level entry 'source'", "no [sources.<key>] table"]),
    # wrong types: taken as written, never coerced
    (
        "max_pages = true",
        f"[sources.a]\n{U}discovery = {{ max_pages = true }}\n",
        ["field 'discovery.max_pages': Input should be a valid integer (got true)"],
    ),
    (
        "max_pages = 5.0",
        f"[sources.a]\n{U}discovery = {{ max_pages = 5.0 }}\n",
        ["field 'discovery.max_pages': Input should be a valid integer (got 5.0)"],
    ),
    (
        'polite = "off"',
        f'[sources.a]\n{U}crawl = {{ polite = "off" }}\n',
        ["field 'crawl.polite': Input should be a valid boolean (got \"off\")"],
    ),
    (
        "polite = 0",
        f"[sources.a]\n{U}crawl = {{ polite = 0 }}\n",
        ["field 'crawl.polite': Input should be a valid boolean (got 0)"],
    ),
    (
        'timeout = "30"',
        f'[sources.a]\n{U}crawl = {{ timeout = "30" }}\n',
        ["field 'crawl.timeout': Input should be a valid number"],
    ),
    (
        "timeout = true",
        f"[sources.a]\n{U}crawl = {{ timeout = true }}\n",
        ["field 'crawl.timeout': Input should be a valid number (got true)"],
    ),
    ("language = 5", f"[sources.a]\n{U}language = 5\n", ["field 'language': Input should be a valid string"]),
    (
        "sitemaps as a string",
        f'[sources.a]\n{U}discovery = {{ sitemaps = "https://x.org/s.xml" }}\n',
        ["field 'discovery.sitemaps': Input should be a valid list"],
    ),
    ("crawl as a number", f"[sources.a]\n{U}crawl = 5\n", ["field 'crawl': Input should be a valid dictionary"]),
    # numbers out of range: infinite, NaN, non-positive, absurd
    (
        "timeout = inf",
        f"[sources.a]\n{U}crawl = {{ timeout = inf }}\n",
        ["field 'crawl.timeout': Input should be a finite number (got inf)"],
    ),
    (
        "timeout = -inf",
        f"[sources.a]\n{U}crawl = {{ timeout = -inf }}\n",
        ["field 'crawl.timeout': Input should be a finite number"],
    ),
    (
        "timeout = nan",
        f"[sources.a]\n{U}crawl = {{ timeout = nan }}\n",
        ["field 'crawl.timeout': Input should be a finite number (got nan)"],
    ),
    (
        "timeout = 0",
        f"[sources.a]\n{U}crawl = {{ timeout = 0 }}\n",
        ["field 'crawl.timeout': Input should be greater than 0"],
    ),
    (
        "timeout = 1e9",
        f"[sources.a]\n{U}crawl = {{ timeout = 1e9 }}\n",
        ["field 'crawl.timeout': Input should be less than or equal to 3600"],
    ),
    (
        "delay = 0",
        f"[sources.a]\n{U}crawl = {{ download_delay = 0 }}\n",
        ["field 'crawl.download_delay': Input should be greater than 0"],
    ),
    (
        "delay = -1",
        f"[sources.a]\n{U}crawl = {{ download_delay = -1 }}\n",
        ["field 'crawl.download_delay': Input should be greater than 0"],
    ),
    (
        "delay = inf",
        f"[sources.a]\n{U}crawl = {{ download_delay = inf }}\n",
        ["field 'crawl.download_delay': Input should be a finite number"],
    ),
    (
        "revisit = inf",
        f"[sources.a]\n{U}revisit = {{ window_days = inf }}\n",
        ["field 'revisit.window_days': Input should be a finite number"],
    ),
    (
        "max_pages = 0",
        f"[sources.a]\n{U}discovery = {{ max_pages = 0 }}\n",
        ["field 'discovery.max_pages': Input should be greater than or equal to 1"],
    ),
    # header values: no control characters (they would inject header lines into requests and WARCs)
    (
        "user agent with CR/LF",
        f'[sources.a]\n{U}crawl = {{ user_agent = "bot\\r\\nX-Injected: 1" }}\n',
        ["field 'crawl.user_agent': control character U+000D is not allowed"],
    ),
    (
        "user agent with LF",
        f'[sources.a]\n{U}crawl = {{ user_agent = "bot\\nX: 1" }}\n',
        ["field 'crawl.user_agent': control character U+000A"],
    ),
    (
        "user agent with NUL",
        f'[sources.a]\n{U}crawl = {{ user_agent = "bot\\u0000" }}\n',
        ["field 'crawl.user_agent': control character U+0000"],
    ),
    (
        "user agent with a tab",
        f'[sources.a]\n{U}crawl = {{ user_agent = "bot\\tx" }}\n',
        ["field 'crawl.user_agent': control character U+0009"],
    ),
    (
        "multi-line user agent",
        f'[sources.a]\n{U}[sources.a.crawl]\nuser_agent = """bot\nX: 1"""\n',
        ["field 'crawl.user_agent': control character U+000A"],
    ),
    (
        "blank user agent",
        f'[sources.a]\n{U}crawl = {{ user_agent = "  " }}\n',
        ["field 'crawl.user_agent': must not be empty"],
    ),
    # allowed_domains: host names only
    (
        'allowed_domains = [""]',
        f'[sources.a]\n{U}allowed_domains = [""]\n',
        ["field 'allowed_domains.0': not a host name"],
    ),
    (
        "allowed_domains with a URL",
        f'[sources.a]\n{U}allowed_domains = ["https://x.org/"]\n',
        ["field 'allowed_domains.0': not a host name"],
    ),
    (
        "allowed_domains with a port",
        f'[sources.a]\n{U}allowed_domains = ["x.org:8080"]\n',
        ["field 'allowed_domains.0': not a host name"],
    ),
    (
        "allowed_domains with a blank",
        f'[sources.a]\n{U}allowed_domains = ["x .org"]\n',
        ["field 'allowed_domains.0': not a host name"],
    ),
    # environment variables
    (
        "unset variable",
        '[sources.a]\nurl = "${TRAWL_TEST_UNSET_VARIABLE}"\n',
        ["field 'url': environment variable ${TRAWL_TEST_UNSET_VARIABLE} is not set"],
    ),
    # the file itself
    ("duplicate key", f"[sources.a]\n{U}\n[sources.a]\n{U}", ["source 'a' is defined twice (lines 1 and 4)"]),
    (
        "duplicate field",
        f'[sources.a]\n{U}url = "https://y.org/"\n',
        ["not valid TOML: Cannot overwrite a value (at line 3, column"],
    ),
    ("empty file", "", ["the file is empty; add a [sources.<key>] table with a url"]),
    ("blank file", "  \n\n\t\n", ["the file is empty"]),
    ("comments only", "# nothing yet\n", ["no [sources.<key>] table"]),
    ("not TOML", "[sources.a]\nurl = = 1\n", ["not valid TOML: Invalid value (at line 2, column 7)"]),
    (
        "not TOML at all",
        "<html><body>sources</body></html>\n",
        ["not valid TOML: Invalid statement (at line 1, column 1)"],
    ),
    ("binary file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ["a binary file, not a TOML sources file"]),
    ("random bytes", bytes(range(256)) * 4, ["a binary file"]),
    (
        "latin-1 file",
        '[sources.a]\nurl = "https://x.org/"\nname = "Revista Educação"\n'.encode("latin-1"),
        ["not UTF-8 text (byte 0xe7 on line 3)"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in CASES], ids=[c[0] for c in CASES])
def test_each_kind_of_bad_sources_file(tmp_path: Path, text: str | bytes, expected: list[str]) -> None:
    path = tmp_path / "sources.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    code, output = invoke("sources", "--sources", str(path))
    assert code == 2, output
    lines = error_lines(output)
    assert len(lines) == len(expected), output  # one problem, one line; no more
    for line, message in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}: "), line  # the file first
        assert message in line, (message, output)


def test_a_missing_file_and_a_folder_are_named(tmp_path: Path) -> None:
    for path, reason in ((tmp_path / "none.toml", "No such file"), (tmp_path, "Is a directory")):
        code, output = invoke("sources", "--sources", str(path))
        assert code == 2
        (line,) = error_lines(output)
        assert line.startswith(f"{path}: cannot read the sources file") and reason in line, output


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f'[sources.a]\n{U}name = "Educação"\n'.encode())
    code, output = invoke("sources", "--sources", str(path))
    assert code == 0, output
    assert "https://x.org/" in output and "Educação" in output


MANY = """\
[sources.nourl]
name = "no url"

[sources.badurl]
url = "not a url"

[sources.unknown]
url = "https://x.org/"
colour = "red"
[sources.unknown.discovery]
max_pagez = 3

[sources.types]
url = "https://x.org/"
allowed_domains = ["", "example.org"]
discovery = { max_pages = true, archive_pages = "yes" }
crawl = { polite = "off", timeout = inf, download_delay = nan, user_agent = "bot\\r\\nX-Injected: 1" }

[sources.fine]
url = "https://fine.example/"

[sources.Bad-Key]
url = "https://x.org/"

[sources.env]
url = "${TRAWL_TEST_UNSET_VARIABLE}"
key = "other"
crawl = { timeout = 0, download_delay = -1 }
revisit = { window_days = -inf }

[extra]
x = 1
"""

MANY_EXPECTED = [
    "unknown top-level entry 'extra'",
    "source 'nourl', field 'url': required, missing",
    "source 'badurl', field 'url': Input should be a valid URL",
    "source 'unknown', field 'colour': unknown field",
    "source 'unknown', field 'discovery.max_pagez': unknown field (did you mean 'max_pages'?)",
    "source 'types', field 'allowed_domains.0': not a host name",
    "source 'types', field 'discovery.max_pages': Input should be a valid integer (got true)",
    "source 'types', field 'discovery.archive_pages': Input should be a valid boolean (got \"yes\")",
    "source 'types', field 'crawl.polite': Input should be a valid boolean (got \"off\")",
    "source 'types', field 'crawl.timeout': Input should be a finite number (got inf)",
    "source 'types', field 'crawl.download_delay': Input should be a finite number (got nan)",
    "source 'types', field 'crawl.user_agent': control character U+000D is not allowed",
    "source 'Bad-Key', field 'key'",
    "source 'env', field 'url': environment variable ${TRAWL_TEST_UNSET_VARIABLE} is not set",
    "source 'env', field 'key': not a field: the key is the table name [sources.env]",
    "source 'env', field 'crawl.timeout': Input should be greater than 0 (got 0)",
    "source 'env', field 'crawl.download_delay': Input should be greater than 0 (got -1)",
    "source 'env', field 'revisit.window_days': Input should be a finite number (got -inf)",
]


@pytest.mark.parametrize("command", ["sources", "run"])
def test_every_problem_of_a_file_at_once(tmp_path: Path, command: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(MANY, encoding="utf-8")
    db = tmp_path / "data" / "trawl.duckdb"
    args = [command, "--sources", str(path)] + (
        ["--db", str(db), "--data-dir", str(db.parent)] if command == "run" else []
    )
    assert "TRAWL_TEST_UNSET_VARIABLE" not in os.environ
    code, output = invoke(*args)
    assert code == 2, output
    lines = error_lines(output)
    for message in MANY_EXPECTED:
        assert [line for line in lines if message in line and line.startswith(f"{path}: ")], (message, output)
    assert len(lines) == len(MANY_EXPECTED), output  # nothing twice, nothing about the good source
    assert not [line for line in lines if "'fine'" in line]
    assert not db.parent.exists()  # nothing started


CORRUPT_COMMANDS = [
    ["sql", "select 1"],
    ["sql", "select 1", "--live"],
    ["search", "word"],
    ["export", "--format", "csv"],
    ["history", "https://x.org/a/"],
    ["migrate"],
    ["migrate", "--list"],
    ["run"],
]


@pytest.mark.parametrize("args", CORRUPT_COMMANDS, ids=[" ".join(a) for a in CORRUPT_COMMANDS])
@pytest.mark.parametrize("damage", ["random", "truncated", "empty"])
def test_a_corrupt_warehouse_is_one_line_naming_it(tmp_path: Path, args: list[str], damage: str) -> None:
    db = tmp_path / "trawl.duckdb"
    if damage == "random":
        db.write_bytes(os.urandom(300_000))
    elif damage == "truncated":
        from warehouse.db import connect

        connect(db).close()
        with db.open("rb+") as handle:
            handle.truncate(db.stat().st_size // 3)
    else:
        db.write_bytes(b"")
    before = db.read_bytes()
    sources = tmp_path / "sources.toml"
    sources.write_text(f"[sources.a]\n{U}", encoding="utf-8")
    data = ["--data-dir", str(tmp_path / "data")]
    extra = {"run": ["--sources", str(sources), *data], "export": data}.get(args[0], [])
    code, output = invoke(*args, "--db", str(db), *extra)
    assert code == 2, output
    (line,) = error_lines(output)
    assert line.startswith(f"cannot open the warehouse {db}: "), output
    assert db.read_bytes() == before  # left as it was, for the user to look at
