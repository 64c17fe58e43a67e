"""The engine: index the snapshot, compute facts, evaluate contracts. It never
imports a source, a reporter or the CLI (enforced by import-linter)."""
