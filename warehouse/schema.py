"""The schema reference ``warehouse/SCHEMA.md``, checked against the migrated schema.

``python -m warehouse.schema`` exits non-zero when the reference and the migrations disagree;
``--write`` rewrites it: new tables, views and columns appear with ``TODO`` meanings to fill
in, removed ones disappear, and every written meaning is kept.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.db import connect

REFERENCE = Path(__file__).with_name("SCHEMA.md")
TODO = "TODO"
_ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+) \| (.*) \|$")
_MISSING = re.compile(rf"^({TODO}|\| `[^`]+` \| [^|]+ \| {TODO} \|)$", re.MULTILINE)


def missing(text: str) -> int:
    """How many intros and meanings are still to be written."""
    return len(_MISSING.findall(text))


@dataclass(frozen=True)
class Relation:
    """A table or view as the database describes it."""

    name: str
    kind: str  # "table" or "view"
    columns: tuple[tuple[str, str], ...]  # (name, type)


@dataclass
class Documented:
    """A table or view as the reference describes it."""

    intro: str = TODO
    meanings: dict[str, str] = field(default_factory=dict)


def relations(con: duckdb.DuckDBPyConnection) -> list[Relation]:
    """Tables and views of the main schema (fts's own index tables live in their own schema)."""
    rows = con.execute(
        "select table_name, table_type from information_schema.tables "
        "where table_schema = 'main' order by table_type, table_name"
    ).fetchall()
    found = []
    for name, kind in rows:
        columns = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'main' and table_name = ? order by ordinal_position",
            [name],
        ).fetchall()
        found.append(Relation(name, "view" if kind == "VIEW" else "table", tuple(columns)))
    return found


def parse(text: str) -> tuple[str, dict[str, Documented], str]:
    """Preamble, documented relations and the hand-written tail of a reference."""
    head, _, rest = text.partition("\n## Tables\n")
    body, tail = rest, ""
    match = re.search(r"\n## (?!Tables\n|Views\n)", rest)
    if match:
        body, tail = rest[: match.start()], rest[match.start() + 1 :]
    documented: dict[str, Documented] = {}
    current: Documented | None = None
    intro: list[str] = []
    for line in body.splitlines():
        if line.startswith("### "):
            current = documented.setdefault(line[4:].strip(), Documented())
            intro = []
        elif current is not None and (row := _ROW.match(line)):
            current.meanings[row.group(1)] = row.group(3).strip()
        elif current is not None and line.strip() and not line.startswith("|") and not line.startswith("## "):
            intro.append(line.strip())
            current.intro = " ".join(intro)
    return head.rstrip("\n") + "\n", documented, tail


def render(found: list[Relation], preamble: str, documented: dict[str, Documented], tail: str) -> str:
    """The reference for ``found``, keeping every meaning already written."""
    out = [preamble.rstrip("\n"), ""]
    for kind, heading in (("table", "## Tables"), ("view", "## Views")):
        out += [heading, ""]
        for rel in (r for r in found if r.kind == kind):
            doc = documented.get(rel.name, Documented())
            out += [f"### {rel.name}", "", doc.intro or TODO, "", "| column | type | meaning |", "|---|---|---|"]
            out += [f"| `{c}` | {t} | {doc.meanings.get(c) or TODO} |" for c, t in rel.columns]
            out.append("")
    text = "\n".join(out).rstrip("\n") + "\n"
    return text + ("\n" + tail if tail else "")


def expected(reference: Path = REFERENCE) -> tuple[str, str]:
    """(the reference as written, the reference the migrations call for)."""
    con = connect(":memory:")
    try:
        found = relations(con)
    finally:
        con.close()
    current = reference.read_text(encoding="utf-8")
    preamble, documented, tail = parse(current)
    return current, render(found, preamble, documented, tail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.schema", description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite warehouse/SCHEMA.md")
    args = parser.parse_args(argv)
    current, wanted = expected()
    if args.write:
        REFERENCE.write_text(wanted, encoding="utf-8")
        print(f"wrote {REFERENCE}" + (f" ({missing(wanted)} TODO to fill in)" if missing(wanted) else ""))
        return 0
    if current != wanted or missing(current):
        print(f"{REFERENCE} is out of date: run `python -m warehouse.schema --write` and fill in the TODOs")
        return 1
    print(f"{REFERENCE} matches the migrations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
