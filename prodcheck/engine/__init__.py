"""The engine: index the snapshot, compute facts, evaluate contracts. It never
imports a source, a reporter or the CLI (enforced by import-linter)."""

# What decides which rules fire (`check --engine`): the SQL engine (DuckDB), the
# default, or the Python closures it replaces (kept one release to compare against).
ENGINES = ("sql", "closures")
DEFAULT_ENGINE = "sql"
