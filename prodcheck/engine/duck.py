"""The process's one in-memory DuckDB database: its bounds for a run (`configure`)
and a connection of its own for each reader (`connect`). duckdb is imported
here only when a check runs: `--version`, `--help` and `validate` never load it.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from prodcheck.config import EngineConfig
from prodcheck.engine.sql_conditions import literal
from prodcheck.errors import ConfigError


@cache
def _database() -> Any:
    import duckdb

    return duckdb.connect()


@cache
def _private_spill_directory() -> Path:
    """A directory of this process's own for DuckDB to spill to (DuckDB's default,
    `.tmp` in the working directory, would write into the user's checkout);
    removed when the process ends."""
    path = Path(tempfile.mkdtemp(prefix="prodcheck-duckdb-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def configure(engine: EngineConfig, *, small: bool = False) -> None:
    """The database's bounds for this run: memory_limit, beyond which DuckDB spills
    to the temp directory instead of failing; one thread for a `small` input,
    where scheduling the work on more costs more than it saves (the demo: 10%).
    A process that runs several checks (`prodcheck test`) may ask for another
    temp directory after an earlier run spilled to its own, which DuckDB cannot
    switch: that run gets a database of its own (the earlier runs' connections
    keep theirs)."""
    import duckdb

    spill = str(engine.temp_directory or _private_spill_directory())
    conn = _database().cursor()
    try:
        current = conn.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
        settings = [("memory_limit", str(engine.memory_limit))]
        if current != spill:  # DuckDB refuses even the same one, once used
            if _used(conn, spill):
                conn.close()
                _database.cache_clear()  # the temp directory was used: a new database
                conn = _database().cursor()
            settings.append(("temp_directory", spill))
        conn.execute("SET threads = 1" if small else "RESET threads")
        for name, value in settings:
            try:
                conn.execute(f"SET {name} = {literal(value)}")
            except duckdb.Error as exc:
                detail = " ".join(str(exc).split())[:160]
                raise ConfigError(
                    f"engine.{name}: {value!r} cannot be used ({detail}); fix it in the "
                    "config, or remove it for the default."
                ) from None
    finally:
        conn.close()


def _used(conn: Any, directory: str) -> bool:
    """Whether the database's temp directory was used, which `directory` then
    cannot replace (tried, and set when it can)."""
    import duckdb

    try:
        conn.execute(f"SET temp_directory = {literal(directory)}")
    except duckdb.NotImplementedException:
        return True
    except duckdb.Error:
        return False  # a directory that cannot be used: said so when set
    return False


def connect() -> Any:
    """A connection of its own to the process's one in-memory database (its temp
    tables and registered tables are its alone); times read back are UTC, as the
    model's, whatever the machine's time zone."""
    conn = _database().cursor()
    conn.execute("SET TimeZone = 'UTC'")
    return conn
