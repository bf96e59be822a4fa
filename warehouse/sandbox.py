"""A connection for ad-hoc SQL that can only query the warehouse it was opened on.

Read-only is not enough: DuckDB's SQL can read any local file (``read_csv('/etc/passwd')``,
``read_text``, ``glob``), write anywhere (``COPY … TO``, ``EXPORT DATABASE``, even over the
warehouse itself), install and load extensions, attach other databases and change its own
settings. ``lock_down`` turns all of that off with DuckDB's own switches (see "Securing
DuckDB" in its documentation): no external access (files, network, extension loading), no
Python variables as tables, then the configuration locked so no query can turn them back on.
Extensions the warehouse needs (fts, for the ``search`` macro) must be loaded before.

``refusal`` says what a statement would do before it runs, so that a refused statement gets a
clear message rather than DuckDB's; the switches, not this check, are what enforce it.
"""

from __future__ import annotations

import duckdb

HINT = "trawl sql only queries the warehouse; `trawl export` writes the articles to files"

# statement types that can never run in the sandbox, and what they would have done
REFUSED: dict[duckdb.StatementType, str] = {
    duckdb.StatementType.COPY: "copies to or from a file",
    duckdb.StatementType.COPY_DATABASE: "writes a database file",
    duckdb.StatementType.EXPORT: "writes files",
    duckdb.StatementType.LOAD: "installs or loads an extension",
    duckdb.StatementType.EXTENSION: "installs or loads an extension",
    duckdb.StatementType.ATTACH: "attaches another database",
    duckdb.StatementType.DETACH: "detaches a database",
    duckdb.StatementType.SET: "changes a setting",
    duckdb.StatementType.VARIABLE_SET: "changes a setting",
    duckdb.StatementType.INSERT: "writes to the warehouse",
    duckdb.StatementType.UPDATE: "writes to the warehouse",
    duckdb.StatementType.DELETE: "writes to the warehouse",
    duckdb.StatementType.MERGE_INTO: "writes to the warehouse",
    duckdb.StatementType.DROP: "writes to the warehouse",
    duckdb.StatementType.ALTER: "writes to the warehouse",
    duckdb.StatementType.VACUUM: "writes to the warehouse",
    duckdb.StatementType.ANALYZE: "writes to the warehouse",
}
# CREATE is left to DuckDB: the catalog is read-only, and PIVOT needs a temporary type.


def lock_down(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No files, network, extension loading or Python objects from now on, and no way back."""
    con.execute("set enable_external_access = false")
    con.execute("set python_enable_replacements = false")
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set autoload_known_extensions = false")
    con.execute("set lock_configuration = true")
    return con


def refusal(con: duckdb.DuckDBPyConnection, sql: str) -> str | None:
    """Why ``sql`` cannot run in the sandbox, or None when it may (DuckDB still enforces the rest)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.PermissionException as error:  # IMPORT DATABASE reads its files while parsing
        return f"refused: {first_line(error)}; {HINT}"
    for statement in statements:
        if statement.type in REFUSED:
            head = " ".join(statement.query.split())
            head = head if len(head) <= 60 else head[:59] + "…"
            return f"refused: `{head}` {REFUSED[statement.type]}; {HINT}"
    return None


# DuckDB's own words when a statement hits a wall the statement types above cannot see
# (a CREATE on the read-only catalog, a setting changed through a PRAGMA function)
WALLS = {
    "read-only mode": "writes to the warehouse",
    "the configuration has been locked": "changes a setting",
}


def explain(error: duckdb.Error) -> str:
    """The message for a query DuckDB stopped: a refusal when it hit one of the sandbox's walls."""
    if isinstance(error, duckdb.PermissionException):
        return f"refused: {first_line(error)}; {HINT}"
    for words, what in WALLS.items():
        if words in str(error):
            return f"refused: the statement {what} ({first_line(error)}); {HINT}"
    return str(error)


def first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
