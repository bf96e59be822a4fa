"""Every CLI command has help and is documented in the README."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help() -> None:
    assert {"run", "demo", "sql", "serve", "sources", "migrate"} <= set(commands())
    for name in commands():
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in commands() if f"trawl {name}" not in readme]
    assert not missing


def test_bad_sources_file_fails_before_crawling(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sources.x]\nurl = "https://x.org/"\nunknown = 1\n', encoding="utf-8")
    result = runner.invoke(app, ["run", "--sources", str(bad), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert "source 'x', field 'unknown'" in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_an_unknown_output_format_is_refused_before_opening_the_warehouse(tmp_path: Path) -> None:
    for command in (["sql", "select 1"], ["search", "word"]):
        result = runner.invoke(app, [*command, "--db", str(tmp_path / "none.duckdb"), "--format", "xml"])
        assert result.exit_code == 2, result.output
        assert "xml" in result.output and "table" in result.output


def _option_blocks(text: str) -> dict[str, str]:
    """Each option's lines of a plain --help text, keyed by its first name."""
    blocks: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if line.startswith("  -") and stripped.startswith("-"):
            current = stripped.split()[0]
            blocks[current] = stripped
        elif current is not None and line.startswith("   "):
            blocks[current] += " " + stripped
        else:
            current = None
    return blocks


def test_every_option_of_every_command_shows_its_default() -> None:
    import click
    import typer.main

    group = typer.main.get_command(app)
    missing = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "400"})
        assert result.exit_code == 0, result.output
        blocks = _option_blocks(result.output)
        for param in command.params:
            if not isinstance(param, click.Option) or param.name == "help":
                continue
            block = blocks.get(param.opts[0], "")
            if not param.required and "[default:" not in block:
                missing.append(f"trawl {name} {param.opts[0]}: {block!r}")
    assert not missing, "\n".join(missing)


def test_help_keeps_brackets_and_shows_flags_without_a_value() -> None:
    result = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "400"})
    blocks = _option_blocks(result.output)
    assert "$TRAWL_DB, else data/trawl.duckdb" in blocks["--db"]
    assert blocks["--full"].split()[:2] == ["--full", "Recrawl"], blocks["--full"]  # a flag takes no value


def test_row_formats_json_is_one_array_jsonl_one_object_per_line_line_one_field_per_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from rich.console import Console

    from flows.output import print_rows

    columns, rows = ["n", "title"], [(1, "a"), (2, None)]
    print_rows(Console(), columns, rows, "json")
    assert json.loads(capsys.readouterr().out) == [{"n": 1, "title": "a"}, {"n": 2, "title": None}]
    print_rows(Console(), columns, rows, "jsonl")
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == [
        {"n": 1, "title": "a"},
        {"n": 2, "title": None},
    ]
    print_rows(Console(), columns, rows, "line")
    assert capsys.readouterr().out.splitlines() == [
        "-[ row 1 ]",
        "n     | 1",
        "title | a",
        "-[ row 2 ]",
        "n     | 2",
        "title | ",
    ]


def test_a_long_table_cell_says_how_much_it_leaves_out() -> None:
    from flows.output import MAX_CELL, cell

    assert cell("x" * (MAX_CELL + 42)) == "x" * MAX_CELL + "…(42 more chars)"
    assert cell("short") == "short" and cell(None) == ""


def test_sources_json_lists_every_source_with_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[sources.a]\nurl = "https://a.example/"\n\n[sources.b]\nurl = "https://b.example/"\n', "utf-8")
    result = runner.invoke(app, ["sources", "--sources", str(path), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [s["key"] for s in found] == ["a", "b"] and found[0]["crawl"]["polite"] is True


def test_demo_server_prints_the_run_command_for_its_urls() -> None:
    import os
    import signal
    import subprocess
    import sys

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "demo-server", "--night", "2"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(4)]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    urls = dict(line.split(": ", 1) for line in lines[:2])
    assert set(urls) == {"kprf_demo", "movimento_demo"}
    assert lines[2] == "Crawl them with:"
    for key, url in urls.items():
        assert f"TRAWL_DEMO_{key.upper()}_URL={url}" in lines[3]
    assert "trawl run --sources" in lines[3] and lines[3].endswith("demo/sources.toml")


def test_the_run_table_is_narrow_unless_wide_is_asked(capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import print_reports
    from flows.report import COLUMNS

    report = {column: 0 for column in COLUMNS} | {"source": "a_source", "status": "ok", "error": "-"}
    print_reports([report])
    narrow = capsys.readouterr().out
    assert all(h in narrow for h in ("source", "status", "new", "updated", "failed", "discarded", "seconds"))
    assert "not_modified" not in narrow and "discovered" not in narrow
    assert max(len(line) for line in narrow.splitlines()) <= 100
    print_reports([report], wide=True)
    wide = capsys.readouterr().out
    header = next(line for line in wide.splitlines() if "source" in line)
    assert header.count("┃") == len(COLUMNS) + 1  # every column of the report
