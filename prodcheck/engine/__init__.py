"""The engine: index the snapshot, compute facts, evaluate contracts. It never
imports a source, a reporter or the CLI (enforced by import-linter)."""

# What decides which rules fire (`check --engine`): Python closures, the default, or
# the SQL engine (DuckDB) being built beside them.
ENGINES = ("closures", "sql")
