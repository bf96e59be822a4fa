"""Every CLI command has help and is documented in the README."""

from pathlib import Path

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
